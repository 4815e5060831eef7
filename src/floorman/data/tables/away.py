"""The away slip (示忙单): one row per absence from a seat, from request to return."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from floorman.data.types import UTCDateTime, new_id

# Where a slip is in its life: asked for, decided, out of the seat, back.
SLIP_STATUSES: tuple[str, ...] = ("requested", "approved", "rejected", "cancelled", "out", "back")
# Whether the absence had permission: asked and granted, refused, taken without asking
# (an `away` seat event with no approved request), excused afterwards, or a violation.
SLIP_APPROVALS: tuple[str, ...] = (
    "pending",
    "approved",
    "rejected",
    "unapproved",
    "approved_after",
    "violation",
)


class AwaySlip(SQLModel, table=True):
    """One agent's absence from a seat: who asked, who allowed it, when they left and came back.

    `limit_seconds` is the reason's limit when the slip was made; `extension_seconds` the
    one extension granted (0 for none). Timers are always `now - left_at`, never counted.
    """

    __tablename__ = "away_slip"
    __table_args__ = (
        Index("ix_away_slip_agent_status", "agent_id", "status"),
        Index("ix_away_slip_left_at", "left_at"),
        Index("ix_away_slip_requested_at", "requested_at"),
    )
    id: str = Field(default_factory=new_id, primary_key=True)
    seat_id: str = Field(foreign_key="seat.id")
    agent_id: str = Field(foreign_key="agent.id")
    reason: str
    note: str | None = None
    status: str = "requested"
    approval: str = "pending"
    limit_seconds: int = 300
    requested_at: datetime = Field(sa_type=UTCDateTime)
    requested_by: str = ""
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: str | None = None
    decision_note: str | None = None
    left_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    returned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    extension_seconds: int = 0
    extension_reason: str | None = None
    extended_by: str | None = None
    extended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
