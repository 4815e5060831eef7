"""Away slips (示忙单) and the five-minute rule.

An agent leaves the seat only with permission: a slip is requested (agent, seat, reason),
approved or rejected (by whom, when, why), then goes out (`left_at`) and comes back
(`returned_at`). An `away` seat event with no approved slip opens an *unapproved* slip,
which the duty manager later excuses (approves after the fact, with a reason) or records
as a violation.

The seat and the slip never disagree: every seat change goes through
`seats.apply_event`, which calls `follow_seat` in the same transaction, and starting or
ending a slip here sets the seat through `apply_event`. Timers are `now - left_at`
computed from stored times, never counters, so every terminal and every restart shows
the same figure. Deadlines (warning, breach, severe, escalation) are alert rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import or_
from sqlmodel import Session, col, select

from floorman.clock import elapsed_seconds, mmss
from floorman.data import journal
from floorman.data.tables.away import AwaySlip
from floorman.data.tables.floor import Agent, Alert, Seat
from floorman.domain import alerts
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean
from floorman.domain.operators import permissions
from floorman.domain.shifts import Shift

OPEN_STATUSES = ("requested", "approved", "out")
BANDS = ("ok", "warning", "breach", "severe")
BAND_SYMBOLS = {"ok": "·", "warning": "!", "breach": "‼", "severe": "✖"}
# An extension may add at most this much to a slip, so "extend" cannot hide a walkout.
MAX_EXTENSION_SECONDS = 30 * 60
ALERT_PREFIX = "away:"


# ------------------------------------------------------------------ limits and bands


def limit_for(floor: Floor, reason: str) -> int:
    """The limit of a configured reason, else the default limit."""
    configured = floor.config.reason(reason)
    return configured.limit_seconds if configured else floor.config.away.default_limit_seconds


def warning_after(floor: Floor, limit_seconds: int) -> int:
    """Seconds after leaving when the warning band starts.

    `away.warning_seconds` is given for the default limit (4:00 of 5:00); a reason with
    another limit keeps the same lead before its own limit (water, 3:00 -> 2:00).
    """
    away = floor.config.away
    lead = max(0, away.default_limit_seconds - away.warning_seconds)
    return max(0, limit_seconds - lead)


def band_for(elapsed: int, limit_seconds: int, warning_seconds: int) -> str:
    """ok, warning (from the warning time), breach (at the limit), severe (at twice it)."""
    if elapsed >= 2 * limit_seconds:
        return "severe"
    if elapsed >= limit_seconds:
        return "breach"
    if elapsed >= warning_seconds:
        return "warning"
    return "ok"


# ------------------------------------------------------------------ what screens show


@dataclass(frozen=True)
class SlipView:
    """One away slip as the away panel, `away list` and the CSV export show it."""

    id: str
    seat: str
    agent: str
    agent_name: str
    reason: str
    note: str | None
    status: str
    approval: str
    approved_by: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    requested_at: datetime
    requested_by: str
    left_at: datetime | None
    returned_at: datetime | None
    limit_seconds: int
    extension_seconds: int
    extension_reason: str | None
    elapsed_seconds: int
    left_seconds: int
    over_seconds: int
    band: str

    @property
    def symbol(self) -> str:
        return BAND_SYMBOLS[self.band]

    @property
    def elapsed(self) -> str:
        return mmss(self.elapsed_seconds)

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        return data


def _view(floor: Floor, slip: AwaySlip, seat: Seat, agent: Agent, now: datetime) -> SlipView:
    limit = slip.limit_seconds + slip.extension_seconds
    elapsed, band = 0, "ok"
    if slip.left_at is not None:
        elapsed = elapsed_seconds(slip.left_at, slip.returned_at or now)
        band = band_for(elapsed, limit, warning_after(floor, limit))
    approved_by = slip.decided_by if slip.approval in ("approved", "approved_after") else None
    return SlipView(
        id=slip.id,
        seat=seat.code,
        agent=agent.staff_no,
        agent_name=agent.name,
        reason=slip.reason,
        note=slip.note,
        status=slip.status,
        approval=slip.approval,
        approved_by=approved_by,
        decided_by=slip.decided_by,
        decided_at=slip.decided_at,
        decision_note=slip.decision_note,
        requested_at=slip.requested_at,
        requested_by=slip.requested_by,
        left_at=slip.left_at,
        returned_at=slip.returned_at,
        limit_seconds=limit,
        extension_seconds=slip.extension_seconds,
        extension_reason=slip.extension_reason,
        elapsed_seconds=elapsed,
        left_seconds=max(0, limit - elapsed),
        over_seconds=max(0, elapsed - limit),
        band=band,
    )


def _views(
    session: Session, floor: Floor, slips: Iterable[AwaySlip], now: datetime
) -> list[SlipView]:
    out = []
    for slip in slips:
        seat = session.get(Seat, slip.seat_id)
        agent = session.get(Agent, slip.agent_id)
        assert seat is not None and agent is not None
        out.append(_view(floor, slip, seat, agent, now))
    return out


class Slip(Protocol):
    """What the away rules read and change of a slip: an `AwaySlip` row, or the feeds'
    in-memory copy of one (domain/seat_batch.py)."""

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


def _snapshot(slip: Slip) -> dict[str, object]:
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
    """The journal row of a slip change (the ORM path appends it, a batch prepares it)."""
    return {
        "at": floor.clock.now(),
        "actor": floor.actor.name,
        "terminal": floor.actor.terminal,
        "action": f"away.{verb}",
        "subject": slip.id,
        "before": before,
        "after": _snapshot(slip),
    }


def _journal(
    session: Session, floor: Floor, verb: str, slip: AwaySlip, before: dict[str, object] | None
) -> None:
    journal.append(session, **journal_values(floor, verb, slip, before))


# ------------------------------------------------------------------ finding slips


def _agent(session: Session, staff_no: str) -> Agent:
    staff_no = clean(staff_no, "agent", required=True, max_len=40) or ""
    agent = session.exec(select(Agent).where(Agent.staff_no == staff_no)).first()
    if agent is None:
        raise FloorError(f"unknown agent '{staff_no}'")
    return agent


def _open_slip(session: Session, agent_id: str, statuses: Iterable[str]) -> AwaySlip | None:
    return session.exec(
        select(AwaySlip)
        .where(AwaySlip.agent_id == agent_id, col(AwaySlip.status).in_(tuple(statuses)))
        .order_by(col(AwaySlip.requested_at).desc())
    ).first()


def find_slip(session: Session, ref: str) -> AwaySlip:
    """A slip by id, by an unambiguous id prefix (8+ characters) or by agent staff number
    (that agent's open slip)."""
    ref = clean(ref, "slip", required=True, max_len=60) or ""
    slip = session.get(AwaySlip, ref)
    if slip is not None:
        return slip
    if len(ref) >= 8:
        matches = session.exec(
            select(AwaySlip).where(col(AwaySlip.id).startswith(ref)).limit(2)
        ).all()
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise FloorError(f"slip '{ref}' is ambiguous; give more of its id")
    agent = session.exec(select(Agent).where(Agent.staff_no == ref)).first()
    if agent is not None:
        open_slip = _open_slip(session, agent.id, OPEN_STATUSES)
        if open_slip is not None:
            return open_slip
        raise FloorError(f"agent {ref} has no open away slip")
    raise FloorError(f"unknown away slip '{ref}'")


# ------------------------------------------------------------------ alerts


@dataclass(frozen=True)
class PlannedAlert:
    """One deadline of a slip that is out, before it is written as an alert row."""

    kind: str
    subject: str
    due_at: datetime
    severity: str
    message: str
    dedupe_key: str


def who(name: str, staff_no: str) -> str:
    """How alerts name an agent: "Name (staff no)"."""
    return f"{name} ({staff_no})"


def alert_plan(floor: Floor, slip: Slip, seat_code: str, agent: str) -> list[PlannedAlert]:
    """Warning, breach, severe and escalation deadlines of a slip that is out.

    The one place these rules and texts live: the ORM path schedules them one by one,
    the feeds' batch path writes the same rows in bulk. `agent` is `who(...)`.
    """
    assert slip.left_at is not None
    limit = slip.limit_seconds + slip.extension_seconds
    prefix = slip_alert_prefix(slip.id) + ("ext:" if slip.extension_seconds else "")
    deadlines = [
        ("warning", "warning", warning_after(floor, limit)),
        ("breach", "breach", limit),
        ("severe", "severe", 2 * limit),
    ]
    plan = [
        PlannedAlert(
            kind=f"away.{name}",
            subject=seat_code,
            due_at=slip.left_at + timedelta(seconds=after),
            severity=severity,
            message=alerts.alert_text(
                f"away.{name}", agent=agent, seat=seat_code, limit=mmss(limit)
            ),
            dedupe_key=f"{prefix}{name}",
        )
        for name, severity, after in deadlines
    ]
    escalate = floor.config.away.escalate_after_minutes
    if escalate > 0:
        plan.append(
            PlannedAlert(
                kind="away.escalation",
                subject=seat_code,
                due_at=slip.left_at + timedelta(seconds=limit, minutes=escalate),
                severity="critical",
                message=alerts.alert_text(
                    "away.escalation", agent=agent, seat=seat_code, minutes=escalate
                ),
                dedupe_key=f"{prefix}escalation",
            )
        )
    return plan


def slip_alert_prefix(slip_id: str) -> str:
    """The dedupe-key prefix of every alert of one slip (cancelled when it comes back)."""
    return f"{ALERT_PREFIX}{slip_id}:"


def _schedule_alerts(session: Session, floor: Floor, slip: AwaySlip, seat: Seat) -> None:
    """Warning, breach, severe and escalation alerts for a slip that is out."""
    _SessionBook(session, floor).schedule(slip, seat.code)


def cancel_acknowledged_escalations(floor: Floor) -> int:
    """Cancel due escalations whose breach alert someone acknowledged; run before firing."""
    now = floor.clock.now()
    cancelled = 0
    with floor.db.write() as session:
        due = session.exec(
            select(Alert).where(
                Alert.kind == "away.escalation",
                col(Alert.fired_at).is_(None),
                col(Alert.cancelled_at).is_(None),
                col(Alert.due_at) <= now,
            )
        ).all()
        for escalation in due:
            key = escalation.dedupe_key or ""
            breach_key = key[: -len("escalation")] + "breach"
            breach = session.exec(select(Alert).where(Alert.dedupe_key == breach_key)).first()
            if breach is not None and breach.acknowledged_at is not None:
                cancelled += alerts.cancel(session, floor, dedupe_prefix=key)
    return cancelled


# ------------------------------------------------------------------ following the seat


class SlipBook(Protocol):
    """Where `follow_seat_in` reads and writes slips and their alerts and journal rows.

    `_SessionBook` does it through the ORM session (one event at a time); the feeds'
    batch path (domain/seat_batch.py) keeps the open slips in memory and writes rows in
    bulk. Both run the same rules below, so the two cannot drift apart.
    """

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


class _SessionBook:
    """The slip book of one ORM session: queries and flushes, one event at a time."""

    def __init__(self, session: Session, floor: Floor) -> None:
        self.session = session
        self.floor = floor

    def open_slip(self, agent_id: str, statuses: tuple[str, ...]) -> Slip | None:
        return _open_slip(self.session, agent_id, statuses)

    def requests(self, agent_id: str) -> list[Slip]:
        return list[Slip](
            self.session.exec(
                select(AwaySlip).where(
                    AwaySlip.agent_id == agent_id, AwaySlip.status == "requested"
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
            )

    def cancel_alerts(self, slip: Slip) -> None:
        alerts.cancel(self.session, self.floor, dedupe_prefix=slip_alert_prefix(slip.id))


def _reason_key(floor: Floor, text: str | None) -> tuple[str, str | None]:
    """A seat event's free-text reason as a configured reason key plus a note."""
    if text:
        for reason in floor.config.away.reasons:
            if text.strip().lower() in (reason.key.lower(), reason.en.lower(), reason.zh):
                return reason.key, None
        return "other", text
    return "other", None


def _go_out(session: Session, floor: Floor, slip: AwaySlip, seat: Seat, at: datetime) -> None:
    _go_out_in(_SessionBook(session, floor), slip, seat.id, seat.code, at)


def _go_out_in(book: SlipBook, slip: Slip, seat_id: str, seat_code: str, at: datetime) -> None:
    before = _snapshot(slip)
    slip.status = "out"
    slip.left_at = at
    slip.seat_id = seat_id
    book.save(slip)
    book.schedule(slip, seat_code)
    book.journal("out", slip, before)


def _come_back(session: Session, floor: Floor, slip: AwaySlip, at: datetime) -> None:
    _come_back_in(_SessionBook(session, floor), slip, at)


def _come_back_in(book: SlipBook, slip: Slip, at: datetime) -> None:
    before = _snapshot(slip)
    slip.status = "back"
    slip.returned_at = max(at, slip.left_at) if slip.left_at else at
    book.save(slip)
    book.cancel_alerts(slip)
    book.journal("back", slip, before)


def follow_seat(
    session: Session,
    floor: Floor,
    seat: Seat,
    *,
    old_state: str,
    old_agent_id: str | None,
    at: datetime,
    reason: str | None,
) -> None:
    """Keep slips in step with a seat change, in the seat change's transaction.

    Called by `seats.apply_event` after it changed a seat: an agent going away starts
    their approved slip (or opens an unapproved one); an agent no longer away (back,
    empty, moved, out of order) has their open slip closed.
    """
    follow_seat_in(
        _SessionBook(session, floor),
        floor,
        seat_id=seat.id,
        seat_code=seat.code,
        state=seat.state,
        agent_id=seat.agent_id,
        old_state=old_state,
        old_agent_id=old_agent_id,
        at=at,
        reason=reason,
    )


def follow_seat_in(
    book: SlipBook,
    floor: Floor,
    *,
    seat_id: str,
    seat_code: str,
    state: str,
    agent_id: str | None,
    old_state: str,
    old_agent_id: str | None,
    at: datetime,
    reason: str | None,
) -> None:
    """`follow_seat`'s rules on any slip book: the seat is now `state` with `agent_id`."""
    agent_left_seat = old_agent_id is not None and old_agent_id != agent_id
    if old_state == "away" and old_agent_id is not None and (agent_left_seat or state != "away"):
        slip = book.open_slip(old_agent_id, ("out",))
        if slip is not None:
            _come_back_in(book, slip, at)
    if agent_id is None:
        return
    if state != "away":
        # The same agent, not away here before: they cannot have a slip out (a slip is
        # out only while its agent's seat is away), so no query on the busy path.
        if old_state == "away" or old_agent_id != agent_id:
            slip = book.open_slip(agent_id, ("out",))
            if slip is not None:
                _come_back_in(book, slip, at)
        return
    if book.open_slip(agent_id, ("out",)) is not None:
        return
    slip = book.open_slip(agent_id, ("approved",))
    if slip is None:
        key, note = _reason_key(floor, reason)
        _drop_requests(book, floor, agent_id)
        slip = book.add(
            {
                "seat_id": seat_id,
                "agent_id": agent_id,
                "reason": key,
                "note": note,
                "status": "out",
                "approval": "unapproved",
                "limit_seconds": limit_for(floor, key),
                "requested_at": at,
                "requested_by": floor.actor.name,
            }
        )
        book.journal("unapproved", slip, None)
    _go_out_in(book, slip, seat_id, seat_code, at)


def _drop_requests(book: SlipBook, floor: Floor, agent_id: str) -> None:
    """A pending request is superseded when the agent leaves without waiting for it."""
    for slip in book.requests(agent_id):
        before = _snapshot(slip)
        slip.status = "cancelled"
        slip.decision_note = "left the seat without waiting for approval"
        book.save(slip)
        book.journal("cancel", slip, before)


# ------------------------------------------------------------------ the lifecycle


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
        return _views(session, floor, [slip], now)[0]


def send_away(
    floor: Floor,
    agent_no: str,
    reason: str,
    *,
    seat_code: str | None = None,
    note: str | None = None,
) -> SlipView:
    """The duty manager lets an agent go now: request, approval and leaving in one step."""
    from floorman.domain.seats import apply_event

    reason, note = _configured_reason(floor, reason), clean(note, "note", max_len=200)
    now = floor.clock.now()
    with floor.db.write() as session:
        # Letting an agent go now is a request and its approval: both must be allowed.
        permissions.require(floor, "away.request", session=session)
        permissions.require(floor, "away.approve", session=session)
        slip = _new_request(session, floor, agent_no, reason, seat_code, note)
        before = _snapshot(slip)
        slip.status, slip.approval = "approved", "approved"
        slip.decided_at, slip.decided_by = now, floor.actor.name
        session.add(slip)
        _journal(session, floor, "approve", slip, before)
        seat = session.get(Seat, slip.seat_id)
        agent = session.get(Agent, slip.agent_id)
        assert seat is not None and agent is not None
        apply_event(
            session,
            floor,
            seat.code,
            "away",
            agent_no=agent.staff_no,
            reason=reason,
            source="away",
        )
        session.refresh(slip)
        if slip.status != "out":  # the seat was already away for this agent
            _go_out(session, floor, slip, seat, now)
        return _views(session, floor, [slip], now)[0]


def _configured_reason(floor: Floor, reason: str) -> str:
    key = (clean(reason, "reason", required=True, max_len=40) or "").lower()
    if floor.config.reason(key) is None:
        keys = ", ".join(r.key for r in floor.config.away.reasons)
        raise FloorError(f"unknown away reason '{key}'; expected one of: {keys}")
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
    agent = _agent(session, agent_no)
    if not agent.active:
        raise FloorError(f"agent {agent.staff_no} is not active")
    current = session.exec(select(Seat).where(Seat.agent_id == agent.id)).first()
    if seat_code is not None:
        code = (clean(seat_code, "seat", required=True, max_len=40) or "").upper()
        seat = session.exec(select(Seat).where(Seat.code == code)).first()
        if seat is None:
            raise FloorError(f"unknown seat '{code}'")
        if current is not None and current.id != seat.id:
            raise FloorError(f"agent {agent.staff_no} sits at {current.code}, not {code}")
    elif current is None:
        raise FloorError(f"agent {agent.staff_no} is not at a seat; give --seat")
    else:
        seat = current
    if seat.state == "fault":
        raise FloorError(f"seat {seat.code} is out of order")
    existing = _open_slip(session, agent.id, OPEN_STATUSES)
    if existing is not None:
        raise FloorError(f"agent {agent.staff_no} already has an open slip ({existing.status})")
    slip = AwaySlip(
        seat_id=seat.id,
        agent_id=agent.id,
        reason=reason,
        note=note,
        limit_seconds=limit_for(floor, reason),
        requested_at=now,
        requested_by=floor.actor.name,
    )
    session.add(slip)
    session.flush()
    _journal(session, floor, "request", slip, None)
    return slip


def _decide(
    floor: Floor,
    ref: str,
    verb: str,
    *,
    allowed: tuple[str, ...],
    status: str | None,
    approval: str,
    note: str | None,
    approvals: tuple[str, ...] | None = None,
) -> SlipView:
    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "away.approve", session=session)
        slip = find_slip(session, ref)
        if slip.status not in allowed:
            raise FloorError(f"cannot {verb} a slip that is {slip.status}")
        if approvals is not None and slip.approval not in approvals:
            raise FloorError(f"cannot {verb} a slip whose approval is {slip.approval}")
        before = _snapshot(slip)
        if status is not None:
            slip.status = status
        slip.approval = approval
        slip.decided_at = now
        slip.decided_by = floor.actor.name
        slip.decision_note = note
        session.add(slip)
        _journal(session, floor, verb, slip, before)
        return _views(session, floor, [slip], now)[0]


def approve(floor: Floor, ref: str) -> SlipView:
    """The duty manager allows a requested absence."""
    return _decide(
        floor,
        ref,
        "approve",
        allowed=("requested",),
        status="approved",
        approval="approved",
        note=None,
    )


def reject(floor: Floor, ref: str, reason: str) -> SlipView:
    """The duty manager refuses a requested absence, saying why."""
    note = clean(reason, "rejection reason", required=True, max_len=200)
    return _decide(
        floor,
        ref,
        "reject",
        allowed=("requested",),
        status="rejected",
        approval="rejected",
        note=note,
    )


def excuse(floor: Floor, ref: str, reason: str) -> SlipView:
    """Approve an unapproved absence after the fact, saying why."""
    note = clean(reason, "reason", required=True, max_len=200)
    return _decide(
        floor,
        ref,
        "approve_after",
        allowed=("out", "back"),
        status=None,
        approval="approved_after",
        note=note,
        approvals=("unapproved",),
    )


def record_violation(floor: Floor, ref: str, note: str | None = None) -> SlipView:
    """Record an unapproved absence as a breach of the floor rules."""
    text = clean(note, "note", max_len=200)
    return _decide(
        floor,
        ref,
        "violation",
        allowed=("out", "back"),
        status=None,
        approval="violation",
        note=text,
        approvals=("unapproved",),
    )


def cancel(floor: Floor, ref: str) -> SlipView:
    """Withdraw a request that has not gone out yet."""
    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "away.request", session=session)
        slip = find_slip(session, ref)
        if slip.status not in ("requested", "approved"):
            raise FloorError(f"cannot cancel a slip that is {slip.status}")
        before = _snapshot(slip)
        slip.status = "cancelled"
        session.add(slip)
        _journal(session, floor, "cancel", slip, before)
        return _views(session, floor, [slip], now)[0]


def start(floor: Floor, ref: str, *, at: datetime | None = None) -> SlipView:
    """The agent leaves: the seat goes `away` (through apply_event) and the timer starts."""
    from floorman.domain.seats import apply_event

    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "away.request", session=session)
        slip = find_slip(session, ref)
        if slip.status != "approved":
            raise FloorError(f"only an approved slip can start; this one is {slip.status}")
        seat = session.get(Seat, slip.seat_id)
        agent = session.get(Agent, slip.agent_id)
        assert seat is not None and agent is not None
        apply_event(
            session,
            floor,
            seat.code,
            "away",
            agent_no=agent.staff_no,
            reason=slip.reason,
            at=at,
            source="away",
        )
        session.refresh(slip)
        if slip.status != "out":  # the seat was already away for this agent
            _go_out(session, floor, slip, seat, at or now)
        return _views(session, floor, [slip], now)[0]


def back(floor: Floor, ref: str, *, at: datetime | None = None) -> SlipView:
    """The agent is back: the seat goes `ready` (through apply_event) and the timer stops."""
    from floorman.domain.seats import apply_event

    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "away.end", session=session)
        slip = find_slip(session, ref)
        if slip.status != "out":
            raise FloorError(f"only a slip that is out can come back; this one is {slip.status}")
        # The seat the agent is at now: they may have moved (still away) since leaving.
        seat = session.exec(select(Seat).where(Seat.agent_id == slip.agent_id)).first()
        seat = seat or session.get(Seat, slip.seat_id)
        assert seat is not None
        if seat.state == "away" and seat.agent_id == slip.agent_id:
            apply_event(session, floor, seat.code, "back", at=at, source="away")
            session.refresh(slip)
        if slip.status == "out":
            _come_back(session, floor, slip, at or now)
        return _views(session, floor, [slip], now)[0]


def extend(floor: Floor, ref: str, seconds: int, reason: str) -> SlipView:
    """Grant the one extension a slip may have, with a reason; deadlines move with it."""
    note = clean(reason, "extension reason", required=True, max_len=200)
    if not isinstance(seconds, int) or seconds <= 0:
        raise FloorError("an extension must be a positive number of seconds")
    if seconds > MAX_EXTENSION_SECONDS:
        raise FloorError(f"an extension may be at most {MAX_EXTENSION_SECONDS // 60} minutes")
    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "away.approve", session=session)
        slip = find_slip(session, ref)
        if slip.status not in ("approved", "out"):
            raise FloorError(f"cannot extend a slip that is {slip.status}")
        if slip.extension_seconds:
            raise FloorError("this slip was already extended once")
        before = _snapshot(slip)
        slip.extension_seconds = seconds
        slip.extension_reason = note
        slip.extended_by = floor.actor.name
        slip.extended_at = now
        session.add(slip)
        if slip.status == "out":
            seat = session.get(Seat, slip.seat_id)
            assert seat is not None
            alerts.cancel(session, floor, dedupe_prefix=slip_alert_prefix(slip.id))
            _schedule_alerts(session, floor, slip, seat)
        _journal(session, floor, "extend", slip, before)
        return _views(session, floor, [slip], now)[0]


# ------------------------------------------------------------------ lists and the log


def day_bounds(floor: Floor, day: date) -> tuple[datetime, datetime]:
    """A local calendar day as a UTC interval [start, end)."""
    zone = floor.config.zone()
    start_local = datetime.combine(day, time(0), tzinfo=zone)
    end_local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start_local, end_local


def parse_day(value: str) -> date:
    """A YYYY-MM-DD date, or a FloorError saying what was expected."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise FloorError(f"malformed date '{value}': expected YYYY-MM-DD") from exc


def list_slips(
    floor: Floor,
    *,
    open_only: bool = False,
    day: date | None = None,
    shift: Shift | None = None,
    agent: str | None = None,
) -> list[SlipView]:
    """Slips of a local day and/or a shift (by when they left, else when asked), of one
    agent (staff number), or the open ones; filters given together all apply."""
    now = floor.clock.now()
    with floor.db.read() as session:
        query = select(AwaySlip)
        if open_only:
            query = query.where(col(AwaySlip.status).in_(OPEN_STATUSES))
        bounds = [day_bounds(floor, day)] if day is not None else []
        if shift is not None:
            bounds.append((shift.start, shift.end))
        for start_at, end_at in bounds:
            query = query.where(
                or_(
                    (col(AwaySlip.left_at) >= start_at) & (col(AwaySlip.left_at) < end_at),
                    col(AwaySlip.left_at).is_(None)
                    & (col(AwaySlip.requested_at) >= start_at)
                    & (col(AwaySlip.requested_at) < end_at),
                )
            )
        if agent is not None:
            query = query.where(AwaySlip.agent_id == _agent(session, agent).id)
        slips = session.exec(query.order_by(col(AwaySlip.requested_at))).all()
        return _views(session, floor, slips, now)


def retime(floor: Floor, view: SlipView, now: datetime) -> SlipView:
    """The same slip a moment later: elapsed, time left or over and band from `left_at`."""
    if view.left_at is None or view.returned_at is not None:
        return view
    elapsed = elapsed_seconds(view.left_at, now)
    limit = view.limit_seconds
    return replace(
        view,
        elapsed_seconds=elapsed,
        left_seconds=max(0, limit - elapsed),
        over_seconds=max(0, elapsed - limit),
        band=band_for(elapsed, limit, warning_after(floor, limit)),
    )


def board_order(view: SlipView) -> tuple[int, int, int, datetime]:
    """Sort key of the away board: out first, most over, then least time left."""
    rank = {"out": 0, "approved": 1, "requested": 2}
    return (rank.get(view.status, 3), -view.over_seconds, view.left_seconds, view.requested_at)


def away_board(floor: Floor) -> list[SlipView]:
    """Everyone away now, then the requests waiting: worst first (most over, least left)."""
    return sorted(list_slips(floor, open_only=True), key=board_order)


@dataclass
class AgentLog:
    """One agent's line in the away log: how often, how long, how many overruns."""

    agent: str
    agent_name: str
    count: int = 0
    total_seconds: int = 0
    overruns: int = 0
    unapproved: int = 0
    violations: int = 0

    @property
    def total_minutes(self) -> float:
        return round(self.total_seconds / 60, 1)

    def as_json(self) -> dict[str, object]:
        return {
            "agent": self.agent,
            "agent_name": self.agent_name,
            "count": self.count,
            "total_minutes": self.total_minutes,
            "overruns": self.overruns,
            "unapproved": self.unapproved,
            "violations": self.violations,
        }


def away_log(views: Iterable[SlipView]) -> list[AgentLog]:
    """Summarise slips that went out by agent; unapproved counts every absence taken
    without approval, excused or not."""
    by_agent: dict[str, AgentLog] = {}
    for view in views:
        if view.left_at is None:
            continue
        line = by_agent.setdefault(view.agent, AgentLog(view.agent, view.agent_name))
        line.count += 1
        line.total_seconds += view.elapsed_seconds
        line.overruns += view.over_seconds > 0
        line.unapproved += view.approval in ("unapproved", "approved_after", "violation")
        line.violations += view.approval == "violation"
    return sorted(by_agent.values(), key=lambda a: a.agent)


CSV_COLUMNS = (
    "id",
    "seat",
    "agent",
    "agent_name",
    "reason",
    "note",
    "status",
    "approval",
    "approved_by",
    "decision_note",
    "requested_at",
    "left_at",
    "returned_at",
    "limit_seconds",
    "extension_seconds",
    "extension_reason",
    "elapsed_seconds",
    "over_seconds",
)


def _csv_safe(value: object) -> object:
    """Keep spreadsheet programs from running text that starts like a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value


def export_csv(views: Iterable[SlipView], path: Path) -> int:
    """Write the away slips to a CSV file (UTF-8 with BOM for spreadsheets); rows written."""
    rows = 0
    try:
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for view in views:
                data = view.as_json()
                writer.writerow([_csv_safe(data[c]) for c in CSV_COLUMNS])
                rows += 1
    except OSError as exc:
        raise FloorError(f"{path}: cannot be written: {exc.strerror}") from exc
    return rows
