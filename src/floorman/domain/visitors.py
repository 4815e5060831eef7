"""Visitors on the floor: registration, approval, check-in and out, lists, roll call, retention.

The rules come from the manual (domain.md, floor rules): staff from another department
need a duty manager's consent; people from outside the company need the center
director's consent and an escort the whole time. On top of the paper form
(外来人员登记表) floorman adds an overstay alert, a watch list and a block list, a roll
call for evacuations, and a retention period after which personal data is purged.

Privacy rules kept here:
- the ID document number is never stored: only an HMAC (keyed with a random secret kept
  in the `visitor_secret` table) and its last four characters;
- phone and ID are masked in every view, export and journal row;
- journal rows about visitors carry no name, phone or ID number, because the journal is
  append-only and would otherwise keep them forever; the name lives only in the visitor
  row (and alert messages and roll-call lines), which `purge_expired` clears.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col, select

from floorman.data import journal
from floorman.data.models import Agent, Alert, Seat
from floorman.data.tables_visitors import (
    LIST_KINDS,
    VISITOR_CATEGORIES,
    RollCall,
    RollCallLine,
    Visitor,
    VisitorListEntry,
    VisitorSecret,
)
from floorman.domain import alerts, operators
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean, strip_control

# Who may do what is `operators.PERMISSIONS` ("visitor.*"): registering and checking
# in/out is front-desk work for anyone running the floor; approval follows the manual:
# internal -> duty manager (or above), external -> the center director only.

SECRET_NAME = "floorman_secret"
PURGED = "(purged)"
MAX_MINUTES = 24 * 60
FUTURE_TOLERANCE = timedelta(minutes=1)
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-]+$")
_ID_CHARS = re.compile(r"^[0-9A-Za-z\-]+$")


def _text(
    value: str | None, field: str, *, max_len: int, required: bool = False
) -> str | None:
    """Like `clean`, but text with control characters or escape sequences is refused.

    A visitor's details are typed once at a desk; hidden control characters there are
    either a mistake or an attack, and the duty manager should see and retype them.
    """
    if value is not None and strip_control(value) != value:
        raise FloorError(f"{field} contains control characters or terminal escape sequences")
    return clean(value, field, max_len=max_len, required=required)


# --------------------------------------------------------------------------- roles


def acting_role(floor: Floor) -> str:
    """The role recorded with a decision; None (an open floor, no login) is a duty manager."""
    return floor.actor.role or "duty_manager"


def _require(floor: Floor, session: Session, action: str) -> str:
    """`operators.require` inside the write transaction; returns the role to record."""
    return operators.require(floor, action, session=session) or acting_role(floor)


# --------------------------------------------------------------------------- masking


def mask_phone(phone: str | None) -> str | None:
    """Show only the last four digits of a phone number: `*******5678`."""
    if not phone:
        return None
    keep = 4 if len(phone) >= 8 else 2 if len(phone) >= 5 else 0
    return "*" * (len(phone) - keep) + phone[len(phone) - keep :]


def mask_id(last4: str | None) -> str | None:
    """An ID number as floorman can show it: stars and its last four characters."""
    return f"****{last4}" if last4 else None


def normalise_phone(value: str | None) -> str | None:
    """A phone number as stored: a leading + kept, then digits only."""
    text = _text(value, "phone", max_len=32)
    if text is None:
        return None
    if not _PHONE_CHARS.match(text):
        raise FloorError("phone may contain only digits, spaces, +, - and brackets")
    digits = re.sub(r"[^0-9]", "", text)
    if len(digits) < 3:
        raise FloorError("phone needs at least 3 digits")
    return ("+" if text.startswith("+") else "") + digits


def _key(text: str | None) -> str:
    """Compare names and organisations ignoring case and spacing."""
    return " ".join((text or "").casefold().split())


def _digits(phone: str | None) -> str:
    return re.sub(r"[^0-9]", "", phone or "")


# --------------------------------------------------------------------------- id hash


def _secret(session: Session, floor: Floor) -> bytes:
    """The random key for ID hashes, created in the caller's transaction on first use."""
    row = session.get(VisitorSecret, SECRET_NAME)
    if row is None:
        row = VisitorSecret(
            name=SECRET_NAME, value=secrets.token_hex(32), created_at=floor.clock.now()
        )
        session.add(row)
        session.flush()
    return bytes.fromhex(row.value)


def _normalise_id(value: str | None) -> str | None:
    text = _text(value, "ID number", max_len=40)
    if text is None:
        return None
    text = text.replace(" ", "").upper()
    if not _ID_CHARS.match(text) or len(text) < 4:
        raise FloorError("ID number must be at least 4 letters or digits")
    return text


def id_hash(session: Session, floor: Floor, id_number: str) -> str:
    """The keyed hash under which an ID number is stored (HMAC-SHA256)."""
    normalised = _normalise_id(id_number)
    if normalised is None:
        raise FloorError("ID number must not be empty")
    return hmac.new(_secret(session, floor), normalised.encode(), hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------- views


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
    state: str
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
            self.state == "on_floor"
            and self.expected_end_at is not None
            and now >= self.expected_end_at
        )

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        return data


def visitor_state(visitor: Visitor) -> str:
    """pending, approved, rejected, on_floor (checked in) or left (checked out)."""
    if visitor.checked_out_at is not None:
        return "left"
    if visitor.checked_in_at is not None:
        return "on_floor"
    return visitor.status


def _view(visitor: Visitor) -> VisitorView:
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


def _journal_view(visitor: Visitor) -> dict[str, object]:
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


def _subject(visitor_id: str) -> str:
    return f"visitor:{visitor_id}"


def _log(
    session: Session, floor: Floor, action: str, subject: str,
    before: object = None, after: object = None,
) -> None:
    journal.append(
        session, at=floor.clock.now(), actor=floor.actor.name, terminal=floor.actor.terminal,
        action=action, subject=subject, before=before, after=after,
    )


# --------------------------------------------------------------------------- registration


@dataclass(frozen=True)
class Registration:
    """What the registration form (外来人员登记表) asks for, before it is checked."""

    name: str
    organisation: str
    category: str
    purpose: str
    host: str
    escort: str | None = None
    phone: str | None = None
    id_number: str | None = None
    badge: str | None = None
    expected_minutes: int | None = None


@dataclass(frozen=True)
class _CleanRegistration:
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


def _required(value: str | None, field: str, max_len: int) -> str:
    cleaned = _text(value, field, max_len=max_len, required=True)
    assert cleaned is not None
    return cleaned


def _check_form(form: Registration, floor: Floor) -> _CleanRegistration:
    category = (form.category or "").strip().lower()
    if category not in VISITOR_CATEGORIES:
        raise FloorError("category must be 'internal' (another department) or 'external'")
    escort = _text(form.escort, "escort", max_len=100)
    if category == "external" and not escort:
        raise FloorError("a visitor from outside the company must have an escort")
    minutes = form.expected_minutes
    if minutes is None:
        minutes = floor.config.visitors.default_duration_minutes
    if not 1 <= minutes <= MAX_MINUTES:
        raise FloorError(f"expected duration must be 1 to {MAX_MINUTES} minutes")
    return _CleanRegistration(
        name=_required(form.name, "name", 100),
        organisation=_required(form.organisation, "organisation", 100),
        category=category,
        purpose=_required(form.purpose, "purpose", 200),
        host=_required(form.host, "host", 100),
        escort=escort,
        phone=normalise_phone(form.phone),
        id_number=_normalise_id(form.id_number),
        badge=_text(form.badge, "badge", max_len=20),
        expected_minutes=minutes,
    )


def _same_phone(a: str | None, b: str | None) -> bool:
    """Same digits, or one ends with the other (a country code like +86 on one side only)."""
    x, y = _digits(a), _digits(b)
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


def _matching(
    session: Session, kind: str, name: str, organisation: str, phone: str | None
) -> list[VisitorListEntry]:
    entries = session.exec(
        select(VisitorListEntry).where(
            VisitorListEntry.kind == kind, col(VisitorListEntry.removed_at).is_(None)
        )
    ).all()
    return [e for e in entries if _entry_matches(e, name, organisation, phone)]


def register(floor: Floor, form: Registration) -> VisitorView:
    """Register a visitor (pending approval); refused when on the block list.

    A block-list match writes the attempt to the journal and raises `FloorError`; a
    watch-list match registers the visitor and raises a severe alert at once.
    """
    data = _check_form(form, floor)
    now = floor.clock.now()
    blocked: VisitorListEntry | None = None
    view: VisitorView | None = None
    with floor.db.write() as session:
        _require(floor, session, "visitor.register")
        block = _matching(session, "block", data.name, data.organisation, data.phone)
        if block:
            blocked = block[0]
            _log(
                session, floor, "visitor.block_refused", f"visitor_list:{blocked.id}",
                after={
                    "entry": blocked.id,
                    "category": data.category,
                    "organisation": data.organisation,
                    "host": data.host,
                },
            )
            alerts.schedule(
                session, floor, kind="visitor.blocked", subject=f"visitor_list:{blocked.id}",
                due_at=now, severity="severe",
                message=alerts.alert_text("visitor.blocked", organisation=data.organisation),
            )
        else:
            if data.badge:
                _refuse_badge_in_use(session, data.badge)
            visitor = Visitor(
                name=data.name, organisation=data.organisation, category=data.category,
                purpose=data.purpose, host=data.host, escort=data.escort, phone=data.phone,
                badge=data.badge, expected_minutes=data.expected_minutes,
                registered_at=now, registered_by=floor.actor.name,
            )
            if data.id_number:
                visitor.id_hash = id_hash(session, floor, data.id_number)
                visitor.id_last4 = data.id_number[-4:]
            watch = _matching(session, "watch", data.name, data.organisation, data.phone)
            visitor.watch_match = bool(watch)
            session.add(visitor)
            session.flush()
            after = _journal_view(visitor)
            if watch:
                after["watch_entries"] = [e.id for e in watch]
                reasons = "; ".join(e.reason for e in watch if e.reason) or "no reason given"
                alerts.schedule(
                    session, floor, kind="visitor.watch", subject=_subject(visitor.id),
                    due_at=now, severity="severe",
                    message=alerts.alert_text(
                        "visitor.watch",
                        name=visitor.name,
                        organisation=visitor.organisation,
                        reasons=reasons,
                    ),
                    dedupe_key=f"visitor:{visitor.id}:watch",
                )
            _log(session, floor, "visitor.register", _subject(visitor.id), after=after)
            view = _view(visitor)
    if blocked is not None:
        reason = f": {blocked.reason}" if blocked.reason else ""
        raise FloorError(
            f"registration refused: this visitor is on the block list{reason} "
            "(the attempt was recorded)"
        )
    assert view is not None
    return view


def _refuse_badge_in_use(session: Session, badge: str) -> None:
    holder = session.exec(
        select(Visitor).where(
            Visitor.badge == badge,
            col(Visitor.checked_out_at).is_(None),
            Visitor.status != "rejected",
        )
    ).first()
    if holder is not None:
        raise FloorError(f"badge {badge} is already given to a visitor who has not left")


# --------------------------------------------------------------------------- lookup


def find_visitor(session: Session, ref: str) -> Visitor:
    """A visitor by id, by the first characters of the id, or by a badge still out."""
    text = _text(ref, "visitor", max_len=64, required=True)
    assert text is not None
    exact = session.get(Visitor, text)
    if exact is not None:
        return exact
    if len(text) >= 4:
        by_prefix = session.exec(
            select(Visitor).where(col(Visitor.id).startswith(text)).limit(2)
        ).all()
        if len(by_prefix) == 1:
            return by_prefix[0]
        if len(by_prefix) > 1:
            raise FloorError(f"'{text}' matches several visitors; give more of the id")
    by_badge = session.exec(
        select(Visitor).where(
            Visitor.badge == text,
            col(Visitor.checked_out_at).is_(None),
            Visitor.status != "rejected",
        )
    ).first()
    if by_badge is not None:
        return by_badge
    raise FloorError(f"no visitor '{text}'")


def get_visitor(session: Session, ref: str) -> VisitorView:
    return _view(find_visitor(session, ref))


# --------------------------------------------------------------------------- approval


def _decide(floor: Floor, ref: str, approve: bool, reason: str | None) -> VisitorView:
    with floor.db.write() as session:
        visitor = find_visitor(session, ref)
        # Admitting needs the consent the manual names; turning someone away at the door
        # is always open to a duty manager (or above), whatever the category.
        external = approve and visitor.category == "external"
        action = "visitor.approve_external" if external else "visitor.approve_internal"
        role = _require(floor, session, action)
        if visitor.status != "pending":
            raise FloorError(f"this visitor is already {visitor.status}")
        before = {"status": visitor.status}
        visitor.status = "approved" if approve else "rejected"
        visitor.decided_at = floor.clock.now()
        visitor.decided_by = floor.actor.name
        visitor.decided_role = role
        visitor.reject_reason = reason
        session.add(visitor)
        after: dict[str, object] = {"status": visitor.status, "role": role}
        if reason:
            after["reason"] = reason
        _log(
            session, floor, "visitor.approve" if approve else "visitor.reject",
            _subject(visitor.id), before=before, after=after,
        )
        return _view(visitor)


def approve(floor: Floor, ref: str) -> VisitorView:
    """Approve a pending visitor: a duty manager for internal, the director for external."""
    return _decide(floor, ref, True, None)


def reject(floor: Floor, ref: str, reason: str) -> VisitorView:
    """Reject a pending visitor, with the reason kept."""
    cleaned = _required(reason, "reason", 200)
    return _decide(floor, ref, False, cleaned)


# --------------------------------------------------------------------------- on the floor


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
    zone: ZoneInfo = floor.config.zone()
    return when.astimezone(zone).strftime("%H:%M")


def check_in(floor: Floor, ref: str, at: datetime | None = None) -> VisitorView:
    """An approved visitor enters the floor; the overstay alert is set for the expected end."""
    when = _when(floor, at)
    with floor.db.write() as session:
        _require(floor, session, "visitor.check_in")
        visitor = find_visitor(session, ref)
        if visitor.checked_in_at is not None:
            raise FloorError("this visitor is already checked in")
        if visitor.status != "approved":
            raise FloorError(f"no check-in before approval (this visitor is {visitor.status})")
        if visitor.category == "external" and not visitor.escort:
            raise FloorError("a visitor from outside the company must have an escort")
        if visitor.decided_at is not None and when < visitor.decided_at:
            raise FloorError("the check-in time is before the approval")
        visitor.checked_in_at = when
        visitor.checked_in_by = floor.actor.name
        visitor.expected_end_at = when + timedelta(minutes=visitor.expected_minutes)
        session.add(visitor)
        badge = f", badge {visitor.badge}" if visitor.badge else ""
        alerts.schedule(
            session, floor, kind="visitor.overstay", subject=_subject(visitor.id),
            due_at=visitor.expected_end_at, severity="warning",
            message=alerts.alert_text(
                "visitor.overstay",
                name=visitor.name,
                badge=badge,
                time=_local(floor, visitor.expected_end_at),
            ),
            dedupe_key=f"visitor:{visitor.id}:overstay",
        )
        _log(
            session, floor, "visitor.check_in", _subject(visitor.id),
            after={"checked_in_at": when.isoformat(),
                   "expected_end_at": visitor.expected_end_at.isoformat()},
        )
        return _view(visitor)


def check_out(floor: Floor, ref: str, at: datetime | None = None) -> VisitorView:
    """A visitor leaves the floor; a pending overstay alert is cancelled."""
    when = _when(floor, at)
    with floor.db.write() as session:
        _require(floor, session, "visitor.check_out")
        visitor = find_visitor(session, ref)
        if visitor.checked_in_at is None:
            raise FloorError("this visitor has not checked in")
        if visitor.checked_out_at is not None:
            raise FloorError("this visitor has already checked out")
        if when < visitor.checked_in_at:
            raise FloorError(
                f"the check-out time is before the check-in "
                f"({_local(floor, visitor.checked_in_at)})"
            )
        visitor.checked_out_at = when
        visitor.checked_out_by = floor.actor.name
        session.add(visitor)
        alerts.cancel(session, floor, dedupe_prefix=f"visitor:{visitor.id}:overstay")
        _log(
            session, floor, "visitor.check_out", _subject(visitor.id),
            after={"checked_out_at": when.isoformat()},
        )
        return _view(visitor)


def visitors_on_floor(session: Session) -> list[VisitorView]:
    """Everyone checked in and not yet out, earliest first (handover and roll call)."""
    rows = session.exec(
        select(Visitor)
        .where(col(Visitor.checked_in_at).is_not(None), col(Visitor.checked_out_at).is_(None))
        .order_by(col(Visitor.checked_in_at))
    ).all()
    return [_view(v) for v in rows]


def list_visitors(
    session: Session, *, on_floor: bool = False, state: str | None = None
) -> list[VisitorView]:
    """Visitors, newest registration first; only those on the floor when asked."""
    if on_floor:
        return visitors_on_floor(session)
    rows = session.exec(select(Visitor).order_by(col(Visitor.registered_at).desc())).all()
    views = [_view(v) for v in rows]
    if state:
        views = [v for v in views if v.state == state]
    return views


CSV_COLUMNS: tuple[str, ...] = (
    "id", "name", "organisation", "category", "purpose", "host", "escort", "phone",
    "id_number", "badge", "expected_minutes", "state", "registered_at", "registered_by",
    "decided_at", "decided_by", "reject_reason", "checked_in_at", "expected_end_at",
    "checked_out_at", "watch_match",
)


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    # A cell starting with = + - @ is run as a formula by spreadsheets: quote it.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_csv(session: Session, path: Path) -> int:
    """Write every visitor (masked) to a CSV file; return how many rows."""
    views = list_visitors(session)
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for view in views:
                data = asdict(view)
                writer.writerow([_csv_cell(data[c]) for c in CSV_COLUMNS])
    except OSError as exc:
        raise FloorError(f"{path}: cannot be written: {exc.strerror}") from exc
    return len(views)


# --------------------------------------------------------------------------- watch / block


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
    if kind not in LIST_KINDS:
        raise FloorError("list must be 'watch' or 'block'")
    entry = VisitorListEntry(
        kind=kind,
        name=_text(name, "name", max_len=100),
        organisation=_text(organisation, "organisation", max_len=100),
        phone=normalise_phone(phone),
        reason=_text(reason, "reason", max_len=200) or "",
        added_at=floor.clock.now(),
        added_by=floor.actor.name,
    )
    if not (entry.name or entry.organisation or entry.phone):
        raise FloorError("give a name, an organisation or a phone to match")
    with floor.db.write() as session:
        _require(floor, session, "visitor.lists")
        session.add(entry)
        session.flush()
        _log(
            session, floor, f"visitor.{kind}_add", f"visitor_list:{entry.id}",
            after={"kind": kind, "name": entry.name, "organisation": entry.organisation,
                   "phone": mask_phone(entry.phone), "reason": entry.reason},
        )
        return _entry_view(entry)


def remove_list_entry(floor: Floor, entry_id: str, kind: str | None = None) -> ListEntryView:
    """Take an entry off its list (it is kept, marked removed, for the record)."""
    with floor.db.write() as session:
        _require(floor, session, "visitor.lists")
        ref = _text(entry_id, "entry", max_len=64, required=True) or ""
        matches = session.exec(
            select(VisitorListEntry).where(
                col(VisitorListEntry.id).startswith(ref),
                col(VisitorListEntry.removed_at).is_(None),
            ).limit(2)
        ).all()
        if len(matches) != 1 or len(ref) < 4:
            raise FloorError(f"no single list entry '{ref}'")
        entry = matches[0]
        if kind is not None and entry.kind != kind:
            raise FloorError(f"entry {ref} is on the {entry.kind} list, not the {kind} list")
        entry.removed_at = floor.clock.now()
        entry.removed_by = floor.actor.name
        session.add(entry)
        _log(session, floor, f"visitor.{entry.kind}_remove", f"visitor_list:{entry.id}")
        return _entry_view(entry)


def list_entries(session: Session, kind: str) -> list[ListEntryView]:
    """The active entries of the watch or block list, oldest first."""
    rows = session.exec(
        select(VisitorListEntry)
        .where(VisitorListEntry.kind == kind, col(VisitorListEntry.removed_at).is_(None))
        .order_by(col(VisitorListEntry.added_at))
    ).all()
    return [_entry_view(e) for e in rows]


# --------------------------------------------------------------------------- retention


@dataclass(frozen=True)
class PurgeResult:
    """How many visitors had their personal data cleared, and which."""

    count: int
    visitor_ids: tuple[str, ...]


def purge_expired(floor: Floor) -> PurgeResult:
    """Clear the personal data of visits that ended more than `retention_days` ago.

    Ended means checked out, or registered and never checked in. Name and purpose become
    "(purged)"; phone and the ID hash and last four go; alert messages and roll-call
    lines naming the visitor are cleared too. The journal entry lists only ids.

    Cheap when there is nothing to purge (one read, no write lock), so a daily job or a
    scheduler heartbeat may call it as often as it likes.
    """
    now = floor.clock.now()
    days = floor.config.visitors.retention_days
    cutoff = now - timedelta(days=days)
    expired = select(Visitor).where(
        col(Visitor.purged_at).is_(None),
        (col(Visitor.checked_out_at) < cutoff)
        | (col(Visitor.checked_in_at).is_(None) & (col(Visitor.registered_at) < cutoff)),
    )
    with floor.db.read() as session:
        if session.exec(expired.limit(1)).first() is None:
            return PurgeResult(0, ())
    with floor.db.write() as session:
        _require(floor, session, "visitor.purge")
        rows = session.exec(expired).all()
        ids = tuple(v.id for v in rows)
        for visitor in rows:
            visitor.name = PURGED
            visitor.purpose = PURGED
            visitor.phone = None
            visitor.id_hash = None
            visitor.id_last4 = None
            visitor.purged_at = now
            session.add(visitor)
        if ids:
            subjects = [_subject(i) for i in ids]
            session.execute(
                update(Alert).where(col(Alert.subject).in_(subjects)).values(message=PURGED)
            )
            session.execute(
                update(RollCallLine)
                .where(col(RollCallLine.kind) == "visitor", col(RollCallLine.ref_id).in_(ids))
                .values(name=PURGED, location="")
            )
            _log(
                session, floor, "visitor.purge", "visitors",
                after={"count": len(ids), "retention_days": days, "visitor_ids": list(ids)},
            )
    return PurgeResult(len(ids), ids)


# --------------------------------------------------------------------------- roll call


@dataclass(frozen=True)
class RollCallLineView:
    """One person to account for: numbered, with where they were and whether safe."""

    position: int
    kind: str
    name: str
    location: str
    safe_at: datetime | None
    safe_by: str | None


@dataclass(frozen=True)
class RollCallView:
    """A roll call and its lines, in the order they are read out."""

    id: str
    reason: str
    started_at: datetime
    started_by: str
    closed_at: datetime | None
    lines: tuple[RollCallLineView, ...]

    @property
    def missing(self) -> int:
        return sum(1 for line in self.lines if line.safe_at is None)

    def as_json(self) -> dict[str, object]:
        data = asdict(self)

        def iso(value: object) -> object:
            return value.isoformat() if isinstance(value, datetime) else value

        data = {k: iso(v) for k, v in data.items()}
        data["lines"] = [{k: iso(v) for k, v in line.items()} for line in asdict(self)["lines"]]
        data["missing"] = self.missing
        return data


def _roll_call_view(session: Session, roll: RollCall) -> RollCallView:
    lines = session.exec(
        select(RollCallLine)
        .where(RollCallLine.roll_call_id == roll.id)
        .order_by(col(RollCallLine.position))
    ).all()
    return RollCallView(
        roll.id, roll.reason, roll.started_at, roll.started_by, roll.closed_at,
        tuple(
            RollCallLineView(x.position, x.kind, x.name, x.location, x.safe_at, x.safe_by)
            for x in lines
        ),
    )


def start_roll_call(floor: Floor, reason: str | None = None) -> RollCallView:
    """Take the list of everyone on the floor now: visitors, then agents at their seats."""
    why = _text(reason, "reason", max_len=200) or ""
    from floorman.domain.core.states import MANNED_STATES

    with floor.db.write() as session:
        _require(floor, session, "visitor.roll_call")
        roll = RollCall(reason=why, started_at=floor.clock.now(), started_by=floor.actor.name)
        session.add(roll)
        session.flush()
        position = 0
        for visitor in visitors_on_floor(session):
            position += 1
            where = ", ".join(
                p for p in (
                    f"badge {visitor.badge}" if visitor.badge else "",
                    f"escort {visitor.escort}" if visitor.escort else "",
                    f"host {visitor.host}",
                ) if p
            )
            session.add(RollCallLine(
                roll_call_id=roll.id, position=position, kind="visitor", ref_id=visitor.id,
                name=visitor.name, location=where,
            ))
        staffed = session.exec(
            select(Seat, Agent)
            .join(Agent, col(Seat.agent_id) == col(Agent.id))
            .where(col(Seat.state).in_(tuple(MANNED_STATES)))
            .order_by(col(Seat.code))
        ).all()
        for seat, agent in staffed:
            position += 1
            session.add(RollCallLine(
                roll_call_id=roll.id, position=position, kind="staff", ref_id=agent.id,
                name=agent.name, location=f"seat {seat.code}",
            ))
        session.flush()
        _log(
            session, floor, "rollcall.start", f"rollcall:{roll.id}",
            after={"reason": why, "people": position},
        )
        return _roll_call_view(session, roll)


def _find_roll_call(session: Session, ref: str | None) -> RollCall:
    if ref:
        text = _text(ref, "roll call", max_len=64, required=True) or ""
        rows = session.exec(
            select(RollCall).where(col(RollCall.id).startswith(text)).limit(2)
        ).all()
        if len(rows) != 1:
            raise FloorError(f"no single roll call '{text}'")
        return rows[0]
    latest = session.exec(
        select(RollCall).order_by(col(RollCall.started_at).desc()).limit(1)
    ).first()
    if latest is None:
        raise FloorError("no roll call has been started")
    return latest


def roll_call(session: Session, ref: str | None = None) -> RollCallView:
    """A roll call by id (or the latest one)."""
    return _roll_call_view(session, _find_roll_call(session, ref))


def mark_safe(floor: Floor, positions: list[int], ref: str | None = None) -> RollCallView:
    """Mark people safe by their number in the roll call (the latest one unless given)."""
    now = floor.clock.now()
    with floor.db.write() as session:
        _require(floor, session, "visitor.roll_call")
        roll = _find_roll_call(session, ref)
        if roll.closed_at is not None:
            raise FloorError("this roll call is closed")
        lines = {
            x.position: x
            for x in session.exec(
                select(RollCallLine).where(RollCallLine.roll_call_id == roll.id)
            ).all()
        }
        unknown = [p for p in positions if p not in lines]
        if unknown or not positions:
            raise FloorError(f"no such number in this roll call: {unknown or 'none given'}")
        marked = []
        for position in positions:
            line = lines[position]
            if line.safe_at is None:
                line.safe_at = now
                line.safe_by = floor.actor.name
                session.add(line)
                marked.append(position)
        _log(session, floor, "rollcall.safe", f"rollcall:{roll.id}", after={"lines": marked})
        session.flush()
        return _roll_call_view(session, roll)


def close_roll_call(floor: Floor, ref: str | None = None) -> RollCallView:
    """Close a roll call; the missing count is kept in the journal."""
    with floor.db.write() as session:
        _require(floor, session, "visitor.roll_call")
        roll = _find_roll_call(session, ref)
        if roll.closed_at is not None:
            raise FloorError("this roll call is already closed")
        roll.closed_at = floor.clock.now()
        roll.closed_by = floor.actor.name
        session.add(roll)
        view = _roll_call_view(session, roll)
        _log(session, floor, "rollcall.close", f"rollcall:{roll.id}",
             after={"missing": view.missing})
        return view


def roll_call_text(view: RollCallView, zone: ZoneInfo) -> str:
    """The roll call as plain text to print or read out: [x] safe, [ ] not yet."""

    def local(when: datetime) -> str:
        return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    out = [
        f"ROLL CALL {view.id[:8]}  started {local(view.started_at)} by {view.started_by}"
        + (f"  ({view.reason})" if view.reason else ""),
        f"{len(view.lines)} people, {view.missing} not yet safe"
        + (f"; closed {local(view.closed_at)}" if view.closed_at else ""),
        "",
    ]
    for line in view.lines:
        mark = "[x]" if line.safe_at else "[ ]"
        safe = f"  safe {local(line.safe_at)} ({line.safe_by})" if line.safe_at else ""
        out.append(f"{mark} {line.position:>3}  {line.kind:<7} {line.name}  {line.location}{safe}")
    return "\n".join(out) + "\n"
