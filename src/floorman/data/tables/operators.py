"""The operator table: who may log in to floorman, with which role, and their PIN lockout.

A PIN is kept only as an argon2id hash. The wrong-PIN counter and the lockout live in
the row, not in a terminal's memory, so every terminal sharing the database sees the
same lockout.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from floorman.data.types import UTCDateTime, new_id


class Operator(SQLModel, table=True):
    """A person who logs in to floorman: a duty manager, an area manager, a director..."""

    __tablename__ = "operator"
    id: str = Field(default_factory=new_id, primary_key=True)
    name: str = Field(unique=True, index=True)
    role: str
    pin_hash: str
    active: bool = True
    failed_attempts: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str
    pin_changed_at: datetime = Field(sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    disabled_by: str | None = None


class LoginThrottle(SQLModel, table=True):
    """Wrong PINs counted beyond one operator's row: per terminal, and per operator at a
    terminal, so a guesser is slowed where they sit (domain/operators/login.py).

    `key` is "terminal:<host:tty>" or "pair:<operator id>@<host:tty>". Kept in the
    database, like the operator's own counter, so every process on the host shares it.
    """

    __tablename__ = "login_throttle"
    key: str = Field(primary_key=True)
    failed_attempts: int = 0
    last_failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
