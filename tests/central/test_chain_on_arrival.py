"""The central server checks each site's hash chain as rows arrive, and says so loudly."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from floorman.data.db import Database
from floorman.data.journal import GENESIS, entry_hash
from floorman.domain.core.context import Floor
from floorman.domain.seats.events import record_event
from floorman.domain.sync.push import ChainRefused, SyncPass


def central_rows(central, site):
    with central.admin.connect() as conn:
        return (
            conn.execute(text("SELECT seq FROM journal WHERE site = :s ORDER BY seq"), {"s": site})
            .scalars()
            .all()
        )


def alarms(central):
    with central.admin.connect() as conn:
        return conn.execute(text("SELECT site, seq, kind FROM chain_alarm ORDER BY id")).all()


def raw_sqlite(floor):
    """Edit the site file as an intruder would: around floorman and its triggers."""
    return create_engine(f"sqlite:///{floor.db.path}")


def drop_journal_triggers(conn):
    names = (
        conn.execute(
            text("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='journal'")
        )
        .scalars()
        .all()
    )
    for name in names:
        conn.execute(text(f"DROP TRIGGER {name}"))


def test_tampered_row_is_refused_and_raises_an_alarm(central, site_floor):
    floor = site_floor("hz")
    link = SyncPass(floor, central.engine(central.add_site("hz")))
    record_event(floor, "A-01", "ready", agent_no="1001")
    sent = link.run_once().central_seq
    record_event(floor, "A-02", "ready", agent_no="1002")
    record_event(floor, "A-03", "ready", agent_no="1003")
    with raw_sqlite(floor).begin() as conn:
        drop_journal_triggers(conn)
        conn.execute(text("UPDATE journal SET actor = 'nobody' WHERE seq = :s"), {"s": sent + 1})

    with pytest.raises(ChainRefused, match="content does not match"):
        link.run_once()
    assert alarms(central) == [("hz", sent + 1, "tamper")]
    assert central_rows(central, "hz") == list(range(1, sent + 1))


def test_a_missing_row_is_a_gap(central, site_floor):
    floor = site_floor("gz")
    link = SyncPass(floor, central.engine(central.add_site("gz")))
    record_event(floor, "A-01", "ready", agent_no="1001")
    sent = link.run_once().central_seq
    record_event(floor, "A-02", "ready", agent_no="1002")
    record_event(floor, "A-03", "ready", agent_no="1003")
    with raw_sqlite(floor).begin() as conn:
        drop_journal_triggers(conn)
        conn.execute(text("DELETE FROM journal WHERE seq = :s"), {"s": sent + 1})

    with pytest.raises(ChainRefused, match="rows are missing"):
        link.run_once()
    assert [kind for _s, _q, kind in alarms(central)] == ["gap"]


def test_a_site_restored_from_a_backup_forks_and_is_not_merged(central, site_floor, tmp_path):
    floor = site_floor("sz")
    url = central.add_site("sz")
    record_event(floor, "A-01", "ready", agent_no="1001")
    SyncPass(floor, central.engine(url)).run_once()
    floor.db.dispose()
    backup = tmp_path / "backup.db"
    shutil.copy(floor.db.path, backup)  # closed and checkpointed: a consistent copy
    record_event(floor, "A-02", "ready", agent_no="1002")
    record_event(floor, "A-03", "busy", agent_no="1003")
    before_restore = SyncPass(floor, central.engine(url)).run_once().central_seq
    floor.db.dispose()
    shutil.copy(backup, floor.db.path)
    restored = Floor(db=Database(floor.db.path), clock=floor.clock, config=floor.config,
                     actor=floor.actor)  # fmt: skip
    restored.clock.advance(60)
    record_event(restored, "B-01", "ready", agent_no="1004")

    with pytest.raises(ChainRefused, match="restored or rewritten"):
        SyncPass(restored, central.engine(url)).run_once()
    assert [kind for _s, _q, kind in alarms(central)] == ["fork"]
    assert central_rows(central, "sz") == list(range(1, before_restore + 1))


ODD_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(actor=ODD_TEXT, subject=ODD_TEXT, after=st.one_of(st.none(), ODD_TEXT),
       micro=st.integers(0, 999_999))  # fmt: skip
def test_the_server_hashes_exactly_like_the_site(pg_hash_engine, actor, subject, after, micro):
    at = datetime(2026, 1, 2, 3, 4, 5, micro, tzinfo=UTC)
    expected = entry_hash(GENESIS, 7, at, actor, "t\x1b", 'a"\\', subject, None, after)
    with pg_hash_engine.connect() as conn:
        computed = conn.execute(
            text("SELECT floorman_entry_hash(:p, 7, :at, :actor, :term, :act, :subj, NULL, :aft)"),
            {
                "p": GENESIS,
                "at": at,
                "actor": actor,
                "term": "t\x1b",
                "act": 'a"\\',
                "subj": subject,
                "aft": after,
            },
        ).scalar()
    assert computed == expected


@pytest.fixture(scope="module")
def pg_hash_engine(pg_cluster, central_template):
    engine = create_engine(pg_cluster.admin_url(central_template))
    yield engine
    engine.dispose()
