"""The away log (示忙单) of one shift, by agent: how often, how long, overruns, unapproved.

Opened with `g` from the away panel on the shift on duty now; `[` and `]` step to the
previous and next shift, so the outgoing duty manager can read the shift they are
handing over and the incoming one the shift before theirs. The same figures as
`floorman away log --shift`.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from floorman.domain.away import log as away_log_book
from floorman.domain.away import views as away_views
from floorman.domain.core.errors import FloorError
from floorman.domain.shifts import Shift, current_shift, next_shift, previous_shift
from floorman.i18n import t
from floorman.screens.base import FloormanModal
from floorman.screens.workers import reload_worker
from floorman.widgets.fitted_columns import Column, FittedColumns

# Short labels at 80 columns: every figure stays.
COLUMNS = (
    Column("agent", "Agent"),
    Column("name", "Name"),
    Column("count", "Times away", short="Times"),
    Column("minutes", "Minutes", short="Min."),
    Column("overruns", "Overruns", short="Over"),
    Column("unapproved", "Unapproved", short="Unappr."),
    Column("violations", "Violations", short="Viol."),
)


class AwayLogScreen(FloormanModal):
    """Modal over the away panel: one shift's away log, one line per agent."""

    DEFAULT_CSS = """
    AwayLogScreen { align: center middle; }
    #away-log { width: 90%; height: 80%; border: round $primary; background: $panel; }
    #away-log { padding: 0 1; }
    #away-log-table { height: 1fr; }
    """
    BINDINGS = [
        Binding("[", "shift(-1)", t("Previous shift"), id="awaylog.previous"),
        Binding("]", "shift(1)", t("Next shift"), id="awaylog.next"),
        Binding("escape,q", "dismiss", t("Close"), id="awaylog.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="away-log"):
            yield Static("", id="away-log-title", classes="title")
            yield DataTable(id="away-log-table", cursor_type="row", zebra_stripes=True)
            yield Static(t("[ ] previous / next shift · Esc closes"), classes="hint")

    def on_mount(self) -> None:
        self.fitted = FittedColumns(self.query_one(DataTable), COLUMNS)
        self.shift: Shift | None = None
        try:
            self.shift = current_shift(self.floor)
        except FloorError as problem:  # a gap in the shift pattern: say so, show nothing
            self.query_one("#away-log-title", Static).update(str(problem))
            return
        self.load()

    def action_shift(self, step: int) -> None:
        if self.shift is None:
            return
        config = self.floor.config
        self.shift = (
            previous_shift(config, self.shift) if step < 0 else next_shift(config, self.shift)
        )
        self.load()

    @reload_worker("away-log")
    def load(self) -> None:
        shift = self.shift
        assert shift is not None
        lines = away_log_book.away_log(away_views.list_slips(self.floor, shift=shift))
        self.app.call_from_thread(self.show, shift, lines)

    def show(self, shift: Shift, lines: list[away_log_book.AgentLog]) -> None:
        if shift is not self.shift:  # the user stepped on while this one loaded
            return
        total = sum(line.count for line in lines)
        over = sum(line.overruns for line in lines)
        unapproved = sum(line.unapproved for line in lines)
        self.query_one("#away-log-title", Static).update(
            t(
                "Away log · shift {shift} · {count} absences · {over} over the limit · "
                "{unapproved} without approval",
                shift=shift.local_span(),
                count=total,
                over=over,
                unapproved=unapproved,
            )
        )
        table = self.query_one(DataTable)
        table.clear()
        # Worst first: the agents the duty manager has to speak to lead the list.
        worst_first = sorted(
            lines, key=lambda line: (-line.overruns, -line.unapproved, -line.total_seconds)
        )
        rows = [
            (
                line.agent,
                line.agent_name,
                str(line.count),
                f"{line.total_minutes:.1f}",
                str(line.overruns),
                str(line.unapproved),
                str(line.violations),
            )
            for line in worst_first
        ]
        if not lines:
            rows.append(("", t("no absence this shift"), "", "", "", "", ""))
        self.fitted.fit(rows)
        for row in rows:
            table.add_row(*self.fitted.cells(row))
