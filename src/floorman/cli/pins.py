"""PINs on the command line: the acting operator's and a new one, and logging the CLI in.

PINs never travel on the command line (other users can read it in `ps`): the acting
operator's PIN comes from FLOORMAN_PIN or a prompt, a new PIN from FLOORMAN_NEW_PIN or
a prompt asked twice. Both variables are removed from the environment once read. Kept
apart from the operators commands so that opening a floor (cli/common.py) can log in
without importing them.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from floorman.domain.core.context import Actor, Floor
    from floorman.domain.operators.pins import Pin


def _take_env(name: str) -> str | None:
    value = os.environ.pop(name, None)
    return value if value else None


def _prompt(label: str) -> str:
    from floorman.domain.core.errors import FloorError

    if not sys.stdin.isatty():
        raise FloorError("{label}: no terminal to ask for a PIN", label=label)
    return getpass.getpass(f"{label}: ")


def acting_pin(name: str) -> Pin:
    """The acting operator's PIN: FLOORMAN_PIN, else a prompt.

    Never in the floor service running a handed-over command: its environment and its
    terminal are not the caller's, so the hand-off is told and the caller logs in.
    """
    from floorman.domain.core.context import handed_over
    from floorman.domain.core.errors import FloorError
    from floorman.domain.operators.pins import Pin

    hand_off = handed_over()
    if hand_off is not None:
        hand_off.login_needed = True
        raise FloorError(
            "operator {name}: a login is given by the caller, not the service", name=name
        )
    value = _take_env("FLOORMAN_PIN")
    if value is None:
        if not sys.stdin.isatty():
            raise FloorError(
                "operator {name}: set FLOORMAN_PIN or run in a terminal to log in", name=name
            )
        value = _prompt(f"PIN for {name}")
    return Pin(value)


def new_pin(name: str) -> Pin:
    """A new PIN for `name`: FLOORMAN_NEW_PIN, else asked twice at a prompt."""
    from floorman.domain.core.errors import FloorError
    from floorman.domain.operators.pins import Pin

    value = _take_env("FLOORMAN_NEW_PIN")
    if value is not None:
        return Pin(value)
    if not sys.stdin.isatty():
        raise FloorError(
            "set FLOORMAN_NEW_PIN or run in a terminal to give {name} a PIN", name=name
        )
    first = Pin(_prompt(f"new PIN for {name}"))
    if _prompt("the same PIN again") != first.reveal():
        raise FloorError("the two PINs differ")
    return first


def check_feed_key(floor: Floor) -> None:
    """On a floor whose config sets `[operators] feed_key`, a source must present it."""
    from floorman.domain.core.context import presented_feed_key
    from floorman.domain.operators.permissions import require_feed_key

    require_feed_key(floor.config, presented_feed_key())


def cli_login(floor: Floor) -> Actor:
    """Log the CLI in as `--operator` on a floor that has operators; open floors pass."""
    from floorman.domain.operators.login import authenticate
    from floorman.domain.operators.records import operators_exist

    with floor.db.read() as session:
        if not operators_exist(session):
            return floor.actor
    return authenticate(floor, floor.actor.name, acting_pin(floor.actor.name))
