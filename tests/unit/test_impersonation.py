"""Issue 14, "Impersonation" and "Roles": who did it is who logged in, roles without gaps.

On a real closed floor (operators exist), through `floorman.cli.run` in this process
(the installed command's parser, exit codes and messages), the event hand-off of the
floor service, and a real second process holding the database's write lock.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from floorman.cli import build_parser, run
from floorman.clock import SystemClock
from floorman.config import Config
from floorman.data import schema
from floorman.data.db import Database, sqlite_module
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import PermissionDenied
from floorman.domain.operators.login import authenticate
from floorman.domain.operators.management import add_operator
from floorman.domain.operators.pins import use_hasher
from floorman.domain.seats.importing import import_agents, import_seats
from floorman.service.event_desk import CommandLine, run_request
from tests.helpers import cheap_pin_hasher

PINS = {"dir": "2468", "sup1": "1357", "sup2": "9753", "dm": "1111", "vic": "3333"}
ROLES = {
    "dir": "director",
    "sup1": "supervisor",
    "sup2": "supervisor",
    "dm": "duty_manager",
    "vic": "viewer",
}
FEED_KEY = "s3cret-feed-key"


@dataclass
class ClosedFloor:
    """A migrated floor file with seats, agents and one operator of each kind."""

    db: Path
    config: Path
    keyed_config: Path
    tmp: Path


@pytest.fixture
def closed(tmp_path: Path) -> Iterator[ClosedFloor]:
    use_hasher(cheap_pin_hasher())
    path = tmp_path / "floor.db"
    db = Database(path)
    schema.migrate(db)
    floor = Floor(db=db, clock=SystemClock(), config=Config(timezone="UTC"), actor=Actor("setup"))
    seats, agents = tmp_path / "seats.csv", tmp_path / "agents.csv"
    seats.write_text("seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,general,0,1\n")
    agents.write_text("staff_no,name,team\n1001,A\n1002,B\n")
    import_seats(floor, seats)
    import_agents(floor, agents)
    add_operator(floor, "dir", "director", PINS["dir"])
    floor.actor = Actor("dir", role="director")
    for name, role in ROLES.items():
        if name != "dir":
            add_operator(floor, name, role, PINS[name])
    db.dispose()
    config = tmp_path / "config.toml"
    config.write_text('timezone = "UTC"\n')
    keyed = tmp_path / "keyed.toml"
    keyed.write_text(f'timezone = "UTC"\n[operators]\nfeed_key = "{FEED_KEY}"\n')
    yield ClosedFloor(path, config, keyed, tmp_path)
    use_hasher(None)


@pytest.fixture
def cli(
    closed: ClosedFloor, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[object]:
    """`cli(*argv, pin=..., feed_key=..., config=...)` -> (status, stdout, stderr)."""
    for name in ("FLOORMAN_PIN", "FLOORMAN_NEW_PIN", "FLOORMAN_FEED_KEY", "FLOORMAN_OPERATOR"):
        monkeypatch.delenv(name, raising=False)

    def call(
        *argv: str,
        pin: str | None = None,
        new_pin: str | None = None,
        feed_key: str | None = None,
        config: Path | None = None,
    ) -> tuple[int, str, str]:
        for name, value in (
            ("FLOORMAN_PIN", pin),
            ("FLOORMAN_NEW_PIN", new_pin),
            ("FLOORMAN_FEED_KEY", feed_key),
        ):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        capsys.readouterr()
        status = run(["--db", str(closed.db), "--config", str(config or closed.config), *argv])
        out, err = capsys.readouterr()
        return status, out, err

    yield call


def journal(closed: ClosedFloor) -> list[tuple[str, str, str]]:
    """(actor, action, subject) of every journal row, oldest first."""
    conn = sqlite_module().connect(str(closed.db))
    try:
        return [
            (r[0], r[1], r[2])
            for r in conn.execute("SELECT actor, action, subject FROM journal ORDER BY seq")
        ]
    finally:
        conn.close()


def seat_events(closed: ClosedFloor) -> list[str]:
    """Who each recorded agent state is journaled as (seat imports left out)."""
    rows = journal(closed)
    return [a for a, action, _ in rows if action.startswith("seat.") and action != "seat.import"]


# --------------------------------------------------------------------------- impersonation


def test_an_operator_named_without_a_pin_is_not_journaled_as_that_operator(
    closed: ClosedFloor, cli: object
) -> None:
    call = cli  # type: ignore[assignment]
    before = journal(closed)
    status, _out, err = call("--operator", "dir", "event", "A-01", "ready", "--agent", "1001")
    assert status == 2 and len(err.splitlines()) == 1, err
    assert "FLOORMAN_PIN" in err and "--source NAME" in err
    assert journal(closed) == before  # nothing recorded, least of all as "dir"


def test_an_event_is_recorded_as_its_source_or_as_who_logged_in(
    closed: ClosedFloor, cli: object
) -> None:
    call = cli  # type: ignore[assignment]
    ok = call(
        "--operator", "dir", "event", "A-01", "ready", "--agent", "1001", "--source", "pbx"
    )
    assert ok[0] == 0, ok
    assert seat_events(closed)[-1] == "pbx"  # the source, never the --operator named
    ok = call("--operator", "dm", "event", "A-02", "busy", "--agent", "1002", pin=PINS["dm"])
    assert ok[0] == 0, ok
    assert seat_events(closed)[-1] == "dm"
    wrong = call("--operator", "dm", "event", "A-02", "ready", "--agent", "1002", pin="0000")
    assert wrong[0] == 2 and "wrong PIN" in wrong[2]
    assert seat_events(closed)[-1] == "dm" and len(seat_events(closed)) == 2


def test_a_viewer_records_no_event(closed: ClosedFloor, cli: object) -> None:
    call = cli  # type: ignore[assignment]
    status, _out, err = call(
        "--operator", "vic", "event", "A-01", "fault", "--reason", "x", pin=PINS["vic"]
    )
    assert status == 2 and "operator vic (viewer) may not" in err
    assert seat_events(closed) == []
    assert [action for _, action, _ in journal(closed)][-1] == "operators.login"


def test_a_floor_may_require_a_feed_key(closed: ClosedFloor, cli: object) -> None:
    call = cli  # type: ignore[assignment]
    event = ("event", "A-01", "ready", "--agent", "1001", "--source", "pbx")
    missing = call(*event, config=closed.keyed_config)
    assert missing[0] == 2 and "needs a feed key" in missing[2] and FEED_KEY not in missing[2]
    wrong = call(*event, config=closed.keyed_config, feed_key="guess")
    assert wrong[0] == 2 and "wrong feed key" in wrong[2] and "guess" not in wrong[2]
    assert seat_events(closed) == []
    right = call(*event, config=closed.keyed_config, feed_key=FEED_KEY)
    assert right[0] == 0, right
    assert seat_events(closed) == ["pbx"]
    # A feed is a source too: the same key, the same refusal.
    lines = closed.tmp / "feed.jsonl"
    lines.write_text('{"seat": "A-02", "state": "ready", "agent": "1002"}\n')
    feed = ("feed", "jsonl", str(lines), "--source", "acd")
    assert call(*feed, config=closed.keyed_config)[0] == 2
    assert call(*feed, config=closed.keyed_config, feed_key=FEED_KEY)[0] == 0
    assert seat_events(closed) == ["pbx", "acd"]
    # An operator who logs in needs no feed key: the PIN says who it is.
    logged_in = call(
        "--operator", "dm", "event", "A-01", "busy", "--agent", "1001",
        config=closed.keyed_config, pin=PINS["dm"],
    )
    assert logged_in[0] == 0, logged_in


def test_the_floor_service_never_logs_anyone_in_nor_takes_its_own_feed_key(
    closed: ClosedFloor, monkeypatch: pytest.MonkeyPatch
) -> None:
    command_line = CommandLine(run, build_parser)
    monkeypatch.setenv("FLOORMAN_PIN", PINS["dir"])  # the service's own environment
    monkeypatch.setenv("FLOORMAN_FEED_KEY", FEED_KEY)
    person = {
        "argv": ["event", "A-01", "ready", "--agent", "1001"],
        "globals": [
            "--db", str(closed.db), "--config", str(closed.keyed_config), "--operator", "dir"
        ],
    }
    # A login is the caller's: the service hands the event back, having written nothing.
    assert run_request(command_line, person, "host:/dev/pts/7", closed.db) == {"fallback": True}
    assert journal(closed)[-1][1] == "operators.add"
    source = {**person, "argv": [*person["argv"], "--source", "pbx"]}
    refused = run_request(command_line, source, "host:/dev/pts/7", closed.db)
    assert refused["status"] == 2 and "needs a feed key" in refused["stderr"]
    keyed = {**source, "feed_key": FEED_KEY}
    answered = run_request(command_line, keyed, "host:/dev/pts/7", closed.db)
    assert answered["status"] == 0, answered
    assert journal(closed)[-1][0] == "pbx"


# --------------------------------------------------------------------------- roles


def test_a_supervisor_neither_resets_nor_disables_another_supervisor(
    closed: ClosedFloor, cli: object
) -> None:
    call = cli  # type: ignore[assignment]
    reset = call("--operator", "sup1", "operators", "reset-pin", "sup2", pin=PINS["sup1"],
                 new_pin="8642")
    assert reset[0] == 2 and "may not reset the PIN of a operations supervisor" in reset[2]
    disable = call("--operator", "sup1", "operators", "disable", "sup2", pin=PINS["sup1"])
    assert disable[0] == 2 and "may not disable a operations supervisor" in disable[2]
    # sup2 still logs in with the old PIN and is still active.
    status, out, _ = call("--operator", "sup2", "operators", "list", "--json", pin=PINS["sup2"])
    assert status == 0
    assert {r["name"]: r["active"] for r in json.loads(out)}["sup2"] is True
    # Below their own role they still manage: a duty manager's PIN, a viewer disabled.
    assert call("--operator", "sup1", "operators", "reset-pin", "dm", pin=PINS["sup1"],
                new_pin="8642")[0] == 0
    assert call("--operator", "sup1", "operators", "disable", "vic", pin=PINS["sup1"])[0] == 0
    # The director does not reset the director's PIN either (only their own, logged in).
    other = call("--operator", "dir", "operators", "add", "dir2", "--role", "director",
                 pin=PINS["dir"], new_pin="5555")
    assert other[0] == 0, other
    assert call("--operator", "dir", "operators", "reset-pin", "dir2", pin=PINS["dir"],
                new_pin="8642")[0] == 2
    assert call("--operator", "dir", "operators", "reset-pin", "dir", pin=PINS["dir"],
                new_pin="8642")[0] == 0


def test_a_restore_whose_role_check_meets_a_busy_database_does_not_go_on(
    closed: ClosedFloor, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.db"
    conn = sqlite_module().connect(str(closed.db))
    conn.execute(f"VACUUM INTO '{backup}'")
    before = closed.db.read_bytes()
    # Another terminal holds the write lock for longer than the busy timeout.
    conn.isolation_level = None
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "floorman", "--db", str(closed.db), "--config",
             str(closed.config), "--operator", "dir", "restore", str(backup)],
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
            env={"FLOORMAN_PIN": PINS["dir"], "PATH": "/usr/bin:/bin"},
        )
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "busy" in result.stderr and "try again" in result.stderr
    assert "nothing was restored" in result.stderr
    assert "restored" not in result.stdout
    assert closed.db.read_bytes() == before
    assert not list(closed.db.parent.glob("*.before-restore*"))


def test_the_last_director_cannot_be_locked_out_by_wrong_pins(closed: ClosedFloor) -> None:
    db = Database(closed.db)
    attacker = Floor(db=db, config=Config(timezone="UTC"), actor=Actor("x", "host:/dev/pts/3"))
    for _ in range(12):
        with pytest.raises(PermissionDenied, match=r"wrong PIN|cannot log in from this terminal"):
            authenticate(attacker, "dir", "0000")
    # Slowed where the guesses come from ...
    with pytest.raises(PermissionDenied, match="cannot log in from this terminal"):
        authenticate(attacker, "dir", PINS["dir"])
    # ... while the director logs in from the floor's other terminal.
    desk = Floor(db=db, config=Config(timezone="UTC"), actor=Actor("x", "host:/dev/pts/1"))
    assert authenticate(desk, "dir", PINS["dir"]).role == "director"
    db.dispose()
