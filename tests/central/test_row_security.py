"""Who may do what on the central server: each site only its own rows, HQ only reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import DBAPIError, ProgrammingError

from floorman.data.central import tables as ct
from floorman.data.journal import GENESIS, entry_hash
from floorman.data.journal_key import JournalKey
from floorman.domain.sync import notices

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def journal_row(site: str, seq: int = 1, prev: str = GENESIS) -> dict[str, object]:
    values = ("duty1", "t1", "seat.event", "A-01", None, '{"state": "ready"}')
    digest = entry_hash(prev, seq, AT, *values)
    return {
        "site": site, "seq": seq, "id": f"id-{site}-{seq}", "at": AT, "actor": values[0],
        "terminal": values[1], "action": values[2], "subject": values[3], "before": values[4],
        "after": values[5], "prev_hash": prev, "hash": digest,
    }  # fmt: skip


def receive(conn, rows):
    """Send journal rows the only way a site can: through floorman_receive."""
    names = ("seq", "id", "at", "actor", "terminal", "action", "subject", "before", "after",
             "prev_hash", "hash")  # fmt: skip
    arrays = {name: [row[name] for row in rows] for name in names}
    call = text("SELECT * FROM floorman_receive(:site, " + ", ".join(f":{n}" for n in names) + ")")
    return conn.execute(call, {"site": rows[0]["site"], **arrays}).one()


def state_row(site: str) -> dict[str, object]:
    return {"site": site, "taken_at": AT, "staffed": 1}


@pytest.fixture
def two_sites(central):
    a, b = central.add_site("site-a"), central.add_site("site-b")
    return central.engine(a), central.engine(b)


def test_a_site_writes_its_own_rows(two_sites, central):
    site_a, _site_b = two_sites
    with site_a.begin() as conn:
        assert receive(conn, [journal_row("site-a")]) == (1, None)
        conn.execute(insert(ct.site_state).values(**state_row("site-a")))
    with central.admin.connect() as conn:
        assert conn.execute(text("SELECT site, seq FROM journal")).all() == [("site-a", 1)]


def test_site_a_cannot_insert_site_b_journal_rows(two_sites, central):
    site_a, _ = two_sites
    with pytest.raises(ProgrammingError, match="may only come from that site"), site_a.begin() as c:
        receive(c, [journal_row("site-b")])
    with pytest.raises(ProgrammingError, match="permission denied"), site_a.begin() as c:
        c.execute(insert(ct.journal), [journal_row("site-b")])
    with pytest.raises(ProgrammingError, match="permission denied"), site_a.begin() as c:
        c.execute(insert(ct.journal), [journal_row("site-a")])
    with central.admin.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM journal")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM chain_alarm")).scalar() == 0


def test_site_a_cannot_write_or_read_site_b_state(two_sites):
    site_a, site_b = two_sites
    with site_b.begin() as conn:
        conn.execute(insert(ct.site_state).values(**state_row("site-b")))
        receive(conn, [journal_row("site-b")])
    with pytest.raises(ProgrammingError, match="row-level security"), site_a.begin() as conn:
        conn.execute(insert(ct.site_state).values(**state_row("site-b")))
    with site_a.begin() as conn:
        changed = conn.execute(
            update(ct.site_state).where(ct.site_state.c.site == "site-b").values(staffed=99)
        )
        assert changed.rowcount == 0
        assert conn.execute(select(ct.site_state)).all() == []
        assert conn.execute(select(ct.journal)).all() == []
    with site_b.connect() as conn:
        assert conn.execute(select(ct.site_state.c.staffed)).scalar() == 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE journal SET actor = 'someone else'",
        "DELETE FROM journal",
        "UPDATE site_chain SET halted_at = NULL",
        "DELETE FROM chain_alarm",
        "INSERT INTO chain_alarm (site, seq, kind, detail) VALUES ('site-a', 1, 'gap', 'x')",
        "INSERT INTO site (code, role_name) VALUES ('evil', 'evil')",
        "INSERT INTO hq_notice (body) VALUES ('fake HQ notice')",
    ],
)
def test_a_site_cannot_rewrite_history_or_alarms(two_sites, statement):
    site_a, _ = two_sites
    with site_a.begin() as conn:
        receive(conn, [journal_row("site-a")])
    with pytest.raises(ProgrammingError, match="permission denied"), site_a.begin() as conn:
        conn.execute(text(statement))


def test_hq_reads_every_site_and_writes_nothing(two_sites, central):
    site_a, site_b = two_sites
    for engine, code in ((site_a, "site-a"), (site_b, "site-b")):
        with engine.begin() as conn:
            conn.execute(insert(ct.site_state).values(**state_row(code)))
    hq = central.engine(central.hq())
    with hq.connect() as conn:
        assert sorted(conn.execute(select(ct.site_state.c.site)).scalars()) == ["site-a", "site-b"]
    for statement in (
        "UPDATE site_state SET staffed = 0",
        "INSERT INTO hq_notice (body) VALUES ('not allowed to post')",
        "DELETE FROM site_state",
    ):
        with pytest.raises(ProgrammingError, match="permission denied"), hq.begin() as conn:
            conn.execute(text(statement))
    with pytest.raises(DBAPIError), hq.begin() as conn:
        conn.execute(text("CREATE TABLE sneaky (x int)"))


def test_only_the_poster_role_posts_and_sites_see_only_theirs(two_sites, central):
    site_a, site_b = two_sites
    poster = central.engine(central.hq(can_post=True))
    notices.post(poster, "Hotline down: use the wording below", sites=["site-a"])
    with site_a.connect() as conn:
        assert len(conn.execute(select(ct.hq_notice)).all()) == 1
    with site_b.connect() as conn:
        assert conn.execute(select(ct.hq_notice)).all() == []


def signed_row(key, site: str, seq: int = 1, prev: str = GENESIS) -> dict[str, object]:
    row = journal_row(site, seq, prev)
    values = (row["actor"], row["terminal"], row["action"], row["subject"], None, row["after"])
    row["hash"] = entry_hash(prev, seq, AT, *values, key=key)
    return row


def register(conn, site: str, key) -> None:
    ipad, opad = key.hmac_pads()
    conn.execute(
        text("SELECT floorman_register_key(:s, :i, :o, :f)"),
        {"s": site, "i": ipad, "o": opad, "f": key.keyed_from},
    )


def test_signed_rows_are_checked_with_the_sites_key_and_a_second_key_is_refused(two_sites):
    site_a, _ = two_sites
    key = JournalKey(b"k" * 32, keyed_from=2)
    with site_a.begin() as conn:
        register(conn, "site-a", key)
        first = journal_row("site-a", 1)  # before keyed_from: plain SHA-256
        second = signed_row(key, "site-a", 2, prev=first["hash"])
        assert receive(conn, [first, second]) == (2, None)
        forged = journal_row("site-a", 3, prev=second["hash"])  # unkeyed: a forgery
        last, halted = receive(conn, [forged])
        assert (last, "row 3: content does not match its hash") == (2, halted)
    with pytest.raises(DBAPIError, match="other than the one registered"), site_a.begin() as c:
        register(c, "site-a", JournalKey(b"x" * 32, keyed_from=2))


def test_nobody_but_the_owner_reads_a_sites_key(two_sites, central):
    site_a, site_b = two_sites
    with site_a.begin() as conn:
            register(conn, "site-a", JournalKey(b"k" * 32, keyed_from=1))
    hq = central.engine(central.hq())
    for engine in (site_b, hq):
        with pytest.raises(ProgrammingError, match="permission denied"), engine.connect() as c:
            c.execute(text("SELECT key_ipad FROM site"))
    with pytest.raises(DBAPIError, match="may only come from that site"), site_b.begin() as c:
        register(c, "site-a", JournalKey(b"z" * 32, keyed_from=1))
