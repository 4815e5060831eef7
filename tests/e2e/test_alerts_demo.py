"""End to end: ten simulated minutes of the demo floor in a real terminal (tmux).

`floorman demo --speed 10` runs the floor's clock ten times faster, so ten minutes of
agents leaving and coming back pass in about one. tmux counts the terminal bells the app
rings (its `alert-bell` hook appends a line to a file). The test reads the simulated
clock off the screen (no timer), quits, and checks the database the demo left:

- the bell rang, and at most once per alert that fired or rose in severity, and at most
  once per 30 simulated seconds (the default `[alerts] bell_min_seconds`);
- no alert of an agent who is back (or excused) is still open;
- `floorman alerts list --active --json` lists exactly the active alerts.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.test_terminal import FLOORMAN, Terminal
from tests.helpers import floorman

pytestmark = pytest.mark.e2e
SPEED = 10
SIMULATED = timedelta(minutes=10)
CLOCK = re.compile(r"floorman (\d\d:\d\d:\d\d)")


def shown_clock(screen: str) -> datetime | None:
    found = CLOCK.search(screen)
    return datetime.strptime(found.group(1), "%H:%M:%S") if found else None


def passed(start: datetime, screen: str) -> timedelta:
    now = shown_clock(screen)
    if now is None:
        return timedelta(0)
    return (now - start) % timedelta(days=1)  # past midnight, the clock wraps


def test_ten_simulated_minutes_ring_once_per_alert_and_leave_no_alert_of_someone_back(
    tmp_path: Path,
) -> None:
    db = tmp_path / "demo.db"
    bells = tmp_path / "bells.txt"
    bells.write_text("", encoding="utf-8")
    env = f"FLOORMAN_CONFIG={tmp_path / 'none.toml'} TERM=xterm-256color"
    # The shell waits a moment so that the bell hook is set before the app can ring.
    demo = f"{' '.join(FLOORMAN)} --db {db} --lang en demo --speed {SPEED}"
    command = f"sh -c 'sleep 1; exec env {env} {demo}'"
    term = Terminal(command)
    launched = time.monotonic()
    try:
        term.tmux("set-option", "-t", term.name, "monitor-bell", "on")
        term.tmux("set-option", "-t", term.name, "bell-action", "any")
        term.tmux("set-hook", "-t", term.name, "alert-bell", f"run-shell 'echo bell >> {bells}'")
        first = term.wait_for(lambda s: "occupancy" in s and shown_clock(s) is not None, 120)
        start = shown_clock(first)
        assert start is not None
        term.wait_for(lambda s: passed(start, s) >= SIMULATED, timeout=180)
        term.quit()
    finally:
        term.close()
    # The floor's time the app ran at most (it keeps ringing while it quits): the bound on
    # rings is from that, not from the ten minutes read off the screen.
    ran = timedelta(seconds=(time.monotonic() - launched) * SPEED)
    rang = len(bells.read_text(encoding="utf-8").splitlines())
    with sqlite3.connect(db) as conn:
        news = conn.execute(
            "SELECT count(*) FROM journal "
            "WHERE action IN ('alert.fire', 'alert.escalate', 'alert.reopen')"
        ).fetchone()[0]
        open_of_someone_back = conn.execute(
            "SELECT a.id, s.status, s.approval FROM alert a "
            "JOIN away_slip s ON a.condition_key = 'away:' || s.id "
            "WHERE a.state IN ('active', 'acknowledged') "
            "AND (s.status != 'out' OR s.approval = 'approved_after')"
        ).fetchall()
        active = [row[0] for row in conn.execute("SELECT id FROM alert WHERE state = 'active'")]
        merged = conn.execute("SELECT count(*) FROM alert WHERE merged_into IS NOT NULL").fetchone()
    assert news > 0, "ten minutes of the demo raised no alert"
    assert 1 <= rang <= news
    assert rang <= ran // timedelta(seconds=30) + 1
    assert open_of_someone_back == []
    assert merged[0] > 0, "no away escalated in place"
    listed = floorman("alerts", "list", "--active", "--json", db=db, process=True)
    assert listed.returncode == 0, listed.stderr
    assert sorted(row["id"] for row in json.loads(listed.stdout)) == sorted(active)
