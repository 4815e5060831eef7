"""End to end: floorman in a real terminal (tmux), keys sent, the screen read back."""

from __future__ import annotations

import contextlib
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


def tmux(*args: str, socket: str | None = None) -> str:
    where = ["-S", socket] if socket else []
    # A COLUMNS or LINES from the test run would size the app (shutil reads them first),
    # not the pane: a 120x40 pane once drew an 80x24 floor.
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return subprocess.run(
        ["tmux", *where, *args], capture_output=True, text=True, check=True, env=env
    ).stdout


class Terminal:
    """A tmux session running one command, read with capture-pane.

    Each terminal has its own tmux server (its own socket): a detached window on a shared
    server is resized to the server's `default-size` (80x24) whenever another session
    comes or goes, which is what parallel tests and other tmux users on the machine do.
    """

    def __init__(self, command: str, width: int = 120, height: int = 40) -> None:
        if shutil.which("tmux") is None:
            pytest.fail("tmux is required for the end-to-end tests (make test installs it)")
        self.name = f"fm-{uuid.uuid4().hex[:8]}"
        self.socket = f"/tmp/{self.name}.tmux"
        size = ("-x", str(width), "-y", str(height))
        self.tmux("new-session", "-d", "-s", self.name, *size, command)
        self.tmux("set-option", "-g", "default-size", f"{width}x{height}")
        self.tmux("resize-window", "-t", self.name, *size)  # and the size stays this one

    def tmux(self, *args: str) -> str:
        return tmux(*args, socket=self.socket)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

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

    def quit(self, running: str = "occupancy", timeout: float = 60.0) -> None:
        """`q` twice, as a person does: the first asks, the second (within its three
        seconds) quits. The second key goes once the question is on screen, or after two
        seconds without it (a newer toast may cover it); a loaded machine may let the
        three seconds pass before the key lands: then both again, until the deadline.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.keys("q")
            # The question not seen in two seconds: the second q all the same.
            with contextlib.suppress(AssertionError):
                self.wait_for(lambda s: "Press q again" in s or running not in s, timeout=2)
            self.keys("q")
            try:
                self.wait_for(lambda s: running not in s, timeout=5)
                return
            except AssertionError:
                continue  # still running: the question had lapsed; ask again
        raise AssertionError(f"floorman did not quit; last screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)
        Path(self.socket).unlink(missing_ok=True)


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
    screen = terminal.wait_for(lambda s: "occupancy" in s and "A-01" in s, timeout=60)
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
    subprocess.run(
        [*FLOORMAN, "--db", str(demo_db), "event", empty_seat, "fault", "--reason", "screen dead"],
        check=True,
        env={**os.environ},
    )
    # How fast it shows is bench/bench_event.py's figure; here only that it does.
    terminal.wait_for(lambda s: f"{empty_seat} X" in s, timeout=30)
    terminal.keys("z")
    terminal.wait_for(lambda s: "Filter: zone A" in s)
    terminal.quit()  # one q asks; the second quits
