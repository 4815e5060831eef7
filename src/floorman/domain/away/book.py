"""The slip book: where the away rules read and write slips, their alerts and journal rows.

`SessionBook` does it through the ORM session, one event at a time. `MemoryBook` is the
feeds' batch side (seats/batch.py): it keeps the open slips of the agents in the batch
in memory and writes rows with one executemany per table. Both run the same rules
(away/follow.py, away/lifecycle.py), so the two paths cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session, col, select

from floorman.data import journal
from floorman.data.tables.away import AwaySlip
from floorman.data.tables.floor import Agent
from floorman.data.types import UTCDateTime, new_id
from floorman.domain import alerts
from floorman.domain.alerts.templates import who
from floorman.domain.away.alert_plan import PlannedAlert, alert_plan, slip_alert_prefix
from floorman.domain.core.context import Floor
from floorman.domain.core.states import (
    OPEN_SLIP_STATUSES,
    AlertState,
    SlipApproval,
    SlipStatus,
)
from floorman.domain.seats.bulk import driver, read_time, stored, stored_time
from floorman.domain.seats.follow import BatchRows


class Slip(Protocol):
    """What the away rules read and change of a slip: an `AwaySlip` row, or the batch's
    in-memory copy of one (`MemorySlip`)."""

    id: str
    seat_id: str
    agent_id: str
    reason: str
    status: str
    approval: str
    limit_seconds: int
    requested_at: datetime
    decision_note: str | None
    left_at: datetime | None
    returned_at: datetime | None
    extension_seconds: int


def snapshot(slip: Slip) -> dict[str, object]:
    """What the journal records of a slip, before and after a change."""
    return {
        "status": slip.status,
        "approval": slip.approval,
        "reason": slip.reason,
        "left_at": slip.left_at.isoformat() if slip.left_at else None,
        "returned_at": slip.returned_at.isoformat() if slip.returned_at else None,
        "limit_seconds": slip.limit_seconds,
        "extension_seconds": slip.extension_seconds,
    }


def journal_values(
    floor: Floor, verb: str, slip: Slip, before: dict[str, object] | None
) -> dict[str, Any]:
    """The journal row of a slip change (the ORM path appends it, a batch queues it)."""
    return {
        "at": floor.clock.now(),
        "actor": floor.actor.name,
        "terminal": floor.actor.terminal,
        "action": f"away.{verb}",
        "subject": slip.id,
        "before": before,
        "after": snapshot(slip),
    }


def open_slip(session: Session, agent_id: str, statuses: Iterable[str]) -> AwaySlip | None:
    """The agent's newest slip in one of `statuses`, if any."""
    return session.exec(
        select(AwaySlip)
        .where(AwaySlip.agent_id == agent_id, col(AwaySlip.status).in_(tuple(statuses)))
        .order_by(col(AwaySlip.requested_at).desc())
    ).first()


class SlipBook(Protocol):
    """Where the rules of follow.py and lifecycle.py read and write slips."""

    def open_slip(self, agent_id: str, statuses: tuple[str, ...]) -> Slip | None:
        """The agent's newest slip in one of `statuses`, if any."""

    def requests(self, agent_id: str) -> list[Slip]:
        """The agent's slips waiting for a decision (status requested)."""

    def add(self, values: dict[str, Any]) -> Slip:
        """Store a new slip with these column values, and return it."""

    def save(self, slip: Slip) -> None:
        """Store a changed slip."""

    def journal(self, verb: str, slip: Slip, before: dict[str, object] | None) -> None:
        """Journal a slip change."""

    def schedule(self, slip: Slip, seat_code: str) -> None:
        """Schedule the alerts of `alert_plan` for a slip that just went out."""

    def cancel_alerts(self, slip: Slip) -> None:
        """Cancel the slip's pending alerts."""


class SessionBook:
    """The slip book of one ORM session: queries and flushes, one event at a time."""

    def __init__(self, session: Session, floor: Floor) -> None:
        self.session = session
        self.floor = floor

    def open_slip(self, agent_id: str, statuses: tuple[str, ...]) -> Slip | None:
        return open_slip(self.session, agent_id, statuses)

    def requests(self, agent_id: str) -> list[Slip]:
        return list[Slip](
            self.session.exec(
                select(AwaySlip).where(
                    AwaySlip.agent_id == agent_id, AwaySlip.status == SlipStatus.REQUESTED
                )
            ).all()
        )

    def add(self, values: dict[str, Any]) -> Slip:
        slip = AwaySlip(**values)
        self.session.add(slip)
        self.session.flush()
        return slip

    def save(self, slip: Slip) -> None:
        assert isinstance(slip, AwaySlip)  # this book only ever hands out rows
        self.session.add(slip)

    def journal(self, verb: str, slip: Slip, before: dict[str, object] | None) -> None:
        journal.append(self.session, **journal_values(self.floor, verb, slip, before))

    def schedule(self, slip: Slip, seat_code: str) -> None:
        found = self.session.get(Agent, slip.agent_id)
        agent = who(found.name, found.staff_no) if found else "?"
        for planned in alert_plan(self.floor, slip, seat_code, agent):
            alerts.schedule(
                self.session,
                self.floor,
                kind=planned.kind,
                subject=planned.subject,
                due_at=planned.due_at,
                severity=planned.severity,
                message=planned.message,
                dedupe_key=planned.dedupe_key,
                condition_key=planned.condition_key,
            )

    def cancel_alerts(self, slip: Slip) -> None:
        alerts.cancel(self.session, self.floor, dedupe_prefix=slip_alert_prefix(slip.id))


@dataclass(eq=False)
class MemorySlip:
    """An away slip held in memory by a batch: `AwaySlip`'s columns and defaults, no ORM
    (building and changing ORM rows costs more than the rest of an away event)."""

    seat_id: str
    agent_id: str
    reason: str
    requested_at: datetime
    id: str = field(default_factory=new_id)
    note: str | None = None
    status: str = SlipStatus.REQUESTED
    approval: str = SlipApproval.PENDING
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
_INSERT_SLIP = (
    f"INSERT INTO away_slip ({', '.join(_SLIP_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _SLIP_COLUMNS)})"
)
_UPDATE_SLIP = f"UPDATE away_slip SET {', '.join(f'{c} = ?' for c in _SLIP_CHANGES)} WHERE id = ?"
_INSERT_ALERT = (
    "INSERT INTO alert (id, kind, subject, severity, message, due_at, created_at, dedupe_key, "
    "condition_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# alerts.cancel's statements, on the same key range: drop the deadlines, resolve the alert.
_CANCEL_ALERTS = (
    "UPDATE alert SET cancelled_at = ? WHERE dedupe_key >= ? AND dedupe_key < ? "
    "AND fired_at IS NULL AND cancelled_at IS NULL"
)
_RESOLVE_ALERTS = (
    f"UPDATE alert SET state = '{AlertState.RESOLVED}', resolved_at = ? "
    "WHERE dedupe_key >= ? AND dedupe_key < ? "
    f"AND state IN ('{AlertState.ACTIVE}', '{AlertState.ACKNOWLEDGED}')"
)
_OPEN = ", ".join(f"'{status}'" for status in OPEN_SLIP_STATUSES)


class MemoryBook:
    """The away slips of the agents in one batch, in memory: `SlipBook` for batches.

    Open slips (requested, approved, out) are read once per agent; changes are kept here
    and written by `write`, so the away rules run without a query per event.
    """

    def __init__(self, rows: BatchRows) -> None:
        self.rows = rows
        self.session = rows.session
        self.floor = rows.floor
        self.now_text = stored_time(rows.now)
        self.slips: dict[str, list[Slip]] = {}
        self.clear()

    def clear(self) -> None:
        """Forget the rows written (the slips read stay: they are current)."""
        self.new_slips: dict[str, Slip] = {}
        self.changed_slips: dict[str, Slip] = {}
        self.alerts: list[tuple[Any, ...]] = []
        self.alert_keys: set[str] = set()
        self.cancels: list[tuple[str, str, str]] = []

    def load(self, agent_ids: Iterable[str]) -> None:
        """Read the open slips of these agents (those not read yet)."""
        wanted = sorted({a for a in agent_ids if a not in self.slips})
        if not wanted:
            return
        for agent_id in wanted:
            self.slips[agent_id] = []
        conn = driver(self.session)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = (
                f"SELECT {', '.join(_SLIP_COLUMNS)} FROM away_slip WHERE agent_id IN "
                f"({', '.join('?' * len(chunk))}) AND status IN ({_OPEN})"
            )
            for row in conn.execute(query, chunk):
                values: dict[str, Any] = {
                    c: read_time(v) if c in _SLIP_TIMES and v is not None else v
                    for c, v in zip(_SLIP_COLUMNS, row, strict=True)
                }
                self.slips[values["agent_id"]].append(MemorySlip(**values))

    def forget(self, agent_ids: Iterable[str | None]) -> None:
        """The one-by-one path changed these agents' slips: read them again when needed."""
        for agent_id in agent_ids:
            if agent_id is not None:
                self.slips.pop(agent_id, None)

    def _of(self, agent_id: str) -> list[Slip]:
        if agent_id not in self.slips:
            self.load([agent_id])
        return self.slips[agent_id]

    def open_slip(self, agent_id: str, statuses: tuple[str, ...]) -> Slip | None:
        found = None
        for slip in self._of(agent_id):
            # The newest first, as `open_slip` orders them.
            if slip.status in statuses and (
                found is None or slip.requested_at > found.requested_at
            ):
                found = slip
        return found

    def requests(self, agent_id: str) -> list[Slip]:
        return [s for s in self._of(agent_id) if s.status == SlipStatus.REQUESTED]

    def add(self, values: dict[str, Any]) -> Slip:
        slip = MemorySlip(**values)
        self._of(slip.agent_id).append(slip)
        self.new_slips[slip.id] = slip
        return slip

    def save(self, slip: Slip) -> None:
        self.changed_slips[slip.id] = slip

    def journal(self, verb: str, slip: Slip, before: dict[str, object] | None) -> None:
        self.rows.queue_journal(journal_values(self.floor, verb, slip, before))

    def schedule(self, slip: Slip, seat_code: str) -> None:
        label = self.rows.agent_label(slip.agent_id)
        agent = who(*label) if label is not None else "?"
        existing: set[str] = set()
        if slip.id not in self.new_slips:
            # A slip approved earlier may have alerts already (alerts.schedule's dedupe).
            existing = self._alert_keys(slip_alert_prefix(slip.id))
        for planned in alert_plan(self.floor, slip, seat_code, agent):
            if planned.dedupe_key in existing or planned.dedupe_key in self.alert_keys:
                continue
            self._queue_alert(planned)

    def _queue_alert(self, planned: PlannedAlert) -> None:
        values = alerts.pending_values(
            self.floor,
            kind=planned.kind,
            subject=planned.subject,
            due_at=planned.due_at,
            severity=planned.severity,
            message=planned.message,
            dedupe_key=planned.dedupe_key,
            condition_key=planned.condition_key,
        )
        self.alert_keys.add(planned.dedupe_key)
        self.alerts.append(
            (
                journal.ordered_id(),
                str(values["kind"]),
                values["subject"],
                str(values["severity"]),
                values["message"],
                stored_time(values["due_at"]),
                self.now_text,  # created_at: the batch's time, as every row it writes
                values["dedupe_key"],
                values["condition_key"],
            )
        )

    def _alert_keys(self, prefix: str) -> set[str]:
        low, high = alerts.key_range(prefix)
        rows = driver(self.session).execute(
            "SELECT dedupe_key FROM alert WHERE dedupe_key >= ? AND dedupe_key < ?", (low, high)
        )
        return {key for (key,) in rows}

    def cancel_alerts(self, slip: Slip) -> None:
        low, high = alerts.key_range(slip_alert_prefix(slip.id))
        self.cancels.append((self.now_text, low, high))

    def write(self, cursor: Any) -> None:
        """Write the slips, alerts and cancellations waiting (seats/batch.py calls it)."""
        if self.new_slips:
            cursor.executemany(
                _INSERT_SLIP,
                [
                    tuple(stored(getattr(s, c)) for c in _SLIP_COLUMNS)
                    for s in self.new_slips.values()
                ],
            )
        changed = [s for i, s in self.changed_slips.items() if i not in self.new_slips]
        if changed:
            cursor.executemany(
                _UPDATE_SLIP,
                [(*(stored(getattr(s, c)) for c in _SLIP_CHANGES), s.id) for s in changed],
            )
        # Alerts before their cancellation: a slip may go out and come back in one batch.
        if self.alerts:
            cursor.executemany(_INSERT_ALERT, self.alerts)
        if self.cancels:
            cursor.executemany(_CANCEL_ALERTS, self.cancels)
            cursor.executemany(_RESOLVE_ALERTS, self.cancels)
        self.clear()
