"""The real service process: kill -9 in the middle of a feed and a restart lose and
duplicate nothing; a second `floorman serve` on the same database is refused (exit 2);
SIGTERM stops it cleanly (exit 0, lock freed)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import col, func, select

from floorman.clock import SystemClock
from floorman.config import Config
from floorman.data import schema
from floorman.data.db import Database
from floorman.data.tables.feeds import FeedOffset
from floorman.data.tables.floor import SeatEvent
from floorman.domain.core.context import Actor, Floor
from floorman.domain.seats.importing import import_agents, import_seats
from floorman.service.lock import running_pid

MEMBERS = 4
LINES = 4000  # eight batches of 500 lines: the kill lands after the first commit


def make_floor(folder: Path, name: str) -> Floor:
    db = Database(folder / name)
    schema.migrate(db)
    floor = Floor(db=db, clock=SystemClock(), config=Config(timezone="UTC"), actor=Actor("t"))
    seats = folder / "seats.csv"
    seats.write_text(
        "seat,zone,type,row,col\n" + "".join(f"S-{n},A,general,0,{n}\n" for n in range(MEMBERS))
    )
    agents = folder / "agents.csv"
    agents.write_text("staff_no,name\n" + "".join(f"{100 + n},Agent {n}\n" for n in range(MEMBERS)))
    import_seats(floor, seats)
    import_agents(floor, agents)
    return floor


def write_queue_log(folder: Path) -> tuple[Path, Path]:
    members = folder / "members.csv"
    members.write_text(
        "interface,seat,staff_no\n"
        + "".join(f"PJSIP/{100 + n},S-{n},{100 + n}\n" for n in range(MEMBERS))
    )
    # One second ahead (within the floor's minute of tolerance), so no line is older than
    # the state the seats were imported with: each line changes its seat's state.
    at = int(time.time()) + 1
    lines = [f"{at}|NONE|support|PJSIP/{100 + n}|ADDMEMBER|\n" for n in range(MEMBERS)]
    for n in range(LINES):
        member = 100 + n % MEMBERS
        event = "CONNECT|1|x|1" if (n // MEMBERS) % 2 == 0 else "COMPLETEAGENT|1|60|1"
        lines.append(f"{at}|call{n}|support|PJSIP/{member}|{event}\n")
    log = folder / "queue_log"
    log.write_text("".join(lines))
    return log, members


def serve(folder: Path, db: Path, name: str) -> subprocess.Popen[bytes]:
    """The service, its output in files: a pipe nobody reads would fill with its log
    (a line per refused feed line) and stop it in the middle of a write."""
    env = {**os.environ, "FLOORMAN_CONFIG": str(folder / "config.toml")}
    with (folder / f"{name}.log").open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "floorman", "--db", str(db), "serve"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def output(folder: Path, name: str) -> str:
    return (folder / f"{name}.log").read_text(errors="replace")


def status_json(folder: Path, db: Path, *, expect: int) -> dict[str, Any]:
    """`floorman status --json`: exit 0 while the service runs, 3 when it does not."""
    env = {**os.environ, "FLOORMAN_CONFIG": str(folder / "config.toml")}
    done = subprocess.run(
        [sys.executable, "-m", "floorman", "--db", str(db), "status", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == expect, done.stderr
    return dict(json.loads(done.stdout))


def offset(db: Database) -> int:
    with db.read() as session:
        row = session.exec(select(FeedOffset)).first()
        return row.offset if row else 0


def feed_events(db: Database) -> tuple[int, int]:
    with db.read() as session:
        total, distinct = session.exec(
            select(func.count(), func.count(func.distinct(SeatEvent.external_id))).where(
                col(SeatEvent.source) == "asterisk"
            )
        ).one()
    return int(total), int(distinct)


def wait_until(condition, seconds: float, what: str | Callable[[], str]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what if isinstance(what, str) else what()
        time.sleep(0.02)


def test_kill_9_mid_feed_then_restart_loses_and_doubles_nothing(tmp_path: Path) -> None:
    floor = make_floor(tmp_path, "floor.db")
    log, members = write_queue_log(tmp_path)
    (tmp_path / "config.toml").write_text(
        f'timezone = "UTC"\n[[feeds]]\nkind = "asterisk"\npath = "{log}"\nmap = "{members}"\n'
        "interval_seconds = 0.05\n"
    )
    size = log.stat().st_size
    service = serve(tmp_path, floor.db.path, "killed")
    try:
        wait_until(lambda: offset(floor.db) > 0, 60, "the service applied nothing")
        os.kill(service.pid, signal.SIGKILL)
        service.wait(timeout=10)
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()
    killed_at = offset(floor.db)
    assert 0 < killed_at < size, "the feed finished before the kill; make LINES larger"
    assert feed_events(floor.db)[0] < LINES + MEMBERS
    restarted = serve(tmp_path, floor.db.path, "restarted")
    try:
        wait_until(lambda: running_pid(floor.db.path) is not None, 60, "no restart")
        second = serve(tmp_path, floor.db.path, "second")  # while the restarted one runs
        second.wait(timeout=60)
        assert second.returncode == 2
        assert "already runs on this database" in output(tmp_path, "second")
        wait_until(
            lambda: offset(floor.db) == size,
            60,
            lambda: "the restart did not catch up: " + output(tmp_path, "restarted")[-2000:],
        )
        health = status_json(tmp_path, floor.db.path, expect=0)  # for monitoring
        assert health["service"]["running"] is True and health["service"]["stale"] is False
        assert health["service"]["pid"] == restarted.pid
        assert health["service"]["scheduler"]["state"] == "running"
        assert [(f["kind"], f["lag_bytes"]) for f in health["feeds"]] == [("asterisk", 0)]
        assert health["feeds"][0]["state"] == "running"
        assert health["last_backup"]["kind"] in ("hourly", "daily")
        assert "last_alert_fired" in health and health["last_check"]["sound"] is True, health[
            "last_check"
        ]
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=30)
        log_text = output(tmp_path, "restarted")
        assert restarted.returncode == 0, log_text[-2000:]
        assert "Traceback" not in log_text, log_text[-2000:]
    finally:
        if restarted.poll() is None:
            restarted.kill()
            restarted.wait()
    assert running_pid(floor.db.path) is None
    stopped = status_json(tmp_path, floor.db.path, expect=3)
    assert stopped["service"]["running"] is False and stopped["service"]["stopped_at"]
    # Every line changes its seat's state: each is recorded once, none twice.
    assert feed_events(floor.db) == (LINES + MEMBERS, LINES + MEMBERS)
    floor.db.dispose()
