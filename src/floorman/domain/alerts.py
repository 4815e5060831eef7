"""Alerts: deadlines stored in the database that fire once, on time, even after a restart.

Every panel schedules its deadlines here (away warnings and breaches, visitor overstays,
checklist reminders, handover reminders). The app's scheduler (`floorman.alerts`) only
wakes up at `due_at` and calls `fire_due`; the atomic claim makes each alert fire once
however many terminals are open, and the heartbeat catches anything missed while closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from floorman.data import journal
from floorman.data.tables.floor import Alert
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.i18n import language, t

SEVERITIES = ("info", "warning", "breach", "severe", "critical")

# The English text of each kind of alert. Producers fill these in (`alert_text`) and the
# row keeps the English text, for the command line and the journal; a screen shows it in
# its own language (`AlertView.text`) by reading the values back out of the stored text
# and filling in the translated template. Kinds not listed are shown as stored.
ALERT_TEXTS: dict[str, str] = {
    "away.warning": "{agent} away from {seat}: limit {limit} near",
    "away.breach": "{agent} away from {seat}: over the {limit} limit",
    "away.severe": "{agent} away from {seat}: over twice the {limit} limit",
    "away.escalation": "{agent} away from {seat}: breach not acknowledged within {minutes} min",
    "visitor.blocked": "Blocked visitor refused at registration ({organisation})",
    "visitor.watch": "Watch list: {name} ({organisation}): {reasons}",
    "visitor.overstay": "Visitor {name}{badge} is still on the floor; expected out by {time}",
    "handover.remind": "Handover of shift {shift} not submitted; the shift ends soon",
    "handover.escalate": "Handover of shift {shift} not acknowledged by the next shift",
    "attendance.summary": "Send the month's attendance summary to the operations supervisor",
}


def alert_text(kind: str, **values: object) -> str:
    """The stored (English) text of an alert of `kind`."""
    return ALERT_TEXTS[kind].format(**values)


@cache
def _reader(template: str) -> re.Pattern[str]:
    """A pattern that reads a template's values back out of a text it produced."""
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.*?)"
        for index, part in enumerate(parts)
    )
    return re.compile(f"^{pattern}$", re.DOTALL)


def localized(kind: str, message: str) -> str:
    """An alert's stored English text in the current language, else as stored."""
    template = ALERT_TEXTS.get(kind)
    if template is None or language() == "en":
        return message
    found = _reader(template).match(message)
    if found is None:  # written before this template, or by hand: show it as it is
        return message
    return t(template, **found.groupdict())


@dataclass(frozen=True)
class AlertView:
    """An alert as the alert bar and the CLI show it."""

    id: str
    kind: str
    subject: str
    severity: str
    message: str
    due_at: datetime
    fired_at: datetime | None
    acknowledged_by: str | None

    @property
    def text(self) -> str:
        """What a screen shows: the message in the current language, else the kind."""
        return localized(self.kind, self.message) if self.message else t(self.kind)


def _view(alert: Alert) -> AlertView:
    return AlertView(
        alert.id,
        alert.kind,
        alert.subject,
        alert.severity,
        alert.message,
        alert.due_at,
        alert.fired_at,
        alert.acknowledged_by,
    )


def pending_values(
    floor: Floor,
    *,
    kind: str,
    subject: str,
    due_at: datetime,
    severity: str = "warning",
    message: str = "",
    dedupe_key: str | None = None,
) -> dict[str, Any]:
    """The column values of a new pending alert (`schedule` and batch writers share them)."""
    if severity not in SEVERITIES:
        raise FloorError(f"unknown severity '{severity}'")
    return {
        "kind": kind,
        "subject": subject,
        "severity": severity,
        "message": message,
        "due_at": due_at,
        "created_at": floor.clock.now(),
        "dedupe_key": dedupe_key,
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


def cancel(session: Session, floor: Floor, *, dedupe_prefix: str) -> int:
    """Cancel pending (not yet fired) alerts whose dedupe_key starts with the prefix."""
    lower, upper = key_range(dedupe_prefix)
    result = session.execute(
        update(Alert)
        .where(
            col(Alert.dedupe_key) >= lower,
            col(Alert.dedupe_key) < upper,
            col(Alert.fired_at).is_(None),
            col(Alert.cancelled_at).is_(None),
        )
        .values(cancelled_at=floor.clock.now())
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
                fired.append(_view(alert))
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
            raise FloorError(f"unknown alert '{alert_id}'")
        if alert.fired_at is None:
            raise FloorError("this alert has not fired yet")
        if alert.acknowledged_at is not None:
            raise FloorError(f"already acknowledged by {alert.acknowledged_by}")
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
        return _view(alert)


def active(session: Session) -> list[AlertView]:
    """Fired alerts not yet acknowledged, worst and oldest first (the alert bar)."""
    rows = session.exec(
        select(Alert).where(col(Alert.fired_at).is_not(None), col(Alert.acknowledged_at).is_(None))
    ).all()
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    rows = sorted(rows, key=lambda a: (-rank.get(a.severity, 0), a.due_at))
    return [_view(a) for a in rows]
