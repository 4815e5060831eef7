"""Applying many agent-state events in one transaction, fast, under the same rules.

Feeds send thousands of events: agents going between ready and busy (a call starts, a
call ends), going away and coming back, logging in at an empty seat. For those events
this module applies `seats.apply_event`'s checks to a snapshot of the floor held in
memory, runs the away rules (`away.follow_seat_in`) on an in-memory slip book, and
writes every row (seats, history, slips, alerts, journal) with one executemany per
table on the session's own DB-API connection, in the caller's transaction.

Every other event (empty, fault, fixed, an agent moving from another seat) and every
event that would fail a check goes through `seats.apply_event` itself, in a savepoint,
so its rules and its error messages exist once. tests/unit/test_seat_batch.py holds
the two paths to the same database contents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlmodel import Session

from floorman.data import journal
from floorman.data.tables.away import AwaySlip
from floorman.data.types import UTCDateTime, new_id
from floorman.domain import alerts, away
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean
from floorman.domain.seats import FUTURE_TOLERANCE, apply_event

T = TypeVar("T")
# Events the batch applies itself; anything else takes the one-by-one path.
BATCH_EVENTS = frozenset({"ready", "busy", "away", "back"})
# Seat states it starts from: staffed seats, and empty ones an agent logs in at.
BATCH_FROM = frozenset({"ready", "busy", "away", "empty"})


@dataclass(frozen=True)
class BatchEvent:
    """One event of a batch, as a feed read it."""

    seat: str
    state: str
    agent: str | None = None
    reason: str | None = None
    at: datetime | None = None
    external_id: str | None = None


def stored_time(value: datetime) -> str:
    """A time as `UTCDateTime` stores it in SQLite: UTC, no offset, microseconds."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _stored(value: Any) -> Any:
    return stored_time(value) if isinstance(value, datetime) else value


@dataclass
class _SeatRow:
    id: str
    code: str
    state: str
    agent_id: str | None
    reason: str | None
    since: datetime


def _driver(session: Session) -> Any:
    """The DB-API connection under the session, in the session's transaction."""
    return session.connection().connection.driver_connection


def _read_time(text: str) -> datetime:
    """A time as `UTCDateTime` reads it back from SQLite: stored UTC, made aware."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class _Floor:
    """The seats and agents as this transaction sees them, kept up to date as it writes."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.seats: dict[str, _SeatRow] = {}
        self.seat_of: dict[str, str] = {}  # agent id -> the code of the seat they sit at
        self._load(None)
        rows = _driver(session).execute("SELECT id, staff_no, name FROM agent").fetchall()
        self.agent_id = {staff_no: agent_id for agent_id, staff_no, _ in rows}
        self.staff_no: dict[str | None, str | None] = {
            agent_id: staff_no for agent_id, staff_no, _ in rows
        }
        self.name = {agent_id: name for agent_id, _, name in rows}

    def _load(self, codes: list[str] | None) -> None:
        query = "SELECT id, code, state, agent_id, reason, since FROM seat"
        if codes is not None:
            query += f" WHERE code IN ({', '.join('?' for _ in codes)})"
            for code in codes:
                old = self.seats.pop(code, None)
                if old is not None and old.agent_id and self.seat_of.get(old.agent_id) == code:
                    del self.seat_of[old.agent_id]
        for seat_id, code, state, agent_id, reason, since in _driver(self.session).execute(
            query, codes or ()
        ):
            self.seats[code] = _SeatRow(seat_id, code, state, agent_id, reason, _read_time(since))
            if agent_id is not None:
                self.seat_of[agent_id] = code

    def reload(self, codes: Iterable[str | None]) -> None:
        """Read these seats again (the one-by-one path changed them)."""
        wanted = sorted({c for c in codes if c})
        if wanted:
            self._load(wanted)

    def seat_agent(self, seat: _SeatRow, agent_id: str | None) -> None:
        """`agent_id` now sits at `seat` (or no one, for None)."""
        if seat.agent_id is not None and self.seat_of.get(seat.agent_id) == seat.code:
            del self.seat_of[seat.agent_id]
        seat.agent_id = agent_id
        if agent_id is not None:
            self.seat_of[agent_id] = seat.code


@dataclass(eq=False)
class _Slip:
    """An away slip held in memory by a batch: `AwaySlip`'s columns and defaults, no ORM
    (building and changing ORM rows costs more than the rest of an away event)."""

    seat_id: str
    agent_id: str
    reason: str
    requested_at: datetime
    id: str = field(default_factory=new_id)
    note: str | None = None
    status: str = "requested"
    approval: str = "pending"
    limit_seconds: int = 300
    requested_by: str = ""
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_note: str | None = None
    left_at: datetime | None = None
    returned_at: datetime | None = None
    extension_seconds: int = 0
    extension_reason: str | None = None
    extended_by: str | None = None
    extended_at: datetime | None = None


_SLIP_COLUMNS = tuple(c.name for c in AwaySlip.__table__.columns)  # type: ignore[attr-defined]
_SLIP_TIMES = frozenset(
    c.name
    for c in AwaySlip.__table__.columns  # type: ignore[attr-defined]
    if isinstance(c.type, UTCDateTime)
)
_SLIP_CHANGES = tuple(c for c in _SLIP_COLUMNS if c != "id")
_INSERT_SEAT_EVENT = (
    "INSERT INTO seat_event (id, seat_id, agent_id, state, event, reason, at, recorded_at, "
    "source, actor, external_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_SEAT = "UPDATE seat SET state = ?, agent_id = ?, reason = ?, since = ? WHERE id = ?"
_INSERT_SLIP = (
    f"INSERT INTO away_slip ({', '.join(_SLIP_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _SLIP_COLUMNS)})"
)
_UPDATE_SLIP = f"UPDATE away_slip SET {', '.join(f'{c} = ?' for c in _SLIP_CHANGES)} WHERE id = ?"
_INSERT_ALERT = (
    "INSERT INTO alert (id, kind, subject, severity, message, due_at, created_at, dedupe_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
# alerts.cancel's statement, on the same key range.
_CANCEL_ALERTS = (
    "UPDATE alert SET cancelled_at = ? WHERE dedupe_key >= ? AND dedupe_key < ? "
    "AND fired_at IS NULL AND cancelled_at IS NULL"
)
_INSERT_JOURNAL = (
    "INSERT INTO journal (id, seq, at, actor, terminal, action, subject, before, after, "
    "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class _Rows:
    """Rows waiting for their executemany, table by table."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.seats: dict[str, tuple[Any, ...]] = {}
        self.events: list[tuple[Any, ...]] = []
        self.new_slips: dict[str, away.Slip] = {}
        self.changed_slips: dict[str, away.Slip] = {}
        self.alerts: list[tuple[Any, ...]] = []
        self.alert_keys: set[str] = set()
        self.cancels: list[tuple[str, str, str]] = []
        self.journal: list[dict[str, Any]] = []

    def __bool__(self) -> bool:
        return bool(self.events or self.journal)

    def write(self, session: Session) -> None:
        """Write the waiting rows on the session's connection, in its transaction."""
        if not self:
            return
        cursor = _driver(session).cursor()
        try:
            if self.seats:
                cursor.executemany(_UPDATE_SEAT, list(self.seats.values()))
            if self.events:
                cursor.executemany(_INSERT_SEAT_EVENT, self.events)
            if self.new_slips:
                cursor.executemany(
                    _INSERT_SLIP,
                    [
                        tuple(_stored(getattr(s, c)) for c in _SLIP_COLUMNS)
                        for s in self.new_slips.values()
                    ],
                )
            changed = [s for i, s in self.changed_slips.items() if i not in self.new_slips]
            if changed:
                cursor.executemany(
                    _UPDATE_SLIP,
                    [(*(_stored(getattr(s, c)) for c in _SLIP_CHANGES), s.id) for s in changed],
                )
            # Alerts before their cancellation: a slip may go out and come back in one batch.
            if self.alerts:
                cursor.executemany(_INSERT_ALERT, self.alerts)
            if self.cancels:
                cursor.executemany(_CANCEL_ALERTS, self.cancels)
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


class _Book:
    """The away slips of the agents in this batch, in memory: `away.SlipBook` for batches.

    Open slips (requested, approved, out) are read once per agent; changes are kept
    here and written by `_Rows`, so the away rules run without a query per event.
    """

    def __init__(
        self, session: Session, floor: Floor, state: _Floor, rows: _Rows, now: datetime
    ) -> None:
        self.session = session
        self.floor = floor
        self.state = state
        self.rows = rows
        self.now = now
        self.now_text = stored_time(now)
        self.slips: dict[str, list[away.Slip]] = {}

    def load(self, agent_ids: Iterable[str]) -> None:
        """Read the open slips of these agents (those not read yet)."""
        wanted = sorted({a for a in agent_ids if a not in self.slips})
        if not wanted:
            return
        for agent_id in wanted:
            self.slips[agent_id] = []
        conn = _driver(self.session)
        statuses = ", ".join(f"'{status}'" for status in away.OPEN_STATUSES)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = (
                f"SELECT {', '.join(_SLIP_COLUMNS)} FROM away_slip WHERE agent_id IN "
                f"({', '.join('?' * len(chunk))}) AND status IN ({statuses})"
            )
            for row in conn.execute(query, chunk):
                values: dict[str, Any] = {
                    c: _read_time(v) if c in _SLIP_TIMES and v is not None else v
                    for c, v in zip(_SLIP_COLUMNS, row, strict=True)
                }
                self.slips[values["agent_id"]].append(_Slip(**values))

    def forget(self, agent_ids: Iterable[str | None]) -> None:
        """The one-by-one path changed these agents' slips: read them again when needed."""
        for agent_id in agent_ids:
            if agent_id is not None:
                self.slips.pop(agent_id, None)

    def _of(self, agent_id: str) -> list[away.Slip]:
        if agent_id not in self.slips:
            self.load([agent_id])
        return self.slips[agent_id]

    def open_slip(self, agent_id: str, statuses: tuple[str, ...]) -> away.Slip | None:
        found = None
        for slip in self._of(agent_id):
            # The newest first, as `away._open_slip` orders them.
            if slip.status in statuses and (
                found is None or slip.requested_at > found.requested_at
            ):
                found = slip
        return found

    def requests(self, agent_id: str) -> list[away.Slip]:
        return [s for s in self._of(agent_id) if s.status == "requested"]

    def add(self, values: dict[str, Any]) -> away.Slip:
        slip = _Slip(**values)
        self._of(slip.agent_id).append(slip)
        self.rows.new_slips[slip.id] = slip
        return slip

    def save(self, slip: away.Slip) -> None:
        self.rows.changed_slips[slip.id] = slip

    def journal(self, verb: str, slip: away.Slip, before: dict[str, object] | None) -> None:
        values = away.journal_values(self.floor, verb, slip, before)
        values["at"] = self.now  # a batch is one transaction: all its rows carry one time
        self.rows.journal.append(journal.prepare(self.session, **values))

    def schedule(self, slip: away.Slip, seat_code: str) -> None:
        name, staff_no = self.state.name.get(slip.agent_id), self.state.staff_no.get(slip.agent_id)
        agent = away.who(name, staff_no) if name is not None and staff_no is not None else "?"
        plan = away.alert_plan(self.floor, slip, seat_code, agent)
        existing: set[str] = set()
        if slip.id not in self.rows.new_slips:
            # A slip approved earlier may have alerts already (alerts.schedule's dedupe).
            existing = self._alert_keys(away.slip_alert_prefix(slip.id))
        for planned in plan:
            if planned.dedupe_key in existing or planned.dedupe_key in self.rows.alert_keys:
                continue
            values = alerts.pending_values(
                self.floor,
                kind=planned.kind,
                subject=planned.subject,
                due_at=planned.due_at,
                severity=planned.severity,
                message=planned.message,
                dedupe_key=planned.dedupe_key,
            )
            self.rows.alert_keys.add(planned.dedupe_key)
            self.rows.alerts.append(
                (
                    journal.ordered_id(),
                    values["kind"],
                    values["subject"],
                    values["severity"],
                    values["message"],
                    stored_time(values["due_at"]),
                    self.now_text,  # created_at: the batch's time, as every row it writes
                    values["dedupe_key"],
                )
            )

    def _alert_keys(self, prefix: str) -> set[str]:
        low, high = alerts.key_range(prefix)
        rows = _driver(self.session).execute(
            "SELECT dedupe_key FROM alert WHERE dedupe_key >= ? AND dedupe_key < ?", (low, high)
        )
        return {key for (key,) in rows}

    def cancel_alerts(self, slip: away.Slip) -> None:
        low, high = alerts.key_range(away.slip_alert_prefix(slip.id))
        self.rows.cancels.append((self.now_text, low, high))


class FloorBatch:
    """Events applied in bulk in the caller's write transaction (see the module's doc).

    Holds the floor as the transaction sees it, the open slips of the agents it touched
    and the rows waiting to be written. `apply` each event in order, then `finish`.
    A feed whose own rules read the floor reads it here (`seat`, `agent_of`...), and
    runs ORM work of its own with `alone`.
    """

    def __init__(
        self, session: Session, floor: Floor, *, source: str, external_ids: Sequence[str] = ()
    ) -> None:
        from floorman.domain.operators import permissions

        # The permission apply_event checks, once for the batch (a feed may; a viewer not).
        permissions.require(floor, "seat.event", session=session)
        self.session = session
        self.floor = floor
        self.source = clean(source, "source", max_len=60) or floor.actor.source or "cli"
        self.now = floor.clock.now()
        self.now_text = stored_time(self.now)
        self.latest = self.now + FUTURE_TOLERANCE
        self.state = _Floor(session)
        self.rows = _Rows()
        self.book = _Book(session, floor, self.state, self.rows, self.now)
        self.seen = _known_ids(session, list(external_ids))
        self._has_events: dict[str, bool] = {}

    # -- the floor as this transaction sees it

    def seat(self, code: str) -> _SeatRow | None:
        """The seat with this code (read only)."""
        return self.state.seats.get(code)

    def agent_of(self, staff_no: str) -> str | None:
        """The id of the agent with this staff number."""
        return self.state.agent_id.get(staff_no)

    def staff_no_of(self, agent_id: str | None) -> str | None:
        return self.state.staff_no.get(agent_id)

    def seat_of(self, agent_id: str) -> _SeatRow | None:
        """The seat an agent sits at."""
        code = self.state.seat_of.get(agent_id)
        return self.state.seats.get(code) if code is not None else None

    def has_events(self, seat_id: str) -> bool:
        """Whether the seat has any recorded event (written or waiting to be)."""
        known = self._has_events.get(seat_id)
        if known is None:
            found = _driver(self.session).execute(
                "SELECT 1 FROM seat_event WHERE seat_id = ? LIMIT 1", (seat_id,)
            )
            known = self._has_events[seat_id] = found.fetchone() is not None
        return known

    def preload(self, events: Sequence[BatchEvent]) -> None:
        """Read the open slips of every agent these events may touch, in one query."""
        wanted: set[str] = set()
        for event in events:
            seat = self.state.seats.get((event.seat or "").strip().upper())
            if seat is not None and seat.agent_id is not None:
                wanted.add(seat.agent_id)
            agent_id = self.state.agent_id.get((event.agent or "").strip())
            if agent_id is not None:
                wanted.add(agent_id)
        self.book.load(wanted)

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
            found = _driver(self.session).execute(
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
        self.state = _Floor(self.session)
        self.book.state = self.state
        touched: set[str | None] = set()
        for code, row in self.state.seats.items():
            old_agent, old_state = before.get(code, (None, ""))
            if (old_agent, old_state) != (row.agent_id, row.state):
                touched.update((old_agent, row.agent_id))
        self.book.forget(touched)
        self._has_events = {k: v for k, v in self._has_events.items() if v}

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
                staff_no = clean(event.agent, "agent", required=True, max_len=40, identifier=True)
            except FloorError:
                return None
            agent_id = self.state.agent_id.get(staff_no or "")
        if agent_id is None or seat.state not in BATCH_FROM or at < seat.since:
            return None
        if state == "back":
            if seat.state != "away":
                return None
            new_state = "ready"
        else:
            new_state = state
        new_reason = reason if new_state == "away" else None
        if new_state == seat.state and agent_id == seat.agent_id and new_reason == seat.reason:
            return False
        if agent_id != seat.agent_id and self.state.seat_of.get(agent_id, seat.code) != seat.code:
            return None  # the agent moves from another seat: apply_event empties that one
        self._change(seat, event, state, new_state, agent_id, new_reason, reason, at)
        return True

    def _change(
        self,
        seat: _SeatRow,
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
        away.follow_seat_in(
            self.book,
            self.floor,
            seat_id=seat.id,
            seat_code=seat.code,
            state=new_state,
            agent_id=agent_id,
            old_state=old_state,
            old_agent_id=old_agent_id,
            at=at,
            reason=reason,
        )

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
            self.book.forget(touched)
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
    conn = _driver(session)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        query = f"SELECT external_id FROM seat_event WHERE external_id IN ({marks})"
        known.update(r[0] for r in conn.execute(query, chunk))
    return known
