"""A damaged database at start: the restore screen instead of the floor."""

from __future__ import annotations

from floorman.data.backup import backup_dir, startup_check
from floorman.data.db import Database
from floorman.domain.backups import take_backup
from floorman.domain.seats.events import record_event
from floorman.domain.seats.views import list_seats
from floorman.screens.damaged import DamagedDatabaseApp
from tests.helpers import workers_done


def damage(path) -> None:
    """Overwrite pages in the middle of the file, as a failing disk would."""
    data = bytearray(path.read_bytes())
    for offset in range(4096 + 100, min(len(data), 4096 * 6), 7):
        data[offset] = 0xFF
    path.write_bytes(bytes(data))


async def test_restore_the_newest_good_backup(small_floor, clock) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    good = take_backup(small_floor, "hourly")
    path = small_floor.db.path
    with small_floor.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    small_floor.db.dispose()
    damage(path)
    damaged = Database(path)
    problems = startup_check(damaged)
    damaged.dispose()
    assert problems
    app = DamagedDatabaseApp(path, problems, backup_dir(path))
    async with app.run_test() as pilot:
        await workers_done(app)
        await pilot.pause()
        assert app.backup == good
        await pilot.press("y")  # not armed yet: nothing happens
        assert app.return_value is None
        await pilot.press("r", "y")
        await pilot.pause()
    assert app.return_value == "restored"
    restored = Database(path)
    assert startup_check(restored) == []
    with restored.read() as session:
        assert next(v for v in list_seats(session) if v.seat == "A-01").state == "ready"
    restored.dispose()
    assert list(path.parent.glob(f"{path.name}.before-restore-*")), "damaged file kept aside"


async def test_quit_leaves_the_file_alone(tmp_path) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not a database" * 100)
    before = path.read_bytes()
    app = DamagedDatabaseApp(path, ["not a database"], tmp_path / "backups")
    async with app.run_test() as pilot:
        await workers_done(app)
        await pilot.pause()
        assert app.backup is None
        await pilot.press("r")
        await pilot.press("q")
    assert app.return_value == "quit"
    assert path.read_bytes() == before
