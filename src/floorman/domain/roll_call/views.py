"""What a roll call shows: its people in reading order, who is safe, marked by whom, when.

A visitor's name, badge, escort and host are read from the visitor row each time, so a
purged visitor shows as "(purged)" everywhere at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from floorman.data.tables.emergency import Emergency
from floorman.data.tables.roll_call import RollCall, RollCallEntry
from floorman.data.tables.visitors import Visitor
from floorman.domain.core.states import PersonKind
from floorman.i18n import cells, fit, language, t, translate

# What an entry shows once its name is gone (a purged visitor).
NO_NAME = "(purged)"


def timeline_words(entry: RollCallEntry | RollCallEntryView, lang: str = "en") -> str:
    """How an emergency's timeline names a person on the roll call, in `lang`: `#3 Li Na
    (seat A-01)`, a visitor only by number (`#7 visitor`): the timeline is kept for ever
    and the retention purge must leave no name behind. Stored in English; the report
    rebuilds it in its own language from the same entry."""
    if entry.kind == PersonKind.VISITOR:
        return translate(lang, "#{position} visitor", position=entry.position)
    where = translate(lang, "seat {seat}", seat=entry.seat) if entry.seat else entry.place or ""
    words = translate(lang, "#{position} {name}", position=entry.position, name=entry.name)
    return words + (translate(lang, " ({where})", where=where) if where else "")


@dataclass(frozen=True)
class RollCallEntryView:
    """One person to account for: numbered, what kind, where they were, whether safe."""

    position: int
    kind: PersonKind
    name: str
    seat: str | None
    zone: str | None
    seat_state: str | None
    host: str | None
    badge: str | None
    escort: str | None
    place: str | None
    safe_at: datetime | None
    safe_by: str | None
    visitor_id: str | None = None

    @property
    def reported_as(self) -> str:
        """How a kept report (the incident report) names them: a visitor by id only, so
        the retention purge leaves no name behind in a report written to a file."""
        if self.kind == PersonKind.VISITOR and self.visitor_id:
            return f"visitor {self.visitor_id}"
        return self.name

    @property
    def safe(self) -> bool:
        return self.safe_at is not None

    @property
    def location(self) -> str:
        """Where to look for them, in the current language: a seat, a visitor's badge and
        host, a place."""
        if self.seat:
            if self.seat_state:
                return t("seat {seat} ({state})", seat=self.seat, state=t(self.seat_state))
            return t("seat {seat}", seat=self.seat)
        parts = [
            t("badge {badge}", badge=self.badge) if self.badge else "",
            t("escort {escort}", escort=self.escort) if self.escort else "",
            t("host {host}", host=self.host) if self.host else "",
            self.place or "",
        ]
        return t(", ").join(p for p in parts if p)

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = asdict(self)
        data["location"] = self.location
        for key in ("safe_at",):
            value = data[key]
            data[key] = value.isoformat() if isinstance(value, datetime) else value
        return data


@dataclass(frozen=True)
class RollCallCount:
    """The one count of a roll call: every screen, the CLI and the report show this."""

    people: int
    safe: int
    staff: int
    visitors: int

    @property
    def not_yet_safe(self) -> int:
        return self.people - self.safe

    def as_json(self) -> dict[str, int]:
        return {
            "people": self.people,
            "safe": self.safe,
            "not_yet_safe": self.not_yet_safe,
            "staff": self.staff,
            "visitors": self.visitors,
        }


def count_entries(entries: Iterable[RollCallEntryView]) -> RollCallCount:
    """How many are on the roll call, how many safe, how many staff and visitors."""
    people = safe = staff = visitors = 0
    for entry in entries:
        people += 1
        safe += entry.safe_at is not None
        staff += entry.kind == PersonKind.STAFF
        visitors += entry.kind == PersonKind.VISITOR
    return RollCallCount(people=people, safe=safe, staff=staff, visitors=visitors)


@dataclass(frozen=True)
class RollCallView:
    """A roll call and its entries, in the order they are read out."""

    id: str
    reason: str
    started_at: datetime
    started_by: str
    closed_at: datetime | None
    closed_by: str | None
    entries: tuple[RollCallEntryView, ...]
    # Why, in the language the view was made in: an emergency's roll call is named by its
    # checklist's title in that language (the stored reason is the English record).
    reason_shown: str = ""

    @property
    def short_id(self) -> str:
        return self.id[:8]

    @property
    def count(self) -> RollCallCount:
        return count_entries(self.entries)

    @property
    def missing(self) -> int:
        """How many are not yet marked safe."""
        return self.count.not_yet_safe

    @property
    def people(self) -> int:
        return len(self.entries)

    def as_json(self) -> dict[str, object]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "reason": self.reason,
            "started_at": iso(self.started_at),
            "started_by": self.started_by,
            "closed_at": iso(self.closed_at),
            "closed_by": self.closed_by,
            "people": self.people,
            "missing": self.missing,
            "count": self.count.as_json(),
            "entries": [entry.as_json() for entry in self.entries],
        }


def _entry_view(entry: RollCallEntry, visitor: Visitor | None) -> RollCallEntryView:
    name = visitor.name if visitor is not None else entry.name
    return RollCallEntryView(
        position=entry.position,
        kind=PersonKind(entry.kind),
        name=name or NO_NAME,
        seat=entry.seat,
        zone=entry.zone,
        seat_state=entry.seat_state,
        host=visitor.host if visitor is not None else None,
        badge=visitor.badge if visitor is not None else None,
        escort=visitor.escort if visitor is not None else None,
        place=entry.place,
        safe_at=entry.safe_at,
        safe_by=entry.safe_by,
        visitor_id=entry.visitor_id,
    )


def entry_rows(session: Session, roll_call_id: str) -> list[tuple[RollCallEntry, Visitor | None]]:
    """The entries of a roll call in reading order, each with its visitor row if any."""
    rows = session.exec(
        select(RollCallEntry, Visitor)
        .join(Visitor, col(RollCallEntry.visitor_id) == col(Visitor.id), isouter=True)
        .where(RollCallEntry.roll_call_id == roll_call_id)
        .order_by(col(RollCallEntry.position))
    ).all()
    return [(entry, visitor) for entry, visitor in rows]


def entry_view(session: Session, entry: RollCallEntry) -> RollCallEntryView:
    """The shown form of one entry."""
    visitor = session.get(Visitor, entry.visitor_id) if entry.visitor_id else None
    return _entry_view(entry, visitor)


def emergency_reason(title_en: str, drill: bool) -> str:
    """The stored reason of the roll call an emergency starts: `Fire`, `drill: Fire`."""
    return ("drill: " if drill else "") + title_en


def _reason_shown(session: Session, roll: RollCall) -> str:
    """The roll call's reason in the current language: an emergency's title when the
    reason is the one that emergency gave it, else the reason as written."""
    emergencies = session.exec(select(Emergency).where(col(Emergency.roll_call_id) == roll.id))
    for emergency in emergencies:
        if emergency_reason(emergency.title_en, emergency.drill) == roll.reason:
            title = emergency.title_zh if language() == "zh" and emergency.title_zh else None
            title = title or emergency.title_en
            return t("drill: {title}", title=title) if emergency.drill else title
    return roll.reason


def roll_call_view(session: Session, roll: RollCall) -> RollCallView:
    """The shown form of a roll call with all its entries."""
    return RollCallView(
        reason_shown=_reason_shown(session, roll),
        id=roll.id,
        reason=roll.reason,
        started_at=roll.started_at,
        started_by=roll.started_by,
        closed_at=roll.closed_at,
        closed_by=roll.closed_by,
        entries=tuple(_entry_view(e, v) for e, v in entry_rows(session, roll.id)),
    )


def roll_call_text(view: RollCallView, zone: ZoneInfo) -> str:
    """The roll call as plain text to print or read out, in the current language: [x]
    safe, [ ] not yet; the kind column as wide as its longest word (CJK counted twice)."""

    def local(when: datetime) -> str:
        return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    started = t(
        "ROLL CALL {id}  started {time} by {name}",
        id=view.short_id,
        time=local(view.started_at),
        name=view.started_by,
    )
    if view.reason:
        started += t("  ({reason})", reason=view.reason_shown or view.reason)
    counted = t("{people} people, {missing} not yet safe", people=view.people, missing=view.missing)
    if view.closed_at:
        counted += t("; closed {time}", time=local(view.closed_at))
    kinds = [t(str(entry.kind)) for entry in view.entries]
    kind_width = max((cells(kind) for kind in kinds), default=0)
    out = [started, counted, ""]
    for entry, kind in zip(view.entries, kinds, strict=True):
        mark = "[x]" if entry.safe_at else "[ ]"
        safe = ""
        if entry.safe_at:
            safe = "  " + t("safe {time} ({name})", time=local(entry.safe_at), name=entry.safe_by)
        shown_kind = fit(kind, kind_width)
        out.append(f"{mark} {entry.position:>3}  {shown_kind} {entry.name}  {entry.location}{safe}")
    return "\n".join(out) + "\n"
