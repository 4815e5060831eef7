"""The floor's tables: zones, seats, agents, seat events, the journal and alerts.

Each panel keeps its tables in its own module of this package (away, visitors, ...);
`floorman.data.tables.all_models()` imports them all so Alembic and the tests see one
metadata.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from floorman.data.types import UTCDateTime, new_id

SEAT_TYPES: tuple[str, ...] = (
    "general",
    "user",
    "value_added",
    "vip",
    "internal_help",
    "escalation",
    "quality",
    "data_analysis",
    "training",
    "info_editing",
    "maintenance",
)

SEAT_STATES: tuple[str, ...] = ("empty", "ready", "busy", "away", "fault")


class Zone(SQLModel, table=True):
    """An area of the floor (区域), shown as one block of the seat map."""

    __tablename__ = "zone"
    id: str = Field(default_factory=new_id, primary_key=True)
    code: str = Field(unique=True, index=True)
    name: str
    sort_order: int = 0


class Agent(SQLModel, table=True):
    """A person who sits at a seat: a customer service representative or other staff."""

    __tablename__ = "agent"
    id: str = Field(default_factory=new_id, primary_key=True)
    staff_no: str = Field(unique=True, index=True)
    name: str
    team: str = ""
    active: bool = True


class Seat(SQLModel, table=True):
    """A seat (座席) and its current state; the history lives in SeatEvent."""

    __tablename__ = "seat"
    id: str = Field(default_factory=new_id, primary_key=True)
    code: str = Field(unique=True, index=True)
    zone_id: str = Field(foreign_key="zone.id", index=True)
    seat_type: str = "general"
    row: int = 0
    col: int = 0
    state: str = "empty"
    agent_id: str | None = Field(default=None, foreign_key="agent.id", index=True)
    reason: str | None = None
    since: datetime = Field(sa_type=UTCDateTime)


class SeatEvent(SQLModel, table=True):
    """One recorded change of a seat's state, from the CLI, a feed or the screen."""

    __tablename__ = "seat_event"
    __table_args__ = (
        Index("ix_seat_event_seat_at", "seat_id", "at"),
        Index("ix_seat_event_at", "at"),
        Index("ix_seat_event_agent_at", "agent_id", "at"),
    )
    id: str = Field(default_factory=new_id, primary_key=True)
    seat_id: str = Field(foreign_key="seat.id")
    agent_id: str | None = Field(default=None, foreign_key="agent.id")
    state: str
    event: str
    reason: str | None = None
    at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    source: str = "cli"
    actor: str = ""
    # Feeds give events an id so that a replayed file adds nothing twice.
    external_id: str | None = Field(default=None, unique=True)


class JournalEntry(SQLModel, table=True):
    """An append-only record of one change: who, from which terminal, what, when.

    Written in the same transaction as the change it describes; each row carries the
    hash of the one before, so a removed or edited row breaks the chain.
    """

    __tablename__ = "journal"
    __table_args__ = (
        UniqueConstraint("seq"),
        Index("ix_journal_at", "at"),
        # What the journal made one subject (an operator) without walking all of it.
        Index("ix_journal_subject_seq", "subject", "seq"),
    )
    id: str = Field(default_factory=new_id, primary_key=True)
    seq: int
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str
    terminal: str
    action: str
    subject: str
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    prev_hash: str
    hash: str


class Alert(SQLModel, table=True):
    """A deadline that must fire once, and the alert of one condition it raises.

    Each row is a deadline (an away slip's warning, its breach, a visitor's overstay...);
    the rows of one condition share `condition_key`. `fired_at` is claimed with
    `UPDATE ... WHERE fired_at IS NULL`, so with several terminals open each deadline fires
    exactly once. The first deadline of a condition to fire becomes its alert (`state`
    set); later ones escalate that row in place (severity, kind, text, `escalated_at`) and
    keep `merged_into` pointing at it. `dedupe_key` stops a deadline being scheduled twice.
    """

    __tablename__ = "alert"
    # Only live alerts are indexed for the scheduler: cancelled and fired ones pile up
    # by the thousand over a year and must not slow the every-event queries.
    __table_args__ = (
        Index(
            "ix_alert_pending",
            "due_at",
            sqlite_where=text("fired_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=text("fired_at IS NULL AND cancelled_at IS NULL"),
        ),
        Index("ix_alert_condition_key", "condition_key"),
        # Only alerts still open are indexed: the alert bar and the resolution sweep.
        Index(
            "ix_alert_open",
            "state",
            sqlite_where=text("state IN ('active', 'acknowledged')"),
            postgresql_where=text("state IN ('active', 'acknowledged')"),
        ),
    )
    id: str = Field(default_factory=new_id, primary_key=True)
    kind: str
    subject: str
    severity: str = "warning"
    message: str = ""
    due_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    dedupe_key: str | None = Field(default=None, unique=True)
    fired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    fired_by: str | None = None
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = None
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The condition's lifecycle (issue 15); `state` is an AlertState, None on deadlines
    # that have not fired, were cancelled, or were merged into their condition's alert.
    condition_key: str | None = None
    state: str | None = None
    acknowledged_note: str | None = None
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    merged_into: str | None = None
