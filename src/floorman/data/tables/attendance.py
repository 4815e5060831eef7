"""Attendance tables: the shift roster, manual sign-in/out marks and leave requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from floorman.data.types import UTCDateTime, new_id


class RosterShift(SQLModel, table=True):
    """One agent rostered for one shift: when they must arrive and may leave."""

    __tablename__ = "roster_shift"
    __table_args__ = (
        UniqueConstraint("agent_id", "starts_at"),
        Index("ix_roster_shift_day", "day"),
    )
    id: str = Field(default_factory=new_id, primary_key=True)
    agent_id: str = Field(foreign_key="agent.id", index=True)
    day: str  # local date of the shift start, YYYY-MM-DD
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)


class AttendanceMark(SQLModel, table=True):
    """A sign-in or sign-out recorded by hand (e.g. while the phone system is down).

    A mark overrides what the seat history says for that shift.
    """

    __tablename__ = "attendance_mark"
    id: str = Field(default_factory=new_id, primary_key=True)
    roster_id: str = Field(foreign_key="roster_shift.id", index=True)
    kind: str  # sign_in | sign_out
    at: datetime = Field(sa_type=UTCDateTime)
    recorded_by: str
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    note: str | None = None


class LeaveRequest(SQLModel, table=True):
    """A request for leave (请假), approved at the level its length requires."""

    __tablename__ = "leave_request"
    id: str = Field(default_factory=new_id, primary_key=True)
    agent_id: str = Field(foreign_key="agent.id", index=True)
    first_day: str
    days: float
    reason: str
    status: str = "pending"  # pending | approved | rejected
    requested_at: datetime = Field(sa_type=UTCDateTime)
    requested_by: str
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: str | None = None
    decided_role: str | None = None
    decision_note: str | None = None
