"""The floor as the queue_log rules see it, and applying one queue_log record.

`SessionMembers` reads seats, agents and queue memberships through the ORM session (one
line at a time, each in a savepoint); `BatchMembers` reads a `seat_batch.FloorBatch`'s
in-memory floor for call and pause lines. Both run `queue_log.queue_log_action` itself.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, func, select

from floorman.data.tables.feeds import FeedMembership
from floorman.data.tables.floor import Agent, Seat, SeatEvent
from floorman.domain.away import follow  # noqa: F401  (the away rules follow the seats)
from floorman.domain.core.context import Floor
from floorman.domain.feeds.members import InterfaceMap
from floorman.domain.feeds.queue_log import (
    NO_QUEUE,
    MemberSeatState,
    QueueLogLine,
    queue_log_action,
)
from floorman.domain.seats.batch import FloorBatch
from floorman.domain.seats.events import apply_event


class SessionMembers:
    """`MemberFloor` through an ORM session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _state(self, seat: Seat | None) -> MemberSeatState | None:
        if seat is None:
            return None
        staff_no = None
        if seat.agent_id is not None:
            agent = self.session.get(Agent, seat.agent_id)
            staff_no = agent.staff_no if agent else None
        return MemberSeatState(
            seat.id, seat.code, seat.state, seat.since, staff_no, seat.agent_id is not None
        )

    def seat_by_code(self, code: str) -> MemberSeatState | None:
        return self._state(self.session.exec(select(Seat).where(Seat.code == code)).first())

    def agent_seat(self, staff_no: str) -> tuple[bool, MemberSeatState | None]:
        agent = self.session.exec(select(Agent).where(Agent.staff_no == staff_no)).first()
        if agent is None:
            return False, None
        seat = self.session.exec(select(Seat).where(Seat.agent_id == agent.id)).first()
        return True, self._state(seat)

    def has_events(self, seat: MemberSeatState) -> bool:
        found = self.session.exec(select(SeatEvent.id).where(SeatEvent.seat_id == seat.id).limit(1))
        return found.first() is not None

    def join_queue(self, source: str, record: QueueLogLine) -> None:
        if record.queue in ("", NO_QUEUE):
            return
        exists = self.session.exec(
            select(FeedMembership.id).where(
                FeedMembership.source == source,
                FeedMembership.interface == record.agent,
                FeedMembership.queue == record.queue,
            )
        ).first()
        if exists is None:
            self.session.add(
                FeedMembership(
                    source=source, interface=record.agent, queue=record.queue, since=record.at
                )
            )
            self.session.flush()

    def leave_queue(self, source: str, record: QueueLogLine) -> None:
        query = select(FeedMembership).where(
            FeedMembership.source == source, FeedMembership.interface == record.agent
        )
        if record.event == "REMOVEMEMBER" and record.queue not in ("", NO_QUEUE):
            query = query.where(FeedMembership.queue == record.queue)
        for membership in self.session.exec(query).all():
            self.session.delete(membership)
        self.session.flush()

    def memberships(self, source: str, interface: str) -> int:
        return int(
            self.session.exec(
                select(func.count())
                .select_from(FeedMembership)
                .where(FeedMembership.source == source, FeedMembership.interface == interface)
            ).one()
        )


class BatchMembers:
    """`MemberFloor` over a `FloorBatch`'s floor, for call and pause lines.

    Login and logoff lines change queue memberships: `FeedFollower` runs those through
    `apply_queue_log_line` (the ORM path) in the batch's `alone`, never here.
    """

    def __init__(self, batch: FloorBatch) -> None:
        self.batch = batch

    def _state(self, seat: Any) -> MemberSeatState | None:
        if seat is None:
            return None
        return MemberSeatState(
            seat.id,
            seat.code,
            seat.state,
            seat.since,
            self.batch.staff_no_of(seat.agent_id),
            seat.agent_id is not None,
        )

    def seat_by_code(self, code: str) -> MemberSeatState | None:
        return self._state(self.batch.seat(code))

    def agent_seat(self, staff_no: str) -> tuple[bool, MemberSeatState | None]:
        agent_id = self.batch.agent_of(staff_no)
        if agent_id is None:
            return False, None
        return True, self._state(self.batch.seat_of(agent_id))

    def has_events(self, seat: MemberSeatState) -> bool:
        return self.batch.has_events(seat.id)

    def join_queue(self, source: str, record: QueueLogLine) -> None:
        raise AssertionError("login lines take apply_queue_log_line")

    def leave_queue(self, source: str, record: QueueLogLine) -> None:
        raise AssertionError("logoff lines take apply_queue_log_line")

    def memberships(self, source: str, interface: str) -> int:
        raise AssertionError("logoff lines take apply_queue_log_line")


def apply_queue_log_line(
    session: Session,
    floor: Floor,
    record: QueueLogLine,
    *,
    external_id: str,
    source: str,
    mapping: InterfaceMap | None,
) -> str:
    """Apply one queue_log record; returns 'applied', 'unchanged', 'stale' or 'ignored'
    (see `queue_log_action` for what each member event does)."""
    action = queue_log_action(SessionMembers(session), record, source=source, mapping=mapping)
    if isinstance(action, str):
        return action
    result = apply_event(
        session,
        floor,
        action.seat,
        action.event,
        agent_no=action.agent_no,
        reason=action.reason,
        at=record.at,
        source=source,
        external_id=external_id,
    )
    return "applied" if result.changed else "unchanged"
