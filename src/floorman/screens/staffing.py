"""Staffing (key 6): the Erlang C calculator beside the manual's seat table and ratios.

Left, the Erlang C form: calls, interval, handle time, service-level target, maximum
occupancy and shrinkage give the agents needed, shown with the figures for a few
numbers of agents around the answer so the duty manager sees what one more or one
fewer does. Right, the manual's rules: busy-hour and daily volumes give the seats to
open and the people for every post, and the seats staffed right now against the seats
required, with a plain "SHORT BY" when there are too few. Figures recompute as the
duty manager types; the staffed count reloads in a worker whenever the database changes.
"""

from __future__ import annotations

import math

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Label, Static

from floorman.domain.core.errors import FloorError, Word
from floorman.domain.staffing.defaults import (
    DEFAULT_ANSWER_WITHIN_SECONDS,
    DEFAULT_MAX_OCCUPANCY,
    DEFAULT_SHRINKAGE,
    DEFAULT_TARGET_SL,
)
from floorman.domain.staffing.erlang import (
    ErlangInput,
    check_erlang_input,
    erlang_for_agents,
    erlang_staffing,
)
from floorman.domain.staffing.gap import compare, staffed_seats
from floorman.domain.staffing.manual import ManualPlan, SeatTable, manual_plan
from floorman.i18n import t
from floorman.messages import DatabaseChanged
from floorman.screens.base import FloormanScreen
from floorman.screens.workers import reload_worker
from floorman.widgets.fitted_columns import Column, FittedColumns
from floorman.widgets.fitting_footer import FittingFooter

# Input id -> (English label, default value). Times in seconds, shares as fractions; the
# Erlang defaults are the domain's, shared with `floorman staffing erlang`.
ERLANG_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("calls", "Calls", "100"),
    ("interval", "Interval (s)", "1800"),
    ("aht", "Handle time (s)", "180"),
    ("target-sl", "Target SL (0-1)", f"{DEFAULT_TARGET_SL:g}"),
    ("answer-within", "Answer within (s)", f"{DEFAULT_ANSWER_WITHIN_SECONDS:g}"),
    ("max-occupancy", "Max occupancy", f"{DEFAULT_MAX_OCCUPANCY:g}"),
    ("shrinkage", "Shrinkage", f"{DEFAULT_SHRINKAGE:g}"),
)
MANUAL_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("busy-hour-calls", "Busy-hour calls", "300"),
    ("daily-requests", "Daily requests", "3000"),
)
# At 80 columns the Erlang table sits in half the screen: short labels, then the roster
# and the wait probability go (the summary line above says the roster's figure).
ERLANG_COLUMNS = (
    Column("agents", "Agents"),
    Column("sl", "Service level", short="SL"),
    Column("asa", "Avg answer", short="ASA"),
    Column("occupancy", "Agent occupancy", short="Occ."),
    Column("wait", "Wait", drop=1),
    Column("roster", "Roster", drop=2),
)
# Agents shown around the answer: a few fewer, the answer, a few more.
ROWS_BELOW, ROWS_ABOVE = 2, 3


def _number(text: str, label: str) -> float:
    try:
        value = float(text.strip())
    except ValueError as exc:
        raise FloorError("{field}: not a number", field=Word(label)) from exc
    return value


class StaffingScreen(FloormanScreen):
    """Erlang C form with a result table, and the manual's seat table and staffing plan."""

    CSS_PATH = "../styles/staffing.tcss"
    BINDINGS = [
        Binding("e", "edit", t("Edit figures"), id="staffing.edit"),
        Binding("ctrl+r", "recalculate", t("Recalculate"), id="staffing.recalculate"),
        Binding("escape", "leave_input", t("Leave the field"), show=False, id="staffing.leave"),
    ]
    HELP = t(
        "Staffing: on the left, Erlang C. Type the calls in an interval, the interval and "
        "the average handle time in seconds, the target (0.8 = 80% answered within the "
        "given seconds), the highest occupancy and the shrinkage. The table shows agents "
        "around the answer: > marks the answer, + a number that meets the target. On the "
        "right, the manual's rules: busy-hour calls and daily requests give the seats to "
        "open and every post; staffed seats now are compared with the seats required. "
        "e edits the figures (the cursor goes to Calls), Tab moves between fields, Esc "
        "leaves a field so the letter and number keys are the panel's again."
    )

    def compose(self) -> ComposeResult:
        yield Static(
            t("Staffing: Erlang C and the manual's rules"), classes="title", id="staffing-title"
        )
        with Horizontal(id="staffing-columns"):
            with VerticalScroll(id="erlang-column"):
                yield Static(t("Erlang C"), classes="title")
                for key, label, default in ERLANG_FIELDS:
                    with Horizontal(classes="field"):
                        yield Label(t(label), classes="field-label")
                        yield Input(default, id=f"erlang-{key}", compact=True)
                yield Static("", id="erlang-summary")
                yield DataTable(id="erlang-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="manual-column"):
                yield Static(t("The manual's rules"), classes="title")
                for key, label, default in MANUAL_FIELDS:
                    with Horizontal(classes="field"):
                        yield Label(t(label), classes="field-label")
                        yield Input(default, id=f"manual-{key}", compact=True)
                yield Static("", id="staffed-line")
                yield DataTable(id="manual-plan", cursor_type="row", zebra_stripes=True)
                yield Static(t("Seat table (busy hour)"), classes="title")
                yield DataTable(id="seat-table", cursor_type="row", zebra_stripes=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.table = SeatTable()
        self.staffed: int | None = None
        self.plan: ManualPlan | None = None
        erlang = self.query_one("#erlang-table", DataTable)
        self.erlang_columns = FittedColumns(erlang, ERLANG_COLUMNS)
        self.query_one("#manual-plan", DataTable).add_columns(t("Post"), t("People"))
        seats = self.query_one("#seat-table", DataTable)
        seats.add_columns(t("Calls up to"), t("Seats"))
        for calls, count in self.table.rows:
            seats.add_row(str(calls), str(count))
        seats.add_row(
            t("each +{calls}", calls=self.table.step_calls),
            t("+{seats}", seats=self.table.step_seats),
        )
        # No field has the focus until `e`: the global keys (`!`, digits, `q`) stay global.
        erlang.focus()
        self.action_recalculate()
        self.reload_staffed()
        self.call_after_refresh(self.calculate_erlang)  # fitted to the laid-out column

    def on_resize(self, _event: events.Resize) -> None:
        # The Erlang columns that fit change with the width.
        self.call_after_refresh(self.calculate_erlang)

    # ------------------------------------------------------------------ Erlang C
    def erlang_inputs(self) -> ErlangInput:
        values = {
            key: _number(self.query_one(f"#erlang-{key}", Input).value, label)
            for key, label, _default in ERLANG_FIELDS
        }
        return check_erlang_input(
            values["calls"],
            values["interval"],
            values["aht"],
            values["target-sl"],
            values["answer-within"],
            values["max-occupancy"],
            values["shrinkage"],
        )

    def calculate_erlang(self) -> None:
        summary = self.query_one("#erlang-summary", Static)
        table = self.query_one("#erlang-table", DataTable)
        try:
            inputs = self.erlang_inputs()
            answer = erlang_staffing(inputs)
        except FloorError as exc:
            summary.update(f"! {exc}")
            summary.add_class("error")
            table.clear()
            return
        summary.remove_class("error")
        summary.update(
            t(
                "{agents} agents ({scheduled} on the roster): {sl} within {within} s, "
                "average answer {asa} s, occupancy {occ}, {erlangs} Erlangs",
                agents=answer.agents,
                scheduled=answer.scheduled,
                sl=f"{answer.service_level:.1%}",
                within=f"{inputs.answer_within_seconds:g}",
                asa=f"{answer.asa_seconds:.1f}",
                occ=f"{answer.occupancy:.1%}",
                erlangs=f"{answer.traffic_erlangs:.2f}",
            )
        )
        table.clear()
        lowest = max(1, math.floor(answer.traffic_erlangs) + 1, answer.agents - ROWS_BELOW)
        rows = {}
        for agents in range(lowest, answer.agents + ROWS_ABOVE + 1):
            row = answer if agents == answer.agents else erlang_for_agents(inputs, agents)
            mark = ">" if agents == answer.agents else ("+" if row.meets_target else " ")
            rows[str(agents)] = (
                f"{mark} {agents}",
                f"{row.service_level:.1%}",
                f"{row.asa_seconds:.1f} s",
                f"{row.occupancy:.1%}",
                f"{row.wait_probability:.1%}",
                str(row.scheduled),
            )
        self.erlang_columns.fit(rows.values())
        for key, cells in rows.items():
            table.add_row(*self.erlang_columns.cells(cells), key=key)

    # ------------------------------------------------------------------ the manual
    def calculate_manual(self) -> None:
        line = self.query_one("#staffed-line", Static)
        table = self.query_one("#manual-plan", DataTable)
        try:
            busy = _number(
                self.query_one("#manual-busy-hour-calls", Input).value, "Busy-hour calls"
            )
            daily = _number(self.query_one("#manual-daily-requests", Input).value, "Daily requests")
            shifts = len(self.floor.config.shifts.pattern)
            self.plan = manual_plan(busy, daily, table=self.table, shifts=shifts)
        except FloorError as exc:
            self.plan = None
            line.update(f"! {exc}")
            line.add_class("error")
            table.clear()
            return
        plan = self.plan
        table.clear()
        for label, value in (
            ("Seats to open", plan.seats),
            ("b value", plan.b_value),
            ("Front-line agents", plan.front_line),
            ("Back-office agents", plan.back_office),
            ("QA", plan.qa),
            ("Duty managers", plan.duty_managers),
            ("Trainers", plan.trainers),
            ("Information editors", plan.info_editors),
            ("Data analysts", plan.data_analysts),
            ("Management", plan.management),
            ("Spares", plan.spares),
            ("Headcount", plan.headcount),
        ):
            table.add_row(t(label), str(value))
        self.show_staffed()

    def show_staffed(self) -> None:
        line = self.query_one("#staffed-line", Static)
        if self.plan is None:
            return
        if self.staffed is None:
            line.update(t("Staffed now: reading the floor..."))
            return
        gap = compare(self.plan.seats, self.staffed)
        line.set_class(not gap.enough, "error")
        if gap.enough:
            line.update(
                t(
                    "Staffed now {staffed} of {required} required: enough",
                    staffed=gap.staffed,
                    required=gap.required,
                )
            )
        else:
            line.update(
                t(
                    "! Staffed now {staffed} of {required} required: SHORT BY {short}",
                    staffed=gap.staffed,
                    required=gap.required,
                    short=gap.short_by,
                )
            )

    @reload_worker("staffing-reload")
    def reload_staffed(self) -> None:
        with self.floor.db.read() as session:
            staffed = staffed_seats(session)
        self.app.call_from_thread(self.set_staffed, staffed)

    def set_staffed(self, staffed: int) -> None:
        self.staffed = staffed
        self.show_staffed()

    # ------------------------------------------------------------------ events
    @on(Input.Changed)
    def input_changed(self, event: Input.Changed) -> None:
        if (event.input.id or "").startswith("erlang-"):
            self.calculate_erlang()
        else:
            self.calculate_manual()

    @on(DatabaseChanged)
    def database_changed(self) -> None:
        self.reload_staffed()

    def action_recalculate(self) -> None:
        self.calculate_erlang()
        self.calculate_manual()

    def action_edit(self) -> None:
        self.query_one("#erlang-calls", Input).focus()

    def action_leave_input(self) -> None:
        self.query_one("#erlang-table", DataTable).focus()
