"""Asterisk queue_log lines and what they do to the floor, as pure code.

Parsing a line, its idempotency key, and the rules: what a member event (login, logoff,
pause, call) does to the member's seat. The rules read the floor and the queue
memberships through a `MemberFloor` handed in (queue_log_floor.py has the two: the ORM
session and a `FloorBatch`), so they touch no database and no file here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from floorman.domain.core import bounds
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import MANNED_STATES, SeatEventKind, SeatState
from floorman.domain.feeds.members import InterfaceMap, interface_extension

# Member (agent-side) events and what they do to the member's seat; every other event
# (ENTERQUEUE, ABANDON, RINGNOANSWER, EXITWITHTIMEOUT, QUEUESTART, ...) is caller-side or
# informational and leaves the floor as it is.
LOGIN_EVENTS = frozenset({"ADDMEMBER", "AGENTLOGIN", "AGENTCALLBACKLOGIN"})
LOGOFF_EVENTS = frozenset({"REMOVEMEMBER", "AGENTLOGOFF", "AGENTCALLBACKLOGOFF"})
PAUSE_EVENTS = frozenset({"PAUSE", "PAUSEALL"})
UNPAUSE_EVENTS = frozenset({"UNPAUSE", "UNPAUSEALL"})
CONNECT_EVENTS = frozenset({"CONNECT"})
# TRANSFER up to Asterisk 11; BLINDTRANSFER / ATTENDEDTRANSFER from Asterisk 12 on.
CALL_END_EVENTS = frozenset(
    {"COMPLETEAGENT", "COMPLETECALLER", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}
)
MEMBER_EVENTS = (
    LOGIN_EVENTS | LOGOFF_EVENTS | PAUSE_EVENTS | UNPAUSE_EVENTS | CONNECT_EVENTS | CALL_END_EVENTS
)
NO_QUEUE = "NONE"


@dataclass(frozen=True)
class QueueLogLine:
    """One queue_log line: `epoch|callid|queue|agent|event|data1|data2|...`."""

    at: datetime
    callid: str
    queue: str
    agent: str
    event: str
    data: tuple[str, ...] = ()


def parse_queue_log_line(text: str) -> QueueLogLine:
    """Split a queue_log line as Asterisk writes it; FloorError when it is not one."""
    parts = text.rstrip("\r\n").split("|")
    if len(parts) < 5:
        raise FloorError(
            "not a queue_log line (expected epoch|callid|queue|agent|event, got {parts} field(s))",
            parts=len(parts),
        )
    try:
        epoch = float(parts[0])
        at = datetime.fromtimestamp(epoch, UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise FloorError(
            "malformed time '{value}': expected epoch seconds",
            value=parts[0][:40],
        ) from exc
    bounds.instant(at, "time")
    event = parts[4].strip().upper()
    if not event:
        raise FloorError("the event field is empty")
    return QueueLogLine(
        at=at,
        callid=parts[1],
        queue=parts[2],
        agent=parts[3].strip(),
        event=event,
        data=tuple(parts[5:]),
    )


def queue_log_event_id(offset: int, raw: bytes) -> str:
    """The idempotency key of a queue_log line: its byte offset and raw bytes, hashed."""
    digest = hashlib.sha256(f"{offset}:".encode() + raw).hexdigest()
    return f"asterisk:{digest[:40]}"


@dataclass(frozen=True)
class MemberSeatState:
    """A seat as the queue_log rules see it: its state, since when, and who sits there."""

    id: str
    code: str
    state: str
    since: datetime
    staff_no: str | None  # the staff number of the agent sitting there
    has_agent: bool


class MemberFloor(Protocol):
    """What the queue_log rules read of the floor and of the queue memberships.

    `SessionMembers` reads them through the ORM session (one line at a time, each in a
    savepoint); `FeedFollower` reads seats from a `seat_batch.FloorBatch`'s in-memory
    floor for call and pause lines, so both run `queue_log_action` itself.
    """

    def seat_by_code(self, code: str) -> MemberSeatState | None:
        """The seat with this code, if any."""

    def agent_seat(self, staff_no: str) -> tuple[bool, MemberSeatState | None]:
        """Whether an agent has this staff number, and the seat they sit at."""

    def has_events(self, seat: MemberSeatState) -> bool:
        """Whether the seat has any recorded event."""

    def join_queue(self, source: str, record: QueueLogLine) -> None:
        """Record that the member joined the record's queue."""

    def leave_queue(self, source: str, record: QueueLogLine) -> None:
        """Record that the member left the record's queue (or all of them)."""

    def memberships(self, source: str, interface: str) -> int:
        """How many queues the member is in."""


def _resolve_member(
    view: MemberFloor, interface: str, mapping: InterfaceMap | None
) -> tuple[MemberSeatState, str | None]:
    """The seat a member interface sits at and its staff number, or FloorError."""
    if mapping is not None:
        member = mapping.lookup(interface)
        if member is None:
            raise FloorError("member '{interface}' is not in the --map file", interface=interface)
        seat = view.seat_by_code(member.seat)
        if seat is None:
            raise FloorError(
                "member '{interface}' maps to unknown seat '{seat}'",
                interface=interface,
                seat=member.seat,
            )
        return seat, member.staff_no
    # No map: the interface's extension is the staff number; the seat is where that agent
    # sits now, else the seat whose code is the extension.
    extension = interface_extension(interface)
    if not extension:
        raise FloorError(
            "cannot tell a seat from member '{interface}'; give --map",
            interface=interface,
        )
    known, seat = view.agent_seat(extension)
    if seat is None:
        seat = view.seat_by_code(extension.upper())
    if seat is None:
        raise FloorError("no seat for member '{interface}'; give --map", interface=interface)
    return seat, extension if known else None


@dataclass(frozen=True)
class QueueLogAction:
    """The seat event a queue_log line comes to."""

    seat: str
    event: str
    agent_no: str | None
    reason: str | None


def queue_log_action(
    view: MemberFloor, record: QueueLogLine, *, source: str, mapping: InterfaceMap | None
) -> QueueLogAction | str:
    """What one queue_log record does: a seat event, or 'unchanged', 'stale', 'ignored'.

    ADDMEMBER -> ready (away if added paused), REMOVEMEMBER -> empty once the member has
    left its last queue, PAUSE/PAUSEALL -> away (the pause reason becomes the away
    reason), UNPAUSE/UNPAUSEALL -> back, CONNECT -> busy, COMPLETEAGENT/COMPLETECALLER/
    TRANSFER -> ready. A member event that repeats what the seat already shows (the same
    pause logged per queue and for all queues) changes nothing. Joining and leaving
    queues is recorded on the way (`view.join_queue` / `view.leave_queue`).
    """
    kind = record.event
    if kind not in MEMBER_EVENTS or record.agent in ("", NO_QUEUE):
        return "ignored"
    seat, staff_no = _resolve_member(view, record.agent, mapping)
    if record.at < seat.since and view.has_events(seat):
        # The seat already shows something later (a replayed log, or another source):
        # this line is history, not news.
        return "stale"
    ours = seat.has_agent and (staff_no is None or seat.staff_no == staff_no)
    event: str | None
    reason: str | None = None
    agent_no = staff_no
    if kind in LOGIN_EVENTS:
        view.join_queue(source, record)
        paused = bool(record.data) and record.data[0].strip().upper() == "PAUSED"
        if ours and seat.state in MANNED_STATES:
            event = None
        else:
            event, reason = (
                (SeatEventKind.AWAY, "paused") if paused else (SeatEventKind.READY, None)
            )
    elif kind in LOGOFF_EVENTS:
        view.leave_queue(source, record)
        still_member = view.memberships(source, record.agent) > 0
        event = (
            SeatEventKind.EMPTY
            if ours and not still_member and seat.state != SeatState.EMPTY
            else None
        )
        agent_no = None
    elif kind in PAUSE_EVENTS:
        event = SeatEventKind.AWAY
        reason = record.data[0] if record.data and record.data[0].strip() else None
    elif kind in UNPAUSE_EVENTS:
        event = SeatEventKind.BACK if ours and seat.state == SeatState.AWAY else None
        agent_no = None
    elif kind in CONNECT_EVENTS:
        event = SeatEventKind.BUSY
    else:  # the call ended
        event = SeatEventKind.READY if ours and seat.state == SeatState.BUSY else None
    if event is None:
        return "unchanged"
    if (
        event in (SeatEventKind.READY, SeatEventKind.BUSY, SeatEventKind.AWAY)
        and agent_no is None
        and not seat.has_agent
    ):
        raise FloorError(
            "member '{agent}' has no staff number for seat {code}; add staff_no to the --map file",
            agent=record.agent,
            code=seat.code,
        )
    return QueueLogAction(seat.code, event, agent_no, reason)
