"""Backups: scheduled hourly/daily with rotation, manual backups, start-up check, restore."""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from floorman.clock import FakeClock
from floorman.config import BackupConfig, Config
from floorman.data import backup, schema
from floorman.data.db import Database
from floorman.data.tables.floor import JournalEntry, SeatEvent
from floorman.domain import backups
from floorman.domain.core.context import Floor
from floorman.domain.seats.events import record_event
from tests.helpers import floorman as run_floorman

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _events(path: Path) -> int:
    database = Database(path)
    try:
        with database.read() as session:
            return len(session.exec(select(SeatEvent)).all())
    finally:
        database.dispose()


def _corrupt(path: Path) -> None:
    """Scribble over every page but the first: the header stays, the b-trees break."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        for offset in range(4096, size, 4096):
            handle.seek(offset)
            handle.write(b"\xde\xad\xbe\xef" * 64)


def _with_backup_config(floor: Floor, **settings: object) -> Floor:
    config = dataclasses.replace(floor.config, backup=BackupConfig(**settings))  # type: ignore[arg-type]
    return dataclasses.replace(floor, config=config)


# ---------------------------------------------------------------- scheduled backups


def test_first_run_takes_an_hourly_and_a_daily_backup(small_floor: Floor) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    written = backups.run_scheduled_backups(small_floor)
    folder = small_floor.db.path.parent / "backups"
    assert sorted(p.parent for p in written) == [folder, folder]
    kinds = sorted(b.kind for b in backup.list_backups(folder))
    assert kinds == ["daily", "hourly"]
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert backup.file_problems(path) == []
        assert _events(path) == 1
    assert not list(folder.glob(".*partial"))


def test_nothing_is_due_again_in_the_same_hour(small_floor: Floor, clock: FakeClock) -> None:
    assert len(backups.run_scheduled_backups(small_floor)) == 2
    clock.advance(minutes=59)
    assert backups.run_scheduled_backups(small_floor) == []
    clock.advance(minutes=1)
    written = backups.run_scheduled_backups(small_floor)
    assert [backup._NAME.match(p.name)["kind"] for p in written] == ["hourly"]  # type: ignore[index]


def test_next_day_takes_a_new_daily(small_floor: Floor, clock: FakeClock) -> None:
    backups.run_scheduled_backups(small_floor)
    clock.advance(days=1)
    kinds = sorted(
        backup._NAME.match(p.name)["kind"]  # type: ignore[index]
        for p in backups.run_scheduled_backups(small_floor)
    )
    assert kinds == ["daily", "hourly"]


def test_rotation_keeps_the_newest(small_floor: Floor, clock: FakeClock) -> None:
    floor = _with_backup_config(small_floor, hourly_keep=3, daily_keep=2)
    for _ in range(30):  # 30 hours: hourly every time, daily twice
        backups.run_scheduled_backups(floor)
        clock.advance(hours=1)
    folder = backups.backup_dir_for(floor)
    hourly = backup.list_backups(folder, "hourly")
    daily = backup.list_backups(folder, "daily")
    assert len(hourly) == 3 and len(daily) == 2
    newest = clock.now() - timedelta(hours=1)
    assert hourly[0].taken_at == newest.replace(microsecond=0)


def test_zero_keep_turns_a_kind_off_and_directory_is_configurable(
    small_floor: Floor, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere" / "bk"
    floor = _with_backup_config(small_floor, directory=str(target), hourly_keep=0, daily_keep=1)
    written = backups.run_scheduled_backups(floor)
    assert [p.parent for p in written] == [target]
    assert [b.kind for b in backup.list_backups(target)] == ["daily"]


def test_clock_moved_back_never_repeats_a_backup(small_floor: Floor, clock: FakeClock) -> None:
    backups.run_scheduled_backups(small_floor)
    clock.advance(minutes=30)
    clock.set(clock.now() - timedelta(minutes=20))  # corrected back, same hour
    assert backups.run_scheduled_backups(small_floor) == []


def test_manual_backup_never_overwrites(small_floor: Floor, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    assert backup.backup_to(small_floor.db, target) == target
    before = target.read_bytes()
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    with pytest.raises(backup.BackupRefused, match="already exists"):
        backup.backup_to(small_floor.db, target)
    assert target.read_bytes() == before
    into_folder = backup.backup_to(small_floor.db, tmp_path, NOW)
    assert into_folder.parent == tmp_path and "-manual-" in into_folder.name
    assert _events(into_folder) == 1
    with pytest.raises(backup.BackupRefused, match=r"already exists|database itself"):
        backup.backup_to(small_floor.db, small_floor.db.path)


def test_backup_is_consistent_while_another_terminal_writes(small_floor: Floor) -> None:
    # A reader holding an open snapshot does not stop VACUUM INTO, and the copy is whole.
    with small_floor.db.read() as session:
        session.exec(select(SeatEvent)).all()
        path = backups.take_backup(small_floor)
    assert backup.file_problems(path) == []


# ---------------------------------------------------------------- start-up check


def test_startup_check_sound_database(small_floor: Floor) -> None:
    assert backup.startup_check(small_floor.db) == []


def test_startup_check_reports_damage(small_floor: Floor, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    backup.backup_to(small_floor.db, damaged)
    _corrupt(damaged)
    database = Database(damaged)
    try:
        problems = backup.startup_check(database)
    finally:
        database.dispose()
    assert problems and all(isinstance(p, str) for p in problems)


def test_startup_check_on_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 300)
    database = Database(junk)
    try:
        problems = backup.startup_check(database)
    finally:
        database.dispose()
    assert len(problems) == 1 and "not a database" in problems[0]


def test_newest_good_backup_skips_damaged_ones(small_floor: Floor, clock: FakeClock) -> None:
    floor = _with_backup_config(small_floor, hourly_keep=5, daily_keep=0)
    for _ in range(3):
        backups.run_scheduled_backups(floor)
        clock.advance(hours=1)
    folder = backups.backup_dir_for(floor)
    newest, second, _ = backup.list_backups(folder)
    _corrupt(newest.path)
    assert backup.newest_good_backup(folder) == second.path
    assert backup.newest_good_backup(folder / "missing") is None


# ---------------------------------------------------------------- restore


def test_restore_brings_back_the_backup_and_keeps_the_current_aside(
    small_floor: Floor, tmp_path: Path
) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    saved = backup.backup_to(small_floor.db, tmp_path / "saved.db")
    record_event(small_floor, "A-01", "busy")
    path = small_floor.db.path
    small_floor.db.dispose()
    result = backup.restore(path, saved, NOW)
    assert result.kept_aside == path.with_name("floor.db.before-restore-20261124T090000Z")
    assert _events(path) == 1
    assert _events(result.kept_aside) == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # A second restore in the same second would need the same aside name: refused.
    with pytest.raises(backup.BackupRefused, match="already exists"):
        backup.restore(path, saved, NOW)
    assert _events(path) == 1


@pytest.mark.parametrize("can_fold", [True, False])
def test_restore_keeps_an_unfolded_wal_with_the_old_database(
    small_floor: Floor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, can_fold: bool
) -> None:
    """A crash leaves committed rows in -wal: folded in, or moved aside, never deleted."""
    if not can_fold:  # e.g. a damaged file SQLite cannot checkpoint
        monkeypatch.setattr(backup, "_checkpoint", lambda _path: None)
    saved = backup.backup_to(small_floor.db, tmp_path / "saved.db")
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    holder = small_floor.db.raw_connection()  # keeps the -wal from being folded in
    try:
        holder.execute("PRAGMA wal_autocheckpoint = 0")
        for suffix in ("", "-wal", "-shm"):
            shutil.copyfile(f"{small_floor.db.path}{suffix}", crashed / f"floor.db{suffix}")
    finally:
        holder.close()
    assert (crashed / "floor.db-wal").stat().st_size > 0
    result = backup.restore(crashed / "floor.db", saved, NOW)
    assert result.kept_aside is not None
    assert not (crashed / "floor.db-wal").exists()
    assert not (crashed / "floor.db-shm").exists()
    aside_wal = crashed / f"{result.kept_aside.name}-wal"
    assert aside_wal.exists() is (not can_fold)
    assert _events(crashed / "floor.db") == 0
    assert _events(result.kept_aside) == 1


@pytest.mark.parametrize("damage", ["garbage", "scribbled", "truncated", "not floorman"])
def test_restore_refuses_a_bad_file_and_changes_nothing(
    small_floor: Floor, tmp_path: Path, damage: str
) -> None:
    bad = tmp_path / "bad.db"
    if damage == "garbage":
        bad.write_bytes(os.urandom(8192))
    elif damage == "not floorman":
        import sqlite3

        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE other (x)")
        conn.commit()
        conn.close()
    else:
        backup.backup_to(small_floor.db, bad)
        if damage == "scribbled":
            _corrupt(bad)
        else:
            with bad.open("r+b") as handle:
                handle.truncate(bad.stat().st_size // 2)
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    path = small_floor.db.path
    with pytest.raises(backup.BackupRefused, match=r"refused|not a floorman"):
        backup.restore(path, bad, NOW)
    assert _events(path) == 1
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_restore_refuses_while_another_process_has_the_database_open(
    small_floor: Floor, tmp_path: Path
) -> None:
    saved = backup.backup_to(small_floor.db, tmp_path / "saved.db")
    path = small_floor.db.path
    small_floor.db.dispose()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pysqlite3.dbapi2 as s; c = s.connect(sys.argv[1]);"
            "c.execute('SELECT count(*) FROM seat').fetchall(); print('open', flush=True);"
            "sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert backup.in_use_elsewhere(path)
        with pytest.raises(backup.BackupRefused, match="open in another floorman"):
            backup.restore(path, saved, NOW)
        assert path.exists() and not list(tmp_path.glob("*.before-restore-*"))
    finally:
        holder.communicate("", timeout=30)
    assert not backup.in_use_elsewhere(path)
    assert backup.restore(path, saved, NOW).kept_aside is not None


def test_restore_into_a_missing_database(small_floor: Floor, tmp_path: Path) -> None:
    saved = backup.backup_to(small_floor.db, tmp_path / "saved.db")
    target = tmp_path / "new" / "floor.db"
    result = backup.restore(target, saved, NOW)
    assert result.kept_aside is None
    assert backup.file_problems(target) == []


# ---------------------------------------------------------------- the command line


def floorman(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return run_floorman(*args, db=db)


def test_cli_backup_and_restore(small_floor: Floor, tmp_path: Path) -> None:
    db = small_floor.db.path
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    small_floor.db.dispose()
    made = floorman("backup", db=db)
    assert made.returncode == 0, made.stderr
    written = Path(made.stdout.split("backup written: ", 1)[1].strip())
    assert written.parent == db.parent / "backups"
    again = floorman("backup", "--to", str(written), db=db)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert "Traceback" not in again.stderr

    assert floorman("event", "A-01", "busy", db=db).returncode == 0
    restored = floorman("restore", str(written), db=db)
    assert restored.returncode == 0, restored.stderr
    assert "kept as" in restored.stdout
    assert _events(db) == 1
    database = Database(db)
    try:
        schema.require_current(database)
        with database.read() as session:
            last = session.exec(
                select(JournalEntry).order_by(JournalEntry.seq.desc())  # type: ignore[attr-defined]
            ).first()
        assert last is not None and last.action == "backup.restore"
        with database.engine.connect() as conn:
            assert conn.execute(text("PRAGMA quick_check")).scalar() == "ok"
    finally:
        database.dispose()

    junk = tmp_path / "junk.db"
    junk.write_text("no")
    refused = floorman("restore", str(junk), db=db)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "integrity" in refused.stderr


def test_config_backup_section_is_read(tmp_path: Path) -> None:
    from floorman.config import parse_config

    config: Config = parse_config({"backup": {"hourly_keep": 6, "directory": "/x"}}, "t")
    assert config.backup.hourly_keep == 6 and config.backup.directory == "/x"


def test_restore_that_fails_midway_puts_the_old_database_back(
    small_floor: Floor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from floorman.data.db import DatabaseError

    saved = backup.backup_to(small_floor.db, tmp_path / "saved.db")
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    path = small_floor.db.path
    small_floor.db.dispose()

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup.shutil, "copyfile", disk_full)
    with pytest.raises(DatabaseError, match="the database is unchanged"):
        backup.restore(path, saved, NOW)
    assert _events(path) == 1
    assert not list(tmp_path.glob("*.before-restore-*"))
