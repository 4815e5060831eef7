"""Textual's own words, in the floor's language: the palette key in the footer, the command
palette's prompt and Textual's system commands (Theme, Quit, Keys, Screenshot ...).

Textual writes them in English as defaults: the footer's `^p palette` is the description
of the binding App adds unless the app binds `command_palette` itself, the prompt
`Search for commands…` is CommandPalette's `placeholder`, `No matches found` is written
by its countdown (`FloorCommandPalette`), and the system commands come
from `App.get_system_commands`. The app passes each through here, so a Chinese floor reads
`^p 命令面板` and `搜索命令…`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from rich.align import Align
from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets.option_list import Option

from floorman.i18n import t

PALETTE_KEY = "ctrl+p"


def palette_binding() -> Binding:
    """The command palette's key with a translated description (Textual then adds none)."""
    return Binding(
        PALETTE_KEY,
        "command_palette",
        t("palette"),
        show=False,
        priority=True,
        tooltip=t("Open the command palette"),
        id="app.palette",
    )


class FloorCommandPalette(CommandPalette):
    """Textual's command palette, saying `No matches found` in the floor's language.

    Textual writes that line inside `_start_no_matches_countdown` with no way to pass it
    in; this is the same countdown with the line translated.
    """

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:  # an empty search is discovery: nothing to say
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(t("No matches found"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


def command_palette() -> CommandPalette:
    """The command palette with its prompt and its `No matches found` in the floor's
    language."""
    return FloorCommandPalette(placeholder=t("Search for commands…"), id="--command-palette")


def system_commands(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's system commands with their titles and help translated."""
    for command in commands:
        yield SystemCommand(t(command.title), t(command.help), command.callback, command.discover)


class FloorLanguageApp(App[None]):
    """An app of floorman's (the floor, HQ's region): Textual's own words as above."""

    BINDINGS: ClassVar[list[BindingType]] = [palette_binding()]

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        return system_commands(super().get_system_commands(screen))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(command_palette())
