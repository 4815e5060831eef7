"""Past handovers, newest shift first, searched across every text in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from floorman.data.tables.handover import Handover, HandoverAmendment, HandoverItem
from floorman.domain.core.states import HandoverItemStatus, HandoverStatus
from floorman.domain.core.text import clean
from floorman.domain.handover.views import iso


@dataclass(frozen=True)
class HandoverSummary:
    """One line of the handover history."""

    id: str
    shift_id: str
    status: HandoverStatus
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
            "submitted_at": iso(self.submitted_at),
            "acknowledged_at": iso(self.acknowledged_at),
            "open_items": self.open_items,
            "amendments": self.amendments,
            "summary": self.summary,
        }


def _matching(term: str) -> ColumnElement[bool]:
    """The condition: `term` (literal, no wildcards) appears in any text of a handover."""
    in_items = select(HandoverItem.handover_id).where(
        or_(
            col(HandoverItem.text).contains(term, autoescape=True),
            col(HandoverItem.owner).contains(term, autoescape=True),
        )
    )
    in_amendments = select(HandoverAmendment.handover_id).where(
        col(HandoverAmendment.text).contains(term, autoescape=True)
    )
    return or_(
        col(Handover.shift_id).contains(term, autoescape=True),
        col(Handover.outgoing).contains(term, autoescape=True),
        col(Handover.incoming).contains(term, autoescape=True),
        col(Handover.summary).contains(term, autoescape=True),
        col(Handover.instructions).contains(term, autoescape=True),
        col(Handover.notes).contains(term, autoescape=True),
        col(Handover.id).in_(in_items),
        col(Handover.id).in_(in_amendments),
    )


def list_handovers(
    session: Session, *, search: str | None = None, limit: int = 50
) -> list[HandoverSummary]:
    """Past handovers, newest shift first; `search` matches any text in them."""
    query = select(Handover)
    term = clean(search, "search", max_len=100)
    if term:
        query = query.where(_matching(term))
    rows = session.exec(query.order_by(col(Handover.shift_start).desc()).limit(limit)).all()
    ids = [r.id for r in rows]
    open_counts = dict(
        session.exec(
            select(HandoverItem.handover_id, func.count())
            .where(
                col(HandoverItem.handover_id).in_(ids),
                HandoverItem.status == HandoverItemStatus.OPEN,
            )
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
            status=HandoverStatus(r.status),
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
