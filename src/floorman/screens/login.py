"""The login modal, and the lock that brings it back over a floor left alone.

On a floor that has operators (see domain/operators/), nobody may act until they log
in; after `config.operators.idle_lock_minutes` without a key or a click the terminal
locks, and the hand-over key (F12) locks it at once for the next operator. The lock
covers the keys, not the floor: a small box over a see-through backdrop, while the seat
map, the alerts and the header behind it keep updating. The actor loses its role (so
even a way round the modal gets nothing past `require`), and a PIN unlocks it. The same
name and PIN box serves all three; typing another name switches operator, and the
journal records who handed the terminal to whom. Wrong PINs count in the database, so
five of them lock the operator on every terminal.

The app drives the lock: it calls `IdleLock.check_idle(now)` from its one-second tick
and `IdleLock.saw(event, now)` for input events. (`check_idle` is not a method of the
screen: Textual's MessagePump already has a `check_idle()` of its own.)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from floorman.domain.core.context import Actor
from floorman.domain.core.errors import FloorError
from floorman.domain.operators.login import authenticate
from floorman.domain.operators.pins import Pin
from floorman.domain.operators.records import operators_exist
from floorman.domain.operators.roles import role_name
from floorman.i18n import t
from floorman.screens.base import FloormanModal
from floorman.screens.workers import save_worker

if TYPE_CHECKING:
    from floorman.app import FloormanApp

# Keys the app binds (panels, help, back, palette) do nothing while the modal is up:
# none of them may take the lock away.
_SWALLOWED = "1,2,3,4,5,6,exclamation_mark,f1,q,escape,ctrl+p"
ACTIVITY_EVENTS = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)
OPEN_FLOOR_RECHECK = timedelta(seconds=30)


class LoginScreen(FloormanModal):
    """Name and PIN over the floor: the first login, the unlock after an idle lock, or the
    next operator's login after a hand-over. `handed_by` is the operator who had the
    terminal (None at the first login): whoever logs in next took it from them."""

    CSS_PATH = "../styles/login.tcss"
    BINDINGS = [
        Binding(_SWALLOWED, "stay", show=False, id="login.stay"),
        # Enter in the name field moves to the PIN at once, not after a message round
        # trip: a fast typist's (or a browser's) "name, Enter, PIN, Enter" arrives in one
        # burst, and the PIN's digits must land in the PIN field, not after the name.
        Binding("enter", "to_pin", show=False, priority=True, id="login.to_pin"),
    ]

    def __init__(
        self, *, locked: bool = False, name: str = "", handed_by: str | None = None
    ) -> None:
        super().__init__()
        self.locked = locked
        self.operator_name = name
        self.handed_by = handed_by
        self._palette_was = True

    def title_text(self) -> str:
        if self.locked and not self.operator_name:
            return t("Handed over by {name}: next operator, log in", name=self.handed_by or "")
        return t("Locked: enter your PIN") if self.locked else t("Log in")

    def compose(self) -> ComposeResult:
        title = self.title_text()
        with Vertical(id="login"):
            yield Static(title, id="login-title", classes="title")
            yield Static(t("The floor stays visible; a PIN unlocks it."), id="login-hint")
            yield Input(
                self.operator_name,
                placeholder=t("Operator name"),
                max_length=40,
                id="login-name",
            )
            yield Input(
                placeholder=t("PIN"),
                password=True,
                max_length=12,
                restrict=r"[0-9]*",
                id="login-pin",
            )
            yield Static("", id="login-error")

    def on_mount(self) -> None:
        target = "#login-pin" if self.operator_name else "#login-name"
        self.query_one(target, Input).focus()
        # The palette offers the panels, which would pop this modal: off while it is up.
        self._palette_was = self.app.use_command_palette
        self.app.use_command_palette = False

    def on_unmount(self) -> None:
        self.app.use_command_palette = self._palette_was

    def action_stay(self) -> None:
        """Swallow app keys while the login is up."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "to_pin":  # only from the name field; the PIN field's Enter submits
            return self.focused is self.query_one("#login-name", Input)
        return True

    def action_to_pin(self) -> None:
        self.set_focus(self.query_one("#login-pin", Input))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "login-name":
            self.query_one("#login-pin", Input).focus()
            return
        self.submit()

    def submit(self) -> None:
        name = self.query_one("#login-name", Input).value
        pin_input = self.query_one("#login-pin", Input)
        pin = Pin(pin_input.value)
        pin_input.value = ""  # the PIN does not stay in the widget
        if not name.strip():
            self.query_one("#login-name", Input).focus()
            return
        self.query_one("#login-error", Static).update(t("Checking..."))
        self.attempt(name, pin)

    @save_worker("login")
    def attempt(self, name: str, pin: Pin) -> None:
        actor = authenticate(self.floor, name, pin, handed_by=self.handed_by)
        self.app.call_from_thread(self.accepted, actor)

    def show_refusal(self, error: FloorError) -> None:
        self.refused(str(error))

    def show_storage_refusal(self, text: str) -> None:
        self.refused(text)

    def refused(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)
        self.query_one("#login-pin", Input).focus()

    def accepted(self, actor: Actor) -> None:
        self.fm.floor.actor = actor
        self.notify(
            t("Logged in as {name} ({role})", name=actor.name, role=t(role_name(actor.role))),
            timeout=3,
        )
        self.dismiss(actor)


class IdleLock:
    """Decides when the login modal must be up: nobody logged in, or idle too long.

    Plain object (no Textual base class); the app owns one and feeds it the clock.
    A floor with no operators is open: there is nobody to log in as, so it never locks.
    """

    def __init__(self, app: FloormanApp | Any) -> None:
        self.app = app
        self.last_activity: datetime | None = app.floor.clock.now()
        self._closed = False
        self._checked_open_at: datetime | None = None

    def saw(self, event: events.Event, now: datetime) -> None:
        """Count a key press, click or scroll as activity."""
        if isinstance(event, ACTIVITY_EVENTS):
            self.last_activity = now

    def touch(self, now: datetime) -> None:
        self.last_activity = now

    def _floor_is_closed(self, now: datetime) -> bool:
        """Operators exist; once true it stays true (operators are never deleted)."""
        if self._closed:
            return True
        if self._checked_open_at is None or now - self._checked_open_at >= OPEN_FLOOR_RECHECK:
            self._checked_open_at = now
            with self.app.floor.db.read() as session:
                self._closed = operators_exist(session)
        return self._closed

    def is_locked(self) -> bool:
        """Is the login box up (first login, idle lock or hand-over)?"""
        return self._login_screen() is not None

    def lock_now(self, now: datetime) -> bool:
        """The hand-over key: lock at once, the name field empty for the next operator.
        False on an open floor (nobody to log in as) or when already locked."""
        if self.is_locked() or not self._floor_is_closed(now):
            return False
        floor = self.app.floor
        handed_by = floor.actor.name if floor.actor.role is not None else None
        floor.actor = replace(floor.actor, role=None)
        self.app.push_screen(
            LoginScreen(locked=True, handed_by=handed_by), callback=self._logged_in
        )
        return True

    def _login_screen(self) -> LoginScreen | None:
        return next((s for s in self.app.screen_stack if isinstance(s, LoginScreen)), None)

    def check_idle(self, now: datetime) -> bool:
        """Show the login when needed; True when it was pushed (or brought back on top)."""
        if self.last_activity is None:
            self.last_activity = now
        showing = self._login_screen()
        if showing is not None:
            if self.app.screen is showing:
                return False
            while self.app.screen is not showing:  # nothing sits above the lock
                self.app.pop_screen()
            return True
        if not self._floor_is_closed(now):
            return False
        floor = self.app.floor
        if floor.actor.role is None:
            self.app.push_screen(LoginScreen(locked=False), callback=self._logged_in)
            return True
        minutes = floor.config.operators.idle_lock_minutes
        if minutes and now - self.last_activity >= timedelta(minutes=minutes):
            name = floor.actor.name
            floor.actor = replace(floor.actor, role=None)
            locked = LoginScreen(locked=True, name=name, handed_by=name)
            self.app.push_screen(locked, callback=self._logged_in)
            return True
        return False

    def _logged_in(self, _actor: Actor | None) -> None:
        self.last_activity = self.app.floor.clock.now()
