"""Applying many agent-state events in one transaction, fast, under the same rules.

Feeds send thousands of events: agents going between ready and busy (a call starts, a
call ends), going away and coming back, logging in at an empty seat. For those events
this module applies `events.apply_event`'s checks to a snapshot of the floor held in
memory, hands each change to the seat followers' batch side (the away rules, on an
in-memory slip book: away/book.py), and writes every row (seats, history, what the
followers wrote, journal) with one executemany per table on the session's own DB-API
connection, in the caller's transaction.

Every other event (empty, fault, fixed, an agent moving from another seat) and every
event that would fail a check goes through `events.apply_event` itself, in a savepoint,
so its rules and its error messages exist once. tests/unit/test_seat_batch.py holds
the two paths to the same database contents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session

from floorman.data import journal
from floorman.domain.core import bounds
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import SeatEventKind, SeatState
from floorman.domain.core.text import clean, identifier
from floorman.domain.operators import permissions
from floorman.domain.seats.bulk import PendingRows, driver, stored_time
from floorman.domain.seats.events import FUTURE_TOLERANCE, apply_event
from floorman.domain.seats.follow import SeatChange, seat_followers
from floorman.domain.seats.memory import FloorMemory, SeatRow

T = TypeVar("T")
# Events the batch applies itself; anything else takes the one-by-one path.
BATCH_EVENTS = frozenset(
    {SeatEventKind.READY, SeatEventKind.BUSY, SeatEventKind.AWAY, SeatEventKind.BACK}
)
# Seat states it starts from: manned seats, and empty ones an agent logs in at.
BATCH_FROM = frozenset({SeatState.READY, SeatState.BUSY, SeatState.AWAY, SeatState.EMPTY})


@dataclass(frozen=True)
class BatchEvent:
    """One event of a batch, as a feed read it."""

    seat: str
    state: str
    agent: str | None = None
    reason: str | None = None
    at: datetime | None = None
    external_id: str | None = None


class FloorBatch:
    """Events applied in bulk in the caller's write transaction (see the module's doc).

    Holds the floor as the transaction sees it, each seat follower's batch side (the
    away rules keep the open slips of the agents touched) and the rows waiting to be
    written. `apply` each event in order, then `finish`.
    A feed whose own rules read the floor reads it here (`seat`, `agent_of`...), and
    runs ORM work of its own with `alone`.
    """

    def __init__(
        self, session: Session, floor: Floor, *, source: str, external_ids: Sequence[str] = ()
    ) -> None:
        # The permission apply_event checks, once for the batch (a feed may; a viewer not).
        permissions.require(floor, "seat.event", session=session)
        self.session = session
        self.floor = floor
        self.source = (
            identifier(source, "source", required=False, max_len=bounds.SOURCE_MAX)
            or floor.actor.source
            or "cli"
        )
        self.now = floor.clock.now()
        self.now_text = stored_time(self.now)
        self.latest = self.now + FUTURE_TOLERANCE
        self.state = FloorMemory(session)
        self.rows = PendingRows()
        self.followers = [follower.batch(self) for follower in seat_followers()]
        self.rows.followers = self.followers
        self.seen = _known_ids(session, list(external_ids))
        self._has_events: dict[str, bool] = {}

    # -- the floor as this transaction sees it

    def seat(self, code: str) -> SeatRow | None:
        """The seat with this code (read only)."""
        return self.state.seats.get(code)

    def agent_of(self, staff_no: str) -> str | None:
        """The id of the agent with this staff number."""
        return self.state.agent_id.get(staff_no)

    def staff_no_of(self, agent_id: str | None) -> str | None:
        return self.state.staff_no.get(agent_id)

    def seat_of(self, agent_id: str) -> SeatRow | None:
        """The seat an agent sits at."""
        code = self.state.seat_of.get(agent_id)
        return self.state.seats.get(code) if code is not None else None

    def has_events(self, seat_id: str) -> bool:
        """Whether the seat has any recorded event (written or waiting to be)."""
        known = self._has_events.get(seat_id)
        if known is None:
            found = driver(self.session).execute(
                "SELECT 1 FROM seat_event WHERE seat_id = ? LIMIT 1", (seat_id,)
            )
            known = self._has_events[seat_id] = found.fetchone() is not None
        return known

    def preload(self, events: Sequence[BatchEvent]) -> None:
        """Let the followers read what every agent these events may touch needs (the away
        rules: their open slips, in one query)."""
        wanted: set[str] = set()
        for event in events:
            seat = self.state.seats.get((event.seat or "").strip().upper())
            if seat is not None and seat.agent_id is not None:
                wanted.add(seat.agent_id)
            agent_id = self.state.agent_id.get((event.agent or "").strip())
            if agent_id is not None:
                wanted.add(agent_id)
        for follower in self.followers:
            follower.load(wanted)

    # -- what the followers' batch side uses (seats/follow.py's BatchRows)

    def queue_journal(self, values: dict[str, Any]) -> None:
        """Queue a journal row; a batch is one transaction: all its rows carry one time."""
        self.rows.journal.append(journal.prepare(self.session, **{**values, "at": self.now}))

    def agent_label(self, agent_id: str) -> tuple[str, str] | None:
        name, staff_no = self.state.name.get(agent_id), self.state.staff_no.get(agent_id)
        return (name, staff_no) if name is not None and staff_no is not None else None

    # -- applying

    def apply(self, event: BatchEvent) -> bool | FloorError:
        """Apply one event: True (changed), False (already so, or a replayed id) or the
        FloorError that refused it (the event wrote nothing)."""
        outcome = self._fast(event)
        return self._one_by_one(event) if outcome is None else outcome

    def finish(self) -> None:
        """Write the rows still waiting (before the caller commits)."""
        self.rows.write(self.session)

    def alone(self, work: Callable[[], T], *, external_id: str | None = None) -> T:
        """Run ORM work of the caller's (in a savepoint) after the rows so far are written,
        then read the floor again. A FloorError rolls the work back and propagates."""
        self._write_rows()
        before = {code: (row.agent_id, row.state) for code, row in self.state.seats.items()}
        try:
            with self.session.begin_nested():
                result = work()
        finally:
            self._resync(before)
        if external_id is not None and external_id not in self.seen:
            found = driver(self.session).execute(
                "SELECT 1 FROM seat_event WHERE external_id = ?", (external_id,)
            )
            if found.fetchone() is not None:
                self.seen.add(external_id)
        return result

    def _write_rows(self) -> None:
        if self.rows:
            self.rows.write(self.session)
            # The session may hold seats, slips or alerts from earlier ORM work: stale now.
            self.session.expire_all()

    def _resync(self, before: dict[str, tuple[str | None, str]]) -> None:
        """Read every seat again; forget the slips of agents whose seat changed."""
        self.state = FloorMemory(self.session)
        touched: set[str | None] = set()
        for code, row in self.state.seats.items():
            old_agent, old_state = before.get(code, (None, ""))
            if (old_agent, old_state) != (row.agent_id, row.state):
                touched.update((old_agent, row.agent_id))
        self._forget(touched)
        self._has_events = {k: v for k, v in self._has_events.items() if v}

    def _forget(self, agent_ids: set[str | None]) -> None:
        for follower in self.followers:
            follower.forget(agent_ids)

    def _fast(self, event: BatchEvent) -> bool | None:
        """`apply_event` for the events this path takes: True (changed), False (already
        so, or a replayed id), None (not one for this path: use apply_event)."""
        state = (event.state or "").strip().lower()
        if state not in BATCH_EVENTS:
            return None
        seat = self.state.seats.get((event.seat or "").strip().upper())
        if seat is None:
            return None
        reason = event.reason
        if reason is not None:
            try:
                reason = clean(reason, "reason", max_len=200)
            except FloorError:
                return None
        at = event.at or self.now
        if at.tzinfo is None or at > self.latest:
            return None
        if event.external_id is not None and event.external_id in self.seen:
            # A replay, or the id reused for another event (a PBX that restarted its
            # counter): apply_event tells them apart, adds nothing or refuses it.
            return None
        agent_id = seat.agent_id
        if event.agent is not None:
            try:
                staff_no = identifier(event.agent, "agent")
            except FloorError:
                return None
            agent_id = self.state.agent_id.get(staff_no or "")
        if agent_id is None or seat.state not in BATCH_FROM or at < seat.since:
            return None
        if state == SeatEventKind.BACK:
            if seat.state != SeatState.AWAY:
                return None
            new_state = SeatState.READY
        else:
            new_state = SeatState(state)
        new_reason = reason if new_state == SeatState.AWAY else None
        if new_state == seat.state and agent_id == seat.agent_id and new_reason == seat.reason:
            return False
        if agent_id != seat.agent_id and self.state.seat_of.get(agent_id, seat.code) != seat.code:
            return None  # the agent moves from another seat: apply_event empties that one
        self._change(seat, event, state, new_state, agent_id, new_reason, reason, at)
        return True

    def _change(
        self,
        seat: SeatRow,
        event: BatchEvent,
        state: str,
        new_state: str,
        agent_id: str,
        new_reason: str | None,
        reason: str | None,
        at: datetime,
    ) -> None:
        staff_no = self.state.staff_no
        before = {
            "state": seat.state,
            "agent": staff_no.get(seat.agent_id),
            "reason": seat.reason,
            "since": seat.since.isoformat(),
        }
        old_state, old_agent_id = seat.state, seat.agent_id
        seat.state, seat.reason, seat.since = new_state, new_reason, at
        self.state.seat_agent(seat, agent_id)
        at_text = stored_time(at)
        self._has_events[seat.id] = True
        self.rows.seats[seat.id] = (new_state, agent_id, new_reason, at_text, seat.id)
        self.rows.events.append(
            (
                journal.ordered_id(),
                seat.id,
                agent_id,
                new_state,
                state,
                reason,
                at_text,
                self.now_text,
                self.source,
                self.floor.actor.name,
                event.external_id,
            )
        )
        self.rows.journal.append(
            journal.prepare(
                self.session,
                at=self.now,
                actor=self.floor.actor.name,
                terminal=self.floor.actor.terminal,
                action=f"seat.{state}",
                subject=seat.code,
                before=before,
                after={
                    "state": new_state,
                    "agent": staff_no.get(agent_id),
                    "reason": new_reason,
                    "since": at.isoformat(),
                    "source": self.source,
                },
            )
        )
        if event.external_id is not None:
            self.seen.add(event.external_id)
        change = SeatChange(
            seat_id=seat.id,
            seat_code=seat.code,
            state=new_state,
            agent_id=agent_id,
            old_state=old_state,
            old_agent_id=old_agent_id,
            at=at,
            reason=reason,
        )
        for follower in self.followers:
            follower.seat_changed(change)

    def _one_by_one(self, event: BatchEvent) -> bool | FloorError:
        """The event through `seats.apply_event` in a savepoint, after the rows so far."""
        self._write_rows()
        seat = self.state.seats.get((event.seat or "").strip().upper())
        touched = {seat.agent_id if seat else None}
        if event.agent is not None:
            touched.add(self.state.agent_id.get(event.agent.strip()))
        try:
            with self.session.begin_nested():
                result = apply_event(
                    self.session,
                    self.floor,
                    event.seat,
                    event.state,
                    agent_no=event.agent,
                    reason=event.reason,
                    at=event.at,
                    source=self.source,
                    external_id=event.external_id,
                )
        except FloorError as exc:
            return exc
        if result.changed:
            if event.external_id:
                self.seen.add(event.external_id)
            self.state.reload([result.view.seat, result.moved_from])
            self._has_events = {k: v for k, v in self._has_events.items() if v}
            seat = self.state.seats.get(result.view.seat)
            touched.add(seat.agent_id if seat else None)
            self._forget(touched)
        return result.changed


def apply_batch(
    session: Session, floor: Floor, events: Sequence[BatchEvent], *, source: str
) -> list[bool | FloorError]:
    """Apply events in order in the caller's write transaction.

    Returns, per event, True (changed), False (already so, or a replayed id) or the
    FloorError that refused it (that event wrote nothing).
    """
    batch = FloorBatch(
        session, floor, source=source, external_ids=[e.external_id for e in events if e.external_id]
    )
    batch.preload(events)
    results = [batch.apply(event) for event in events]
    batch.finish()
    return results


def _known_ids(session: Session, ids: list[str]) -> set[str]:
    """The ids among these that a recorded event already carries."""
    known: set[str] = set()
    conn = driver(session)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        query = f"SELECT external_id FROM seat_event WHERE external_id IN ({marks})"
        known.update(r[0] for r in conn.execute(query, chunk))
    return known
