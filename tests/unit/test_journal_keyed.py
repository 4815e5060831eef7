"""The keyed journal: a recomputed chain, a cut-off end and a lost key are all caught.

These are the attacks `floorman check` let through while the chain was plain SHA-256:
someone with the file (not the key) rewrites rows and recomputes every hash with
`entry_hash`, or deletes the newest rows so the chain that is left is still whole.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pysqlite3.dbapi2 as sqlite  # type: ignore[import-not-found]
import pytest
from sqlmodel import col, select

from floorman.data import journal
from floorman.data.journal_key import head_path, key_path
from floorman.data.tables.floor import JournalEntry
from floorman.domain.audit import journal_entries, run_checks
from floorman.domain.core.context import Floor
from floorman.domain.seats.events import record_event


def _connect(path: Path) -> sqlite.Connection:
    conn = sqlite.connect(str(path))
    conn.isolation_level = None
    return conn


@pytest.fixture
def written_floor(small_floor: Floor, clock) -> Floor:
    for seat, agent in (("A-01", "1001"), ("A-02", "1002"), ("B-01", "1003")):
        clock.advance(30)
        record_event(small_floor, seat, "ready", agent_no=agent)
    small_floor.db.dispose()
    return small_floor


def test_key_and_anchor_are_owner_only_files_beside_the_database(written_floor: Floor) -> None:
    for path in (key_path(written_floor.db.path), head_path(written_floor.db.path)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert run_checks(written_floor).problems == []


def test_a_recomputed_chain_is_caught(written_floor: Floor) -> None:
    with written_floor.db.read() as session:
        rows = session.exec(select(JournalEntry).order_by(col(JournalEntry.seq))).all()
    written_floor.db.dispose()
    conn = _connect(written_floor.db.path)
    conn.execute("DROP TRIGGER journal_no_update")
    prev = rows[-3].prev_hash
    for row in rows[-3:]:
        actor = "mallory"
        digest = journal.entry_hash(
            prev, row.seq, row.at, actor, row.terminal, row.action, row.subject,
            row.before, row.after,
        )  # fmt: skip
        conn.execute(
            "UPDATE journal SET actor=?, prev_hash=?, hash=? WHERE seq=?",
            (actor, prev, digest, row.seq),
        )
        prev = digest
    conn.close()
    problems = run_checks(written_floor).problems
    forged = [p for p in problems if "content does not match its hash" in p]
    assert len(forged) == 3, problems


@pytest.mark.parametrize("cut", [1, 3])
def test_rows_deleted_from_the_end_are_caught(written_floor: Floor, cut: int) -> None:
    with written_floor.db.read() as session:
        last = journal_entries(session)[-1].seq
    written_floor.db.dispose()
    conn = _connect(written_floor.db.path)
    conn.execute("DROP TRIGGER journal_no_delete")
    conn.execute("DELETE FROM journal WHERE seq > ?", (last - cut,))
    conn.close()
    problems = run_checks(written_floor).problems
    assert any(
        f"journal ends at row {last - cut} but row {last} was committed" in p for p in problems
    ), problems


def test_a_forged_anchor_is_caught(written_floor: Floor) -> None:
    anchor = head_path(written_floor.db.path)
    anchor.write_text(anchor.read_text().replace('"seq": ', '"seq": 1'))
    problems = run_checks(written_floor).problems
    assert any("anchor" in p for p in problems), problems


def test_a_deleted_key_leaves_every_signed_row_unverified(written_floor: Floor) -> None:
    key_path(written_floor.db.path).unlink()
    journal._KEYS.clear()  # a new process: nothing remembered
    problems = run_checks(written_floor).problems
    assert sum("content does not match its hash" in p for p in problems) >= 4


def test_a_restored_backup_is_sound_and_the_key_is_kept_apart(
    written_floor: Floor, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from floorman.data import backup
    from floorman.data.db import Database

    saved = backup.backup_to(written_floor.db, tmp_path / "backups" / "saved.db")
    assert (saved.parent / key_path(written_floor.db.path).name).read_bytes() == key_path(
        written_floor.db.path
    ).read_bytes()
    record_event(written_floor, "B-02", "ready", agent_no="1004")
    written_floor.db.dispose()
    backup.restore(written_floor.db.path, saved, datetime(2026, 11, 23, 9, tzinfo=UTC))
    restored = Floor(
        db=Database(written_floor.db.path),
        clock=written_floor.clock,
        config=written_floor.config,
        actor=written_floor.actor,
    )
    assert run_checks(restored).problems == []
    record_event(restored, "B-02", "ready", agent_no="1004")
    assert run_checks(restored).problems == []
    restored.db.dispose()
