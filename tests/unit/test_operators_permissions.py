"""The permission table: every action as every role, not-logged-in actors and feeds."""

from __future__ import annotations

import pytest

from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError, PermissionDenied
from floorman.domain.operators.login import authenticate
from floorman.domain.operators.management import add_operator, disable_operator
from floorman.domain.operators.permissions import (
    PERMISSIONS,
    allowed,
    leave_approval_action,
    require,
)
from floorman.domain.operators.roles import ROLES, role_name

PINS = {role: f"{i + 1}{i + 1}{i + 1}{i + 1}" for i, role in enumerate(ROLES)}


pytestmark = pytest.mark.usefixtures("cheap_hasher")


@pytest.fixture
def closed_floor(floor: Floor) -> Floor:
    """One operator per role, named after the role; the director is logged in."""
    add_operator(floor, "director", "director", PINS["director"])
    floor.actor = authenticate(floor, "director", PINS["director"])
    for role in ROLES:
        if role != "director":
            add_operator(floor, role, role, PINS[role])
    return floor


def as_role(floor: Floor, role: str) -> Floor:
    other = Floor(db=floor.db, clock=floor.clock, config=floor.config)
    other.actor = authenticate(other, role, PINS[role])
    return other


def test_roles_are_ordered_lowest_first() -> None:
    assert ROLES == ("viewer", "duty_manager", "area_manager", "supervisor", "director")


def test_every_action_as_every_role(closed_floor: Floor) -> None:
    floors = {role: as_role(closed_floor, role) for role in ROLES}
    for action, roles in PERMISSIONS.items():
        assert roles, action
        for role in ROLES:
            if role in roles:
                assert require(floors[role], action) == role
            else:
                with pytest.raises(PermissionDenied) as caught:
                    require(floors[role], action)
                message = str(caught.value)
                assert f"operator {role} (" in message and action in message
                assert role_name(role) in message


def test_the_manuals_rules(closed_floor: Floor) -> None:
    who = {a: set(r) for a, r in PERMISSIONS.items()}
    # Leaving the seat: the duty manager OR the area manager (and those above).
    assert {"duty_manager", "area_manager"} <= who["away.approve"]
    assert "viewer" not in who["away.approve"]
    # A visitor from outside the company: only the center director.
    assert who["visitor.approve_external"] == {"director"}
    # Operators are managed by supervisors and directors.
    assert who["operators.manage"] == {"supervisor", "director"}
    # Viewers only read.
    assert {a for a, r in who.items() if "viewer" in r} == {
        "floor.view",
        "journal.read",
        "operators.list",
    }
    dm = as_role(closed_floor, "duty_manager")
    with pytest.raises(PermissionDenied, match=r"duty manager\) may not approve a visitor from"):
        require(dm, "visitor.approve_external")


@pytest.mark.parametrize(
    ("days", "action"),
    [
        (0.5, "leave.approve_1_day"),
        (1, "leave.approve_1_day"),
        (3, "leave.approve_3_days"),
        (7, "leave.approve_7_days"),
    ],
)
def test_leave_approval_follows_the_attendance_rules(days: float, action: str) -> None:
    assert leave_approval_action(days) == action


def test_leave_over_a_week_is_not_approved_on_the_floor() -> None:
    with pytest.raises(FloorError, match="department manager"):
        leave_approval_action(8)


def test_not_logged_in_on_a_closed_floor_is_refused(closed_floor: Floor) -> None:
    anonymous = Floor(db=closed_floor.db, clock=closed_floor.clock, config=closed_floor.config)
    anonymous.actor = Actor("someone", "t9")
    with pytest.raises(PermissionDenied, match="someone is not logged in"):
        require(anonymous, "away.approve")
    # An actor claiming a role without an operator row gets nothing either.
    anonymous.actor = Actor("ghost", "t9", role="director")
    with pytest.raises(PermissionDenied, match="disabled or unknown"):
        require(anonymous, "visitor.approve_external")
    # Agent states need no login from a phone system (a source) ...
    anonymous.actor = Actor("pbx", "t9", source="pbx")
    assert require(anonymous, "seat.event") is None
    # ... but a person named without a PIN is never recorded as that person (issue 14).
    anonymous.actor = Actor("dir", "t9")
    with pytest.raises(PermissionDenied, match=r"dir is not logged in.*--source"):
        require(anonymous, "seat.event")


def test_a_feed_may_only_record_agent_states(closed_floor: Floor) -> None:
    feed = Floor(db=closed_floor.db, clock=closed_floor.clock, config=closed_floor.config)
    feed.actor = Actor("asterisk", "t9", source="asterisk")
    assert allowed(feed, "seat.event")
    with pytest.raises(PermissionDenied, match="source 'asterisk' may only record agent states"):
        require(feed, "away.approve")
    # Even with a role pasted on, a source stays a source.
    feed.actor = Actor("asterisk", "t9", role="director", source="asterisk")
    assert not allowed(feed, "operators.manage")


def test_an_open_floor_lets_the_unnamed_actor_through(floor: Floor) -> None:
    # No operators yet: the floor runs as it did before logins existed.
    assert require(floor, "visitor.approve_external") is None
    # A role in memory is still checked (tests of other panels rely on this).
    floor.actor = Actor("dm", "t", role="duty_manager")
    assert require(floor, "away.approve") == "duty_manager"
    with pytest.raises(PermissionDenied, match="may not approve a visitor from outside"):
        require(floor, "visitor.approve_external")


def test_unknown_action_is_a_programming_error(floor: Floor) -> None:
    with pytest.raises(ValueError, match="unknown action"):
        require(floor, "away.aprove")


def test_a_disabled_operator_keeps_the_floor_closed(closed_floor: Floor) -> None:
    disable_operator(closed_floor, "viewer")
    anonymous = Floor(db=closed_floor.db, clock=closed_floor.clock, config=closed_floor.config)
    anonymous.actor = Actor("x", "t")
    assert not allowed(anonymous, "floor.view")
