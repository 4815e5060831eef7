"""How an emergency and its steps read in the emergencies panel: state labels, column
widths fitted to the screen, cells cut with "…", the selected step in full."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from floorman.clock import mmss
from floorman.domain.core.states import StepState
from floorman.domain.emergency.views import EmergencyView, StepView
from floorman.i18n import language, t

# What a step's state cell shows: a letter first, so it reads without colour.
STATE_LABELS = {
    "open": (" ", "open"),
    "done": ("x", "done"),
    "skipped": ("-", "skipped"),
    "deferred": (">", "deferred"),
    "not_done": ("!", "not done"),
}
LIST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "ID"),
    ("priority", "P"),
    ("title", "Emergency"),
    ("elapsed", "Elapsed"),
    ("progress", "Steps"),
)
STEP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("no", "No."),
    ("state", "State"),
    ("step", "Step"),
    ("by", "By"),
    ("at", "At"),
    ("assignee", "Assigned"),
)


# Fixed widths (cells) of the step table's short columns; the step text gets the rest.
BY_WIDTH = 10
AT_WIDTH = 8
ASSIGNEE_WIDTH = 12
MIN_STEP_WIDTH = 16
# Each column is padded one cell either side; the vertical scrollbar takes two more.
CELL_PADDING = 2
SCROLLBAR = 2
# The step table's columns dropped at a narrow width, in this order.
NARROW_DROPS = ("assignee", "by", "at")


def state_label(step: StepView) -> str:
    letter, word = STATE_LABELS.get(step.state, ("?", step.state))
    return f"{letter} {t(word)}"


def state_width() -> int:
    """Room for the widest state label in the current language, so none is ever cut."""
    return max(cell_len(f"{letter} {t(word)}") for letter, word in STATE_LABELS.values())


def clip(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells with a trailing "…" (CJK counts two cells)."""
    if cell_len(text) <= width:
        return text
    out = ""
    for char in text:
        if cell_len(out + char) > width - 1:
            break
        out += char
    return out + "…"


def step_widths(table_width: int) -> dict[str, int]:
    """Column widths that fit `table_width`: fixed short columns, the step text the rest.
    At a narrow width (80 columns: the steps get half) who is assigned goes first, then
    who acted and when: the selected step's detail below the table says them in full."""
    widths = {
        "no": max(3, cell_len(t("No."))),
        "state": max(state_width(), cell_len(t("State"))),
        "by": BY_WIDTH,
        "at": AT_WIDTH,
        "assignee": ASSIGNEE_WIDTH,
    }
    for dropped in (None, *NARROW_DROPS):
        if dropped is not None:
            del widths[dropped]
        rest = table_width - SCROLLBAR - sum(widths.values()) - CELL_PADDING * (len(widths) + 1)
        if rest >= MIN_STEP_WIDTH:
            break
    widths["step"] = max(MIN_STEP_WIDTH, rest)
    return {key: widths[key] for key, _label in STEP_COLUMNS if key in widths}


def list_cells(view: EmergencyView, now: datetime) -> tuple[str, ...]:
    """A row of the list: `!` marks a running one; closed ones show their duration."""
    drill = t("DRILL") + " " if view.drill else ""
    counts = view.step_counts
    # Steps dealt with (done, skipped, deferred), then `!N` not done at an early close.
    progress = f"{counts.handled}/{counts.total}"
    if counts.not_done:
        progress += f" !{counts.not_done}"
    return (
        view.short_id,
        f"P{view.priority}",
        f"{'!' if view.running else ' '} {drill}{view.title(language())}",
        mmss(view.elapsed(now)),
        progress,
    )


def step_cells(step: StepView, zone: Any, widths: dict[str, int]) -> tuple[Text, ...]:
    """One row of the step table; Text, not str, so "[" in user text is not markup."""
    at = step.state_at.astimezone(zone).strftime("%H:%M:%S") if step.state_at else ""
    return tuple(
        Text(clip(value, widths[key]))
        for key, value in (
            ("no", str(step.number)),
            ("state", state_label(step)),
            ("step", step.text(language())),
            ("by", step.state_by or ""),
            ("at", at),
            ("assignee", step.assignee or ""),
        )
        if key in widths
    )


def step_detail(step: StepView, view: EmergencyView, zone: Any) -> Text:
    """The selected step in full: its text wrapped, state, who, when, assigned, notes."""
    head = [t("Step {number}", number=step.number), state_label(step)]
    if step.state_by:
        head.append(t("by {person}", person=step.state_by))
    if step.state_at:
        head.append(step.state_at.astimezone(zone).strftime("%H:%M:%S"))
    head.append(
        t("assigned to {person}", person=step.assignee)
        if step.assignee
        else t("not assigned · a assigns")
    )
    lines = [" · ".join(head), step.text(language())]
    if step.state == StepState.SKIPPED and step.skip_reason:
        lines.append(t("Reason: {text}", text=step.skip_reason))
    if step.state == StepState.DEFERRED:
        lines.append(t("Deferred: {text}", text=step.defer_note or "-"))
    if step.state == StepState.NOT_DONE:
        lines.append(t("Not done: closed early ({reason})", reason=view.close_reason or "-"))
    lines.extend(t("Note: {text}", text=note) for note in step.notes[-3:])
    return Text("\n".join(lines))
