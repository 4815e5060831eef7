"""The floor's live state as HQ sees it: what the site's own commands show, and its counts.

The lists are exactly the site's own JSON (`seats list --json`, `away list --open --json`,
the alert bar's alerts, running emergencies), so HQ's picture and the floor never differ in
wording. This is the one module of the sync that reads other panels; their rules (what is
open, over the limit, staffed) are theirs, called here, never copied.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import select

from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import AT_SEAT_STATES, SeatState, SlipStatus


@dataclass(frozen=True)
class FloorSnapshot:
    """One site's live state at `taken_at`, with the journal row it reflects."""

    taken_at: datetime
    journal_seq: int
    staffed: int
    away: int
    open_seats: int
    total_seats: int
    required: int | None
    aways_over_limit: int
    pending_requests: int
    visitors_on_floor: int
    handover_status: str | None
    seats: list[dict[str, Any]] = field(default_factory=list)
    open_slips: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    emergencies: list[dict[str, Any]] = field(default_factory=list)

    def row(self, site: str) -> dict[str, Any]:
        """The central `site_state` row's values (the server stamps `synced_at`)."""
        return {"site": site, **self.__dict__}

    def digest(self) -> str:
        """Changes when anything HQ sees changes (elapsed times aside: HQ counts those)."""
        stable = {k: v for k, v in self.__dict__.items() if k != "taken_at"}
        stable["open_slips"] = [
            {k: v for k, v in slip.items() if k not in _TICKING} for slip in self.open_slips
        ]
        text = json.dumps(stable, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


# Fields of an away slip that change every second without anything happening.
_TICKING = frozenset({"elapsed_seconds", "left_seconds", "over_seconds"})


def alert_json(view: Any) -> dict[str, Any]:
    """An active alert as HQ shows it (the alert bar's fields)."""
    return {
        "id": view.id,
        "kind": view.kind,
        "subject": view.subject,
        "severity": view.severity,
        "message": view.message,
        "fired_at": view.fired_at.isoformat() if view.fired_at else None,
    }


def emergency_json(view: Any) -> dict[str, Any]:
    """A running emergency as HQ shows it: kind, drill, started_at, its wording."""
    return {
        "id": view.id,
        "kind": view.kind,
        "title_en": view.title_en,
        "title_zh": view.title_zh,
        "drill": bool(view.drill),
        "started_at": view.started_at.isoformat(),
        "started_by": view.started_by,
        "wording": view.wording,
    }


def _handover_status(floor: Floor, session: Any) -> str | None:
    from floorman.data.tables.handover import Handover
    from floorman.domain.shifts import current_shift

    try:
        shift = current_shift(floor)
    except FloorError:  # a gap in the shift pattern: no shift, so no handover
        return None
    row = session.exec(select(Handover).where(Handover.shift_id == shift.id)).first()
    return str(row.status) if row is not None else "none"


def take_snapshot(floor: Floor, journal_seq: int) -> FloorSnapshot:
    """Read the floor as it is now (read transactions only: the floor is never held up)."""
    from floorman.domain import alerts
    from floorman.domain.away.views import list_slips
    from floorman.domain.emergency.views import running as running_emergencies
    from floorman.domain.seats.views import count_by_zone, list_seats
    from floorman.domain.staffing.plan import required_now
    from floorman.domain.visitors.presence import visitors_on_floor

    now = floor.clock.now()
    slips = list_slips(floor, open_only=True)
    with floor.db.read() as session:
        seats = list_seats(session)
        _zones, total = count_by_zone(seats)
        try:
            needed = required_now(session, now, floor.config.zone())
        except FloorError:
            needed = None
        active = alerts.active(session)
        running = running_emergencies(session)
        visitors = len(visitors_on_floor(session))
        handover = _handover_status(floor, session)
    return FloorSnapshot(
        taken_at=now,
        journal_seq=journal_seq,
        staffed=sum(1 for s in seats if s.state in AT_SEAT_STATES),
        away=total.states[SeatState.AWAY],
        open_seats=total.open_seats,
        total_seats=len(seats),
        required=needed.required.required if needed is not None else None,
        aways_over_limit=sum(1 for s in slips if s.over_seconds > 0),
        pending_requests=sum(1 for s in slips if s.status == SlipStatus.REQUESTED),
        visitors_on_floor=visitors,
        handover_status=handover,
        seats=[v.as_json() for v in seats],
        open_slips=[v.as_json() for v in slips],
        alerts=[alert_json(a) for a in active],
        emergencies=[emergency_json(e) for e in running],
    )
