"""A seat's state history: what the seat detail shows of its day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from floorman.data.tables.floor import Agent, Seat, SeatEvent
from floorman.domain.core.errors import FloorError


@dataclass(frozen=True)
class HistoryRow:
    """One line of a seat's state history."""

    at: datetime
    state: str
    event: str
    agent: str | None
    reason: str | None
    source: str


def seat_history(session: Session, seat_code: str, since: datetime) -> list[HistoryRow]:
    """A seat's events from `since` (e.g. the start of today), oldest first."""
    seat = session.exec(select(Seat).where(Seat.code == seat_code)).first()
    if seat is None:
        raise FloorError("unknown seat '{seat_code}'", seat_code=seat_code)
    rows = session.exec(
        select(SeatEvent, Agent)
        .outerjoin(Agent, SeatEvent.agent_id == Agent.id)  # type: ignore[arg-type]
        .where(SeatEvent.seat_id == seat.id, SeatEvent.at >= since)
        .order_by(SeatEvent.at)  # type: ignore[arg-type]
    ).all()
    return [
        HistoryRow(e.at, e.state, e.event, a.staff_no if a else None, e.reason, e.source)
        for e, a in rows
    ]
