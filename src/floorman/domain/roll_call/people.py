"""Who is on the floor now, in the order a roll call reads them: visitors, then staff.

Visitors are those `visitors.presence` counts as on the floor (the same rule as the
header and the handover); staff are agents at seats that are ready, busy or away (an
agent away from the seat is still in the building: `MANNED_STATES`), by seat code.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from floorman.data.tables.floor import Agent, Seat, Zone
from floorman.domain.core.states import MANNED_STATES, PersonKind
from floorman.domain.visitors.presence import visitors_on_floor


@dataclass(frozen=True)
class Person:
    """Someone to put on a roll call, with what identifies and places them."""

    kind: PersonKind
    name: str
    agent_id: str | None = None
    visitor_id: str | None = None
    seat: str | None = None
    zone: str | None = None
    seat_state: str | None = None
    place: str | None = None


def staff_at_seats(session: Session) -> list[Person]:
    """Agents at seats that are ready, busy or away, by seat code."""
    rows = session.exec(
        select(Seat, Agent, Zone)
        .join(Agent, col(Seat.agent_id) == col(Agent.id))
        .join(Zone, col(Seat.zone_id) == col(Zone.id))
        .where(col(Seat.state).in_(tuple(MANNED_STATES)))
        .order_by(col(Seat.code))
    ).all()
    return [
        Person(
            PersonKind.STAFF, agent.name, agent_id=agent.id, seat=seat.code, zone=zone.code,
            seat_state=seat.state,
        )
        for seat, agent, zone in rows
    ]


def visitors_here(session: Session) -> list[Person]:
    """Visitors checked in and not out, earliest first; their names stay in the visitor row."""
    return [
        Person(PersonKind.VISITOR, visitor.name, visitor_id=visitor.id)
        for visitor in visitors_on_floor(session)
    ]


def people_on_floor(session: Session) -> list[Person]:
    """Everyone on the floor now: visitors first (they do not know the exits), then staff."""
    return visitors_here(session) + staff_at_seats(session)
