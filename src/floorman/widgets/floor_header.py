"""The header every screen shows: the time, who is on duty, the floor's counts.

Counts per state carry their letters, so the header reads without colour too. On a
narrow terminal the pieces wrap whole, most pressing first (emergencies, the alert
counts, aways over their limit, then the seat counts), and what finds no line is left
out (`widgets.header_fit`): at 80x24 the alert counts stay, the zones go.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import events
from textual.widget import Widget

from floorman.domain.core.states import SeatState
from floorman.domain.header import HeaderItem
from floorman.domain.seats.views import STATE_LETTERS, SeatView, count_by_zone
from floorman.i18n import t
from floorman.widgets.header_fit import Piece, item_pieces, lay_out

# Agents first (at the seat, then away), then the seats without one.
HEADER_ORDER = (SeatState.READY, SeatState.BUSY, SeatState.AWAY, SeatState.EMPTY, SeatState.FAULT)
HEADER_LINES = 3  # the most the header takes of a 24-line terminal


class FloorHeader(Widget):
    """One or two lines: clock, operator, per-state counts, occupancy per zone and overall
    (agents at their seats over open seats; the away ones counted apart)."""

    DEFAULT_CSS = """
    FloorHeader { height: auto; max-height: 3; background: $primary-background; padding: 0 1; }
    """

    def __init__(self, zone: ZoneInfo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.zone = zone
        self.views: list[SeatView] = []
        self.now: datetime | None = None
        self.operator = ""
        self.extra: list[HeaderItem] = []  # emergencies, alerts, aways over, staffing, visitors
        # Counts change with the seats, not with the clock: kept for the list they came from.
        self._counted: list[SeatView] | None = None
        self._counts = count_by_zone([])

    def update_floor(
        self,
        views: list[SeatView],
        now: datetime,
        operator: str,
        extra: list[HeaderItem] | None = None,
    ) -> None:
        self.views, self.now, self.operator = views, now, operator
        if extra is not None:
            self.extra = extra
        # A layout pass only when the header's height may change (a line more or less);
        # the clock ticking every second needs a repaint, not a layout of the screen.
        shape = self.render().plain.count("\n")
        self.refresh(layout=shape != getattr(self, "_shape", None))
        self._shape = shape

    def on_resize(self, _event: events.Resize) -> None:
        self.refresh(layout=True)

    def render(self) -> Text:
        return lay_out(self.pieces(), self.size.width or 1 << 16, HEADER_LINES)

    def pieces(self) -> list[Piece]:
        if self._counted is not self.views:
            self._counts, self._counted = count_by_zone(self.views), self.views
        zones, total = self._counts
        clock = self.now.astimezone(self.zone).strftime("%H:%M:%S") if self.now else "--:--:--"
        lead = Text.assemble(
            ("floorman ", "bold"), (clock, "bold"), "  ", (self.operator, "italic")
        )
        pieces = [Piece(lead), *item_pieces(self.extra)]
        pieces += [
            Piece(Text(f"{STATE_LETTERS[state]} {t(state)} {total.states[state]}"))
            for state in HEADER_ORDER
        ]
        # Occupancy says what it counts: agents at their seats; the away ones are the
        # `A away` count before it (ZoneCounts.staffed).
        occupancy = t(
            "occupancy at seat {staffed}/{open} {pct:.0%}",
            staffed=total.staffed,
            open=total.open_seats,
            pct=total.occupancy,
        )
        pieces.append(Piece(Text(occupancy, style="bold")))
        pieces += [
            Piece(
                Text(f"{zone.zone} {zone.staffed}/{zone.open_seats} {zone.occupancy:.0%}"),
                new_line=index == 0,
            )
            for index, zone in enumerate(zones)
        ]
        return pieces
