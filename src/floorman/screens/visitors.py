"""Visitors (key 3): who is registered, waiting, on the floor, and the keys to move them on.

One table of today's visitors: pending, approved, on the floor (with `!` once past the
expected end), and those who left or were turned away in the last day. `n` opens the
registration form (外来人员登记表), `a` approves, `x` rejects with a reason, `i` checks
in, `o` checks out, `f` shows only those on the floor, `c` opens the one roll call
(`screens.roll_call`: it joins the one open, else starts one). Phone and
ID are shown masked, as everywhere. Rows update cell by cell when the database changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import VisitorState
from floorman.domain.operators.permissions import require_personal
from floorman.domain.roll_call import book as roll_call_book
from floorman.domain.roll_call.views import RollCallCount
from floorman.domain.visitors import decisions, presence
from floorman.domain.visitors import registration as visitors_registration
from floorman.domain.visitors.registration import Registration
from floorman.domain.visitors.views import VisitorView
from floorman.i18n import cells as cell_width
from floorman.i18n import t
from floorman.messages import DatabaseChanged, Tick
from floorman.screens.base import CursorOnRow, FloormanScreen
from floorman.screens.forms import Field, FormModal
from floorman.screens.roll_call import RollCallModal, count_line
from floorman.screens.workers import reload_worker
from floorman.widgets.fitted_columns import Column, FittedColumns
from floorman.widgets.fitting_footer import FittingFooter

# What a row shows of each state: a letter first, so it reads without colour.
STATE_LABELS = {
    "pending": "P pending",
    "approved": "A approved",
    "rejected": "R rejected",
    "on_floor": "F on floor",
    "left": "L left",
}
# At 80 columns the masked phone goes first, then the escort, the category, the time out
# (only of those who left), the organisation, the badge and the id; never who, the state,
# the host and the times in and due out.
COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", drop=7),
    Column("state", "State"),
    Column("category", "Category", drop=3),
    Column("name", "Name"),
    Column("organisation", "Organisation", drop=5),
    Column("host", "Host"),
    Column("escort", "Escort", drop=2),
    Column("badge", "Badge", drop=6),
    Column("phone", "Phone", drop=1),
    Column("in", "In"),
    Column("until", "Expected out", short="Due out"),
    Column("out", "Out", drop=4),
)
# Columns whose cells change after the row is first drawn (a check-in fills "In"): a
# DataTable sizes a column from the cells it has when rows are added, so these get a
# width fixed up front, wide enough for what they will ever hold.
TIME_COLUMNS = ("in", "until", "out")
HHMM_CELLS = 5
RECENT = timedelta(hours=24)
CSS = "../styles/visitors.tcss"


def state_label(view: VisitorView, now: datetime) -> str:
    """The state cell: letter and word, `!` when past the expected end, `W` on a watch match."""
    if view.overstayed(now):
        label = "! " + t("overstay")
    else:
        label = state_label_text(STATE_LABELS[view.state])
    return label + (" W" if view.watch_match else "")


def state_column_cells() -> int:
    """Cells the State column needs for its longest label in the current language."""
    labels = [state_label_text(label) for label in STATE_LABELS.values()]
    labels.append("! " + t("overstay"))
    return max(cell_width(label) for label in labels) + len(" W")


def state_label_text(english: str) -> str:
    """ "F on floor" in the current language: the letter stays, the word is translated."""
    letter, word = english.split(" ", 1)
    return f"{letter} {t(word)}"


def column_cells(key: str, label: str) -> int | None:
    """A fixed width for columns that change in place; None lets the table fit the rest."""
    if key == "state":
        return max(cell_width(label), state_column_cells())
    if key in TIME_COLUMNS:
        return max(cell_width(label), HHMM_CELLS)
    return None


def row_cells(view: VisitorView, now: datetime, zone: Any) -> tuple[str, ...]:
    def hhmm(when: datetime | None) -> str:
        return when.astimezone(zone).strftime("%H:%M") if when else ""

    return (
        view.short_id,
        state_label(view, now),
        t(view.category),
        view.name,
        view.organisation,
        view.host,
        view.escort or "",
        view.badge or "",
        view.phone or "",
        hhmm(view.checked_in_at),
        hhmm(view.expected_end_at),
        hhmm(view.checked_out_at),
    )


def shown(view: VisitorView, now: datetime, on_floor_only: bool) -> bool:
    """Open visits always; those that ended only for a day; purged never."""
    if view.purged:
        return False
    if on_floor_only:
        return view.state == VisitorState.ON_FLOOR
    if view.state == VisitorState.LEFT:
        return view.checked_out_at is not None and now - view.checked_out_at < RECENT
    if view.state == VisitorState.REJECTED:
        return view.decided_at is not None and now - view.decided_at < RECENT
    return True


class VisitorsScreen(FloormanScreen):
    """Today's visitors in one table, with keys to register, approve, check in and out."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("n", "register", t("Register"), id="visitors.register"),
        Binding("a", "approve", t("Approve"), id="visitors.approve"),
        Binding("x", "reject", t("Reject"), id="visitors.reject"),
        Binding("i", "check_in", t("Check in"), id="visitors.check_in"),
        Binding("o", "check_out", t("Check out"), id="visitors.check_out"),
        Binding("f", "toggle_on_floor", t("On floor only"), id="visitors.on_floor"),
        Binding("c", "roll_call", t("Roll call"), id="visitors.roll_call"),
    ]
    HELP = t(
        "Visitors: everyone registered today. n registers a visitor (Tab moves between "
        "fields, Enter saves, Esc cancels); a approves the selected visitor (another "
        "department: a duty manager; outside the company: the center director only); "
        "x rejects with a reason; i checks in (only after approval); o checks out; "
        "f shows only those on the floor; c opens the roll call of everyone on the floor "
        "(the one open, a running fire's included, else a new one; Enter or space marks "
        "safe and moves on, u takes a mark back and asks why). "
        "State letters: P pending, A approved, R rejected, F on the floor, L left, "
        "! past the expected end, W on the watch list. Phone and ID are always masked."
    )

    def compose(self) -> ComposeResult:
        yield Static("", id="visitors-summary")
        yield DataTable(id="visitors-table", cursor_type="row", zebra_stripes=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.on_floor_only = False
        self.roll: RollCallCount | None = None
        self.views: dict[str, VisitorView] = {}
        self.rows: dict[str, tuple[str, ...]] = {}
        table = self.query_one(DataTable)
        self.fitted = FittedColumns(
            table,
            [replace(c, width=column_cells(c.key, "")) for c in COLUMNS],
        )
        table.focus()
        self.reload()

    # ------------------------------------------------------------------ loading
    @reload_worker("visitors-reload")
    def reload(self) -> None:
        with self.floor.db.read() as session:
            require_personal(self.floor, session=session)
            views = presence.list_visitors(session)
            count = roll_call_book.open_count(session)
        self.app.call_from_thread(self.show_visitors, views, count)

    def show_visitors(self, views: list[VisitorView], roll: RollCallCount | None = None) -> None:
        self.views = {v.id: v for v in sorted(views, key=lambda v: v.registered_at)}
        self.roll = roll
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """Bring the table in line with `self.views`, touching only cells that changed."""
        table = self.query_one(DataTable)
        now, zone = self.floor.clock.now(), self.floor.config.zone()
        wanted = {
            vid: row_cells(v, now, zone)
            for vid, v in self.views.items()
            if shown(v, now, self.on_floor_only)
        }
        cursor = CursorOnRow(table)
        if self.fitted.fit(wanted.values()):  # other columns fit: every row drawn again
            self.rows = {}
        for vid in [vid for vid in self.rows if vid not in wanted]:
            table.remove_row(vid)
            del self.rows[vid]
        for vid, full in wanted.items():
            cells = self.fitted.cells(full)
            old = self.rows.get(vid)
            if old is None:
                table.add_row(*cells, key=vid)
            else:
                for column, before, after in zip(self.fitted.keys(), old, cells, strict=True):
                    if before != after:
                        # update_width: an escort or badge added later widens its column.
                        table.update_cell(vid, column, after, update_width=True)
            self.rows[vid] = cells
        cursor.put_back()
        counts = {s: 0 for s in STATE_LABELS}
        for v in self.views.values():
            counts[v.state] += 1
        overstay = sum(1 for v in self.views.values() if v.overstayed(now))
        summary = t(
            "Visitors · {on_floor} on the floor · {pending} waiting for approval · "
            "{approved} approved, not yet in",
            on_floor=counts["on_floor"],
            pending=counts["pending"],
            approved=counts["approved"],
        )
        if overstay:
            summary += " · " + t("{count} past the expected end", count=overstay)
        if self.on_floor_only:
            summary += " · " + t("showing only those on the floor (f shows all)")
        if self.roll is not None:
            summary += "\n" + count_line(self.roll) + " · " + t("c opens it")
        self.query_one("#visitors-summary", Static).update(summary)

    @on(DatabaseChanged)
    def database_changed(self) -> None:
        self.reload()

    @on(Tick)
    def tick(self) -> None:
        if self.views:
            self.refresh_rows()

    def on_resize(self, _event: events.Resize) -> None:
        # The columns that fit change with the width.
        self.call_after_refresh(self.tick)

    # ------------------------------------------------------------------ actions
    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            self.notify(t("No visitor selected"), severity="warning", timeout=3)
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    def run_domain(self, func: Callable[[], Any], done_message: str) -> None:
        def done(_result: Any) -> None:
            self.notify(done_message, timeout=3)
            self.reload()

        self.fm.run_in_thread(func, done)

    def action_register(self) -> None:
        def registered(view: VisitorView | None) -> None:
            if view is not None:
                self.reload()
                note = t("Registered {name}: waiting for approval", name=view.name)
                if view.watch_match:
                    note += " · " + t("WATCH LIST MATCH")
                self.notify(note, timeout=4)

        self.app.push_screen(RegisterVisitorModal(self.floor), registered)

    def action_approve(self) -> None:
        ref = self.selected()
        if ref:
            self.run_domain(lambda: decisions.approve(self.floor, ref), t("Approved"))

    def action_reject(self) -> None:
        ref = self.selected()
        if ref is None:
            return

        def rejected(view: VisitorView | None) -> None:
            if view is not None:
                self.reload()
                self.notify(t("Rejected"), timeout=3)

        self.app.push_screen(RejectVisitorModal(self.floor, ref), rejected)

    def action_check_in(self) -> None:
        ref = self.selected()
        if ref:
            self.run_domain(lambda: presence.check_in(self.floor, ref), t("Checked in"))

    def action_check_out(self) -> None:
        ref = self.selected()
        if ref:
            self.run_domain(lambda: presence.check_out(self.floor, ref), t("Checked out"))

    def action_toggle_on_floor(self) -> None:
        self.on_floor_only = not self.on_floor_only
        self.refresh_rows()

    def action_roll_call(self) -> None:
        self.app.push_screen(RollCallModal())


# The registration form's text fields: (key, English label, typed without echo).
FORM_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("name", "Name", False),
    ("organisation", "Organisation / department", False),
    ("purpose", "Purpose", False),
    ("host", "Host (visiting whom)", False),
    ("escort", "Escort (required if external)", False),
    ("phone", "Phone", False),
    ("id-number", "ID number (optional)", True),
    ("badge", "Badge", False),
)
CATEGORIES = (("Another department", "internal"), ("Outside the company", "external"))


def expected_minutes(text: str) -> int | None:
    """The form's expected minutes: empty (the configured default) or a whole number."""
    try:
        return int(text.strip()) if text.strip() else None
    except ValueError as exc:
        raise FloorError("Expected minutes must be a whole number") from exc


def registration(values: dict[str, str]) -> Registration:
    """What the registration form holds, as the domain's Registration."""
    return Registration(
        name=values["name"],
        organisation=values["organisation"],
        category=values["category"],
        purpose=values["purpose"],
        host=values["host"],
        escort=values["escort"] or None,
        phone=values["phone"] or None,
        id_number=values["id-number"] or None,
        badge=values["badge"] or None,
        expected_minutes=expected_minutes(values["minutes"]),
    )


class RegisterVisitorModal(FormModal):
    """The registration form (外来人员登记表); closes only when the domain registered it."""

    def __init__(self, floor: Floor) -> None:
        minutes = str(floor.config.visitors.default_duration_minutes)
        super().__init__(
            t("Register a visitor"),
            [
                Field("category", "Category", choices=tuple((t(w), k) for w, k in CATEGORIES)),
                *(Field(key, label, secret=masked) for key, label, masked in FORM_FIELDS),
                Field("minutes", "Expected minutes", minutes, check=expected_minutes),
            ],
            lambda values: visitors_registration.register(floor, registration(values)),
            focus="name",
        )


class RejectVisitorModal(FormModal):
    """Ask for the reason, then reject; the reason is kept with the visit."""

    def __init__(self, floor: Floor, visitor_id: str) -> None:
        super().__init__(
            t("Reject this visitor"),
            [Field("reason", "Reason", placeholder=t("Reason"))],
            lambda values: decisions.reject(floor, visitor_id, values["reason"]),
        )
