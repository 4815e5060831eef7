"""Damage that quick_check misses is found before the floor opens, and refused on write.

A failing disk that flips bytes inside an index page leaves `PRAGMA quick_check` saying
ok while `integrity_check` finds rows missing from the index; the floor used to open on
such a file and go on writing to it.
"""

from __future__ import annotations

from pathlib import Path

import pysqlite3.dbapi2 as sqlite  # type: ignore[import-not-found]
import pytest

from floorman.data.backup import startup_check
from floorman.data.db import Database
from floorman.domain.core.context import Floor
from floorman.domain.seats.events import record_event

PAGE = 4096


def _checks(path: Path) -> tuple[bool, bool]:
    conn = sqlite.connect(f"file:{path}?mode=ro", uri=True)
    try:
        quick = conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        full = conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    except sqlite.DatabaseError:
        quick = full = False
    finally:
        conn.close()
    return quick, full


def damage_quick_check_misses(path: Path) -> None:
    """Flip 8 bytes near the end of one page, choosing a page quick_check stays ok on."""
    pristine = path.read_bytes()
    for page in range(2, len(pristine) // PAGE):
        damaged = bytearray(pristine)
        offset = page * PAGE + PAGE - 60
        damaged[offset : offset + 8] = b"\xff" * 8
        path.write_bytes(bytes(damaged))
        if _checks(path) == (True, False):
            return
    path.write_bytes(pristine)
    pytest.fail("no page found whose damage only integrity_check sees")


@pytest.fixture
def damaged_path(small_floor: Floor, clock) -> Path:
    for minute in range(300):
        clock.advance(60)
        record_event(small_floor, "A-01", ("ready", "busy")[minute % 2], agent_no="1001")
    path = small_floor.db.path
    small_floor.db.dispose()
    conn = sqlite.connect(str(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    damage_quick_check_misses(path)
    return path


def test_startup_check_finds_damage_quick_check_misses(damaged_path: Path) -> None:
    db = Database(damaged_path)
    try:
        problems = startup_check(db)
    finally:
        db.dispose()
    assert problems, "the floor would open on a damaged file"


def _journal_rows(path: Path) -> int:
    conn = sqlite.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM journal").fetchone()[0])
    finally:
        conn.close()


def test_event_on_a_damaged_file_exits_1_and_writes_nothing(damaged_path: Path) -> None:
    from floorman.data.damage import damage_path
    from tests.helpers import floorman

    before = damaged_path.read_bytes()
    result = floorman("event", "A-02", "ready", "--agent", "1002", db=damaged_path)
    assert result.returncode == 1, result.stderr
    assert "damaged" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert damaged_path.read_bytes() == before
    assert damage_path(damaged_path).exists()  # every later writer is refused too
    again = floorman("event", "A-02", "ready", "--agent", "1002", db=damaged_path)
    assert again.returncode == 1 and damaged_path.read_bytes() == before


def test_a_write_after_damage_was_found_is_refused(damaged_path: Path) -> None:
    from floorman.data.db import DatabaseError

    db = Database(damaged_path)
    try:
        assert startup_check(db)
        with pytest.raises(DatabaseError, match="damaged"), db.write():
            pass
    finally:
        db.dispose()


def test_no_backup_is_taken_of_a_damaged_file(damaged_path: Path, tmp_path: Path) -> None:
    from floorman.data.backup import BackupRefused, backup_to

    db = Database(damaged_path)
    try:
        with pytest.raises(BackupRefused, match="damaged, no backup taken"):
            backup_to(db, tmp_path / "copy.db")
    finally:
        db.dispose()
    assert not (tmp_path / "copy.db").exists()


def test_check_reports_the_damage_with_exit_1(damaged_path: Path) -> None:
    from tests.helpers import floorman

    result = floorman("check", db=damaged_path)
    assert result.returncode == 1
    assert "problem: database:" in result.stdout
