"""Running emergency checklists: start, stamp each step, set the wording, roll call, close.

An emergency is a copy of one checklist (domain.checklists) run on the floor, real or as
a drill. Every action (a step done, skipped with a reason, noted, assigned, deferred; the
unified wording (统一口径) set or changed; a person marked safe; the close) is stamped with
who and when, written to the emergency's append-only timeline and to the journal in the
same transaction. A checklist closes when every step is stamped, or early (a false alarm,
the end of a drill) with a reason, its open steps then recorded as not done. All state
is in the database, so a restart, a crash or a second terminal finds every running
checklist exactly as it was; the elapsed clock is computed from the stored start.

Deadlines go through domain.alerts: a step's reminder fires if the step is still not done
(or skipped) `reminder_minutes` after the start; a checklist timer (the hotline failure's
6-hour "written plan required") fires unless the emergency is closed first.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from floorman.clock import elapsed_seconds, mmss
from floorman.data import journal
from floorman.data.tables.emergency import (
    Emergency,
    EmergencyEvent,
    EmergencyRollCall,
    EmergencyStep,
)
from floorman.data.tables.floor import Agent, Seat
from floorman.domain import alerts, operators
from floorman.domain.checklists import Checklist, ChecklistSet, load_checklists
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean

STEP_ACTIONS: tuple[str, ...] = ("done", "skip", "note", "assign", "defer")
STATUS_WORDS = {
    "running": "running",
    "complete": "complete",
    "complete_with_deferred": "complete with deferred items",
    "closed_early": "closed early",
}
# "not_done": a step still open when the checklist was closed early (a false alarm, the
# end of a drill); it is stamped with the close so the report says who left it and when.
STEP_LETTERS = {"open": " ", "done": "x", "skipped": "-", "deferred": ">", "not_done": "!"}
CLOSE_REASON_MAX = 200
WORDING_MAX = 2000
NOTE_MAX = 500


# --------------------------------------------------------------------------- views


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
class RollCallPerson:
    """Someone on the floor, as a roll call source reports them."""

    kind: str
    ref_id: str | None
    name: str
    location: str


@dataclass(frozen=True)
class RollCallLineView:
    """One person on an emergency's roll call and whether (and by whom) marked safe."""

    position: int
    kind: str
    name: str
    location: str
    safe_at: datetime | None
    safe_by: str | None


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

    @property
    def short_id(self) -> str:
        return self.id[:8]

    @property
    def running(self) -> bool:
        return self.status == "running"

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title_en

    def elapsed(self, now: datetime) -> int:
        """Seconds since the start (to the close once closed), never negative."""
        return elapsed_seconds(self.started_at, self.closed_at or now)

    def open_steps(self) -> list[StepView]:
        return [s for s in self.steps if s.state == "open"]

    def deferred_steps(self) -> list[StepView]:
        return [s for s in self.steps if s.state == "deferred"]

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        return _isoformat(data)  # type: ignore[return-value]


def _isoformat(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _isoformat(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_isoformat(v) for v in value]
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


def _steps(session: Session, emergency_id: str) -> list[EmergencyStep]:
    return list(
        session.exec(
            select(EmergencyStep)
            .where(EmergencyStep.emergency_id == emergency_id)
            .order_by(col(EmergencyStep.number))
        ).all()
    )


def _view(session: Session, emergency: Emergency) -> EmergencyView:
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
        has_roll_call=emergency.roll_call,
        steps=tuple(
            _step_view(s, defer_notes.get(s.number), tuple(notes.get(s.number, ())))
            for s in _steps(session, emergency.id)
        ),
        close_reason=close_reason,
    )


# --------------------------------------------------------------------------- lookups


def find_emergency(session: Session, ref: str) -> Emergency:
    """An emergency by its id or an unambiguous prefix of it (at least 4 characters)."""
    text = (clean(ref, "emergency", required=True, max_len=64) or "").lower()
    if len(text) < 4:
        raise FloorError("give at least 4 characters of the emergency id")
    rows = session.exec(select(Emergency).where(col(Emergency.id).startswith(text)).limit(2)).all()
    if not rows:
        raise FloorError(f"no emergency '{text}'")
    if len(rows) > 1:
        raise FloorError(f"'{text}' matches more than one emergency; give more of the id")
    return rows[0]


def get_emergency(session: Session, ref: str) -> EmergencyView:
    return _view(session, find_emergency(session, ref))


def list_emergencies(session: Session, *, running_only: bool = False) -> list[EmergencyView]:
    """Running ones first, most urgent first, then the latest started; closed ones after."""
    query = select(Emergency)
    if running_only:
        query = query.where(Emergency.status == "running")
    rows = session.exec(query).all()
    rows = sorted(
        rows,
        key=lambda e: (e.status != "running", e.priority, -e.started_at.timestamp()),
    )
    return [_view(session, e) for e in rows]


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


# --------------------------------------------------------------------------- writing


def _record(
    session: Session,
    floor: Floor,
    emergency: Emergency,
    action: str,
    *,
    step_number: int | None = None,
    text: str | None = None,
    before: object = None,
    after: object = None,
) -> None:
    """Append a timeline line and a journal row in the caller's transaction."""
    now = floor.clock.now()
    last = session.exec(
        select(func.max(EmergencyEvent.seq)).where(EmergencyEvent.emergency_id == emergency.id)
    ).one()
    session.add(
        EmergencyEvent(
            emergency_id=emergency.id,
            seq=int(last or 0) + 1,
            at=now,
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action=action,
            step_number=step_number,
            text=text,
        )
    )
    journal_after: dict[str, object] = {"kind": emergency.kind, "drill": emergency.drill}
    if step_number is not None:
        journal_after["step"] = step_number
    if text is not None:
        journal_after["text"] = text
    if isinstance(after, dict):
        journal_after.update(after)
    journal.append(
        session,
        at=now,
        actor=floor.actor.name,
        terminal=floor.actor.terminal,
        action="emergency." + action.replace(".", "_"),
        subject=f"emergency:{emergency.id}",
        before=before,
        after=journal_after,
    )
    session.flush()


def _alert_language(floor: Floor) -> str:
    return "zh" if floor.config.language == "zh" else "en"


def _reminder_key(emergency_id: str, number: int) -> str:
    return f"emergency:{emergency_id}:step:{number}"


def start(
    floor: Floor,
    kind: str,
    *,
    drill: bool = False,
    checklists: ChecklistSet | None = None,
) -> EmergencyView:
    """Start a checklist (real or drill): copy its steps, schedule its reminders and timers.

    A fire or an earthquake (any checklist with `roll_call = true`) also takes the roll
    call of everyone on the floor at this moment.
    """
    checklists = checklists if checklists is not None else load_checklists()
    kind = (clean(kind, "kind", required=True, max_len=40) or "").lower()
    checklist = checklists.get(kind)
    if checklist is None:
        known = ", ".join(c.kind for c in checklists.ordered())
        raise FloorError(f"unknown emergency kind '{kind}'; expected one of: {known}")
    now = floor.clock.now()
    with floor.db.write() as session:
        operators.require(floor, "emergency.start", session=session)
        emergency = Emergency(
            kind=checklist.kind,
            title_en=checklist.title_en,
            title_zh=checklist.title_zh,
            priority=checklist.priority,
            drill=drill,
            roll_call=checklist.roll_call,
            checklist_source=checklist.source,
            started_at=now,
            started_by=floor.actor.name,
        )
        session.add(emergency)
        session.flush()
        for step in checklist.steps:
            session.add(
                EmergencyStep(
                    emergency_id=emergency.id,
                    number=step.number,
                    text_en=step.en,
                    text_zh=step.zh,
                    reminder_minutes=step.reminder_minutes,
                )
            )
        _schedule_deadlines(session, floor, emergency, checklist)
        people = 0
        if checklist.roll_call:
            for position, person in enumerate(roll_call(session), start=1):
                session.add(
                    EmergencyRollCall(
                        emergency_id=emergency.id,
                        position=position,
                        kind=person.kind,
                        ref_id=person.ref_id,
                        name=person.name,
                        location=person.location,
                    )
                )
                people = position
        session.flush()
        _record(
            session,
            floor,
            emergency,
            "start",
            text=f"{'drill: ' if drill else ''}{checklist.title_en} ({checklist.source})",
            after={"steps": len(checklist.steps), "roll_call": people},
        )
        return _view(session, emergency)


def _schedule_deadlines(
    session: Session, floor: Floor, emergency: Emergency, checklist: Checklist
) -> None:
    lang = _alert_language(floor)
    drill = "[DRILL] " if emergency.drill else ""
    title = checklist.title(lang)
    for step in checklist.steps:
        if step.reminder_minutes is None:
            continue
        alerts.schedule(
            session,
            floor,
            kind="emergency.reminder",
            subject=f"emergency:{emergency.id}",
            due_at=emergency.started_at + timedelta(minutes=step.reminder_minutes),
            severity="warning",
            message=(
                f"{drill}{title}: step {step.number} not done after "
                f"{step.reminder_minutes} min: {step.text(lang)}"
            ),
            dedupe_key=_reminder_key(emergency.id, step.number),
        )
    for index, timer in enumerate(checklist.timers, start=1):
        alerts.schedule(
            session,
            floor,
            kind="emergency.timer",
            subject=f"emergency:{emergency.id}",
            due_at=emergency.started_at + timedelta(minutes=timer.after_minutes),
            severity=timer.severity,
            message=f"{drill}{title}: {timer.text(lang)}",
            dedupe_key=f"emergency:{emergency.id}:timer:{index}",
        )


def _running_emergency(session: Session, ref: str) -> Emergency:
    emergency = find_emergency(session, ref)
    if emergency.status != "running":
        raise FloorError(
            f"emergency {emergency.id[:8]} is closed ({STATUS_WORDS[emergency.status]})"
        )
    return emergency


def _find_step(session: Session, emergency: Emergency, number: int) -> EmergencyStep:
    step = session.exec(
        select(EmergencyStep).where(
            EmergencyStep.emergency_id == emergency.id, EmergencyStep.number == number
        )
    ).first()
    if step is None:
        count = len(_steps(session, emergency.id))
        raise FloorError(f"no step {number}; this checklist has steps 1 to {count}")
    return step


def step_action(
    floor: Floor, ref: str, number: int, action: str, text: str | None = None
) -> EmergencyView:
    """Mark step `number` done, skip it (reason required), note, assign (person) or defer it."""
    action = (action or "").strip().lower()
    if action not in STEP_ACTIONS:
        raise FloorError(
            f"unknown step action '{action}'; expected one of: {', '.join(STEP_ACTIONS)}"
        )
    if action == "skip":
        text = clean(text, "reason for skipping", required=True, max_len=200)
    elif action == "note":
        text = clean(text, "note", required=True, max_len=NOTE_MAX, multiline=True)
    elif action == "assign":
        text = clean(text, "person", required=True, max_len=80)
    else:
        text = clean(text, "note", max_len=200)
    now = floor.clock.now()
    with floor.db.write() as session:
        operators.require(floor, "emergency.step", session=session)
        emergency = _running_emergency(session, ref)
        step = _find_step(session, emergency, number)
        before = {"state": step.state, "assignee": step.assignee}
        if action in ("done", "skip", "defer"):
            if step.state in ("done", "skipped"):
                when = (
                    step.state_at.astimezone(floor.config.zone()).strftime("%H:%M:%S")
                    if step.state_at
                    else "?"
                )
                raise FloorError(
                    f"step {number} was already {step.state} by {step.state_by} at {when}"
                )
            if action == "defer" and step.state == "deferred":
                raise FloorError(f"step {number} is already deferred")
            step.state = {"done": "done", "skip": "skipped", "defer": "deferred"}[action]
            step.state_at = now
            step.state_by = floor.actor.name
            step.skip_reason = text if action == "skip" else None
            if action in ("done", "skip"):
                alerts.cancel(session, floor, dedupe_prefix=_reminder_key(emergency.id, number))
        elif action == "assign":
            step.assignee = text
            step.assigned_at = now
            step.assigned_by = floor.actor.name
        session.add(step)
        _record(
            session,
            floor,
            emergency,
            f"step.{action}",
            step_number=number,
            text=text,
            before=before,
            after={"state": step.state, "assignee": step.assignee},
        )
        return _view(session, emergency)


def set_wording(floor: Floor, ref: str, wording: str) -> EmergencyView:
    """Set or change the unified wording (统一口径); every version stays in the timeline."""
    text = clean(wording, "wording", required=True, max_len=WORDING_MAX, multiline=True) or ""
    with floor.db.write() as session:
        operators.require(floor, "emergency.step", session=session)
        emergency = _running_emergency(session, ref)
        if text == emergency.wording:
            raise FloorError("the wording is unchanged")
        before = {"wording": emergency.wording} if emergency.wording else None
        emergency.wording = text
        emergency.wording_at = floor.clock.now()
        emergency.wording_by = floor.actor.name
        session.add(emergency)
        _record(session, floor, emergency, "wording", text=text, before=before)
        return _view(session, emergency)


def close(floor: Floor, ref: str) -> EmergencyView:
    """Close as "complete", or "complete with deferred items"; refuse while steps are open."""
    with floor.db.write() as session:
        operators.require(floor, "emergency.close", session=session)
        emergency = _running_emergency(session, ref)
        steps = _steps(session, emergency.id)
        untouched = [s.number for s in steps if s.state == "open"]
        if untouched:
            raise FloorError(
                "steps not yet done, skipped or deferred: " + ", ".join(str(n) for n in untouched)
            )
        deferred = [s.number for s in steps if s.state == "deferred"]
        emergency.status = "complete_with_deferred" if deferred else "complete"
        emergency.closed_at = floor.clock.now()
        emergency.closed_by = floor.actor.name
        session.add(emergency)
        alerts.cancel(session, floor, dedupe_prefix=f"emergency:{emergency.id}:")
        _record(
            session,
            floor,
            emergency,
            "close",
            text=STATUS_WORDS[emergency.status],
            after={"status": emergency.status, "deferred": deferred},
        )
        return _view(session, emergency)


def close_early(floor: Floor, ref: str, reason: str) -> EmergencyView:
    """Close before every step is stamped (a false alarm, the end of a drill), with a reason.

    The steps still open are recorded as not done, stamped with who closed and when;
    deferred steps stay deferred. The reason goes to the timeline, the journal and the
    report. The same permission as a normal close; `close` itself keeps refusing open steps.
    """
    why = clean(reason, "reason for closing early", required=True, max_len=CLOSE_REASON_MAX)
    with floor.db.write() as session:
        operators.require(floor, "emergency.close", session=session)
        emergency = _running_emergency(session, ref)
        now = floor.clock.now()
        not_done: list[int] = []
        for step in _steps(session, emergency.id):
            if step.state != "open":
                continue
            step.state = "not_done"
            step.state_at = now
            step.state_by = floor.actor.name
            session.add(step)
            not_done.append(step.number)
        emergency.status = "closed_early"
        emergency.closed_at = now
        emergency.closed_by = floor.actor.name
        session.add(emergency)
        alerts.cancel(session, floor, dedupe_prefix=f"emergency:{emergency.id}:")
        _record(
            session,
            floor,
            emergency,
            "close_early",
            text=why,
            before={"status": "running"},
            after={"status": emergency.status, "not_done": not_done},
        )
        return _view(session, emergency)


# --------------------------------------------------------------------------- roll call

RollCallSource = Callable[[Session], list[RollCallPerson]]


def staff_at_seats(session: Session) -> list[RollCallPerson]:
    """Agents at seats that are ready, busy or away, by seat code."""
    rows = session.exec(
        select(Seat, Agent)
        .join(Agent, col(Seat.agent_id) == col(Agent.id))
        .where(col(Seat.state).in_(("ready", "busy", "away")))
        .order_by(col(Seat.code))
    ).all()
    return [
        RollCallPerson("staff", agent.id, agent.name, f"seat {seat.code} ({seat.state})")
        for seat, agent in rows
    ]


def visitors_on_floor(session: Session) -> list[RollCallPerson]:
    """Visitors checked in and not out, when the visitors panel is installed."""
    if importlib.util.find_spec("floorman.domain.visitors") is None:
        return []
    from floorman.domain import visitors

    return [
        RollCallPerson(
            "visitor",
            v.id,
            v.name,
            ", ".join(p for p in (f"badge {v.badge}" if v.badge else "", f"host {v.host}") if p),
        )
        for v in visitors.visitors_on_floor(session)
    ]


# Who is on the floor comes from these sources, in this order. Another panel adds its
# own with `add_roll_call_source` (a function taking the session, returning people).
ROLL_CALL_SOURCES: list[RollCallSource] = [visitors_on_floor, staff_at_seats]


def add_roll_call_source(source: RollCallSource) -> None:
    """Make `source` part of every roll call from now on (idempotent)."""
    if source not in ROLL_CALL_SOURCES:
        ROLL_CALL_SOURCES.append(source)


def roll_call(session: Session) -> list[RollCallPerson]:
    """Everyone on the floor now, from every roll call source in turn."""
    people: list[RollCallPerson] = []
    for source in ROLL_CALL_SOURCES:
        people.extend(source(session))
    return people


def roll_call_lines(session: Session, ref: str) -> list[RollCallLineView]:
    emergency = find_emergency(session, ref)
    rows = session.exec(
        select(EmergencyRollCall)
        .where(EmergencyRollCall.emergency_id == emergency.id)
        .order_by(col(EmergencyRollCall.position))
    ).all()
    return [
        RollCallLineView(r.position, r.kind, r.name, r.location, r.safe_at, r.safe_by) for r in rows
    ]


def _find_person(session: Session, emergency: Emergency, person: str) -> EmergencyRollCall:
    rows = list(
        session.exec(
            select(EmergencyRollCall)
            .where(EmergencyRollCall.emergency_id == emergency.id)
            .order_by(col(EmergencyRollCall.position))
        ).all()
    )
    if person.isdigit():
        match = [r for r in rows if r.position == int(person)]
    else:
        wanted = person.casefold()
        match = [r for r in rows if r.name.casefold() == wanted]
    if not match:
        raise FloorError(f"'{person}' is not on this roll call; give a name or a line number")
    if len(match) > 1:
        raise FloorError(f"more than one '{person}' on this roll call; give the line number")
    return match[0]


def mark_safe(floor: Floor, ref: str, person: str) -> RollCallLineView:
    """Mark one person on the roll call (name or line number) safe, stamped who and when."""
    who = clean(person, "person", required=True, max_len=80) or ""
    with floor.db.write() as session:
        operators.require(floor, "emergency.step", session=session)
        emergency = _running_emergency(session, ref)
        if not emergency.roll_call:
            raise FloorError(f"{emergency.title_en} has no roll call")
        line = _find_person(session, emergency, who)
        if line.safe_at is not None:
            raise FloorError(f"{line.name} was already marked safe by {line.safe_by}")
        line.safe_at = floor.clock.now()
        line.safe_by = floor.actor.name
        session.add(line)
        _record(
            session,
            floor,
            emergency,
            "safe",
            text=f"{line.name} ({line.location})",
            after={"position": line.position, "person_kind": line.kind},
        )
        return RollCallLineView(
            line.position, line.kind, line.name, line.location, line.safe_at, line.safe_by
        )


def add_to_roll_call(floor: Floor, ref: str, name: str, location: str = "") -> RollCallLineView:
    """Add someone the sources did not know of (a cleaner, a courier) to the roll call."""
    who = clean(name, "name", required=True, max_len=80) or ""
    where = clean(location, "location", max_len=80) or ""
    with floor.db.write() as session:
        operators.require(floor, "emergency.step", session=session)
        emergency = _running_emergency(session, ref)
        if not emergency.roll_call:
            raise FloorError(f"{emergency.title_en} has no roll call")
        last = session.exec(
            select(func.max(EmergencyRollCall.position)).where(
                EmergencyRollCall.emergency_id == emergency.id
            )
        ).one()
        line = EmergencyRollCall(
            emergency_id=emergency.id,
            position=int(last or 0) + 1,
            kind="added",
            name=who,
            location=where,
        )
        session.add(line)
        _record(session, floor, emergency, "roll_call.add", text=f"{who} ({where})")
        return RollCallLineView(line.position, line.kind, line.name, line.location, None, None)


# --------------------------------------------------------------------------- report


def report_data(session: Session, ref: str) -> dict[str, object]:
    """The incident report as plain JSON-ready data: steps, times, actors, notes, wording."""
    view = get_emergency(session, ref)
    events = timeline(session, view.id)
    notes: dict[int, list[dict[str, object]]] = {}
    for event in events:
        if event.action == "step.note" and event.step_number is not None:
            notes.setdefault(event.step_number, []).append(
                {"at": event.at.isoformat(), "by": event.actor, "text": event.text}
            )
    closed_or_now = view.closed_at
    return {
        "id": view.id,
        "kind": view.kind,
        "title": {"en": view.title_en, "zh": view.title_zh},
        "drill": view.drill,
        "status": view.status,
        "priority": view.priority,
        "started_at": view.started_at.isoformat(),
        "started_by": view.started_by,
        "closed_at": closed_or_now.isoformat() if closed_or_now else None,
        "closed_by": view.closed_by,
        "close_reason": view.close_reason,
        "not_done_steps": [s.number for s in view.steps if s.state == "not_done"],
        "duration_seconds": (
            elapsed_seconds(view.started_at, view.closed_at) if view.closed_at else None
        ),
        "wording": {
            "text": view.wording,
            "set_at": view.wording_at.isoformat() if view.wording_at else None,
            "set_by": view.wording_by,
            "history": [
                {"at": e.at.isoformat(), "by": e.actor, "text": e.text}
                for e in events
                if e.action == "wording"
            ],
        },
        "steps": [
            {
                "number": s.number,
                "text": {"en": s.text_en, "zh": s.text_zh},
                "state": s.state,
                "at": s.state_at.isoformat() if s.state_at else None,
                "by": s.state_by,
                "skip_reason": s.skip_reason,
                "defer_note": s.defer_note,
                "assignee": s.assignee,
                "notes": notes.get(s.number, []),
            }
            for s in view.steps
        ],
        "roll_call": [
            {
                "position": line.position,
                "kind": line.kind,
                "name": line.name,
                "location": line.location,
                "safe_at": line.safe_at.isoformat() if line.safe_at else None,
                "safe_by": line.safe_by,
            }
            for line in roll_call_lines(session, view.id)
        ],
        "timeline": [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "terminal": e.terminal,
                "action": e.action,
                "step": e.step_number,
                "text": e.text,
            }
            for e in events
        ],
    }


def _md(text: str | None) -> str:
    """Text safe inside one Markdown table cell or list item."""
    return (text or "").replace("|", "\\|").replace("\n", " / ")


def report_markdown(session: Session, ref: str, zone: ZoneInfo, lang: str = "en") -> str:
    """The incident report as Markdown, times in the floor's local zone."""
    view = get_emergency(session, ref)
    events = timeline(session, view.id)
    lines_roll = roll_call_lines(session, view.id)

    def local(when: datetime | None) -> str:
        return when.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if when else "-"

    out = [
        f"# Incident report: {view.title(lang)}{' (DRILL)' if view.drill else ''}",
        "",
        f"- Id: {view.id}",
        f"- Kind: {view.kind} (priority {view.priority})",
        f"- Status: {STATUS_WORDS[view.status]}",
        f"- Started: {local(view.started_at)} by {view.started_by}",
        f"- Closed: {local(view.closed_at)} by {view.closed_by or '-'}",
    ]
    if view.closed_at:
        out.append(f"- Duration: {mmss(view.elapsed(view.closed_at))}")
    if view.status == "closed_early":
        out.append(f"- Closed early: {_md(view.close_reason)}")
    out += ["", "## Unified wording (统一口径)", ""]
    if view.wording:
        out += [f"> {line}" for line in view.wording.splitlines()]
        out += ["", f"Set {local(view.wording_at)} by {view.wording_by}."]
    else:
        out.append("(none set)")
    history = [e for e in events if e.action == "wording"]
    if len(history) > 1:
        out += ["", "Earlier versions:", ""]
        out += [f"- {local(e.at)} {e.actor}: {_md(e.text)}" for e in history[:-1]]
    out += [
        "",
        "## Steps",
        "",
        "| # | step | state | when | who | assigned | reason |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in view.steps:
        reason = s.skip_reason if s.state == "skipped" else None
        if s.state == "deferred":
            reason = s.defer_note
        elif s.state == "not_done":
            reason = "closed early"
        state = s.state.replace("_", " ")
        out.append(
            f"| {s.number} | {_md(s.text(lang))} | {state} | {local(s.state_at)} | "
            f"{_md(s.state_by) or '-'} | {_md(s.assignee) or '-'} | {_md(reason) or '-'} |"
        )
    step_notes = [e for e in events if e.action == "step.note"]
    if step_notes:
        out += ["", "### Notes", ""]
        out += [
            f"- step {e.step_number}, {local(e.at)} {e.actor}: {_md(e.text)}" for e in step_notes
        ]
    deferred = view.deferred_steps()
    if deferred:
        out += ["", "Deferred items: " + ", ".join(str(s.number) for s in deferred)]
    not_done = [s for s in view.steps if s.state == "not_done"]
    if not_done:
        out += ["", "Not done (closed early): " + ", ".join(str(s.number) for s in not_done)]
    if view.has_roll_call:
        out += [
            "",
            "## Roll call",
            "",
            "| # | name | where | safe at | marked by |",
            "|---|---|---|---|---|",
        ]
        for line in lines_roll:
            out.append(
                f"| {line.position} | {_md(line.name)} | {_md(line.location)} | "
                f"{local(line.safe_at) if line.safe_at else 'NOT ACCOUNTED FOR'} | "
                f"{_md(line.safe_by) or '-'} |"
            )
    out += ["", "## Timeline", ""]
    for e in events:
        step = f" step {e.step_number}" if e.step_number is not None else ""
        text = f": {_md(e.text)}" if e.text else ""
        out.append(f"- {local(e.at)} {e.actor} ({e.terminal}) {e.action}{step}{text}")
    return "\n".join(out) + "\n"
