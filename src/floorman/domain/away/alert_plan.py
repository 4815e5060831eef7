"""The alerts of a slip that is out: warning, breach, severe and escalation deadlines.

The one place these deadlines and texts live: the ORM path schedules them one by one,
the feeds' batch path writes the same rows in bulk (away/book.py). The deadlines come
from `rules.away_limits`, as every band on every screen does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlmodel import col, select

from floorman.clock import mmss
from floorman.data.tables.floor import Alert
from floorman.domain import alerts
from floorman.domain.alerts.conditions import away_condition
from floorman.domain.away.rules import away_limits
from floorman.domain.core.context import Floor
from floorman.domain.core.states import AlertKind, AlertSeverity, AlertState

ALERT_PREFIX = "away:"


class TimedSlip(Protocol):
    """What the plan reads of a slip: an `AwaySlip` row or the batch's copy of one."""

    id: str
    limit_seconds: int
    extension_seconds: int
    left_at: datetime | None


@dataclass(frozen=True)
class PlannedAlert:
    """One deadline of a slip that is out, before it is written as an alert row."""

    kind: str
    subject: str
    due_at: datetime
    severity: str
    message: str
    dedupe_key: str
    condition_key: str


def slip_alert_prefix(slip_id: str) -> str:
    """The dedupe-key prefix of every alert of one slip (cancelled when it comes back)."""
    return f"{ALERT_PREFIX}{slip_id}:"


def alert_plan(floor: Floor, slip: TimedSlip, seat_code: str, agent: str) -> list[PlannedAlert]:
    """Warning, breach, severe and escalation deadlines of a slip that is out.

    `agent` is `who(...)`. An extended slip's keys differ from the first plan's, so the
    alerts of the extended limit are new rows after the first ones were cancelled.
    """
    assert slip.left_at is not None
    limits = away_limits(floor.config, slip.limit_seconds, slip.extension_seconds)
    limit = limits.limit_seconds
    prefix = slip_alert_prefix(slip.id) + ("ext:" if slip.extension_seconds else "")
    deadlines = [
        (AlertKind.AWAY_WARNING, AlertSeverity.WARNING, limits.warning_seconds),
        (AlertKind.AWAY_BREACH, AlertSeverity.BREACH, limits.breach_seconds),
        (AlertKind.AWAY_SEVERE, AlertSeverity.SEVERE, limits.severe_seconds),
    ]
    plan = [
        PlannedAlert(
            kind=kind,
            subject=seat_code,
            due_at=slip.left_at + timedelta(seconds=after),
            severity=severity,
            message=alerts.alert_text(kind, agent=agent, seat=seat_code, limit=mmss(limit)),
            dedupe_key=f"{prefix}{severity}",
            condition_key=away_condition(slip.id),
        )
        for kind, severity, after in deadlines
    ]
    escalate = floor.config.away.escalate_after_minutes
    if escalate > 0:
        plan.append(
            PlannedAlert(
                kind=AlertKind.AWAY_ESCALATION,
                subject=seat_code,
                due_at=slip.left_at + timedelta(seconds=limits.breach_seconds, minutes=escalate),
                severity=AlertSeverity.CRITICAL,
                message=alerts.alert_text(
                    AlertKind.AWAY_ESCALATION, agent=agent, seat=seat_code, minutes=escalate
                ),
                dedupe_key=f"{prefix}escalation",
                condition_key=away_condition(slip.id),
            )
        )
    return plan


def cancel_acknowledged_escalations(floor: Floor) -> int:
    """Cancel due escalations whose away alert someone acknowledged; run before firing.

    The escalation says "breach not acknowledged within N min": once the slip's alert is
    acknowledged it has nothing to say (if the away gets worse first, its alert is active
    again and the escalation stands)."""
    now = floor.clock.now()
    cancelled = 0
    with floor.db.write() as session:
        due = session.exec(
            select(Alert).where(
                Alert.kind == AlertKind.AWAY_ESCALATION,
                col(Alert.fired_at).is_(None),
                col(Alert.cancelled_at).is_(None),
                col(Alert.due_at) <= now,
            )
        ).all()
        for escalation in due:
            acknowledged = session.exec(
                select(Alert.id).where(
                    Alert.condition_key == escalation.condition_key,
                    Alert.state == AlertState.ACKNOWLEDGED,
                )
            ).first()
            if acknowledged is not None:
                key = escalation.dedupe_key or ""
                cancelled += alerts.cancel(session, floor, dedupe_prefix=key, resolve=False)
    return cancelled
