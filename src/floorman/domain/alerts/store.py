"""Pending alerts: scheduling a deadline in the caller's transaction, cancelling by key.

Every panel schedules its deadlines here (away warnings and breaches, visitor overstays,
checklist reminders, handover reminders); the runtime scheduler reads `pending` to know
when to wake. The deadlines of one condition share a `condition_key` (an away slip's
bands, a shift's handover reminder and escalation) so that they raise one alert that
escalates in place; without one, a deadline's condition is its dedupe key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from floorman.data.tables.floor import Alert
from floorman.domain.alerts.templates import SEVERITIES
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import AlertState

OPEN_STATES = (AlertState.ACTIVE, AlertState.ACKNOWLEDGED)


def pending_values(
    floor: Floor,
    *,
    kind: str,
    subject: str,
    due_at: datetime,
    severity: str = "warning",
    message: str = "",
    dedupe_key: str | None = None,
    condition_key: str | None = None,
) -> dict[str, Any]:
    """The column values of a new pending alert (`schedule` and batch writers share them)."""
    if severity not in SEVERITIES:
        raise FloorError("unknown severity '{severity}'", severity=severity)
    return {
        "kind": kind,
        "subject": subject,
        "severity": severity,
        "message": message,
        "due_at": due_at,
        "created_at": floor.clock.now(),
        "dedupe_key": dedupe_key,
        "condition_key": condition_key or dedupe_key,
    }


def schedule(
    session: Session,
    floor: Floor,
    *,
    kind: str,
    subject: str,
    due_at: datetime,
    severity: str = "warning",
    message: str = "",
    dedupe_key: str | None = None,
    condition_key: str | None = None,
) -> Alert:
    """Add a pending alert in the caller's transaction; a repeated dedupe_key is a no-op."""
    values = pending_values(
        floor,
        kind=kind,
        subject=subject,
        due_at=due_at,
        severity=severity,
        message=message,
        dedupe_key=dedupe_key,
        condition_key=condition_key,
    )
    if dedupe_key is not None:
        existing = session.exec(select(Alert).where(Alert.dedupe_key == dedupe_key)).first()
        if existing is not None:
            return existing
    alert = Alert(**values)
    session.add(alert)
    session.flush()
    return alert


def key_range(dedupe_prefix: str) -> tuple[str, str]:
    """The dedupe keys starting with a prefix as a range [low, high) of the unique index.

    A key range rather than LIKE: it uses the unique index on dedupe_key, so the cost
    does not grow with the months of cancelled alerts behind it.
    """
    if not dedupe_prefix:
        raise ValueError("a dedupe prefix is required")
    return dedupe_prefix, dedupe_prefix[:-1] + chr(ord(dedupe_prefix[-1]) + 1)


def cancel(
    session: Session,
    floor: Floor,
    *,
    dedupe_prefix: str,
    resolve: bool = True,
    exact: bool = False,
) -> int:
    """The condition ended: cancel pending (not yet fired) alerts whose dedupe_key starts
    with the prefix and, with `resolve`, resolve the open alert they raised.

    `resolve=False` only drops deadlines (an extension re-plans them; an acknowledged
    breach needs no escalation) while the condition holds on. `exact`: only the key
    itself (an emergency's step 1 is not its steps 10 to 19).
    """
    lower, upper = (dedupe_prefix, dedupe_prefix + "\x00") if exact else key_range(dedupe_prefix)
    now = floor.clock.now()
    result = session.execute(
        update(Alert)
        .where(
            col(Alert.dedupe_key) >= lower,
            col(Alert.dedupe_key) < upper,
            col(Alert.fired_at).is_(None),
            col(Alert.cancelled_at).is_(None),
        )
        .values(cancelled_at=now)
    )
    if resolve:
        session.execute(
            update(Alert)
            .where(
                col(Alert.dedupe_key) >= lower,
                col(Alert.dedupe_key) < upper,
                col(Alert.state).in_(OPEN_STATES),
            )
            .values(state=AlertState.RESOLVED, resolved_at=now)
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def pending(session: Session) -> list[Alert]:
    """Alerts not yet fired nor cancelled, soonest first (the scheduler's job list)."""
    return list(
        session.exec(
            select(Alert)
            .where(col(Alert.fired_at).is_(None), col(Alert.cancelled_at).is_(None))
            .order_by(col(Alert.due_at))
        ).all()
    )
