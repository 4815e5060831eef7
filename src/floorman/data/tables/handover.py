"""Tables for shifts and the shift handover log (交接班): duties, handovers, items, amendments.

A handover is one row per shift. Its live-state snapshot and the list of sections the
incoming manager reviewed are JSON text. Once acknowledged it is locked: `content_hash`
holds the SHA-256 of its canonical content and `prev_hash` the hash of the handover
locked before it, so a row changed afterwards (or removed from the chain) is caught.
Open items are their own rows so they can carry from one handover to the next.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from floorman.data.types import UTCDateTime, new_id


class ShiftDuty(SQLModel, table=True):
    """Who is the duty manager (值班经理) of one shift."""

    __tablename__ = "shift_duty"
    id: str = Field(default_factory=new_id, primary_key=True)
    shift_id: str = Field(unique=True, index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    manager: str
    assigned_at: datetime = Field(sa_type=UTCDateTime)
    assigned_by: str


class Handover(SQLModel, table=True):
    """The handover log of one shift: draft, then submitted, then acknowledged (locked)."""

    __tablename__ = "handover"
    __table_args__ = (Index("ix_handover_shift_start", "shift_start"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    shift_id: str = Field(unique=True, index=True)
    shift_start: datetime = Field(sa_type=UTCDateTime)
    shift_end: datetime = Field(sa_type=UTCDateTime)
    status: str = "draft"
    outgoing: str
    incoming: str | None = None
    live_state: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    live_state_at: datetime = Field(sa_type=UTCDateTime)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    instructions: str = Field(default="", sa_column=Column(Text, nullable=False))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str
    updated_at: datetime = Field(sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by: str | None = None
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = None
    reviewed: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    chain_seq: int | None = Field(default=None, unique=True)
    prev_hash: str | None = None
    content_hash: str | None = None
    # The journal's head when it was locked, signed with the journal key (journal_key).
    journal_anchor: str | None = None


class HandoverItem(SQLModel, table=True):
    """An open item (text, owner, deadline); carried into the next handover until closed.

    `origin_id` is the id of the item as first written, the same on every copy carried
    forward, so a carried item is never copied twice into one handover.
    """

    __tablename__ = "handover_item"
    __table_args__ = (Index("ix_handover_item_handover", "handover_id", "position"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    handover_id: str = Field(foreign_key="handover.id")
    origin_id: str = Field(index=True)
    carried_from: str | None = None
    position: int = 0
    text: str = Field(sa_column=Column(Text, nullable=False))
    owner: str = ""
    deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = "open"
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = None
    close_note: str | None = None


class HandoverAmendment(SQLModel, table=True):
    """A dated note added to a locked handover; chained so it cannot be changed unseen."""

    __tablename__ = "handover_amendment"
    __table_args__ = (Index("ix_handover_amendment_handover", "handover_id", "seq"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    handover_id: str = Field(foreign_key="handover.id")
    seq: int = 1
    at: datetime = Field(sa_type=UTCDateTime)
    author: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    prev_hash: str
    hash: str
