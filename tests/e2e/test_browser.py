"""End to end in a real browser: `floorman serve --web` on loopback, Debian's chromium
(headless) opens the wallboard and the console, logs in with name and PIN typed as keys,
sees seat changes made by `floorman event` from the command line, and starts the fire
checklist by keyboard. (How fast a change shows is a figure of bench/bench_serve.py, not
a timed test.)"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from floorman.clock import SystemClock
from floorman.config import Config
from floorman.data import schema
from floorman.data.db import Database
from floorman.domain.core.context import Actor, Floor
from floorman.domain.emergency import views as emergency_views
from floorman.domain.operators.management import add_operator
from floorman.domain.seats.importing import import_agents, import_seats
from tests.e2e.browser import Browser, require_chromium

pytestmark = pytest.mark.e2e
FLOORMAN = [sys.executable, "-m", "floorman"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_floor(folder: Path, *, operators: bool) -> Path:
    db = Database(folder / "floor.db")
    schema.migrate(db)
    floor = Floor(db=db, clock=SystemClock(), config=Config(timezone="UTC"), actor=Actor("t"))
    (folder / "seats.csv").write_text(
        "seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,general,0,1\nB-01,B,user,0,0\n"
    )
    (folder / "agents.csv").write_text(
        "staff_no,name\n1001,Li Na\n1002,Wang Fang\n1003,Zhang Wei\n"
    )
    import_seats(floor, folder / "seats.csv")
    import_agents(floor, folder / "agents.csv")
    if operators:
        add_operator(floor, "boss", "director", "482913")
    db.dispose()
    return folder / "floor.db"


def cli(db: Path, *argv: str) -> None:
    subprocess.run([*FLOORMAN, "--db", str(db), *argv], check=True, capture_output=True)


@pytest.fixture(params=[False], ids=["open floor"])
def served(request, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    require_chromium()
    db = make_floor(tmp_path, operators=request.param)
    port = free_port()
    monkeypatch.setenv("FLOORMAN_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text('timezone = "UTC"\nlanguage = "en"\n')
    service = subprocess.Popen(
        [*FLOORMAN, "--db", str(db), "serve", "--no-feeds", "--web", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "serve.log", "wb"),  # noqa: SIM115
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            assert service.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the web console never answered"
            time.sleep(0.1)
    yield db, url
    service.send_signal(signal.SIGTERM)
    try:
        assert service.wait(timeout=30) == 0
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()


def running_emergencies(db: Path) -> list[tuple[str, bool]]:
    database = Database(db)
    try:
        with database.read() as session:
            return [(e.kind, e.drill) for e in emergency_views.running(session)]
    finally:
        database.dispose()


@pytest.mark.parametrize("served", [True], ids=["with operators"], indirect=True)
def test_wallboard_and_console_in_a_browser(served) -> None:
    """The whole floor host by browser: the wallboard follows the CLI, the console asks
    for name and PIN (typed as keys), then follows the CLI too and starts the fire
    checklist by keyboard, which the wallboard then shows."""
    db, url = served
    cli(db, "event", "A-01", "ready", "--agent", "1001", "--source", "pbx")
    board = Browser(url + "wallboard/")
    console = None
    try:
        board.wait_for(lambda s: "floorman wallboard" in s and "nobody away" in s)
        cli(db, "event", "A-01", "away", "--reason", "toilet", "--source", "pbx")
        board.wait_for(lambda s: re.search(r"A-01\s+Li Na\s+toilet", s) is not None, 10)

        console = Browser(url)
        console.wait_for(lambda s: "Log in" in s and "Operator name" in s and "PIN" in s)
        assert "boss (director)" not in console.screen()
        console.type("boss\n482913\n")  # Enter moves to the PIN, Enter logs in
        console.wait_for(lambda s: "boss (director)" in s and "Log in" not in s, 30)
        cli(db, "event", "B-01", "ready", "--agent", "1003", "--source", "pbx")
        console.wait_for(lambda s: "Zhang Wei" in s, 10)

        console.type("!")
        modal = console.wait_for(lambda s: "Start an emergency checklist" in s)
        fire = re.search(r"(\d)\s+P\d\s+Fire", modal)
        assert fire is not None, modal
        console.type(fire.group(1))
        console.wait_for(lambda s: "Start an emergency checklist" not in s)
        assert running_emergencies(db) == [("fire", False)]
        board.wait_for(lambda s: "!! " in s and "Fire" in s, 20)  # the wallboard shows it
    finally:
        board.close()
        if console is not None:
            console.close()


def test_an_open_floor_on_loopback_needs_no_login_in_the_browser(served) -> None:
    """A floor without operators, served on loopback: the console opens on the floor."""
    db, url = served
    console = Browser(url)
    try:
        console.wait_for(lambda s: "A-01" in s and "B-01" in s)
        assert "Log in" not in console.screen()
        cli(db, "event", "B-01", "ready", "--agent", "1003", "--source", "pbx")
        console.wait_for(lambda s: "Zhang Wei" in s, 10)
    finally:
        console.close()
