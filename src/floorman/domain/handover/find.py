"""Which handover a reference names: "current", "last", "pending", a shift id, or an id.

Ids and their prefixes go through the one id-prefix lookup (`core.lookup.by_id_prefix`):
literal matching, one minimum length, one "no such handover" message, so `%%%%` or `____`
names nothing.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from floorman.data.tables.handover import Handover
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.lookup import by_id_prefix
from floorman.domain.core.states import HandoverStatus
from floorman.domain.handover.views import HandoverView, view_of
from floorman.domain.shifts import resolve_shift, shift_by_id

# Words `find_handover` reads as a shift relative to now.
RELATIVE_SHIFTS = ("current", "previous", "prev", "next")


def by_shift(session: Session, shift_id: str) -> Handover | None:
    """The handover of one shift, if composed."""
    return session.exec(select(Handover).where(Handover.shift_id == shift_id)).first()


def _newest(session: Session, *, status: HandoverStatus | None = None) -> Handover | None:
    query = select(Handover)
    if status is not None:
        query = query.where(Handover.status == status)
    return session.exec(query.order_by(col(Handover.shift_start).desc()).limit(1)).first()


def find_handover(session: Session, floor: Floor, ref: str | None = None) -> Handover:
    """Find by "current" (default), "last", "pending" (awaiting acknowledgement), "previous",
    "next", a shift id ("2026-11-23/08:00-16:00") or a handover id (or a prefix of it)."""
    ref = (ref or "current").strip()
    row: Handover | None
    if ref in RELATIVE_SHIFTS:
        shift = resolve_shift(floor, ref)
        row = by_shift(session, shift.id)
        if row is None:
            raise FloorError("no handover for shift {id} yet; compose one first", id=shift.id)
        return row
    if ref == "last":
        row = _newest(session)
        if row is None:
            raise FloorError("no handover has been written yet")
        return row
    if ref == "pending":
        row = _newest(session, status=HandoverStatus.SUBMITTED)
        if row is None:
            raise FloorError("no submitted handover is waiting for acknowledgement")
        return row
    if "/" in ref:
        shift = shift_by_id(floor.config, ref)
        row = by_shift(session, shift.id)
        if row is None:
            raise FloorError("no handover for shift {id}", id=shift.id)
        return row
    return by_id_prefix(session, Handover, ref, what="handover")


def get(floor: Floor, ref: str | None = None) -> HandoverView:
    """Read one handover (see `find_handover` for the references understood)."""
    with floor.db.read() as session:
        return view_of(session, floor, find_handover(session, floor, ref))
