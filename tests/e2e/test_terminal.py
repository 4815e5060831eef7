"""End to end: floorman in a real terminal (tmux), keys sent, the screen read back."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
FLOORMAN = [sys.executable, "-m", "floorman"]


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


class Terminal:
    """A tmux session running one command, read with capture-pane."""

    def __init__(self, command: str, width: int = 120, height: int = 40) -> None:
        if shutil.which("tmux") is None:
            pytest.fail("tmux is required for the end-to-end tests (make test installs it)")
        self.name = f"fm-{uuid.uuid4().hex[:8]}"
        tmux("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), command)
        # A CI run once drew an 80x24 pane despite -x/-y; resizing the window when the size
        # differs makes the size the tests read certain.
        size = tmux("display", "-p", "-t", self.name, "#{window_width}x#{window_height}").strip()
        if size != f"{width}x{height}":
            tmux("resize-window", "-t", self.name, "-x", str(width), "-y", str(height))

    def screen(self) -> str:
        return tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        tmux("send-keys", "-t", self.name, *keys)

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 20.0) -> str:
        """Poll the real screen until it shows what we expect (a terminal, not a timer)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"screen never matched; last screen:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    db = tmp_path / "e2e.db"
    subprocess.run([*FLOORMAN, "--db", str(db), "init", "--demo"], check=True, capture_output=True)
    return db


@pytest.fixture
def terminal(demo_db: Path) -> Iterator[Terminal]:
    env = f"FLOORMAN_CONFIG={demo_db.parent / 'none.toml'} TERM=xterm-256color"
    term = Terminal(f"env {env} {' '.join(FLOORMAN)} --db {demo_db} --lang en ui")
    yield term
    term.close()


def test_floor_keys_and_a_cli_event_appear_on_screen(terminal: Terminal, demo_db: Path) -> None:
    screen = terminal.wait_for(lambda s: "occupancy" in s and "A-01" in s)
    assert "综合业务" in screen
    terminal.keys("l", "Enter")
    terminal.wait_for(lambda s: "Seat A-02" in s)
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "Seat A-02" not in s and "occupancy" in s)
    # An empty demo seat that the screen shows gets a fault from the command line, as a
    # phone system would report one. It is read off the screen, not the seat list, so that
    # it is one the terminal has room to draw; the leftmost, away from the toasts.
    shown_empty = [
        (match.start(), match.group(1))
        for line in terminal.screen().splitlines()
        for match in re.finditer(r"\b([A-E]-\d\d) - ", line)
    ]
    assert shown_empty, "the demo floor shows no empty seat"
    empty_seat = min(shown_empty)[1]
    started = time.monotonic()
    subprocess.run(
        [*FLOORMAN, "--db", str(demo_db), "event", empty_seat, "fault", "--reason", "screen dead"],
        check=True,
        env={**os.environ},
    )
    terminal.wait_for(lambda s: f"{empty_seat} X" in s, timeout=5)
    assert time.monotonic() - started < 5
    terminal.keys("z")
    terminal.wait_for(lambda s: "Filter: zone A" in s)
    terminal.keys("q")  # one q asks; the second quits
    terminal.wait_for(lambda s: "Press q again to quit" in s)
    terminal.keys("q")
    terminal.wait_for(lambda s: "occupancy" not in s, timeout=10)
