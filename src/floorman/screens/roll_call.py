"""The one roll call (点名) dialog, opened from the visitors panel (`c`) and from the
emergencies panel (`r`): everyone on the floor, staff and visitors, with a kind column.

It shows the one roll call of `domain.roll_call`: opened without an id it joins the
roll call open now (a running fire's, or one started before) or starts one; with an id,
that roll call. Every mark is in the database, so leaving the dialog, a restart or
another terminal shows the same marks (the dialog reloads when the database changes).

`Enter` or `space` marks the selected person safe and moves to the next one not yet
safe, at once: the marks are saved by one worker (a burst of keys in one transaction)
while the cursor already waits on the next person, so a floor of 110 is rolled in 110
keys. `u` takes a mark back and asks why.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from floorman.domain.core.states import PersonKind
from floorman.domain.operators.permissions import require_personal
from floorman.domain.roll_call import book
from floorman.domain.roll_call.views import RollCallCount, RollCallEntryView, RollCallView
from floorman.i18n import t
from floorman.messages import DatabaseChanged
from floorman.screens.base import FloormanModal
from floorman.screens.forms import Field, FormModal
from floorman.screens.workers import reload_worker

CSS = "../styles/roll_call.tcss"
COLUMNS: tuple[tuple[str, str], ...] = (
    ("no", "No."),
    ("safe", "Safe"),
    ("kind", "Kind"),
    ("name", "Name"),
    ("where", "Where"),
    ("by", "Marked by"),
)
# "[x]" as Text, not str: a str "[x]" would be read as markup and vanish.
SAFE, NOT_SAFE = Text("[x]"), Text("[ ]")


def count_line(count: RollCallCount) -> str:
    """The one way a roll-call count reads, on every panel."""
    return t(
        "Roll call · {people} people · {safe} safe · {missing} not yet safe",
        people=count.people,
        safe=count.safe,
        missing=count.not_yet_safe,
    )


def where_cell(entry: RollCallEntryView) -> str:
    """Where to look for someone, in the current language."""
    if entry.seat:
        return t("seat {seat}", seat=entry.seat)
    parts = [
        t("badge {badge}", badge=entry.badge) if entry.badge else "",
        t("escort {name}", name=entry.escort) if entry.escort else "",
        t("host {name}", name=entry.host) if entry.host else "",
        entry.place or "",
    ]
    return t(", ").join(p for p in parts if p)


def marked_cell(entry: RollCallEntryView, zone: Any) -> str:
    if entry.safe_at is None:
        return ""
    return f"{entry.safe_by} {entry.safe_at.astimezone(zone):%H:%M}"


def kind_cell(kind: PersonKind) -> str:
    return t(str(kind))


class RollCallModal(FloormanModal):
    """The one roll call: Enter or space marks the selected person safe and moves on."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "close", t("Close"), id="rollcall.close"),
        Binding("enter", "mark_safe", t("Mark safe"), id="rollcall.safe", priority=True),
        Binding("space", "mark_safe", t("Mark safe"), id="rollcall.safe_space", show=False),
        Binding("u", "unmark", t("Not safe"), id="rollcall.unmark"),
    ]

    def __init__(self, roll_call_id: str | None = None) -> None:
        super().__init__()
        self.roll_call_id = roll_call_id
        self.view: RollCallView | None = None
        # Marks sent but not yet read back: shown at once, so quick keys never mark twice.
        self.pending: set[int] = set()
        # Marks waiting for the one worker that sends them (`send_marks`).
        self.queue: list[int] = []
        self.draining = False
        self.sending = threading.Lock()
        # What each row shows now (safe, marked by), so a reading redraws only changes.
        self.drawn: dict[str, tuple[bool, str]] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="roll-call"):
            yield Static(t("Roll call"), id="roll-call-title", classes="title")
            yield DataTable(id="roll-call-table", cursor_type="row", zebra_stripes=True)
            yield Static(
                t(
                    "Enter or space marks safe and moves on · u not safe (asks why) · "
                    "Esc closes · print: floorman visitors rollcall show"
                ),
                id="roll-call-hint",
                classes="hint",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in COLUMNS:
            table.add_column(t(label), key=key)
        table.focus()
        self.load(join=self.roll_call_id is None)

    # ------------------------------------------------------------------ loading
    @reload_worker("roll-call")
    def load(self, join: bool = False) -> None:
        # Names of staff and visitors: only for a role allowed to see personal data.
        with self.floor.db.read() as session:
            require_personal(self.floor, session=session)
        if join:
            view = book.start_roll_call(self.floor, t("Roll call"))
        else:
            with self.floor.db.read() as session:
                view = book.roll_call(session, self.roll_call_id)
        self.app.call_from_thread(self.show, view)

    @on(DatabaseChanged)
    def database_changed(self) -> None:
        if self.roll_call_id is not None:
            self.load()

    def is_safe(self, entry: RollCallEntryView) -> bool:
        return entry.safe_at is not None or entry.position in self.pending

    def show(self, view: RollCallView) -> None:
        self.roll_call_id = view.id
        self.view = view
        # A pending mark is kept until a reading shows it, so an older reading arriving
        # late never takes it off the screen.
        with self.sending:
            self.pending -= {p for p in self.pending if self.entry_safe(p)}
        table = self.query_one(DataTable)
        first = not self.drawn
        zone = self.floor.config.zone()
        for entry in view.entries:
            key = str(entry.position)
            safe, by = self.is_safe(entry), marked_cell(entry, zone)
            drawn = self.drawn.get(key)
            if drawn is None:
                table.add_row(
                    key,
                    SAFE if safe else NOT_SAFE,
                    kind_cell(entry.kind),
                    entry.name,
                    where_cell(entry),
                    by,
                    key=key,
                )
            elif drawn != (safe, by):
                # Only the cells that changed: a reading after each burst of keys touches
                # the few rows marked, not all 110.
                if drawn[0] != safe:
                    table.update_cell(key, "safe", SAFE if safe else NOT_SAFE)
                if drawn[1] != by:
                    table.update_cell(key, "by", by, update_width=True)
            self.drawn[key] = (safe, by)
        if first and view.entries and view.entries[0].safe_at is not None:
            # Reopened (after a restart, from another panel): go on where the roll stopped.
            self.move_to_next_not_safe(0)
        self.update_title()

    def entry(self, position: int) -> RollCallEntryView | None:
        if self.view is None:
            return None
        return next((e for e in self.view.entries if e.position == position), None)

    def entry_safe(self, position: int) -> bool:
        entry = self.entry(position)
        return entry is not None and entry.safe_at is not None

    def update_title(self) -> None:
        if self.view is None:
            return
        entries = self.view.entries
        count = RollCallCount(
            people=len(entries),
            safe=sum(1 for e in entries if self.is_safe(e)),
            staff=sum(1 for e in entries if e.kind == PersonKind.STAFF),
            visitors=sum(1 for e in entries if e.kind == PersonKind.VISITOR),
        )
        title = count_line(count)
        if self.view.closed_at is not None:
            title += " · " + t("closed {time}", time=self.local(self.view.closed_at))
        self.query_one("#roll-call-title", Static).update(title)

    def local(self, when: datetime) -> str:
        return when.astimezone(self.floor.config.zone()).strftime("%H:%M")

    # ------------------------------------------------------------------ marking
    def selected_position(self) -> int | None:
        table = self.query_one(DataTable)
        if table.row_count == 0 or self.roll_call_id is None:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(str(row_key.value))

    def move_to_next_not_safe(self, after: int) -> None:
        """The cursor on the next person not yet safe after `after`, else the first one."""
        if self.view is None:
            return
        waiting = [e.position for e in self.view.entries if not self.is_safe(e)]
        if not waiting:
            return
        target = next((p for p in waiting if p > after), waiting[0])
        table = self.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(str(target)), animate=False)

    def action_mark_safe(self) -> None:
        position = self.selected_position()
        entry = self.entry(position) if position is not None else None
        if position is None or entry is None:
            return
        if self.is_safe(entry):
            self.notify(
                t("Number {number} is already safe · u takes the mark back", number=position),
                timeout=3,
            )
            self.move_to_next_not_safe(position)
            return
        self.pending.add(position)
        self.query_one(DataTable).update_cell(str(position), "safe", SAFE)
        self.drawn[str(position)] = (True, self.drawn.get(str(position), (False, ""))[1])
        self.update_title()
        self.move_to_next_not_safe(position)
        with self.sending:
            self.queue.append(position)
            start = not self.draining
            self.draining = True
        if start:
            self.fm.run_in_thread(self.send_marks, self.marks_sent)

    def send_marks(self) -> None:
        """In a worker: send the marks queued, a burst in one transaction, until none is
        left. Keys pressed meanwhile join the queue; nobody is marked twice."""
        roll_id = self.roll_call_id
        while True:
            with self.sending:
                batch, self.queue = self.queue, []
                if not batch:
                    self.draining = False
                    return
            try:
                book.mark_safe(self.floor, batch, roll_id, skip_marked=True)
            except Exception:
                # Refused (the roll call closed meanwhile): show what is stored.
                with self.sending:
                    self.pending.difference_update(batch + self.queue)
                    self.queue, self.draining = [], False
                self.app.call_from_thread(self.load)
                raise

    def marks_sent(self, _none: None) -> None:
        self.load()

    def action_unmark(self) -> None:
        position = self.selected_position()
        if position is None:
            return
        if not self.entry_safe(position):
            self.notify(t("Number {number} is not marked safe", number=position), timeout=3)
            return
        floor, roll_id = self.floor, self.roll_call_id

        def unmarked(view: RollCallView | None) -> None:
            if view is not None:
                self.show(view)

        self.app.push_screen(
            FormModal(
                t("Number {number} is not safe after all: why?", number=position),
                [Field("reason", "Reason", placeholder=t("Marked by mistake, went back in, ..."))],
                lambda values: book.unmark_safe(floor, position, values["reason"], roll_id),
            ),
            unmarked,
        )

    def action_close(self) -> None:
        self.dismiss(True)
