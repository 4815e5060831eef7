"""The alerts a shift's handover calls for: a reminder before the shift ends, an escalation.

A handover still a draft near the end of its shift gets `handover.remind`; one not
acknowledged some minutes into the next shift gets `handover.escalate`. Both are alerts
with dedupe keys (`REMIND_PREFIX`/`ESCALATE_PREFIX` + shift id), so scheduling them again
is harmless, and submitting/acknowledging cancels them (see `lifecycle`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from floorman.data.tables.floor import Alert
from floorman.data.tables.handover import Handover
from floorman.domain import alerts
from floorman.domain.alerts.conditions import handover_condition
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import AlertKind, AlertSeverity, HandoverStatus
from floorman.domain.handover.find import by_shift
from floorman.domain.shifts import Shift, current_shift, next_shift, shift_by_id

REMIND_PREFIX = f"{AlertKind.HANDOVER_REMIND}:"
ESCALATE_PREFIX = f"{AlertKind.HANDOVER_ESCALATE}:"


def schedule_for(session: Session, floor: Floor, shift: Shift, row: Handover | None) -> None:
    """Schedule the reminder (draft or none yet) and the escalation (not acknowledged)."""
    settings = floor.config.shifts
    if row is None or row.status == HandoverStatus.DRAFT:
        alerts.schedule(
            session,
            floor,
            kind=AlertKind.HANDOVER_REMIND,
            subject=shift.id,
            due_at=shift.end - timedelta(minutes=settings.remind_before_minutes),
            severity=AlertSeverity.WARNING,
            message=alerts.alert_text(AlertKind.HANDOVER_REMIND, shift=shift.id),
            dedupe_key=f"{REMIND_PREFIX}{shift.id}",
            condition_key=handover_condition(shift.id),
        )
    if row is None or row.status != HandoverStatus.ACKNOWLEDGED:
        following = next_shift(floor.config, shift)
        alerts.schedule(
            session,
            floor,
            kind=AlertKind.HANDOVER_ESCALATE,
            subject=shift.id,
            due_at=following.start + timedelta(minutes=settings.escalate_after_minutes),
            severity=AlertSeverity.BREACH,
            message=alerts.alert_text(AlertKind.HANDOVER_ESCALATE, shift=shift.id),
            dedupe_key=f"{ESCALATE_PREFIX}{shift.id}",
            condition_key=handover_condition(shift.id),
        )


def cancel_for(session: Session, floor: Floor, shift_id: str, *, escalation: bool) -> None:
    """Cancel the reminder of a shift's handover (and its escalation when `escalation`)."""
    alerts.cancel(session, floor, dedupe_prefix=f"{REMIND_PREFIX}{shift_id}")
    if escalation:
        alerts.cancel(session, floor, dedupe_prefix=f"{ESCALATE_PREFIX}{shift_id}")


def _previous_open(session: Session, shift: Shift) -> Handover | None:
    """The latest handover of an earlier shift that nobody has acknowledged yet."""
    return session.exec(
        select(Handover)
        .where(
            col(Handover.shift_end) <= shift.start,
            Handover.status != HandoverStatus.ACKNOWLEDGED,
        )
        .order_by(col(Handover.shift_start).desc())
        .limit(1)
    ).first()


def _reminder_keys(session: Session, shift: Shift) -> set[str]:
    """The dedupe keys of the reminders the current state of things calls for."""
    keys: set[str] = set()
    row = by_shift(session, shift.id)
    if row is None or row.status == HandoverStatus.DRAFT:
        keys.add(f"{REMIND_PREFIX}{shift.id}")
    if row is None or row.status != HandoverStatus.ACKNOWLEDGED:
        keys.add(f"{ESCALATE_PREFIX}{shift.id}")
    previous = _previous_open(session, shift)
    if previous is not None:
        keys.add(f"{ESCALATE_PREFIX}{previous.shift_id}")
    return keys


def ensure_reminders(floor: Floor) -> None:
    """Schedule the current shift's reminder and escalation (idempotent; call at start
    and at each change of shift). A composed but unacknowledged previous handover gets
    its escalation too. Writes only when an alert is missing, so it is cheap to call
    every minute (the alert scheduler's heartbeat does)."""
    shift = current_shift(floor)
    with floor.db.read() as session:
        needed = _reminder_keys(session, shift)
        present = set(
            session.exec(select(Alert.dedupe_key).where(col(Alert.dedupe_key).in_(needed))).all()
        )
    if needed <= present:
        return
    with floor.db.write() as session:
        schedule_for(session, floor, shift, by_shift(session, shift.id))
        previous = _previous_open(session, shift)
        if previous is not None:
            try:
                prev_shift = shift_by_id(floor.config, previous.shift_id)
            except FloorError:  # the pattern changed since: that shift no longer exists
                return
            schedule_for(session, floor, prev_shift, previous)


def ensure_reminders_quietly(floor: Floor) -> None:
    """`ensure_reminders` for the alert scheduler: a gap in the shift pattern (no shift
    now) or a bad pattern schedules nothing rather than stopping alerts from firing."""
    try:
        ensure_reminders(floor)
    except FloorError:
        return
