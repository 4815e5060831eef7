"""Rows written in bulk on the session's own DB-API connection, in its transaction.

The feeds' batch path (seats/batch.py, away/book.py) writes thousands of rows with one
executemany per table (`PendingRows`: seats, seat events, then what the followers keep,
then the journal); these helpers read and write times exactly as `UTCDateTime` does,
so rows written either way read back the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from floorman.domain.seats.follow import BatchFollower


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


_INSERT_SEAT_EVENT = (
    "INSERT INTO seat_event (id, seat_id, agent_id, state, event, reason, at, recorded_at, "
    "source, actor, external_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_SEAT = "UPDATE seat SET state = ?, agent_id = ?, reason = ?, since = ? WHERE id = ?"
_INSERT_JOURNAL = (
    "INSERT INTO journal (id, seq, at, actor, terminal, action, subject, before, after, "
    "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class PendingRows:
    """Rows waiting for their executemany, table by table; the followers keep their own
    (slips, alerts) and write them between the seat events and the journal."""

    def __init__(self) -> None:
        self.followers: list[BatchFollower] = []
        self.clear()

    def clear(self) -> None:
        self.seats: dict[str, tuple[Any, ...]] = {}
        self.events: list[tuple[Any, ...]] = []
        self.journal: list[dict[str, Any]] = []

    def __bool__(self) -> bool:
        # A follower's change is always journalled: no journal row, nothing of theirs either.
        return bool(self.events or self.journal)

    def write(self, session: Session) -> None:
        """Write the waiting rows on the session's connection, in its transaction."""
        if not self:
            return
        cursor = driver(session).cursor()
        try:
            if self.seats:
                cursor.executemany(_UPDATE_SEAT, list(self.seats.values()))
            if self.events:
                cursor.executemany(_INSERT_SEAT_EVENT, self.events)
            for follower in self.followers:
                follower.write(cursor)
            if self.journal:
                cursor.executemany(
                    _INSERT_JOURNAL,
                    [
                        (
                            r["id"],
                            r["seq"],
                            stored_time(r["at"]),
                            r["actor"],
                            r["terminal"],
                            r["action"],
                            r["subject"],
                            r["before"],
                            r["after"],
                            r["prev_hash"],
                            r["hash"],
                        )
                        for r in self.journal
                    ],
                )
        finally:
            cursor.close()
        self.clear()
