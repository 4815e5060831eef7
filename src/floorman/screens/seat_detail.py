"""A seat's detail: who sits there, its state, and today's state history, with the seat
map's keys for the seat's slip (approve, reject, back, excuse, violation) and its fault,
through the same `screens.floor_actions` (the same domain calls and confirmations)."""

from __future__ import annotations

from datetime import datetime, time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from floorman.clock import mmss
from floorman.domain.away import views as away_views
from floorman.domain.away.views import SlipView
from floorman.domain.seats.history import HistoryRow, seat_history
from floorman.domain.seats.labels import seat_type_label
from floorman.domain.seats.views import STATE_LETTERS, SeatView, list_seats
from floorman.i18n import t
from floorman.screens.base import FloormanModal
from floorman.screens.floor_actions import act_on_slip, report_fault, slip_at_seat
from floorman.screens.workers import reload_worker
from floorman.widgets.fitted_columns import Column, FittedColumns
from floorman.widgets.fitting_footer import FittingFooter

# The day's history of the seat, newest first.
HISTORY_COLUMNS = (
    Column("at", "Time"),
    Column("state", "State"),
    Column("event", "Event"),
    Column("agent", "Agent"),
    Column("reason", "Reason"),
    Column("source", "Source"),
)


class SeatDetailScreen(FloormanModal):
    """Modal over the floor: agent, state, reason, and the day's history of one seat;
    the keys act on this seat's slip as they do on the map's selected seat."""

    BINDINGS = [
        Binding("escape,q", "dismiss", t("Close"), id="seat.close"),
        Binding("a", "act('approve')", t("Approve"), id="seat.approve"),
        Binding("r", "act('reject')", t("Reject"), id="seat.reject"),
        Binding("b", "act('back')", t("Back at the seat"), id="seat.back"),
        Binding("x", "act('excuse')", t("Excuse"), id="seat.excuse"),
        Binding("v", "act('violation')", t("Violation"), id="seat.violation"),
        Binding("f", "fault", t("Report a fault"), id="seat.fault"),
    ]

    def __init__(self, seat: str) -> None:
        super().__init__()
        self.seat = seat
        self.view: SeatView | None = None
        self.board: list[SlipView] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="seat-detail"):
            yield Static(t("Seat {seat}", seat=self.seat), id="seat-title", classes="title")
            yield Static("", id="seat-summary")
            yield DataTable(id="seat-history", cursor_type="row", zebra_stripes=True)
            yield Static(t("Esc closes"), classes="hint")
        yield FittingFooter()

    def on_mount(self) -> None:
        # Widths from the rows shown (widgets.fitted_columns), never the DataTable's own
        # measuring when idle: a picture taken between showed `07:5` for `07:58:01`.
        self.columns = FittedColumns(self.query_one(DataTable), HISTORY_COLUMNS)
        self.load()

    @reload_worker("seat-detail")
    def load(self) -> None:
        floor = self.floor
        zone = floor.config.zone()
        now = floor.clock.now()
        start_of_day = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)
        with floor.db.read() as session:
            view = next((v for v in list_seats(session) if v.seat == self.seat), None)
            history = seat_history(session, self.seat, start_of_day)
        # The slips from the away board, as the map's keys read them.
        board = [slip for slip in away_views.away_board(floor) if slip.seat == self.seat]
        self.app.call_from_thread(self.show, view, history, now, zone, board)

    def show(self, view: SeatView | None, history: list[HistoryRow], now, zone, board) -> None:  # type: ignore[no-untyped-def]
        self.view, self.board = view, board
        if view is None:
            self.query_one("#seat-summary", Static).update(t("This seat no longer exists."))
            return
        summary = t(
            "Zone {zone} · {type} · {letter} {state} for {elapsed} · agent {agent} {name}",
            zone=view.zone,
            type=seat_type_label(view.type),
            letter=STATE_LETTERS[view.state],
            state=t(view.state),
            elapsed=mmss(view.seconds_in_state(now)),
            agent=view.agent or "-",
            name=view.agent_name or "",
        )
        if view.reason:
            summary += " · " + view.reason
        self.query_one("#seat-summary", Static).update(summary)
        rows = [
            (
                row.at.astimezone(zone).strftime("%H:%M:%S"),
                f"{STATE_LETTERS[row.state]} {t(row.state)}",
                t(row.event),
                row.agent or "",
                row.reason or "",
                t(row.source),
            )
            for row in reversed(history)
        ]
        table = self.query_one(DataTable)
        if not self.columns.fit(rows):
            table.clear()
        for cells in rows:
            table.add_row(*self.columns.cells(cells))

    # ------------------------------------------------------------------ acting
    def action_act(self, verb: str) -> None:
        """The map's verb on this seat's slip: same slip choice, same confirmation."""
        slip = slip_at_seat(self.board, self.seat, verb)
        if slip is None:
            self.notify(t("No slip at {seat} for that", seat=self.seat), timeout=3)
            return
        act_on_slip(self, verb, slip, self.load)

    def action_fault(self) -> None:
        if self.view is not None:
            report_fault(self, self.seat, self.view.state, self.load)
