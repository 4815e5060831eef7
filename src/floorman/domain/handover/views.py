"""The sections of a handover and its plain views: what the screen, the CLI and Markdown show.

A handover has live sections (the floor as it was when composed or submitted, see
`snapshot`) and written ones (summary, open items, instructions, notes). The incoming
duty manager reviews every one of `SECTIONS` before acknowledging.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from floorman.data.tables.handover import Handover, HandoverAmendment, HandoverItem
from floorman.domain.core.context import Floor
from floorman.domain.core.states import HandoverItemStatus, HandoverStatus
from floorman.domain.shifts import manager_of, next_shift, shift_at

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


def iso(value: datetime | None) -> str | None:
    """A time as the handover stores and hashes it: ISO 8601 in UTC (None stays None)."""
    return value.astimezone(UTC).isoformat() if value is not None else None


@dataclass(frozen=True)
class ItemView:
    """An open item as the composer, the screen and `handover show` list it."""

    id: str
    origin_id: str
    carried: bool
    text: str
    owner: str
    deadline: datetime | None
    status: HandoverItemStatus
    created_by: str
    closed_at: datetime | None
    closed_by: str | None
    close_note: str | None

    @property
    def closed(self) -> bool:
        return self.status == HandoverItemStatus.CLOSED

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "origin_id": self.origin_id,
            "carried": self.carried,
            "text": self.text,
            "owner": self.owner,
            "deadline": iso(self.deadline),
            "status": self.status,
            "created_by": self.created_by,
            "closed_at": iso(self.closed_at),
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
            "at": iso(self.at),
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
    status: HandoverStatus
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
        return self.status == HandoverStatus.ACKNOWLEDGED

    @property
    def open_items(self) -> list[ItemView]:
        return [i for i in self.items if i.status == HandoverItemStatus.OPEN]

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "shift_id": self.shift_id,
            "shift_start": iso(self.shift_start),
            "shift_end": iso(self.shift_end),
            "status": self.status,
            "locked": self.locked,
            "outgoing": self.outgoing,
            "incoming": self.incoming,
            "expected_incoming": self.expected_incoming,
            "live_state_at": iso(self.live_state_at),
            "live_state": self.live_state,
            "summary": self.summary,
            "items": [i.as_json() for i in self.items],
            "instructions": self.instructions,
            "notes": self.notes,
            "submitted_at": iso(self.submitted_at),
            "submitted_by": self.submitted_by,
            "acknowledged_at": iso(self.acknowledged_at),
            "acknowledged_by": self.acknowledged_by,
            "reviewed": self.reviewed,
            "content_hash": self.content_hash,
            "prev_hash": self.prev_hash,
            "amendments": [a.as_json() for a in self.amendments],
        }


def items_of(session: Session, handover_id: str) -> list[HandoverItem]:
    """The items of one handover in list order (the order they are numbered in)."""
    return list(
        session.exec(
            select(HandoverItem)
            .where(HandoverItem.handover_id == handover_id)
            .order_by(col(HandoverItem.position), col(HandoverItem.created_at))
        ).all()
    )


def amendments_of(session: Session, handover_id: str) -> list[HandoverAmendment]:
    """The amendments of one handover, oldest first."""
    return list(
        session.exec(
            select(HandoverAmendment)
            .where(HandoverAmendment.handover_id == handover_id)
            .order_by(col(HandoverAmendment.seq))
        ).all()
    )


def item_view(item: HandoverItem) -> ItemView:
    """The plain view of one item row."""
    return ItemView(
        id=item.id,
        origin_id=item.origin_id,
        carried=item.carried_from is not None,
        text=item.text,
        owner=item.owner,
        deadline=item.deadline,
        status=HandoverItemStatus(item.status),
        created_by=item.created_by,
        closed_at=item.closed_at,
        closed_by=item.closed_by,
        close_note=item.close_note,
    )


def expected_incoming(session: Session, floor: Floor, row: Handover) -> str | None:
    """The next shift's duty manager on the roster: who should acknowledge `row`."""
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
        status=HandoverStatus(row.status),
        outgoing=row.outgoing,
        incoming=row.incoming,
        expected_incoming=expected_incoming(session, floor, row),
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
        items=[item_view(i) for i in items_of(session, row.id)],
        amendments=[
            AmendmentView(a.seq, a.at, a.author, a.text, a.hash)
            for a in amendments_of(session, row.id)
        ],
    )
