"""The floor at a glance: the seat map beside what needs the duty manager, under a
header of counts and occupancy.

The "needs you" list (`domain.needs_you`, worst first) sits beside the map on a wide
terminal and under it on a narrow one. `n` puts the cursor on its first row (the
oldest request waiting), `a` approves it: two keys. Keys act where they stand: on the
list's row, or on the map's selected seat (`a` approve its request, `b` back, `x`
excuse, `f` report a fault), through `screens.floor_actions`.

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
from textual.containers import Container
from textual.widgets import Static

from floorman.domain.audit import JournalView, journal_entries
from floorman.domain.away import views as away_views
from floorman.domain.away.views import SeatAway, SlipView, seat_aways
from floorman.domain.core.states import SeatState
from floorman.domain.needs_you import Need, needs_you
from floorman.domain.seats.views import SeatView, list_seats
from floorman.i18n import t
from floorman.messages import DatabaseChanged, Tick
from floorman.screens.base import FloormanScreen
from floorman.screens.floor_actions import act_in_place, act_on_slip, report_fault, slip_at_seat
from floorman.screens.workers import reload_worker
from floorman.widgets.fitting_footer import FittingFooter
from floorman.widgets.floor_header import FloorHeader
from floorman.widgets.needs_list import NeedsList
from floorman.widgets.seat_map import SeatMap

# Journal actions that never change what the seat map shows.
MAP_NEUTRAL_ACTIONS = ("alert.",)
# How many of the newest journal rows a reload reads to decide; more new rows, a full read.
RECENT_JOURNAL_ROWS = 16
# Needs that come with time (an away passing its limit, a visitor overstaying) between
# database changes: the list is read again this often (seconds).
NEEDS_EVERY = 5


class FloorScreen(FloormanScreen):
    """Seat map by zone, with filters by zone and by state, and Enter for a seat's detail."""

    OWN_HEADER = True
    # Beside the map from 120 columns, under it below.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    BINDINGS = [
        Binding("n", "needs", t("Needs you"), id="floor.needs"),
        Binding("z", "cycle_zone", t("Zone filter"), id="floor.zone"),
        Binding("s", "cycle_state", t("State filter"), id="floor.state"),
        Binding("a", "seat_act('approve')", t("Approve"), show=False, id="floor.approve"),
        Binding("r", "seat_act('reject')", t("Reject"), show=False, id="floor.reject"),
        Binding("b", "seat_act('back')", t("Back at the seat"), show=False, id="floor.back"),
        Binding("x", "seat_act('excuse')", t("Excuse"), show=False, id="floor.excuse"),
        Binding("v", "seat_act('violation')", t("Violation"), show=False, id="floor.violation"),
        Binding("f", "fault", t("Report a fault"), show=False, id="floor.fault"),
        Binding("escape", "clear_filters", t("Clear filters"), show=False, id="floor.clear"),
    ]
    HELP = t(
        "The floor: every seat by zone. Arrows or hjkl move, Enter opens a seat's detail, "
        "z filters by zone, s by state, Esc clears the filters. Letters: R ready, B busy, "
        "A away within its limit, ! near it, ‼ over it, ✖ over twice it, - empty, X out of "
        "order. On the selected seat (and in its detail): a approves its request, r rejects "
        "it, b marks the agent back, x excuses the absence, v records a violation, f reports "
        "a fault. Needs you (beside or under the map, worst "
        "first): n or Tab goes to it; Enter goes to the row's panel; a approve, r reject, "
        "b back, x excuse, v violation act on the row; o checks a visitor out, s opens the "
        "handover's submit, d marks an emergency step done."
    )

    def compose(self) -> ComposeResult:
        yield FloorHeader(self.floor.config.zone(), id="floor-header")
        yield Static("", id="floor-filters")
        with Container(id="floor-body"):
            yield SeatMap(id="seat-map")
            yield NeedsList(id="needs-list")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.zone_filter: str | None = None
        self.state_filter: str | None = None
        self.views: list[SeatView] = []
        # The newest journal row the seats on screen are known to be current with.
        self.journal_head: int | None = None
        self.board: list[SlipView] = []
        self.needs: list[Need] = []
        self.query_one(SeatMap).focus()
        self.reload()
        self.reload_needs()

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

    @reload_worker("floor-needs")
    def reload_needs(self) -> None:
        board = away_views.away_board(self.floor)
        needs = needs_you(self.floor)
        self.app.call_from_thread(self.show_needs, board, needs)

    def show_needs(self, board: list[SlipView], needs: list[Need]) -> None:
        self.board, self.needs = board, needs
        self.query_one(NeedsList).show_needs(needs, self.floor.clock.now())

    @on(DatabaseChanged)
    def database_changed(self) -> None:
        self.reload()
        self.reload_needs()

    @on(Tick)
    def tick(self) -> None:
        self.update_header()
        now = self.floor.clock.now()
        if int(now.timestamp()) % NEEDS_EVERY == 0:
            self.reload_needs()
        else:
            self.query_one(NeedsList).retime(now)

    # ------------------------------------------------------------------ acting
    def action_needs(self) -> None:
        needs = self.query_one(NeedsList)
        needs.focus()
        if needs.row_count:
            needs.move_cursor(row=0, animate=False)

    @on(NeedsList.Act)
    def act_on_need(self, event: NeedsList.Act) -> None:
        need = event.need
        if event.verb == "go":
            self.go_to(need)
        elif need.slip is not None:
            act_on_slip(self, event.verb, need.slip, self.reload_needs)
        else:
            act_in_place(self, event.verb, need, self.reload_needs)

    def go_to(self, need: Need) -> None:
        """Open the panel the need belongs to, on its record."""
        from floorman.domain.needs_you import NeedKind

        if need.slip is not None:
            self.fm.action_panel("2")
            select = getattr(self.app.screen, "select_slip", None)
            if select is not None:
                select(need.ref)
        elif need.kind in (NeedKind.VISITOR_OVERSTAY, NeedKind.VISITOR_UNESCORTED):
            self.fm.action_panel("3")
        elif need.kind == NeedKind.HANDOVER_DUE:
            self.fm.action_panel("4")
        else:
            self.fm.action_panel("5")
            select = getattr(self.app.screen, "select_emergency", None)
            if select is not None:
                select(need.ref)

    def action_seat_act(self, verb: str) -> None:
        seat = self.query_one(SeatMap).selected()
        if seat is None:
            return
        view = slip_at_seat(self.board, seat.seat, verb)
        if view is None:
            self.notify(t("No slip at {seat} for that", seat=seat.seat), timeout=3)
            return
        act_on_slip(self, verb, view, self.reload_needs)

    def action_fault(self) -> None:
        seat = self.query_one(SeatMap).selected()
        if seat is not None:
            report_fault(self, seat.seat, seat.state, self.reload)

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
