"""The live floor state a handover freezes: one entry per live section.

Composing and submitting a handover take the floor as it is: staffing against open seats
and against the seats the staffing plan requires, agents away, overrun and unapproved
aways of the shift, visitors on the floor, terminal faults, emergencies running, alerts not
acknowledged. Every panel it reads (seats, away slips, visitors, emergencies, alerts, the
staffing plan) is imported plainly: a missing one is a bug that fails loudly, never a
section written into a hash-chained handover as "not installed".

Each section is `{"available": True, "rows": [...]}` (plus section extras); "available"
stays in the stored shape because handovers locked before this module may hold
`{"available": False, "note": ...}`, and those still render (see `markdown`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from floorman.clock import elapsed_seconds, mmss
from floorman.data.tables.staffing import StaffingPlan
from floorman.domain import alerts
from floorman.domain.away import views as away_views
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import SeatState, SlipApproval
from floorman.domain.emergency import views as emergency_views
from floorman.domain.handover.views import iso
from floorman.domain.seats.views import count_by_zone, list_seats
from floorman.domain.shifts import Shift
from floorman.domain.staffing.plan import required_now
from floorman.domain.visitors import presence

# An away belongs in "away_issues" when it ran over its limit or had one of these approvals.
AWAY_ISSUE_APPROVALS = (
    SlipApproval.UNAPPROVED,
    SlipApproval.VIOLATION,
    SlipApproval.APPROVED_AFTER,
)


def _section(rows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"available": True, "rows": rows, **extra}


def _required_seats(session: Session, floor: Floor) -> dict[str, Any] | None:
    """Seats the stored staffing plan requires now against seats staffed; None: no plan."""
    try:
        needed = required_now(session, floor.clock.now(), floor.config.zone())
    except FloorError as exc:
        return {"error": str(exc)}
    if needed is None:
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
            "staffed": z.staffed,  # at the seat; the away ones apart (issue 16.8)
            "away": z.away,
            "open": z.open_seats,
            "fault": z.states[SeatState.FAULT],
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
            "since": iso(v.since),
            "away": mmss(elapsed_seconds(v.since, now)),
        }
        for v in list_seats(session)
        if v.state == SeatState.AWAY
    ]
    return _section(rows)


def _away_issues_section(floor: Floor, shift: Shift) -> dict[str, Any]:
    """Aways that left during the shift and ran over their limit or were not approved."""
    now = floor.clock.now()
    zone = floor.config.zone()
    day, last_day = shift.start.astimezone(zone).date(), now.astimezone(zone).date()
    rows: list[dict[str, Any]] = []
    while day <= last_day:
        for slip in away_views.list_slips(floor, day=day):
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
                    "left_at": iso(slip.left_at),
                    "returned_at": iso(slip.returned_at),
                    "away": mmss(slip.elapsed_seconds),
                    "over": mmss(slip.over_seconds),
                }
            )
        day += timedelta(days=1)
    return _section(rows)


def _visitors_section(session: Session, now: datetime) -> dict[str, Any]:
    rows = [
        {
            # By id, never by name: a locked handover cannot change, the purge must not
            # need to (the name is read from the visitor row while it is kept).
            "id": v.id[:8],
            "organisation": v.organisation,
            "host": v.host,
            "escort": v.escort,
            "badge": v.badge,
            "since": iso(v.checked_in_at),
            "expected_end": iso(v.expected_end_at),
            "overstayed": bool(v.overstayed(now)),
        }
        for v in presence.visitors_on_floor(session)
    ]
    return _section(rows)


def _faults_section(session: Session) -> dict[str, Any]:
    rows = [
        {"seat": v.seat, "zone": v.zone, "reason": v.reason, "since": iso(v.since)}
        for v in list_seats(session)
        if v.state == SeatState.FAULT
    ]
    return _section(rows)


def _emergencies_section(session: Session, now: datetime) -> dict[str, Any]:
    rows = [
        {
            "id": e.id[:8],
            "title": e.title_en,
            "title_zh": e.title_zh,
            "drill": bool(e.drill),
            "started_at": iso(e.started_at),
            "started_by": e.started_by,
            "elapsed": mmss(e.elapsed(now)),
            "open_steps": len(e.open_steps()),
            "deferred_steps": len(e.deferred_steps()),
            "wording": e.wording,
        }
        for e in emergency_views.running(session)
    ]
    return _section(rows)


def _alerts_section(session: Session) -> dict[str, Any]:
    rows = [
        {
            "kind": a.kind,
            "subject": a.subject,
            "severity": a.severity,
            "message": a.message,
            "fired_at": iso(a.fired_at),
        }
        for a in alerts.active(session)
    ]
    return _section(rows)


def collect_live_state(session: Session, floor: Floor, shift: Shift) -> dict[str, Any]:
    """The floor as it is now, one entry per live section (see `views.LIVE_SECTIONS`)."""
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
