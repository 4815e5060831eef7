"""The app's global keys, and the second key of each that a text field never swallows.

`!`, the panel digits, `ctrl+k` and `q` are typed into a field when one has the focus
(issue 15: `!` on Staffing typed `Calls 7!`). So every global action also has a function
key or an alt+digit, held ahead of the widgets (priority): F1 help, F2 emergency, F3
acknowledge, F4 the command palette, alt+1..alt+7 the panels. Esc in a panel's field
leaves it, and Home, End, j and k move every table (screens.base). None of them acts
past the login or the idle lock.
"""

from __future__ import annotations

from typing import Any

from textual.actions import SkipAction
from textual.app import App
from textual.binding import Binding

from floorman.i18n import t
from floorman.screens.base import TABLE_BINDINGS, leave_field, table_key
from floorman.screens.emergency_start import StartEmergencyModal
from floorman.screens.help import HelpScreen
from floorman.screens.login import LoginScreen

# A field types these; the footer shows each with its other key.
EMERGENCY_KEYS = ("exclamation_mark", "f2")
ACKNOWLEDGE_KEYS = ("ctrl+k", "f3")


def global_bindings(panels: dict[str, tuple[str, str]]) -> list[Binding]:
    """The app's bindings; `panels` is key -> (binding id, English title). The emergency,
    acknowledge and help keys come first: a narrow footer shows them before the panels."""
    return [
        Binding(
            "exclamation_mark", "emergency", t("Emergency"), key_display="! F2", id="app.emergency"
        ),
        Binding(
            "f2",
            "global_key('emergency')",
            t("Emergency"),
            show=False,
            priority=True,
            id="app.emergency.f2",
        ),
        Binding("ctrl+k", "acknowledge", t("Ack alert"), key_display="^k F3", id="app.acknowledge"),
        Binding(
            "f3",
            "global_key('acknowledge')",
            t("Ack alert"),
            show=False,
            priority=True,
            id="app.acknowledge.f3",
        ),
        Binding("f1", "global_key('help')", t("Help"), priority=True, id="app.help"),
        Binding(
            "f4",
            "global_key('command_palette')",
            t("Command palette"),
            show=False,
            priority=True,
            id="app.palette.f4",
        ),
        *[
            Binding(key, f"panel('{key}')", t(title), id=f"panel.{module}")
            for key, (module, title) in panels.items()
        ],
        *[
            Binding(
                f"alt+{key}",
                f"global_key('panel', '{key}')",
                t(title),
                show=False,
                priority=True,
                id=f"panel.{module}.alt",
            )
            for key, (module, title) in panels.items()
        ],
        Binding("q", "back", t("Back / quit"), id="app.back"),
        # Listed in help (F1) and the palette, not the footer: the footer keeps its room.
        Binding("f12", "lock", t("Lock / hand over"), show=False, priority=True, id="app.lock"),
        Binding(
            "escape", "leave_field", t("Leave the field"), show=False, priority=True, id="app.leave"
        ),
        *TABLE_BINDINGS,
    ]


class GlobalKeys:
    """The actions of the keys that work from anywhere; mixed into the app."""

    def locked(self) -> bool:
        """The login (first login or idle lock) is up: no key may take it away."""
        app: Any = self
        return isinstance(app.screen, LoginScreen)

    async def action_global_key(self, action: str, *args: str) -> None:
        """A global key held ahead of the widgets: it acts from inside a text field too,
        never past the lock."""
        app: Any = self
        if self.locked():
            return
        if action == "panel":
            app.action_panel(*args)
        elif action == "emergency":
            if not isinstance(app.screen, StartEmergencyModal):
                app.action_emergency()
        elif action == "acknowledge":
            app.action_acknowledge()
        elif action == "help":
            if isinstance(app.screen, HelpScreen):  # F1 closes the help it opened
                app.screen.dismiss()
            else:
                app.action_help()
        elif action == "command_palette" and isinstance(app, App) and app.use_command_palette:
            app.action_command_palette()

    def action_leave_field(self) -> None:
        """Esc in a panel's text field leaves it; elsewhere Esc does what the screen or the
        modal gives it (the key passes on)."""
        app: Any = self
        leave_field(app.screen)

    def action_table_key(self, where: str) -> None:
        """Home, End, j and k in every table."""
        app: Any = self
        if self.locked():
            raise SkipAction()
        table_key(app.screen.focused, where)
