"""What an emergency shows (steps, wording, timeline), and finding and listing them.

`find_emergency` is the one way a typed reference names an emergency (core.lookup).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from floorman.clock import elapsed_seconds, mmss
from floorman.data.tables.emergency import Emergency, EmergencyEvent, EmergencyStep
from floorman.domain.core.lookup import by_id_prefix
from floorman.domain.core.states import EmergencyStatus, StepState
from floorman.domain.core.text import clean
from floorman.i18n import t

# How long a closed emergency stays listed on the emergencies panel.
KEPT_IN_SIGHT_DAYS = 7
STATUS_WORDS: dict[str, str] = {
    EmergencyStatus.RUNNING: "running",
    EmergencyStatus.COMPLETE: "complete",
    EmergencyStatus.COMPLETE_WITH_DEFERRED: "complete with deferred items",
    EmergencyStatus.CLOSED_EARLY: "closed early",
}
# How each timeline action reads in the report and on the screen (stored in English).
ACTION_WORDS: dict[str, str] = {
    "start": "started",
    "step.done": "step done",
    "step.skip": "step skipped",
    "step.defer": "step deferred",
    "step.note": "note",
    "step.assign": "assigned",
    "wording": "wording set",
    "safe": "marked safe",
    "unsafe": "safe mark taken back",
    "roll_call.add": "added to the roll call",
    "close": "closed",
    "close_early": "closed early",
}
# "not_done": a step still open when the checklist was closed early (a false alarm, the
# end of a drill); it is stamped with the close so the report says who left it and when.
STEP_LETTERS: dict[str, str] = {
    StepState.OPEN: " ",
    StepState.DONE: "x",
    StepState.SKIPPED: "-",
    StepState.DEFERRED: ">",
    StepState.NOT_DONE: "!",
}


@dataclass(frozen=True)
class StepView:
    """A step as the screen, the CLI and the report show it."""

    number: int
    text_en: str
    text_zh: str
    state: str
    state_at: datetime | None
    state_by: str | None
    skip_reason: str | None
    assignee: str | None
    reminder_minutes: int | None
    # From the timeline: what the last deferral said (what is deferred and why), and the
    # notes on this step, oldest first.
    defer_note: str | None = None
    notes: tuple[str, ...] = ()

    def text(self, lang: str = "en") -> str:
        return self.text_zh if lang == "zh" and self.text_zh else self.text_en

    @property
    def letter(self) -> str:
        return STEP_LETTERS.get(self.state, "?")


@dataclass(frozen=True)
class StepCounts:
    """The one count of a checklist's steps: the panel, `emergency list`/`show` and the
    report all show these numbers, running or closed."""

    done: int
    skipped: int
    deferred: int
    not_done: int
    open: int

    @property
    def total(self) -> int:
        return self.done + self.skipped + self.deferred + self.not_done + self.open

    @property
    def handled(self) -> int:
        """Steps dealt with: done, skipped or deferred (not done and open are not)."""
        return self.done + self.skipped + self.deferred

    def as_json(self) -> dict[str, int]:
        return {
            "done": self.done,
            "skipped": self.skipped,
            "deferred": self.deferred,
            "not_done": self.not_done,
            "open": self.open,
            "total": self.total,
        }

    def text(self, tr: Callable[..., str] = t) -> str:
        """'4 done, 1 skipped, 2 deferred, 3 not done of 10' (open steps too while running),
        said by `tr` (the current language; the report passes its own)."""
        text = tr(
            "{done} done, {skipped} skipped, {deferred} deferred, {not_done} not done",
            done=self.done,
            skipped=self.skipped,
            deferred=self.deferred,
            not_done=self.not_done,
        )
        if self.open:
            text += tr(", {count} open", count=self.open)
        return text + tr(" of {total}", total=self.total)


def count_steps(steps: Iterable[StepView]) -> StepCounts:
    """How many steps are in each state."""
    tally = {state: 0 for state in StepState}
    for step in steps:
        tally[StepState(step.state)] += 1
    return StepCounts(
        done=tally[StepState.DONE],
        skipped=tally[StepState.SKIPPED],
        deferred=tally[StepState.DEFERRED],
        not_done=tally[StepState.NOT_DONE],
        open=tally[StepState.OPEN],
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline: when, who, from which terminal, what, which step, text."""

    seq: int
    at: datetime
    actor: str
    terminal: str
    action: str
    step_number: int | None
    text: str | None


@dataclass(frozen=True)
class EmergencyView:
    """A running or closed emergency with its steps, as plain data."""

    id: str
    kind: str
    title_en: str
    title_zh: str
    priority: int
    drill: bool
    status: str
    started_at: datetime
    started_by: str
    closed_at: datetime | None
    closed_by: str | None
    wording: str
    wording_at: datetime | None
    wording_by: str | None
    has_roll_call: bool
    steps: tuple[StepView, ...]
    close_reason: str | None = None
    roll_call_id: str | None = None

    @property
    def short_id(self) -> str:
        return self.id[:8]

    @property
    def running(self) -> bool:
        return self.status == EmergencyStatus.RUNNING

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title_en

    def elapsed(self, now: datetime) -> int:
        """Seconds since the start (to the close once closed), never negative."""
        return elapsed_seconds(self.started_at, self.closed_at or now)

    @property
    def step_counts(self) -> StepCounts:
        return count_steps(self.steps)

    def open_steps(self) -> list[StepView]:
        return [s for s in self.steps if s.state == StepState.OPEN]

    def deferred_steps(self) -> list[StepView]:
        return [s for s in self.steps if s.state == StepState.DEFERRED]

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["step_counts"] = self.step_counts.as_json()
        return isoformat(data)  # type: ignore[return-value]


def isoformat(value: object) -> object:
    """`value` with every datetime in it (in dicts, lists) as ISO text."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: isoformat(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [isoformat(v) for v in value]
    return value


def _step_view(
    step: EmergencyStep, defer_note: str | None = None, notes: tuple[str, ...] = ()
) -> StepView:
    return StepView(
        number=step.number,
        text_en=step.text_en,
        text_zh=step.text_zh,
        state=step.state,
        state_at=step.state_at,
        state_by=step.state_by,
        skip_reason=step.skip_reason,
        assignee=step.assignee,
        reminder_minutes=step.reminder_minutes,
        defer_note=defer_note,
        notes=notes,
    )


def steps_of(session: Session, emergency_id: str) -> list[EmergencyStep]:
    """An emergency's steps by number."""
    return list(
        session.exec(
            select(EmergencyStep)
            .where(EmergencyStep.emergency_id == emergency_id)
            .order_by(col(EmergencyStep.number))
        ).all()
    )


def view_of(session: Session, emergency: Emergency) -> EmergencyView:
    """The shown form of an emergency with its steps."""
    # The defer notes, step notes and the early close's reason live only in the timeline.
    events = session.exec(
        select(EmergencyEvent)
        .where(
            EmergencyEvent.emergency_id == emergency.id,
            col(EmergencyEvent.action).in_(("step.defer", "step.note", "close_early")),
        )
        .order_by(col(EmergencyEvent.seq))
    ).all()
    defer_notes: dict[int, str | None] = {}
    notes: dict[int, list[str]] = {}
    close_reason: str | None = None
    for event in events:
        if event.action == "close_early":
            close_reason = event.text
        elif event.step_number is None:
            continue
        elif event.action == "step.defer":
            defer_notes[event.step_number] = event.text
        elif event.text:
            notes.setdefault(event.step_number, []).append(event.text)
    return EmergencyView(
        id=emergency.id,
        kind=emergency.kind,
        title_en=emergency.title_en,
        title_zh=emergency.title_zh,
        priority=emergency.priority,
        drill=emergency.drill,
        status=emergency.status,
        started_at=emergency.started_at,
        started_by=emergency.started_by,
        closed_at=emergency.closed_at,
        closed_by=emergency.closed_by,
        wording=emergency.wording,
        wording_at=emergency.wording_at,
        wording_by=emergency.wording_by,
        has_roll_call=emergency.roll_call_id is not None,
        steps=tuple(
            _step_view(s, defer_notes.get(s.number), tuple(notes.get(s.number, ())))
            for s in steps_of(session, emergency.id)
        ),
        close_reason=close_reason,
        roll_call_id=emergency.roll_call_id,
    )


def find_emergency(session: Session, ref: str) -> Emergency:
    """An emergency by its id or an unambiguous start of it (core.lookup)."""
    text = clean(ref, "emergency", required=True, max_len=64) or ""
    return by_id_prefix(session, Emergency, text, what="emergency")


def get_emergency(session: Session, ref: str) -> EmergencyView:
    return view_of(session, find_emergency(session, ref))


def list_emergencies(session: Session, *, running_only: bool = False) -> list[EmergencyView]:
    """Running ones first, most urgent first, then the latest started; closed ones after."""
    query = select(Emergency)
    if running_only:
        query = query.where(Emergency.status == EmergencyStatus.RUNNING)
    rows = session.exec(query).all()
    rows = sorted(
        rows,
        key=lambda e: (e.status != EmergencyStatus.RUNNING, e.priority, -e.started_at.timestamp()),
    )
    return [view_of(session, e) for e in rows]


def in_sight(
    session: Session, now: datetime, days: int = KEPT_IN_SIGHT_DAYS
) -> list[EmergencyView]:
    """What the emergencies panel lists: every running one (most urgent first), then those
    closed in the last `days` days (so the shift's too), the latest closed first."""
    since = now - timedelta(days=days)
    closed = session.exec(
        select(Emergency)
        .where(
            Emergency.status != EmergencyStatus.RUNNING,
            col(Emergency.closed_at).is_not(None),
            col(Emergency.closed_at) >= since,
        )
        .order_by(col(Emergency.closed_at).desc())
    ).all()
    return running(session) + [view_of(session, e) for e in closed]


def running(session: Session) -> list[EmergencyView]:
    """Every running emergency, most urgent first (for the header of every screen)."""
    return list_emergencies(session, running_only=True)


def header_text(session: Session, now: datetime, lang: str = "en") -> str:
    """One line for the header: '! Fire 03:12 | DRILL Theft 10:05', or '' when all is calm."""
    parts = []
    for view in running(session):
        drill = "DRILL " if view.drill else ""
        parts.append(f"! {drill}{view.title(lang)} {mmss(view.elapsed(now))}")
    return " | ".join(parts)


def timeline(session: Session, ref: str) -> list[TimelineEntry]:
    """An emergency's timeline, oldest first."""
    emergency = find_emergency(session, ref)
    rows = session.exec(
        select(EmergencyEvent)
        .where(EmergencyEvent.emergency_id == emergency.id)
        .order_by(col(EmergencyEvent.seq))
    ).all()
    return [
        TimelineEntry(r.seq, r.at, r.actor, r.terminal, r.action, r.step_number, r.text)
        for r in rows
    ]
