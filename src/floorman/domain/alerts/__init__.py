"""Alerts: deadlines stored in the database that fire once, on time, even after a restart.

- `templates`: the English text of each kind, shown translated (`alert_text`, `localized`).
- `views`: `AlertView`, what the alert bar and the CLI show.
- `store`: scheduling pending alerts and cancelling them by dedupe key.
- `claims`: firing due alerts once across terminals, acknowledging, the active list.

The names below are the package's API, so `from floorman.domain import alerts` and
`alerts.schedule(...)` keep reading as before.
"""

from __future__ import annotations

from floorman.domain.alerts.claims import acknowledge, active, fire_due
from floorman.domain.alerts.store import cancel, key_range, pending, pending_values, schedule
from floorman.domain.alerts.templates import ALERT_TEXTS, SEVERITIES, alert_text, localized
from floorman.domain.alerts.views import AlertView, view_of

__all__ = [
    "ALERT_TEXTS",
    "SEVERITIES",
    "AlertView",
    "acknowledge",
    "active",
    "alert_text",
    "cancel",
    "fire_due",
    "key_range",
    "localized",
    "pending",
    "pending_values",
    "schedule",
    "view_of",
]
