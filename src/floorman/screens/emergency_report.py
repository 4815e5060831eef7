"""An emergency's report and timeline in one dialog (`v`, or Enter on the emergencies list).

What `floorman emergency report ID` exports, read on the floor: the status, who started
and closed it and when, the duration, the step counts and the roll-call count (the same
domain counts as the panel, the CLI and the exported report), the unified wording, then
every line of the timeline, oldest first. Running or closed, drill or real.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from floorman.clock import mmss
from floorman.domain.emergency import headcount
from floorman.domain.emergency import views as emergency
from floorman.domain.emergency.views import EmergencyView, TimelineEntry
from floorman.domain.roll_call.views import RollCallCount
from floorman.i18n import language, t
from floorman.screens.base import FloormanModal
from floorman.screens.roll_call import count_line
from floorman.screens.workers import reload_worker

CSS = "../styles/emergency.tcss"
COLUMNS: tuple[tuple[str, str], ...] = (
    ("at", "Time"),
    ("who", "By"),
    ("what", "What"),
    ("step", "Step"),
    ("text", "Text"),
)
def action_word(action: str) -> str:
    return t(emergency.ACTION_WORDS.get(action, action))


def summary_text(view: EmergencyView, roll: RollCallCount | None, now: datetime, zone: Any) -> str:
    """The report's head: title, status, times, duration, counts, wording."""

    def local(when: datetime | None) -> str:
        return when.astimezone(zone).strftime("%Y-%m-%d %H:%M") if when else "-"

    drill = t("DRILL") + " · " if view.drill else ""
    lines = [
        f"{drill}{view.title(language())} · {t(emergency.STATUS_WORDS[view.status])} · "
        + mmss(view.elapsed(now)),
        t("Started {time} by {person}", time=local(view.started_at), person=view.started_by),
    ]
    if view.closed_at is not None:
        lines.append(
            t("Closed {time} by {person}", time=local(view.closed_at), person=view.closed_by)
        )
    if view.close_reason:
        lines.append(t("Closed early: {reason}", reason=view.close_reason))
    lines.append(t("Steps: {counts}", counts=view.step_counts.text()))
    if roll is not None:
        lines.append(count_line(roll))
    if view.wording:
        lines.append(t("Unified wording (统一口径): {text}", text=view.wording))
    return "\n".join(lines)


class EmergencyReportModal(FloormanModal):
    """One emergency's report head and its whole timeline; Esc closes."""

    CSS_PATH = CSS
    BINDINGS = [Binding("escape", "close", t("Close"), id="emergency.report.close")]

    def __init__(self, emergency_id: str) -> None:
        super().__init__()
        self.emergency_id = emergency_id

    def compose(self) -> ComposeResult:
        with Vertical(id="emergency-report"):
            yield Static("", id="emergency-report-summary")
            yield DataTable(id="emergency-report-timeline", cursor_type="row", zebra_stripes=True)
            yield Static(
                t(
                    "Esc closes · export: floorman emergency report {id} --markdown",
                    id=self.emergency_id[:8],
                ),
                id="emergency-report-hint",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in COLUMNS:
            table.add_column(t(label), key=key)
        table.focus()
        self.load()

    @reload_worker("emergency-report")
    def load(self) -> None:
        with self.floor.db.read() as session:
            view = emergency.get_emergency(session, self.emergency_id)
            roll = headcount.roll_call_count(session, view.id)
            events = emergency.timeline(session, view.id)
        self.app.call_from_thread(self.show, view, roll, events)

    def show(
        self, view: EmergencyView, roll: RollCallCount | None, events: list[TimelineEntry]
    ) -> None:
        zone = self.floor.config.zone()
        self.query_one("#emergency-report-summary", Static).update(
            Text(summary_text(view, roll, self.floor.clock.now(), zone))
        )
        table = self.query_one(DataTable)
        table.clear()
        for event in events:
            table.add_row(
                event.at.astimezone(zone).strftime("%m-%d %H:%M:%S"),
                event.actor,
                action_word(event.action),
                "" if event.step_number is None else str(event.step_number),
                Text(event.text or ""),
                key=str(event.seq),
            )

    def action_close(self) -> None:
        self.dismiss(None)
