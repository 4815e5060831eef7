"""The seat map: every seat laid out by zone, row and column, with a movable cursor.

Each seat is a two-line cell: its id, a state letter and the time in state on the first
line, the agent's name on the second. Colour is never the only signal: every state has
a letter (R ready, B busy, A away, - empty, X out of order), and an away past its limit
adds "!". The widget renders from plain `SeatView`s; it never touches the database.

It draws line by line (Textual's line API): the timers change every second, and only
the lines on screen are built, so a 1,000-seat floor costs what the visible part costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from floorman.clock import mmss
from floorman.domain.seats import STATE_LETTERS, SeatView, ZoneCounts, count_by_zone
from floorman.i18n import fit, t

CELL = 12  # "A-01 R 03:12" is twelve cells
STATE_STYLES = {
    "ready": "bold green",
    "busy": "bold cyan",
    "away": "bold magenta",
    "empty": "dim",
    "fault": "bold white on red",
}
AWAY_LIMIT_SECONDS = 300


@dataclass(frozen=True)
class Placed:
    """A seat and where the map draws it: a line on the map and a column of cells."""

    view: SeatView
    line: int
    col: int


class SeatMap(ScrollView, can_focus=True):
    """A keyboard-driven map of the floor's seats, grouped by zone."""

    DEFAULT_CSS = """
    SeatMap { height: 1fr; padding: 0 1; }
    SeatMap:focus { background: $boost; }
    """

    BINDINGS = [
        Binding("up,k", "move(-1, 0)", "Up", show=False, id="seatmap.up"),
        Binding("down,j", "move(1, 0)", "Down", show=False, id="seatmap.down"),
        Binding("left,h", "move(0, -1)", "Left", show=False, id="seatmap.left"),
        Binding("right,l", "move(0, 1)", "Right", show=False, id="seatmap.right"),
        Binding("enter", "open", "Seat detail", id="seatmap.open"),
    ]

    now: reactive[datetime] = reactive(lambda: datetime.now(UTC), layout=False)
    cursor: reactive[str | None] = reactive(None)

    class Opened(Message):
        """The duty manager pressed Enter on a seat."""

        def __init__(self, seat: str) -> None:
            self.seat = seat
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.views: list[SeatView] = []
        self.zone_filter: str | None = None
        self.state_filter: str | None = None
        self.away_limits: dict[str, int] = {}
        self._placed: list[Placed] = []
        self._by_line: dict[int, list[Placed]] = {}
        self._titles: dict[int, tuple[SeatView, ZoneCounts]] = {}
        self._height = 1
        self._generation = 0  # bumped whenever the seats or their layout change
        self._name_lines: dict[tuple[object, ...], Strip] = {}

    # ------------------------------------------------------------------ data in
    def set_seats(self, views: list[SeatView]) -> None:
        self.views = views
        self._layout()
        if self.cursor is None or all(p.view.seat != self.cursor for p in self._placed):
            self.cursor = self._placed[0].view.seat if self._placed else None
        self.refresh()

    def set_filters(self, zone: str | None, state: str | None) -> None:
        self.zone_filter, self.state_filter = zone, state
        self.set_seats(self.views)

    def _visible(self) -> list[SeatView]:
        return [v for v in self.views if self.zone_filter in (None, v.zone)]

    def _layout(self) -> None:
        placed: list[Placed] = []
        titles: dict[int, tuple[SeatView, ZoneCounts]] = {}
        visible = self._visible()
        zones, _ = count_by_zone(visible)
        counts = {z.zone: z for z in zones}
        line = 0
        current_zone = None
        zone_top = 0
        for view in visible:
            if view.zone != current_zone:
                if current_zone is not None:
                    line = max(p.line for p in placed) + 3  # cell is two lines, then a gap
                current_zone = view.zone
                titles[line] = (view, counts[view.zone])
                zone_top = line + 1  # one line for the zone title
            placed.append(Placed(view, zone_top + view.row * 2, view.col))
        by_line: dict[int, list[Placed]] = {}
        for item in placed:
            by_line.setdefault(item.line, []).append(item)
        for items in by_line.values():
            items.sort(key=lambda p: p.col)
        self._placed, self._by_line, self._titles = placed, by_line, titles
        self._generation += 1
        self._name_lines.clear()
        self._height = (max(p.line for p in placed) + 2) if placed else 1
        cols = max((p.col for p in placed), default=0) + 1
        self.virtual_size = Size(max(cols * (CELL + 1), 40), self._height)

    # ------------------------------------------------------------------ drawing
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        number = scroll_y + y
        width = self.scrollable_content_region.width
        style = self.rich_style
        # Name lines change only with the seats, the cursor or the filters: keep them.
        key = (number, scroll_x, width, style, self.cursor, self.state_filter, self._generation)
        if number - 1 in self._by_line and key in self._name_lines:
            return self._name_lines[key]
        text = self.line_text(number)
        segments = list(Segment.apply_style(text.render(self.app.console), style))
        strip = Strip(segments).crop(scroll_x, scroll_x + width).extend_cell_length(width, style)
        if number - 1 in self._by_line:
            if len(self._name_lines) > 2000:
                self._name_lines.clear()
            self._name_lines[key] = strip
        return strip

    def line_text(self, number: int) -> Text:
        """One line of the map: a zone title, the top or the bottom line of a seat row."""
        if not self._placed:
            if number == 0:
                return Text(t("No seats yet: import them with `floorman seats import FILE.csv`."))
            return Text()
        if number in self._titles:
            view, zone = self._titles[number]
            return Text.assemble(
                (f"{view.zone}  {view.zone_name}", "bold underline"),
                "  ",
                t(
                    "staffed {staffed}/{open} ({pct:.0%})",
                    staffed=zone.staffed,
                    open=zone.open_seats,
                    pct=zone.occupancy,
                ),
            )
        if number in self._by_line:
            return self._cells(self._by_line[number], top=True)
        if number - 1 in self._by_line:
            return self._cells(self._by_line[number - 1], top=False)
        return Text()

    def full_text(self) -> Text:
        """The whole map as one text (for tests and for printing)."""
        out = Text()
        for number in range(self._height):
            out.append_text(self.line_text(number))
            out.append("\n")
        out.rstrip()
        return out

    def _cells(self, row: list[Placed], *, top: bool) -> Text:
        line = Text()
        for placed in row:
            start = placed.col * (CELL + 1)
            if line.cell_len < start:  # cells, not characters: names may be Chinese
                line.append(" " * (start - line.cell_len))
            view = placed.view
            selected = view.seat == self.cursor
            dimmed = self.state_filter is not None and view.state != self.state_filter
            if top:
                seconds = view.seconds_in_state(self.now)
                letter, style = STATE_LETTERS[view.state], STATE_STYLES[view.state]
                limit = self.away_limits.get(view.seat, AWAY_LIMIT_SECONDS)
                if view.state == "away" and seconds >= limit:
                    letter, style = "!", "bold white on dark_red"
                if dimmed:
                    style = "dim"
                if selected:
                    style += " reverse"
                timer = mmss(seconds) if view.state != "empty" else "     "
                line.append(fit(f"{view.seat} {letter} {timer}", CELL), style=style)
            else:
                name = view.agent_name or ("" if view.state != "fault" else (view.reason or ""))
                style = "dim" if dimmed else ("reverse" if selected else "")
                line.append(fit(name, CELL), style=style)
            line.append(" ")
        return line

    # ------------------------------------------------------------------ keys
    def action_move(self, d_line: int, d_col: int) -> None:
        if not self._placed:
            return
        here = next((p for p in self._placed if p.view.seat == self.cursor), self._placed[0])
        if d_col:
            same_line = self._by_line[here.line]
            index = same_line.index(here) + d_col
            if 0 <= index < len(same_line):
                self.cursor = same_line[index].view.seat
        else:
            lines = sorted(self._by_line)
            index = lines.index(here.line) + d_line
            if 0 <= index < len(lines):
                target = self._by_line[lines[index]]
                best = min(target, key=lambda p: (abs(p.col - here.col), p.col))
                self.cursor = best.view.seat
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        placed = next((p for p in self._placed if p.view.seat == self.cursor), None)
        if placed is not None:
            self.scroll_to_region(
                Region(placed.col * (CELL + 1), max(0, placed.line - 1), CELL + 2, 4),
                animate=False,
            )

    def action_open(self) -> None:
        if self.cursor:
            self.post_message(self.Opened(self.cursor))

    def watch_cursor(self) -> None:
        self.refresh()

    def watch_now(self) -> None:
        self.refresh()

    def selected(self) -> SeatView | None:
        return next((v for v in self.views if v.seat == self.cursor), None)
