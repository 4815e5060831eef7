"""What the duty manager (and the agent) do with a slip: request, approve, reject, send
away, start, back, excuse, record a violation, cancel, extend.

Each is one transaction that checks the operator's role and the slip's transition
(lifecycle.TRANSITIONS). Starting or ending a slip sets the seat through
`seats.events.apply_event`, whose followers (away/follow.py) move the slip, so the seat
and the slip never disagree.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from floorman.data import journal
from floorman.data.tables.away import AwaySlip
from floorman.data.tables.floor import Agent, Seat
from floorman.domain import alerts
from floorman.domain.away import follow  # noqa: F401  (registers the away rules as the seats' follower)
from floorman.domain.away.alert_plan import slip_alert_prefix
from floorman.domain.away.book import SessionBook, journal_values, open_slip
from floorman.domain.away.lifecycle import check, come_back_in, go_out_in, move
from floorman.domain.away.rules import MAX_EXTENSION_SECONDS, reason_limit
from floorman.domain.away.views import SlipView, agent_by_staff_no, slip_views
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError, Word
from floorman.domain.core.lookup import by_id_prefix
from floorman.domain.core.states import OPEN_SLIP_STATUSES, SeatEventKind, SeatState, SlipStatus
from floorman.domain.core.text import clean
from floorman.domain.operators import permissions
from floorman.domain.seats.events import apply_event

SOURCE = "away"  # the seat events this module records say they came from the away panel


def find_slip(session: Session, ref: str) -> AwaySlip:
    """A slip by id, by an id prefix (core.lookup's rules) or by an agent's staff number
    (that agent's open slip). The staff number is tried first: "1049" names agent 1049
    even when some slip's id happens to start with 1049."""
    text = clean(ref, "slip", required=True, max_len=60) or ""
    agent = session.exec(select(Agent).where(Agent.staff_no == text)).first()
    if agent is None:
        return by_id_prefix(session, AwaySlip, text, what="away slip")
    found = open_slip(session, agent.id, OPEN_SLIP_STATUSES)
    if found is not None:
        return found
    try:
        return by_id_prefix(session, AwaySlip, text, what="away slip")
    except FloorError:
        raise FloorError("agent {text} has no open away slip", text=text) from None


def _view(session: Session, floor: Floor, slip: AwaySlip, now: datetime) -> SlipView:
    return slip_views(session, floor, [slip], now)[0]


def _journal(
    session: Session, floor: Floor, verb: str, slip: AwaySlip, before: dict[str, object] | None
) -> None:
    journal.append(session, **journal_values(floor, verb, slip, before))


def _configured_reason(floor: Floor, reason: str) -> str:
    key = (clean(reason, "reason", required=True, max_len=40) or "").lower()
    if floor.config.reason(key) is None:
        keys = ", ".join(r.key for r in floor.config.away.reasons)
        raise FloorError("unknown away reason '{key}'; expected one of: {keys}", key=key, keys=keys)
    return key


def _new_request(
    session: Session,
    floor: Floor,
    agent_no: str,
    reason: str,
    seat_code: str | None,
    note: str | None,
) -> AwaySlip:
    now = floor.clock.now()
    agent = agent_by_staff_no(session, agent_no)
    if not agent.active:
        raise FloorError("agent {staff_no} is not active", staff_no=agent.staff_no)
    current = session.exec(select(Seat).where(Seat.agent_id == agent.id)).first()
    if seat_code is not None:
        code = (clean(seat_code, "seat", required=True, max_len=40) or "").upper()
        seat = session.exec(select(Seat).where(Seat.code == code)).first()
        if seat is None:
            raise FloorError("unknown seat '{code}'", code=code)
        if current is not None and current.id != seat.id:
            raise FloorError(
                "agent {staff_no} sits at {code}, not {code2}",
                staff_no=agent.staff_no,
                code=current.code,
                code2=code,
            )
    elif current is None:
        raise FloorError("agent {staff_no} is not at a seat; give --seat", staff_no=agent.staff_no)
    else:
        seat = current
    if seat.state == SeatState.FAULT:
        raise FloorError("seat {code} is out of order", code=seat.code)
    existing = open_slip(session, agent.id, OPEN_SLIP_STATUSES)
    if existing is not None:
        raise FloorError(
            "agent {staff_no} already has an open slip ({status})",
            staff_no=agent.staff_no,
            status=Word(existing.status),
        )
    slip = AwaySlip(
        seat_id=seat.id,
        agent_id=agent.id,
        reason=reason,
        note=note,
        limit_seconds=reason_limit(floor.config, reason),
        requested_at=now,
        requested_by=floor.actor.name,
    )
    session.add(slip)
    session.flush()
    _journal(session, floor, "request", slip, None)
    return slip


def _leave(session: Session, floor: Floor, slip: AwaySlip, at: datetime | None) -> None:
    """The approved slip's agent leaves: the seat goes away, which starts the slip."""
    seat = session.get(Seat, slip.seat_id)
    agent = session.get(Agent, slip.agent_id)
    assert seat is not None and agent is not None
    apply_event(
        session,
        floor,
        seat.code,
        SeatEventKind.AWAY,
        agent_no=agent.staff_no,
        reason=slip.reason,
        at=at,
        source=SOURCE,
    )
    session.refresh(slip)
    if slip.status != SlipStatus.OUT:  # the seat was already away for this agent
        go_out_in(SessionBook(session, floor), slip, seat.id, seat.code, at or floor.clock.now())


def request(
    floor: Floor,
    agent_no: str,
    reason: str,
    *,
    seat_code: str | None = None,
    note: str | None = None,
) -> SlipView:
    """An agent asks to leave the seat for a configured reason."""
    reason, note = _configured_reason(floor, reason), clean(note, "note", max_len=200)
    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "away.request", session=session)
        slip = _new_request(session, floor, agent_no, reason, seat_code, note)
        return _view(session, floor, slip, now)


def send_away(
    floor: Floor,
    agent_no: str,
    reason: str,
    *,
    seat_code: str | None = None,
    note: str | None = None,
) -> SlipView:
    """The duty manager lets an agent go now: request, approval and leaving in one step."""
    reason, note = _configured_reason(floor, reason), clean(note, "note", max_len=200)
    now = floor.clock.now()
    with floor.db.write() as session:
        # Letting an agent go now is a request and its approval: both must be allowed.
        permissions.require(floor, "away.request", session=session)
        permissions.require(floor, "away.approve", session=session)
        slip = _new_request(session, floor, agent_no, reason, seat_code, note)
        before = move("approve", slip)
        slip.decided_at, slip.decided_by = now, floor.actor.name
        session.add(slip)
        _journal(session, floor, "approve", slip, before)
        _leave(session, floor, slip, None)
        return _view(session, floor, slip, now)


def _decide(floor: Floor, ref: str, verb: str, note: str | None) -> SlipView:
    """A decision on a slip (TRANSITIONS[verb]), by whom and when, with its note."""
    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "away.approve", session=session)
        slip = find_slip(session, ref)
        before = move(verb, slip)
        slip.decided_at = now
        slip.decided_by = floor.actor.name
        slip.decision_note = note
        session.add(slip)
        if verb == "approve_after":  # excused: the away's alert has nothing more to say
            alerts.cancel(session, floor, dedupe_prefix=slip_alert_prefix(slip.id))
        _journal(session, floor, verb, slip, before)
        return _view(session, floor, slip, now)


def approve(floor: Floor, ref: str) -> SlipView:
    """The duty manager allows a requested absence."""
    return _decide(floor, ref, "approve", None)


def reject(floor: Floor, ref: str, reason: str) -> SlipView:
    """The duty manager refuses a requested absence, saying why."""
    note = clean(reason, "rejection reason", required=True, max_len=200)
    return _decide(floor, ref, "reject", note)


def excuse(floor: Floor, ref: str, reason: str) -> SlipView:
    """Approve an unapproved absence after the fact, saying why."""
    note = clean(reason, "reason", required=True, max_len=200)
    return _decide(floor, ref, "approve_after", note)


def record_violation(floor: Floor, ref: str, note: str | None = None) -> SlipView:
    """Record an unapproved absence as a breach of the floor rules."""
    text = clean(note, "note", max_len=200)
    return _decide(floor, ref, "violation", text)


def cancel(floor: Floor, ref: str) -> SlipView:
    """Withdraw a request that has not gone out yet."""
    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "away.request", session=session)
        slip = find_slip(session, ref)
        before = move("cancel", slip)
        session.add(slip)
        _journal(session, floor, "cancel", slip, before)
        return _view(session, floor, slip, now)


def start(floor: Floor, ref: str, *, at: datetime | None = None) -> SlipView:
    """The agent leaves: the seat goes `away` (through apply_event) and the timer starts."""
    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "away.request", session=session)
        slip = find_slip(session, ref)
        check("start", slip)  # the seat's follower moves it, when the seat goes away
        _leave(session, floor, slip, at)
        return _view(session, floor, slip, now)


def back(floor: Floor, ref: str, *, at: datetime | None = None) -> SlipView:
    """The agent is back: the seat goes `ready` (through apply_event) and the timer stops."""
    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "away.end", session=session)
        slip = find_slip(session, ref)
        check("back", slip)  # the seat's follower moves it, when the seat is back
        # The seat the agent is at now: they may have moved (still away) since leaving.
        seat = session.exec(select(Seat).where(Seat.agent_id == slip.agent_id)).first()
        seat = seat or session.get(Seat, slip.seat_id)
        assert seat is not None
        if seat.state == SeatState.AWAY and seat.agent_id == slip.agent_id:
            apply_event(session, floor, seat.code, SeatEventKind.BACK, at=at, source=SOURCE)
            session.refresh(slip)
        if slip.status == SlipStatus.OUT:
            come_back_in(SessionBook(session, floor), slip, at or now)
        return _view(session, floor, slip, now)


def extend(floor: Floor, ref: str, seconds: int, reason: str) -> SlipView:
    """Grant the one extension a slip may have, with a reason; deadlines move with it."""
    note = clean(reason, "extension reason", required=True, max_len=200)
    if not isinstance(seconds, int) or seconds <= 0:
        raise FloorError("an extension must be a positive number of seconds")
    if seconds > MAX_EXTENSION_SECONDS:
        raise FloorError(
            "an extension may be at most {value} minutes",
            value=MAX_EXTENSION_SECONDS // 60,
        )
    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "away.approve", session=session)
        slip = find_slip(session, ref)
        before = move("extend", slip)
        if slip.extension_seconds:
            raise FloorError("this slip was already extended once")
        slip.extension_seconds = seconds
        slip.extension_reason = note
        slip.extended_by = floor.actor.name
        slip.extended_at = now
        session.add(slip)
        if slip.status == SlipStatus.OUT:
            seat = session.get(Seat, slip.seat_id)
            assert seat is not None
            # The same away goes on: its alert stays, the new deadlines escalate it.
            alerts.cancel(session, floor, dedupe_prefix=slip_alert_prefix(slip.id), resolve=False)
            SessionBook(session, floor).schedule(slip, seat.code)
        _journal(session, floor, "extend", slip, before)
        return _view(session, floor, slip, now)
