"""Applying many agent-state events in one transaction, fast, under the same rules.

Feeds send thousands of events, nearly all of them an agent going between ready and
busy (a call starts, a call ends). Those events touch only the seat: no away slip, no
alert, no other seat. For exactly that case this module applies the event from a
snapshot of the floor held in memory and writes the seat updates, history rows and
journal rows with one executemany each. Every other event, and every event that does
not pass the checks below, goes through `seats.apply_event` itself (in a savepoint),
so its rules and its messages exist once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session

from floorman.data import journal
from floorman.data.models import Agent, Seat, SeatEvent
from floorman.data.types import new_id
from floorman.domain.context import Floor
from floorman.domain.errors import FloorError
from floorman.domain.seats import FUTURE_TOLERANCE, apply_event

FAST_EVENTS = frozenset({"ready", "busy"})


@dataclass(frozen=True)
class BatchEvent:
    """One event of a batch, as a feed read it."""

    seat: str
    state: str
    agent: str | None = None
    reason: str | None = None
    at: datetime | None = None
    external_id: str | None = None


@dataclass
class _SeatRow:
    id: str
    code: str
    state: str
    agent_id: str | None
    reason: str | None
    since: datetime


class _Floor:
    """The seats and agents as this transaction sees them, kept up to date as it writes."""

    def __init__(self, session: Session) -> None:
        self.session = session
        table = Seat.__table__  # type: ignore[attr-defined]
        self.seats = {
            r.code: _SeatRow(r.id, r.code, r.state, r.agent_id, r.reason, r.since)
            for r in session.execute(
                select(
                    table.c.id,
                    table.c.code,
                    table.c.state,
                    table.c.agent_id,
                    table.c.reason,
                    table.c.since,
                )
            )
        }
        agents = Agent.__table__  # type: ignore[attr-defined]
        rows = session.execute(select(agents.c.id, agents.c.staff_no)).all()
        self.agent_id = {staff_no: agent_id for agent_id, staff_no in rows}
        self.staff_no = {agent_id: staff_no for agent_id, staff_no in rows}

    def reload(self, codes: Sequence[str | None]) -> None:
        table = Seat.__table__  # type: ignore[attr-defined]
        wanted = [c for c in codes if c]
        for r in self.session.execute(
            select(
                table.c.id,
                table.c.code,
                table.c.state,
                table.c.agent_id,
                table.c.reason,
                table.c.since,
            ).where(table.c.code.in_(wanted))
        ):
            self.seats[r.code] = _SeatRow(r.id, r.code, r.state, r.agent_id, r.reason, r.since)


class _Writes:
    """Rows waiting for their executemany."""

    def __init__(self) -> None:
        self.seats: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.journal: list[dict[str, Any]] = []

    def write(self, session: Session) -> list[str]:
        """Write the waiting rows; return the ids of the seats updated."""
        if not self.events:
            return []
        seat = Seat.__table__  # type: ignore[attr-defined]
        session.execute(
            update(seat)
            .where(seat.c.id == bindparam("seat_id"))
            .values(state=bindparam("new_state"), reason=None, since=bindparam("new_since")),
            list(self.seats.values()),
        )
        session.execute(insert(SeatEvent.__table__), self.events)  # type: ignore[attr-defined]
        journal.insert_prepared(session, self.journal)
        written = list(self.seats)
        self.seats, self.events, self.journal = {}, [], []
        return written


def _fast(
    floor_state: _Floor,
    floor: Floor,
    event: BatchEvent,
    source: str,
    now: datetime,
    seen: set[str],
) -> _SeatRow | None:
    """The seat, when this event is a plain ready/busy change the fast path may apply."""
    state = (event.state or "").strip().lower()
    if state not in FAST_EVENTS or event.reason:
        return None
    seat = floor_state.seats.get((event.seat or "").strip().upper())
    if seat is None or seat.state not in FAST_EVENTS or seat.agent_id is None:
        return None
    if event.agent is not None and floor_state.agent_id.get(event.agent.strip()) != seat.agent_id:
        return None
    at = event.at or now
    if at.tzinfo is None or at > now + FUTURE_TOLERANCE or at < seat.since:
        return None
    if event.external_id is not None and event.external_id in seen:
        return None
    return seat


def apply_batch(
    session: Session, floor: Floor, events: Sequence[BatchEvent], *, source: str
) -> list[bool | FloorError]:
    """Apply events in order in the caller's write transaction.

    Returns, per event, True (changed), False (already so, or a replayed id) or the
    FloorError that refused it (that event wrote nothing).
    """
    from floorman.domain import operators

    # The same permission apply_event checks, once for the batch (a feed may; a viewer not).
    operators.require(floor, "seat.event", session=session)
    now = floor.clock.now()
    floor_state = _Floor(session)
    seen = _known_ids(session, [e.external_id for e in events if e.external_id])
    writes = _Writes()
    results: list[bool | FloorError] = []
    for event in events:
        seat = _fast(floor_state, floor, event, source, now, seen)
        if seat is not None:
            state = event.state.strip().lower()
            if state == seat.state:
                results.append(False)
                continue
            at = event.at or now
            staff_no = floor_state.staff_no.get(seat.agent_id or "")
            before = {
                "state": seat.state,
                "agent": staff_no,
                "reason": seat.reason,
                "since": seat.since.isoformat(),
            }
            seat.state, seat.reason, seat.since = state, None, at
            writes.seats[seat.id] = {"seat_id": seat.id, "new_state": state, "new_since": at}
            writes.events.append(
                {
                    "id": new_id(),
                    "seat_id": seat.id,
                    "agent_id": seat.agent_id,
                    "state": state,
                    "event": state,
                    "reason": None,
                    "at": at,
                    "recorded_at": now,
                    "source": source,
                    "actor": floor.actor.name,
                    "external_id": event.external_id,
                }
            )
            writes.journal.append(
                journal.prepare(
                    session,
                    at=now,
                    actor=floor.actor.name,
                    terminal=floor.actor.terminal,
                    action=f"seat.{state}",
                    subject=seat.code,
                    before=before,
                    after={
                        "state": state,
                        "agent": staff_no,
                        "reason": None,
                        "since": at.isoformat(),
                        "source": source,
                    },
                )
            )
            if event.external_id:
                seen.add(event.external_id)
            results.append(True)
            continue
        # Anything else: the one rule book, after the fast rows are written.
        for seat_id in writes.write(session):
            # The session may hold this seat from an earlier event: it is stale now.
            cached = session.identity_map.get(identity_key(Seat, seat_id))
            if cached is not None:
                session.expire(cached)
        try:
            with session.begin_nested():
                result = apply_event(
                    session,
                    floor,
                    event.seat,
                    event.state,
                    agent_no=event.agent,
                    reason=event.reason,
                    at=event.at,
                    source=source,
                    external_id=event.external_id,
                )
        except FloorError as exc:
            results.append(exc)
            continue
        results.append(result.changed)
        if event.external_id:
            seen.add(event.external_id)
        floor_state.reload([result.view.seat, result.moved_from])
    writes.write(session)
    return results


def _known_ids(session: Session, ids: list[str]) -> set[str]:
    table = SeatEvent.__table__  # type: ignore[attr-defined]
    known: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        known.update(
            r[0]
            for r in session.execute(
                select(table.c.external_id).where(table.c.external_id.in_(chunk))
            )
        )
    return known
