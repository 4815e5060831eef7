"""Visitor tables: registrations, the watch and block lists and the ID-hash key.

Personal data lives only in `visitor` (name, phone, the ID number's keyed hash and last
four characters); `domain.visitors.retention.purge_expired` clears it after the retention
period. The roll call (tables_roll_call) reads visitors' names from here and keeps no
copy. The ID number itself is never stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from floorman.data.types import UTCDateTime, new_id

VISITOR_CATEGORIES: tuple[str, ...] = ("internal", "external")
VISITOR_STATUSES: tuple[str, ...] = ("pending", "approved", "rejected")
LIST_KINDS: tuple[str, ...] = ("watch", "block")


class Visitor(SQLModel, table=True):
    """One visit (外来人员登记表): who, why, approved by whom, when on and off the floor."""

    __tablename__ = "visitor"
    __table_args__ = (
        Index("ix_visitor_on_floor", "checked_out_at", "checked_in_at"),
        Index("ix_visitor_registered_at", "registered_at"),
    )
    id: str = Field(default_factory=new_id, primary_key=True)
    name: str
    organisation: str
    category: str
    purpose: str
    host: str
    escort: str | None = None
    phone: str | None = None
    id_hash: str | None = None
    id_last4: str | None = None
    badge: str | None = None
    expected_minutes: int
    status: str = "pending"
    registered_at: datetime = Field(sa_type=UTCDateTime)
    registered_by: str
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: str | None = None
    decided_role: str | None = None
    reject_reason: str | None = None
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_in_by: str | None = None
    expected_end_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_out_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_out_by: str | None = None
    watch_match: bool = False
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class VisitorListEntry(SQLModel, table=True):
    """A watch-list or block-list entry: a name, organisation and/or phone to look out for.

    An entry matches a visitor when every field it gives matches (case and spacing
    ignored; phones compared by their digits).
    """

    __tablename__ = "visitor_list_entry"
    id: str = Field(default_factory=new_id, primary_key=True)
    kind: str
    name: str | None = None
    organisation: str | None = None
    phone: str | None = None
    reason: str = ""
    added_at: datetime = Field(sa_type=UTCDateTime)
    added_by: str
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    removed_by: str | None = None


class VisitorSecret(SQLModel, table=True):
    """A random key kept in the database; the row named `floorman_secret` keys ID hashes."""

    __tablename__ = "visitor_secret"
    name: str = Field(primary_key=True)
    value: str
    created_at: datetime = Field(sa_type=UTCDateTime)
