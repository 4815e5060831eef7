"""Running an emergency checklist: start, stamp each step, set the wording, close.

A checklist closes when every step is stamped, or early (a false alarm, the end of a
drill) with a reason, its open steps then recorded as not done. Deadlines go through
domain.alerts: a step's reminder fires if the step is still not done (or skipped)
`reminder_minutes` after the start; a checklist timer (the hotline failure's 6-hour
"written plan required") fires unless the emergency is closed first. A checklist with
`roll_call = true` (fire, earthquake) takes the one roll call, or joins the one open.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from floorman.data import emergency_timeline, journal
from floorman.data.tables.emergency import Emergency, EmergencyStep
from floorman.data.tables.sync import HqNotice
from floorman.domain import alerts
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError, Word, Words
from floorman.domain.core.states import AlertKind, AlertSeverity, EmergencyStatus, StepState
from floorman.domain.core.text import clean
from floorman.domain.emergency.checklists import Checklist, ChecklistSet, load_checklists
from floorman.domain.emergency.views import (
    STATUS_WORDS,
    EmergencyView,
    find_emergency,
    steps_of,
    view_of,
)
from floorman.domain.operators import permissions
from floorman.domain.roll_call import book as roll_call_book
from floorman.domain.roll_call import views as roll_call_views

STEP_ACTIONS: tuple[str, ...] = ("done", "skip", "note", "assign", "defer")
# What each stamping action leaves the step as.
STEP_RESULTS = {"done": StepState.DONE, "skip": StepState.SKIPPED, "defer": StepState.DEFERRED}
CLOSE_REASON_MAX = 200
WORDING_MAX = 2000
NOTE_MAX = 500


def record(
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
    emergency_timeline.append(
        session,
        emergency.id,
        at=now,
        actor=floor.actor.name,
        terminal=floor.actor.terminal,
        action=action,
        step_number=step_number,
        text=text,
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
    call of everyone on the floor at this moment, or joins the roll call already open.
    """
    checklists = checklists if checklists is not None else load_checklists()
    kind = (clean(kind, "kind", required=True, max_len=40) or "").lower()
    checklist = checklists.get(kind)
    if checklist is None:
        known = ", ".join(c.kind for c in checklists.ordered())
        raise FloorError(
            "unknown emergency kind '{kind}'; expected one of: {known}",
            kind=kind,
            known=known,
        )
    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "emergency.start", session=session)
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
        from_hq = hq_wording(session, checklist.kind, now)
        if from_hq is not None:  # the region-wide line HQ already gave for this kind
            apply_wording(session, floor, emergency, from_hq.body, by=f"HQ {from_hq.posted_by}")
        people = 0
        if checklist.roll_call:
            reason = roll_call_views.emergency_reason(checklist.title_en, drill)
            roll = roll_call_book.join_or_start(session, floor, reason)
            emergency.roll_call_id = roll.id
            session.add(emergency)
            session.flush()
            people = len(roll_call_book.entry_rows(session, roll.id))
        record(
            session,
            floor,
            emergency,
            "start",
            text=f"{'drill: ' if drill else ''}{checklist.title_en} ({checklist.source})",
            after={"steps": len(checklist.steps), "roll_call": people},
        )
        return view_of(session, emergency)


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
            kind=AlertKind.EMERGENCY_REMINDER,
            subject=f"emergency:{emergency.id}",
            due_at=emergency.started_at + timedelta(minutes=step.reminder_minutes),
            severity=AlertSeverity.WARNING,
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
            kind=AlertKind.EMERGENCY_TIMER,
            subject=f"emergency:{emergency.id}",
            due_at=emergency.started_at + timedelta(minutes=timer.after_minutes),
            severity=timer.severity,
            message=f"{drill}{title}: {timer.text(lang)}",
            dedupe_key=f"emergency:{emergency.id}:timer:{index}",
        )


def running_emergency(session: Session, ref: str) -> Emergency:
    """The emergency `ref` names, refused once it is closed."""
    emergency = find_emergency(session, ref)
    if emergency.status != EmergencyStatus.RUNNING:
        raise FloorError(
            "emergency {id} is closed ({status})",
            id=emergency.id[:8],
            status=Word(STATUS_WORDS[emergency.status]),
        )
    return emergency


def _find_step(session: Session, emergency: Emergency, number: int) -> EmergencyStep:
    """A step by its number on the checklist (steps are named by number, not by id)."""
    step = session.exec(
        select(EmergencyStep).where(
            EmergencyStep.emergency_id == emergency.id, EmergencyStep.number == number
        )
    ).first()
    if step is None:
        count = len(steps_of(session, emergency.id))
        raise FloorError(
            "no step {number}; this checklist has steps 1 to {count}",
            number=number,
            count=count,
        )
    return step


def _step_text(action: str, text: str | None) -> str | None:
    if action == "skip":
        return clean(text, "reason for skipping", required=True, max_len=200)
    if action == "note":
        return clean(text, "note", required=True, max_len=NOTE_MAX, multiline=True)
    if action == "assign":
        return clean(text, "person", required=True, max_len=80)
    return clean(text, "note", max_len=200)


def step_action(
    floor: Floor, ref: str, number: int, action: str, text: str | None = None
) -> EmergencyView:
    """Mark step `number` done, skip it (reason required), note, assign (person) or defer it."""
    action = (action or "").strip().lower()
    if action not in STEP_ACTIONS:
        raise FloorError(
            "unknown step action '{action}'; expected one of: {items}",
            action=action,
            items=", ".join(STEP_ACTIONS),
        )
    text = _step_text(action, text)
    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "emergency.step", session=session)
        emergency = running_emergency(session, ref)
        step = _find_step(session, emergency, number)
        before = {"state": step.state, "assignee": step.assignee}
        if action in STEP_RESULTS:
            if step.state in (StepState.DONE, StepState.SKIPPED):
                when = (
                    step.state_at.astimezone(floor.config.zone()).strftime("%H:%M:%S")
                    if step.state_at
                    else "?"
                )
                raise FloorError(
                    "step {number} was already {state} by {state_by} at {when}",
                    number=number,
                    state=step.state,
                    state_by=step.state_by,
                    when=when,
                )
            if action == "defer" and step.state == StepState.DEFERRED:
                raise FloorError("step {number} is already deferred", number=number)
            step.state = STEP_RESULTS[action]
            step.state_at = now
            step.state_by = floor.actor.name
            step.skip_reason = text if action == "skip" else None
            if action in ("done", "skip"):
                alerts.cancel(
                    session, floor, dedupe_prefix=_reminder_key(emergency.id, number), exact=True
                )
        elif action == "assign":
            step.assignee = text
            step.assigned_at = now
            step.assigned_by = floor.actor.name
        session.add(step)
        record(
            session,
            floor,
            emergency,
            f"step.{action}",
            step_number=number,
            text=text,
            before=before,
            after={"state": step.state, "assignee": step.assignee},
        )
        return view_of(session, emergency)


def set_wording(floor: Floor, ref: str, wording: str) -> EmergencyView:
    """Set or change the unified wording (统一口径); every version stays in the timeline."""
    text = clean(wording, "wording", required=True, max_len=WORDING_MAX, multiline=True) or ""
    with floor.db.write() as session:
        permissions.require(floor, "emergency.step", session=session)
        emergency = running_emergency(session, ref)
        if text == emergency.wording:
            raise FloorError("the wording is unchanged")
        apply_wording(session, floor, emergency, text, by=floor.actor.name)
        return view_of(session, emergency)


def apply_wording(
    session: Session, floor: Floor, emergency: Emergency, text: str, *, by: str
) -> None:
    """Make `text` the emergency's wording, stamped with who gave it (a manager, or HQ)."""
    before = {"wording": emergency.wording} if emergency.wording else None
    emergency.wording = text
    emergency.wording_at = floor.clock.now()
    emergency.wording_by = by
    session.add(emergency)
    record(session, floor, emergency, "wording", text=text, before=before)


# HQ's unified wording for a kind holds for emergencies started within this long of it.
HQ_WORDING_HOLDS = timedelta(hours=24)


def hq_wording(session: Session, kind: str, now: datetime) -> HqNotice | None:
    """The newest unified wording HQ sent for `kind`, if recent enough to still hold."""
    return session.exec(
        select(HqNotice)
        .where(HqNotice.emergency_kind == kind, HqNotice.received_at >= now - HQ_WORDING_HOLDS)
        .order_by(col(HqNotice.received_at).desc())
    ).first()


def _finish(session: Session, floor: Floor, emergency: Emergency, status: EmergencyStatus) -> None:
    """Set the closing status, cancel what was still due, close the roll call with it."""
    emergency.status = status
    emergency.closed_at = floor.clock.now()
    emergency.closed_by = floor.actor.name
    session.add(emergency)
    alerts.cancel(session, floor, dedupe_prefix=f"emergency:{emergency.id}:")
    roll_call_book.close_after_emergency(session, floor, emergency)


def close(floor: Floor, ref: str) -> EmergencyView:
    """Close as "complete", or "complete with deferred items"; refuse while steps are open."""
    with floor.db.write() as session:
        permissions.require(floor, "emergency.close", session=session)
        emergency = running_emergency(session, ref)
        steps = steps_of(session, emergency.id)
        untouched = [s.number for s in steps if s.state == StepState.OPEN]
        if untouched:
            raise FloorError(
                "steps not yet done, skipped or deferred: {steps}",
                steps=Words(str(n) for n in untouched),
            )
        deferred = [s.number for s in steps if s.state == StepState.DEFERRED]
        status = EmergencyStatus.COMPLETE_WITH_DEFERRED if deferred else EmergencyStatus.COMPLETE
        _finish(session, floor, emergency, status)
        record(
            session,
            floor,
            emergency,
            "close",
            text=STATUS_WORDS[status],
            after={"status": status, "deferred": deferred},
        )
        return view_of(session, emergency)


def close_early(floor: Floor, ref: str, reason: str) -> EmergencyView:
    """Close before every step is stamped (a false alarm, the end of a drill), with a reason.

    The steps still open are recorded as not done, stamped with who closed and when;
    deferred steps stay deferred. The reason goes to the timeline, the journal and the
    report. The same permission as a normal close; `close` itself keeps refusing open steps.
    """
    why = clean(reason, "reason for closing early", required=True, max_len=CLOSE_REASON_MAX)
    with floor.db.write() as session:
        permissions.require(floor, "emergency.close", session=session)
        emergency = running_emergency(session, ref)
        now = floor.clock.now()
        not_done: list[int] = []
        for step in steps_of(session, emergency.id):
            if step.state != StepState.OPEN:
                continue
            step.state = StepState.NOT_DONE
            step.state_at = now
            step.state_by = floor.actor.name
            session.add(step)
            not_done.append(step.number)
        _finish(session, floor, emergency, EmergencyStatus.CLOSED_EARLY)
        record(
            session,
            floor,
            emergency,
            "close_early",
            text=why,
            before={"status": EmergencyStatus.RUNNING},
            after={"status": EmergencyStatus.CLOSED_EARLY, "not_done": not_done},
        )
        return view_of(session, emergency)
