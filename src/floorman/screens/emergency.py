"""Emergencies (key 5): the running checklists and the keys that stamp their steps.

Left, every running emergency, most urgent first, with its elapsed clock, then those
closed in the last 7 days with their duration and step counts (`v` or Enter opens the
timeline and report, `screens.emergency_report`); right, the steps of the one
selected, with who did each and when, under its unified wording
(统一口径) in a box of its own, and under the steps the selected step in full (its text
wrapped, state, who, when, assigned, reason or note): the table's columns have fixed
widths fitted to the screen, so who/when/assigned stay in sight and a long step is cut
with "…" in the table only. `d` marks the selected step done, `s` skips it (a reason is
asked), `e` defers it (a note is asked: what and why); after each the cursor moves to
the next open step. `n` adds a note, `a` assigns it to someone, `w` edits the wording,
`r` opens the one roll call (fire, earthquake; `screens.roll_call`), `c` closes the
checklist, `x` closes it early with a reason. `!`, from any screen, opens
`StartEmergencyModal`: a digit or Enter picks the checklist, `d` toggles drill mode
first. Rows update cell by cell when the database changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from floorman.clock import mmss
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import StepState
from floorman.domain.emergency import headcount, lifecycle
from floorman.domain.emergency import views as emergency
from floorman.domain.emergency.views import EmergencyView
from floorman.domain.roll_call.views import RollCallCount
from floorman.i18n import language, t
from floorman.messages import DatabaseChanged, Tick
from floorman.screens.base import FloormanScreen
from floorman.screens.emergency_cells import (
    LIST_COLUMNS,
    STEP_COLUMNS,
    list_cells,
    step_cells,
    step_detail,
    step_widths,
)
from floorman.screens.emergency_report import EmergencyReportModal
from floorman.screens.forms import Field, FormModal, confirm_then
from floorman.screens.roll_call import RollCallModal, count_line
from floorman.screens.workers import reload_worker
from floorman.widgets.fitted_columns import Column, FittedColumns, ResizingTable
from floorman.widgets.fitting_footer import FittingFooter

CSS = "../styles/emergency.tcss"


class EmergencyScreen(FloormanScreen):
    """Running emergencies beside the steps of the selected one, with keys to stamp them."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("d", "step('done')", t("Done"), id="emergency.done"),
        Binding("s", "step('skip')", t("Skip"), id="emergency.skip"),
        Binding("n", "step('note')", t("Note"), id="emergency.note"),
        Binding("a", "step('assign')", t("Assign"), id="emergency.assign"),
        Binding("e", "step('defer')", t("Defer"), id="emergency.defer"),
        Binding("w", "wording", t("Wording"), id="emergency.wording"),
        Binding("r", "roll_call", t("Roll call"), id="emergency.roll_call"),
        Binding("c", "close", t("Close"), id="emergency.close"),
        Binding("x", "close_early", t("Close early"), id="emergency.close_early"),
        Binding("t", "start", t("Start"), id="emergency.start"),
        Binding("v", "report", t("Report"), id="emergency.report"),
    ]
    HELP = t(
        "Emergencies: the running checklists, most urgent first, and the steps of the one "
        "selected (Tab moves between the two lists); under the steps, the selected step in "
        "full. d marks the selected step done, s skips it with a reason, e defers it with a "
        "note (what and why; deferred steps stay in sight), and the cursor moves on to the "
        "next open step; n adds a note, a assigns it to someone, w sets the unified wording, "
        "r opens the roll call of a fire or earthquake, c closes the checklist (all steps "
        "done, skipped or deferred), x closes it early with a reason (false alarm, end of a "
        "drill; open steps are recorded as not done), t or ! starts a checklist. Closed "
        "emergencies of the last 7 days are listed under the running ones with their counts "
        "(done/total, !N not done); v (or Enter on the list) opens the timeline and report "
        "of the selected one. Every action is stamped with your name and the time. State "
        "letters: x done, - skipped, > deferred, ! not done."
    )

    def __init__(self, select: str | None = None) -> None:
        super().__init__()
        self.current: str | None = select
        self.views: dict[str, EmergencyView] = {}
        self.list_rows: dict[str, tuple[str, ...]] = {}
        self.step_rows: dict[str, tuple[Text, ...]] = {}
        self.steps_of: str | None = None
        self.roll: RollCallCount | None = None
        self.widths = step_widths(100)

    def compose(self) -> ComposeResult:
        yield Static("", id="emergency-summary")
        with Horizontal(id="emergency-body"):
            yield DataTable(id="emergency-list", cursor_type="row", zebra_stripes=True)
            with Vertical(id="emergency-detail"):
                yield Static("", id="emergency-title", classes="title")
                yield Static("", id="emergency-wording")
                yield ResizingTable(id="emergency-steps", cursor_type="row", zebra_stripes=True)
                yield Static("", id="emergency-step-detail")
                yield Static("", id="emergency-roll")
        yield FittingFooter()

    def on_mount(self) -> None:
        listing = self.query_one("#emergency-list", DataTable)
        # The list takes at most half the screen (emergency.tcss): at 80 columns the id goes.
        self.list_columns = FittedColumns(
            listing,
            [Column(key, label, drop=1 if key == "id" else 0) for key, label in LIST_COLUMNS],
            room=lambda: self.size.width // 2,
        )
        steps = self.query_one("#emergency-steps", DataTable)
        self.add_step_columns(steps)
        steps.focus()
        self.reload()
        self.call_after_refresh(self.fit_step_columns)

    def add_step_columns(self, table: DataTable[Any]) -> None:
        for key, label in STEP_COLUMNS:
            if key in self.widths:
                table.add_column(t(label), key=key, width=self.widths[key])

    def on_resize(self, _event: events.Resize) -> None:
        self.call_after_refresh(self.fit_step_columns)

    @on(ResizingTable.Resized, "#emergency-steps")
    def steps_resized(self) -> None:
        # The list beside it grows as emergencies are listed, after the first layout or
        # before it (the loading worker): the widths follow the table's own width, so the
        # picture is the same whichever came first.
        self.fit_step_columns()

    def fit_step_columns(self) -> None:
        """Fit the step table to its width: rebuilt only when the widths change."""
        table = self.query_one("#emergency-steps", DataTable)
        if table.size.width == 0:
            return
        widths = step_widths(table.size.width)
        if widths == self.widths:
            return
        self.widths = widths
        row = table.cursor_row
        table.clear(columns=True)
        self.add_step_columns(table)
        self.step_rows = {}
        self.refresh_steps()
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    # ------------------------------------------------------------------ loading
    @reload_worker("emergency-reload")
    def reload(self) -> None:
        with self.floor.db.read() as session:
            views = emergency.in_sight(session, self.floor.clock.now())
            current = self.current
            if current and current not in {v.id for v in views}:
                try:  # just closed: keep showing it until another is chosen
                    views.append(emergency.get_emergency(session, current))
                except FloorError:
                    current = None
            chosen = current or (views[0].id if views else None)
            roll = headcount.roll_call_count(session, chosen) if chosen else None
        self.app.call_from_thread(self.show, views, roll)

    def show(self, views: list[EmergencyView], roll: RollCallCount | None) -> None:
        self.views = {v.id: v for v in views}
        self.roll = roll
        if self.current not in self.views:
            self.current = views[0].id if views else None
        self.refresh_list()
        self.refresh_steps()

    def refresh_list(self) -> None:
        table = self.query_one("#emergency-list", DataTable)
        now = self.floor.clock.now()
        wanted = {vid: list_cells(v, now) for vid, v in self.views.items()}
        if self.list_columns.fit(wanted.values()) or list(wanted) != list(self.list_rows):
            # Another emergency started or closed: rows in the domain's order (running
            # first, most urgent first; then the latest closed), the cursor kept on its row.
            table.clear()
            self.list_rows = {}
        for vid, full in wanted.items():
            cells = self.list_columns.cells(full)
            old = self.list_rows.get(vid)
            if old is None:
                table.add_row(*cells, key=vid)
            else:
                for column, before, after in zip(
                    self.list_columns.keys(), old, cells, strict=True
                ):
                    if before != after:
                        table.update_cell(vid, column, after)
            self.list_rows[vid] = cells
        if self.current in self.list_rows:
            row = table.get_row_index(self.current)
            if row != table.cursor_row:
                table.move_cursor(row=row, animate=False)
        running = sum(1 for v in self.views.values() if v.running)
        closed = len(self.views) - running
        summary = (
            t("Emergencies · {count} running", count=running)
            if running
            else t("No emergency running · t or ! starts a checklist")
        )
        if closed:
            summary += " · " + t("{count} closed in the last 7 days", count=closed)
        self.query_one("#emergency-summary", Static).update(summary)

    def refresh_steps(self) -> None:
        table = self.query_one("#emergency-steps", DataTable)
        view = self.views.get(self.current or "")
        if self.steps_of != self.current:
            table.clear()
            self.step_rows = {}
            self.steps_of = self.current
            if self.current is not None and self.current in self.list_rows:
                listing = self.query_one("#emergency-list", DataTable)
                listing.move_cursor(row=listing.get_row_index(self.current))
        title = self.query_one("#emergency-title", Static)
        wording = self.query_one("#emergency-wording", Static)
        roll = self.query_one("#emergency-roll", Static)
        if view is None:
            title.update("")
            wording.update("")
            roll.update("")
            self.query_one("#emergency-step-detail", Static).update("")
            return
        zone = self.floor.config.zone()
        for step in view.steps:
            key = str(step.number)
            cells = step_cells(step, zone, self.widths)
            old = self.step_rows.get(key)
            if old is None:
                table.add_row(*cells, key=key)
            else:
                for column, before, after in zip(self.widths, old, cells, strict=True):
                    if before != after:
                        table.update_cell(key, column, after)
            self.step_rows[key] = cells
        self.update_step_detail()
        self.update_title(view)
        wording.update(
            t("Unified wording (统一口径): {text}", text=view.wording)
            if view.wording
            else t("No unified wording yet · w sets it")
        )
        if view.has_roll_call and self.roll is not None:
            roll.update(count_line(self.roll) + " · " + t("r opens it"))
        else:
            roll.update("")

    def update_title(self, view: EmergencyView) -> None:
        now = self.floor.clock.now()
        drill = t("DRILL") + " · " if view.drill else ""
        status = t(emergency.STATUS_WORDS[view.status])
        deferred = len(view.deferred_steps())
        text = f"{drill}{view.title(language())} · {status} · {mmss(view.elapsed(now))}"
        if deferred and view.running:
            text += " · " + t("{count} deferred", count=deferred)
        if not view.running:
            text += "\n" + view.step_counts.text() + " · " + t("v opens the report")
        if view.close_reason:
            text += " · " + view.close_reason
        self.query_one("#emergency-title", Static).update(Text(text))

    def update_step_detail(self) -> None:
        detail = self.query_one("#emergency-step-detail", Static)
        view = self.views.get(self.current or "")
        table = self.query_one("#emergency-steps", DataTable)
        if view is None or table.row_count == 0 or not view.steps:
            detail.update("")
            return
        row = min(max(table.cursor_row, 0), len(view.steps) - 1)
        detail.update(step_detail(view.steps[row], view, self.floor.config.zone()))

    @on(DataTable.RowHighlighted, "#emergency-steps")
    def step_highlighted(self) -> None:
        self.update_step_detail()

    def move_to_next_open(self, after: int, view: EmergencyView) -> None:
        """Put the cursor on the first open step after `after`, else the first open one."""
        still_open = [s.number for s in view.steps if s.state == StepState.OPEN]
        if not still_open:
            return
        target = next((n for n in still_open if n > after), still_open[0])
        table = self.query_one("#emergency-steps", DataTable)
        if str(target) in table.rows:
            table.move_cursor(row=table.get_row_index(str(target)))

    @on(DatabaseChanged)
    def database_changed(self) -> None:
        self.reload()

    @on(Tick)
    def tick(self) -> None:
        if self.views:
            self.refresh_list()
            view = self.views.get(self.current or "")
            if view is not None:
                self.update_title(view)

    @on(DataTable.RowHighlighted, "#emergency-list")
    def emergency_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if not event.data_table.has_focus:  # rows being added, not the manager moving
            return
        key = str(event.row_key.value)
        if key != self.current and key in self.views:
            self.current = key
            self.reload()

    def select_emergency(self, emergency_id: str) -> None:
        self.current = emergency_id
        if self.is_mounted:
            self.reload()

    # ------------------------------------------------------------------ actions
    def selected_step(self) -> int | None:
        if self.current is None:
            self.notify(t("No emergency running"), severity="warning", timeout=3)
            return None
        table = self.query_one("#emergency-steps", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(str(row_key.value))

    def action_step(self, action: str) -> None:
        number = self.selected_step()
        ref = self.current
        if number is None or ref is None:
            return
        if action == "done":

            def done(view: EmergencyView) -> None:
                self.notify(t("Step {number} done", number=number), timeout=3)
                self.move_to_next_open(number, view)
                self.reload()

            self.fm.run_in_thread(
                lambda: lifecycle.step_action(self.floor, ref, number, "done"), done
            )
            return
        prompts = {
            "skip": (t("Skip step {number}: reason", number=number), t("Reason")),
            "defer": (
                t("Defer step {number}: what is deferred and why", number=number),
                t("What and why"),
            ),
            "note": (t("Note on step {number}", number=number), t("Note")),
            "assign": (t("Assign step {number} to", number=number), t("Person")),
        }
        title, placeholder = prompts[action]

        def submit(text: str) -> EmergencyView:
            if action == "defer" and not text.strip():
                # The domain takes a deferral without a note (scripts); on the floor the
                # note is what the next shift reads, so the prompt insists on one.
                raise FloorError("Say what is deferred and why")
            return lifecycle.step_action(self.floor, ref, number, action, text)

        def after(result: Any) -> None:
            if isinstance(result, EmergencyView) and action in ("skip", "defer"):
                self.move_to_next_open(number, result)
            self.after_modal(result)

        self.app.push_screen(EmergencyTextModal(title, placeholder, submit), after)

    def after_modal(self, result: Any) -> None:
        if result is not None:
            self.reload()

    def action_wording(self) -> None:
        ref = self.current
        if ref is None:
            self.notify(t("No emergency running"), severity="warning", timeout=3)
            return
        current = self.views[ref].wording if ref in self.views else ""

        def submit(text: str) -> EmergencyView:
            return lifecycle.set_wording(self.floor, ref, text)

        self.app.push_screen(
            EmergencyTextModal(
                t("Unified wording (统一口径)"), t("What every channel says"), submit, current
            ),
            self.after_modal,
        )

    def action_close(self) -> None:
        ref = self.current
        if ref is None:
            self.notify(t("No emergency running"), severity="warning", timeout=3)
            return

        def done(view: EmergencyView) -> None:
            self.notify(t("Closed: {status}", status=t(emergency.STATUS_WORDS[view.status])))
            self.reload()

        self.fm.run_in_thread(lambda: lifecycle.close(self.floor, ref), done)

    def action_close_early(self) -> None:
        ref = self.current
        view = self.views.get(ref or "")
        if ref is None or view is None or not view.running:
            self.notify(t("No emergency running"), severity="warning", timeout=3)
            return

        def submit(text: str) -> EmergencyView:
            return lifecycle.close_early(self.floor, ref, text)

        open_steps = view.open_steps()
        title = t(
            "Close early ({count} open steps recorded as not done): reason",
            count=len(open_steps),
        )

        def ask_reason() -> None:
            self.app.push_screen(
                EmergencyTextModal(title, t("False alarm, end of the drill, ..."), submit),
                self.after_modal,
            )

        # First a yes/no that names the emergency: which one, drill or real, and what
        # stays undone, so a second emergency under the cursor is not closed by mistake.
        question = t(
            "Close {drill}{title} (started {started}, {elapsed} ago) early?",
            drill=t("DRILL") + " " if view.drill else t("REAL") + " ",
            title=view.title(language()),
            started=view.started_at.astimezone(self.floor.config.zone()).strftime("%H:%M"),
            elapsed=mmss(view.elapsed(self.floor.clock.now())),
        )
        undone = t(", ").join(str(step.number) for step in open_steps)
        detail = (
            t("Steps not done: {steps}; they are recorded as not done.", steps=undone)
            if open_steps
            else t("Every step is stamped.")
        )
        confirm_then(self, question, ask_reason, detail=detail)

    def action_roll_call(self) -> None:
        view = self.views.get(self.current or "")
        if view is None or not view.has_roll_call:
            self.notify(t("This checklist has no roll call"), severity="warning", timeout=3)
            return
        self.app.push_screen(RollCallModal(view.roll_call_id), self.after_modal)

    def action_report(self) -> None:
        if self.current is None:
            self.notify(t("No emergency selected"), severity="warning", timeout=3)
            return
        self.app.push_screen(EmergencyReportModal(self.current))

    @on(DataTable.RowSelected, "#emergency-list")
    def emergency_chosen(self, event: DataTable.RowSelected) -> None:
        self.current = str(event.row_key.value)
        self.action_report()

    def action_start(self) -> None:
        self.fm.action_emergency()


class EmergencyTextModal(FormModal):
    """Ask for one line of text (reason, note, person, wording), then run the domain call."""

    def __init__(
        self,
        title: str,
        placeholder: str,
        submit: Callable[[str], Any],
        value: str = "",
    ) -> None:
        super().__init__(
            title,
            [Field("text", "", value, placeholder=placeholder)],
            lambda values: submit(values["text"]),
        )
