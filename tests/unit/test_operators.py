"""Operators: bootstrap, PINs, lockout shared by terminals, roles and who may manage whom."""

from __future__ import annotations

import pytest
from sqlmodel import select

from floorman.data.db import Database
from floorman.data.tables.floor import JournalEntry
from floorman.data.tables.operators import Operator
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError, PermissionDenied
from floorman.domain.operators.login import authenticate
from floorman.domain.operators.management import add_operator, disable_operator, reset_pin
from floorman.domain.operators.permissions import allowed, require
from floorman.domain.operators.pins import Pin
from floorman.domain.operators.records import OperatorView, list_operators

pytestmark = pytest.mark.usefixtures("cheap_hasher")


def login(floor: Floor, name: str, pin: str) -> Floor:
    floor.actor = authenticate(floor, name, pin)
    return floor


@pytest.fixture
def staffed(floor: Floor) -> Floor:
    """A closed floor: director boss (2468), supervisor sam, duty manager dm1, viewer vic."""
    add_operator(floor, "boss", "director", "2468")
    login(floor, "boss", "2468")
    add_operator(floor, "sam", "supervisor", "1357")
    add_operator(floor, "dm1", "duty_manager", "1111")
    add_operator(floor, "am1", "area_manager", "2222")
    add_operator(floor, "vic", "viewer", "3333")
    return floor


def journal_rows(floor: Floor) -> list[JournalEntry]:
    with floor.db.read() as session:
        return list(session.exec(select(JournalEntry).order_by(JournalEntry.seq)).all())  # type: ignore[arg-type]


# --------------------------------------------------------------------------- bootstrap


def test_first_operator_must_be_a_director_and_needs_no_login(floor: Floor) -> None:
    with pytest.raises(FloorError, match="first operator must be a director"):
        add_operator(floor, "dm1", "duty_manager", "1234")
    view = add_operator(floor, "boss", "director", "2468")
    assert (view.name, view.role, view.active) == ("boss", "director", True)
    # Once one exists, the not-logged-in actor may add nobody.
    with pytest.raises(PermissionDenied, match="not logged in"):
        add_operator(floor, "boss2", "director", "2468")
    row = journal_rows(floor)[-1]
    assert row.action == "operators.add"
    assert row.actor == "duty1"
    assert '"bootstrap": true' in (row.after or "")


def test_pin_is_stored_as_argon2id_and_checked(floor: Floor) -> None:
    add_operator(floor, "boss", "director", "2468")
    with floor.db.read() as session:
        row = session.exec(select(Operator)).one()
    assert row.pin_hash.startswith("$argon2id$")
    assert "2468" not in row.pin_hash
    actor = authenticate(floor, "BOSS", Pin("2468"))  # letter case of names is ignored
    assert (actor.name, actor.role, actor.terminal) == ("boss", "director", "test:tty1")


@pytest.mark.parametrize("bad", ["123", "1234567890123", "12a4", "١٢٣٤", "12 34", ""])
def test_pin_must_be_4_to_12_ascii_digits(floor: Floor, bad: str) -> None:
    with pytest.raises(FloorError, match="4 to 12 digits") as caught:
        add_operator(floor, "boss", "director", bad)
    if bad:
        assert bad not in str(caught.value)


def test_names_are_unique_ignoring_case_and_roles_are_known(staffed: Floor) -> None:
    with pytest.raises(FloorError, match="already exists"):
        add_operator(staffed, "DM1", "duty_manager", "4444")
    with pytest.raises(FloorError, match="unknown role"):
        add_operator(staffed, "x", "janitor", "4444")
    assert [v.name for v in list_operators_of(staffed)] == ["am1", "boss", "dm1", "sam", "vic"]


def list_operators_of(floor: Floor) -> list[OperatorView]:
    with floor.db.read() as session:
        return list_operators(session)


# --------------------------------------------------------------------------- lockout


def test_five_wrong_pins_lock_the_operator_on_every_terminal(staffed: Floor, clock) -> None:
    for attempt in range(1, 5):
        with pytest.raises(PermissionDenied, match=f"{5 - attempt} tries left"):
            authenticate(staffed, "dm1", "9999")
    with pytest.raises(PermissionDenied, match="locked for 15 minutes"):
        authenticate(staffed, "dm1", "9999")
    # The right PIN is refused now, from this terminal and from another process.
    with pytest.raises(PermissionDenied, match="locked after too many wrong PINs until 08:15"):
        authenticate(staffed, "dm1", "1111")
    other_db = Database(staffed.db.path)
    other = Floor(db=other_db, clock=clock, config=staffed.config, actor=Actor("x", "t2"))
    with pytest.raises(PermissionDenied, match="locked"):
        authenticate(other, "dm1", "1111")
    clock.advance(minutes=15)
    assert authenticate(other, "dm1", "1111").role == "duty_manager"
    other_db.dispose()
    actions = [r.action for r in journal_rows(staffed) if r.subject == "operator:dm1"]
    assert actions.count("operators.login_failed") == 4
    assert actions.count("operators.lock") == 1
    assert actions[-1] == "operators.login"


def test_a_right_pin_resets_the_count(staffed: Floor) -> None:
    for _ in range(4):
        with pytest.raises(PermissionDenied):
            authenticate(staffed, "dm1", "9999")
    authenticate(staffed, "dm1", "1111")
    with pytest.raises(PermissionDenied, match="4 tries left"):
        authenticate(staffed, "dm1", "9999")


def test_reset_pin_lifts_a_lockout(staffed: Floor) -> None:
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            authenticate(staffed, "dm1", "9999")
    login(staffed, "sam", "1357")
    reset_pin(staffed, "dm1", "5555")
    assert authenticate(staffed, "dm1", "5555").name == "dm1"
    with pytest.raises(PermissionDenied, match="wrong PIN"):
        authenticate(staffed, "dm1", "1111")


def test_unknown_name_is_not_echoed(staffed: Floor) -> None:
    # Someone typed their PIN into the name field: it must not be shown back.
    with pytest.raises(PermissionDenied) as caught:
        authenticate(staffed, "246813", "2468")
    assert "246813" not in str(caught.value)


# --------------------------------------------------------------------------- managing


def test_only_supervisors_and_directors_manage_operators(staffed: Floor) -> None:
    for name, pin in (("dm1", "1111"), ("am1", "2222"), ("vic", "3333")):
        login(staffed, name, pin)
        with pytest.raises(PermissionDenied, match=rf"operator {name} \(.*\) may not manage"):
            add_operator(staffed, "new", "viewer", "4444")
        with pytest.raises(PermissionDenied, match="may not manage operators"):
            disable_operator(staffed, "vic")
        with pytest.raises(PermissionDenied, match="may not manage operators"):
            reset_pin(staffed, "sam", "4444")
    login(staffed, "sam", "1357")
    add_operator(staffed, "dm2", "duty_manager", "4444")
    assert disable_operator(staffed, "dm2").active is False


def test_a_supervisor_cannot_create_or_touch_a_director(staffed: Floor) -> None:
    login(staffed, "sam", "1357")
    with pytest.raises(PermissionDenied, match="may not create a center director"):
        add_operator(staffed, "boss2", "director", "4444")
    with pytest.raises(PermissionDenied, match="may not reset the PIN of a center director"):
        reset_pin(staffed, "boss", "4444")
    with pytest.raises(PermissionDenied, match="may not disable a center director"):
        disable_operator(staffed, "boss")


def test_anyone_logged_in_may_change_their_own_pin(staffed: Floor) -> None:
    login(staffed, "vic", "3333")
    reset_pin(staffed, "vic", "7777")
    assert authenticate(staffed, "vic", "7777").role == "viewer"


def test_disabled_operator_cannot_log_in_and_loses_an_open_session(staffed: Floor) -> None:
    dm_floor = Floor(db=staffed.db, clock=staffed.clock, config=staffed.config)
    login(dm_floor, "dm1", "1111")
    assert allowed(dm_floor, "away.approve")
    disable_operator(staffed, "dm1")
    with pytest.raises(PermissionDenied, match="disabled"):
        authenticate(staffed, "dm1", "1111")
    with pytest.raises(PermissionDenied, match="disabled or unknown"):
        require(dm_floor, "away.approve")


def test_last_director_and_oneself_cannot_be_disabled(staffed: Floor) -> None:
    with pytest.raises(FloorError, match="cannot disable yourself"):
        disable_operator(staffed, "boss")
    # Nor does another director: nobody disables an operator of their own rank.
    add_operator(staffed, "boss2", "director", "4444")
    login(staffed, "boss2", "4444")
    with pytest.raises(PermissionDenied, match="may not disable a center director"):
        disable_operator(staffed, "boss")
    login(staffed, "sam", "1357")
    with pytest.raises(PermissionDenied):
        disable_operator(staffed, "boss2")


def test_journal_names_the_author_and_never_the_pin(staffed: Floor) -> None:
    login(staffed, "sam", "1357")
    add_operator(staffed, "dm9", "duty_manager", "864209")
    reset_pin(staffed, "dm9", "975310")
    rows = journal_rows(staffed)
    add = next(r for r in rows if r.action == "operators.add" and r.subject == "operator:dm9")
    assert add.actor == "sam" and add.terminal == "test:tty1"
    reset = next(r for r in rows if r.action == "operators.reset_pin")
    assert reset.actor == "sam"
    for row in rows:
        blob = f"{row.before}{row.after}{row.subject}"
        assert "864209" not in blob and "975310" not in blob and "argon2" not in blob


def test_pin_is_masked_in_repr() -> None:
    pin = Pin("4821")
    assert "4821" not in repr(pin) and "4821" not in str(pin) and "4821" not in f"{pin}"
    assert pin.reveal() == "4821"
