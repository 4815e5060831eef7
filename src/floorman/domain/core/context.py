"""Who is acting, from where, at what time: handed to every domain function that writes."""

from __future__ import annotations

import os
import pwd
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from floorman.clock import Clock, SystemClock
from floorman.config import Config
from floorman.data.db import Database


@dataclass
class HandOff:
    """A command the floor service runs for a caller (`floorman event` handed over).

    `terminal` is the caller's, `feed_key` the FLOORMAN_FEED_KEY the caller presented
    (the service's own environment never counts), `environ` and `uid` the caller's
    environment and user (who acts, when the command line does not say). The service
    cannot ask for a PIN: a command that needs a login sets `login_needed`, and the
    caller runs it itself.
    """

    terminal: str
    feed_key: str | None = None
    login_needed: bool = False
    environ: Mapping[str, str] = field(default_factory=dict)
    uid: int | None = None


# The floor service records a command handed to it as coming from the caller's terminal.
_HANDED_OVER: ContextVar[HandOff | None] = ContextVar("floorman_handed_over", default=None)


@contextmanager
def acting_from(
    terminal: str,
    feed_key: str | None = None,
    environ: Mapping[str, str] | None = None,
    uid: int | None = None,
) -> Iterator[HandOff]:
    """Within this block, `this_terminal()` is `terminal` and `default_operator()` the
    caller's (the service's hand-off)."""
    hand_off = HandOff(terminal, feed_key, environ=environ or {}, uid=uid)
    token = _HANDED_OVER.set(hand_off)
    try:
        yield hand_off
    finally:
        _HANDED_OVER.reset(token)


def handed_over() -> HandOff | None:
    """The hand-off this command runs in, or None when it runs in its own process."""
    return _HANDED_OVER.get()


def presented_feed_key() -> str | None:
    """The feed key this command presents: the caller's in a hand-off, else
    FLOORMAN_FEED_KEY (a key never travels on the command line, where `ps` shows it)."""
    hand_off = _HANDED_OVER.get()
    if hand_off is not None:
        return hand_off.feed_key
    return os.environ.get("FLOORMAN_FEED_KEY") or None


def this_terminal() -> str:
    """Host and tty (or process id) of this terminal, recorded in the journal."""
    hand_off = _HANDED_OVER.get()
    if hand_off is not None:
        return hand_off.terminal
    host = socket.gethostname()
    try:
        tty = os.ttyname(0)
    except OSError:
        tty = f"pid{os.getpid()}"
    return f"{host}:{tty}"


def default_operator() -> str:
    """`FLOORMAN_OPERATOR`, else the operating-system user; in a hand-off, the caller's."""
    hand_off = _HANDED_OVER.get()
    environ = hand_off.environ if hand_off is not None else os.environ
    name = environ.get("FLOORMAN_OPERATOR", "").strip()
    if name:
        return name
    uid = hand_off.uid if hand_off is not None and hand_off.uid is not None else os.getuid()
    return operating_system_user(environ, uid) or "unknown"


def operating_system_user(environ: Mapping[str, str], uid: int) -> str:
    """The login name as `getpass.getuser()` finds it, for any caller's environment and
    uid: LOGNAME, USER, LNAME, USERNAME, else the password database; "" if none."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if environ.get(name):
            return environ[name]
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return ""


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
