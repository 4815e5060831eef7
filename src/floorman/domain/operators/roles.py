"""Operator roles: their rank (lowest first) and how people call them.

The ranks come from `Role` in core/states.py, whose order is the rank:
viewer < duty_manager < area_manager < supervisor < director.
"""

from __future__ import annotations

from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import Role
from floorman.domain.core.text import clean

ROLES: tuple[Role, ...] = tuple(Role)
ROLE_RANK: dict[str, int] = {role: rank for rank, role in enumerate(ROLES)}
ROLE_NAMES: dict[str, str] = {
    Role.VIEWER: "viewer",
    Role.DUTY_MANAGER: "duty manager",
    Role.AREA_MANAGER: "area manager",
    Role.SUPERVISOR: "operations supervisor",
    Role.DIRECTOR: "center director",
}


def at_least(role: Role) -> tuple[Role, ...]:
    """Every role from `role` upwards, in order."""
    return ROLES[ROLE_RANK[role] :]


# Everyone who runs the floor: the duty manager and every role above.
FLOOR_STAFF = at_least(Role.DUTY_MANAGER)


def role_name(role: str | None) -> str:
    """A role as people say it ("duty manager"); None is "not logged in"."""
    if role is None:
        return "not logged in"
    return ROLE_NAMES.get(role, role)


def check_role(role: str) -> str:
    """Return `role` if it is one of ROLES, else refuse with the list of roles."""
    if role not in ROLE_RANK:
        raise FloorError(
            "unknown role '{value}': one of {items}",
            value=clean(role, 'role') or '',
            items=', '.join(ROLES),
        )
    return role
