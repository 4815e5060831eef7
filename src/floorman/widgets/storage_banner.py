"""The storage banner: the disk or the database refused, the floor is still running.

Shown on every full screen, just above the alert bar, while a storage problem stands
(disk full, read-only, locked, I/O error); hidden otherwise. It says what was refused and
that floorman keeps retrying, so a 3 a.m. disk-full is read at a glance and not mistaken
for a frozen floor.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from floorman.i18n import t


class StorageBanner(Widget):
    """One line, white on red, naming each storage problem that stands."""

    DEFAULT_CSS = """
    StorageBanner { height: auto; display: none; padding: 0 1; background: $error; }
    StorageBanner.-active { display: block; }
    """

    def __init__(self) -> None:
        super().__init__(id="storage-banner")
        self.problems: tuple[str, ...] = ()

    def show_problems(self, problems: tuple[str, ...]) -> None:
        """Show these problems (an empty tuple hides the banner); repaint only on change."""
        if problems == self.problems:
            return
        self.problems = problems
        self.set_class(bool(problems), "-active")
        self.refresh(layout=True)

    @property
    def text(self) -> str:
        return self.render().plain

    def render(self) -> Text:
        if not self.problems:
            return Text("")
        text = Text()
        text.append(" " + t("STORAGE PROBLEM") + " ", style="bold white on dark_red")
        text.append(" " + " · ".join(self.problems), style="bold white")
        text.append("  " + t("The floor keeps running and retries."), style="white")
        return text
