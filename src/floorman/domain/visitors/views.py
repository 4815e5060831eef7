"""A visitor as everyone outside this package sees one, and how a visitor is named.

`VisitorView` is what screens, the CLI, exports and the handover show: phone and ID
always masked. `find_visitor` is the one way a typed reference (the id, the start of it,
or a badge still out) names a visitor.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from floorman.data.tables.visitors import Visitor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.lookup import by_id_prefix
from floorman.domain.core.states import VisitorState, VisitorStatus
from floorman.domain.visitors.privacy import mask_id, mask_phone
from floorman.domain.visitors.records import required_text


@dataclass(frozen=True)
class VisitorView:
    """A visitor as screens, the CLI and exports show it: phone and ID always masked."""

    id: str
    name: str
    organisation: str
    category: str
    purpose: str
    host: str
    escort: str | None
    phone: str | None
    id_number: str | None
    badge: str | None
    expected_minutes: int
    status: str
    state: VisitorState
    registered_at: datetime
    registered_by: str
    decided_at: datetime | None
    decided_by: str | None
    reject_reason: str | None
    checked_in_at: datetime | None
    expected_end_at: datetime | None
    checked_out_at: datetime | None
    watch_match: bool
    purged: bool

    @property
    def short_id(self) -> str:
        return self.id[:8]

    def overstayed(self, now: datetime) -> bool:
        """On the floor past the expected end."""
        return (
            self.state == VisitorState.ON_FLOOR
            and self.expected_end_at is not None
            and now >= self.expected_end_at
        )

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        return data


def visitor_state(visitor: Visitor) -> VisitorState:
    """pending, approved, rejected, on_floor (checked in) or left (checked out)."""
    if visitor.checked_out_at is not None:
        return VisitorState.LEFT
    if visitor.checked_in_at is not None:
        return VisitorState.ON_FLOOR
    return VisitorState(visitor.status)


def view_of(visitor: Visitor) -> VisitorView:
    """The shown form of a visitor row."""
    return VisitorView(
        id=visitor.id,
        name=visitor.name,
        organisation=visitor.organisation,
        category=visitor.category,
        purpose=visitor.purpose,
        host=visitor.host,
        escort=visitor.escort,
        phone=mask_phone(visitor.phone),
        id_number=mask_id(visitor.id_last4),
        badge=visitor.badge,
        expected_minutes=visitor.expected_minutes,
        status=visitor.status,
        state=visitor_state(visitor),
        registered_at=visitor.registered_at,
        registered_by=visitor.registered_by,
        decided_at=visitor.decided_at,
        decided_by=visitor.decided_by,
        reject_reason=visitor.reject_reason,
        checked_in_at=visitor.checked_in_at,
        expected_end_at=visitor.expected_end_at,
        checked_out_at=visitor.checked_out_at,
        watch_match=visitor.watch_match,
        purged=visitor.purged_at is not None,
    )


def journal_view(visitor: Visitor) -> dict[str, object]:
    """What the append-only journal keeps of a visitor: no name, phone or ID number."""
    return {
        "id": visitor.id,
        "category": visitor.category,
        "organisation": visitor.organisation,
        "host": visitor.host,
        "escort": visitor.escort,
        "badge": visitor.badge,
        "expected_minutes": visitor.expected_minutes,
        "status": visitor.status,
        "has_phone": visitor.phone is not None,
        "has_id_number": visitor.id_hash is not None,
    }


def badge_holder(session: Session, badge: str) -> Visitor | None:
    """The visitor holding `badge` now: given it, not turned away, not yet left."""
    return session.exec(
        select(Visitor).where(
            Visitor.badge == badge,
            col(Visitor.checked_out_at).is_(None),
            Visitor.status != VisitorStatus.REJECTED,
        )
    ).first()


def find_visitor(session: Session, ref: str) -> Visitor:
    """A visitor by id, by the first characters of the id (core.lookup), or by a badge out."""
    text = required_text(ref, "visitor", 64)
    try:
        return by_id_prefix(session, Visitor, text, what="visitor")
    except FloorError:
        holder = badge_holder(session, text)
        if holder is None:
            raise
        return holder


def get_visitor(session: Session, ref: str) -> VisitorView:
    """The shown form of the visitor `ref` names."""
    return view_of(find_visitor(session, ref))
