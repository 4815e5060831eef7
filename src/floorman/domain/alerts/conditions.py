"""Whether an alert's condition still holds: the one rule that resolves alerts by itself.

An away's alert holds while its slip is out and not excused; a visitor's overstay while
the visitor is on the floor; a handover reminder until the handover is submitted and its
escalation until it is acknowledged; an emergency step's reminder while the step is open
and the emergency running (a timer, while it runs). Other kinds (a blocked or watched
visitor, the attendance summary, the daily check) hold until someone acknowledges them.

Reads the tables directly (one query per kind for all the alerts asked about), so the
alerts package does not import the panels' packages. The stores that end a condition
(an agent back, a visitor out...) also resolve its alert at once through
`store.cancel`; this is what the scheduler's sweep checks on each tick.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from floorman.data.tables.away import AwaySlip
from floorman.data.tables.emergency import Emergency, EmergencyStep
from floorman.data.tables.floor import Alert
from floorman.data.tables.handover import Handover
from floorman.data.tables.visitors import Visitor
from floorman.domain.core.states import (
    AlertKind,
    EmergencyStatus,
    HandoverStatus,
    SlipApproval,
    SlipStatus,
    StepState,
)

AWAY_KINDS = frozenset(
    {
        AlertKind.AWAY_WARNING,
        AlertKind.AWAY_BREACH,
        AlertKind.AWAY_SEVERE,
        AlertKind.AWAY_ESCALATION,
    }
)
AWAY_CONDITION = "away:"
HANDOVER_CONDITION = "handover:"


def away_condition(slip_id: str) -> str:
    """The condition key of every alert of one away slip."""
    return f"{AWAY_CONDITION}{slip_id}"


def handover_condition(shift_id: str) -> str:
    """The condition key of a shift's handover reminder and escalation."""
    return f"{HANDOVER_CONDITION}{shift_id}"


def slip_of(alert: Alert) -> str | None:
    """The away slip an alert is about, else None."""
    key = alert.condition_key or ""
    return key[len(AWAY_CONDITION) :] if key.startswith(AWAY_CONDITION) else None


def _after(prefix: str, text: str) -> str:
    return text[len(prefix) :] if text.startswith(prefix) else text


def _step_of(alert: Alert) -> int | None:
    """The step number in an emergency reminder's key `emergency:<id>:step:<n>`."""
    parts = (alert.dedupe_key or "").split(":")
    return int(parts[3]) if len(parts) == 4 and parts[3].isdigit() else None


def ended(session: Session, candidates: Iterable[Alert]) -> list[Alert]:
    """Those of `candidates` whose condition no longer holds."""
    by_kind: dict[str, list[Alert]] = {}
    for alert in candidates:
        kind = "away" if alert.kind in AWAY_KINDS else alert.kind
        by_kind.setdefault(kind, []).append(alert)
    gone: list[Alert] = []
    if "away" in by_kind:
        gone += _ended_aways(session, by_kind["away"])
    if AlertKind.VISITOR_OVERSTAY in by_kind:
        gone += _ended_overstays(session, by_kind[AlertKind.VISITOR_OVERSTAY])
    for kind, done in (
        (AlertKind.HANDOVER_REMIND, (HandoverStatus.SUBMITTED, HandoverStatus.ACKNOWLEDGED)),
        (AlertKind.HANDOVER_ESCALATE, (HandoverStatus.ACKNOWLEDGED,)),
    ):
        if kind in by_kind:
            gone += _ended_handovers(session, by_kind[kind], done)
    emergency = by_kind.get(AlertKind.EMERGENCY_REMINDER, [])
    emergency += by_kind.get(AlertKind.EMERGENCY_TIMER, [])
    if emergency:
        gone += _ended_emergency(session, emergency)
    return gone


def _ended_aways(session: Session, alerts: list[Alert]) -> list[Alert]:
    ids = {slip_of(a) for a in alerts} - {None}
    holding = set(
        session.exec(
            select(AwaySlip.id).where(
                col(AwaySlip.id).in_(ids),
                AwaySlip.status == SlipStatus.OUT,
                AwaySlip.approval != SlipApproval.APPROVED_AFTER,
            )
        ).all()
    )
    return [a for a in alerts if slip_of(a) is not None and slip_of(a) not in holding]


def _ended_overstays(session: Session, alerts: list[Alert]) -> list[Alert]:
    ids = {_after("visitor:", a.subject) for a in alerts}
    on_floor = set(
        session.exec(
            select(Visitor.id).where(
                col(Visitor.id).in_(ids), col(Visitor.checked_out_at).is_(None)
            )
        ).all()
    )
    return [a for a in alerts if _after("visitor:", a.subject) not in on_floor]


def _ended_handovers(
    session: Session, alerts: list[Alert], done: tuple[HandoverStatus, ...]
) -> list[Alert]:
    shifts = {a.subject for a in alerts}
    finished = set(
        session.exec(
            select(Handover.shift_id).where(
                col(Handover.shift_id).in_(shifts), col(Handover.status).in_(done)
            )
        ).all()
    )
    return [a for a in alerts if a.subject in finished]


def _ended_emergency(session: Session, alerts: list[Alert]) -> list[Alert]:
    ids = {_after("emergency:", a.subject) for a in alerts}
    running = set(
        session.exec(
            select(Emergency.id).where(
                col(Emergency.id).in_(ids), Emergency.status == EmergencyStatus.RUNNING
            )
        ).all()
    )
    open_steps = set(
        session.exec(
            select(EmergencyStep.emergency_id, EmergencyStep.number).where(
                col(EmergencyStep.emergency_id).in_(running),
                col(EmergencyStep.state).in_((StepState.OPEN, StepState.DEFERRED)),
            )
        ).all()
    )
    gone: list[Alert] = []
    for alert in alerts:
        emergency_id = _after("emergency:", alert.subject)
        step = _step_of(alert) if alert.kind == AlertKind.EMERGENCY_REMINDER else None
        if emergency_id not in running or (
            step is not None and (emergency_id, step) not in open_steps
        ):
            gone.append(alert)
    return gone
