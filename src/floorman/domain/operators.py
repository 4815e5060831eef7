"""Operators, their roles and what each role may do on the floor.

The manual gives each role its own powers (domain.md): a duty manager or an area
manager lets an agent leave the seat, only the center director lets in a visitor from
outside the company, supervisors manage the duty managers. `PERMISSIONS` is the one
table of who may do what; every privileged domain function calls `require(floor,
action)` before it writes, so a hidden key in a screen is never the only guard.

Roles, lowest first: viewer < duty_manager < area_manager < supervisor < director.

Who is acting when `floor.actor.role` is None (nobody logged in):

- A floor with no operator rows at all is *open*: it runs as before operators existed
  (single-user, demo, first run) and `require` lets everything through. The first
  operator must be a director, and may be created without logging in (bootstrap).
  Once any operator row exists (even a disabled one) the floor is closed for good.
- On a closed floor, role None is refused every privileged action, except
  `UNAUTHENTICATED_ACTIONS` (agent-state events from phone systems and scripts, which
  are recorded with their source). A logged-in operator is always judged by the table,
  so a viewer at a screen cannot change a seat even though a phone system can.
- An actor with a `source` (a feed) may only do `UNAUTHENTICATED_ACTIONS`.
- On a closed floor an actor with a role must still be an active operator row; the
  row's role, not the one in memory, decides (a disabled operator's open terminal loses
  its powers at once). On an open floor the role in memory is taken as it is (tests).

PINs are 4 to 12 digits, kept as argon2id hashes. Five wrong PINs (config) lock that
operator for `lockout_minutes`, counted in the database so every terminal shares it.
A PIN travels as a `Pin`, whose repr is masked, so it never shows in a traceback that
prints local variables, a log or the journal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from floorman.data import journal
from floorman.data.tables.operators import Operator
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError, PermissionDenied
from floorman.domain.core.text import clean

ROLES: tuple[str, ...] = ("viewer", "duty_manager", "area_manager", "supervisor", "director")
ROLE_RANK: dict[str, int] = {role: rank for rank, role in enumerate(ROLES)}
ROLE_NAMES: dict[str, str] = {
    "viewer": "viewer",
    "duty_manager": "duty manager",
    "area_manager": "area manager",
    "supervisor": "operations supervisor",
    "director": "center director",
}
NAME_MAX = 40
_PIN_SHAPE = re.compile(r"[0-9]{4,12}")


def at_least(role: str) -> tuple[str, ...]:
    """Every role from `role` upwards, in order."""
    return ROLES[ROLE_RANK[role] :]


FLOOR_STAFF = at_least("duty_manager")

# action -> the roles that may do it. Domain functions call require(floor, action).
PERMISSIONS: dict[str, tuple[str, ...]] = {
    # reading
    "floor.view": at_least("viewer"),
    "journal.read": at_least("viewer"),
    "operators.list": at_least("viewer"),
    # seats, agents, alerts
    "seat.event": FLOOR_STAFF,  # phone systems too, without login: UNAUTHENTICATED_ACTIONS
    "seat.import": at_least("supervisor"),
    "agent.import": at_least("supervisor"),
    "alert.acknowledge": FLOOR_STAFF,
    # away slips (示忙单): the duty manager or the area manager lets an agent leave
    "away.request": FLOOR_STAFF,
    "away.approve": FLOOR_STAFF,
    "away.end": FLOOR_STAFF,
    # visitors: other departments need the duty manager, outsiders the center director
    "visitor.register": FLOOR_STAFF,
    "visitor.approve_internal": ("duty_manager", "supervisor", "director"),
    "visitor.approve_external": ("director",),
    "visitor.check_in": FLOOR_STAFF,
    "visitor.check_out": FLOOR_STAFF,
    "visitor.lists": ("duty_manager", "supervisor", "director"),
    "visitor.roll_call": FLOOR_STAFF,
    "visitor.purge": FLOOR_STAFF,
    "visitor.export": at_least("supervisor"),
    # emergencies
    "emergency.start": FLOOR_STAFF,
    "emergency.step": FLOOR_STAFF,
    "emergency.close": FLOOR_STAFF,
    # handover
    "handover.write": FLOOR_STAFF,
    "handover.acknowledge": FLOOR_STAFF,
    "handover.amend": FLOOR_STAFF,
    # attendance and leave (up to 1 day area manager, 3 days supervisor, 7 days director)
    "attendance.record": FLOOR_STAFF,
    "leave.approve_1_day": at_least("area_manager"),
    "leave.approve_3_days": at_least("supervisor"),
    "leave.approve_7_days": ("director",),
    # staffing, feeds, backups
    "staffing.plan": FLOOR_STAFF,
    "feed.manage": at_least("supervisor"),
    "backup.run": FLOOR_STAFF,
    "backup.restore": at_least("supervisor"),
    # operators
    "operators.manage": ("supervisor", "director"),
}

# What a message says the action is, for people.
ACTION_NAMES: dict[str, str] = {
    "away.approve": "approve an agent leaving the seat",
    "visitor.approve_external": "approve a visitor from outside the company",
    "visitor.approve_internal": "approve a visitor from another department",
    "operators.manage": "manage operators",
    "handover.acknowledge": "acknowledge a handover",
    "journal.read": "read the journal",
}

# Actions open to anyone without a login: agent states sent by phone systems and scripts.
UNAUTHENTICATED_ACTIONS: frozenset[str] = frozenset({"seat.event"})

# floorman's own scheduled duties, done whoever is (or is not) logged in: the retention
# purge the confidentiality rules demand, and the scheduled backups. Journaled as
# SYSTEM_SOURCE; no person can act as it (a CLI --source never reaches these actions).
SYSTEM_SOURCE = "floorman-scheduler"
SYSTEM_ACTIONS: frozenset[str] = frozenset({"visitor.purge", "backup.run"})


def role_name(role: str | None) -> str:
    """A role as people say it ("duty manager"); None is "not logged in"."""
    if role is None:
        return "not logged in"
    return ROLE_NAMES.get(role, role)


def _describe(action: str) -> str:
    name = ACTION_NAMES.get(action)
    return f"{name} ({action})" if name else action


def _needs(action: str) -> str:
    return " or ".join(role_name(r) for r in PERMISSIONS[action])


def leave_approval_action(days: float) -> str:
    """The permission needed to approve a leave of `days` days (考勤制度)."""
    if days <= 0:
        raise FloorError("a leave lasts more than 0 days")
    if days <= 1:
        return "leave.approve_1_day"
    if days <= 3:
        return "leave.approve_3_days"
    if days <= 7:
        return "leave.approve_7_days"
    raise FloorError("a leave over 7 days is approved by the department manager, not on the floor")


# --------------------------------------------------------------------------- PINs


class Pin:
    """A PIN in transit; its repr and str are masked so it never lands in a log or trace."""

    __slots__ = ("_digits",)

    def __init__(self, digits: str) -> None:
        self._digits = digits

    def reveal(self) -> str:
        return self._digits

    def __repr__(self) -> str:
        return "Pin(****)"

    __str__ = __repr__


def as_pin(value: Pin | str) -> Pin:
    return value if isinstance(value, Pin) else Pin(value)


def check_pin_shape(pin: Pin) -> None:
    """Refuse a PIN that is not 4 to 12 digits; the message never repeats the PIN."""
    if not _PIN_SHAPE.fullmatch(pin.reveal()):
        raise FloorError("a PIN is 4 to 12 digits (0-9)")


@cache
def _default_hasher() -> Any:
    from argon2 import PasswordHasher, Type

    return PasswordHasher(type=Type.ID)


_hasher_override: Any = None


def use_hasher(hasher: Any) -> None:
    """Use another argon2 PasswordHasher (tests use cheap parameters); None restores."""
    global _hasher_override
    _hasher_override = hasher


def hasher() -> Any:
    return _hasher_override or _default_hasher()


def hash_pin(pin: Pin) -> str:
    return str(hasher().hash(pin.reveal()))


def _pin_matches(pin_hash: str, pin: Pin) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(hasher().verify(pin_hash, pin.reveal()))
    except (VerificationError, InvalidHashError):
        return False


# --------------------------------------------------------------------------- operators


@dataclass(frozen=True)
class OperatorView:
    """An operator as `operators list` and the screens show it; never the PIN hash."""

    name: str
    role: str
    active: bool
    locked_until: datetime | None
    failed_attempts: int
    last_login_at: datetime | None
    created_at: datetime
    created_by: str

    def as_json(self) -> dict[str, object]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "name": self.name,
            "role": self.role,
            "active": self.active,
            "locked_until": iso(self.locked_until),
            "failed_attempts": self.failed_attempts,
            "last_login_at": iso(self.last_login_at),
            "created_at": iso(self.created_at),
            "created_by": self.created_by,
        }


def _view(row: Operator) -> OperatorView:
    return OperatorView(
        row.name,
        row.role,
        row.active,
        row.locked_until,
        row.failed_attempts,
        row.last_login_at,
        row.created_at,
        row.created_by,
    )


def _snapshot(row: Operator) -> dict[str, object]:
    """What the journal records of an operator: never the PIN, nor its hash."""
    return {"name": row.name, "role": row.role, "active": row.active}


def clean_name(name: str | None) -> str:
    cleaned = clean(name, "operator name", max_len=NAME_MAX, required=True)
    assert cleaned is not None
    return cleaned


def check_role(role: str) -> str:
    if role not in ROLE_RANK:
        raise FloorError(f"unknown role '{clean(role, 'role') or ''}': one of {', '.join(ROLES)}")
    return role


def operators_exist(session: Session) -> bool:
    """True once any operator (even a disabled one) exists: the floor needs a login."""
    return session.exec(select(Operator.id).limit(1)).first() is not None


def find_operator(session: Session, name: str) -> Operator | None:
    """The operator called `name` (letter case ignored), or None."""
    return session.exec(select(Operator).where(func.lower(Operator.name) == name.lower())).first()


def list_operators(session: Session) -> list[OperatorView]:
    rows = session.exec(select(Operator).order_by(col(Operator.name))).all()
    return [_view(r) for r in rows]


def _journal(
    session: Session, floor: Floor, action: str, subject: str, before: Any, after: Any
) -> None:
    journal.append(
        session,
        at=floor.clock.now(),
        actor=floor.actor.name,
        terminal=floor.actor.terminal,
        action=action,
        subject=subject,
        before=before,
        after=after,
    )


def _outranks(floor: Floor, session: Session, target_role: str, verb: str) -> None:
    """Refuse to act on (or create) a role above the acting operator's own."""
    acting = effective_role(floor, session)
    if acting is not None and ROLE_RANK[target_role] > ROLE_RANK[acting]:
        raise PermissionDenied(
            f"{floor.actor.name} ({role_name(acting)}) may not {verb} a {role_name(target_role)}"
        )


def add_operator(floor: Floor, name: str, role: str, pin: Pin | str) -> OperatorView:
    """Create an operator. The very first one must be a director and needs no login."""
    pin = as_pin(pin)
    name = clean_name(name)
    check_role(role)
    check_pin_shape(pin)
    pin_hash = hash_pin(pin)  # slow on purpose: outside the write lock
    now = floor.clock.now()
    with floor.db.write() as session:
        bootstrap = not operators_exist(session)
        if bootstrap and role != "director":
            raise FloorError(
                "the first operator must be a director: floorman operators add NAME --role director"
            )
        if not bootstrap:
            require(floor, "operators.manage", session=session)
            _outranks(floor, session, role, "create")
        if find_operator(session, name) is not None:
            raise FloorError(f"an operator called '{name}' already exists")
        row = Operator(
            name=name,
            role=role,
            pin_hash=pin_hash,
            created_at=now,
            created_by=floor.actor.name,
            pin_changed_at=now,
        )
        session.add(row)
        session.flush()
        after = {**_snapshot(row), **({"bootstrap": True} if bootstrap else {})}
        _journal(session, floor, "operators.add", f"operator:{name}", None, after)
        return _view(row)


def _target(session: Session, name: str) -> Operator:
    row = find_operator(session, clean_name(name))
    if row is None:
        raise FloorError(f"no operator called '{clean_name(name)}'")
    return row


def disable_operator(floor: Floor, name: str) -> OperatorView:
    """Disable an operator: no more logins, and an open session loses its powers."""
    with floor.db.write() as session:
        require(floor, "operators.manage", session=session)
        row = _target(session, name)
        _outranks(floor, session, row.role, "disable")
        if row.name.lower() == floor.actor.name.lower():
            raise FloorError("you cannot disable yourself; ask another supervisor or director")
        if not row.active:
            raise FloorError(f"operator '{row.name}' is already disabled")
        if row.role == "director":
            directors = session.exec(
                select(func.count())
                .select_from(Operator)
                .where(col(Operator.role) == "director", col(Operator.active).is_(True))
            ).one()
            if directors <= 1:
                raise FloorError("the last active director cannot be disabled")
        before = _snapshot(row)
        row.active = False
        row.disabled_at = floor.clock.now()
        row.disabled_by = floor.actor.name
        session.add(row)
        subject = f"operator:{row.name}"
        _journal(session, floor, "operators.disable", subject, before, _snapshot(row))
        return _view(row)


def reset_pin(floor: Floor, name: str, pin: Pin | str) -> OperatorView:
    """Set a new PIN and lift any lockout. Anyone logged in may change their own PIN."""
    pin = as_pin(pin)
    check_pin_shape(pin)
    pin_hash = hash_pin(pin)
    with floor.db.write() as session:
        row = _target(session, name)
        own = row.name.lower() == floor.actor.name.lower() and floor.actor.role is not None
        if own:
            effective_role(floor, session)  # still active?
        else:
            require(floor, "operators.manage", session=session)
            _outranks(floor, session, row.role, "reset the PIN of")
        row.pin_hash = pin_hash
        row.pin_changed_at = floor.clock.now()
        row.failed_attempts = 0
        row.locked_until = None
        session.add(row)
        _journal(
            session,
            floor,
            "operators.reset_pin",
            f"operator:{row.name}",
            None,
            {"name": row.name, "own": own},
        )
        return _view(row)


# --------------------------------------------------------------------------- login


def authenticate(floor: Floor, name: str, pin: Pin | str) -> Actor:
    """Check a name and PIN; return the Actor (with its role) or refuse with FloorError.

    Wrong PINs are counted in the row; the `max_pin_attempts`-th locks the operator for
    `lockout_minutes` on every terminal. The slow argon2 check runs outside the write
    lock; the counters are updated in a BEGIN IMMEDIATE transaction that re-reads them.
    """
    pin = as_pin(pin)
    name = clean_name(name)
    settings = floor.config.operators
    with floor.db.read() as session:
        row = find_operator(session, name)
        if row is None:
            # The name is not repeated: it may be a PIN typed into the wrong field.
            raise PermissionDenied("unknown operator name")
        pin_hash, operator_id = row.pin_hash, row.id
    matches = _pin_matches(pin_hash, pin)
    now = floor.clock.now()
    refusal: str | None = None
    actor: Actor | None = None
    with floor.db.write() as session:
        op = session.get(Operator, operator_id)
        if op is None:
            raise PermissionDenied("unknown operator name")
        subject = f"operator:{op.name}"
        if not op.active:
            refusal = f"operator '{op.name}' is disabled"
        elif op.locked_until is not None and op.locked_until > now:
            until = op.locked_until.astimezone(floor.config.zone()).strftime("%H:%M")
            refusal = f"operator '{op.name}' is locked after too many wrong PINs until {until}"
        elif not matches:
            op.failed_attempts += 1
            limit = settings.max_pin_attempts
            if limit and op.failed_attempts >= limit:
                op.failed_attempts = 0
                op.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                _journal(session, floor, "operators.lock", subject, None, {"name": op.name})
                refusal = (
                    f"wrong PIN; operator '{op.name}' is locked for "
                    f"{settings.lockout_minutes} minutes"
                )
            else:
                _journal(
                    session,
                    floor,
                    "operators.login_failed",
                    subject,
                    None,
                    {"name": op.name, "failed_attempts": op.failed_attempts},
                )
                left = f" ({limit - op.failed_attempts} tries left)" if limit else ""
                refusal = f"wrong PIN for '{op.name}'{left}"
        else:
            op.failed_attempts = 0
            op.locked_until = None
            op.last_login_at = now
            if hasher().check_needs_rehash(op.pin_hash):
                op.pin_hash = hash_pin(pin)
            actor = Actor(name=op.name, terminal=floor.actor.terminal, role=op.role)
            journal.append(
                session,
                at=now,
                actor=actor.name,
                terminal=actor.terminal,
                action="operators.login",
                subject=subject,
                after={"name": op.name, "role": op.role},
            )
        session.add(op)
    if refusal is not None or actor is None:
        raise PermissionDenied(refusal or "login refused")
    return actor


# --------------------------------------------------------------------------- permissions


def effective_role(floor: Floor, session: Session | None = None) -> str | None:
    """The role that decides what the actor may do (see the module docstring).

    None means an open floor (no operators) or nobody logged in on a closed one.
    """
    if session is None:
        with floor.db.read() as own:
            return effective_role(floor, own)
    actor = floor.actor
    if actor.source is not None:
        return None
    if not operators_exist(session):
        return actor.role
    if actor.role is None:
        return None
    row = find_operator(session, actor.name)
    if row is None or not row.active:
        raise PermissionDenied(f"operator '{actor.name}' is disabled or unknown; log in again")
    return row.role


def allowed(floor: Floor, action: str, *, session: Session | None = None) -> bool:
    """True when `require(floor, action)` would pass; screens use it to hide keys."""
    try:
        require(floor, action, session=session)
    except PermissionDenied:
        return False
    return True


def require(floor: Floor, action: str, *, session: Session | None = None) -> str | None:
    """Refuse `action` with PermissionDenied unless the acting operator's role allows it.

    Returns the role that decided (None on an open floor). Call it before writing,
    inside the write transaction when there is one (pass `session`).
    """
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action '{action}': add it to operators.PERMISSIONS")
    if session is None:
        with floor.db.read() as own:
            return require(floor, action, session=own)
    actor = floor.actor
    if action in UNAUTHENTICATED_ACTIONS and (actor.role is None or actor.source is not None):
        return None
    if actor.source == SYSTEM_SOURCE and action in SYSTEM_ACTIONS:
        return None
    if actor.source is not None:
        raise PermissionDenied(
            f"source '{actor.name}' may only record agent states, not {_describe(action)}"
        )
    if not operators_exist(session) and (actor.role is None or actor.role in PERMISSIONS[action]):
        return actor.role
    role = effective_role(floor, session)
    if role is None:
        raise PermissionDenied(
            f"{actor.name} is not logged in: {_describe(action)} needs {_needs(action)}; "
            "log in (in the CLI: --operator NAME with FLOORMAN_PIN or a PIN prompt)"
        )
    if role not in PERMISSIONS[action]:
        raise PermissionDenied(
            f"operator {actor.name} ({role_name(role)}) may not {_describe(action)}: "
            f"it needs {_needs(action)}"
        )
    return role
