"""`floorman away ...`: the command-line contract, run as a subprocess on a real database."""

from __future__ import annotations

import csv
import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from floorman.clock import FakeClock
from floorman.config import Config
from floorman.data.db import Database
from floorman.domain.core.context import Actor, Floor
from floorman.domain.seats.events import record_event
from floorman.domain.seats.importing import import_agents, import_seats
from tests.helpers import floorman as run_floorman

LIST_KEYS = {
    "seat",
    "agent",
    "reason",
    "status",
    "approved_by",
    "left_at",
    "returned_at",
    "limit_seconds",
    "over_seconds",
}


def floorman(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_floorman(*args, db=db, operator="mgr")


def ok(db: Path, *args: str) -> str:
    result = floorman(db, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def floor_db(db: Database, tmp_path: Path) -> Path:
    """A migrated floor on the real clock: 1001 at A-01 and 1002 at A-02 for 20 minutes."""
    # Seats imported before the agents sat down 20 minutes ago: a first event from
    # before the seat existed would be refused.
    earlier = datetime.now(UTC) - timedelta(minutes=20)
    clock = FakeClock(earlier - timedelta(seconds=1))
    floor = Floor(db=db, clock=clock, config=Config(timezone="UTC"), actor=Actor("setup"))
    (tmp_path / "s.csv").write_text(
        "seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,general,0,1\n", encoding="utf-8"
    )
    (tmp_path / "a.csv").write_text(
        "staff_no,name,team\n1001,Li Na,T1\n1002,王芳,T1\n", encoding="utf-8"
    )
    import_seats(floor, tmp_path / "s.csv")
    import_agents(floor, tmp_path / "a.csv")
    clock.set(earlier)
    record_event(floor, "A-01", "ready", agent_no="1001", at=earlier)
    record_event(floor, "A-02", "ready", agent_no="1002", at=earlier)
    return db.path


def test_request_approve_start_list_extend_back(floor_db: Path) -> None:
    slip = json.loads(ok(floor_db, "away", "request", "1001", "--reason", "toilet", "--json"))
    assert slip["status"] == "requested" and slip["seat"] == "A-01"
    approved = json.loads(ok(floor_db, "away", "approve", slip["id"][:8], "--json"))
    assert approved["approved_by"] == "mgr"
    nine_minutes_ago = (datetime.now(UTC) - timedelta(minutes=9)).isoformat()
    ok(floor_db, "away", "start", "1001", "--at", nine_minutes_ago)

    seats = {s["seat"]: s for s in json.loads(ok(floor_db, "seats", "list", "--json"))}
    assert seats["A-01"]["state"] == "away"  # the seat map shows the slip

    (row,) = json.loads(ok(floor_db, "away", "list", "--open", "--json"))
    assert set(row) >= LIST_KEYS
    assert row["status"] == "out" and row["agent"] == "1001" and row["reason"] == "toilet"
    assert row["limit_seconds"] == 300 and row["returned_at"] is None
    assert 240 <= row["over_seconds"] <= 270 and row["band"] == "breach"

    extended = json.loads(
        ok(floor_db, "away", "extend", "1001", "--minutes", "5", "--reason", "queue", "--json")
    )
    assert extended["limit_seconds"] == 600 and extended["extension_reason"] == "queue"
    again = floorman(floor_db, "away", "extend", "1001", "--minutes", "1", "--reason", "x")
    assert again.returncode == 2 and "already extended" in again.stderr

    ok(floor_db, "away", "back", "1001")
    assert json.loads(ok(floor_db, "away", "list", "--open", "--json")) == []
    (closed,) = json.loads(ok(floor_db, "away", "list", "--json"))
    assert closed["status"] == "back" and closed["returned_at"] is not None
    seats = {s["seat"]: s for s in json.loads(ok(floor_db, "seats", "list", "--json"))}
    assert seats["A-01"]["state"] == "ready"


def test_unapproved_event_log_and_csv(floor_db: Path, tmp_path: Path) -> None:
    eight_minutes_ago = (datetime.now(UTC) - timedelta(minutes=8)).isoformat()
    ok(floor_db, "event", "A-02", "away", "--reason", "=HYPERLINK(1)", "--at", eight_minutes_ago)
    ok(floor_db, "event", "A-02", "back")
    (slip,) = json.loads(ok(floor_db, "away", "list", "--json"))
    assert slip["approval"] == "unapproved" and slip["approved_by"] is None
    assert 175 <= slip["over_seconds"] <= 200
    ok(floor_db, "away", "violation", slip["id"], "--note", "peak hour")
    slip2 = json.loads(ok(floor_db, "away", "request", "1001", "--reason", "water", "--json"))
    ok(floor_db, "away", "approve", "1001")
    ok(floor_db, "away", "start", "1001")
    ok(floor_db, "away", "back", "1001")
    ok(floor_db, "away", "request", "1001", "--reason", "toilet")
    ok(floor_db, "away", "reject", "1001", "--reason", "queue")

    today = datetime.now(UTC).date().isoformat()
    out_csv = tmp_path / "log.csv"
    log = json.loads(ok(floor_db, "away", "log", "--date", today, "--csv", str(out_csv), "--json"))
    by_agent = {line["agent"]: line for line in log["agents"]}
    assert by_agent["1002"]["count"] == 1 and by_agent["1002"]["overruns"] == 1
    assert by_agent["1002"]["unapproved"] == 1 and by_agent["1002"]["violations"] == 1
    assert 7.9 <= by_agent["1002"]["total_minutes"] <= 8.2
    assert by_agent["1001"]["count"] == 1 and by_agent["1001"]["unapproved"] == 0

    with out_csv.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3  # the rejected request is on the day's slips too
    assert {r["id"] for r in rows} >= {slip["id"], slip2["id"]}
    note = next(r["note"] for r in rows if r["id"] == slip["id"])
    assert note == "'=HYPERLINK(1)"  # a spreadsheet must not run it as a formula

    text = ok(floor_db, "away", "log", "--date", today)
    assert "1002" in text and "王芳" in text
    other_day = json.loads(ok(floor_db, "away", "list", "--date", "2001-01-01", "--json"))
    assert other_day == []


@pytest.mark.parametrize(
    "args",
    [
        ("approve", "%%%%"),
        ("approve", "____"),
        ("approve", "%"),
        ("reject", "%_%_%_%_", "--reason", "queue"),
        ("cancel", "________"),
        ("extend", "%%%%%%%%", "--minutes", "5", "--reason", "queue"),
    ],
)
def test_a_wildcard_prefix_names_no_slip(floor_db: Path, args: tuple[str, ...]) -> None:
    """`%` and `_` are LIKE's wildcards: a prefix of them must not act on the slip there is."""
    slip = json.loads(ok(floor_db, "away", "request", "1001", "--reason", "water", "--json"))
    result = floorman(floor_db, "away", *args)
    assert result.returncode == 2
    assert result.stderr == f"floorman: no such away slip '{args[1]}'\n"
    (after,) = json.loads(ok(floor_db, "away", "list", "--json"))
    assert (after["id"], after["status"], after["approval"]) == (slip["id"], "requested", "pending")
    assert after["extension_seconds"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("away", "request", "9999", "--reason", "toilet"), "unknown agent"),
        (("away", "request", "1001", "--reason", "nap"), "unknown away reason"),
        (("away", "approve", "nope"), "no such away slip"),
        (("away", "back", "1001"), "no open away slip"),
        (("away", "reject", "1001", "--reason", ""), "rejection reason"),
        (("away", "list", "--date", "yesterday"), "YYYY-MM-DD"),
        (("away", "log", "--date", "2026-13-01"), "YYYY-MM-DD"),
        (("away", "extend", "1001", "--minutes", "ten", "--reason", "x"), "whole number"),
        (("away", "start", "1001", "--at", "noon"), "malformed time"),
        (("away", "frobnicate"), "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(floor_db: Path, args: tuple[str, ...], message: str):
    result = floorman(floor_db, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_refused_lifecycle_steps_exit_2(floor_db: Path) -> None:
    ok(floor_db, "away", "request", "1001", "--reason", "toilet")
    for args, message in [
        (("away", "start", "1001"), "only an approved slip"),
        (("away", "reject", "1001", "--reason", " "), "rejection reason"),
        (("away", "extend", "1001", "--minutes", "0", "--reason", "x"), "positive"),
        (("away", "excuse", "1001", "--reason", "fine"), "cannot approve_after"),
        (("away", "request", "1001", "--reason", "water"), "already has an open slip"),
    ]:
        result = floorman(floor_db, *args)
        assert result.returncode == 2, args
        assert message in result.stderr and result.stderr.count("\n") == 1
    assert json.loads(ok(floor_db, "away", "list", "--open", "--json"))[0]["status"] == "requested"
