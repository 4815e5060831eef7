"""An alert as the alert bar, the alerts panel, the app and the command line show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from floorman.data.tables.floor import Alert
from floorman.domain.alerts.templates import localized, shown_who
from floorman.domain.core.states import AlertKind, AlertState
from floorman.i18n import t

# How each state reads on the alerts panel and in `floorman alerts list` ("acknowledged"
# alone is already the handover's word).
STATE_LABELS = {
    AlertState.ACTIVE: "Active",
    AlertState.ACKNOWLEDGED: "Acked",
    AlertState.RESOLVED: "Resolved",
}


@dataclass(frozen=True)
class AlertView:
    """An alert (one condition's row) as the screens and the CLI show it.

    `seat`, `agent` and `zone` are known for an away's alert (from its slip), else None.
    """

    id: str
    kind: str
    subject: str
    severity: str
    message: str
    due_at: datetime
    fired_at: datetime | None
    acknowledged_by: str | None
    state: str | None = None
    acknowledged_at: datetime | None = None
    acknowledged_note: str | None = None
    resolved_at: datetime | None = None
    escalated_at: datetime | None = None
    condition_key: str | None = None
    seat: str | None = None
    agent: str | None = None
    zone: str | None = None

    @property
    def shown_subject(self) -> str:
        """The subject as a screen shows it: a seat, a shift, or HQ's words translated."""
        return t(self.subject) if self.kind == AlertKind.HQ_NOTICE else self.subject

    @property
    def shown_agent(self) -> str:
        """The agent as a screen names them, in the current language ("" when none)."""
        return shown_who(self.agent) if self.agent else ""

    @property
    def text(self) -> str:
        """What a screen shows: the message in the current language, else the kind."""
        return localized(self.kind, self.message) if self.message else t(self.kind)

    def as_json(self) -> dict[str, Any]:
        """The fields of `floorman alerts list --json`."""

        def iso(when: datetime | None) -> str | None:
            return when.isoformat() if when else None

        return {
            "id": self.id,
            "kind": self.kind,
            "subject": self.subject,
            "seat": self.seat,
            "agent": self.agent,
            "severity": self.severity,
            "state": self.state,
            "message": self.message,
            "fired_at": iso(self.fired_at),
            "escalated_at": iso(self.escalated_at),
            "acknowledged_by": self.acknowledged_by,
            "acknowledged_at": iso(self.acknowledged_at),
            "acknowledged_note": self.acknowledged_note,
            "resolved_at": iso(self.resolved_at),
        }


def view_of(
    alert: Alert, *, seat: str | None = None, agent: str | None = None, zone: str | None = None
) -> AlertView:
    """The view of a stored alert row (with its slip's seat, agent and zone, when known)."""
    return AlertView(
        alert.id,
        alert.kind,
        alert.subject,
        alert.severity,
        alert.message,
        alert.due_at,
        alert.fired_at,
        alert.acknowledged_by,
        state=alert.state,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_note=alert.acknowledged_note,
        resolved_at=alert.resolved_at,
        escalated_at=alert.escalated_at,
        condition_key=alert.condition_key,
        seat=seat,
        agent=agent,
        zone=zone,
    )
