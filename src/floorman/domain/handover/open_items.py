"""Open items of a handover: what is left to do, who owns it, by when; carried until closed.

An item is added to a handover not yet acknowledged and closed there or in a later
handover. Composing and submitting copy every open item of the previous handover not yet
here (`carry_over`), keyed by `origin_id` so a carried item is never copied twice, and a
closure made in the previous handover is followed.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from floorman.data.tables.handover import Handover, HandoverItem
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.lookup import pick_by_prefix
from floorman.domain.core.states import HandoverItemStatus
from floorman.domain.core.text import clean
from floorman.domain.handover.find import find_handover
from floorman.domain.handover.views import ItemView, iso, item_view, items_of
from floorman.domain.handover.writing import log, require_editable, require_permission


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
        require_editable(row)
        position = max((i.position for i in items_of(session, row.id)), default=0) + 1
        item = HandoverItem(
            handover_id=row.id,
            origin_id="",
            position=position,
            text=body,
            owner=who,
            deadline=deadline,
            status=HandoverItemStatus.OPEN,
            created_at=floor.clock.now(),
            created_by=floor.actor.name,
        )
        item.origin_id = item.id
        session.add(item)
        row.updated_at = floor.clock.now()
        session.add(row)
        log(
            session,
            floor,
            "item.add",
            row,
            item=item.id,
            text=body,
            owner=who,
            deadline=iso(deadline),
        )
        return item_view(item)


def find_item(session: Session, row: Handover, ref: str) -> HandoverItem:
    """An item of `row` by its number in the list (1, 2...) or its id (or a prefix of it)."""
    ref = ref.strip()
    items = items_of(session, row.id)
    if ref.isdigit() and 1 <= int(ref) <= len(items):
        return items[int(ref) - 1]
    return pick_by_prefix(items, ref, what="handover item", id_of=lambda item: item.id)


def close_item(floor: Floor, ref: str | None, item_ref: str, note: str | None = None) -> ItemView:
    """Close an open item (by its number in the list or its id); it stops carrying over."""
    note_text = clean(note, "note", max_len=200)
    with floor.db.write() as session:
        require_permission(floor, "handover.write", session)
        row = find_handover(session, floor, ref)
        require_editable(row)
        item = find_item(session, row, item_ref)
        if item.status == HandoverItemStatus.CLOSED:
            raise FloorError("item '{text}' is already closed", text=item.text[:40])
        item.status, item.closed_at = HandoverItemStatus.CLOSED, floor.clock.now()
        item.closed_by, item.close_note = floor.actor.name, note_text
        session.add(item)
        log(session, floor, "item.close", row, item=item.id, note=note_text)
        return item_view(item)


def _previous_handover(session: Session, row: Handover) -> Handover | None:
    return session.exec(
        select(Handover)
        .where(col(Handover.shift_start) < row.shift_start)
        .order_by(col(Handover.shift_start).desc())
        .limit(1)
    ).first()


def carry_over(session: Session, floor: Floor, row: Handover) -> int:
    """Copy the previous handover's open items not yet here; follow closures made there."""
    previous = _previous_handover(session, row)
    if previous is None:
        return 0
    mine = {i.origin_id: i for i in items_of(session, row.id)}
    position = max((i.position for i in mine.values()), default=0)
    carried = 0
    now = floor.clock.now()
    for item in items_of(session, previous.id):
        here = mine.get(item.origin_id)
        if here is None and item.status == HandoverItemStatus.OPEN:
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
                    status=HandoverItemStatus.OPEN,
                    created_at=now,
                    created_by=item.created_by,
                )
            )
            carried += 1
        elif (
            here is not None
            and here.status == HandoverItemStatus.OPEN
            and item.status == HandoverItemStatus.CLOSED
        ):
            here.status, here.closed_at = HandoverItemStatus.CLOSED, item.closed_at
            here.closed_by, here.close_note = item.closed_by, item.close_note
            session.add(here)
    if carried:
        session.flush()
        log(session, floor, "carry", row, items=carried, from_handover=previous.id)
    return carried
