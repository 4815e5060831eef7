"""Why a report tab is empty: said in words instead of an empty chart or table.

An empty tab reads as "broken" unless it says why: no seats or no roster imported yet
(and how to import them), or nothing of that kind in the range. The screen shows the
reason in the tab; the CSV export of an empty tab still has its header row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from floorman.data.tables.attendance import RosterShift
from floorman.data.tables.floor import Seat
from floorman.domain.attendance.days import ShiftAttendance
from floorman.domain.reports.figures import FloorReport

# The reasons, in English; the screen translates them (a `{day}` is filled in).
NO_SEATS = "No seats imported yet: floorman seats import FILE.csv"
NO_OPEN_SEATS = "No seat was open in this range"
NO_AWAY = "No agent was away in this range"
NO_ALERTS = "No alert fired in this range"
NO_ROSTER = "No roster imported yet: floorman attendance roster FILE.csv"
NO_SHIFTS_THAT_DAY = "No one was rostered on {day}"


@dataclass(frozen=True)
class EmptyTabs:
    """For each tab, why it is empty (None: it has something to show)."""

    occupancy: str | None
    away: str | None
    alerts: str | None
    attendance: str | None


def why_empty(
    session: Session, report: FloorReport, attendance: list[ShiftAttendance], day: date
) -> EmptyTabs:
    """Why each tab of `report` (and the attendance of `day`) shows nothing, if it does."""
    has_seats = session.exec(select(Seat.id).limit(1)).first() is not None
    has_roster = session.exec(select(RosterShift.id).limit(1)).first() is not None
    occupancy: str | None = None
    if not has_seats:
        occupancy = NO_SEATS
    elif not any(point.open_seats for point in report.occupancy):
        occupancy = NO_OPEN_SEATS
    roster: str | None = None
    if not attendance:
        roster = NO_ROSTER if not has_roster else NO_SHIFTS_THAT_DAY
    return EmptyTabs(
        occupancy=occupancy,
        away=None if any(f.value for f in report.away_minutes) else NO_AWAY,
        alerts=None if any(f.value for f in report.alerts) else NO_ALERTS,
        attendance=roster,
    )
