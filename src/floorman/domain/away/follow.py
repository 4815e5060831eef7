"""Slips follow their seat: the away rules, registered as the seats' follower.

The seat and the slip never disagree: every seat change goes through
`seats.events.apply_event` (or the feeds' `seats.batch.FloorBatch`), which hands it to
the followers registered in seats/follow.py, in the same transaction. Importing this
module registers `AWAY_RULES` there (every entry point that changes a seat imports it;
a seat change with nothing registered is refused loudly, never skipped).

An agent going away starts their approved slip (or opens an unapproved one); an agent
no longer away (back, empty, moved, out of order) has their open slip closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from floorman.domain.away import lifecycle
from floorman.domain.away.book import MemoryBook, SessionBook, SlipBook
from floorman.domain.away.rules import reason_limit
from floorman.domain.core.context import Floor
from floorman.domain.core.states import SeatState, SlipApproval, SlipStatus
from floorman.domain.seats.follow import BatchRows, SeatChange, follow_seats


def reason_key(floor: Floor, text: str | None) -> tuple[str, str | None]:
    """A seat event's free-text reason as a configured reason key plus a note."""
    if text:
        for reason in floor.config.away.reasons:
            if text.strip().lower() in (reason.key.lower(), reason.en.lower(), reason.zh):
                return reason.key, None
        return "other", text
    return "other", None


def follow_seat_in(book: SlipBook, floor: Floor, change: SeatChange) -> None:
    """Keep the slips in step with one seat change, on any slip book."""
    agent_id, old_agent_id = change.agent_id, change.old_agent_id
    agent_left_seat = old_agent_id is not None and old_agent_id != agent_id
    if (
        change.old_state == SeatState.AWAY
        and old_agent_id is not None
        and (agent_left_seat or change.state != SeatState.AWAY)
    ):
        slip = book.open_slip(old_agent_id, (SlipStatus.OUT,))
        if slip is not None:
            lifecycle.come_back_in(book, slip, change.at)
    if agent_id is None:
        return
    if change.state != SeatState.AWAY:
        # The same agent, not away here before: they cannot have a slip out (a slip is
        # out only while its agent's seat is away), so no query on the busy path.
        if change.old_state == SeatState.AWAY or old_agent_id != agent_id:
            slip = book.open_slip(agent_id, (SlipStatus.OUT,))
            if slip is not None:
                lifecycle.come_back_in(book, slip, change.at)
        return
    if book.open_slip(agent_id, (SlipStatus.OUT,)) is not None:
        return
    slip = book.open_slip(agent_id, (SlipStatus.APPROVED,))
    if slip is None:
        key, note = reason_key(floor, change.reason)
        lifecycle.drop_requests(book, agent_id)
        slip = book.add(
            {
                "seat_id": change.seat_id,
                "agent_id": agent_id,
                "reason": key,
                "note": note,
                "status": SlipStatus.OUT,
                "approval": SlipApproval.UNAPPROVED,
                "limit_seconds": reason_limit(floor.config, key),
                "requested_at": change.at,
                "requested_by": floor.actor.name,
            }
        )
        book.journal("unapproved", slip, None)
    lifecycle.go_out_in(book, slip, change.seat_id, change.seat_code, change.at)


class _BatchAwayRules:
    """The away rules' side of one batch: an in-memory slip book."""

    def __init__(self, rows: BatchRows) -> None:
        self.floor = rows.floor
        self.book = MemoryBook(rows)

    def load(self, agent_ids: Iterable[str]) -> None:
        self.book.load(agent_ids)

    def forget(self, agent_ids: Iterable[str | None]) -> None:
        self.book.forget(agent_ids)

    def seat_changed(self, change: SeatChange) -> None:
        follow_seat_in(self.book, self.floor, change)

    def write(self, cursor: Any) -> None:
        self.book.write(cursor)


class AwayRules:
    """The away rules as a seat follower (seats/follow.py's `SeatFollower`)."""

    def seat_changed(self, session: Session, floor: Floor, change: SeatChange) -> None:
        follow_seat_in(SessionBook(session, floor), floor, change)

    def batch(self, rows: BatchRows) -> _BatchAwayRules:
        return _BatchAwayRules(rows)


AWAY_RULES = AwayRules()
follow_seats(AWAY_RULES)
