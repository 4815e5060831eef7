"""What screens and commands show of away slips: the board, lists, the seat map's aways.

Timers are `now - left_at` computed from stored times, never counters, so every
terminal and every restart shows the same figure; every band comes from
`rules.away_limits`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from floorman.clock import elapsed_seconds, mmss
from floorman.data.tables.away import AwaySlip
from floorman.data.tables.floor import Agent, Seat
from floorman.domain.away.rules import BAND_SYMBOLS, AwayLimits, away_limits
from floorman.domain.core import bounds
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import (
    OPEN_SLIP_STATUSES,
    AwayBand,
    SeatState,
    SlipApproval,
    SlipStatus,
)
from floorman.domain.core.text import clean
from floorman.domain.shifts import Shift

# Approvals that mean someone allowed the absence.
APPROVED_APPROVALS = (SlipApproval.APPROVED, SlipApproval.APPROVED_AFTER)


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


def slip_view(floor: Floor, slip: AwaySlip, seat: Seat, agent: Agent, now: datetime) -> SlipView:
    """The view of one slip at `now` (a slip back keeps the figures of its return)."""
    limits = away_limits(floor.config, slip.limit_seconds, slip.extension_seconds)
    limit = limits.limit_seconds
    elapsed, band = 0, AwayBand.OK
    if slip.left_at is not None:
        elapsed = elapsed_seconds(slip.left_at, slip.returned_at or now)
        band = limits.band_at(elapsed)
    approved_by = slip.decided_by if slip.approval in APPROVED_APPROVALS else None
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


def slip_views(
    session: Session, floor: Floor, slips: Iterable[AwaySlip], now: datetime
) -> list[SlipView]:
    """The views of these slips at `now`."""
    out = []
    for slip in slips:
        seat = session.get(Seat, slip.seat_id)
        agent = session.get(Agent, slip.agent_id)
        assert seat is not None and agent is not None
        out.append(slip_view(floor, slip, seat, agent, now))
    return out


def agent_by_staff_no(session: Session, staff_no: str) -> Agent:
    """The agent with this staff number; FloorError if there is none."""
    staff_no = clean(staff_no, "agent", required=True, max_len=40) or ""
    agent = session.exec(select(Agent).where(Agent.staff_no == staff_no)).first()
    if agent is None:
        raise FloorError("unknown agent '{staff_no}'", staff_no=staff_no)
    return agent


def day_bounds(floor: Floor, day: date) -> tuple[datetime, datetime]:
    """A local calendar day as a UTC interval [start, end)."""
    zone = floor.config.zone()
    start_local = datetime.combine(day, time(0), tzinfo=zone)
    end_local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start_local, end_local


def parse_day(value: str) -> date:
    """A YYYY-MM-DD date within the floor's calendar (bounds.parse_day)."""
    return bounds.parse_day(value)


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
            query = query.where(col(AwaySlip.status).in_(OPEN_SLIP_STATUSES))
        spans = [day_bounds(floor, day)] if day is not None else []
        if shift is not None:
            spans.append((shift.start, shift.end))
        for start_at, end_at in spans:
            query = query.where(
                or_(
                    (col(AwaySlip.left_at) >= start_at) & (col(AwaySlip.left_at) < end_at),
                    col(AwaySlip.left_at).is_(None)
                    & (col(AwaySlip.requested_at) >= start_at)
                    & (col(AwaySlip.requested_at) < end_at),
                )
            )
        if agent is not None:
            query = query.where(AwaySlip.agent_id == agent_by_staff_no(session, agent).id)
        slips = session.exec(query.order_by(col(AwaySlip.requested_at))).all()
        return slip_views(session, floor, slips, now)


def retime(floor: Floor, view: SlipView, now: datetime) -> SlipView:
    """The same slip a moment later: elapsed, time left or over and band from `left_at`."""
    if view.left_at is None or view.returned_at is not None:
        return view
    elapsed = elapsed_seconds(view.left_at, now)
    limit = view.limit_seconds  # the extension is in it already
    return replace(
        view,
        elapsed_seconds=elapsed,
        left_seconds=max(0, limit - elapsed),
        over_seconds=max(0, elapsed - limit),
        band=away_limits(floor.config, limit).band_at(elapsed),
    )


def board_order(view: SlipView) -> tuple[int, int, int, datetime]:
    """Sort key of the away board: requests waiting on the duty manager first (oldest
    first: the agent is at the seat until someone decides), then those out, most over and
    least time left first, then approved ones not yet gone (issue 15: a request sorted
    under every running slip was off screen at 80x24)."""
    rank: dict[str, int] = {SlipStatus.REQUESTED: 0, SlipStatus.OUT: 1, SlipStatus.APPROVED: 2}
    return (rank.get(view.status, 3), -view.over_seconds, view.left_seconds, view.requested_at)


def away_board(floor: Floor) -> list[SlipView]:
    """The requests waiting, then everyone away now, worst first (`board_order`)."""
    return sorted(list_slips(floor, open_only=True), key=board_order)


@dataclass(frozen=True)
class SeatAway:
    """An away in progress at a seat, as the seat map and the header time it."""

    seat: str
    slip_id: str | None  # None: the seat is away with no slip out (rows older than slips)
    left_at: datetime
    limits: AwayLimits

    def elapsed(self, now: datetime) -> int:
        return elapsed_seconds(self.left_at, now)

    def band_at(self, now: datetime) -> AwayBand:
        """The away's band at `now` (`rules.away_limits` is where the thresholds come from)."""
        return self.limits.band_at(self.elapsed(now))

    def over_limit_at(self, now: datetime) -> bool:
        return self.limits.over_limit_at(self.elapsed(now))


def seat_aways(session: Session, floor: Floor) -> dict[str, SeatAway]:
    """Every seat that is away, by its code, timed by its agent's slip out (an away seat
    with no slip out, which the rules no longer make, is timed from the seat's `since`
    against the default limit)."""
    out = {
        slip.agent_id: slip
        for slip in session.exec(select(AwaySlip).where(AwaySlip.status == SlipStatus.OUT))
    }
    default = away_limits(floor.config, floor.config.away.default_limit_seconds)
    aways: dict[str, SeatAway] = {}
    for seat in session.exec(select(Seat).where(Seat.state == SeatState.AWAY)):
        slip = out.get(seat.agent_id) if seat.agent_id is not None else None
        if slip is None or slip.left_at is None:
            aways[seat.code] = SeatAway(seat.code, None, seat.since, default)
            continue
        limits = away_limits(floor.config, slip.limit_seconds, slip.extension_seconds)
        aways[seat.code] = SeatAway(seat.code, slip.id, slip.left_at, limits)
    return aways
