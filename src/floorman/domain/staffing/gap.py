"""Required against staffed: how many seats short the floor is right now.

The only read here is of the seats; nothing in staffing/ but plan.py writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from floorman.domain.staffing.required import RequiredSeats


@dataclass(frozen=True)
class StaffingGap:
    """Required against staffed seats: how many short (0 when enough)."""

    required: int
    staffed: int

    @property
    def short_by(self) -> int:
        return max(0, self.required - self.staffed)

    @property
    def enough(self) -> bool:
        return self.staffed >= self.required

    def as_json(self) -> dict[str, object]:
        return {
            "required": self.required,
            "staffed": self.staffed,
            "short_by": self.short_by,
            "enough": self.enough,
        }


def compare(required: int, staffed: int) -> StaffingGap:
    """Compare a required number of seats with the seats staffed."""
    return StaffingGap(required=required, staffed=staffed)


def staffed_seats(session: Session) -> int:
    """Agents at their seats right now on the whole floor (ready or busy; away is not)."""
    from floorman.domain.seats.views import count_by_zone, list_seats

    _zones, total = count_by_zone(list_seats(session))
    return total.staffed


def current_interval(
    rows: Sequence[RequiredSeats], now: datetime, zone: ZoneInfo
) -> RequiredSeats | None:
    """The forecast row whose interval holds the local time of `now`, if any."""
    local = now.astimezone(zone).time()
    return next((r for r in rows if r.interval.contains(local)), None)


def compare_with_floor(session: Session, required: int) -> StaffingGap:
    """Required seats against the seats staffed on the floor right now."""
    return compare(required, staffed_seats(session))
