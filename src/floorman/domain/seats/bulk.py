"""Rows written in bulk on the session's own DB-API connection, in its transaction.

The feeds' batch path (seats/batch.py, away/book.py) writes thousands of rows with one
executemany per table; these helpers read and write times exactly as `UTCDateTime`
does, so rows written either way read back the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session


def driver(session: Session) -> Any:
    """The DB-API connection under the session, in the session's transaction."""
    return session.connection().connection.driver_connection


def stored_time(value: datetime) -> str:
    """A time as `UTCDateTime` stores it in SQLite: UTC, no offset, microseconds."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def stored(value: Any) -> Any:
    """A column value as SQLite stores it (times as `stored_time`, the rest unchanged)."""
    return stored_time(value) if isinstance(value, datetime) else value


def read_time(text: str) -> datetime:
    """A time as `UTCDateTime` reads it back from SQLite: stored UTC, made aware."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
