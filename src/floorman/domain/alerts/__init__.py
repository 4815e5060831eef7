"""Alerts: deadlines stored in the database that fire once, on time, even after a restart,
and the one alert per condition they raise, which escalates in place and resolves itself.

- `templates`: the English text of each kind, shown translated (`alert_text`, `localized`).
- `views`: `AlertView`, what the alert bar, the alerts panel and the CLI show.
- `store`: scheduling pending deadlines; cancelling them (and resolving their alert) by key.
- `claims`: firing due deadlines once across terminals, folding each into its alert.
- `conditions`: whether an alert's condition still holds.
- `lifecycle`: acknowledging, the resolution sweep, the lists in the panel's order.
- `bell`: when a terminal rings for what it fired.

The names below are the package's API, so `from floorman.domain import alerts` and
`alerts.schedule(...)` keep reading as before.
"""

from __future__ import annotations

from floorman.domain.alerts.claims import fire_due
from floorman.domain.alerts.lifecycle import (
    acknowledge,
    acknowledge_all,
    acknowledge_many,
    active,
    alerts_list,
    counts_by_severity,
    panel_rows,
    resolve_ended,
)
from floorman.domain.alerts.store import cancel, key_range, pending, pending_values, schedule
from floorman.domain.alerts.templates import ALERT_TEXTS, SEVERITIES, alert_text, localized
from floorman.domain.alerts.views import AlertView, view_of

__all__ = [
    "ALERT_TEXTS",
    "SEVERITIES",
    "AlertView",
    "acknowledge",
    "acknowledge_all",
    "acknowledge_many",
    "active",
    "alert_text",
    "alerts_list",
    "cancel",
    "counts_by_severity",
    "fire_due",
    "key_range",
    "localized",
    "panel_rows",
    "pending",
    "pending_values",
    "resolve_ended",
    "schedule",
    "view_of",
]
