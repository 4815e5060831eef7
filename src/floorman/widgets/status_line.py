"""The status line every screen but the floor shows on top: time, operator, emergencies."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widget import Widget


class StatusLine(Widget):
    """One line docked on top: clock, operator, then the header items (emergencies first)."""

    DEFAULT_CSS = """
    StatusLine { dock: top; height: 1; background: $primary-background; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="status-line")
        self.text = Text("floorman")

    def update_status(
        self, now: datetime, zone: ZoneInfo, operator: str, items: list[tuple[str, str]]
    ) -> None:
        text = Text.assemble(
            ("floorman ", "bold"),
            (now.astimezone(zone).strftime("%H:%M:%S"), "bold"),
            "  ",
            (operator, "italic"),
        )
        for item, style in items:
            text.append("  ")
            text.append(item, style=style)
        self.text = text
        self.refresh()

    def render(self) -> Text:
        return self.text
