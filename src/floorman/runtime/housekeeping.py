"""floorman's own duties, run by the app every few minutes as "floorman (scheduled)".

Backups that are due, visitors' personal data past its retention, and the month's
attendance summary reminder. Each is a domain call; this module only names the actor
they run as, so the journal says the system did it, not the manager on duty.
"""

from __future__ import annotations

from floorman.domain.attendance.month import schedule_summary_reminder
from floorman.domain.backups import run_scheduled_backups
from floorman.domain.core.context import Actor, Floor
from floorman.domain.operators.permissions import SYSTEM_SOURCE
from floorman.domain.visitors.retention import purge_expired


def system_floor(floor: Floor) -> Floor:
    """The same floor, acting as floorman itself on this terminal."""
    return Floor(
        db=floor.db,
        clock=floor.clock,
        config=floor.config,
        actor=Actor("floorman (scheduled)", floor.actor.terminal, source=SYSTEM_SOURCE),
    )


def run_housekeeping(floor: Floor) -> None:
    """Run every duty that is due; a storage error propagates to the caller's handler."""
    system = system_floor(floor)
    run_scheduled_backups(system)
    purge_expired(system)
    schedule_summary_reminder(system)  # the month's attendance summary, due the 21st
