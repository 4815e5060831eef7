"""Pilot tests of the lock as the floor sees it (issue 16, point 3): the login box covers
the keys, not the floor. Behind it the seat map, header and alerts keep updating; no key
reaches the floor; F12 locks at once for the next operator, and the journal records who
handed the terminal to whom."""

from __future__ import annotations

import html
import json

import pytest
from textual.widgets import Input, Static

from floorman.data.tables.floor import JournalEntry
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import PermissionDenied
from floorman.domain.operators.login import authenticate
from floorman.domain.operators.management import add_operator
from floorman.screens.away import AwayScreen
from floorman.screens.floor import FloorScreen
from floorman.screens.login import LoginScreen
from tests.helpers import floorman, settle

pytestmark = pytest.mark.usefixtures("cheap_hasher")


@pytest.fixture
def dm1_on_duty(small_floor: Floor) -> Floor:
    """Director boss (2468) and duty manager dm1 (1111); dm1 is logged in."""
    add_operator(small_floor, "boss", "director", "2468")
    small_floor.actor = authenticate(small_floor, "boss", "2468")
    add_operator(small_floor, "dm1", "duty_manager", "1111")
    small_floor.actor = Actor("tester", "test:tty1")
    small_floor.actor = authenticate(small_floor, "dm1", "1111")
    return small_floor


def shown(app) -> str:
    """The terminal's picture as text (what a person in front of it reads)."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def handovers(floor: Floor) -> list[tuple[str, str, dict, dict]]:
    from sqlmodel import col, select

    with floor.db.read() as session:
        rows = session.exec(
            select(JournalEntry)
            .where(col(JournalEntry.action) == "operators.handover")
            .order_by(col(JournalEntry.seq))
        ).all()
        return [(r.actor, r.subject, json.loads(r.before), json.loads(r.after)) for r in rows]


async def test_the_floor_behind_the_lock_stays_live(dm1_on_duty, make_app, clock) -> None:
    floor = dm1_on_duty
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        clock.advance(minutes=floor.config.operators.idle_lock_minutes + 1)
        app.tick()
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        picture = shown(app)
        assert "Locked: enter your PIN" in picture
        assert "A-01" in picture and "B-03" in picture  # the seat map shows through
        assert "Zhang Wei" not in picture
        app.check_database()  # the watcher's first look (tests call it themselves)
        # A seat change from the command line while locked reaches the floor behind.
        done = floorman(
            "event", "B-01", "ready", "--agent", "1003", "--source", "pbx", db=floor.db.path
        )
        assert done.returncode == 0, done.stderr
        assert app.check_database()
        await settle(app, pilot)
        app.tick()
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        picture = shown(app)
        assert "Zhang Wei" in picture
        assert "ready 1" in picture  # the header counts it too


async def test_keys_do_not_reach_the_floor_while_locked(dm1_on_duty, make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f12")
        await pilot.pause()
        login = app.screen
        assert isinstance(login, LoginScreen)
        seat_map = next(s for s in app.screen_stack if isinstance(s, FloorScreen)).query_one(
            "SeatMap"
        )
        cursor = seat_map.cursor
        login.set_focus(None)  # even with no field focused (a click on the backdrop)
        for key in ("2", "7", "exclamation_mark", "ctrl+k", "f1", "f12", "q", "escape", "l", "j"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is login, key
        assert [type(s) for s in app.screen_stack if isinstance(s, (FloorScreen, AwayScreen))] == [
            FloorScreen
        ]
        assert app.is_running
        assert cursor is not None and seat_map.cursor == cursor  # the map did not move


async def test_f12_hands_the_terminal_to_another_operator(dm1_on_duty, make_app, clock) -> None:
    floor = dm1_on_duty
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.operator_label() == "dm1 (duty_manager)"
        await pilot.press("f12")  # at once, no idle wait
        await pilot.pause()
        login = app.screen
        assert isinstance(login, LoginScreen)
        assert floor.actor.name == "dm1" and floor.actor.role is None  # dm1 can do nothing
        title = str(login.query_one("#login-title", Static).render())
        assert title == "Handed over by dm1: next operator, log in"
        name = login.query_one("#login-name", Input)
        assert name.value == "" and name.has_focus
        # The next operator types name, Enter, PIN, Enter in one burst (as a browser
        # sends a fast typist's keys): the PIN lands in the PIN field.
        await pilot.press(*"boss", "enter", *"2468", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, LoginScreen)
        assert floor.actor.name == "boss" and floor.actor.role == "director"
        assert app.operator_label() == "boss (director)"
    terminal = floor.actor.terminal
    assert handovers(floor) == [
        ("boss", f"terminal:{terminal}", {"operator": "dm1"}, {"operator": "boss"})
    ]


async def test_an_unlock_by_the_same_operator_is_no_handover(dm1_on_duty, make_app, clock) -> None:
    floor = dm1_on_duty
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press(*"dm1", "enter", *"1111", "enter")
        await settle(app, pilot)
        assert floor.actor.role == "duty_manager"
        # An idle lock unlocked by someone else is a hand-over too.
        clock.advance(minutes=floor.config.operators.idle_lock_minutes + 1)
        app.tick()
        await pilot.pause()
        login = app.screen
        assert isinstance(login, LoginScreen)
        login.query_one("#login-name", Input).value = "boss"
        await pilot.press(*"2468", "enter")
        await settle(app, pilot)
        assert floor.actor.name == "boss"
    assert [(b, a) for _actor, _subject, b, a in handovers(floor)] == [
        ({"operator": "dm1"}, {"operator": "boss"})
    ]


async def test_an_open_floor_has_nothing_to_lock(small_floor, make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f12")
        await pilot.pause()
        assert not isinstance(app.screen, LoginScreen)
        assert app.idle_lock.lock_now(clock.now()) is False


def test_a_refused_login_records_no_handover(dm1_on_duty) -> None:
    floor = dm1_on_duty
    with pytest.raises(PermissionDenied, match="wrong PIN"):
        authenticate(floor, "boss", "0000", handed_by="dm1")
    assert handovers(floor) == []
    authenticate(floor, "boss", "2468", handed_by="dm1")
    assert [(b, a) for _actor, _subject, b, a in handovers(floor)] == [
        ({"operator": "dm1"}, {"operator": "boss"})
    ]
