"""The shift handover log (交接班): prefilled, submitted, acknowledged, locked, amended.

One handover per shift. Composing it takes a snapshot of the floor as it is (staffing
against open seats and against the seats the staffing plan requires, agents away, visitors
on the floor, terminal faults, emergencies running, alerts not acknowledged) and carries
over every open item of the previous handover; the outgoing duty manager adds a summary,
open items (text, owner, deadline), instructions from above and notes, and submits. The
incoming duty manager, a different person, reviews every section and acknowledges. From
then on the handover is locked: the SHA-256 of its canonical JSON is stored and chained to
the hash of the handover locked before it, so `verify_chain` names any row changed
afterwards. Later changes are dated amendments, themselves chained, shown below the
original.

Panels built by others (away slips, emergencies) are read when they are installed; a
section whose source is missing is recorded as "not available" instead of failing.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from floorman.clock import elapsed_seconds, mmss
from floorman.data import journal
from floorman.data.models import Alert
from floorman.data.tables_handover import Handover, HandoverAmendment, HandoverItem
from floorman.domain import alerts
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean
from floorman.domain.seats.views import count_by_zone, list_seats
from floorman.domain.shifts import (
    Shift,
    current_shift,
    manager_of,
    next_shift,
    resolve_shift,
    shift_at,
    shift_by_id,
)

GENESIS = "0" * 64

LIVE_SECTIONS: tuple[str, ...] = (
    "staffing",
    "away_now",
    "away_issues",
    "visitors",
    "faults",
    "emergencies",
    "alerts",
)
WRITTEN_SECTIONS: tuple[str, ...] = ("summary", "items", "instructions", "notes")
SECTIONS: tuple[str, ...] = LIVE_SECTIONS + WRITTEN_SECTIONS

SECTION_TITLES: dict[str, str] = {
    "staffing": "Staffing and seats",
    "away_now": "Agents away now",
    "away_issues": "Overrun and unapproved aways this shift",
    "visitors": "Visitors on the floor",
    "faults": "Terminal faults open",
    "emergencies": "Emergencies running",
    "alerts": "Alerts not acknowledged",
    "summary": "Summary",
    "items": "Open items",
    "instructions": "Instructions from above",
    "notes": "Notes",
}

STATUSES = ("draft", "submitted", "acknowledged")
TEXT_LIMIT = 4000
REMIND_PREFIX = "handover.remind:"
AWAY_ISSUE_APPROVALS = ("unapproved", "violation", "approved_after")
ESCALATE_PREFIX = "handover.escalate:"


# ------------------------------------------------------------------ the live state


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _section(rows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"available": True, "rows": rows, **extra}


def _unavailable(why: str) -> dict[str, Any]:
    return {"available": False, "rows": [], "note": why}


def _optional_module(name: str) -> Any | None:
    """A panel module built by another team, or None while it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _required_seats(session: Session, floor: Floor) -> dict[str, Any] | None:
    """Seats the stored staffing plan requires now against seats staffed; None: no plan."""
    from floorman.domain.staffing_plan import required_now

    try:
        needed = required_now(session, floor.clock.now(), floor.config.zone())
    except FloorError as exc:
        return {"error": str(exc)}
    if needed is None:
        from floorman.data.tables_staffing import StaffingPlan

        # A forecast plan whose intervals do not cover now is a plan, not "no plan".
        return {"uncovered": True} if session.get(StaffingPlan, "current") else None
    return {"interval": needed.required.interval.label, **needed.gap.as_json()}


def _staffing_section(session: Session, floor: Floor) -> dict[str, Any]:
    """Staffed against open seats by zone, and against the seats the staffing plan requires
    (`required` is None when no plan is set)."""
    zones, total = count_by_zone(list_seats(session))
    rows = [
        {
            "zone": z.zone,
            "staffed": z.staffed,
            "open": z.open_seats,
            "fault": z.states["fault"],
            "occupancy": round(z.occupancy, 3),
        }
        for z in [*zones, total]
    ]
    return _section(rows, required=_required_seats(session, floor))


def _away_now_section(session: Session, now: datetime) -> dict[str, Any]:
    rows = [
        {
            "seat": v.seat,
            "agent": v.agent,
            "name": v.agent_name,
            "reason": v.reason,
            "since": _iso(v.since),
            "away": mmss(elapsed_seconds(v.since, now)),
        }
        for v in list_seats(session)
        if v.state == "away"
    ]
    return _section(rows)


def _away_issues_section(floor: Floor, shift: Shift) -> dict[str, Any]:
    module = _optional_module("floorman.domain.away.views")
    list_slips: Callable[..., list[Any]] | None = getattr(module, "list_slips", None)
    if list_slips is None:
        return _unavailable("away slips are not installed")
    now = floor.clock.now()
    zone = floor.config.zone()
    day, last_day = shift.start.astimezone(zone).date(), now.astimezone(zone).date()
    rows: list[dict[str, Any]] = []
    while day <= last_day:
        for slip in list_slips(floor, day=day):
            if slip.left_at is None or not shift.start <= slip.left_at < now:
                continue
            if slip.over_seconds <= 0 and slip.approval not in AWAY_ISSUE_APPROVALS:
                continue
            rows.append(
                {
                    "id": slip.id[:8],
                    "seat": slip.seat,
                    "agent": slip.agent,
                    "name": slip.agent_name,
                    "reason": slip.reason,
                    "approval": slip.approval,
                    "status": slip.status,
                    "left_at": _iso(slip.left_at),
                    "returned_at": _iso(slip.returned_at),
                    "away": mmss(slip.elapsed_seconds),
                    "over": mmss(slip.over_seconds),
                }
            )
        day += timedelta(days=1)
    return _section(rows)


def _visitors_section(session: Session, now: datetime) -> dict[str, Any]:
    module = _optional_module("floorman.domain.visitors")
    on_floor: Callable[[Session], list[Any]] | None = getattr(module, "visitors_on_floor", None)
    if on_floor is None:
        return _unavailable("visitor registration is not installed")
    rows = [
        {
            "id": v.id[:8],
            "name": v.name,
            "organisation": v.organisation,
            "host": v.host,
            "escort": v.escort,
            "badge": v.badge,
            "since": _iso(v.checked_in_at),
            "expected_end": _iso(v.expected_end_at),
            "overstayed": bool(v.overstayed(now)),
        }
        for v in on_floor(session)
    ]
    return _section(rows)


def _faults_section(session: Session) -> dict[str, Any]:
    rows = [
        {"seat": v.seat, "zone": v.zone, "reason": v.reason, "since": _iso(v.since)}
        for v in list_seats(session)
        if v.state == "fault"
    ]
    return _section(rows)


def _emergencies_section(session: Session, now: datetime) -> dict[str, Any]:
    module = _optional_module("floorman.domain.emergency")
    running: Callable[[Session], list[Any]] | None = getattr(module, "running", None)
    if running is None:
        return _unavailable("emergency checklists are not installed")
    rows = [
        {
            "id": e.id[:8],
            "title": e.title_en,
            "drill": bool(e.drill),
            "started_at": _iso(e.started_at),
            "started_by": e.started_by,
            "elapsed": mmss(e.elapsed(now)),
            "open_steps": len(e.open_steps()),
            "deferred_steps": len(e.deferred_steps()),
            "wording": e.wording,
        }
        for e in running(session)
    ]
    return _section(rows)


def _alerts_section(session: Session) -> dict[str, Any]:
    rows = [
        {
            "kind": a.kind,
            "subject": a.subject,
            "severity": a.severity,
            "message": a.message,
            "fired_at": _iso(a.fired_at),
        }
        for a in alerts.active(session)
    ]
    return _section(rows)


def collect_live_state(session: Session, floor: Floor, shift: Shift) -> dict[str, Any]:
    """The floor as it is now, one entry per live section (see LIVE_SECTIONS)."""
    now = floor.clock.now()
    return {
        "staffing": _staffing_section(session, floor),
        "away_now": _away_now_section(session, now),
        "away_issues": _away_issues_section(floor, shift),
        "visitors": _visitors_section(session, now),
        "faults": _faults_section(session),
        "emergencies": _emergencies_section(session, now),
        "alerts": _alerts_section(session),
    }


# ------------------------------------------------------------------------- views


@dataclass(frozen=True)
class ItemView:
    """An open item as the composer, the screen and `handover show` list it."""

    id: str
    origin_id: str
    carried: bool
    text: str
    owner: str
    deadline: datetime | None
    status: str
    created_by: str
    closed_at: datetime | None
    closed_by: str | None
    close_note: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "origin_id": self.origin_id,
            "carried": self.carried,
            "text": self.text,
            "owner": self.owner,
            "deadline": _iso(self.deadline),
            "status": self.status,
            "created_by": self.created_by,
            "closed_at": _iso(self.closed_at),
            "closed_by": self.closed_by,
            "close_note": self.close_note,
        }


@dataclass(frozen=True)
class AmendmentView:
    """A dated change to a locked handover, shown below the original."""

    seq: int
    at: datetime
    author: str
    text: str
    hash: str

    def as_json(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "at": _iso(self.at),
            "author": self.author,
            "text": self.text,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class HandoverView:
    """One handover with its items and amendments, as plain values."""

    id: str
    shift_id: str
    shift_start: datetime
    shift_end: datetime
    status: str
    outgoing: str
    incoming: str | None
    expected_incoming: str | None
    live_state: dict[str, Any]
    live_state_at: datetime
    summary: str
    instructions: str
    notes: str
    submitted_at: datetime | None
    submitted_by: str | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    reviewed: list[str]
    content_hash: str | None
    prev_hash: str | None
    items: list[ItemView] = field(default_factory=list)
    amendments: list[AmendmentView] = field(default_factory=list)

    @property
    def locked(self) -> bool:
        return self.status == "acknowledged"

    @property
    def open_items(self) -> list[ItemView]:
        return [i for i in self.items if i.status == "open"]

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "shift_id": self.shift_id,
            "shift_start": _iso(self.shift_start),
            "shift_end": _iso(self.shift_end),
            "status": self.status,
            "locked": self.locked,
            "outgoing": self.outgoing,
            "incoming": self.incoming,
            "expected_incoming": self.expected_incoming,
            "live_state_at": _iso(self.live_state_at),
            "live_state": self.live_state,
            "summary": self.summary,
            "items": [i.as_json() for i in self.items],
            "instructions": self.instructions,
            "notes": self.notes,
            "submitted_at": _iso(self.submitted_at),
            "submitted_by": self.submitted_by,
            "acknowledged_at": _iso(self.acknowledged_at),
            "acknowledged_by": self.acknowledged_by,
            "reviewed": self.reviewed,
            "content_hash": self.content_hash,
            "prev_hash": self.prev_hash,
            "amendments": [a.as_json() for a in self.amendments],
        }


@dataclass(frozen=True)
class HandoverSummary:
    """One line of the handover history."""

    id: str
    shift_id: str
    status: str
    outgoing: str
    incoming: str | None
    submitted_at: datetime | None
    acknowledged_at: datetime | None
    open_items: int
    amendments: int
    summary: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "shift_id": self.shift_id,
            "status": self.status,
            "outgoing": self.outgoing,
            "incoming": self.incoming,
            "submitted_at": _iso(self.submitted_at),
            "acknowledged_at": _iso(self.acknowledged_at),
            "open_items": self.open_items,
            "amendments": self.amendments,
            "summary": self.summary,
        }


def _items(session: Session, handover_id: str) -> list[HandoverItem]:
    return list(
        session.exec(
            select(HandoverItem)
            .where(HandoverItem.handover_id == handover_id)
            .order_by(col(HandoverItem.position), col(HandoverItem.created_at))
        ).all()
    )


def _amendments(session: Session, handover_id: str) -> list[HandoverAmendment]:
    return list(
        session.exec(
            select(HandoverAmendment)
            .where(HandoverAmendment.handover_id == handover_id)
            .order_by(col(HandoverAmendment.seq))
        ).all()
    )


def _item_view(item: HandoverItem) -> ItemView:
    return ItemView(
        id=item.id,
        origin_id=item.origin_id,
        carried=item.carried_from is not None,
        text=item.text,
        owner=item.owner,
        deadline=item.deadline,
        status=item.status,
        created_by=item.created_by,
        closed_at=item.closed_at,
        closed_by=item.closed_by,
        close_note=item.close_note,
    )


def _expected_incoming(session: Session, floor: Floor, row: Handover) -> str | None:
    shift = shift_at(floor.config, row.shift_start)
    if shift is None or shift.id != row.shift_id:
        return None
    return manager_of(session, next_shift(floor.config, shift))


def view_of(session: Session, floor: Floor, row: Handover) -> HandoverView:
    """The plain view of a handover row, with its items and amendments."""
    return HandoverView(
        id=row.id,
        shift_id=row.shift_id,
        shift_start=row.shift_start,
        shift_end=row.shift_end,
        status=row.status,
        outgoing=row.outgoing,
        incoming=row.incoming,
        expected_incoming=_expected_incoming(session, floor, row),
        live_state=json.loads(row.live_state),
        live_state_at=row.live_state_at,
        summary=row.summary,
        instructions=row.instructions,
        notes=row.notes,
        submitted_at=row.submitted_at,
        submitted_by=row.submitted_by,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        reviewed=json.loads(row.reviewed),
        content_hash=row.content_hash,
        prev_hash=row.prev_hash,
        items=[_item_view(i) for i in _items(session, row.id)],
        amendments=[
            AmendmentView(a.seq, a.at, a.author, a.text, a.hash)
            for a in _amendments(session, row.id)
        ],
    )


# ----------------------------------------------------------------- content hashes


def canonical_content(row: Handover, items: Iterable[HandoverItem]) -> str:
    """The handover as canonical JSON: sorted keys, UTC times, items in order."""
    content = {
        "id": row.id,
        "shift_id": row.shift_id,
        "shift_start": _iso(row.shift_start),
        "shift_end": _iso(row.shift_end),
        "status": row.status,
        "outgoing": row.outgoing,
        "incoming": row.incoming,
        "live_state": json.loads(row.live_state),
        "live_state_at": _iso(row.live_state_at),
        "summary": row.summary,
        "instructions": row.instructions,
        "notes": row.notes,
        "items": [
            {
                "id": i.id,
                "origin_id": i.origin_id,
                "carried_from": i.carried_from,
                "position": i.position,
                "text": i.text,
                "owner": i.owner,
                "deadline": _iso(i.deadline),
                "status": i.status,
                "created_by": i.created_by,
                "closed_at": _iso(i.closed_at),
                "closed_by": i.closed_by,
                "close_note": i.close_note,
            }
            for i in items
        ],
        "submitted_at": _iso(row.submitted_at),
        "submitted_by": row.submitted_by,
        "acknowledged_at": _iso(row.acknowledged_at),
        "acknowledged_by": row.acknowledged_by,
        "reviewed": json.loads(row.reviewed),
        "chain_seq": row.chain_seq,
        "prev_hash": row.prev_hash,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(row: Handover, items: Iterable[HandoverItem]) -> str:
    return hashlib.sha256(canonical_content(row, items).encode("utf-8")).hexdigest()


def amendment_hash(
    prev_hash: str, handover_id: str, seq: int, at: datetime, author: str, text: str
) -> str:
    payload = json.dumps([prev_hash, handover_id, seq, _iso(at), author, text], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def verify_chain(session: Session) -> list[str]:
    """Name every locked handover (or amendment) whose content no longer matches its hash."""
    problems: list[str] = []
    rows = session.exec(
        select(Handover)
        .where(or_(col(Handover.content_hash).is_not(None), col(Handover.status) == "acknowledged"))
        .order_by(col(Handover.chain_seq))
    ).all()
    expected_prev, expected_seq = GENESIS, 1
    for row in rows:
        name = f"handover {row.shift_id} ({row.id[:8]})"
        if row.content_hash is None or row.chain_seq is None:
            problems.append(f"{name}: acknowledged but has no stored hash")
            continue
        if row.chain_seq != expected_seq:
            problems.append(f"{name}: handover(s) missing from the chain before it")
        if row.prev_hash != expected_prev:
            problems.append(f"{name}: link to the previous handover does not match")
        if content_hash(row, _items(session, row.id)) != row.content_hash:
            problems.append(f"{name}: content does not match its hash")
        prev = row.content_hash
        for amendment in _amendments(session, row.id):
            computed = amendment_hash(
                amendment.prev_hash,
                row.id,
                amendment.seq,
                amendment.at,
                amendment.author,
                amendment.text,
            )
            if amendment.prev_hash != prev or computed != amendment.hash:
                problems.append(f"{name}: amendment {amendment.seq} does not match its hash")
            prev = amendment.hash
        expected_prev, expected_seq = row.content_hash, row.chain_seq + 1
    orphans = session.exec(
        select(HandoverAmendment.handover_id)
        .join(Handover, col(Handover.id) == col(HandoverAmendment.handover_id))
        .where(col(Handover.content_hash).is_(None))
    ).all()
    for handover_id in sorted(set(orphans)):
        problems.append(f"handover {handover_id[:8]}: amended but not locked")
    return problems


# --------------------------------------------------------------- finding handovers


def _by_shift(session: Session, shift_id: str) -> Handover | None:
    return session.exec(select(Handover).where(Handover.shift_id == shift_id)).first()


def find_handover(session: Session, floor: Floor, ref: str | None = None) -> Handover:
    """Find by "current" (default), "last", "pending" (awaiting acknowledgement), "previous",
    a shift id ("2026-11-23/08:00-16:00") or a handover id (or its first 8 characters)."""
    ref = (ref or "current").strip()
    row: Handover | None
    if ref in ("current", "previous", "prev", "next"):
        shift = resolve_shift(floor, ref)
        row = _by_shift(session, shift.id)
        if row is None:
            raise FloorError(f"no handover for shift {shift.id} yet; compose one first")
        return row
    if ref == "last":
        row = session.exec(
            select(Handover).order_by(col(Handover.shift_start).desc()).limit(1)
        ).first()
        if row is None:
            raise FloorError("no handover has been written yet")
        return row
    if ref == "pending":
        row = session.exec(
            select(Handover)
            .where(Handover.status == "submitted")
            .order_by(col(Handover.shift_start).desc())
            .limit(1)
        ).first()
        if row is None:
            raise FloorError("no submitted handover is waiting for acknowledgement")
        return row
    if "/" in ref:
        shift = shift_by_id(floor.config, ref)
        row = _by_shift(session, shift.id)
        if row is None:
            raise FloorError(f"no handover for shift {shift.id}")
        return row
    if len(ref) < 4:
        raise FloorError(f"handover id '{ref}' is too short (give at least 4 characters)")
    matches = session.exec(
        select(Handover).where(col(Handover.id).startswith(ref, autoescape=True)).limit(2)
    ).all()
    if not matches:
        raise FloorError(f"no handover '{ref}'")
    if len(matches) > 1:
        raise FloorError(f"handover id '{ref}' is ambiguous; give more characters")
    return matches[0]


def get(floor: Floor, ref: str | None = None) -> HandoverView:
    """Read one handover (see `find_handover` for the references understood)."""
    with floor.db.read() as session:
        return view_of(session, floor, find_handover(session, floor, ref))


def list_handovers(
    session: Session, *, search: str | None = None, limit: int = 50
) -> list[HandoverSummary]:
    """Past handovers, newest shift first; `search` matches any text in them."""
    query = select(Handover)
    term = clean(search, "search", max_len=100)
    if term:
        in_items = select(HandoverItem.handover_id).where(
            or_(
                col(HandoverItem.text).contains(term, autoescape=True),
                col(HandoverItem.owner).contains(term, autoescape=True),
            )
        )
        in_amendments = select(HandoverAmendment.handover_id).where(
            col(HandoverAmendment.text).contains(term, autoescape=True)
        )
        query = query.where(
            or_(
                col(Handover.shift_id).contains(term, autoescape=True),
                col(Handover.outgoing).contains(term, autoescape=True),
                col(Handover.incoming).contains(term, autoescape=True),
                col(Handover.summary).contains(term, autoescape=True),
                col(Handover.instructions).contains(term, autoescape=True),
                col(Handover.notes).contains(term, autoescape=True),
                col(Handover.id).in_(in_items),
                col(Handover.id).in_(in_amendments),
            )
        )
    rows = session.exec(query.order_by(col(Handover.shift_start).desc()).limit(limit)).all()
    ids = [r.id for r in rows]
    open_counts = dict(
        session.exec(
            select(HandoverItem.handover_id, func.count())
            .where(col(HandoverItem.handover_id).in_(ids), HandoverItem.status == "open")
            .group_by(col(HandoverItem.handover_id))
        ).all()
    )
    amendment_counts = dict(
        session.exec(
            select(HandoverAmendment.handover_id, func.count())
            .where(col(HandoverAmendment.handover_id).in_(ids))
            .group_by(col(HandoverAmendment.handover_id))
        ).all()
    )
    return [
        HandoverSummary(
            id=r.id,
            shift_id=r.shift_id,
            status=r.status,
            outgoing=r.outgoing,
            incoming=r.incoming,
            submitted_at=r.submitted_at,
            acknowledged_at=r.acknowledged_at,
            open_items=int(open_counts.get(r.id, 0)),
            amendments=int(amendment_counts.get(r.id, 0)),
            summary=(r.summary.splitlines() or [""])[0][:80],
        )
        for r in rows
    ]


# ------------------------------------------------------------------------ writing


def _log(session: Session, floor: Floor, action: str, row: Handover, **after: Any) -> None:
    journal.append(
        session,
        at=floor.clock.now(),
        actor=floor.actor.name,
        terminal=floor.actor.terminal,
        action=f"handover.{action}",
        subject=row.shift_id,
        after={"id": row.id, **after},
    )


def require_permission(floor: Floor, action: str, session: Session) -> None:
    """Ask the operators panel (when installed) whether the actor may do `action`."""
    module = _optional_module("floorman.domain.operators")
    require: Callable[..., Any] | None = getattr(module, "require", None)
    if require is not None:
        require(floor, action, session=session)


def _require_editable(row: Handover) -> None:
    if row.status == "acknowledged":
        when = _iso(row.acknowledged_at)
        raise FloorError(
            f"the handover of shift {row.shift_id} was acknowledged by {row.acknowledged_by} "
            f"at {when} and is locked; add an amendment instead"
        )


def _previous_handover(session: Session, row: Handover) -> Handover | None:
    return session.exec(
        select(Handover)
        .where(col(Handover.shift_start) < row.shift_start)
        .order_by(col(Handover.shift_start).desc())
        .limit(1)
    ).first()


def _carry_over(session: Session, floor: Floor, row: Handover) -> int:
    """Copy the previous handover's open items not yet here; follow closures made there."""
    previous = _previous_handover(session, row)
    if previous is None:
        return 0
    mine = {i.origin_id: i for i in _items(session, row.id)}
    position = max((i.position for i in mine.values()), default=0)
    carried = 0
    now = floor.clock.now()
    for item in _items(session, previous.id):
        here = mine.get(item.origin_id)
        if here is None and item.status == "open":
            position += 1
            session.add(
                HandoverItem(
                    handover_id=row.id,
                    origin_id=item.origin_id,
                    carried_from=item.id,
                    position=position,
                    text=item.text,
                    owner=item.owner,
                    deadline=item.deadline,
                    status="open",
                    created_at=now,
                    created_by=item.created_by,
                )
            )
            carried += 1
        elif here is not None and here.status == "open" and item.status == "closed":
            here.status, here.closed_at = "closed", item.closed_at
            here.closed_by, here.close_note = item.closed_by, item.close_note
            session.add(here)
    if carried:
        session.flush()
        _log(session, floor, "carry", row, items=carried, from_handover=previous.id)
    return carried


def _text(value: str | None, name: str) -> str | None:
    return None if value is None else (clean(value, name, max_len=TEXT_LIMIT, multiline=True) or "")


def _schedule_for(session: Session, floor: Floor, shift: Shift, row: Handover | None) -> None:
    settings = floor.config.shifts
    if row is None or row.status == "draft":
        alerts.schedule(
            session,
            floor,
            kind="handover.remind",
            subject=shift.id,
            due_at=shift.end - timedelta(minutes=settings.remind_before_minutes),
            severity="warning",
            message=alerts.alert_text("handover.remind", shift=shift.id),
            dedupe_key=f"{REMIND_PREFIX}{shift.id}",
        )
    if row is None or row.status != "acknowledged":
        following = next_shift(floor.config, shift)
        alerts.schedule(
            session,
            floor,
            kind="handover.escalate",
            subject=shift.id,
            due_at=following.start + timedelta(minutes=settings.escalate_after_minutes),
            severity="breach",
            message=alerts.alert_text("handover.escalate", shift=shift.id),
            dedupe_key=f"{ESCALATE_PREFIX}{shift.id}",
        )


def _previous_open(session: Session, shift: Shift) -> Handover | None:
    """The latest handover of an earlier shift that nobody has acknowledged yet."""
    return session.exec(
        select(Handover)
        .where(col(Handover.shift_end) <= shift.start, Handover.status != "acknowledged")
        .order_by(col(Handover.shift_start).desc())
        .limit(1)
    ).first()


def _reminder_keys(session: Session, shift: Shift) -> set[str]:
    """The dedupe keys of the reminders the current state of things calls for."""
    keys: set[str] = set()
    row = _by_shift(session, shift.id)
    if row is None or row.status == "draft":
        keys.add(f"{REMIND_PREFIX}{shift.id}")
    if row is None or row.status != "acknowledged":
        keys.add(f"{ESCALATE_PREFIX}{shift.id}")
    previous = _previous_open(session, shift)
    if previous is not None:
        keys.add(f"{ESCALATE_PREFIX}{previous.shift_id}")
    return keys


def ensure_reminders(floor: Floor) -> None:
    """Schedule the current shift's reminder and escalation (idempotent; call at start
    and at each change of shift). A composed but unacknowledged previous handover gets
    its escalation too. Writes only when an alert is missing, so it is cheap to call
    every minute (the alert scheduler's heartbeat does)."""
    shift = current_shift(floor)
    with floor.db.read() as session:
        needed = _reminder_keys(session, shift)
        present = set(
            session.exec(select(Alert.dedupe_key).where(col(Alert.dedupe_key).in_(needed))).all()
        )
    if needed <= present:
        return
    with floor.db.write() as session:
        _schedule_for(session, floor, shift, _by_shift(session, shift.id))
        previous = _previous_open(session, shift)
        if previous is not None:
            try:
                prev_shift = shift_by_id(floor.config, previous.shift_id)
            except FloorError:  # the pattern changed since: that shift no longer exists
                return
            _schedule_for(session, floor, prev_shift, previous)


def ensure_reminders_quietly(floor: Floor) -> None:
    """`ensure_reminders` for the alert scheduler: a gap in the shift pattern (no shift
    now) or a bad pattern schedules nothing rather than stopping alerts from firing."""
    try:
        ensure_reminders(floor)
    except FloorError:
        return


def compose(
    floor: Floor,
    shift_ref: str | None = None,
    *,
    summary: str | None = None,
    instructions: str | None = None,
    notes: str | None = None,
) -> HandoverView:
    """Start (or refresh) the handover of a shift: prefill it from the floor as it is now,
    carry over open items, and set any text given. A locked handover is refused."""
    shift = resolve_shift(floor, shift_ref)
    now = floor.clock.now()
    if shift.start > now:
        raise FloorError(f"shift {shift.id} has not started yet")
    texts = {
        "summary": _text(summary, "summary"),
        "instructions": _text(instructions, "instructions"),
        "notes": _text(notes, "notes"),
    }
    with floor.db.write() as session:
        require_permission(floor, "handover.write", session)
        row = _by_shift(session, shift.id)
        created = row is None
        if row is None:
            row = Handover(
                shift_id=shift.id,
                shift_start=shift.start,
                shift_end=shift.end,
                outgoing=manager_of(session, shift) or floor.actor.name,
                live_state_at=now,
                created_at=now,
                created_by=floor.actor.name,
                updated_at=now,
            )
        else:
            _require_editable(row)
            if row.status == "submitted":
                raise FloorError(
                    f"the handover of shift {row.shift_id} is submitted: its floor state was "
                    "frozen then; change its text with edit, or add items, until acknowledged"
                )
        row.live_state = json.dumps(collect_live_state(session, floor, shift), ensure_ascii=False)
        row.live_state_at = now
        for name, value in texts.items():
            if value is not None:
                setattr(row, name, value)
        row.updated_at = now
        session.add(row)
        session.flush()
        _carry_over(session, floor, row)
        _log(
            session,
            floor,
            "compose" if created else "refresh",
            row,
            **{k: v for k, v in texts.items() if v is not None},
        )
        _schedule_for(session, floor, shift, row)
        return view_of(session, floor, row)


def edit(
    floor: Floor,
    ref: str | None = None,
    *,
    summary: str | None = None,
    instructions: str | None = None,
    notes: str | None = None,
) -> HandoverView:
    """Change the written parts of a handover not yet acknowledged."""
    texts = {
        "summary": _text(summary, "summary"),
        "instructions": _text(instructions, "instructions"),
        "notes": _text(notes, "notes"),
    }
    with floor.db.write() as session:
        require_permission(floor, "handover.write", session)
        row = find_handover(session, floor, ref)
        _require_editable(row)
        before = {k: getattr(row, k) for k, v in texts.items() if v is not None}
        for name, value in texts.items():
            if value is not None:
                setattr(row, name, value)
        row.updated_at = floor.clock.now()
        session.add(row)
        journal.append(
            session,
            at=row.updated_at,
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action="handover.edit",
            subject=row.shift_id,
            before=before,
            after={k: v for k, v in texts.items() if v is not None},
        )
        return view_of(session, floor, row)


def add_item(
    floor: Floor,
    ref: str | None,
    text: str,
    *,
    owner: str | None = None,
    deadline: datetime | None = None,
) -> ItemView:
    """Add an open item (what, who owns it, by when) to a handover not yet acknowledged."""
    body = clean(text, "item", required=True, max_len=500) or ""
    who = clean(owner, "owner", max_len=60) or ""
    if deadline is not None and deadline.tzinfo is None:
        raise FloorError("the deadline needs a time zone")
    with floor.db.write() as session:
        require_permission(floor, "handover.write", session)
        row = find_handover(session, floor, ref)
        _require_editable(row)
        position = max((i.position for i in _items(session, row.id)), default=0) + 1
        item = HandoverItem(
            handover_id=row.id,
            origin_id="",
            position=position,
            text=body,
            owner=who,
            deadline=deadline,
            created_at=floor.clock.now(),
            created_by=floor.actor.name,
        )
        item.origin_id = item.id
        session.add(item)
        row.updated_at = floor.clock.now()
        session.add(row)
        _log(
            session,
            floor,
            "item.add",
            row,
            item=item.id,
            text=body,
            owner=who,
            deadline=_iso(deadline),
        )
        return _item_view(item)


def _find_item(session: Session, row: Handover, ref: str) -> HandoverItem:
    ref = ref.strip()
    items = _items(session, row.id)
    if ref.isdigit() and 1 <= int(ref) <= len(items):
        return items[int(ref) - 1]
    matches = [i for i in items if len(ref) >= 4 and (i.id.startswith(ref))]
    if len(matches) != 1:
        raise FloorError(f"no single item '{ref}' in the handover of shift {row.shift_id}")
    return matches[0]


def close_item(floor: Floor, ref: str | None, item_ref: str, note: str | None = None) -> ItemView:
    """Close an open item (by its number in the list or its id); it stops carrying over."""
    note_text = clean(note, "note", max_len=200)
    with floor.db.write() as session:
        require_permission(floor, "handover.write", session)
        row = find_handover(session, floor, ref)
        _require_editable(row)
        item = _find_item(session, row, item_ref)
        if item.status == "closed":
            raise FloorError(f"item '{item.text[:40]}' is already closed")
        item.status, item.closed_at = "closed", floor.clock.now()
        item.closed_by, item.close_note = floor.actor.name, note_text
        session.add(item)
        _log(session, floor, "item.close", row, item=item.id, note=note_text)
        return _item_view(item)


def submit(floor: Floor, ref: str | None = None) -> HandoverView:
    """The outgoing manager hands over: the live state is taken once more and frozen."""
    now = floor.clock.now()
    with floor.db.write() as session:
        require_permission(floor, "handover.write", session)
        row = find_handover(session, floor, ref)
        _require_editable(row)
        if row.status == "submitted":
            raise FloorError(f"the handover of shift {row.shift_id} is already submitted")
        if not row.summary.strip():
            raise FloorError("write a summary before submitting the handover")
        shift = shift_by_id(floor.config, row.shift_id)
        _carry_over(session, floor, row)
        row.live_state = json.dumps(collect_live_state(session, floor, shift), ensure_ascii=False)
        row.live_state_at = now
        row.status, row.submitted_at, row.submitted_by = "submitted", now, floor.actor.name
        row.updated_at = now
        session.add(row)
        alerts.cancel(session, floor, dedupe_prefix=f"{REMIND_PREFIX}{row.shift_id}")
        _schedule_for(session, floor, shift, row)
        _log(session, floor, "submit", row)
        return view_of(session, floor, row)


def parse_reviewed(value: str | Iterable[str]) -> list[str]:
    """Read "all", or section names separated by commas, checked against SECTIONS."""
    names = [p.strip() for p in value.split(",")] if isinstance(value, str) else list(value)
    names = [n for n in names if n]
    if names == ["all"]:
        return list(SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise FloorError(
            f"unknown section(s) {', '.join(unknown)}; sections are {', '.join(SECTIONS)}"
        )
    return [s for s in SECTIONS if s in names]


def acknowledge(floor: Floor, ref: str | None, reviewed: str | Iterable[str]) -> HandoverView:
    """The incoming manager, having reviewed every section, takes the floor: lock and chain."""
    sections = parse_reviewed(reviewed)
    now = floor.clock.now()
    with floor.db.write() as session:
        require_permission(floor, "handover.acknowledge", session)
        row = find_handover(session, floor, ref or "pending")
        _require_editable(row)
        if row.status != "submitted":
            raise FloorError(f"the handover of shift {row.shift_id} has not been submitted yet")
        me = floor.actor.name
        if me in (row.outgoing, row.submitted_by):
            raise FloorError(
                f"the incoming duty manager must be someone other than {row.submitted_by}, "
                "who handed over"
            )
        # The roster says who takes the floor: a stand-in is made duty manager of the next
        # shift first (`floorman shifts assign`), so the log and the roster agree on who
        # was in charge.
        expected = _expected_incoming(session, floor, row)
        if expected is not None and me != expected:
            raise FloorError(
                f"the handover of shift {row.shift_id} goes to {expected}, the next shift's "
                f"duty manager; assign {me} to that shift first to acknowledge it"
            )
        missing = [s for s in SECTIONS if s not in sections]
        if missing:
            raise FloorError(f"review every section first; not reviewed: {', '.join(missing)}")
        last = session.exec(
            select(Handover)
            .where(col(Handover.chain_seq).is_not(None))
            .order_by(col(Handover.chain_seq).desc())
            .limit(1)
        ).first()
        row.chain_seq = (last.chain_seq or 0) + 1 if last else 1
        row.prev_hash = last.content_hash if last and last.content_hash else GENESIS
        row.status, row.incoming = "acknowledged", me
        row.acknowledged_at, row.acknowledged_by = now, me
        row.reviewed = json.dumps(sections)
        row.updated_at = now
        row.content_hash = content_hash(row, _items(session, row.id))
        session.add(row)
        alerts.cancel(session, floor, dedupe_prefix=f"{REMIND_PREFIX}{row.shift_id}")
        alerts.cancel(session, floor, dedupe_prefix=f"{ESCALATE_PREFIX}{row.shift_id}")
        _log(
            session,
            floor,
            "acknowledge",
            row,
            hash=row.content_hash,
            prev_hash=row.prev_hash,
            reviewed=sections,
        )
        return view_of(session, floor, row)


def amend(floor: Floor, ref: str | None, text: str) -> AmendmentView:
    """Add a dated, signed amendment below a locked handover."""
    body = clean(text, "amendment", required=True, max_len=TEXT_LIMIT, multiline=True) or ""
    now = floor.clock.now()
    with floor.db.write() as session:
        require_permission(floor, "handover.amend", session)
        row = find_handover(session, floor, ref or "last")
        if row.status != "acknowledged" or row.content_hash is None:
            raise FloorError(
                f"the handover of shift {row.shift_id} is not locked yet; edit it directly"
            )
        existing = _amendments(session, row.id)
        prev = existing[-1].hash if existing else row.content_hash
        seq = len(existing) + 1
        digest = amendment_hash(prev, row.id, seq, now, floor.actor.name, body)
        session.add(
            HandoverAmendment(
                handover_id=row.id,
                seq=seq,
                at=now,
                author=floor.actor.name,
                text=body,
                prev_hash=prev,
                hash=digest,
            )
        )
        _log(session, floor, "amend", row, seq=seq, text=body, hash=digest)
        return AmendmentView(seq, now, floor.actor.name, body, digest)


# ---------------------------------------------------------------------- rendering


def _local(value: str | datetime | None, zone: ZoneInfo) -> str:
    if value is None:
        return "-"
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def section_lines(
    view: HandoverView, section: str, zone: ZoneInfo, t: Callable[[str], str] = str
) -> list[str]:
    """The lines of one section as plain text (used by Markdown and the screen)."""
    if section in LIVE_SECTIONS:
        data = view.live_state.get(section) or _unavailable("not recorded")
        if not data.get("available"):
            return [t("not available") + f" ({data.get('note', '')})"]
        rows = data.get("rows", [])
        lines = [_live_row(section, r, zone) for r in rows] or [t("none")]
        if section == "staffing" and "required" in data:
            lines.append(_required_line(data["required"], t))
        return lines
    if section == "items":
        if not view.items:
            return [t("none")]
        lines = []
        for n, item in enumerate(view.items, start=1):
            mark = "[x]" if item.status == "closed" else "[ ]"
            extra = [
                f"owner: {item.owner}" if item.owner else "",
                f"due {_local(item.deadline, zone)}" if item.deadline else "",
                "carried over" if item.carried else "",
            ]
            tail = "; ".join(e for e in extra if e)
            line = f"{n}. {mark} {item.text}" + (f" ({tail})" if tail else "")
            if item.status == "closed":
                line += f" - closed by {item.closed_by}" + (
                    f": {item.close_note}" if item.close_note else ""
                )
            lines.append(line)
        return lines
    value = getattr(view, section)
    return value.splitlines() if value.strip() else [t("none")]


def _required_line(required: dict[str, Any] | None, t: Callable[[str], str]) -> str:
    """Staffed against the seats the staffing plan requires, or that no plan is set."""
    if required is None:
        return t("no staffing plan set")
    if "error" in required:
        return t("staffing plan unreadable") + f" ({required['error']})"
    if required.get("uncovered"):
        return t("the staffing plan has no interval for this time")
    figures = {"required": required["required"], "staffed": required["staffed"]}
    if required["enough"]:
        line = t("Required seats {required}, staffed {staffed}: enough").format(**figures)
    else:
        line = t("Required seats {required}, staffed {staffed}: SHORT BY {short}").format(
            short=required["short_by"], **figures
        )
    return line + f" ({t(required['interval'])})"


def _live_row(section: str, row: dict[str, Any], zone: ZoneInfo) -> str:
    if section == "staffing":
        zone_name = "Total" if row["zone"] == "*" else f"Zone {row['zone']}"
        return (
            f"{zone_name}: {row['staffed']} staffed / {row['open']} open seats "
            f"({round(row['occupancy'] * 100)}%), {row['fault']} out of order"
        )
    if section == "away_now":
        return (
            f"{row['seat']} {row['agent'] or '-'} {row.get('name') or ''} away "
            f"{row['away']} since {_local(row['since'], zone)} {row.get('reason') or ''}"
        ).rstrip()
    if section == "visitors":
        escort = f", escort {row['escort']}" if row.get("escort") else ""
        late = " OVERSTAYED" if row.get("overstayed") else ""
        return (
            f"{row['name']} ({row['organisation']}), host {row['host']}{escort}, in since "
            f"{_local(row['since'], zone)}{late}"
        )
    if section == "faults":
        return f"{row['seat']} since {_local(row['since'], zone)}: {row.get('reason') or '-'}"
    if section == "away_issues":
        over = f", {row['over']} over the limit" if row["over"] != "00:00" else ""
        return (
            f"{row['seat']} {row['agent']} {row.get('name') or ''}: {row['reason']} "
            f"at {_local(row['left_at'], zone)}, away {row['away']}{over} ({row['approval']})"
        )
    if section == "emergencies":
        drill = "DRILL " if row.get("drill") else ""
        return (
            f"{drill}{row['title']} since {_local(row['started_at'], zone)} "
            f"({row['elapsed']}), {row['open_steps']} step(s) open"
            + (f"; wording: {row['wording']}" if row.get("wording") else "")
        )
    if section == "alerts":
        return f"[{row['severity']}] {row['kind']} {row['subject']}: {row['message']}"
    return ", ".join(f"{k}: {v}" for k, v in row.items())


def to_markdown(view: HandoverView, zone: ZoneInfo, t: Callable[[str], str] = str) -> str:
    """The handover as Markdown: header, every section, then amendments below."""
    lines = [
        f"# {t('Handover')} {view.shift_id}",
        "",
        f"- {t('Status')}: {t(view.status)}",
        f"- {t('Outgoing')}: {view.outgoing}",
        f"- {t('Incoming')}: {view.incoming or view.expected_incoming or '-'}",
        f"- {t('Floor state taken at')}: {_local(view.live_state_at, zone)}",
        f"- {t('Submitted')}: {_local(view.submitted_at, zone)} {view.submitted_by or ''}".rstrip(),
        f"- {t('Acknowledged')}: {_local(view.acknowledged_at, zone)} "
        f"{view.acknowledged_by or ''}".rstrip(),
    ]
    if view.content_hash:
        lines.append(
            f"- {t('Hash')}: `{view.content_hash}` ({t('previous')} "
            f"`{(view.prev_hash or '')[:16]}`)"
        )
    if view.reviewed:
        lines.append(f"- {t('Reviewed')}: {', '.join(view.reviewed)}")
    for section in SECTIONS:
        lines += ["", f"## {t(SECTION_TITLES[section])}", ""]
        body = section_lines(view, section, zone, t)
        if section in LIVE_SECTIONS and body and not body[0].startswith(("none", t("none"))):
            body = [f"- {b}" for b in body]
        lines += body
    if view.amendments:
        lines += ["", f"## {t('Amendments')}", ""]
        for a in view.amendments:
            lines.append(f"- {_local(a.at, zone)} {a.author}: {a.text}")
    return "\n".join(lines) + "\n"


def _register_chain_check() -> None:
    """Add the handover chain to `floorman check` when the audit panel is installed."""
    audit = _optional_module("floorman.domain.audit")
    register_check: Callable[[str], Callable[..., Any]] | None = getattr(
        audit, "register_check", None
    )
    if register_check is None:
        return

    @register_check("handover chain")
    def _handover_chain(floor: Floor) -> list[str]:
        with floor.db.read() as session:
            return verify_chain(session)


_register_chain_check()
