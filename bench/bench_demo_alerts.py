"""Issue 15's "Done when": the demo floor after 25 simulated minutes, in a real terminal.

`floorman demo --speed N` runs in tmux (its own server, 160x50) for `--minutes` of the
floor's time; tmux counts the terminal bells (its `alert-bell` hook). Then, from the
database the demo left: alerts fired, escalated or re-opened (each may ring once), alerts
standing (active, acknowledged), and active alerts whose condition no longer holds
(`domain.alerts.conditions.ended`, the rule the sweep uses; the goal is none).
Usage: `python bench/bench_demo_alerts.py [--minutes 25] [--speed 10]`.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from sqlmodel import col, select

from _results import write_section
from floorman.data.db import Database
from floorman.data.tables.floor import Alert
from floorman.domain.alerts.conditions import ended

FLOORMAN = [sys.executable, "-m", "floorman"]


def tmux(socket: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    run = subprocess.run(["tmux", "-S", socket, *args], capture_output=True, text=True, env=env)
    return run.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=25.0)
    parser.add_argument("--speed", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, bells = folder / "demo.db", folder / "bells.txt"
        bells.write_text("", encoding="utf-8")
        name = f"fm-{uuid.uuid4().hex[:8]}"
        socket = str(folder / "tmux.sock")
        env = f"FLOORMAN_CONFIG={folder / 'none.toml'} TERM=xterm-256color"
        demo = f"{' '.join(FLOORMAN)} --db {db} --lang en demo --speed {args.speed}"
        tmux(socket, "new-session", "-d", "-s", name, "-x", "160", "-y", "50",
             f"sh -c 'sleep 1; exec env {env} {demo}'")  # fmt: skip
        tmux(socket, "set-option", "-t", name, "monitor-bell", "on")
        tmux(socket, "set-option", "-t", name, "bell-action", "any")
        tmux(socket, "set-hook", "-t", name, "alert-bell", f"run-shell 'echo bell >> {bells}'")
        started = time.monotonic()
        try:
            while "occupancy" not in tmux(socket, "capture-pane", "-p", "-t", name):
                time.sleep(0.2)
            time.sleep(args.minutes * 60 / args.speed)  # the floor's own minutes pass
            screen = tmux(socket, "capture-pane", "-p", "-t", name)
        finally:
            tmux(socket, "kill-server")
        real = time.monotonic() - started
        rang = len(bells.read_text(encoding="utf-8").splitlines())
        with sqlite3.connect(db) as conn:
            news = conn.execute(
                "SELECT count(*) FROM journal "
                "WHERE action IN ('alert.fire', 'alert.escalate', 'alert.reopen')"
            ).fetchone()[0]
            states = dict(conn.execute("SELECT state, count(*) FROM alert GROUP BY state"))
        database = Database(db)
        with database.read() as session:
            standing = list(
                session.exec(
                    select(Alert).where(col(Alert.state).in_(("active", "acknowledged")))
                )
            )
            stale = ended(session, standing)
        database.dispose()
    header = next((line for line in screen.splitlines() if "floorman" in line), "").strip()
    write_section(
        "demo_alerts",
        "The demo floor after 25 simulated minutes (issue 15)",
        [
            f"- `floorman demo --speed {args.speed:g}` in tmux 160x50, {args.minutes:g} "
            f"simulated minutes ({real:.0f} s real)",
            f"- alerts fired, escalated or re-opened: {news}; bell rings: {rang} "
            f"(goal: at most one per new alert or severity)",
            f"- alerts standing: active {states.get('active', 0)}, acknowledged "
            f"{states.get('acknowledged', 0)}; resolved {states.get('resolved', 0)}",
            f"- active or acknowledged alerts whose condition has ended: {len(stale)} "
            f"(goal: 0)",
            f"- the header at the end: `{header}`",
        ],
    )


if __name__ == "__main__":
    main()
