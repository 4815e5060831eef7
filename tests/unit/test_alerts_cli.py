"""`floorman alerts list` and `floorman alerts ack` as a user runs them.

The alerts are made in this process with a fake clock (an away that ran over its limit,
fired by the scheduler's claim); the command line then reads and acknowledges them
through the same domain functions as the panel.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pysqlite3.dbapi2 as sqlite3  # type: ignore[import-not-found]

from floorman.clock import FakeClock
from floorman.domain import alerts
from floorman.domain.core.context import Actor, Floor
from floorman.domain.operators.management import add_operator
from floorman.domain.seats.events import record_event
from tests.helpers import floorman

FIELDS = {
    "id", "kind", "subject", "seat", "agent", "severity", "state", "message", "fired_at",
    "escalated_at", "acknowledged_by", "acknowledged_at", "acknowledged_note", "resolved_at",
}  # fmt: skip


def fired_aways(floor: Floor, clock: FakeClock) -> list[alerts.AlertView]:
    """A-01 (Li Na) over her limit, B-01 warned, A-02 away and back: three alerts."""
    for seat, agent in (("A-01", "1001"), ("A-02", "1002")):
        record_event(floor, seat, "ready", agent_no=agent)
        record_event(floor, seat, "away")
    clock.advance(60)
    record_event(floor, "B-01", "ready", agent_no="1003")
    record_event(floor, "B-01", "away")
    clock.advance(250)
    fired = alerts.fire_due(floor)
    record_event(floor, "A-02", "back")
    return fired


def dump_all(path: Path) -> str:
    """Every row of every table: what "nothing written" compares on an open floor."""
    with sqlite3.connect(path) as conn:
        tables = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
        rows = [conn.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall() for name, _ in tables]
    return hashlib.sha256(repr((tables, rows)).encode()).hexdigest()


def dump(path: Path) -> str:
    """Every alert row and the journal's alert entries: what "nothing written" compares
    (a refused login records the attempt; that is the login's business, not ours)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT * FROM alert ORDER BY id").fetchall()
        rows += conn.execute(
            "SELECT action, subject FROM journal WHERE action LIKE 'alert.%' ORDER BY seq"
        ).fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def run(db: Path, *args: str, **env: str):
    pins = {k: None for k in os.environ if k.startswith("FLOORMAN_PIN")}
    # In this interpreter: the test reads the file between calls with the same SQLite
    # library as the command (pysqlite3), so their locks are one library's locks.
    return floorman(*args, db=db, env={**pins, **env}, stdin="")


def one_line_error(result) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def test_list_json_has_every_field_in_the_panel_order(small_floor: Floor, clock) -> None:
    fired_aways(small_floor, clock)
    db = small_floor.db.path
    everything = json.loads(run(db, "alerts", "list", "--json").stdout)
    assert all(set(row) == FIELDS for row in everything)
    assert [(r["seat"], r["state"], r["severity"]) for r in everything] == [
        ("A-01", "active", "breach"),
        ("B-01", "active", "warning"),
        ("A-02", "resolved", "breach"),
    ]
    assert everything[0]["agent"] == "Li Na (1001)" and everything[0]["kind"] == "away.breach"
    assert everything[2]["resolved_at"] is not None
    active = json.loads(run(db, "alerts", "list", "--active", "--json").stdout)
    assert [r["seat"] for r in active] == ["A-01", "B-01"]
    # --since after they fired: the open ones stay, the resolved one is history.
    later = json.loads(
        run(db, "alerts", "list", "--since", "2026-11-23T09:00:00Z", "--json").stdout
    )
    assert [r["seat"] for r in later] == ["A-01", "B-01"]
    text = run(db, "alerts", "list").stdout.splitlines()
    assert len(text) == 3 and text[0].startswith(everything[0]["id"][:8])


def test_ack_by_prefix_all_or_none_and_by_kind(small_floor: Floor, clock) -> None:
    fired = fired_aways(small_floor, clock)
    db = small_floor.db.path
    by_seat = {v.subject: v.id for v in fired}
    before = dump_all(db)
    for bad in (
        ["alerts", "ack", by_seat["A-01"][:8], "deadbeef"],  # one unknown: none acknowledged
        ["alerts", "ack", "A-01"],  # not an id
        ["alerts", "ack", "ab"],  # too short a prefix
        ["alerts", "ack"],  # nothing named
        ["alerts", "ack", "--all", by_seat["A-01"]],  # both
        ["alerts", "ack", by_seat["A-01"], "--kind", "away"],  # --kind without --all
        ["alerts", "list", "--since", "yesterday"],
        ["alerts", "ack", by_seat["A-01"], "--note", "x" * 201],
    ):
        one_line_error(run(db, *bad))
    assert dump_all(db) == before
    done = run(db, "alerts", "ack", by_seat["A-01"][:8], "--note", "called her", "--json")
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)
    assert (row["state"], row["acknowledged_by"], row["acknowledged_note"]) == (
        "acknowledged",
        "tester",
        "called her",
    )
    again = one_line_error(run(db, "alerts", "ack", by_seat["A-01"]))
    assert "already acknowledged by tester" in again
    resolved = next(v for v in fired if v.subject == "A-02")
    assert "already resolved" in one_line_error(run(db, "alerts", "ack", resolved.id))
    assert "no active alert" in one_line_error(
        run(db, "alerts", "ack", "--all", "--kind", "visitor")
    )
    rest = run(db, "alerts", "ack", "--all", "--kind", "away", "--json")
    assert [r["seat"] for r in json.loads(rest.stdout)] == ["B-01"]
    assert json.loads(run(db, "alerts", "list", "--active", "--json").stdout) == []




def test_a_viewer_may_list_but_not_acknowledge(small_floor: Floor, clock, cheap_hasher) -> None:
    fired_aways(small_floor, clock)
    add_operator(small_floor, "boss", "director", "739184")
    small_floor.actor = Actor("boss", "test:tty1", role="director")
    add_operator(small_floor, "watcher", "viewer", "582046")
    add_operator(small_floor, "dm1", "duty_manager", "602514")
    db = small_floor.db.path
    before = dump(db)
    refused = run(db, "--operator", "watcher", "alerts", "ack", "--all", FLOORMAN_PIN="582046")
    assert "viewer" in one_line_error(refused)
    wrong_pin = run(db, "--operator", "dm1", "alerts", "ack", "--all", FLOORMAN_PIN="000000")
    one_line_error(wrong_pin)
    assert dump(db) == before
    listed = run(db, "alerts", "list", "--active", "--json")
    assert len(json.loads(listed.stdout)) == 2
    done = run(db, "--operator", "dm1", "alerts", "ack", "--all", FLOORMAN_PIN="602514")
    assert done.returncode == 0, done.stderr
    assert json.loads(run(db, "alerts", "list", "--active", "--json").stdout) == []
