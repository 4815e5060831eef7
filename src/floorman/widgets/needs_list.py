"""The floor's "needs you" list: what needs the duty manager now, worst first.

Rows come from `domain.needs_you` (never computed here). Each row reads without colour:
a mark, what it is, who or where, and how long it has waited. Keys act on the selected
row where it stands: Enter goes to it (its panel, on its record), `a` approves a pending
request, `r` rejects it, `b` marks the agent back, `x` excuses, `v` records a violation;
`o` checks a visitor out, `s` opens the handover's submit, `d` marks a step done (each
the key of its own panel).
The widget only says which verb on which need (`NeedsList.Act`); the floor screen asks
for the confirmation and calls the domain.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from floorman.clock import elapsed_seconds, mmss
from floorman.domain.away.rules import BAND_SYMBOLS
from floorman.domain.core.states import AwayBand, SlipApproval
from floorman.domain.needs_you import Need, NeedKind
from floorman.i18n import fit, language, t

# Mark and colour per kind: the symbol carries the meaning without colour.
KIND_MARKS: dict[str, tuple[str, str]] = {
    NeedKind.AWAY_REQUEST: ("?", "bold cyan"),
    NeedKind.AWAY_OVER: (BAND_SYMBOLS[AwayBand.BREACH], "bold white on red"),
    NeedKind.AWAY_UNAPPROVED: ("U", "bold yellow"),
    NeedKind.VISITOR_OVERSTAY: ("V", "bold yellow"),
    NeedKind.VISITOR_UNESCORTED: ("V", "bold white on red"),
    NeedKind.HANDOVER_DUE: ("H", "bold yellow"),
    NeedKind.EMERGENCY_STEP: ("E", "bold white on red"),
}
KIND_LABELS: dict[str, str] = {
    NeedKind.AWAY_REQUEST: "asks to leave",
    NeedKind.AWAY_OVER: "over the limit",
    NeedKind.AWAY_UNAPPROVED: "away unapproved",
    NeedKind.VISITOR_OVERSTAY: "visitor overstaying",
    NeedKind.VISITOR_UNESCORTED: "visitor unescorted",
    NeedKind.HANDOVER_DUE: "handover due",
    NeedKind.EMERGENCY_STEP: "step overdue",
}
# The verbs a row kind takes where it stands (Enter, going to it, is every kind's).
VERBS: dict[str, frozenset[str]] = {
    NeedKind.AWAY_REQUEST: frozenset({"approve", "reject"}),
    NeedKind.AWAY_OVER: frozenset({"back", "excuse", "violation"}),
    NeedKind.AWAY_UNAPPROVED: frozenset({"back", "excuse", "violation"}),
    NeedKind.VISITOR_OVERSTAY: frozenset({"check_out"}),
    NeedKind.VISITOR_UNESCORTED: frozenset({"check_out"}),
    NeedKind.HANDOVER_DUE: frozenset({"submit"}),
    NeedKind.EMERGENCY_STEP: frozenset({"done"}),
}
# Verbs only an absence nobody allowed takes.
UNAPPROVED_ONLY = frozenset({"excuse", "violation"})
WHO = 22  # cells for who or where: "A-28 欧阳秀英", a visitor's name and company
AGE = 8  # "+1:05:12": over the limit by more than an hour


def who(need: Need) -> str:
    """Who or where a need is about."""
    if need.slip is not None:
        return f"{need.slip.seat} {need.slip.agent_name}"
    if need.kind == NeedKind.EMERGENCY_STEP:
        title, _step = need.words(language())
        return f"{title} {need.step}"
    return need.subject


def row_cells(need: Need, now: datetime) -> tuple[Text, str, str, str]:
    mark, style = KIND_MARKS[need.kind]
    if need.slip is not None and need.kind == NeedKind.AWAY_OVER:
        mark = BAND_SYMBOLS[need.slip.band]
    if need.kind == NeedKind.AWAY_OVER and need.slip is not None:
        age = "+" + mmss(need.slip.over_seconds)
    else:
        age = mmss(elapsed_seconds(need.since, now))
    return (Text(mark, style=style), t(KIND_LABELS[need.kind]), fit(who(need), WHO).rstrip(), age)


class NeedsList(DataTable[object]):
    """The needs-you rows with the keys that act on them."""

    DEFAULT_CSS = """
    NeedsList { height: 1fr; }
    NeedsList:focus { background-tint: $foreground 5%; }
    """
    BINDINGS = [
        Binding("enter", "act('go')", t("Go to it"), id="needs.go"),
        Binding("a", "act('approve')", t("Approve"), id="needs.approve"),
        Binding("r", "act('reject')", t("Reject"), id="needs.reject"),
        Binding("b", "act('back')", t("Back at the seat"), id="needs.back"),
        Binding("x", "act('excuse')", t("Excuse"), id="needs.excuse"),
        Binding("v", "act('violation')", t("Violation"), id="needs.violation"),
        Binding("o", "act('check_out')", t("Check out"), id="needs.check_out"),
        Binding("s", "act('submit')", t("Submit"), id="needs.submit"),
        Binding("d", "act('done')", t("Done"), id="needs.done"),
    ]

    class Act(Message):
        """The duty manager pressed `verb` on this need."""

        def __init__(self, need: Need, verb: str) -> None:
            self.need = need
            self.verb = verb
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, show_header=True)
        self.needs: dict[str, Need] = {}
        self.cells: dict[str, tuple[Text, str, str, str]] = {}

    def on_mount(self) -> None:
        # Fixed widths, never measured from the rows: a width that grows with a new row
        # needs a layout, and the floor behind the lock screen is not laid out until it is
        # on top again, so the new row was drawn cut (`A-06 朱秀` for `A-06 朱秀英`).
        what = max(cell_len(t(label)) for label in [*KIND_LABELS.values(), "Needs you"])
        for key, label, width in (
            ("mark", " ", 1),
            ("what", "Needs you", what),
            ("who", "Who", max(WHO, cell_len(t("Who")))),
            ("age", "Age", max(AGE, cell_len(t("Age")))),
        ):
            self.add_column(t(label), key=key, width=width)

    def show_needs(self, needs: list[Need], now: datetime) -> None:
        """Show these needs in this order, updating only what changed; the cursor stays
        on its record (a new request above it does not slide another under it)."""
        wanted = {need.key: need for need in needs}
        keep = self.selected_key()
        for key in [k for k in self.needs if k not in wanted]:
            self.remove_row(key)
            del self.cells[key]
        for key, need in wanted.items():
            cells = row_cells(need, now)
            if key not in self.cells:
                self.add_row(*cells, key=key)
            elif cells != self.cells[key]:
                for column, before, after in zip(
                    ("mark", "what", "who", "age"), self.cells[key], cells, strict=True
                ):
                    if before != after:
                        self.update_cell(key, column, after)
            self.cells[key] = cells
        self.needs = wanted
        if [str(row.key.value) for row in self.ordered_rows] != list(wanted):
            # The order moved (a reload, never a tick): lay the rows out again in the
            # domain's order; the cursor goes back to its record below.
            self.clear()
            for key in wanted:
                self.add_row(*self.cells[key], key=key)
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep), animate=False)

    def retime(self, now: datetime) -> None:
        """A tick: the ages move; the order is the domain's, from the last reload."""
        for key, need in self.needs.items():
            cells = row_cells(need, now)
            if cells[3] != self.cells[key][3]:
                self.update_cell(key, "age", cells[3])
            self.cells[key] = cells

    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def selected_need(self) -> Need | None:
        key = self.selected_key()
        return self.needs.get(key) if key else None

    def action_act(self, verb: str) -> None:
        need = self.selected_need()
        if need is None:
            self.notify(t("Nothing needs you"), timeout=3)
            return
        # Excusing or recording a violation is for an absence nobody allowed.
        approved = need.slip is not None and need.slip.approval != SlipApproval.UNAPPROVED
        allowed = VERBS.get(need.kind, frozenset())
        if approved:
            allowed = allowed - UNAPPROVED_ONLY
        if verb != "go" and verb not in allowed:
            self.notify(t("Not for this row: Enter goes to it"), severity="warning", timeout=3)
            return
        self.post_message(self.Act(need, verb))
