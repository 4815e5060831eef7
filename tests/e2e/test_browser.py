"""End to end in a real browser: `floorman serve --web` on loopback, Debian's chromium
(headless) opens the wallboard and the console, logs in with name and PIN, sees seat
changes made by `floorman event` from the command line, and starts the fire checklist
by keyboard."""

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


def test_wallboard_and_console_in_a_browser(served) -> None:
    db, url = served
    cli(db, "event", "A-01", "ready", "--agent", "1001")
    board = Browser(url + "wallboard/")
    console = None
    try:
        board.wait_for(lambda s: "floorman wallboard" in s and "nobody away" in s)
        cli(db, "event", "A-01", "away", "--reason", "toilet")
        board.wait_for(lambda s: re.search(r"A-01\s+Li Na\s+toilet", s) is not None, 10)

        console = Browser(url)  # an open floor on loopback: no login
        console.wait_for(lambda s: "A-01" in s and "B-01" in s)
        cli(db, "event", "B-01", "ready", "--agent", "1003")
        console.wait_for(lambda s: "Zhang Wei" in s, 10)

        console.type("!")
        modal = console.wait_for(lambda s: "Start an emergency checklist" in s)
        fire = re.search(r"(\d)\s+P\d\s+Fire", modal)
        assert fire is not None, modal
        console.type(fire.group(1))
        console.wait_for(lambda s: "Start an emergency checklist" not in s)
        database = Database(db)
        with database.read() as session:
            running = emergency_views.running(session)
        database.dispose()
        assert [(e.kind, e.drill) for e in running] == [("fire", False)]
        board.wait_for(lambda s: "!! " in s and "Fire" in s, 20)  # the wallboard shows it
    finally:
        board.close()
        if console is not None:
            console.close()


@pytest.mark.parametrize("served", [True], ids=["with operators"], indirect=True)
def test_a_floor_with_operators_asks_for_name_and_pin_in_the_browser(served) -> None:
    _db, url = served
    console = Browser(url)
    try:
        console.wait_for(lambda s: "Log in" in s and "Operator name" in s and "PIN" in s)
        console.type("boss")
        console.wait_for(lambda s: "boss" in s)
        # The floor behind the login shows no seats until someone has logged in.
        assert "A-01" not in console.screen()
    finally:
        console.close()
