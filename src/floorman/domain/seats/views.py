"""What the floor screen, the header and `seats list` show of the seats, and their counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from floorman.clock import elapsed_seconds
from floorman.data.tables.floor import Agent, Seat, Zone
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import AT_SEAT_STATES, MANNED_STATES, SeatState

# Every state has a letter, so the floor reads without colour.
STATE_LETTERS: dict[str, str] = {
    SeatState.EMPTY: "-",
    SeatState.READY: "R",
    SeatState.BUSY: "B",
    SeatState.AWAY: "A",
    SeatState.FAULT: "X",
}


@dataclass(frozen=True)
class SeatView:
    """What the floor screen and `seats list` show of one seat."""

    seat: str
    zone: str
    zone_name: str
    type: str
    row: int
    col: int
    state: str
    agent: str | None
    agent_name: str | None
    reason: str | None
    since: datetime

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["since"] = self.since.isoformat()
        return data

    def seconds_in_state(self, now: datetime) -> int:
        return elapsed_seconds(self.since, now)


def seat_view(seat: Seat, zone: Zone, agent: Agent | None) -> SeatView:
    """The view of one seat row, with its zone and agent."""
    return SeatView(
        seat=seat.code,
        zone=zone.code,
        zone_name=zone.name,
        type=seat.seat_type,
        row=seat.row,
        col=seat.col,
        state=seat.state,
        agent=agent.staff_no if agent else None,
        agent_name=agent.name if agent else None,
        reason=seat.reason,
        since=seat.since,
    )


def list_seats(session: Session) -> list[SeatView]:
    """Every seat with its zone and agent, in zone then row/column order."""
    rows = session.exec(
        select(Seat, Zone, Agent)
        .join(Zone, Seat.zone_id == Zone.id)  # type: ignore[arg-type]
        .outerjoin(Agent, Seat.agent_id == Agent.id)  # type: ignore[arg-type]
        .order_by(Zone.sort_order, Zone.code, Seat.row, Seat.col, Seat.code)  # type: ignore[arg-type]
    ).all()
    return [seat_view(seat, zone, agent) for seat, zone, agent in rows]


def seat_view_by_code(session: Session, code: str) -> SeatView:
    """The view of the seat with this code; FloorError if there is none."""
    row = session.exec(
        select(Seat, Zone, Agent)
        .join(Zone, Seat.zone_id == Zone.id)  # type: ignore[arg-type]
        .outerjoin(Agent, Seat.agent_id == Agent.id)  # type: ignore[arg-type]
        .where(Seat.code == code)
    ).first()
    if row is None:
        raise FloorError("unknown seat '{code}'", code=code)
    return seat_view(*row)


@dataclass
class ZoneCounts:
    """Seats per state in one zone (or the whole floor), and its occupancy.

    `staffed` counts agents at their seats, ready or busy (AT_SEAT_STATES): an agent
    away is not answering calls, so the header, the handover and staffing count them
    apart (`away`); `manned` adds them back (MANNED_STATES). Occupancy is `staffed`
    over the open seats, and says so where it is shown (issue 16).
    """

    zone: str
    states: Counter[str] = field(default_factory=Counter)

    @property
    def staffed(self) -> int:
        return sum(self.states[s] for s in AT_SEAT_STATES)

    @property
    def away(self) -> int:
        return self.states[SeatState.AWAY]

    @property
    def manned(self) -> int:
        return sum(self.states[s] for s in MANNED_STATES)

    @property
    def open_seats(self) -> int:
        """Seats that can take an agent: all but those out of order."""
        return sum(self.states.values()) - self.states[SeatState.FAULT]

    @property
    def occupancy(self) -> float:
        return self.staffed / self.open_seats if self.open_seats else 0.0


def count_by_zone(views: list[SeatView]) -> tuple[list[ZoneCounts], ZoneCounts]:
    """Per-zone counts in display order, and the floor total."""
    zones: dict[str, ZoneCounts] = {}
    total = ZoneCounts("*")
    for view in views:
        zones.setdefault(view.zone, ZoneCounts(view.zone)).states[view.state] += 1
        total.states[view.state] += 1
    return list(zones.values()), total
