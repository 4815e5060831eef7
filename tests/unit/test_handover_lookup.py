"""Naming a handover or an item by id goes through the one lookup; roles are always checked.

`%%%%` or `____` once reached SQL LIKE as wildcards; now they name nothing. A permission
check is never skipped: the handover and the shift roster ask the operators panel every
time, with no "not installed" way around it.
"""

from __future__ import annotations

import dataclasses

import pytest

from floorman.domain import audit
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError, PermissionDenied
from floorman.domain.core.lookup import MIN_PREFIX
from floorman.domain.handover import chain, find, lifecycle, open_items
from floorman.domain.operators import login, management
from floorman.domain.shifts import assign_manager


def as_person(floor: Floor, name: str) -> Floor:
    return dataclasses.replace(floor, actor=Actor(name, f"test:{name}"))


@pytest.fixture
def wang(small_floor: Floor) -> Floor:
    return as_person(small_floor, "Wang")


@pytest.mark.parametrize("ref", ["%%%%", "____", "%", "_", "%%%%%%%%", "'; --"])
def test_wildcards_name_no_handover(wang: Floor, ref: str) -> None:
    lifecycle.compose(wang, summary="Quiet")
    with pytest.raises(FloorError, match=r"^no such handover '"):
        find.get(wang, ref)
    with pytest.raises(FloorError, match=r"^no such handover '"):
        lifecycle.edit(wang, ref, summary="rewritten")
    assert find.get(wang).summary == "Quiet"


def test_a_handover_by_its_id_or_a_prefix(wang: Floor) -> None:
    view = lifecycle.compose(wang, summary="Quiet")
    assert find.get(wang, view.id).id == view.id
    assert find.get(wang, view.id[:MIN_PREFIX]).id == view.id
    assert find.get(wang, view.id[:8].upper()).id == view.id
    with pytest.raises(FloorError, match=f"at least {MIN_PREFIX} of its characters"):
        find.get(wang, view.id[: MIN_PREFIX - 1])
    with pytest.raises(FloorError, match=r"^no such handover"):
        find.get(wang, "ffff" if not view.id.startswith("ffff") else "0000")


def test_items_by_number_id_or_prefix_and_wildcards_name_none(wang: Floor) -> None:
    lifecycle.compose(wang, summary="Quiet")
    first = open_items.add_item(wang, None, "Printer on row 3 jams")
    second = open_items.add_item(wang, None, "Call back VIP 138")
    for ref in ("%%%%", "____", "%", "0", "3"):
        with pytest.raises(FloorError, match=r"^no such handover item '"):
            open_items.close_item(wang, None, ref)
    assert [i.status for i in find.get(wang).items] == ["open", "open"]
    assert open_items.close_item(wang, None, "2").id == second.id
    assert open_items.close_item(wang, None, first.id[:MIN_PREFIX]).id == first.id
    with pytest.raises(FloorError, match="already closed"):
        open_items.close_item(wang, None, first.id)


def test_check_lists_the_handover_chain_without_discovery() -> None:
    assert ("handover chain", chain.check_floor) in audit.INTEGRITY_CHECKS


# --------------------------------------------------------------------- permissions




@pytest.fixture
def closed_floor(small_floor: Floor, cheap_hasher: None) -> Floor:
    """A floor with operators: a director (logged in), a duty manager and a viewer."""
    management.add_operator(small_floor, "boss", "director", "1357")
    small_floor.actor = login.authenticate(small_floor, "boss", "1357")
    management.add_operator(small_floor, "dm", "duty_manager", "2468")
    management.add_operator(small_floor, "watcher", "viewer", "9753")
    return small_floor


def logged_in(floor: Floor, name: str, pin: str) -> Floor:
    other = Floor(db=floor.db, clock=floor.clock, config=floor.config)
    other.actor = login.authenticate(other, name, pin)
    return other


def test_a_viewer_may_not_write_a_handover_or_the_roster(closed_floor: Floor) -> None:
    viewer = logged_in(closed_floor, "watcher", "9753")
    with pytest.raises(PermissionDenied, match="operator watcher"):
        lifecycle.compose(viewer, summary="mine now")
    with pytest.raises(PermissionDenied, match="operator watcher"):
        assign_manager(viewer, "current", "watcher")
    with pytest.raises(FloorError, match="no handover for shift"):
        find.get(closed_floor)

    manager = logged_in(closed_floor, "dm", "2468")
    lifecycle.compose(manager, summary="Quiet")
    with pytest.raises(PermissionDenied, match="operator watcher"):
        open_items.add_item(viewer, None, "sneaked in")
    with pytest.raises(PermissionDenied, match="operator watcher"):
        lifecycle.edit(viewer, None, summary="rewritten")
    assert find.get(closed_floor).summary == "Quiet"
    assert find.get(closed_floor).items == []


def test_an_operator_not_logged_in_may_not_assign_a_shift(closed_floor: Floor) -> None:
    stranger = as_person(closed_floor, "someone")
    with pytest.raises(PermissionDenied, match="not logged in"):
        assign_manager(stranger, "current", "someone")
