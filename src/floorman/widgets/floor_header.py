"""The header every screen shows: the time, who is on duty, the floor's counts.

Counts per state carry their letters, so the header reads without colour too.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widget import Widget

from floorman.domain.core.states import SeatState
from floorman.domain.seats.views import STATE_LETTERS, SeatView, count_by_zone
from floorman.i18n import t

# Agents first (at the seat, then away), then the seats without one.
HEADER_ORDER = (SeatState.READY, SeatState.BUSY, SeatState.AWAY, SeatState.EMPTY, SeatState.FAULT)


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
        self.extra: list[tuple[str, str]] = []  # (text, style): emergencies, visitors, alerts
        # Counts change with the seats, not with the clock: kept for the list they came from.
        self._counted: list[SeatView] | None = None
        self._counts = count_by_zone([])

    def update_floor(
        self,
        views: list[SeatView],
        now: datetime,
        operator: str,
        extra: list[tuple[str, str]] | None = None,
    ) -> None:
        self.views, self.now, self.operator = views, now, operator
        if extra is not None:
            self.extra = extra
        # A layout pass only when the header's height may change (a second line of items);
        # the clock ticking every second needs a repaint, not a layout of the screen.
        shape = (len(self.extra), len(self.views))
        self.refresh(layout=shape != getattr(self, "_shape", None))
        self._shape = shape

    def render(self) -> Text:
        if self._counted is not self.views:
            self._counts, self._counted = count_by_zone(self.views), self.views
        zones, total = self._counts
        clock = self.now.astimezone(self.zone).strftime("%H:%M:%S") if self.now else "--:--:--"
        line = Text.assemble(
            ("floorman ", "bold"),
            (clock, "bold"),
            "  ",
            (self.operator, "italic"),
            "  ",
        )
        for state in HEADER_ORDER:
            line.append(f"{STATE_LETTERS[state]} {t(state)} {total.states[state]}  ")
        # Occupancy says what it counts: agents at their seats; the away ones are the
        # `A away` count before it (ZoneCounts.staffed).
        line.append(
            t(
                "occupancy at seat {staffed}/{open} {pct:.0%}",
                staffed=total.staffed,
                open=total.open_seats,
                pct=total.occupancy,
            ),
            style="bold",
        )
        for text, style in self.extra:
            line.append("  ")
            line.append(text, style=style)
        line.append("\n")
        for zone in zones:
            line.append(f"{zone.zone} {zone.staffed}/{zone.open_seats} {zone.occupancy:.0%}  ")
        return line
