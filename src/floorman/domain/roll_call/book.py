"""Taking, marking and closing the one roll call.

There is at most one roll call open at a time, so every screen counts the same people:
starting one (the visitors panel's `c`, `visitors rollcall start`, an emergency whose
checklist asks for one) joins the open roll call when there is one, adding whoever came
onto the floor since, and starts a new one only when none is open. An emergency names
the roll call it uses (`emergency.roll_call_id`); the roll call closes with the last
running emergency using it, and a stand-alone one is closed by hand.

Every mark is stamped with who and when, written to the journal (numbers only, never a
visitor's name: the journal is append-only) and to the timeline of each running emergency
that uses the roll call, whichever screen or command made it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from floorman.data import emergency_timeline, journal
from floorman.data.tables.emergency import Emergency
from floorman.data.tables.roll_call import RollCall, RollCallEntry
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.lookup import by_id_prefix
from floorman.domain.core.states import EmergencyStatus, PersonKind
from floorman.domain.core.text import clean
from floorman.domain.operators import permissions
from floorman.domain.roll_call.people import Person, people_on_floor
from floorman.domain.roll_call.views import (
    RollCallCount,
    RollCallEntryView,
    RollCallView,
    entry_rows,
    entry_view,
    roll_call_view,
    timeline_words,
)

# The one permission for every roll-call action, from any panel.
PERMISSION = "roll_call"


def _log(session: Session, floor: Floor, action: str, roll: RollCall, after: object) -> None:
    journal.append(
        session,
        at=floor.clock.now(),
        actor=floor.actor.name,
        terminal=floor.actor.terminal,
        action=action,
        subject=f"rollcall:{roll.id}",
        after=after,
    )


def emergencies_using(session: Session, roll: RollCall) -> list[Emergency]:
    """The running emergencies whose roll call this is."""
    return list(
        session.exec(
            select(Emergency).where(
                Emergency.roll_call_id == roll.id, Emergency.status == EmergencyStatus.RUNNING
            )
        ).all()
    )


def _tell_emergencies(
    session: Session, floor: Floor, roll: RollCall, action: str, text: str
) -> None:
    for emergency in emergencies_using(session, roll):
        emergency_timeline.append(
            session,
            emergency.id,
            at=floor.clock.now(),
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action=action,
            text=text,
        )


# --------------------------------------------------------------------------- finding


def open_roll_call(session: Session) -> RollCall | None:
    """The roll call open now (the latest started, should old ones have been left open)."""
    return session.exec(
        select(RollCall)
        .where(col(RollCall.closed_at).is_(None))
        .order_by(col(RollCall.started_at).desc())
        .limit(1)
    ).first()


def open_count(session: Session) -> RollCallCount | None:
    """The count of the roll call open now (None when none is open)."""
    roll = open_roll_call(session)
    return roll_call_view(session, roll).count if roll is not None else None


def find_roll_call(session: Session, ref: str | None = None) -> RollCall:
    """A roll call by its id or the start of it (core.lookup), or the latest one."""
    if ref:
        return by_id_prefix(session, RollCall, ref, what="roll call")
    latest = session.exec(
        select(RollCall).order_by(col(RollCall.started_at).desc()).limit(1)
    ).first()
    if latest is None:
        raise FloorError("no roll call has been started")
    return latest


def roll_call(session: Session, ref: str | None = None) -> RollCallView:
    """A roll call by id (or the latest one) with its entries."""
    return roll_call_view(session, find_roll_call(session, ref))


# --------------------------------------------------------------------------- taking


def _add(session: Session, roll: RollCall, people: Sequence[Person]) -> int:
    """Put on `roll` everyone in `people` not already on it; return how many were added."""
    rows = [entry for entry, _visitor in entry_rows(session, roll.id)]
    known = {e.agent_id for e in rows if e.agent_id} | {e.visitor_id for e in rows if e.visitor_id}
    position = max((e.position for e in rows), default=0)
    added = 0
    for person in people:
        if (person.agent_id or person.visitor_id) in known:
            continue
        position += 1
        added += 1
        session.add(
            RollCallEntry(
                roll_call_id=roll.id,
                position=position,
                kind=person.kind,
                agent_id=person.agent_id,
                visitor_id=person.visitor_id,
                # A visitor's name stays in the visitor row, which the purge clears.
                name=None if person.kind == PersonKind.VISITOR else person.name,
                seat=person.seat,
                zone=person.zone,
                seat_state=person.seat_state,
                place=person.place,
            )
        )
    session.flush()
    return added


def join_or_start(session: Session, floor: Floor, reason: str) -> RollCall:
    """In the caller's transaction: the open roll call, brought up to date with whoever
    came onto the floor since it started, or a new one of everyone on the floor now."""
    roll = open_roll_call(session)
    people = people_on_floor(session)
    if roll is not None:
        added = _add(session, roll, people)
        _log(session, floor, "rollcall.join", roll, {"reason": reason, "added": added})
        return roll
    roll = RollCall(reason=reason, started_at=floor.clock.now(), started_by=floor.actor.name)
    session.add(roll)
    session.flush()
    added = _add(session, roll, people)
    _log(session, floor, "rollcall.start", roll, {"reason": reason, "people": added})
    return roll


def start_roll_call(floor: Floor, reason: str | None = None) -> RollCallView:
    """Take the roll call of everyone on the floor, or join the one already open."""
    why = clean(reason, "reason", max_len=200) or ""
    with floor.db.write() as session:
        permissions.require(floor, PERMISSION, session=session)
        return roll_call_view(session, join_or_start(session, floor, why))


# --------------------------------------------------------------------------- marking


def _resolve(session: Session, roll: RollCall, refs: Sequence[str | int]) -> list[RollCallEntry]:
    rows = entry_rows(session, roll.id)
    if not refs:
        raise FloorError("say who is safe: a number on the roll call or a name")
    found: list[RollCallEntry] = []
    for ref in refs:
        text = str(ref).strip()
        if text.isdigit():
            match = [e for e, _v in rows if e.position == int(text)]
        else:
            wanted = text.casefold()
            match = [e for e, v in rows if ((v.name if v else e.name) or "").casefold() == wanted]
        if not match:
            raise FloorError(
                "'{text}' is not on this roll call; give a name or its number",
                text=text,
            )
        if len(match) > 1:
            raise FloorError("more than one '{text}' on this roll call; give the number", text=text)
        found.append(match[0])
    return found


def mark_in(
    session: Session,
    floor: Floor,
    roll: RollCall,
    refs: Sequence[str | int],
    *,
    skip_marked: bool = False,
) -> list[RollCallEntry]:
    """Mark the people `refs` name (numbers or names) safe, in the caller's transaction.

    Someone already safe is refused, unless `skip_marked` (a screen sending a burst of
    marks while another terminal marks too): then the first mark stands, untouched."""
    if roll.closed_at is not None:
        raise FloorError("this roll call is closed")
    entries = _resolve(session, roll, refs)
    if skip_marked:
        entries = [entry for entry in entries if entry.safe_at is None]
        if not entries:
            return []
    zone = floor.config.zone()
    for entry in entries:
        if entry.safe_at is not None:
            when = entry.safe_at.astimezone(zone).strftime("%H:%M")
            raise FloorError(
                "number {position} was already marked safe by {safe_by} at {when}",
                position=entry.position,
                safe_by=entry.safe_by,
                when=when,
            )
    now = floor.clock.now()
    for entry in entries:
        entry.safe_at = now
        entry.safe_by = floor.actor.name
        session.add(entry)
        _tell_emergencies(session, floor, roll, "safe", timeline_words(entry))
    _log(session, floor, "rollcall.safe", roll, {"positions": [e.position for e in entries]})
    session.flush()
    return entries


def mark_safe(
    floor: Floor, refs: Sequence[str | int], ref: str | None = None, *, skip_marked: bool = False
) -> RollCallView:
    """Mark people safe by their number (or name) on a roll call (the latest unless given)."""
    with floor.db.write() as session:
        permissions.require(floor, PERMISSION, session=session)
        roll = find_roll_call(session, ref)
        mark_in(session, floor, roll, refs, skip_marked=skip_marked)
        return roll_call_view(session, roll)


def unmark_in(
    session: Session, floor: Floor, roll: RollCall, ref: str | int, reason: str
) -> RollCallEntry:
    """Take back a safe mark (marked by mistake, the person went back in), in the caller's
    transaction; the reason goes to the journal and the emergencies' timelines."""
    if roll.closed_at is not None:
        raise FloorError("this roll call is closed")
    why = clean(reason, "reason", required=True, max_len=200) or ""
    (entry,) = _resolve(session, roll, [ref])
    if entry.safe_at is None:
        raise FloorError("number {position} is not marked safe", position=entry.position)
    before = {"safe_at": entry.safe_at.isoformat(), "safe_by": entry.safe_by}
    entry.safe_at = None
    entry.safe_by = None
    session.add(entry)
    _tell_emergencies(session, floor, roll, "unsafe", f"{timeline_words(entry)}: {why}")
    journal.append(
        session,
        at=floor.clock.now(),
        actor=floor.actor.name,
        terminal=floor.actor.terminal,
        action="rollcall.unmark",
        subject=f"rollcall:{roll.id}",
        before=before,
        after={"position": entry.position, "reason": why},
    )
    session.flush()
    return entry


def unmark_safe(
    floor: Floor, person: str | int, reason: str, ref: str | None = None
) -> RollCallView:
    """Take back the safe mark of one person (number or name), saying why."""
    with floor.db.write() as session:
        permissions.require(floor, PERMISSION, session=session)
        roll = find_roll_call(session, ref)
        unmark_in(session, floor, roll, person, reason)
        return roll_call_view(session, roll)


def add_in(session: Session, floor: Floor, roll: RollCall, name: str, place: str) -> RollCallEntry:
    """Add someone no list knew of (a cleaner, a courier), in the caller's transaction."""
    if roll.closed_at is not None:
        raise FloorError("this roll call is closed")
    last = session.exec(
        select(func.max(RollCallEntry.position)).where(RollCallEntry.roll_call_id == roll.id)
    ).one()
    entry = RollCallEntry(
        roll_call_id=roll.id,
        position=int(last or 0) + 1,
        kind=PersonKind.OTHER,
        name=name,
        place=place or None,
    )
    session.add(entry)
    session.flush()
    _tell_emergencies(session, floor, roll, "roll_call.add", timeline_words(entry))
    _log(session, floor, "rollcall.add", roll, {"position": entry.position})
    return entry


def add_person(
    floor: Floor, name: str, place: str = "", ref: str | None = None
) -> RollCallEntryView:
    """Add someone by hand to a roll call (the latest unless given)."""
    who = clean(name, "name", required=True, max_len=80) or ""
    where = clean(place, "location", max_len=80) or ""
    with floor.db.write() as session:
        permissions.require(floor, PERMISSION, session=session)
        entry = add_in(session, floor, find_roll_call(session, ref), who, where)
        return entry_view(session, entry)


# --------------------------------------------------------------------------- closing


def _close(session: Session, floor: Floor, roll: RollCall) -> RollCallView:
    roll.closed_at = floor.clock.now()
    roll.closed_by = floor.actor.name
    session.add(roll)
    view = roll_call_view(session, roll)
    _log(session, floor, "rollcall.close", roll, {"missing": view.missing})
    return view


def close_roll_call(floor: Floor, ref: str | None = None) -> RollCallView:
    """Close a stand-alone roll call; the missing count is kept in the journal.

    A roll call a running emergency uses closes with that emergency."""
    with floor.db.write() as session:
        permissions.require(floor, PERMISSION, session=session)
        roll = find_roll_call(session, ref)
        if roll.closed_at is not None:
            raise FloorError("this roll call is already closed")
        users = emergencies_using(session, roll)
        if users:
            raise FloorError(
                "this roll call belongs to the running emergency {title_en} ({id}); it closes "
                "with it",
                title_en=users[0].title_en,
                id=users[0].id[:8],
            )
        return _close(session, floor, roll)


def close_after_emergency(session: Session, floor: Floor, emergency: Emergency) -> None:
    """In the emergency's closing transaction: close its roll call unless another running
    emergency still uses it. Call after the emergency's status is set."""
    if emergency.roll_call_id is None:
        return
    roll = session.get(RollCall, emergency.roll_call_id)
    if roll is None or roll.closed_at is not None:
        return
    session.flush()
    if not emergencies_using(session, roll):
        _close(session, floor, roll)
