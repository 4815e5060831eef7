"""Registering a visitor (外来人员登记表): the form, its checks, the block and watch lists.

A block-list match refuses the registration (the attempt is journalled and raises a
severe alert); a watch-list match registers the visitor and raises a severe alert at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from floorman.data.tables.visitors import Visitor, VisitorListEntry
from floorman.domain import alerts
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import AlertKind, AlertSeverity, ListKind, VisitorCategory
from floorman.domain.visitors.lists import matching
from floorman.domain.visitors.privacy import id_hash, normalise_id, normalise_phone
from floorman.domain.visitors.records import (
    checked_text,
    log,
    require,
    required_text,
    subject,
)
from floorman.domain.visitors.views import VisitorView, badge_holder, journal_view, view_of

MAX_MINUTES = 24 * 60


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
    category: VisitorCategory
    purpose: str
    host: str
    escort: str | None
    phone: str | None
    id_number: str | None
    badge: str | None
    expected_minutes: int


def _category(text: str | None) -> VisitorCategory:
    try:
        return VisitorCategory((text or "").strip().lower())
    except ValueError:
        raise FloorError(
            "category must be 'internal' (another department) or 'external'"
        ) from None


def _check_form(form: Registration, floor: Floor) -> _CleanRegistration:
    category = _category(form.category)
    escort = checked_text(form.escort, "escort", max_len=100)
    if category == VisitorCategory.EXTERNAL and not escort:
        raise FloorError("a visitor from outside the company must have an escort")
    minutes = form.expected_minutes
    if minutes is None:
        minutes = floor.config.visitors.default_duration_minutes
    if not 1 <= minutes <= MAX_MINUTES:
        raise FloorError(
            "expected duration must be 1 to {MAX_MINUTES} minutes",
            MAX_MINUTES=MAX_MINUTES,
        )
    return _CleanRegistration(
        name=required_text(form.name, "name", 100),
        organisation=required_text(form.organisation, "organisation", 100),
        category=category,
        purpose=required_text(form.purpose, "purpose", 200),
        host=required_text(form.host, "host", 100),
        escort=escort,
        phone=normalise_phone(form.phone),
        id_number=normalise_id(form.id_number),
        badge=checked_text(form.badge, "badge", max_len=20),
        expected_minutes=minutes,
    )


def _refuse_blocked(
    session: Session, floor: Floor, data: _CleanRegistration, blocked: VisitorListEntry
) -> None:
    log(
        session, floor, "visitor.block_refused", f"visitor_list:{blocked.id}",
        after={
            "entry": blocked.id,
            "category": data.category,
            "organisation": data.organisation,
            "host": data.host,
        },
    )
    alerts.schedule(
        session, floor, kind=AlertKind.VISITOR_BLOCKED, subject=f"visitor_list:{blocked.id}",
        due_at=floor.clock.now(), severity=AlertSeverity.SEVERE,
        message=alerts.alert_text(AlertKind.VISITOR_BLOCKED, organisation=data.organisation),
    )


def _add_visitor(session: Session, floor: Floor, data: _CleanRegistration) -> VisitorView:
    now = floor.clock.now()
    if data.badge and badge_holder(session, data.badge) is not None:
        raise FloorError(
            "badge {badge} is already given to a visitor who has not left",
            badge=data.badge,
        )
    visitor = Visitor(
        name=data.name, organisation=data.organisation, category=data.category,
        purpose=data.purpose, host=data.host, escort=data.escort, phone=data.phone,
        badge=data.badge, expected_minutes=data.expected_minutes,
        registered_at=now, registered_by=floor.actor.name,
    )
    if data.id_number:
        visitor.id_hash = id_hash(session, floor, data.id_number)
        visitor.id_last4 = data.id_number[-4:]
    watch = matching(session, ListKind.WATCH, data.name, data.organisation, data.phone)
    visitor.watch_match = bool(watch)
    session.add(visitor)
    session.flush()
    after = journal_view(visitor)
    if watch:
        after["watch_entries"] = [e.id for e in watch]
        reasons = "; ".join(e.reason for e in watch if e.reason) or "no reason given"
        alerts.schedule(
            session, floor, kind=AlertKind.VISITOR_WATCH, subject=subject(visitor.id),
            due_at=now, severity=AlertSeverity.SEVERE,
            message=alerts.alert_text(
                AlertKind.VISITOR_WATCH,
                name=visitor.name,
                organisation=visitor.organisation,
                reasons=reasons,
            ),
            dedupe_key=f"visitor:{visitor.id}:watch",
        )
    log(session, floor, "visitor.register", subject(visitor.id), after=after)
    return view_of(visitor)


def register(floor: Floor, form: Registration) -> VisitorView:
    """Register a visitor (pending approval); refused when on the block list.

    A block-list match writes the attempt to the journal and raises `FloorError`; a
    watch-list match registers the visitor and raises a severe alert at once.
    """
    data = _check_form(form, floor)
    with floor.db.write() as session:
        require(floor, session, "visitor.register")
        block = matching(session, ListKind.BLOCK, data.name, data.organisation, data.phone)
        if not block:
            return _add_visitor(session, floor, data)
        blocked = block[0]
        _refuse_blocked(session, floor, data, blocked)
    # Raised after the write transaction commits, so the refused attempt stays recorded.
    reason = f": {blocked.reason}" if blocked.reason else ""
    raise FloorError(
        "registration refused: this visitor is on the block list{reason} (the attempt was "
        "recorded)",
        reason=reason,
    )
