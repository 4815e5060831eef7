"""The service's own duty: once a day the integrity check, which raises an alert when the
database is not sound.

The other scheduled duties (backups, the retention purge, reminders) are the one list in
`runtime.housekeeping`, which terminals run too; the functions it calls skip what was
already done (a backup of this hour, a purge of what is gone), so both can run it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from floorman.domain.alerts.templates import alert_text
from floorman.domain.core.context import Floor
from floorman.domain.core.states import AlertKind, AlertSeverity
from floorman.runtime.housekeeping import system_floor

CHECK_ALERT_KIND = AlertKind.SERVICE_CHECK


@dataclass(frozen=True)
class CheckResult:
    """One run of the daily integrity check."""

    at: datetime
    problems: tuple[str, ...]

    @property
    def sound(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, object]:
        return {"at": self.at.isoformat(), "sound": self.sound, "problems": list(self.problems)}


def daily_check(floor: Floor) -> CheckResult:
    """`floorman check` (integrity, journal chain, registered checks); a failure becomes a
    severe alert, once per local day, that fires at once on every screen."""
    from floorman.domain import alerts
    from floorman.domain.audit import run_checks

    now = floor.clock.now()
    report = run_checks(floor)
    result = CheckResult(now, tuple(report.problems))
    if not result.sound:
        day = now.astimezone(floor.config.zone()).date().isoformat()
        with floor.db.write() as session:
            alerts.schedule(
                session,
                system_floor(floor),
                kind=CHECK_ALERT_KIND,
                subject="database",
                due_at=now,
                severity=AlertSeverity.SEVERE,
                message=alert_text(CHECK_ALERT_KIND, count=len(result.problems)),
                dedupe_key=f"{CHECK_ALERT_KIND}:{day}",
            )
    return result
