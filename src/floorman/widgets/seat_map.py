"""The seat map: every seat laid out by zone, row and column, with a movable cursor.

Each seat is a two-line cell: its id, a state letter and the time in state on the first
line, the agent's name on the second. Colour is never the only signal: every state has
a letter (R ready, B busy, A away, - empty, X out of order), and an away shows its band
against its own limit (the slip's: `away.rules.away_limits`, through the `SeatAway`s it
is given): A within, then the band's symbol (`away.rules.BAND_SYMBOLS`: ! warning,
‼ breach, ✖ severe), each in its colour; a breach is drawn louder than an out-of-order
seat. Times over an hour read `1:05:12`: the cells widen for the longest timer, never
cut it. The widget renders from plain `SeatView`s and `SeatAway`s; it never touches the
database.

It draws line by line (Textual's line API): only the lines on screen are built, so a
1,000-seat floor costs what the visible part costs. Each line is first described as a
plain tuple of (column, text, style) cells, which is cheap; when the clock ticks, the
seats reload or the cursor moves, those tuples are compared with what each screen row
last drew and only the rows that differ are repainted (design.md: update what changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from floorman.clock import mmss
from floorman.domain.away.rules import BAND_SYMBOLS
from floorman.domain.away.views import SeatAway
from floorman.domain.core.states import AwayBand, SeatState
from floorman.domain.seats.views import STATE_LETTERS, SeatView, ZoneCounts, count_by_zone
from floorman.i18n import fit, t

CELL = 12  # "A-01 R 03:12" is twelve cells; longer seat codes and timers widen every cell
TIMER = 5  # "03:12"; "1:05:12" past an hour (clock.mmss) widens the cells
NAME_CELLS = 20  # a longer name or fault text widens every cell up to this
FILL_CELLS = 30  # a wide terminal widens every cell up to this
STATE_STYLES: dict[str, str] = {
    SeatState.READY: "bold green",
    SeatState.BUSY: "bold cyan",
    SeatState.AWAY: "bold magenta",
    SeatState.EMPTY: "dim",
    # Out of order is a fact to see, not an alarm: quieter than any away past its limit.
    SeatState.FAULT: "bold red on grey23",
}
# An away's mark and colour by its band (the away board's colours, louder on the map).
BAND_LETTERS: dict[str, str] = {
    AwayBand.OK: STATE_LETTERS[SeatState.AWAY],
    AwayBand.WARNING: BAND_SYMBOLS[AwayBand.WARNING],
    AwayBand.BREACH: BAND_SYMBOLS[AwayBand.BREACH],
    AwayBand.SEVERE: BAND_SYMBOLS[AwayBand.SEVERE],
}
BAND_STYLES: dict[str, str] = {
    AwayBand.OK: STATE_STYLES[SeatState.AWAY],
    AwayBand.WARNING: "bold black on yellow",
    AwayBand.BREACH: "bold white on red",
    AwayBand.SEVERE: "bold yellow on red underline",
}


# What one line of the map shows, as plain data: ("seats" | "names", ((start, text, style),
# ...)) for a row of seats, ("title", ...) for a zone title, () for a blank line. Equal
# tuples draw equal lines, so comparing them tells which rows need repainting.
LineSpec = tuple[object, ...]


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

    # Translated at import: `floorman ui` sets the language before the app imports the
    # floor screen (and with it this widget), so the footer reads in the chosen language.
    BINDINGS = [
        Binding("up,k", "move(-1, 0)", t("Up"), show=False, id="seatmap.up"),
        Binding("down,j", "move(1, 0)", t("Down"), show=False, id="seatmap.down"),
        Binding("left,h", "move(0, -1)", t("Left"), show=False, id="seatmap.left"),
        Binding("right,l", "move(0, 1)", t("Right"), show=False, id="seatmap.right"),
        Binding("enter", "open", t("Seat detail"), id="seatmap.open"),
    ]

    # No repaint of the whole map when these change: their watchers repaint changed rows.
    now: reactive[datetime] = reactive(lambda: datetime.now(UTC), repaint=False)
    cursor: reactive[str | None] = reactive(None, repaint=False)

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
        # The aways in progress by seat code, each with its own limits.
        self.aways: dict[str, SeatAway] = {}
        self._placed: list[Placed] = []
        self._by_line: dict[int, list[Placed]] = {}
        self._titles: dict[int, tuple[SeatView, ZoneCounts]] = {}
        self._height = 1
        self._cell = CELL
        self._timer = TIMER
        self._laid_out = False
        # Screen row -> (line spec, scroll_x, width) it last drew: what is on the terminal.
        self._drawn: dict[int, tuple[object, ...]] = {}
        # Strips of the lines that rarely change (names, zone titles), by spec and geometry.
        self._steady_strips: dict[tuple[object, ...], Strip] = {}
        # Line specs, by map line: timer lines until the clock moves, the others until the
        # seats, the cursor or the filters change (a tick then rebuilds only timer lines).
        self._timer_specs: dict[int, LineSpec] = {}
        self._steady_specs: dict[int, LineSpec] = {}
        self._geometry: tuple[Size, Size, Size] | None = None
        self._laid_width = 0

    # ------------------------------------------------------------------ data in
    def set_seats(self, views: list[SeatView], aways: dict[str, SeatAway] | None = None) -> None:
        """Show these seats, and time their aways by `aways` (`away.views.seat_aways`).
        Unchanged seats (a reload after another table changed) cost one comparison;
        changed ones repaint only the rows they are on."""
        aways = {} if aways is None else aways
        if self._laid_out and views == self.views and aways == self.aways:
            return
        self.views, self.aways = views, aways
        self._relayout()

    def over_limit(self, view: SeatView) -> bool:
        """Whether this seat's away is past its own limit at the map's `now`."""
        away = self.aways.get(view.seat)
        return view.state == SeatState.AWAY and away is not None and away.over_limit_at(self.now)

    def band(self, view: SeatView) -> AwayBand | None:
        """This seat's away band at the map's `now` (None: not away)."""
        away = self.aways.get(view.seat)
        if view.state != SeatState.AWAY:
            return None
        return away.band_at(self.now) if away is not None else AwayBand.OK

    def _widest_timer(self) -> int:
        """Cells of the longest timer on the map now (`1:05:12` past an hour)."""
        now = self.now
        longest = max(
            (v.seconds_in_state(now) for v in self.views if v.state != SeatState.EMPTY),
            default=0,
        )
        return max(TIMER, len(mmss(longest)))

    def set_filters(self, zone: str | None, state: str | None) -> None:
        self.zone_filter, self.state_filter = zone, state
        self._relayout()

    def _relayout(self) -> None:
        self._layout()
        self._laid_out = True
        if self.cursor is None or all(p.view.seat != self.cursor for p in self._placed):
            # The cursor's watcher repaints what changed.
            self.cursor = self._placed[0].view.seat if self._placed else None
        self.refresh_changed_lines()

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
        self._forget_specs()
        # Seat id, letter and timer must fit whole: "A-001 R 03:12" needs 13 cells; so
        # must the name or fault under it (up to NAME_CELLS); a wide terminal gives every
        # seat the width its zone's columns leave (220 columns: 26 cells a seat).
        longest = max((cell_len(p.view.seat) for p in placed), default=4)
        self._timer = self._widest_timer()
        label = max((cell_len(_label(p.view)) for p in placed), default=0)
        cols = max((p.col for p in placed), default=0) + 1
        fill = (self.size.width - 2) // cols - 1
        self._cell = max(
            CELL, longest + 3 + self._timer, min(label, NAME_CELLS), min(fill, FILL_CELLS)
        )
        self._laid_width = self.size.width
        self._height = (max(p.line for p in placed) + 2) if placed else 1
        self.virtual_size = Size(max(cols * (self._cell + 1), 40), self._height)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Textual calls this for every widget on every layout of the screen (a toast
        # coming or going), passing a virtual size that for a line-API ScrollView never
        # equals ours, so each call re-rendered both scrollbars in full. Only a change
        # of our size, our content size or our container needs that.
        geometry = (size, self.virtual_size, container_size)
        if geometry == self._geometry:
            return False
        self._geometry = geometry
        if self._placed and size.width != self._laid_width:
            self._layout()  # the cells take the new width
        return super()._size_updated(size, virtual_size, container_size, layout)

    # ------------------------------------------------------------------ drawing
    def refresh_changed_lines(self) -> None:
        """Repaint only the screen rows whose text or colours differ from what they drew.

        Called on every tick, reload, cursor move and filter change; a row that shows the
        same thing (a name line, an empty seat, a title) is left as it is on the terminal.
        """
        if not self._drawn:  # nothing drawn yet: the first paint draws everything
            self.refresh()
            return
        scroll_x, scroll_y = self.scroll_offset
        region = self.scrollable_content_region
        width = region.width
        refresh_width = max(self.virtual_size.width, self.size.width)
        run_start: int | None = None
        for y in range(region.height + 1):
            changed = y < region.height and self._drawn.get(y) != (
                self.line_spec(scroll_y + y),
                scroll_x,
                width,
            )
            if changed and run_start is None:
                run_start = y
            elif not changed and run_start is not None:
                self.refresh(Region(0, run_start, refresh_width, y - run_start))
                run_start = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        spec = self.line_spec(scroll_y + y)
        self._drawn[y] = (spec, scroll_x, width)
        style = self.rich_style
        steady = not spec or spec[0] != "seats"  # timer lines change every second
        key = (spec, scroll_x, width, style)
        if steady and key in self._steady_strips:
            return self._steady_strips[key]
        strip = (
            Strip(self._segments(spec, style))
            .crop(scroll_x, scroll_x + width)
            .extend_cell_length(width, style)
        )
        if steady:
            if len(self._steady_strips) > 4000:  # seats and cursor moves add keys: bound it
                self._steady_strips.clear()
            self._steady_strips[key] = strip
        return strip

    def _forget_specs(self, *, timers_only: bool = False) -> None:
        self._timer_specs.clear()
        if not timers_only:
            self._steady_specs.clear()

    def line_spec(self, number: int) -> LineSpec:
        """What line `number` of the map shows, as plain comparable data."""
        specs = self._timer_specs if number in self._by_line else self._steady_specs
        spec = specs.get(number)
        if spec is None:
            spec = specs[number] = self._build_spec(number)
        return spec

    def _build_spec(self, number: int) -> LineSpec:
        if not self._placed:
            return ("hint",) if number == 0 else ()
        if number in self._titles:
            view, zone = self._titles[number]
            counts = t(
                "at seat {staffed}/{open} ({pct:.0%})",
                staffed=zone.staffed,
                open=zone.open_seats,
                pct=zone.occupancy,
            )
            return ("title", f"{view.zone}  {view.zone_name}", counts)
        if number in self._by_line:
            return ("seats", self._cells(self._by_line[number], top=True))
        if number - 1 in self._by_line:
            return ("names", self._cells(self._by_line[number - 1], top=False))
        return ()

    def _segments(self, spec: LineSpec, base: Style) -> list[Segment]:
        """Segments of a line, as `spec_text` would render them over the widget's style."""
        if not spec or spec[0] not in ("seats", "names"):
            text = self.spec_text(spec)
            return list(Segment.apply_style(text.render(self.app.console), base))
        # Seat rows are built straight from their cells (no Text to lay out and render):
        # they are the lines repainted every second.
        segments: list[Segment] = []
        at = 0
        step = self._cell + 1
        for start, text, style in spec[1]:  # type: ignore[attr-defined]
            if at < start:
                segments.append(Segment(" " * (start - at), base))
            segments.append(Segment(text, base + Style.parse(style) if style else base))
            segments.append(Segment(" ", base))
            at = start + step
        return segments

    def spec_text(self, spec: LineSpec) -> Text:
        """The styled text of a line described by `line_spec`."""
        if not spec:
            return Text()
        kind = spec[0]
        if kind == "hint":
            return Text(t("No seats yet: import them with `floorman seats import FILE.csv`."))
        if kind == "title":
            _kind, title, counts = spec
            return Text.assemble((str(title), "bold underline"), "  ", str(counts))
        line = Text()
        at = 0
        for start, text, style in spec[1]:  # type: ignore[attr-defined]
            if at < start:
                line.append(" " * (start - at))
            line.append(text, style=style)
            line.append(" ")
            at = start + self._cell + 1
        return line

    def line_text(self, number: int) -> Text:
        """One line of the map: a zone title, the top or the bottom line of a seat row."""
        return self.spec_text(self.line_spec(number))

    def full_text(self) -> Text:
        """The whole map as one text (for tests and for printing)."""
        out = Text()
        for number in range(self._height):
            out.append_text(self.line_text(number))
            out.append("\n")
        out.rstrip()
        return out

    def _cells(self, row: list[Placed], *, top: bool) -> tuple[tuple[int, str, str], ...]:
        cells: list[tuple[int, str, str]] = []
        cell = self._cell
        now = self.now
        for placed in row:
            view = placed.view
            selected = view.seat == self.cursor
            dimmed = self.state_filter is not None and view.state != self.state_filter
            if top:
                seconds = view.seconds_in_state(now)
                letter, style = STATE_LETTERS[view.state], STATE_STYLES[view.state]
                band = self.band(view)
                if band is not None:
                    letter, style = BAND_LETTERS[band], BAND_STYLES[band]
                if dimmed:
                    style = "dim"
                if selected:
                    style += " reverse"
                timer = mmss(seconds) if view.state != SeatState.EMPTY else ""
                text = _fit(f"{view.seat} {letter} {timer}", cell)
            else:
                name = _label(view)
                style = "dim" if dimmed else ("reverse" if selected else "")
                text = _fit(name, cell)
            cells.append((placed.col * (cell + 1), text, style))
        return tuple(cells)

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
                Region(placed.col * (self._cell + 1), max(0, placed.line - 1), self._cell + 2, 4),
                animate=False,
            )

    def action_open(self) -> None:
        if self.cursor:
            self.post_message(self.Opened(self.cursor))

    def watch_cursor(self) -> None:
        self._forget_specs()
        self.refresh_changed_lines()

    def watch_now(self) -> None:
        if self._laid_out and self._widest_timer() > self._timer:
            self._relayout()  # a timer passed an hour (or ten): widen the cells, never cut
            return
        self._forget_specs(timers_only=True)
        self.refresh_changed_lines()

    def selected(self) -> SeatView | None:
        return next((v for v in self.views if v.seat == self.cursor), None)


def _label(view: SeatView) -> str:
    """The line under a seat: the agent's name, or why a broken seat is out of order."""
    fault = view.state == SeatState.FAULT
    return view.agent_name or ((view.reason or "") if fault else "")


def _fit(text: str, width: int) -> str:
    """`fit` with a fast path for plain ASCII (seat ids, timers, most names)."""
    if text.isascii():
        return text[:width].ljust(width)
    return fit(text, width)
