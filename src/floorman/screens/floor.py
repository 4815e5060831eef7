"""The floor at a glance: the seat map under a header of counts and occupancy.

The first thing the duty manager sees. Seats reload in a thread worker whenever the
database changes (from this terminal, the CLI or another terminal); timers advance
every second from the stored `since` of each state, never from a counter.

Every commit reaches every terminal as DatabaseChanged, and on a busy floor most of them
are alerts being claimed or acknowledged. The journal (one row per change, numbered)
tells which: when every row since the last reload is an alert's, the seats are not read
again (on 1,000 seats that read is ~45 ms of CPU, once per alert claim).
"""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from floorman.domain.audit import JournalView, journal_entries
from floorman.domain.away.views import SeatAway, seat_aways
from floorman.domain.core.states import SeatState
from floorman.domain.seats.views import SeatView, list_seats
from floorman.i18n import t
from floorman.messages import DatabaseChanged, Tick
from floorman.screens.base import FloormanScreen
from floorman.screens.workers import reload_worker
from floorman.widgets.fitting_footer import FittingFooter
from floorman.widgets.floor_header import FloorHeader
from floorman.widgets.seat_map import SeatMap

# Journal actions that never change what the seat map shows.
MAP_NEUTRAL_ACTIONS = ("alert.",)
# How many of the newest journal rows a reload reads to decide; more new rows, a full read.
RECENT_JOURNAL_ROWS = 16


class FloorScreen(FloormanScreen):
    """Seat map by zone, with filters by zone and by state, and Enter for a seat's detail."""

    OWN_HEADER = True

    BINDINGS = [
        Binding("z", "cycle_zone", t("Zone filter"), id="floor.zone"),
        Binding("s", "cycle_state", t("State filter"), id="floor.state"),
        Binding("escape", "clear_filters", t("Clear filters"), show=False, id="floor.clear"),
    ]
    HELP = t(
        "The floor: every seat by zone. Arrows or hjkl move, Enter opens a seat's detail, "
        "z filters by zone, s by state, Esc clears the filters. Letters: R ready, B busy, "
        "A away, ! away past its limit, - empty, X out of order."
    )

    def compose(self) -> ComposeResult:
        yield FloorHeader(self.floor.config.zone(), id="floor-header")
        yield Static("", id="floor-filters")
        yield SeatMap(id="seat-map")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.zone_filter: str | None = None
        self.state_filter: str | None = None
        self.views: list[SeatView] = []
        # The newest journal row the seats on screen are known to be current with.
        self.journal_head: int | None = None
        self.query_one(SeatMap).focus()
        self.reload()

    @reload_worker("floor-reload")
    def reload(self) -> None:
        with self.floor.db.read() as session:
            recent = journal_entries(session, limit=RECENT_JOURNAL_ROWS)
            head = recent[-1].seq if recent else None
            if seats_unchanged_since(self.journal_head, recent):
                self.app.call_from_thread(self.seats_still_current, head)
                return
            views = list_seats(session)
            # The aways' limits from the same snapshot: the map and the board agree.
            aways = seat_aways(session, self.floor)
        self.app.call_from_thread(self.show_seats, views, head, aways)

    def show_seats(
        self,
        views: list[SeatView],
        journal_head: int | None = None,
        aways: dict[str, SeatAway] | None = None,
    ) -> None:
        if _older(journal_head, self.journal_head):
            return  # a reload overtaken by a newer one (workers in threads may finish late)
        self.journal_head = journal_head
        self.views = views
        self.query_one(SeatMap).set_seats(views, aways)
        self.update_header()

    def seats_still_current(self, journal_head: int | None) -> None:
        if not _older(journal_head, self.journal_head):
            self.journal_head = journal_head

    def update_header(self) -> None:
        now: datetime = self.floor.clock.now()
        self.query_one(FloorHeader).update_floor(
            self.views, now, self.fm.operator_label(), self.fm.header_extras()
        )
        self.query_one(SeatMap).now = now

    @on(DatabaseChanged)
    def database_changed(self) -> None:
        self.reload()

    @on(Tick)
    def tick(self) -> None:
        self.update_header()

    def on_screen_resume(self) -> None:
        # The app does not tick a floor covered by another panel: bring it up to date.
        if hasattr(self, "views"):  # not before on_mount has set up the screen
            self.update_header()

    @on(SeatMap.Opened)
    def open_seat(self, event: SeatMap.Opened) -> None:
        from floorman.screens.seat_detail import SeatDetailScreen

        self.app.push_screen(SeatDetailScreen(event.seat))

    def _zones(self) -> list[str]:
        return sorted({v.zone for v in self.views})

    def action_cycle_zone(self) -> None:
        self.zone_filter = _next(self._zones(), self.zone_filter)
        self._apply_filters()

    def action_cycle_state(self) -> None:
        self.state_filter = _next(list(SeatState), self.state_filter)
        self._apply_filters()

    def action_clear_filters(self) -> None:
        self.zone_filter = self.state_filter = None
        self._apply_filters()

    def _apply_filters(self) -> None:
        self.query_one(SeatMap).set_filters(self.zone_filter, self.state_filter)
        parts = []
        if self.zone_filter:
            parts.append(t("zone {zone}", zone=self.zone_filter))
        if self.state_filter:
            parts.append(t("state {state}", state=t(self.state_filter)))
        label = t("Filter: {filters}  (Esc clears)", filters=", ".join(parts)) if parts else ""
        self.query_one("#floor-filters", Static).update(label)

    def set_zone_filter(self, zone: str | None) -> None:
        self.zone_filter = zone
        self._apply_filters()


def seats_unchanged_since(seen: int | None, recent: list[JournalView]) -> bool:
    """True when the journal proves nothing the map shows changed after row `seen`:
    every newer row is in `recent` and is an alert's. Anything else (no journal row for
    the commit, a gap, more rows than were read, any other action) means read the seats.
    """
    if seen is None:
        return False
    new = [entry for entry in recent if entry.seq > seen]
    if not new or new[0].seq != seen + 1:
        return False
    return all(entry.action.startswith(MAP_NEUTRAL_ACTIONS) for entry in new)


def _older(head: int | None, current: int | None) -> bool:
    return head is not None and current is not None and head < current


def _next(options: list[str], current: str | None) -> str | None:
    """Cycle all -> first -> ... -> last -> all."""
    if current is None:
        return options[0] if options else None
    index = options.index(current) + 1 if current in options else len(options)
    return options[index] if index < len(options) else None
