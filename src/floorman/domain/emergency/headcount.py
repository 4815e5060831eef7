"""An emergency's side of the one roll call: its people, marking them safe, adding someone.

The roll call itself is `floorman.domain.roll_call`; here an emergency's id names it, and
marks are refused once the emergency is closed.
"""

from __future__ import annotations

from sqlmodel import Session

from floorman.data.tables.emergency import Emergency
from floorman.data.tables.roll_call import RollCall
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean
from floorman.domain.emergency.lifecycle import running_emergency
from floorman.domain.emergency.views import find_emergency
from floorman.domain.operators import permissions
from floorman.domain.roll_call import book
from floorman.domain.roll_call.views import (
    RollCallCount,
    RollCallEntryView,
    RollCallView,
    entry_view,
    roll_call_view,
)


def _roll_of(session: Session, emergency: Emergency) -> RollCall:
    roll = session.get(RollCall, emergency.roll_call_id) if emergency.roll_call_id else None
    if roll is None:
        raise FloorError("{title_en} has no roll call", title_en=emergency.title_en)
    return roll


def roll_call_of(session: Session, ref: str) -> RollCallView | None:
    """The roll call the emergency `ref` uses, or None when its checklist takes none."""
    emergency = find_emergency(session, ref)
    if emergency.roll_call_id is None:
        return None
    return roll_call_view(session, _roll_of(session, emergency))


def roll_call_lines(session: Session, ref: str) -> list[RollCallEntryView]:
    """The people on the emergency's roll call (none when its checklist takes no roll call)."""
    view = roll_call_of(session, ref)
    return list(view.entries) if view is not None else []


def roll_call_count(session: Session, ref: str) -> RollCallCount | None:
    """The one roll-call count of the emergency `ref` (None when it takes no roll call)."""
    view = roll_call_of(session, ref)
    return view.count if view is not None else None


def mark_safe(floor: Floor, ref: str, person: str) -> RollCallEntryView:
    """Mark one person on the emergency's roll call (name or number) safe: who and when."""
    who = clean(person, "person", required=True, max_len=80) or ""
    with floor.db.write() as session:
        permissions.require(floor, book.PERMISSION, session=session)
        roll = _roll_of(session, running_emergency(session, ref))
        (entry,) = book.mark_in(session, floor, roll, [who])
        return entry_view(session, entry)


def add_to_roll_call(floor: Floor, ref: str, name: str, location: str = "") -> RollCallEntryView:
    """Add someone the lists did not know of (a cleaner, a courier) to the roll call."""
    who = clean(name, "name", required=True, max_len=80) or ""
    where = clean(location, "location", max_len=80) or ""
    with floor.db.write() as session:
        permissions.require(floor, book.PERMISSION, session=session)
        roll = _roll_of(session, running_emergency(session, ref))
        return entry_view(session, book.add_in(session, floor, roll, who, where))
