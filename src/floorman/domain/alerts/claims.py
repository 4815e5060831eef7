"""Firing: the atomic claim that makes each deadline fire once, and escalation in place.

The runtime scheduler only wakes at `due_at` and calls `fire_due`; the claim (an UPDATE
that only one terminal can win) makes each deadline fire once however many terminals are
open, and the heartbeat catches anything missed while floorman was closed. The terminal
that wins a deadline's claim also folds it into its condition's alert, in the same
transaction: the first deadline of a condition becomes the alert; a later one raises its
severity in place (an acknowledged alert becomes active again) or reopens it if it had
resolved. So an escalation, too, happens once, and a quieter deadline than the alert
already is changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from floorman.data import journal
from floorman.data.tables.floor import Alert
from floorman.domain.alerts.views import AlertView, view_of
from floorman.domain.core.context import Floor
from floorman.domain.core.states import AlertSeverity, AlertState, rank


def _rank(severity: str) -> int:
    try:
        return rank(AlertSeverity(severity))
    except ValueError:
        return 0


def _head(session: Session, deadline: Alert) -> Alert | None:
    """The alert an earlier deadline of the same condition raised, if any."""
    if deadline.condition_key is None:
        return None
    return session.exec(
        select(Alert)
        .where(
            Alert.condition_key == deadline.condition_key,
            col(Alert.state).is_not(None),
            col(Alert.id) != deadline.id,
        )
        .limit(1)
    ).first()


def _fold(session: Session, deadline: Alert, now: datetime) -> tuple[Alert, str] | None:
    """Make the claimed deadline its condition's alert, or escalate that alert with it.

    Returns (alert, journal verb) when the floor must hear of it, None when the deadline
    was quieter than the alert already is (merged, nothing to say)."""
    head = _head(session, deadline)
    if head is None:
        deadline.state = AlertState.ACTIVE
        session.add(deadline)
        return deadline, "alert.fire"
    deadline.merged_into = head.id
    session.add(deadline)
    reopened = head.state == AlertState.RESOLVED
    if not reopened and _rank(deadline.severity) <= _rank(head.severity):
        return None
    head.severity = deadline.severity
    head.kind = deadline.kind
    head.message = deadline.message
    head.escalated_at = now
    head.state = AlertState.ACTIVE
    head.resolved_at = None
    session.add(head)
    return head, "alert.reopen" if reopened else "alert.escalate"


def fire_due(floor: Floor) -> list[AlertView]:
    """Claim every deadline due now and return the alerts this terminal fired or raised,
    worst first; another terminal's claim wins, once."""
    now = floor.clock.now()
    fired: dict[str, AlertView] = {}
    with floor.db.write() as session:
        due = session.exec(
            select(Alert.id)
            .where(
                col(Alert.fired_at).is_(None),
                col(Alert.cancelled_at).is_(None),
                col(Alert.due_at) <= now,
            )
            .order_by(col(Alert.due_at))
        ).all()
        for alert_id in due:
            claimed = session.execute(
                update(Alert)
                .where(col(Alert.id) == alert_id, col(Alert.fired_at).is_(None))
                .values(fired_at=now, fired_by=floor.actor.terminal)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue
            deadline = session.get(Alert, alert_id)
            assert deadline is not None
            session.refresh(deadline)
            folded = _fold(session, deadline, now)
            if folded is None:
                continue
            alert, verb = folded
            session.flush()
            fired[alert.id] = view_of(alert)
            journal.append(
                session,
                at=now,
                actor=floor.actor.name,
                terminal=floor.actor.terminal,
                action=verb,
                subject=alert.subject,
                after={
                    "kind": alert.kind,
                    "severity": alert.severity,
                    "id": alert.id,
                    "deadline": deadline.id,
                },
            )
    return sorted(fired.values(), key=lambda view: -_rank(view.severity))
