"""A bad disk: full, read-only, or locked by another terminal for a long time.

Each refused write must raise DatabaseError saying why, leave nothing half written, and
the next write must succeed once the cause goes away, with no restart.

Real conditions where the machine allows it (a small tmpfs for a full disk, a read-only
bind mount, both need root); otherwise SQLite's own limits stand in (max_page_count
makes it report SQLITE_FULL) or file permissions (as a normal user).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, func
from sqlmodel import select

from floorman.clock import FakeClock
from floorman.config import Config
from floorman.data import db as db_module
from floorman.data import journal, schema
from floorman.data.db import Database, DatabaseError, sqlite_module
from floorman.data.tables.floor import JournalEntry, SeatEvent
from floorman.domain.core.context import Actor, Floor
from floorman.domain.seats.events import record_event
from floorman.domain.seats.importing import import_agents, import_seats

SEATS = "seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,general,0,1\n"
AGENTS = "staff_no,name,team\n1001,Li Na,T1\n1002,Wang Fang,T1\n"


def make_floor(path: Path, clock: FakeClock) -> Floor:
    database = Database(path)
    schema.migrate(database)
    floor = Floor(database, clock, Config(timezone="UTC"), Actor("duty1", "test:tty1"))
    (path.parent / "seats.csv").write_text(SEATS)
    (path.parent / "agents.csv").write_text(AGENTS)
    import_seats(floor, path.parent / "seats.csv")
    import_agents(floor, path.parent / "agents.csv")
    return floor


def counts(floor: Floor) -> tuple[int, int]:
    with floor.db.read() as session:
        events = session.exec(select(func.count()).select_from(SeatEvent)).one()
        rows = session.exec(select(JournalEntry).order_by(JournalEntry.seq)).all()  # type: ignore[arg-type]
        assert journal.verify(rows, journal.session_key(session)) == []
        return int(events), len(rows)


def toggle(floor: Floor, n: int, reason_len: int = 150) -> None:
    state = "ready" if n % 2 == 0 else "away"
    reason = f"{n:06d}" + "x" * reason_len if state == "away" else None
    record_event(floor, "A-01", state, agent_no="1001", reason=reason)


def write_until_refused(floor: Floor, clock: FakeClock, limit: int = 3000) -> DatabaseError:
    """Write events until one is refused; every accepted one must stay, the refused not."""
    for n in range(limit):
        clock.advance(1)
        events, rows = counts(floor)
        try:
            toggle(floor, n)
        except DatabaseError as exc:
            assert counts(floor) == (events, rows)  # the refused write left no trace
            return exc
        after = counts(floor)
        assert after[0] == events + 1 and after[1] > rows
    raise AssertionError("the disk never filled up")


def _run(*cmd: str) -> bool:
    return subprocess.run(list(cmd), capture_output=True).returncode == 0


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """An 8 MB tmpfs, when this machine lets us mount one (root in a VM or container)."""
    mountpoint = tmp_path / "small-disk"
    mountpoint.mkdir()
    if os.geteuid() != 0 or not _run(
        "mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mountpoint)
    ):
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mountpoint
    finally:
        _run("umount", "-l", str(mountpoint))


# ---------------------------------------------------------------- disk full


def test_disk_full_by_sqlite_page_limit(tmp_path: Path, clock: FakeClock) -> None:
    floor = make_floor(tmp_path / "floor.db", clock)
    limit = {"pages": 0}

    def cap(dbapi_connection: object, _record: object) -> None:
        if limit["pages"]:
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            cursor.execute(f"PRAGMA max_page_count = {limit['pages']}")
            cursor.close()

    event.listen(floor.db.engine, "connect", cap)
    with floor.db.engine.connect() as conn:
        limit["pages"] = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0) + 2
    floor.db.engine.dispose()

    refused = write_until_refused(floor, clock)
    assert "disk is full" in str(refused) and "nothing was written" in str(refused)

    limit["pages"] = 1_000_000  # space freed
    floor.db.engine.dispose()
    events, rows = counts(floor)
    clock.advance(1)
    record_event(floor, "A-02", "ready", agent_no="1002")
    assert counts(floor)[0] == events + 1 and counts(floor)[1] > rows
    assert floor.db.integrity(quick=False) == []


def test_disk_full_on_a_real_small_disk(tmpfs: Path, clock: FakeClock) -> None:
    floor = make_floor(tmpfs / "floor.db", clock)
    filler = tmpfs / "filler"
    fd = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
    try:  # take every free block of the disk
        while os.write(fd, b"\0" * 65536):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    refused = write_until_refused(floor, clock)
    assert "disk is full" in str(refused) or "I/O error" in str(refused)

    filler.unlink()  # space freed: the next write goes through, no restart
    events, rows = counts(floor)
    clock.advance(1)
    record_event(floor, "A-02", "ready", agent_no="1002")
    assert counts(floor)[0] == events + 1 and counts(floor)[1] > rows
    assert floor.db.integrity(quick=False) == []
    floor.db.dispose()


# ---------------------------------------------------------------- read-only database


@pytest.fixture
def read_only_view(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Path, Path]]:
    """(real folder, view of it that can be made read-only and writable again)."""
    real, view = tmp_path / "real", tmp_path / "view"
    real.mkdir()
    view.mkdir()
    floor = make_floor(real / "floor.db", clock)
    record_event(floor, "A-01", "ready", agent_no="1001")
    floor.db.dispose()
    if os.geteuid() == 0:
        if not _run("mount", "--bind", str(real), str(view)):
            pytest.skip("cannot bind-mount here")
    else:
        view.rmdir()
        view.symlink_to(real)
    try:
        yield real, view
    finally:
        if os.geteuid() == 0:
            _run("umount", "-l", str(view))
        else:
            os.chmod(real, 0o700)
            os.chmod(real / "floor.db", 0o600)


def make_read_only(real: Path, view: Path, read_only: bool) -> None:
    if os.geteuid() == 0:  # permissions do not stop root: use a read-only mount
        flag = "ro" if read_only else "rw"
        assert _run("mount", "-o", f"remount,{flag},bind", str(view))
    else:
        os.chmod(real / "floor.db", 0o400 if read_only else 0o600)
        os.chmod(real, 0o500 if read_only else 0o700)


def test_read_only_database_refuses_clearly_then_recovers(
    read_only_view: tuple[Path, Path], clock: FakeClock
) -> None:
    real, view = read_only_view
    make_read_only(real, view, True)
    floor = Floor(Database(view / "floor.db"), clock, Config(timezone="UTC"), Actor("d", "t"))
    clock.advance(5)
    with pytest.raises(DatabaseError, match="read-only"):
        record_event(floor, "A-01", "busy")
    make_read_only(real, view, False)
    clock.advance(5)
    record_event(floor, "A-01", "busy")  # same Database object: it recovered by itself
    assert counts(floor)[0] == 2
    floor.db.dispose()


def test_read_only_database_cli_says_so(read_only_view: tuple[Path, Path]) -> None:
    real, view = read_only_view
    make_read_only(real, view, True)
    cmd = [sys.executable, "-m", "floorman", "--db", str(view / "floor.db"), "event"]
    refused = subprocess.run([*cmd, "A-01", "busy"], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert "read-only" in refused.stderr and "Traceback" not in refused.stderr
    make_read_only(real, view, False)
    done = subprocess.run([*cmd, "A-01", "busy"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------- a lock held for long


def test_lock_held_for_long_refuses_then_recovers(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "floor.db"
    make_floor(path, clock).db.dispose()
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 300)
    floor = Floor(Database(path), clock, Config(timezone="UTC"), Actor("d", "t"))
    events, rows = counts(floor)

    other = sqlite_module().connect(str(path), timeout=1)
    other.isolation_level = None
    other.execute("BEGIN IMMEDIATE")  # another terminal, stuck mid-transaction
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseError, match="database is busy"):
            record_event(floor, "A-01", "ready", agent_no="1001")
        assert time.monotonic() - started < 5
        assert counts(floor) == (events, rows)  # reading still works; nothing written
    finally:
        other.execute("ROLLBACK")
        other.close()
    record_event(floor, "A-01", "ready", agent_no="1001")
    assert counts(floor)[0] == events + 1 and counts(floor)[1] > rows
    floor.db.dispose()


def test_other_operational_errors_are_not_disguised(small_floor: Floor) -> None:
    from sqlalchemy.exc import OperationalError

    with pytest.raises(OperationalError, match="no such table"), small_floor.db.write() as s:
        s.connection().exec_driver_sql("SELECT * FROM no_such_table")
