"""The wallboard: read-only, refreshed by a database change (a CLI seat event), showing
occupancy, who is away and over the limit, requests, alerts, emergencies and visitors."""

from __future__ import annotations

import os

from textual.widgets import Digits, Static

from floorman.domain import alerts
from floorman.domain.away.actions import request
from floorman.domain.emergency import lifecycle as emergency_lifecycle
from floorman.domain.seats.events import record_event
from floorman.domain.visitors import decisions as visitors_decisions
from floorman.domain.visitors import presence as visitors_presence
from floorman.domain.visitors import registration as visitors_registration
from floorman.domain.wallboard import read_wallboard
from floorman.wallboard_app import WallboardApp
from tests.helpers import workers_done


def text_of(app: WallboardApp, selector: str) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(app.screen.query_one(selector, Static).content)
    return console.export_text()


def digits(app: WallboardApp, card: str) -> str:
    return app.screen.query_one(f"#{card} Digits", Digits).value


async def test_a_cli_seat_change_shows_on_the_next_look(small_floor, clock) -> None:
    app = WallboardApp(small_floor, poll=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await workers_done(app)
        await pilot.pause()
        assert digits(app, "zone-total") == "0"
        loads = app.loads
        record_event(small_floor, "A-01", "ready", agent_no="1001")  # as `floorman event` does
        assert app.check_database() is True
        await workers_done(app)
        await pilot.pause()
        assert app.loads == loads + 1
        assert (digits(app, "zone-0"), digits(app, "zone-total")) == ("1", "1")
        assert app.check_database() is False  # nothing new: no reload
        await pilot.press("q", "1", "enter", "exclamation_mark")  # keys do nothing
        await pilot.pause()
        assert app.screen is app.board_screen


async def test_the_board_shows_away_over_limit_alerts_emergency_and_visitors(
    small_floor, clock
) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "A-01", "away", reason="toilet")
    record_event(small_floor, "B-01", "ready", agent_no="1003")
    request(small_floor, "1003", "water")
    view = visitors_registration.register(
        small_floor,
        visitors_registration.Registration(
            name="Zhao Lei",
            organisation="City IT",
            category="internal",
            purpose="switch",
            host="Li Na",
            phone="13812345678",
        ),
    )
    visitors_decisions.approve(small_floor, view.id)
    visitors_presence.check_in(small_floor, view.id)
    fire = emergency_lifecycle.start(small_floor, "fire", drill=True)
    emergency_lifecycle.set_wording(
        small_floor, fire.id, "A drill: walk to exit B, do not talk to callers"
    )
    clock.advance(330)  # A-01 away 5:30: over the five-minute limit
    alerts.fire_due(small_floor)
    board = read_wallboard(small_floor)
    assert [a.seat for a in board.over_limit] == ["A-01"]
    assert board.away_requests == 1 and board.alerts["breach"] == 1
    app = WallboardApp(small_floor, poll=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await workers_done(app)
        await pilot.pause()
        away = text_of(app, "#wb-away")
        assert "A-01" in away and "05:30" in away and "‼" in away and "unapproved" in away
        assert "1 over the limit" in away
        assert "away requests 1" in text_of(app, "#wb-requests")
        alerts_text = text_of(app, "#wb-alerts")
        assert "▲ breach 1" in alerts_text
        banner = text_of(app, "#wb-emergency")
        assert "DRILL" in banner and "walk to exit B" in banner
        on_floor = text_of(app, "#wb-visitors")
        assert "City IT" in on_floor and "Li Na" in on_floor
        assert "Zhao" not in on_floor and "1381" not in on_floor  # no personal data on a TV
        clock.advance(30)
        app.tick()  # the away clock moves without a database read
        await pilot.pause()
        assert "06:00" in text_of(app, "#wb-away")
