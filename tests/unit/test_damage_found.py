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
