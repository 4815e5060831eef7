"""floorman's own duties, run every few minutes as "floorman (scheduled)".

Backups that are due, visitors' personal data past its retention, the month's
attendance summary reminder and the current shift's handover reminders. Each is a
domain call; this module only names the actor they run as, so the journal says the
system did it, not the manager on duty. A terminal (`floorman ui`) and the floor service
(`floorman serve`) run this same list, so a floor with either keeps its duties.
"""

from __future__ import annotations

from pathlib import Path

from floorman.domain.attendance.month import schedule_summary_reminder
from floorman.domain.backups import run_scheduled_backups
from floorman.domain.core.context import Actor, Floor
from floorman.domain.handover.reminders import ensure_reminders_quietly
from floorman.domain.operators.permissions import SYSTEM_SOURCE
from floorman.domain.visitors.retention import purge_expired


def system_floor(floor: Floor) -> Floor:
    """The same floor, acting as floorman itself on this terminal."""
    return Floor(
        db=floor.db,
        clock=floor.clock,
        config=floor.config,
        actor=Actor(SCHEDULED_ACTOR, floor.actor.terminal, source=SYSTEM_SOURCE),
    )


SCHEDULED_ACTOR = "floorman (scheduled)"


def run_housekeeping(floor: Floor) -> list[Path]:
    """Run every duty that is due and return the backups written; a storage error
    propagates to the caller's handler."""
    system = system_floor(floor)
    written = run_scheduled_backups(system)
    purge_expired(system)
    schedule_summary_reminder(system)  # the month's attendance summary, due the 21st
    ensure_reminders_quietly(system)
    return written
