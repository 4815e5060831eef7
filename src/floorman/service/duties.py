"""The floor's scheduled duties: backups, the visitors' retention purge, reminders, and
once a day the integrity check, which raises an alert when the database is not sound.

Terminals run the same `housekeeping` (the app calls it every few minutes), so a floor
with no service is still backed up; the functions it calls skip what was already done
(a backup of this hour, a purge of what is gone), so terminals and the service can both
run it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from floorman.domain.core.context import Actor, Floor

SCHEDULED_ACTOR = "floorman (scheduled)"
CHECK_ALERT_KIND = "service.check"


def scheduled(floor: Floor) -> Floor:
    """The floor as its scheduled duties act on it: as the system, from this terminal."""
    from floorman.domain.operators import SYSTEM_SOURCE

    return Floor(
        db=floor.db,
        clock=floor.clock,
        config=floor.config,
        actor=Actor(SCHEDULED_ACTOR, floor.actor.terminal, source=SYSTEM_SOURCE),
    )


def housekeeping(floor: Floor) -> list[Path]:
    """Backups that are due, personal data past its retention, the attendance reminder,
    the current shift's handover reminders. Returns the backup files written."""
    from floorman.domain.attendance import schedule_summary_reminder
    from floorman.domain.backups import run_scheduled_backups
    from floorman.domain.handover import ensure_reminders_quietly
    from floorman.domain.visitors import purge_expired

    system = scheduled(floor)
    written = run_scheduled_backups(system)
    purge_expired(system)
    schedule_summary_reminder(system)  # the month's attendance summary, due the 21st
    ensure_reminders_quietly(system)
    return written


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
        first = result.problems[0]
        more = f" (and {len(result.problems) - 1} more)" if len(result.problems) > 1 else ""
        with floor.db.write() as session:
            alerts.schedule(
                session,
                scheduled(floor),
                kind=CHECK_ALERT_KIND,
                subject="database",
                due_at=now,
                severity="severe",
                message=f"Daily check found a problem: {first}{more}; run `floorman check`",
                dedupe_key=f"{CHECK_ALERT_KIND}:{day}",
            )
    return result
