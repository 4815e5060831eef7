"""Tables of running and past emergencies: the checklist copy and its timeline.

An emergency copies its checklist's steps when it starts, so a later edit of a checklist
file never changes a running or past incident. The timeline is append-only (the
migration adds triggers refusing UPDATE and DELETE): it is the incident report. The roll
call an emergency uses is the one roll call (tables_roll_call), named by `roll_call_id`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from floorman.data.types import UTCDateTime, new_id

EMERGENCY_STATUSES: tuple[str, ...] = (
    "running",
    "complete",
    "complete_with_deferred",
    "closed_early",
)
STEP_STATES: tuple[str, ...] = ("open", "done", "skipped", "deferred", "not_done")


class Emergency(SQLModel, table=True):
    """One run of an emergency checklist, real or drill, with its unified wording (统一口径)."""

    __tablename__ = "emergency"
    __table_args__ = (Index("ix_emergency_status_priority", "status", "priority"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    kind: str
    title_en: str
    title_zh: str
    priority: int
    drill: bool = False
    roll_call: bool = False
    status: str = "running"
    checklist_source: str = ""
    started_at: datetime = Field(sa_type=UTCDateTime)
    started_by: str
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = None
    wording: str = Field(default="", sa_column=Column(Text, nullable=False))
    wording_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    wording_by: str | None = None
    roll_call_id: str | None = Field(default=None, foreign_key="roll_call.id")


class EmergencyStep(SQLModel, table=True):
    """One step of a running checklist and where it stands: open, done, skipped, deferred."""

    __tablename__ = "emergency_step"
    __table_args__ = (UniqueConstraint("emergency_id", "number"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    emergency_id: str = Field(foreign_key="emergency.id", index=True)
    number: int
    text_en: str = Field(sa_column=Column(Text, nullable=False))
    text_zh: str = Field(sa_column=Column(Text, nullable=False))
    reminder_minutes: int | None = None
    state: str = "open"
    state_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    state_by: str | None = None
    skip_reason: str | None = None
    assignee: str | None = None
    assigned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    assigned_by: str | None = None


class EmergencyEvent(SQLModel, table=True):
    """One line of an emergency's append-only timeline: who did what, when."""

    __tablename__ = "emergency_event"
    __table_args__ = (UniqueConstraint("emergency_id", "seq"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    emergency_id: str = Field(foreign_key="emergency.id", index=True)
    seq: int
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str
    terminal: str
    action: str
    step_number: int | None = None
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
