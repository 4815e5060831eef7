"""The floor at a glance: the seat map under a header of counts and occupancy.

The first thing the duty manager sees. Seats reload in a thread worker whenever the
database changes (from this terminal, the CLI or another terminal); timers advance
every second from the stored `since` of each state, never from a counter.
"""

from __future__ import annotations

from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from floorman.domain.seats import SEAT_STATES, SeatView, list_seats
from floorman.i18n import t
from floorman.messages import DatabaseChanged, Tick
from floorman.screens.base import FloormanScreen
from floorman.widgets.floor_header import FloorHeader
from floorman.widgets.seat_map import SeatMap


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
        yield Footer()

    def on_mount(self) -> None:
        self.zone_filter: str | None = None
        self.state_filter: str | None = None
        self.views: list[SeatView] = []
        self.query_one(SeatMap).focus()
        self.reload()

    @work(thread=True, exclusive=True, group="floor-reload")
    def reload(self) -> None:
        with self.floor.db.read() as session:
            views = list_seats(session)
        self.app.call_from_thread(self.show_seats, views)

    def show_seats(self, views: list[SeatView]) -> None:
        self.views = views
        self.query_one(SeatMap).set_seats(views)
        self.update_header()

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
        self.state_filter = _next(list(SEAT_STATES), self.state_filter)
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


def _next(options: list[str], current: str | None) -> str | None:
    """Cycle all -> first -> ... -> last -> all."""
    if current is None:
        return options[0] if options else None
    index = options.index(current) + 1 if current in options else len(options)
    return options[index] if index < len(options) else None
