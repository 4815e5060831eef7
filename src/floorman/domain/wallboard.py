"""What the wallboard on the floor's TV shows, read in one go from the panels' own views.

Nothing here decides anything: occupancy comes from `seats.count_by_zone`, the seats
required from the staffing plan, the away board from `away.away_board`, alerts from
`alerts.active`, emergencies from `emergency_views.running`, visitors from `visitors`. A TV
hangs where visitors pass, so it shows a visitor's badge, organisation and host, never
a name, phone or ID.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from floorman.domain.core.context import Floor
from floorman.domain.core.states import AwayBand, SlipApproval, SlipStatus, VisitorState


@dataclass(frozen=True)
class ZoneLine:
    """Seats staffed against seats open in one zone (or the floor, zone '*')."""

    zone: str
    staffed: int
    open_seats: int
    away: int

    @property
    def occupancy(self) -> float:
        return self.staffed / self.open_seats if self.open_seats else 0.0


@dataclass(frozen=True)
class AwayLine:
    """An agent away now: seat, who, why, for how long, and the band against the limit."""

    seat: str
    agent: str
    reason: str
    left_at: datetime
    limit_seconds: int
    band: str
    approved: bool


@dataclass(frozen=True)
class EmergencyLine:
    """A running emergency checklist and its unified wording (统一口径)."""

    title_en: str
    title_zh: str
    drill: bool
    started_at: datetime
    wording: str
    steps_open: int
    steps_total: int

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title_en


@dataclass(frozen=True)
class VisitorLine:
    """A visitor on the floor as a TV may show it: no name, phone or ID."""

    badge: str
    organisation: str
    host: str
    escorted: bool
    checked_in_at: datetime | None
    expected_end_at: datetime | None


@dataclass(frozen=True)
class Wallboard:
    """Everything on the wallboard at one moment."""

    at: datetime
    zones: list[ZoneLine]
    total: ZoneLine
    required: int | None
    away: list[AwayLine]
    away_requests: int
    visitor_requests: int
    alerts: Counter[str]
    worst_alerts: list[tuple[str, str, str]]  # (severity, subject, text)
    emergencies: list[EmergencyLine]
    visitors: list[VisitorLine] = field(default_factory=list)

    @property
    def over_limit(self) -> list[AwayLine]:
        return [a for a in self.away if a.band in (AwayBand.BREACH, AwayBand.SEVERE)]

    @property
    def short_by(self) -> int:
        return max(0, (self.required or 0) - self.total.staffed)


def read_wallboard(floor: Floor, *, alert_lines: int = 4) -> Wallboard:
    """One reading of the floor for the wallboard (several short read snapshots)."""
    from floorman.domain import alerts
    from floorman.domain.away.views import away_board
    from floorman.domain.emergency import views as emergency_views
    from floorman.domain.seats.views import count_by_zone, list_seats
    from floorman.domain.staffing.plan import required_now
    from floorman.domain.visitors import presence as visitors_presence

    now = floor.clock.now()
    with floor.db.read() as session:
        views = list_seats(session)
        zones, total = count_by_zone(views)
        needed = required_now(session, now, floor.config.zone())
        active = alerts.active(session)
        running = emergency_views.running(session)
        on_floor = visitors_presence.visitors_on_floor(session)
        pending_visitors = len(visitors_presence.list_visitors(session, state=VisitorState.PENDING))
    slips = away_board(floor)

    def line(counts) -> ZoneLine:  # type: ignore[no-untyped-def]
        return ZoneLine(counts.zone, counts.staffed, counts.open_seats, counts.states["away"])

    return Wallboard(
        at=now,
        zones=[line(z) for z in zones],
        total=line(total),
        required=needed.required.required if needed is not None else None,
        away=[
            AwayLine(
                s.seat,
                s.agent_name or s.agent,
                s.reason,
                s.left_at,
                s.limit_seconds,
                s.band,
                s.approval == SlipApproval.APPROVED,
            )
            for s in slips
            if s.status == SlipStatus.OUT and s.left_at is not None
        ],
        away_requests=sum(1 for s in slips if s.status == SlipStatus.REQUESTED),
        visitor_requests=pending_visitors,
        alerts=Counter(a.severity for a in active),
        worst_alerts=[(a.severity, a.subject, a.text) for a in active[:alert_lines]],
        emergencies=[
            EmergencyLine(
                e.title_en,
                e.title_zh,
                e.drill,
                e.started_at,
                e.wording,
                len(e.open_steps()),
                len(e.steps),
            )
            for e in running
        ],
        visitors=[
            VisitorLine(
                v.badge or "-",
                v.organisation,
                v.host,
                bool(v.escort),
                v.checked_in_at,
                v.expected_end_at,
            )
            for v in on_floor
        ],
    )
