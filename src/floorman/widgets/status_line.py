"""The status line every screen but the floor shows on top: time, operator, emergencies."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import events
from textual.widget import Widget

from floorman.domain.header import HeaderItem
from floorman.widgets.header_fit import Piece, item_pieces, lay_out


class StatusLine(Widget):
    """One line docked on top: clock, operator, then the header items (emergencies first,
    then the alert counts), as many as fit whole (`widgets.header_fit`)."""

    DEFAULT_CSS = """
    StatusLine { dock: top; height: 1; background: $primary-background; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="status-line")
        self.pieces: list[Piece] = [Piece(Text("floorman"))]

    def update_status(
        self, now: datetime, zone: ZoneInfo, operator: str, items: list[HeaderItem]
    ) -> None:
        lead = Text.assemble(
            ("floorman ", "bold"),
            (now.astimezone(zone).strftime("%H:%M:%S"), "bold"),
            "  ",
            (operator, "italic"),
        )
        self.pieces = [Piece(lead), *item_pieces(items)]
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        self.refresh()

    def render(self) -> Text:
        return lay_out(self.pieces, self.size.width or 1 << 16, 1)
