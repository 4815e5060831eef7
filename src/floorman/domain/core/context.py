"""Who is acting, from where, at what time: handed to every domain function that writes."""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from floorman.clock import Clock, SystemClock
from floorman.config import Config
from floorman.data.db import Database

# The floor service records a command handed to it as coming from the caller's terminal.
_ACTING_FROM: ContextVar[str | None] = ContextVar("floorman_acting_from", default=None)


@contextmanager
def acting_from(terminal: str) -> Iterator[None]:
    """Within this block, `this_terminal()` is `terminal` (the service's hand-off)."""
    token = _ACTING_FROM.set(terminal)
    try:
        yield
    finally:
        _ACTING_FROM.reset(token)


def this_terminal() -> str:
    """Host and tty (or process id) of this terminal, recorded in the journal."""
    handed_over = _ACTING_FROM.get()
    if handed_over is not None:
        return handed_over
    host = socket.gethostname()
    try:
        tty = os.ttyname(0)
    except OSError:
        tty = f"pid{os.getpid()}"
    return f"{host}:{tty}"


def default_operator() -> str:
    """`FLOORMAN_OPERATOR`, else the operating-system user."""
    name = os.environ.get("FLOORMAN_OPERATOR", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class Actor:
    """The person (or system) on whose behalf a change is made.

    `role` is None until operator login lands; `source` names a script or phone system
    that feeds agent states (then `name` is that source).
    """

    name: str
    terminal: str = field(default_factory=this_terminal)
    role: str | None = None
    source: str | None = None


@dataclass
class Floor:
    """Everything a domain call needs: the database, the clock, the config, the actor."""

    db: Database
    clock: Clock = field(default_factory=SystemClock)
    config: Config = field(default_factory=Config)
    actor: Actor = field(default_factory=lambda: Actor(default_operator()))
