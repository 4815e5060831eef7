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
        raise FloorError(f"{label}: no terminal to ask for a PIN")
    return getpass.getpass(f"{label}: ")


def acting_pin(name: str) -> Pin:
    """The acting operator's PIN: FLOORMAN_PIN, else a prompt."""
    from floorman.domain.core.errors import FloorError
    from floorman.domain.operators.pins import Pin

    value = _take_env("FLOORMAN_PIN")
    if value is None:
        if not sys.stdin.isatty():
            raise FloorError(f"operator {name}: set FLOORMAN_PIN or run in a terminal to log in")
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
        raise FloorError(f"set FLOORMAN_NEW_PIN or run in a terminal to give {name} a PIN")
    first = Pin(_prompt(f"new PIN for {name}"))
    if _prompt("the same PIN again") != first.reveal():
        raise FloorError("the two PINs differ")
    return first


def cli_login(floor: Floor) -> Actor:
    """Log the CLI in as `--operator` on a floor that has operators; open floors pass."""
    from floorman.domain.operators.login import authenticate
    from floorman.domain.operators.records import operators_exist

    with floor.db.read() as session:
        if not operators_exist(session):
            return floor.actor
    return authenticate(floor, floor.actor.name, acting_pin(floor.actor.name))
