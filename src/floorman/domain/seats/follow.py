"""Who follows a seat change, in the same transaction: the seats' side of the contract.

A seat change is more than the seat: an agent going away starts (or opens) their away
slip, an agent back closes it. Those rules live with the away slips (domain/away/follow.py),
which registers them here with `follow_seats`; `events.apply_event` and `batch.FloorBatch`
call every registered follower. Seats never import away, so there is no import cycle.

A seat change with no follower registered is a bug (the slips would silently stop
following the seats), so `seat_followers` refuses loudly rather than skipping them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session

from floorman.domain.core.context import Floor


@dataclass(frozen=True)
class SeatChange:
    """One seat's change as its followers see it: the seat is now `state` with `agent_id`
    (already written), and was `old_state` with `old_agent_id`."""

    seat_id: str
    seat_code: str
    state: str
    agent_id: str | None
    old_state: str
    old_agent_id: str | None
    at: datetime
    reason: str | None


class BatchRows(Protocol):
    """What a batch (seats/batch.py) offers its followers: its transaction, its time, its
    journal (rows keep the order they were queued in) and the agents as it sees them."""

    session: Session
    floor: Floor
    now: datetime

    def queue_journal(self, values: dict[str, Any]) -> None:
        """Queue one journal row (`journal.append`'s values) after those queued so far."""

    def agent_label(self, agent_id: str) -> tuple[str, str] | None:
        """(name, staff number) of an agent, as the batch's transaction sees it."""


class BatchFollower(Protocol):
    """A follower's state for one batch: rows kept in memory, written by `write`."""

    def load(self, agent_ids: Iterable[str]) -> None:
        """Read what these agents' changes will need, in as few queries as possible."""

    def forget(self, agent_ids: Iterable[str | None]) -> None:
        """These agents changed outside the batch's memory: read them again when needed."""

    def seat_changed(self, change: SeatChange) -> None:
        """Follow one change the batch applied from memory."""

    def write(self, cursor: Any) -> None:
        """Write the rows waiting (after the seats and events, before the journal)."""


class SeatFollower(Protocol):
    """Rules that change with a seat, in the seat change's transaction."""

    def seat_changed(self, session: Session, floor: Floor, change: SeatChange) -> None:
        """Follow one change `apply_event` just wrote (ORM session, one at a time)."""

    def batch(self, rows: BatchRows) -> BatchFollower:
        """A follower for one batch of changes applied from memory."""


_FOLLOWERS: list[SeatFollower] = []


def follow_seats(follower: SeatFollower) -> None:
    """Register `follower` for every seat change (once, however often it is registered)."""
    if follower not in _FOLLOWERS:
        _FOLLOWERS.append(follower)


def seat_followers() -> tuple[SeatFollower, ...]:
    """Everything that follows a seat change; refuses when nothing is registered."""
    if not _FOLLOWERS:
        raise RuntimeError(
            "no rules follow seat changes: import floorman.domain.away.follow before "
            "changing a seat, or away slips would stop following their seats"
        )
    return tuple(_FOLLOWERS)
