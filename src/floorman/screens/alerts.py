"""The alerts panel: every open alert and today's resolved ones, to acknowledge in a key.

Active alerts first (worst, then oldest), then acknowledged ones, then those that
resolved by themselves today: the order of `domain.alerts.lifecycle.alerts_list`, which
`floorman alerts list` prints too. `a` acknowledges the selected alert, `n` with a note,
`A` every active alert shown after one confirmation; `f` filters by kind, `z` by zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from floorman.clock import elapsed_seconds, mmss
from floorman.domain.alerts import lifecycle
from floorman.domain.alerts.templates import LOUD_SEVERITIES, SEVERITY_SYMBOLS
from floorman.domain.alerts.views import STATE_LABELS, AlertView
from floorman.domain.core.states import AlertState
from floorman.i18n import t
from floorman.messages import DatabaseChanged, Tick
from floorman.screens.base import CursorOnRow, FloormanScreen
from floorman.screens.forms import Field, FormModal, Values
from floorman.screens.workers import reload_worker
from floorman.widgets.fitted_columns import Column, FittedColumns
from floorman.widgets.fitting_footer import FittingFooter

# (column key, English label)
# At 80 columns who acknowledged goes first, then the agent (the text names them); the
# text takes the rest, cut with "…" (the alert bar shows the worst whole).
COLUMNS: tuple[Column, ...] = (
    Column("severity", "Severity"),
    Column("state", "State"),
    Column("subject", "Subject"),
    Column("agent", "Agent", drop=2),
    Column("age", "Age"),
    Column("text", "Alert", flex=30),
    Column("ack", "Acknowledged by", short="Acked by", drop=1),
)
STATE_STYLES = {
    AlertState.ACTIVE: "bold",
    AlertState.ACKNOWLEDGED: "",
    AlertState.RESOLVED: "dim",
}


def severity_cell(view: AlertView) -> Text:
    """The severity with its symbol; loud severities in red, warnings in yellow."""
    style = "bold red" if view.severity in LOUD_SEVERITIES else "yellow"
    if view.state == AlertState.RESOLVED:
        style = "dim"
    return Text(f"{SEVERITY_SYMBOLS.get(view.severity, '!')} {t(view.severity)}", style=style)


def age_cell(view: AlertView, now: datetime) -> str:
    """How long since it fired (open), or the time it resolved."""
    if view.state == AlertState.RESOLVED and view.resolved_at is not None:
        return t("ended {ago} ago", ago=mmss(elapsed_seconds(view.resolved_at, now)))
    return mmss(elapsed_seconds(view.fired_at, now)) if view.fired_at else ""


def row_cells(view: AlertView, now: datetime) -> tuple[Any, ...]:
    state = AlertState(view.state or AlertState.ACTIVE)
    style = STATE_STYLES[state]
    return (
        severity_cell(view),
        Text(t(STATE_LABELS[state]), style=style),
        view.seat or view.shown_subject,
        view.shown_agent,
        age_cell(view, now),
        Text(view.text, style=style),
        view.acknowledged_by or "",
    )


class AcknowledgeModal(FormModal):
    """The one confirmation of acknowledging several alerts (or one, with a note)."""

    def __init__(self, title: str, submit: Any) -> None:
        super().__init__(title, [Field("note", "Note (optional)")], submit)


class AlertsScreen(FloormanScreen):
    """All alerts that need someone, and today's that ended, with keys to acknowledge."""

    DEFAULT_CSS = """
    AlertsScreen #alerts-summary { height: 1; padding: 0 1; }
    AlertsScreen #alerts-table { height: 1fr; }
    """
    BINDINGS = [
        Binding("a", "acknowledge", t("Ack"), id="alerts.acknowledge"),
        Binding("A", "acknowledge_all", t("Ack all shown"), id="alerts.acknowledge_all"),
        Binding("n", "acknowledge_note", t("Ack with note"), id="alerts.note"),
        Binding("f", "filter_kind", t("Kind filter"), id="alerts.kind"),
        Binding("z", "filter_zone", t("Zone filter"), id="alerts.zone"),
    ]
    HELP = t(
        "Alerts: one line per condition (an away over its limit, a visitor overstaying, a "
        "handover due, an emergency step); it rises in place from warning to breach, severe "
        "and escalated. Active ones come first, worst and oldest first; then acknowledged; "
        "then those that ended by themselves today (the agent back, the visitor out). "
        "a acknowledges the selected alert, n with a note, A every active alert shown after "
        "one confirmation; f cycles the kind shown, z the zone."
    )

    def compose(self) -> ComposeResult:
        yield Static("", id="alerts-summary")
        yield DataTable(id="alerts-table", cursor_type="row", zebra_stripes=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.views: list[AlertView] = []
        self.everything: list[AlertView] = []
        self.kind: str | None = None
        self.zone: str | None = None
        self.kinds: list[str] = []
        self.zones: list[str] = []
        table = self.query_one(DataTable)
        self.fitted = FittedColumns(table, COLUMNS)
        table.focus()
        self.reload()

    # ------------------------------------------------------------------ loading
    @reload_worker("alerts-reload")
    def reload(self) -> None:
        kind, zone = self.kind, self.zone
        with self.floor.db.read() as session:
            everything = lifecycle.panel_rows(session, self.floor)
        shown = [v for v in everything if lifecycle.matches(v, kind=kind, zone=zone)]
        self.app.call_from_thread(self.show_alerts, everything, shown)

    def show_alerts(self, everything: list[AlertView], shown: list[AlertView]) -> None:
        self.kinds = sorted({lifecycle.area_of(v.kind) for v in everything})
        self.zones = sorted({v.zone for v in everything if v.zone})
        self.everything, self.views = everything, shown
        table = self.query_one(DataTable)
        cursor = CursorOnRow(table)
        table.clear()
        now = self.floor.clock.now()
        rows = {view.id: row_cells(view, now) for view in shown}
        self.fitted.fit(rows.values())
        for key, cells in rows.items():
            table.add_row(*self.fitted.cells(cells), key=key)
        cursor.put_back()
        self.show_summary()

    def show_summary(self) -> None:
        counts = {state: 0 for state in AlertState}
        for view in self.views:
            counts[AlertState(view.state or AlertState.ACTIVE)] += 1
        summary = t(
            "Alerts · {active} active · {acknowledged} acknowledged · {resolved} ended today",
            active=counts[AlertState.ACTIVE],
            acknowledged=counts[AlertState.ACKNOWLEDGED],
            resolved=counts[AlertState.RESOLVED],
        )
        if self.kind:
            summary += " · " + t("kind {kind}", kind=self.kind)
        if self.zone:
            summary += " · " + t("zone {zone}", zone=self.zone)
        self.query_one("#alerts-summary", Static).update(summary)

    @on(DatabaseChanged)
    def database_changed(self) -> None:
        self.reload()

    def on_resize(self, _event: events.Resize) -> None:
        # The columns that fit change with the width.
        self.call_after_refresh(lambda: self.show_alerts(self.everything, self.views))

    @on(Tick)
    def tick(self) -> None:
        table = self.query_one(DataTable)
        now = self.floor.clock.now()
        for view in self.views:
            if view.id in table.rows:
                table.update_cell(view.id, "age", age_cell(view, now))

    # ------------------------------------------------------------------ acting
    def selected(self) -> AlertView | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            self.notify(t("No alert selected"), severity="warning", timeout=3)
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return next((v for v in self.views if v.id == row_key.value), None)

    def acknowledged(self, views: list[AlertView] | None) -> None:
        if views:
            self.notify(t("Acknowledged {n} alerts", n=len(views)), timeout=3)
            self.fm.refresh_extras()
            self.reload()

    def action_acknowledge(self) -> None:
        view = self.selected()
        if view is None:
            return
        floor = self.floor
        self.fm.run_in_thread(lambda: [lifecycle.acknowledge(floor, view.id)], self.acknowledged)

    def action_acknowledge_note(self) -> None:
        view = self.selected()
        if view is None:
            return
        floor = self.floor

        def submit(values: Values) -> list[AlertView]:
            return [lifecycle.acknowledge(floor, view.id, values["note"] or None)]

        title = t(
            "Acknowledge {subject}: {text}?",
            subject=view.seat or view.shown_subject,
            text=view.text,
        )
        self.app.push_screen(AcknowledgeModal(title, submit), self.acknowledged)

    def action_acknowledge_all(self) -> None:
        targets = [v.id for v in self.views if v.state == AlertState.ACTIVE]
        if not targets:
            self.notify(t("No active alert shown"), severity="warning", timeout=3)
            return
        floor = self.floor

        def submit(values: Values) -> list[AlertView]:
            return lifecycle.acknowledge_many(floor, targets, values["note"] or None)

        title = t("Acknowledge the {n} active alerts shown?", n=len(targets))
        self.app.push_screen(AcknowledgeModal(title, submit), self.acknowledged)

    def _next(self, current: str | None, choices: list[str]) -> str | None:
        cycle: list[str | None] = [None, *choices]
        index = cycle.index(current) if current in cycle else 0
        return cycle[(index + 1) % len(cycle)]

    def action_filter_kind(self) -> None:
        self.kind = self._next(self.kind, self.kinds)
        self.reload()

    def action_filter_zone(self) -> None:
        self.zone = self._next(self.zone, self.zones)
        self.reload()
