"""How the visitors area checks what is typed and records what it does.

Every write goes through `require` (the operator's permission, inside the write
transaction) and `log` (one journal row in the same transaction); `checked_text` is the
rule for text typed at the desk.
"""

from __future__ import annotations

from sqlmodel import Session

from floorman.data import journal
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError, Word
from floorman.domain.core.states import Role
from floorman.domain.core.text import clean, strip_control
from floorman.domain.operators import permissions


def checked_text(
    value: str | None, field: str, *, max_len: int, required: bool = False
) -> str | None:
    """Like `clean`, but text with control characters or escape sequences is refused.

    A visitor's details are typed once at a desk; hidden control characters there are
    either a mistake or an attack, and the duty manager should see and retype them.
    """
    if value is not None and strip_control(value) != value:
        raise FloorError(
            "{field} contains control characters or terminal escape sequences",
            field=Word(field),
        )
    return clean(value, field, max_len=max_len, required=required)


def required_text(value: str | None, field: str, max_len: int) -> str:
    """`checked_text` for a field that must be given."""
    cleaned = checked_text(value, field, max_len=max_len, required=True)
    assert cleaned is not None
    return cleaned


def acting_role(floor: Floor) -> str:
    """The role recorded with a decision; None (an open floor, no login) is a duty manager."""
    return floor.actor.role or Role.DUTY_MANAGER


def require(floor: Floor, session: Session, action: str) -> str:
    """`operators.require` inside the write transaction; returns the role to record."""
    return permissions.require(floor, action, session=session) or acting_role(floor)


def subject(visitor_id: str) -> str:
    """The journal and alert subject naming one visitor."""
    return f"visitor:{visitor_id}"


def log(
    session: Session,
    floor: Floor,
    action: str,
    about: str,
    before: object = None,
    after: object = None,
) -> None:
    """One journal row, stamped with the actor and terminal, in the caller's transaction."""
    journal.append(
        session, at=floor.clock.now(), actor=floor.actor.name, terminal=floor.actor.terminal,
        action=action, subject=about, before=before, after=after,
    )
