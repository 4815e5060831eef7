"""Managing operators: adding one (the first is a director, made without a login),
disabling one, and resetting a PIN.

Nobody creates an operator above their own role, and nobody disables or resets the PIN
of an operator of the same or a higher role (a supervisor cannot silence another
supervisor, nor take over their login by resetting the PIN): a supervisor manages duty
managers, area managers and viewers; the director manages supervisors too. Anyone may
change their own PIN. There is no command that changes a role (a demotion): an
operator is disabled and added again, under the same rule.
"""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from floorman.data.tables.operators import LoginThrottle, Operator
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError, PermissionDenied, Word
from floorman.domain.core.states import Role
from floorman.domain.operators.permissions import effective_role, require
from floorman.domain.operators.pins import Pin, as_pin, check_pin_shape, hash_pin
from floorman.domain.operators.records import (
    OperatorView,
    clean_name,
    find_operator,
    journal_change,
    operators_exist,
    pin_fingerprint,
    snapshot_of,
    view_of,
)
from floorman.domain.operators.roles import ROLE_RANK, check_role, role_name


def _outranks(
    floor: Floor, session: Session, target_role: str, verb: str, *, same: bool = False
) -> None:
    """Refuse to act on a role above the acting operator's own (`same`: or equal to it).

    On an open floor (no operators yet) nobody is acting as a role: nothing to compare.
    """
    acting = effective_role(floor, session)
    if acting is None:
        return
    target, own = ROLE_RANK[target_role], ROLE_RANK[acting]
    if target > own or (same and target == own):
        template = (
            "{name} ({acting}) may not {verb} a {target_role} (a role not below their own)"
            if same
            else "{name} ({acting}) may not {verb} a {target_role} (a role above their own)"
        )
        raise PermissionDenied(
            template,
            name=floor.actor.name,
            acting=Word(role_name(acting)),
            verb=Word(verb),
            target_role=Word(role_name(target_role)),
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
        if bootstrap and role != Role.DIRECTOR:
            raise FloorError(
                "the first operator must be a director: floorman operators add NAME --role director"
            )
        if not bootstrap:
            require(floor, "operators.manage", session=session)
            _outranks(floor, session, role, "create")
        if find_operator(session, name) is not None:
            raise FloorError("an operator called '{name}' already exists", name=name)
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
        after = {**snapshot_of(row), **({"bootstrap": True} if bootstrap else {})}
        journal_change(session, floor, "operators.add", f"operator:{name}", None, after)
        return view_of(row)


def _target(session: Session, name: str) -> Operator:
    row = find_operator(session, clean_name(name))
    if row is None:
        raise FloorError("no operator called '{name}'", name=clean_name(name))
    return row


def disable_operator(floor: Floor, name: str) -> OperatorView:
    """Disable an operator: no more logins, and an open session loses its powers."""
    with floor.db.write() as session:
        require(floor, "operators.manage", session=session)
        row = _target(session, name)
        if row.name.lower() == floor.actor.name.lower():
            raise FloorError("you cannot disable yourself; ask another supervisor or director")
        _outranks(floor, session, row.role, "disable", same=True)
        if not row.active:
            raise FloorError("operator '{name}' is already disabled", name=row.name)
        if row.role == Role.DIRECTOR:
            directors = session.exec(
                select(func.count())
                .select_from(Operator)
                .where(col(Operator.role) == Role.DIRECTOR, col(Operator.active).is_(True))
            ).one()
            if directors <= 1:
                raise FloorError("the last active director cannot be disabled")
        before = snapshot_of(row)
        row.active = False
        row.disabled_at = floor.clock.now()
        row.disabled_by = floor.actor.name
        session.add(row)
        subject = f"operator:{row.name}"
        journal_change(session, floor, "operators.disable", subject, before, snapshot_of(row))
        return view_of(row)


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
            _outranks(floor, session, row.role, "reset the PIN of", same=True)
        row.pin_hash = pin_hash
        row.pin_changed_at = floor.clock.now()
        row.failed_attempts = 0
        row.locked_until = None
        session.add(row)
        # Lift the lock at every terminal too (lockout.pair_key names them).
        session.exec(  # type: ignore[call-overload]
            delete(LoginThrottle).where(col(LoginThrottle.key).startswith(f"pair:{row.id}@"))
        )
        journal_change(
            session,
            floor,
            "operators.reset_pin",
            f"operator:{row.name}",
            None,
            {"name": row.name, "own": own, "pin": pin_fingerprint(row.pin_hash)},
        )
        return view_of(row)
