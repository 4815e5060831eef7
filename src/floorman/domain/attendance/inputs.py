"""What attendance reads from people and files: dates, times of day, an agent by staff
number, and how far around a shift the seat history is read.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlmodel import Session, select

from floorman.data.tables.floor import Agent
from floorman.domain.core import bounds
from floorman.domain.core.errors import FloorError

# How far around a shift the seat history is read for its sign-in and sign-out.
MARGIN = timedelta(hours=2)


def parse_day(text: str, what: str = "date") -> date:
    """A YYYY-MM-DD day within the floor's calendar (bounds.parse_day)."""
    return bounds.parse_day(text, what)


def parse_clock(text: str) -> time:
    try:
        hours, minutes = text.strip().split(":")
        if hours == "24" and minutes == "00":
            return time(0)
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise FloorError("malformed time '{text}': expected HH:MM", text=text) from exc


def agent_by_staff_no(session: Session, staff_no: str) -> Agent:
    agent = session.exec(select(Agent).where(Agent.staff_no == staff_no.strip())).first()
    if agent is None:
        raise FloorError("unknown agent '{staff_no}'", staff_no=staff_no)
    return agent
