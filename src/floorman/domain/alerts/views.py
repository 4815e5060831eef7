"""An alert as the alert bar, the app and the command line show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from floorman.data.tables.floor import Alert
from floorman.domain.alerts.templates import localized
from floorman.i18n import t


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


def view_of(alert: Alert) -> AlertView:
    """The view of a stored alert row."""
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
