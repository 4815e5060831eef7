"""Firing and acknowledging: the atomic claim that makes each alert fire once.

The runtime scheduler only wakes at `due_at` and calls `fire_due`; the claim (an UPDATE
that only one terminal can win) makes each alert fire once however many terminals are
open, and the heartbeat catches anything missed while floorman was closed.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from floorman.data import journal
from floorman.data.tables.floor import Alert
from floorman.domain.alerts.templates import SEVERITIES
from floorman.domain.alerts.views import AlertView, view_of
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError


def fire_due(floor: Floor) -> list[AlertView]:
    """Claim and return every alert due now; another terminal's claim wins, once."""
    now = floor.clock.now()
    fired: list[AlertView] = []
    with floor.db.write() as session:
        due = session.exec(
            select(Alert.id).where(
                col(Alert.fired_at).is_(None),
                col(Alert.cancelled_at).is_(None),
                col(Alert.due_at) <= now,
            )
        ).all()
        for alert_id in due:
            claimed = session.execute(
                update(Alert)
                .where(col(Alert.id) == alert_id, col(Alert.fired_at).is_(None))
                .values(fired_at=now, fired_by=floor.actor.terminal)
            )
            if claimed.rowcount == 1:  # type: ignore[attr-defined]
                alert = session.get(Alert, alert_id)
                assert alert is not None
                fired.append(view_of(alert))
                journal.append(
                    session,
                    at=now,
                    actor=floor.actor.name,
                    terminal=floor.actor.terminal,
                    action="alert.fire",
                    subject=alert.subject,
                    after={"kind": alert.kind, "severity": alert.severity, "id": alert.id},
                )
    return fired


def acknowledge(floor: Floor, alert_id: str) -> AlertView:
    """Record who acknowledged a fired alert, and when."""
    from floorman.domain.operators import permissions

    with floor.db.write() as session:
        permissions.require(floor, "alert.acknowledge", session=session)
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise FloorError("unknown alert '{alert_id}'", alert_id=alert_id)
        if alert.fired_at is None:
            raise FloorError("this alert has not fired yet")
        if alert.acknowledged_at is not None:
            raise FloorError(
                "already acknowledged by {acknowledged_by}",
                acknowledged_by=alert.acknowledged_by,
            )
        alert.acknowledged_at = floor.clock.now()
        alert.acknowledged_by = floor.actor.name
        session.add(alert)
        journal.append(
            session,
            at=alert.acknowledged_at,
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action="alert.acknowledge",
            subject=alert.subject,
            after={"id": alert.id, "kind": alert.kind},
        )
        return view_of(alert)


def active(session: Session) -> list[AlertView]:
    """Fired alerts not yet acknowledged, worst and oldest first (the alert bar)."""
    rows = session.exec(
        select(Alert).where(col(Alert.fired_at).is_not(None), col(Alert.acknowledged_at).is_(None))
    ).all()
    rank: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}
    rows = sorted(rows, key=lambda a: (-rank.get(a.severity, 0), a.due_at))
    return [view_of(a) for a in rows]
