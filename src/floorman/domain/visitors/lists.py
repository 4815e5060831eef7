"""The watch list (alert on arrival) and the block list (refuse registration).

An entry matches a visitor when every field it gives matches: names and organisations
ignoring case and spacing, phones by their digits (a country code on one side only is
allowed for).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from floorman.data.tables.visitors import VisitorListEntry
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.lookup import by_id_prefix
from floorman.domain.core.states import ListKind
from floorman.domain.visitors.privacy import mask_phone, normalise_phone, phone_digits
from floorman.domain.visitors.records import checked_text, log, require, required_text


@dataclass(frozen=True)
class ListEntryView:
    """A watch- or block-list entry as shown: its phone masked."""

    id: str
    kind: str
    name: str | None
    organisation: str | None
    phone: str | None
    reason: str
    added_at: datetime
    added_by: str

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["added_at"] = self.added_at.isoformat()
        return data


def _entry_view(entry: VisitorListEntry) -> ListEntryView:
    return ListEntryView(
        entry.id, entry.kind, entry.name, entry.organisation, mask_phone(entry.phone),
        entry.reason, entry.added_at, entry.added_by,
    )


def _key(text: str | None) -> str:
    """Compare names and organisations ignoring case and spacing."""
    return " ".join((text or "").casefold().split())


def _same_phone(a: str | None, b: str | None) -> bool:
    """Same digits, or one ends with the other (a country code like +86 on one side only)."""
    x, y = phone_digits(a), phone_digits(b)
    if not x or not y:
        return False
    short, long = sorted((x, y), key=len)
    return x == y or (len(short) >= 7 and long.endswith(short))


def _entry_matches(
    entry: VisitorListEntry, name: str, organisation: str, phone: str | None
) -> bool:
    checks = []
    if entry.name:
        checks.append(_key(entry.name) == _key(name))
    if entry.organisation:
        checks.append(_key(entry.organisation) == _key(organisation))
    if entry.phone:
        checks.append(_same_phone(entry.phone, phone))
    return bool(checks) and all(checks)


def matching(
    session: Session, kind: ListKind, name: str, organisation: str, phone: str | None
) -> list[VisitorListEntry]:
    """The active entries of list `kind` that match this visitor."""
    entries = session.exec(
        select(VisitorListEntry).where(
            VisitorListEntry.kind == kind, col(VisitorListEntry.removed_at).is_(None)
        )
    ).all()
    return [e for e in entries if _entry_matches(e, name, organisation, phone)]


def _list_kind(kind: str) -> ListKind:
    try:
        return ListKind(kind)
    except ValueError:
        raise FloorError("list must be 'watch' or 'block'") from None


def add_list_entry(
    floor: Floor,
    kind: str,
    *,
    name: str | None = None,
    organisation: str | None = None,
    phone: str | None = None,
    reason: str | None = None,
) -> ListEntryView:
    """Put a name, organisation and/or phone on the watch or block list."""
    list_kind = _list_kind(kind)
    entry = VisitorListEntry(
        kind=list_kind,
        name=checked_text(name, "name", max_len=100),
        organisation=checked_text(organisation, "organisation", max_len=100),
        phone=normalise_phone(phone),
        reason=checked_text(reason, "reason", max_len=200) or "",
        added_at=floor.clock.now(),
        added_by=floor.actor.name,
    )
    if not (entry.name or entry.organisation or entry.phone):
        raise FloorError("give a name, an organisation or a phone to match")
    with floor.db.write() as session:
        require(floor, session, "visitor.lists")
        session.add(entry)
        session.flush()
        log(
            session, floor, f"visitor.{list_kind}_add", f"visitor_list:{entry.id}",
            after={"kind": list_kind, "name": entry.name, "organisation": entry.organisation,
                   "phone": mask_phone(entry.phone), "reason": entry.reason},
        )
        return _entry_view(entry)


def find_list_entry(session: Session, ref: str) -> VisitorListEntry:
    """An active (not removed) list entry by its id or the start of it (core.lookup)."""
    return by_id_prefix(
        session, VisitorListEntry, required_text(ref, "entry", 64), what="list entry",
        where=[col(VisitorListEntry.removed_at).is_(None)],
    )


def remove_list_entry(floor: Floor, entry_id: str, kind: str | None = None) -> ListEntryView:
    """Take an entry off its list (it is kept, marked removed, for the record)."""
    with floor.db.write() as session:
        require(floor, session, "visitor.lists")
        entry = find_list_entry(session, entry_id)
        if kind is not None and entry.kind != kind:
            raise FloorError(
                "entry {id} is on the {kind} list, not the {kind2} list",
                id=entry.id[:8],
                kind=entry.kind,
                kind2=kind,
            )
        entry.removed_at = floor.clock.now()
        entry.removed_by = floor.actor.name
        session.add(entry)
        log(session, floor, f"visitor.{entry.kind}_remove", f"visitor_list:{entry.id}")
        return _entry_view(entry)


def list_entries(session: Session, kind: str) -> list[ListEntryView]:
    """The active entries of the watch or block list, oldest first."""
    rows = session.exec(
        select(VisitorListEntry)
        .where(VisitorListEntry.kind == kind, col(VisitorListEntry.removed_at).is_(None))
        .order_by(col(VisitorListEntry.added_at))
    ).all()
    return [_entry_view(e) for e in rows]
