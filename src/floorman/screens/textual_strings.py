"""Textual's own words, in the floor's language: the palette key in the footer, the command
palette's prompt and Textual's system commands (Theme, Quit, Keys, Screenshot ...).

Textual writes them in English as defaults: the footer's `^p palette` is the description
of the binding App adds unless the app binds `command_palette` itself, the prompt
`Search for commands…` is CommandPalette's `placeholder`, and the system commands come
from `App.get_system_commands`. The app passes each through here, so a Chinese floor reads
`^p 命令面板` and `搜索命令…`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen

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


def command_palette() -> CommandPalette:
    """The command palette with its prompt in the floor's language."""
    return CommandPalette(placeholder=t("Search for commands…"), id="--command-palette")


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
