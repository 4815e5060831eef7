"""The site's side of syncing to a central server: what was sent, and HQ's notices.

`SyncCursor` is the outbox's cursor: journal rows after `sent_seq` are still to send (the
journal itself is the outbox, so nothing is copied and nothing can be half queued).
`HqNotice` keeps each notice or unified wording HQ posted, and whether this floor's
acknowledgement has gone back up.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from floorman.data.types import UTCDateTime


class SyncCursor(SQLModel, table=True):
    """How far this floor's journal has reached the central server (one row, id 'central')."""

    __tablename__ = "sync_cursor"
    id: str = Field(default="central", primary_key=True)
    site: str = ""
    sent_seq: int = 0
    sent_hash: str = ""
    last_ok_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = None
    last_error_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class HqNotice(SQLModel, table=True):
    """A notice or unified wording (统一口径) from HQ, as received on this floor."""

    __tablename__ = "hq_notice"
    id: str = Field(primary_key=True)
    posted_at: datetime = Field(sa_type=UTCDateTime)
    posted_by: str
    emergency_kind: str | None = None
    body: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime = Field(sa_type=UTCDateTime)
    alert_id: str | None = None
    ack_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
