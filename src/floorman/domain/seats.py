"""Seats and agent states: the events scripts and phone systems send, and the floor view.

`record_event` is the one way a seat changes state, whether the change comes from the
command line, a feed or the screen. It validates everything before writing, so a bad
event changes nothing, and writes the seat, its history and a journal row in one
transaction.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from floorman.clock import elapsed_seconds
from floorman.data import journal
from floorman.data.tables.floor import SEAT_STATES, SEAT_TYPES, Agent, Seat, SeatEvent, Zone
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean
from floorman.domain.operators import permissions

# Event names the command line takes, and the seat state each leads to.
EVENTS: tuple[str, ...] = ("ready", "busy", "away", "back", "empty", "fault", "fixed")
STAFFED_STATES = frozenset({"ready", "busy", "away"})
STATE_LETTERS = {"empty": "-", "ready": "R", "busy": "B", "away": "A", "fault": "X"}
FUTURE_TOLERANCE = timedelta(minutes=1)


@dataclass(frozen=True)
class SeatView:
    """What the floor screen and `seats list` show of one seat."""

    seat: str
    zone: str
    zone_name: str
    type: str
    row: int
    col: int
    state: str
    agent: str | None
    agent_name: str | None
    reason: str | None
    since: datetime

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["since"] = self.since.isoformat()
        return data

    def seconds_in_state(self, now: datetime) -> int:
        return elapsed_seconds(self.since, now)


@dataclass(frozen=True)
class EventResult:
    """What `record_event` did: the seat's new view and whether anything changed."""

    view: SeatView
    changed: bool
    moved_from: str | None = None


def _view(seat: Seat, zone: Zone, agent: Agent | None) -> SeatView:
    return SeatView(
        seat=seat.code,
        zone=zone.code,
        zone_name=zone.name,
        type=seat.seat_type,
        row=seat.row,
        col=seat.col,
        state=seat.state,
        agent=agent.staff_no if agent else None,
        agent_name=agent.name if agent else None,
        reason=seat.reason,
        since=seat.since,
    )


def list_seats(session: Session) -> list[SeatView]:
    """Every seat with its zone and agent, in zone then row/column order."""
    rows = session.exec(
        select(Seat, Zone, Agent)
        .join(Zone, Seat.zone_id == Zone.id)  # type: ignore[arg-type]
        .outerjoin(Agent, Seat.agent_id == Agent.id)  # type: ignore[arg-type]
        .order_by(Zone.sort_order, Zone.code, Seat.row, Seat.col, Seat.code)  # type: ignore[arg-type]
    ).all()
    return [_view(seat, zone, agent) for seat, zone, agent in rows]


def seat_snapshot(seat: Seat, agent: Agent | None) -> dict[str, object]:
    return {
        "state": seat.state,
        "agent": agent.staff_no if agent else None,
        "reason": seat.reason,
        "since": seat.since.isoformat(),
    }


def _next_state(event: str, seat: Seat, has_agent: bool) -> str:
    """The seat state an event leads to, refusing events that make no sense here."""
    if event == "fixed":
        if seat.state != "fault":
            raise FloorError(f"seat {seat.code} is not out of order; 'fixed' does not apply")
        return "ready" if has_agent else "empty"
    if event == "fault":
        return "fault"
    if event == "empty":
        return "empty"
    if seat.state == "fault":
        raise FloorError(f"seat {seat.code} is out of order; record 'fixed' first")
    if event == "back":
        if seat.state != "away":
            raise FloorError(f"seat {seat.code} is not away (it is {seat.state})")
        return "ready"
    return event


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
        raise FloorError(f"unknown state '{event}'; expected one of: {', '.join(EVENTS)}")
    reason = clean(reason, "reason", max_len=200)
    source = clean(source, "source", max_len=60, identifier=True) or floor.actor.source or "cli"
    seat_code = (clean(seat_code, "seat", required=True, max_len=40, identifier=True) or "").upper()
    stamped = at is not None  # the sender said when; else it happened now
    at = at or now
    if at.tzinfo is None:
        raise FloorError("event time needs a time zone")
    if at > now + FUTURE_TOLERANCE:
        raise FloorError(f"time {at.isoformat()} is more than one minute in the future")
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
                    f"id '{external_id}' was already used for {seen_seat} {seen_event}; "
                    "an id names one event"
                )
            view = _seat_view_by_code(session, seat_code)
            return EventResult(view=view, changed=False)

    seat = _by_key(session, Seat, Seat.code, seat_code)
    if seat is None:
        raise FloorError(f"unknown seat '{seat_code}'")
    current_agent = session.get(Agent, seat.agent_id) if seat.agent_id else None
    agent = current_agent
    if agent_no is not None:
        agent_no = clean(agent_no, "agent", required=True, max_len=40, identifier=True) or ""
        agent = _by_key(session, Agent, Agent.staff_no, agent_no)
        if agent is None:
            raise FloorError(f"unknown agent '{agent_no}'")
        if event == "empty":
            raise FloorError("'empty' takes no --agent: the seat is left with no one at it")
    if event in ("ready", "busy", "away") and agent is None:
        raise FloorError(f"seat {seat.code} has no agent; give --agent STAFF_NO")
    if not stamped and at < seat.since and _has_history(session, seat):
        # This terminal's clock was corrected backwards after the seat's last change:
        # "now" is the seat's last moment, never before it (timers never go negative).
        at = seat.since
    if at < seat.since and _has_history(session, seat):
        raise FloorError(
            f"event at {at.isoformat()} is older than seat {seat.code}'s current state "
            f"(since {seat.since.isoformat()})"
        )
    new_state = _next_state(event, seat, agent is not None)
    new_agent = None if new_state == "empty" else agent
    new_reason = reason if new_state in ("away", "fault") else None
    if (
        new_state == seat.state
        and (new_agent.id if new_agent else None) == seat.agent_id
        and new_reason == seat.reason
    ):
        return EventResult(view=_seat_view_by_code(session, seat.code), changed=False)

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
    from floorman.domain.away import follow_seat  # away slips follow the seat (issue 3)

    follow_seat(
        session, floor, seat, old_state=old_state, old_agent_id=old_agent_id, at=at, reason=reason
    )
    zone = session.get(Zone, seat.zone_id)  # from the session's identity map: no query
    assert zone is not None
    return EventResult(view=_view(seat, zone, new_agent), changed=True, moved_from=moved_from)


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
    """A seat just imported has no events yet; its first event may predate the import."""
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
    if old.state != "fault":
        old.state = "empty"
    old.since = max(at, old.since)
    session.add(old)
    session.add(
        SeatEvent(
            seat_id=old.id,
            agent_id=None,
            state=old.state,
            event="empty",
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
        action="seat.empty",
        subject=old.code,
        before=before,
        after={**seat_snapshot(old, None), "moved_to": new_seat.code},
    )
    return old.code


def _seat_view_by_code(session: Session, code: str) -> SeatView:
    row = session.exec(
        select(Seat, Zone, Agent)
        .join(Zone, Seat.zone_id == Zone.id)  # type: ignore[arg-type]
        .outerjoin(Agent, Seat.agent_id == Agent.id)  # type: ignore[arg-type]
        .where(Seat.code == code)
    ).first()
    if row is None:
        raise FloorError(f"unknown seat '{code}'")
    return _view(*row)


def record_event(floor: Floor, seat_code: str, event: str, **kwargs: object) -> EventResult:
    """Record one agent-state event in its own transaction (see `apply_event`)."""
    with floor.db.write() as session:
        return apply_event(session, floor, seat_code, event, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True)
class HistoryRow:
    """One line of a seat's state history."""

    at: datetime
    state: str
    event: str
    agent: str | None
    reason: str | None
    source: str


def seat_history(session: Session, seat_code: str, since: datetime) -> list[HistoryRow]:
    """A seat's events from `since` (e.g. the start of today), oldest first."""
    seat = session.exec(select(Seat).where(Seat.code == seat_code)).first()
    if seat is None:
        raise FloorError(f"unknown seat '{seat_code}'")
    rows = session.exec(
        select(SeatEvent, Agent)
        .outerjoin(Agent, SeatEvent.agent_id == Agent.id)  # type: ignore[arg-type]
        .where(SeatEvent.seat_id == seat.id, SeatEvent.at >= since)
        .order_by(SeatEvent.at)  # type: ignore[arg-type]
    ).all()
    return [
        HistoryRow(e.at, e.state, e.event, a.staff_no if a else None, e.reason, e.source)
        for e, a in rows
    ]


@dataclass
class ZoneCounts:
    """Seats per state in one zone (or the whole floor), and its occupancy."""

    zone: str
    states: Counter[str] = field(default_factory=Counter)

    @property
    def staffed(self) -> int:
        return sum(self.states[s] for s in STAFFED_STATES)

    @property
    def open_seats(self) -> int:
        """Seats that can take an agent: all but those out of order."""
        return sum(self.states.values()) - self.states["fault"]

    @property
    def occupancy(self) -> float:
        return self.staffed / self.open_seats if self.open_seats else 0.0


def count_by_zone(views: list[SeatView]) -> tuple[list[ZoneCounts], ZoneCounts]:
    """Per-zone counts in display order, and the floor total."""
    zones: dict[str, ZoneCounts] = {}
    total = ZoneCounts("*")
    for view in views:
        zones.setdefault(view.zone, ZoneCounts(view.zone)).states[view.state] += 1
        total.states[view.state] += 1
    return list(zones.values()), total


# ---------------------------------------------------------------- importing the floor

SEAT_COLUMNS = ("seat", "zone", "type", "row", "col")
AGENT_COLUMNS = ("staff_no", "name", "team")


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise FloorError(f"{path}: line 1: missing column(s): {', '.join(missing)}")
            reader.fieldnames = header
            return [
                (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k})
                for row in reader
            ]
    except OSError as exc:
        raise FloorError(f"{path}: cannot be read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise FloorError(f"{path}: not UTF-8 text") from exc


def import_seats(floor: Floor, path: Path) -> int:
    """Add or update seats from CSV (seat,zone,type,row,col[,zone_name]); all or nothing."""
    rows = _read_csv(path, SEAT_COLUMNS)
    now = floor.clock.now()
    parsed = []
    seen: set[str] = set()
    for line, row in rows:
        try:
            code = (clean(row["seat"], "seat", required=True, max_len=40) or "").upper()
            zone = (clean(row["zone"], "zone", required=True, max_len=40) or "").upper()
            seat_type = row["type"].lower() or "general"
            if seat_type not in SEAT_TYPES:
                raise FloorError(
                    f"unknown seat type '{row['type']}'; one of: {', '.join(SEAT_TYPES)}"
                )
            try:
                r, c = int(row["row"]), int(row["col"])
            except ValueError as exc:
                raise FloorError("row and col must be whole numbers") from exc
            if r < 0 or c < 0:
                raise FloorError("row and col must not be negative")
            if code in seen:
                raise FloorError(f"seat '{code}' appears twice")
            seen.add(code)
            zone_name = clean(row.get("zone_name"), "zone_name", max_len=60) or zone
        except FloorError as exc:
            raise FloorError(f"{path}: line {line}: {exc}") from exc
        parsed.append((code, zone, zone_name, seat_type, r, c))
    if not parsed:
        raise FloorError(f"{path}: no seats in the file")
    with floor.db.write() as session:
        permissions.require(floor, "seat.import", session=session)
        zones = {z.code: z for z in session.exec(select(Zone)).all()}
        for code, zone_code, zone_name, seat_type, r, c in parsed:
            seat_zone = zones.get(zone_code)
            if seat_zone is None:
                seat_zone = Zone(code=zone_code, name=zone_name, sort_order=len(zones))
                zones[zone_code] = seat_zone
                session.add(seat_zone)
                session.flush()
            seat = session.exec(select(Seat).where(Seat.code == code)).first()
            before = None
            if seat is None:
                seat = Seat(code=code, zone_id=seat_zone.id, since=now)
            else:
                before = {
                    "zone": seat.zone_id,
                    "type": seat.seat_type,
                    "row": seat.row,
                    "col": seat.col,
                }
            seat.zone_id, seat.seat_type, seat.row, seat.col = seat_zone.id, seat_type, r, c
            session.add(seat)
            journal.append(
                session,
                at=now,
                actor=floor.actor.name,
                terminal=floor.actor.terminal,
                action="seat.import",
                subject=code,
                before=before,
                after={"zone": zone_code, "type": seat_type, "row": r, "col": c},
            )
    return len(parsed)


def import_agents(floor: Floor, path: Path) -> int:
    """Add or update agents from CSV (staff_no,name,team); all or nothing."""
    rows = _read_csv(path, AGENT_COLUMNS[:2])
    now = floor.clock.now()
    parsed = []
    seen: set[str] = set()
    for line, row in rows:
        try:
            staff_no = clean(row["staff_no"], "staff_no", required=True, max_len=40) or ""
            name = clean(row["name"], "name", required=True, max_len=60) or ""
            team = clean(row.get("team", ""), "team", max_len=60) or ""
            if staff_no in seen:
                raise FloorError(f"staff number '{staff_no}' appears twice")
            seen.add(staff_no)
        except FloorError as exc:
            raise FloorError(f"{path}: line {line}: {exc}") from exc
        parsed.append((staff_no, name, team))
    if not parsed:
        raise FloorError(f"{path}: no agents in the file")
    with floor.db.write() as session:
        permissions.require(floor, "agent.import", session=session)
        for staff_no, name, team in parsed:
            agent = session.exec(select(Agent).where(Agent.staff_no == staff_no)).first()
            before = {"name": agent.name, "team": agent.team} if agent else None
            agent = agent or Agent(staff_no=staff_no, name=name)
            agent.name, agent.team = name, team
            session.add(agent)
            journal.append(
                session,
                at=now,
                actor=floor.actor.name,
                terminal=floor.actor.terminal,
                action="agent.import",
                subject=staff_no,
                before=before,
                after={"name": name, "team": team},
            )
    return len(parsed)


__all__ = ["EVENTS", "SEAT_STATES", "STATE_LETTERS", "EventResult", "SeatView", "record_event"]
