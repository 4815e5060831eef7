"""Pilot tests of the login modal and the idle lock (the app's tick is called directly)."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input, Static

from floorman.app import FloormanApp
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import PermissionDenied
from floorman.domain.operators.login import authenticate
from floorman.domain.operators.management import add_operator
from floorman.domain.operators.permissions import require
from floorman.i18n import set_language
from floorman.screens.floor import FloorScreen
from floorman.screens.login import LoginScreen
from tests.helpers import settle

pytestmark = pytest.mark.usefixtures("cheap_hasher")


@pytest.fixture
def closed(small_floor: Floor) -> Floor:
    """Director boss (2468) and duty manager dm1 (1111); nobody logged in."""
    add_operator(small_floor, "boss", "director", "2468")
    small_floor.actor = authenticate(small_floor, "boss", "2468")
    add_operator(small_floor, "dm1", "duty_manager", "1111")
    small_floor.actor = Actor("tester", "test:tty1")
    return small_floor


async def type_login(app, pilot, name: str | None, pin: str) -> None:
    screen = app.screen
    assert isinstance(screen, LoginScreen)
    if name is not None:
        screen.query_one("#login-name", Input).value = ""
        screen.query_one("#login-name", Input).focus()
        await pilot.press(*name)
        await pilot.press("enter")
    await pilot.press(*pin)
    await pilot.press("enter")
    await settle(app, pilot)


def error_text(app) -> str:
    return str(app.screen.query_one("#login-error", Static).render())


async def test_a_closed_floor_asks_for_a_login_first(closed, make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        lock = app.idle_lock
        # The one-second tick may have pushed it already on a slow machine; either way
        # the login is on top and asking again does not push a second one.
        lock.check_idle(clock.now())
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert sum(isinstance(s, LoginScreen) for s in app.screen_stack) == 1
        assert any(isinstance(s, FloorScreen) for s in app.screen_stack)  # still behind
        await type_login(app, pilot, "dm1", "1111")
        assert not isinstance(app.screen, LoginScreen)
        assert closed.actor.name == "dm1" and closed.actor.role == "duty_manager"
        assert app.operator_label() == "dm1 (duty_manager)"
        assert lock.check_idle(clock.now()) is False


async def test_wrong_pins_are_shown_and_lock_the_operator(closed, make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.idle_lock.check_idle(clock.now())
        await pilot.pause()
        await type_login(app, pilot, "dm1", "9999")
        assert "wrong PIN for 'dm1' (4 tries left)" in error_text(app)
        assert app.screen.query_one("#login-pin", Input).value == ""
        for _ in range(4):
            await type_login(app, pilot, None, "9999")
        assert "locked for 15 minutes" in error_text(app)
        await type_login(app, pilot, None, "1111")
        assert "locked after too many wrong PINs" in error_text(app)
        assert isinstance(app.screen, LoginScreen)
        assert closed.actor.role is None


async def test_idle_lock_keeps_the_floor_and_a_pin_unlocks(closed, make_app, clock) -> None:
    closed.actor = authenticate(closed, "dm1", "1111")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        lock = app.idle_lock
        assert lock.check_idle(clock.now()) is False
        clock.advance(minutes=4)
        lock.saw(events.Key("j", "j"), clock.now())  # someone is working
        clock.advance(minutes=4)
        assert lock.check_idle(clock.now()) is False
        clock.advance(minutes=1)
        assert lock.check_idle(clock.now()) is True
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.screen.locked
        assert any(isinstance(s, FloorScreen) for s in app.screen_stack)
        # Locked means read-only in the domain too, not just behind a modal.
        assert closed.actor.name == "dm1" and closed.actor.role is None
        with pytest.raises(PermissionDenied, match="dm1 is not logged in"):
            require(closed, "away.approve")
        # The name is filled in; the PIN alone unlocks.
        assert app.screen.query_one("#login-name", Input).value == "dm1"
        await type_login(app, pilot, None, "1111")
        assert not isinstance(app.screen, LoginScreen)
        assert closed.actor.role == "duty_manager"
        assert lock.check_idle(clock.now()) is False  # the unlock counts as activity


async def test_app_keys_cannot_take_the_lock_away(closed, make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        lock = app.idle_lock
        lock.check_idle(clock.now())
        await pilot.pause()
        login = app.screen
        login.set_focus(None)
        for key in ("q", "escape", "2", "f1", "ctrl+p", "exclamation_mark"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is login, key
        assert app.is_running
        # Whatever got above the lock is taken off at the next tick.
        from floorman.screens.help import HelpScreen

        app.push_screen(HelpScreen(login))
        await pilot.pause()
        lock.check_idle(clock.now())  # the app's own tick may have done it already
        await pilot.pause()
        assert app.screen is login


async def test_another_operator_can_unlock_and_take_over(closed, make_app, clock) -> None:
    closed.actor = authenticate(closed, "dm1", "1111")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        lock = app.idle_lock
        clock.advance(minutes=6)
        assert lock.check_idle(clock.now()) is True
        await pilot.pause()
        # A pasted name with escape sequences is refused like any id (issue 14: operator
        # names follow the id rules); typed plainly, "boss" takes over.
        name_input = app.screen.query_one("#login-name", Input)
        name_input.value = "\x1b[31m\x1b]0;x\x07boss\x9b0m"
        await type_login(app, pilot, None, "2468")
        assert closed.actor.name == "dm1"
        await type_login(app, pilot, "boss", "2468")
        assert closed.actor.name == "boss" and closed.actor.role == "director"
        label = app.operator_label()
        assert label == "boss (director)" and "\x1b" not in label


async def test_an_open_floor_never_locks(small_floor, make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        lock = app.idle_lock
        assert lock.check_idle(clock.now()) is False
        clock.advance(minutes=60)
        assert lock.check_idle(clock.now()) is False
        assert not isinstance(app.screen, LoginScreen)


async def test_login_speaks_chinese(closed, make_app, clock) -> None:
    set_language("zh")
    try:
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            app.idle_lock.check_idle(clock.now())
            await pilot.pause()
            title = str(app.screen.query_one("#login-title", Static).render())
            assert title == "登录"
            assert app.screen.query_one("#login-pin", Input).placeholder == "PIN码"
    finally:
        set_language("en")


HookedApp = FloormanApp  # the idle lock is part of the app itself (its tick and on_event)


async def test_the_app_hook_locks_after_idle_and_keys_keep_it_open(closed, clock) -> None:
    closed.actor = authenticate(closed, "dm1", "1111")
    app = HookedApp(closed, poll=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for _ in range(3):
            clock.advance(minutes=3)
            await pilot.press("l")  # moving round the seat map is activity
            app.tick()
            await pilot.pause()
            assert not isinstance(app.screen, LoginScreen)
        clock.advance(minutes=5)
        app.tick()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await type_login(app, pilot, None, "1111")
        app.tick()
        await pilot.pause()
        assert not isinstance(app.screen, LoginScreen)
        assert closed.actor.role == "duty_manager"
