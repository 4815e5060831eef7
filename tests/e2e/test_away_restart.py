"""End to end (issue 3, point 7): floorman is killed during an away and restarted.

A real `floorman ui` runs in tmux on a temporary database. An agent goes away from the
command line 4:50 ago, so the breach (5:00) is due about ten seconds later. The app is
killed with SIGKILL before the breach, the deadline passes while nothing runs, and a
fresh `floorman ui` must show the right elapsed time (from the stored start, >= 5:00),
the overrun marker "!" on the seat map and the breach in the alert bar, while the
database holds that breach fired exactly once.

The one real wait here is for a real deadline on a real process (about ten seconds);
everything else polls the screen.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.test_terminal import FLOORMAN, Terminal

pytestmark = pytest.mark.e2e

SEAT = "A-01"
STAFF_NO = "7001"
AWAY_FOR = timedelta(minutes=4, seconds=50)
LIMIT = timedelta(minutes=5)


def floorman(db: Path, *args: str) -> None:
    subprocess.run([*FLOORMAN, "--db", str(db), *args], check=True, capture_output=True)


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    """A floor of four seats in one zone and four agents; no operators, so no login."""
    db = tmp_path / "restart.db"
    floorman(db, "init")
    seats = ["seat,zone,type,row,col"] + [f"A-0{n},A,general,0,{n - 1}" for n in range(1, 5)]
    (tmp_path / "seats.csv").write_text("\n".join(seats) + "\n")
    agents = ["staff_no,name,team"] + [f"700{n},Agent {n},T1" for n in range(1, 5)]
    (tmp_path / "agents.csv").write_text("\n".join(agents) + "\n")
    floorman(db, "seats", "import", str(tmp_path / "seats.csv"))
    floorman(db, "agents", "import", str(tmp_path / "agents.csv"))
    # The floor was set up an hour ago: the away below starts minutes in the past, and a
    # seat's first event may not be older than the seat (issue 14).
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE seat SET since = datetime(since, '-1 hour')")
    return db


def ui_command(db: Path) -> str:
    env = f"FLOORMAN_CONFIG={db.parent / 'none.toml'} TERM=xterm-256color"
    return f"env {env} {' '.join(FLOORMAN)} --db {db} --lang en ui"


def floorman_pid(term: Terminal) -> int:
    """The python process running floorman: the pane's process, or its child."""
    pane = int(term.tmux("list-panes", "-t", term.name, "-F", "#{pane_pid}").split()[0])
    candidates = [pane]
    children = Path(f"/proc/{pane}/task/{pane}/children")
    if children.exists():
        candidates += [int(p) for p in children.read_text().split()]
    for pid in candidates:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if any(b"python" in part for part in cmdline[:1]) and b"floorman" in cmdline:
            return pid
    raise AssertionError(f"no floorman process under pane {pane}")


def seat_timer(screen: str) -> tuple[str, int] | None:
    """The seat's state letter and time in state (seconds) as the seat map draws them."""
    match = re.search(rf"{SEAT} (\S) (\d+):(\d\d)", screen)
    if match is None:
        return None
    return match.group(1), int(match.group(2)) * 60 + int(match.group(3))


def alert_bar_line(screen: str) -> str | None:
    """The alert bar's line about the seat's breach (a toast puts its title on its own line)."""
    return next(
        (line for line in screen.splitlines() if "BREACH" in line and f"{SEAT}:" in line), None
    )


def breach_rows(db: Path) -> list[tuple[str | None, str | None]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            # The breach deadline (its alert is the away's one alert, escalated in place).
            "SELECT fired_at, fired_by FROM alert WHERE dedupe_key LIKE 'away:%:breach' "
            "AND subject = ?",
            (SEAT,),
        ).fetchall()
    return [(r[0], r[1]) for r in rows]


def breach_fire_journal_rows(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT after FROM journal WHERE action IN ('alert.fire', 'alert.escalate') "
            "AND subject = ?",
            (SEAT,),
        ).fetchall()
    return sum(1 for (after,) in rows if "away.breach" in (after or ""))


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()


def test_killed_during_an_away_the_restart_shows_the_time_and_the_breach_once(
    small_db: Path, terminals: list[Terminal]
) -> None:
    first = Terminal(ui_command(small_db))
    terminals.append(first)
    first.wait_for(lambda s: "occupancy" in s and SEAT in s)

    left_at = datetime.now(UTC) - AWAY_FOR
    floorman(small_db, "event", SEAT, "away", "--agent", STAFF_NO, "--at", left_at.isoformat())
    breach_due = left_at + LIMIT

    # The running app shows the away and its timer, not yet over the limit.
    # Within its limit but in the last minute: the warning band `!` (issue 15).
    screen = first.wait_for(lambda s: (seat_timer(s) or ("", 0))[0] == "!", timeout=8)
    letter, seconds = seat_timer(screen) or ("", 0)
    assert letter == "!" and 4 * 60 + 45 <= seconds < 5 * 60

    os.kill(floorman_pid(first), signal.SIGKILL)
    assert datetime.now(UTC) < breach_due, "the machine was too slow: killed after the breach"
    assert breach_rows(small_db) == [(None, None)], "the breach fired before the kill"

    # Nothing runs while the deadline passes.
    time.sleep(max(0.0, (breach_due - datetime.now(UTC)).total_seconds()) + 0.5)

    second = Terminal(ui_command(small_db))
    terminals.append(second)
    # The breach toast (8 s) may cover the right of the alert bar: wait for the whole line.
    screen = second.wait_for(
        lambda s: "away from A-01: over the" in (alert_bar_line(s) or "")
        and (seat_timer(s) or ("", 0))[0] == "‼",
        timeout=25,
    )
    letter, seconds = seat_timer(screen) or ("", 0)
    shown_elapsed = timedelta(seconds=seconds)
    real_elapsed = datetime.now(UTC) - left_at
    assert letter == "‼"  # the breach band
    assert shown_elapsed >= LIMIT
    assert abs((real_elapsed - shown_elapsed).total_seconds()) <= 3  # from the stored start
    bar = alert_bar_line(screen) or ""
    assert "▲ BREACH" in bar and "away from A-01: over the" in bar

    fired = breach_rows(small_db)
    assert len(fired) == 1 and fired[0][0] is not None
    assert breach_fire_journal_rows(small_db) == 1
    # A few more seconds of the restarted app (its timers tick) do not fire it again.
    second.wait_for(lambda s: (seat_timer(s) or ("", 0))[1] >= seconds + 2, timeout=5)
    assert len(breach_rows(small_db)) == 1
    assert breach_fire_journal_rows(small_db) == 1
