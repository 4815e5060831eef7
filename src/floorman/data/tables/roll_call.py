"""The one roll call (点名): everyone on the floor at one moment, each to be marked safe.

A roll call is started from the visitors panel (stand-alone) or by an emergency whose
checklist asks for one; an emergency points at the roll call it uses
(`emergency.roll_call_id`), so the visitors panel, the emergency screen, the CLI and the
incident report all read the same entries and marks.

An entry is staff (an agent at a seat), a visitor, or someone added by hand. A visitor's
entry holds no copy of the name: it is read from the `visitor` row, so the retention
purge has nothing else to clear.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from floorman.data.types import UTCDateTime, new_id

PERSON_KINDS: tuple[str, ...] = ("staff", "visitor", "other")


class RollCall(SQLModel, table=True):
    """One roll call: why it was taken, by whom and when, and when it was closed."""

    __tablename__ = "roll_call"
    id: str = Field(default_factory=new_id, primary_key=True)
    reason: str = ""
    started_at: datetime = Field(sa_type=UTCDateTime)
    started_by: str
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = None


class RollCallEntry(SQLModel, table=True):
    """One person to account for, numbered in reading order, and whether marked safe."""

    __tablename__ = "roll_call_entry"
    __table_args__ = (UniqueConstraint("roll_call_id", "position"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    roll_call_id: str = Field(foreign_key="roll_call.id", index=True)
    position: int
    kind: str
    agent_id: str | None = Field(default=None, foreign_key="agent.id")
    visitor_id: str | None = Field(default=None, foreign_key="visitor.id", index=True)
    # Staff and people added by hand; None for a visitor (read from the visitor row).
    name: str | None = None
    seat: str | None = None
    zone: str | None = None
    seat_state: str | None = None
    # Where someone added by hand is (lobby, server room), or an old free-text location.
    place: str | None = None
    safe_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    safe_by: str | None = None
