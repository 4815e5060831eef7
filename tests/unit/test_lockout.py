"""The wrong-PIN back-off (issue 14): it slows a guesser per operator and per terminal,
and never lets anyone lock the last director out of the floor."""

from __future__ import annotations

import pytest

from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import PermissionDenied
from floorman.domain.operators.lockout import terminal_key
from floorman.domain.operators.login import authenticate
from floorman.domain.operators.management import add_operator, reset_pin
from floorman.domain.operators.pins import ARGON2_PARAMETERS, _default_hasher

pytestmark = pytest.mark.usefixtures("cheap_hasher")


@pytest.fixture
def staffed(floor: Floor) -> Floor:
    """One director `boss` (2468), a supervisor, two duty managers, a viewer."""
    add_operator(floor, "boss", "director", "2468")
    floor.actor = authenticate(floor, "boss", "2468")
    for name, role, pin in (
        ("sam", "supervisor", "1357"),
        ("dm1", "duty_manager", "1111"),
        ("dm2", "duty_manager", "2222"),
        ("vic", "viewer", "3333"),
    ):
        add_operator(floor, name, role, pin)
    return floor


def at(floor: Floor, terminal: str) -> Floor:
    return Floor(db=floor.db, clock=floor.clock, config=floor.config, actor=Actor("x", terminal))


def guess(floor: Floor, name: str, times: int) -> list[str]:
    refusals = []
    for _ in range(times):
        with pytest.raises(PermissionDenied) as refused:
            authenticate(floor, name, "0000")
        refusals.append(str(refused.value))
    return refusals


def test_five_wrong_pins_do_not_lock_the_last_director_out_of_every_terminal(
    staffed: Floor,
) -> None:
    attacker = at(staffed, "host:/dev/pts/3")
    refusals = guess(attacker, "boss", 5)
    assert "cannot log in from this terminal for 15 minutes" in refusals[-1]
    assert "locked for" not in refusals[-1]
    with pytest.raises(PermissionDenied, match="cannot log in from this terminal until"):
        authenticate(attacker, "boss", "2468")
    assert authenticate(at(staffed, "host:/dev/pts/1"), "boss", "2468").role == "director"


def test_a_director_who_is_not_the_last_is_locked_like_anyone(staffed: Floor) -> None:
    add_operator(staffed, "boss2", "director", "4444")
    refusals = guess(at(staffed, "host:/dev/pts/3"), "boss", 5)
    assert "operator 'boss' is locked for 15 minutes" in refusals[-1]
    with pytest.raises(PermissionDenied, match="locked after too many wrong PINs"):
        authenticate(at(staffed, "host:/dev/pts/1"), "boss", "2468")
    # boss2 is now the last director who can log in: never locked everywhere.
    refusals = guess(at(staffed, "host:/dev/pts/4"), "boss2", 5)
    assert "locked for" not in refusals[-1]
    assert authenticate(at(staffed, "host:/dev/pts/1"), "boss2", "4444").role == "director"


def test_the_wait_doubles_with_every_further_wrong_pin(staffed: Floor, clock) -> None:
    terminal = at(staffed, "host:/dev/pts/3")
    assert "locked for 15 minutes" in guess(terminal, "dm1", 5)[-1]
    clock.advance(minutes=15)
    assert "locked for 30 minutes" in guess(terminal, "dm1", 1)[-1]
    clock.advance(minutes=30)
    assert "locked for 60 minutes" in guess(terminal, "dm1", 1)[-1]
    clock.advance(minutes=60)
    assert authenticate(terminal, "dm1", "1111").role == "duty_manager"
    # A right PIN starts the count again.
    assert "4 tries left" in guess(terminal, "dm1", 1)[-1]


def test_a_terminal_guessing_at_many_operators_is_slowed(staffed: Floor) -> None:
    sprayer = at(staffed, "host:pid4242")
    for name in ("dm1", "dm2", "vic", "sam"):
        guess(sprayer, name, 2)
    refusals = guess(sprayer, "boss", 2)
    assert "this terminal is locked for 15 minutes" in refusals[-1]
    # Every process without a terminal on this host is the same terminal ...
    with pytest.raises(PermissionDenied, match="this terminal is locked"):
        authenticate(at(staffed, "host:pid999"), "dm1", "1111")
    assert terminal_key("host:pid4242") == terminal_key("host:pid999")
    # ... and another terminal is not slowed by it.
    assert authenticate(at(staffed, "host:/dev/pts/1"), "dm1", "1111").role == "duty_manager"


def test_logging_in_as_oneself_between_guesses_gains_nothing(staffed: Floor) -> None:
    attacker = at(staffed, "host:/dev/pts/3")
    guess(attacker, "boss", 4)
    assert authenticate(attacker, "vic", "3333").role == "viewer"  # the guesser's own PIN
    refusals = guess(attacker, "boss", 1)
    assert "cannot log in from this terminal" in refusals[-1]


def test_a_pin_reset_lifts_the_lock_at_every_terminal(staffed: Floor) -> None:
    guess(at(staffed, "host:/dev/pts/3"), "dm1", 5)
    reset_pin(staffed, "dm1", "5678")
    assert authenticate(at(staffed, "host:/dev/pts/3"), "dm1", "5678").role == "duty_manager"


def test_the_pin_hash_cost_is_the_stated_one() -> None:
    hasher = _default_hasher()
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 4)
    assert ARGON2_PARAMETERS["memory_cost"] == 64 * 1024
