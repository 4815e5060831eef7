"""Tables of the agent-state feeds: where each followed log stopped, and queue memberships.

A phone system's log is read once: `FeedOffset` keeps, per followed file, the inode and
byte offset of the first line not yet applied, written in the same transaction as the
events of the lines before it. `FeedMembership` remembers which queues a PBX member is
logged in to, so that leaving one queue of several does not empty the seat.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from floorman.data.types import UTCDateTime, new_id


class FeedOffset(SQLModel, table=True):
    """How far a followed log file (e.g. Asterisk's queue_log) has been applied."""

    __tablename__ = "feed_offset"
    id: str = Field(default_factory=new_id, primary_key=True)
    source: str
    path: str = Field(unique=True)
    inode: int
    offset: int = 0
    line: int = 0
    # SHA-256 of the file's first line: tells a new file that reused the inode number.
    head_hash: str = ""
    updated_at: datetime = Field(sa_type=UTCDateTime)


class FeedMembership(SQLModel, table=True):
    """One PBX member interface logged in to one queue (ADDMEMBER until REMOVEMEMBER)."""

    __tablename__ = "feed_membership"
    __table_args__ = (UniqueConstraint("source", "interface", "queue"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    source: str
    interface: str
    queue: str
    since: datetime = Field(sa_type=UTCDateTime)
