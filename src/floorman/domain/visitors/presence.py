"""Visitors on and off the floor: check-in (the overstay alert set), check-out, listing.

"On the floor" is one rule, `on_floor_condition`: checked in and not yet out. The
header, the handover and the roll call all count visitors through `visitors_on_floor`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from floorman.data.tables.visitors import Visitor
from floorman.domain import alerts
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import AlertKind, AlertSeverity, VisitorCategory, VisitorStatus
from floorman.domain.visitors.records import log, require, subject
from floorman.domain.visitors.views import VisitorView, find_visitor, view_of

# A time typed a little ahead of this terminal's clock (another terminal's clock) is fine.
FUTURE_TOLERANCE = timedelta(minutes=1)


def _when(floor: Floor, at: datetime | None) -> datetime:
    now = floor.clock.now()
    if at is None:
        return now
    if at.tzinfo is None:
        raise FloorError("a time needs its time zone")
    if at > now + FUTURE_TOLERANCE:
        raise FloorError("that time is in the future")
    return at


def _local(floor: Floor, when: datetime) -> str:
    return when.astimezone(floor.config.zone()).strftime("%H:%M")


def check_in(floor: Floor, ref: str, at: datetime | None = None) -> VisitorView:
    """An approved visitor enters the floor; the overstay alert is set for the expected end."""
    when = _when(floor, at)
    with floor.db.write() as session:
        require(floor, session, "visitor.check_in")
        visitor = find_visitor(session, ref)
        if visitor.checked_in_at is not None:
            raise FloorError("this visitor is already checked in")
        if visitor.status != VisitorStatus.APPROVED:
            raise FloorError(
                "no check-in before approval (this visitor is {status})",
                status=visitor.status,
            )
        if visitor.category == VisitorCategory.EXTERNAL and not visitor.escort:
            raise FloorError("a visitor from outside the company must have an escort")
        if visitor.decided_at is not None and when < visitor.decided_at:
            raise FloorError("the check-in time is before the approval")
        visitor.checked_in_at = when
        visitor.checked_in_by = floor.actor.name
        visitor.expected_end_at = when + timedelta(minutes=visitor.expected_minutes)
        session.add(visitor)
        badge = f", badge {visitor.badge}" if visitor.badge else ""
        alerts.schedule(
            session, floor, kind=AlertKind.VISITOR_OVERSTAY, subject=subject(visitor.id),
            due_at=visitor.expected_end_at, severity=AlertSeverity.WARNING,
            message=alerts.alert_text(
                AlertKind.VISITOR_OVERSTAY,
                name=visitor.name,
                badge=badge,
                time=_local(floor, visitor.expected_end_at),
            ),
            dedupe_key=f"visitor:{visitor.id}:overstay",
        )
        log(
            session, floor, "visitor.check_in", subject(visitor.id),
            after={"checked_in_at": when.isoformat(),
                   "expected_end_at": visitor.expected_end_at.isoformat()},
        )
        return view_of(visitor)


def check_out(floor: Floor, ref: str, at: datetime | None = None) -> VisitorView:
    """A visitor leaves the floor; a pending overstay alert is cancelled."""
    when = _when(floor, at)
    with floor.db.write() as session:
        require(floor, session, "visitor.check_out")
        visitor = find_visitor(session, ref)
        if visitor.checked_in_at is None:
            raise FloorError("this visitor has not checked in")
        if visitor.checked_out_at is not None:
            raise FloorError("this visitor has already checked out")
        if when < visitor.checked_in_at:
            raise FloorError(
                "the check-out time is before the check-in ({floor})",
                floor=_local(floor, visitor.checked_in_at),
            )
        visitor.checked_out_at = when
        visitor.checked_out_by = floor.actor.name
        session.add(visitor)
        alerts.cancel(session, floor, dedupe_prefix=f"visitor:{visitor.id}:overstay")
        log(
            session, floor, "visitor.check_out", subject(visitor.id),
            after={"checked_out_at": when.isoformat()},
        )
        return view_of(visitor)


def on_floor_condition() -> Any:
    """The one rule for "on the floor": checked in and not yet checked out."""
    return col(Visitor.checked_in_at).is_not(None) & col(Visitor.checked_out_at).is_(None)


def visitors_on_floor(session: Session) -> list[VisitorView]:
    """Everyone checked in and not yet out, earliest first (header, handover, roll call)."""
    rows = session.exec(
        select(Visitor).where(on_floor_condition()).order_by(col(Visitor.checked_in_at))
    ).all()
    return [view_of(v) for v in rows]


def list_visitors(
    session: Session, *, on_floor: bool = False, state: str | None = None
) -> list[VisitorView]:
    """Visitors, newest registration first; only those on the floor when asked."""
    if on_floor:
        return visitors_on_floor(session)
    rows = session.exec(select(Visitor).order_by(col(Visitor.registered_at).desc())).all()
    views = [view_of(v) for v in rows]
    if state:
        views = [v for v in views if v.state == state]
    return views
