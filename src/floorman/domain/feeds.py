"""Agent-state feeds: JSON Lines from any system, and Asterisk's queue_log.

On a real floor agent states come from the phone system. Both feeds apply their events
under the rules the `event` command applies (`seats.apply_event`: the away rules, the
alerts, the journal) and commit them in batches. A bad line writes nothing, is reported
with its line number, skipped and counted, and never stops the feed. JSON Lines batches
go through `seat_batch.apply_batch`, which applies calls, aways, returns and logins from
memory in bulk and hands anything else to `apply_event` in a SAVEPOINT; queue_log lines,
whose meaning depends on the floor and the queue memberships at that moment, go through
`apply_event` one by one, each in its own SAVEPOINT.

Replaying never doubles an event: JSON Lines events carry an `id`; a queue_log line's
id is a hash of its byte offset and its raw bytes. `FeedFollower` also keeps, per
followed file, the inode and offset of the first unapplied line, written in the same
transaction as the events before it, so a restart resumes exactly where it stopped and
a rotated or truncated log is neither lost nor read twice.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import select as io_select
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from floorman.data.models import Agent, Seat, SeatEvent
from floorman.data.tables_feeds import FeedMembership, FeedOffset
from floorman.domain.away import follow  # noqa: F401  (the away rules follow the seats)
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean, parse_instant
from floorman.domain.seats.batch import BatchEvent, FloorBatch, apply_batch
from floorman.domain.seats.events import apply_event

BATCH_SIZE = 500
MAX_LINE_BYTES = 64 * 1024
READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class BadLine:
    """A line a feed skipped, and why (shown as "line N: message")."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


BadLineHandler = Callable[[BadLine], None]


def _ignore_bad(_bad: BadLine) -> None:
    return None


@dataclass
class FeedReport:
    """What a feed did with the lines it read."""

    read: int = 0
    applied: int = 0
    unchanged: int = 0
    ignored: int = 0
    bad: int = 0
    stale: int = 0
    restarts: int = 0

    def add(self, other: FeedReport) -> None:
        self.read += other.read
        self.applied += other.applied
        self.unchanged += other.unchanged
        self.ignored += other.ignored
        self.bad += other.bad
        self.stale += other.stale
        self.restarts += other.restarts

    def summary(self, name: str) -> str:
        text = (
            f"{name}: {self.read} lines read, {self.applied} events applied, "
            f"{self.unchanged} unchanged or already recorded, {self.ignored} ignored, "
            f"{self.bad} bad lines skipped"
        )
        if self.stale:
            # Not applied: the seat already shows something later, so these are history.
            text += f", {self.stale} older than the seat's current state (skipped)"
        if self.restarts:
            text += f", log rotated or truncated {self.restarts} time(s)"
        return text

    def as_json(self) -> dict[str, int]:
        return {
            "read": self.read,
            "applied": self.applied,
            "unchanged": self.unchanged,
            "ignored": self.ignored,
            "bad": self.bad,
            "stale": self.stale,
            "restarts": self.restarts,
        }


# ------------------------------------------------------------------------ JSON Lines


@dataclass(frozen=True)
class FeedEvent:
    """One agent-state event read from a feed, ready for `seats.apply_event`."""

    line: int
    seat: str
    state: str
    agent: str | None = None
    reason: str | None = None
    at: datetime | None = None
    external_id: str | None = None


def _text_field(data: dict[str, object], key: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise FloorError(f"'{key}' is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FloorError(f"'{key}' must be text, not {type(value).__name__}")
    return str(value)


def _instant(value: object, zone: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise FloorError("'at' must be an ISO 8601 time or epoch seconds")
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise FloorError(f"'at' {value} is not a usable epoch time") from exc
    if isinstance(value, str):
        return parse_instant(value, zone)
    raise FloorError("'at' must be an ISO 8601 time or epoch seconds")


def parse_jsonl_line(raw: bytes | str, line: int, zone: ZoneInfo) -> FeedEvent | None:
    """One JSON Lines event; None for a blank line; FloorError saying what is wrong."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_LINE_BYTES:
            raise FloorError(f"line is too long ({len(raw)} bytes, at most {MAX_LINE_BYTES})")
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FloorError("not UTF-8 text") from exc
    text = raw.strip().lstrip("\ufeff")
    if not text:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FloorError(f"not valid JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise FloorError(f"expected a JSON object, got {type(data).__name__}")
    external_id = clean(_text_field(data, "id"), "id", max_len=200)
    return FeedEvent(
        line=line,
        seat=_text_field(data, "seat", required=True) or "",
        state=_text_field(data, "state", required=True) or "",
        agent=_text_field(data, "agent"),
        reason=_text_field(data, "reason"),
        at=_instant(data.get("at"), zone),
        external_id=f"jsonl:{external_id}" if external_id else None,
    )


class JsonlFeed:
    """Reads JSON Lines events and applies them in batches of `batch_size` per transaction.

    `add()` parses a line at once (a malformed line is reported without touching the
    database) and buffers the event; a full buffer is applied, and `flush()` applies what
    is left. The caller flushes when its input goes quiet, so a live pipe does not keep
    events (and the write lock) waiting for a full batch.
    """

    def __init__(
        self,
        floor: Floor,
        *,
        source: str = "jsonl",
        batch_size: int = BATCH_SIZE,
        on_bad: BadLineHandler = _ignore_bad,
    ) -> None:
        self.floor = floor
        self.source = clean(source, "source", required=True, max_len=60) or "jsonl"
        self.batch_size = max(1, batch_size)
        self.on_bad = on_bad
        self.report = FeedReport()
        self._zone = floor.config.zone()
        self._pending: list[FeedEvent | BadLine] = []

    def add(self, line: int, raw: bytes | str) -> None:
        """Parse one line and queue it; a full queue is applied at once."""
        try:
            event: FeedEvent | BadLine | None = parse_jsonl_line(raw, line, self._zone)
        except FloorError as exc:
            event = BadLine(line, str(exc))  # reported at flush, in line order
        if event is None:
            return
        self.report.read += 1
        self._pending.append(event)
        if len(self._pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Apply the queued events in one transaction (`seat_batch.apply_batch`)."""
        if not self._pending:
            return
        events, self._pending = self._pending, []
        bad: list[BadLine] = []
        counts = FeedReport()
        good = [e for e in events if isinstance(e, FeedEvent)]
        with self.floor.db.write() as session:
            outcomes = apply_batch(
                session,
                self.floor,
                [BatchEvent(e.seat, e.state, e.agent, e.reason, e.at, e.external_id) for e in good],
                source=self.source,
            )
        for event, outcome in zip(good, outcomes, strict=True):
            if isinstance(outcome, FloorError):
                bad.append(BadLine(event.line, str(outcome)))
            elif outcome:
                counts.applied += 1
            else:
                counts.unchanged += 1
        bad.extend(e for e in events if isinstance(e, BadLine))
        bad.sort(key=lambda b: b.line)
        # Counted and reported once committed.
        self.report.applied += counts.applied
        self.report.unchanged += counts.unchanged
        self.report.bad += len(bad)
        for item in bad:
            self.on_bad(item)


def read_lines(fd: int, *, chunk: int = 1 << 16) -> Iterator[bytes | None]:
    """Lines (without their newline) read from a file descriptor as they arrive.

    Yields None whenever the input has nothing more ready for now (a pipe gone quiet),
    which is the moment to commit what has been read. A regular file never goes quiet
    until its end.
    """
    pending = b""
    while True:
        data = os.read(fd, chunk)
        if not data:
            break
        pending += data
        *lines, pending = pending.split(b"\n")
        yield from lines
        if not _input_ready(fd):
            yield None
    if pending:
        yield pending


def _input_ready(fd: int) -> bool:
    try:
        ready, _, _ = io_select.select([fd], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(ready)


# ------------------------------------------------------------------- Asterisk queue_log

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
            f"not a queue_log line (expected epoch|callid|queue|agent|event, got {len(parts)} "
            "field(s))"
        )
    try:
        epoch = float(parts[0])
        at = datetime.fromtimestamp(epoch, UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise FloorError(f"malformed time '{parts[0][:40]}': expected epoch seconds") from exc
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
class MemberSeat:
    """Where a PBX member interface sits, and who it is (a staff number)."""

    seat: str
    staff_no: str | None


def interface_extension(interface: str) -> str:
    """'PJSIP/1001' -> '1001'; 'Local/1001@agents/n' -> '1001'; 'Agent/1001' -> '1001'."""
    rest = interface.split("/", 1)[1] if "/" in interface else interface
    return rest.split("@", 1)[0].split("/", 1)[0].strip()


class InterfaceMap:
    """Asterisk member interfaces (or member names) to floor seats and staff numbers."""

    def __init__(self, entries: dict[str, MemberSeat] | None = None) -> None:
        self.entries = dict(entries or {})
        self._folded = {key.casefold(): value for key, value in self.entries.items()}

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, interface: str) -> MemberSeat | None:
        found = self.entries.get(interface) or self._folded.get(interface.casefold())
        if found is None and interface.lower().startswith("local/") and "/n" in interface:
            # Local channels are sometimes logged with the '/n' (no-optimise) suffix.
            found = self.lookup(interface.rsplit("/", 1)[0])
        return found


def load_interface_map(path: Path) -> InterfaceMap:
    """Read a map CSV with columns interface,seat,staff_no (staff_no may be empty)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [c for c in ("interface", "seat") if c not in header]
            if missing:
                raise FloorError(f"{path}: line 1: missing column(s): {', '.join(missing)}")
            reader.fieldnames = header
            entries: dict[str, MemberSeat] = {}
            for row in reader:
                where = f"{path}: line {reader.line_num}"
                try:
                    interface = clean(row.get("interface"), "interface", required=True, max_len=200)
                    seat = clean(row.get("seat"), "seat", required=True, max_len=40)
                    staff_no = clean(row.get("staff_no"), "staff_no", max_len=40)
                except FloorError as exc:
                    raise FloorError(f"{where}: {exc}") from exc
                assert interface is not None and seat is not None
                if interface in entries:
                    raise FloorError(f"{where}: interface '{interface}' appears twice")
                entries[interface] = MemberSeat(seat.upper(), staff_no)
    except OSError as exc:
        raise FloorError(f"{path}: cannot be read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise FloorError(f"{path}: not UTF-8 text") from exc
    return InterfaceMap(entries)


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

    `_SessionMembers` reads them through the ORM session (one line at a time, each in a
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


class _SessionMembers:
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


class _BatchMembers:
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


def _resolve_member(
    view: MemberFloor, interface: str, mapping: InterfaceMap | None
) -> tuple[MemberSeatState, str | None]:
    """The seat a member interface sits at and its staff number, or FloorError."""
    if mapping is not None:
        member = mapping.lookup(interface)
        if member is None:
            raise FloorError(f"member '{interface}' is not in the --map file")
        seat = view.seat_by_code(member.seat)
        if seat is None:
            raise FloorError(f"member '{interface}' maps to unknown seat '{member.seat}'")
        return seat, member.staff_no
    # No map: the interface's extension is the staff number; the seat is where that agent
    # sits now, else the seat whose code is the extension.
    extension = interface_extension(interface)
    if not extension:
        raise FloorError(f"cannot tell a seat from member '{interface}'; give --map")
    known, seat = view.agent_seat(extension)
    if seat is None:
        seat = view.seat_by_code(extension.upper())
    if seat is None:
        raise FloorError(f"no seat for member '{interface}'; give --map")
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
        if ours and seat.state in ("ready", "busy", "away"):
            event = None
        else:
            event, reason = ("away", "paused") if paused else ("ready", None)
    elif kind in LOGOFF_EVENTS:
        view.leave_queue(source, record)
        still_member = view.memberships(source, record.agent) > 0
        event = "empty" if ours and not still_member and seat.state != "empty" else None
        agent_no = None
    elif kind in PAUSE_EVENTS:
        event = "away"
        reason = record.data[0] if record.data and record.data[0].strip() else None
    elif kind in UNPAUSE_EVENTS:
        event = "back" if ours and seat.state == "away" else None
        agent_no = None
    elif kind in CONNECT_EVENTS:
        event = "busy"
    else:  # the call ended
        event = "ready" if ours and seat.state == "busy" else None
    if event is None:
        return "unchanged"
    if event in ("ready", "busy", "away") and agent_no is None and not seat.has_agent:
        raise FloorError(
            f"member '{record.agent}' has no staff number for seat {seat.code}; "
            "add staff_no to the --map file"
        )
    return QueueLogAction(seat.code, event, agent_no, reason)


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
    action = queue_log_action(_SessionMembers(session), record, source=source, mapping=mapping)
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


@dataclass
class _Position:
    """Where the follower stands in one file: its inode, the next byte and line."""

    inode: int
    offset: int = 0
    line: int = 0
    head_hash: str = ""


def _head_hash(path: Path) -> str:
    """SHA-256 of the file's first complete line ('' while it has none)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return ""
    end = head.find(b"\n")
    return hashlib.sha256(head[: end + 1]).hexdigest() if end >= 0 else ""


class FeedFollower:
    """Follows an Asterisk queue_log: call `poll_once()` repeatedly (the CLI does, with a sleep).

    Each poll applies every complete line after the stored offset, `batch_size` lines per
    transaction, with the new offset written in that same transaction. A rotated log (the
    path now names another inode) is first read to its end under its new name (found by
    inode in the same directory), then the new file is read from its start; a truncated
    or replaced file is read from its start. Lines are applied once whatever happens.
    """

    def __init__(
        self,
        floor: Floor,
        path: Path,
        *,
        mapping: InterfaceMap | None = None,
        source: str = "asterisk",
        batch_size: int = BATCH_SIZE,
        on_bad: BadLineHandler = _ignore_bad,
        from_start: bool = False,
    ) -> None:
        self.floor = floor
        self.path = Path(os.path.abspath(path))
        self.key = str(self.path)
        self.mapping = mapping
        self.source = clean(source, "source", required=True, max_len=60) or "asterisk"
        self.batch_size = max(1, batch_size)
        self.on_bad = on_bad
        self.report = FeedReport()
        self._position: _Position | None = None
        self._loaded = from_start  # from_start: ignore any stored offset

    # -- stored position

    def _load(self) -> None:
        with self.floor.db.read() as session:
            row = session.exec(select(FeedOffset).where(FeedOffset.path == self.key)).first()
        if row is not None:
            self._position = _Position(row.inode, row.offset, row.line, row.head_hash)
        self._loaded = True

    def _store(self, session: Session, position: _Position) -> None:
        row = session.exec(select(FeedOffset).where(FeedOffset.path == self.key)).first()
        if row is None:
            row = FeedOffset(
                source=self.source,
                path=self.key,
                inode=position.inode,
                updated_at=self.floor.clock.now(),
            )
        row.inode, row.offset, row.line = position.inode, position.offset, position.line
        row.head_hash, row.updated_at = position.head_hash, self.floor.clock.now()
        session.add(row)

    # -- polling

    def poll_once(self) -> FeedReport:
        """Apply whatever the log gained since the last poll; returns this poll's counts."""
        report = FeedReport()
        if not self._loaded:
            self._load()
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            stat = None
        position = self._position
        if position is not None and (stat is None or stat.st_ino != position.inode):
            rotated = self._find_rotated(position)
            if rotated is not None:
                self._read(rotated, position, report)
            if stat is None:
                self._finish(report)
                return report
            report.restarts += 1
            position = None
        if stat is None:
            self._finish(report)
            return report
        head = _head_hash(self.path)
        if position is not None and (
            stat.st_size < position.offset
            or (position.offset > 0 and position.head_hash and head != position.head_hash)
        ):
            report.restarts += 1
            position = None
        if position is None:
            position = _Position(inode=stat.st_ino, head_hash=head)
        elif not position.head_hash:
            position.head_hash = head
        self._position = position
        self._read(self.path, position, report)
        self._finish(report)
        return report

    def _finish(self, report: FeedReport) -> None:
        self.report.add(report)

    def _find_rotated(self, position: _Position) -> Path | None:
        """The file the followed path named before rotation (same inode, same directory)."""
        try:
            candidates = sorted(self.path.parent.iterdir())
        except OSError:
            return None
        for candidate in candidates:
            if candidate == self.path or not candidate.name.startswith(self.path.name):
                continue
            try:
                if candidate.stat().st_ino != position.inode or not candidate.is_file():
                    continue
            except OSError:
                continue
            if position.head_hash and _head_hash(candidate) != position.head_hash:
                continue
            return candidate
        return None

    def _read(self, path: Path, position: _Position, report: FeedReport) -> None:
        """Apply complete lines of `path` from `position` on, batch by batch."""
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise FloorError(f"{path}: cannot be read: {exc.strerror}") from exc
        with handle:
            handle.seek(position.offset)
            pending = b""
            start = position.offset
            while True:
                data = handle.read(READ_CHUNK)
                if not data:
                    break
                pending += data
                cut = pending.rfind(b"\n")
                if cut < 0:
                    continue
                complete, pending = pending[: cut + 1], pending[cut + 1 :]
                lines = complete.splitlines(keepends=True)
                for first in range(0, len(lines), self.batch_size):
                    batch = lines[first : first + self.batch_size]
                    self._apply_batch(batch, start, position, report)
                    start += sum(len(raw) for raw in batch)
            # A last line without its newline is being written: read it next poll.

    def _apply_batch(
        self, batch: list[bytes], start: int, position: _Position, report: FeedReport
    ) -> None:
        line_no, offset = position.line, start
        counts = FeedReport()
        bad: list[BadLine] = []
        records: list[tuple[int, str, QueueLogLine]] = []
        for raw in batch:
            line_no += 1
            line_offset, offset = offset, offset + len(raw)
            body = raw.rstrip(b"\r\n")
            if not body.strip():
                continue
            counts.read += 1
            try:
                record = parse_queue_log_line(body.decode("utf-8"))
            except UnicodeDecodeError:
                bad.append(BadLine(line_no, "not UTF-8 text"))
                continue
            except FloorError as exc:
                bad.append(BadLine(line_no, str(exc)))
                continue
            records.append((line_no, queue_log_event_id(line_offset, body), record))
        with self.floor.db.write() as session:
            floor_batch = FloorBatch(
                session, self.floor, source=self.source, external_ids=[r[1] for r in records]
            )
            members = _BatchMembers(floor_batch)
            for number, external_id, record in records:
                try:
                    outcome = self._apply_record(session, floor_batch, members, record, external_id)
                except FloorError as exc:
                    bad.append(BadLine(number, str(exc)))
                    continue
                if outcome == "applied":
                    counts.applied += 1
                elif outcome == "unchanged":
                    counts.unchanged += 1
                elif outcome == "stale":
                    counts.stale += 1
                else:
                    counts.ignored += 1
            floor_batch.finish()
            new_position = _Position(position.inode, offset, line_no, position.head_hash)
            self._store(session, new_position)
        # Committed: only now move on (a failed commit leaves the position where it was).
        position.offset, position.line = new_position.offset, new_position.line
        counts.bad = len(bad)
        report.add(counts)
        for item in sorted(bad, key=lambda b: b.line):
            self.on_bad(item)

    def _apply_record(
        self,
        session: Session,
        floor_batch: FloorBatch,
        members: _BatchMembers,
        record: QueueLogLine,
        external_id: str,
    ) -> str:
        """One queue_log record under `queue_log_action`'s rules, in the batch."""
        if record.event in LOGIN_EVENTS or record.event in LOGOFF_EVENTS:
            # Queue memberships change: the ORM path, in a savepoint of its own.
            return floor_batch.alone(
                lambda: apply_queue_log_line(
                    session,
                    self.floor,
                    record,
                    external_id=external_id,
                    source=self.source,
                    mapping=self.mapping,
                ),
                external_id=external_id,
            )
        action = queue_log_action(members, record, source=self.source, mapping=self.mapping)
        if isinstance(action, str):
            return action
        outcome = floor_batch.apply(
            BatchEvent(
                action.seat, action.event, action.agent_no, action.reason, record.at, external_id
            )
        )
        if isinstance(outcome, FloorError):
            raise outcome
        return "applied" if outcome else "unchanged"

    def follow(
        self,
        *,
        interval: float = 1.0,
        should_stop: Callable[[], bool] = lambda: False,
        sleep: Callable[[float], None] = time.sleep,
        on_poll: Callable[[FeedReport], None] | None = None,
    ) -> FeedReport:
        """Poll until `should_stop()`; polls never overlap (one runs after the other)."""
        while not should_stop():
            report = self.poll_once()
            if on_poll is not None:
                on_poll(report)
            sleep(interval)
        return self.report


@dataclass(frozen=True)
class FeedStatus:
    """A stored follow position, for `feed status`."""

    path: str
    source: str
    inode: int
    offset: int
    line: int
    updated_at: datetime

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "source": self.source,
            "inode": self.inode,
            "offset": self.offset,
            "line": self.line,
            "updated_at": self.updated_at.isoformat(),
        }


def feed_positions(session: Session) -> list[FeedStatus]:
    """Every followed file and how far it has been applied."""
    rows = session.exec(select(FeedOffset).order_by(col(FeedOffset.path))).all()
    return [FeedStatus(r.path, r.source, r.inode, r.offset, r.line, r.updated_at) for r in rows]


@dataclass(frozen=True)
class FeedSource:
    """Events a feed has recorded, for `feed status`: JSON Lines feeds keep no offset."""

    source: str
    events: int
    last_at: datetime

    def as_json(self) -> dict[str, object]:
        return {"source": self.source, "events": self.events, "last_at": self.last_at.isoformat()}


def feed_sources(session: Session) -> list[FeedSource]:
    """Per source, the events recorded with an id (what feeds send), and the latest one.

    Events typed by hand or on the screen carry no id and are not counted.
    """
    rows = session.exec(
        select(SeatEvent.source, func.count(), func.max(SeatEvent.at))
        .where(col(SeatEvent.external_id).is_not(None))
        .group_by(SeatEvent.source)
        .order_by(SeatEvent.source)
    ).all()
    return [FeedSource(source, count, _aware(last)) for source, count, last in rows]


def _aware(value: datetime) -> datetime:
    # func.max bypasses the column's type: SQLite hands back the stored text or a naive UTC.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
