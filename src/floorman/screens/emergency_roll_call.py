"""The roll call of a running fire or earthquake, from the emergencies panel (`r`): one
line per person, staff and visitors, Enter marks the selected one safe."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from floorman.domain.emergency import headcount
from floorman.domain.operators.permissions import require_personal
from floorman.domain.roll_call.views import RollCallEntryView as RollCallLineView
from floorman.i18n import t
from floorman.screens.base import FloormanModal
from floorman.screens.workers import reload_worker

CSS = "../styles/emergency.tcss"


class EmergencyRollCallModal(FloormanModal):
    """The roll call taken when a fire or earthquake started; Enter marks a person safe."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "dismiss_roll", t("Close"), id="emergency.roll.close"),
        Binding("enter", "mark_safe", t("Mark safe"), id="emergency.roll.safe", priority=True),
    ]

    def __init__(self, emergency_id: str) -> None:
        super().__init__()
        self.emergency_id = emergency_id

    def compose(self) -> ComposeResult:
        with Vertical(id="emergency-roll-call"):
            yield Static(t("Roll call"), id="emergency-roll-title", classes="title")
            yield DataTable(id="emergency-roll-table", cursor_type="row", zebra_stripes=True)
            yield Static(t("Enter marks safe · Esc closes"), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(t("No."), key="no")
        table.add_column(t("Safe"), key="safe")
        table.add_column(t("Who"), key="kind")
        table.add_column(t("Name"), key="name")
        table.add_column(t("Where"), key="where")
        table.add_column(t("Marked by"), key="by")
        table.focus()
        self.load()

    @reload_worker("emergency-roll")
    def load(self) -> None:
        with self.floor.db.read() as session:
            require_personal(self.floor, session=session)
            lines = headcount.roll_call_lines(session, self.emergency_id)
        self.app.call_from_thread(self.show, lines)

    def show(self, lines: list[RollCallLineView]) -> None:
        table = self.query_one(DataTable)
        for line in lines:
            key = str(line.position)
            # Text, not a str: "[x]" would be read as markup and vanish.
            safe = Text("[x]" if line.safe_at else "[ ]")
            if key in table.rows:
                table.update_cell(key, "safe", safe)
                table.update_cell(key, "by", line.safe_by or "")
            else:
                table.add_row(
                    key, safe, t(line.kind), line.name, line.location, line.safe_by or "", key=key
                )
        missing = sum(1 for line in lines if line.safe_at is None)
        self.query_one("#emergency-roll-title", Static).update(
            t(
                "Roll call · {people} people · {missing} not yet safe",
                people=len(lines),
                missing=missing,
            )
        )

    def action_mark_safe(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        position = str(row_key.value)

        def done(_line: RollCallLineView) -> None:
            self.load()

        self.fm.run_in_thread(
            lambda: headcount.mark_safe(self.floor, self.emergency_id, position), done
        )

    def action_dismiss_roll(self) -> None:
        self.dismiss(True)
