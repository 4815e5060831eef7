"""Applying one agent-state event: the one way a seat changes state.

`apply_event` (and `record_event`, its own transaction) is the one way a seat changes,
whether the change comes from the command line, a feed, the away panel or the screen.
It validates everything before writing, so a bad event changes nothing, and writes the
seat, its history, a journal row and whatever follows the seat (the away slips,
registered in seats/follow.py) in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from floorman.data import journal
from floorman.data.tables.floor import Agent, Seat, SeatEvent, Zone
from floorman.domain.core import bounds
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import SeatEventKind, SeatState
from floorman.domain.core.text import clean, identifier
from floorman.domain.operators import permissions
from floorman.domain.seats.follow import SeatChange, seat_followers
from floorman.domain.seats.views import SeatView, seat_view, seat_view_by_code

# Event names the command line takes, in the order it lists them.
EVENTS: tuple[str, ...] = tuple(SeatEventKind)
# Events that need an agent at the seat, and the states that keep a reason.
AGENT_EVENTS = (SeatEventKind.READY, SeatEventKind.BUSY, SeatEventKind.AWAY)
REASON_STATES = (SeatState.AWAY, SeatState.FAULT)
FUTURE_TOLERANCE = timedelta(minutes=1)


@dataclass(frozen=True)
class EventResult:
    """What `record_event` did: the seat's new view and whether anything changed."""

    view: SeatView
    changed: bool
    moved_from: str | None = None


def seat_snapshot(seat: Seat, agent: Agent | None) -> dict[str, object]:
    return {
        "state": seat.state,
        "agent": agent.staff_no if agent else None,
        "reason": seat.reason,
        "since": seat.since.isoformat(),
    }


def _next_state(event: str, seat: Seat, has_agent: bool) -> SeatState:
    """The seat state an event leads to, refusing events that make no sense here."""
    if event == SeatEventKind.FIXED:
        if seat.state != SeatState.FAULT:
            raise FloorError(
                "seat {code} is not out of order; 'fixed' does not apply",
                code=seat.code,
            )
        return SeatState.READY if has_agent else SeatState.EMPTY
    if event == SeatEventKind.FAULT:
        return SeatState.FAULT
    if event == SeatEventKind.EMPTY:
        return SeatState.EMPTY
    if seat.state == SeatState.FAULT:
        raise FloorError("seat {code} is out of order; record 'fixed' first", code=seat.code)
    if event == SeatEventKind.BACK:
        if seat.state != SeatState.AWAY:
            raise FloorError(
                "seat {code} is not away (it is {state})",
                code=seat.code,
                state=seat.state,
            )
        return SeatState.READY
    return SeatState(event)


def apply_event(
    session: Session,
    floor: Floor,
    seat_code: str,
    event: str,
    *,
    agent_no: str | None = None,
    reason: str | None = None,
    at: datetime | None = None,
    source: str | None = None,
    external_id: str | None = None,
) -> EventResult:
    """Validate and apply one agent-state event inside the caller's write transaction.

    Phone systems, feeds and scripts (no login) may always record an event; a logged-in
    operator needs a floor role ("seat.event"): a viewer at a screen is refused.
    """
    permissions.require(floor, "seat.event", session=session)
    now = floor.clock.now()
    event = (event or "").strip().lower()
    if event not in EVENTS:
        raise FloorError(
            "unknown state '{event}'; expected one of: {items}",
            event=event,
            items=', '.join(EVENTS),
        )
    reason = clean(reason, "reason", max_len=200)
    source = (
        identifier(source, "source", required=False, max_len=bounds.SOURCE_MAX)
        or floor.actor.source
        or "cli"
    )
    seat_code = (identifier(seat_code, "seat") or "").upper()
    external_id = identifier(external_id, "id", required=False, max_len=bounds.EVENT_ID_MAX)
    stamped = at is not None  # the sender said when; else it happened now
    at = at or now
    if at.tzinfo is None:
        raise FloorError("event time needs a time zone")
    if at > now + FUTURE_TOLERANCE:
        raise FloorError("time {at} is more than one minute in the future", at=at.isoformat())
    if external_id is not None:
        seen = session.exec(
            select(Seat.code, SeatEvent.event)
            .join(Seat, Seat.id == SeatEvent.seat_id)  # type: ignore[arg-type]
            .where(SeatEvent.external_id == external_id)
        ).first()
        if seen is not None:
            seen_seat, seen_event = seen
            if (seen_seat, seen_event) != (seat_code, event):
                # Not a replay: dropping it silently would lose an event for good.
                raise FloorError(
                    "id '{external_id}' was already used for {seen_seat} {seen_event}; an id "
                    "names one event",
                    external_id=external_id,
                    seen_seat=seen_seat,
                    seen_event=seen_event,
                )
            view = seat_view_by_code(session, seat_code)
            return EventResult(view=view, changed=False)

    seat = _by_key(session, Seat, Seat.code, seat_code)
    if seat is None:
        raise FloorError("unknown seat '{seat_code}'", seat_code=seat_code)
    current_agent = session.get(Agent, seat.agent_id) if seat.agent_id else None
    agent = current_agent
    if agent_no is not None:
        agent_no = identifier(agent_no, "agent") or ""
        agent = _by_key(session, Agent, Agent.staff_no, agent_no)
        if agent is None:
            raise FloorError("unknown agent '{agent_no}'", agent_no=agent_no)
        if event == SeatEventKind.EMPTY:
            raise FloorError("'empty' takes no --agent: the seat is left with no one at it")
    if event in AGENT_EVENTS and agent is None:
        raise FloorError("seat {code} has no agent; give --agent STAFF_NO", code=seat.code)
    if not stamped and at < seat.since and _has_history(session, seat):
        # This terminal's clock was corrected backwards after the seat's last change:
        # "now" is the seat's last moment, never before it (timers never go negative).
        at = seat.since
    if stamped and at < seat.since:
        # Also a seat's first event: its state began when it was imported, and an event
        # from before (a 1970 default) would make an away of decades.
        raise FloorError(
            "event at {at} is older than seat {code}'s current state (since {since})",
            at=at.isoformat(),
            code=seat.code,
            since=seat.since.isoformat(),
        )
    new_state = _next_state(event, seat, agent is not None)
    new_agent = None if new_state == SeatState.EMPTY else agent
    new_reason = reason if new_state in REASON_STATES else None
    if (
        new_state == seat.state
        and (new_agent.id if new_agent else None) == seat.agent_id
        and new_reason == seat.reason
    ):
        return EventResult(view=seat_view_by_code(session, seat.code), changed=False)

    moved_from = None
    if new_agent is not None and new_agent.id != seat.agent_id:
        moved_from = _release_other_seat(session, floor, new_agent, seat, at, source)

    before = seat_snapshot(seat, current_agent)
    old_state, old_agent_id = seat.state, seat.agent_id
    seat.state = new_state
    seat.agent_id = new_agent.id if new_agent else None
    seat.reason = new_reason
    seat.since = at
    session.add(seat)
    session.add(
        SeatEvent(
            seat_id=seat.id,
            agent_id=new_agent.id if new_agent else None,
            state=new_state,
            event=event,
            reason=reason,
            at=at,
            recorded_at=now,
            source=source,
            actor=floor.actor.name,
            external_id=external_id,
        )
    )
    journal.append(
        session,
        at=now,
        actor=floor.actor.name,
        terminal=floor.actor.terminal,
        action=f"seat.{event}",
        subject=seat.code,
        before=before,
        after={**seat_snapshot(seat, new_agent), "source": source},
    )
    session.flush()
    change = SeatChange(
        seat_id=seat.id,
        seat_code=seat.code,
        state=seat.state,
        agent_id=seat.agent_id,
        old_state=old_state,
        old_agent_id=old_agent_id,
        at=at,
        reason=reason,
    )
    for follower in seat_followers():
        follower.seat_changed(session, floor, change)
    zone = session.get(Zone, seat.zone_id)  # from the session's identity map: no query
    assert zone is not None
    return EventResult(view=seat_view(seat, zone, new_agent), changed=True, moved_from=moved_from)


_KEYS = "floorman.natural_keys"


def _by_key(session: Session, table: type[Any], column: Any, value: str) -> Any:
    """A seat by code or an agent by staff number, remembering the id for this session.

    Feeds apply hundreds of events in one session; after the first lookup the row comes
    from the session's identity map (`session.get`) without a query.
    """
    ids: dict[tuple[str, str], str] = session.info.setdefault(_KEYS, {})
    known = ids.get((table.__name__, value))
    if known is not None:
        row = session.get(table, known)
        if row is not None:
            return row
    row = session.exec(select(table).where(column == value)).first()
    if row is not None:
        ids[(table.__name__, value)] = row.id
    return row


def _has_history(session: Session, seat: Seat) -> bool:
    """A seat with events: "now" before its state means this terminal's clock went back."""
    return (
        session.exec(select(SeatEvent.id).where(SeatEvent.seat_id == seat.id).limit(1)).first()
        is not None
    )


def _release_other_seat(
    session: Session, floor: Floor, agent: Agent, new_seat: Seat, at: datetime, source: str
) -> str | None:
    """An agent sits at one seat at a time: logging in elsewhere empties the old seat."""
    old = session.exec(
        select(Seat).where(Seat.agent_id == agent.id, Seat.id != new_seat.id)
    ).first()
    if old is None:
        return None
    before = seat_snapshot(old, agent)
    old.agent_id = None
    old.reason = None
    if old.state != SeatState.FAULT:
        old.state = SeatState.EMPTY
    old.since = max(at, old.since)
    session.add(old)
    session.add(
        SeatEvent(
            seat_id=old.id,
            agent_id=None,
            state=old.state,
            event=SeatEventKind.EMPTY,
            reason=f"moved to {new_seat.code}",
            at=old.since,
            recorded_at=floor.clock.now(),
            source=source,
            actor=floor.actor.name,
        )
    )
    journal.append(
        session,
        at=floor.clock.now(),
        actor=floor.actor.name,
        terminal=floor.actor.terminal,
        action=f"seat.{SeatEventKind.EMPTY}",
        subject=old.code,
        before=before,
        after={**seat_snapshot(old, None), "moved_to": new_seat.code},
    )
    return old.code


def record_event(floor: Floor, seat_code: str, event: str, **kwargs: object) -> EventResult:
    """Record one agent-state event in its own transaction (see `apply_event`)."""
    with floor.db.write() as session:
        return apply_event(session, floor, seat_code, event, **kwargs)  # type: ignore[arg-type]
