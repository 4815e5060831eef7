"""A seat's detail: who sits there, its state, and today's state history."""

from __future__ import annotations

from datetime import datetime, time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from floorman.clock import mmss
from floorman.domain.seats.history import HistoryRow, seat_history
from floorman.domain.seats.labels import seat_type_label
from floorman.domain.seats.views import STATE_LETTERS, SeatView, list_seats
from floorman.i18n import t
from floorman.screens.base import FloormanModal
from floorman.screens.workers import reload_worker


class SeatDetailScreen(FloormanModal):
    """Modal over the floor: agent, state, reason, and the day's history of one seat."""

    BINDINGS = [
        Binding("escape,q", "dismiss", t("Close"), id="seat.close"),
    ]

    def __init__(self, seat: str) -> None:
        super().__init__()
        self.seat = seat

    def compose(self) -> ComposeResult:
        with Vertical(id="seat-detail"):
            yield Static(t("Seat {seat}", seat=self.seat), id="seat-title", classes="title")
            yield Static("", id="seat-summary")
            yield DataTable(id="seat-history", cursor_type="row", zebra_stripes=True)
            yield Static(t("Esc closes"), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(t("Time"), t("State"), t("Event"), t("Agent"), t("Reason"), t("Source"))
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
        self.app.call_from_thread(self.show, view, history, now, zone)

    def show(self, view: SeatView | None, history: list[HistoryRow], now, zone) -> None:  # type: ignore[no-untyped-def]
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
        table = self.query_one(DataTable)
        table.clear()
        for row in reversed(history):
            table.add_row(
                row.at.astimezone(zone).strftime("%H:%M:%S"),
                f"{STATE_LETTERS[row.state]} {t(row.state)}",
                t(row.event),
                row.agent or "",
                row.reason or "",
                t(row.source),
            )
