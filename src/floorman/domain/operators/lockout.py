"""The wrong-PIN back-off: per operator, per terminal, and per operator at a terminal.

Three counters, each a back-off (after `max_pin_attempts` wrong PINs, a wait of
`lockout_minutes` that doubles with every further wrong PIN, up to a day):

- the operator's own (in the operator row): locks that operator on every terminal. It
  never locks the last director who could still log in, so nobody can shut the director
  out of the floor by typing wrong PINs on purpose;
- the terminal's: slows one terminal guessing at many operators. Twice the attempts
  are allowed (several people share a floor terminal), and a right PIN there resets it;
- the operator's at that terminal ("pair"): slows a guesser at the last director where
  they sit; the director still logs in from another terminal. Only that operator's own
  right PIN at that terminal resets it, so logging in as oneself between guesses gains
  nothing.

A terminal is named as the journal names it (host:tty); a process without a terminal
counts as the host's "no-tty", so a script is one terminal however many processes it
starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from floorman.config import OperatorsConfig
from floorman.data.tables.operators import LoginThrottle, Operator
from floorman.domain.core.states import Role

MAX_WAIT = timedelta(days=1)
# A terminal's count starts again after a day without a wrong PIN there.
TERMINAL_MEMORY = timedelta(days=1)
TERMINAL_FACTOR = 2
_NO_TTY = re.compile(r":pid\d+$")


def backoff(settings: OperatorsConfig, failures: int, limit: int) -> timedelta | None:
    """The wait after `failures` wrong PINs against a limit of `limit`; None below it."""
    if not limit or failures < limit:
        return None
    doublings = min(failures - limit, 16)  # 2**16 minutes is far beyond MAX_WAIT
    return min(timedelta(minutes=settings.lockout_minutes) * (2**doublings), MAX_WAIT)


def minutes(wait: timedelta) -> int:
    return max(1, round(wait.total_seconds() / 60))


def terminal_key(terminal: str) -> str:
    """"terminal:host:tty"; a process without a terminal is the host's "no-tty"."""
    return "terminal:" + _NO_TTY.sub(":no-tty", terminal)


def pair_key(operator_id: str, terminal: str) -> str:
    return f"pair:{operator_id}@{terminal_key(terminal).removeprefix('terminal:')}"


def throttle(session: Session, key: str) -> LoginThrottle:
    row = session.get(LoginThrottle, key)
    return row if row is not None else LoginThrottle(key=key)


def locks_out_the_director(session: Session, op: Operator, now: datetime) -> bool:
    """True when locking `op` would leave no active director able to log in."""
    if op.role != Role.DIRECTOR:
        return False
    others = session.exec(
        select(func.count())
        .select_from(Operator)
        .where(
            col(Operator.role) == Role.DIRECTOR,
            col(Operator.active).is_(True),
            col(Operator.id) != op.id,
            (col(Operator.locked_until).is_(None)) | (col(Operator.locked_until) <= now),
        )
    ).one()
    return int(others) == 0


@dataclass
class Attempt:
    """One login's three counters, read inside the write transaction that updates them."""

    settings: OperatorsConfig
    op: Operator
    terminal: LoginThrottle
    pair: LoginThrottle
    now: datetime
    op_lockable: bool = True

    @property
    def terminal_limit(self) -> int:
        return self.settings.max_pin_attempts * TERMINAL_FACTOR

    def waiting(self) -> tuple[str, datetime] | None:
        """Which counter makes this login wait ("operator", "pair", "terminal"), and until."""
        for kind, until in (
            ("operator", self.op.locked_until),
            ("pair", self.pair.locked_until),
            ("terminal", self.terminal.locked_until),
        ):
            if until is not None and until > self.now:
                return kind, until
        return None

    def wrong(self, session: Session) -> tuple[str, timedelta] | None:
        """Count a wrong PIN on every counter; the lock it starts (kind, wait) or None."""
        limit = self.settings.max_pin_attempts
        if (
            self.terminal.last_failed_at is not None
            and self.now - self.terminal.last_failed_at > TERMINAL_MEMORY
        ):
            self.terminal.failed_attempts = 0
        self.op.failed_attempts += 1
        locked: tuple[str, timedelta] | None = None
        for kind, row, row_limit in (
            ("terminal", self.terminal, self.terminal_limit),
            ("pair", self.pair, limit),
        ):
            row.failed_attempts += 1
            row.last_failed_at = self.now
            wait = backoff(self.settings, row.failed_attempts, row_limit)
            if wait is not None:
                row.locked_until = self.now + wait
                locked = locked or (kind, wait)
            session.add(row)
        wait = backoff(self.settings, self.op.failed_attempts, limit)
        self.op_lockable = not locks_out_the_director(session, self.op, self.now)
        if wait is not None and self.op_lockable:
            self.op.locked_until = self.now + wait
            locked = ("operator", wait)
        return locked

    def tries_left(self) -> int | None:
        limit = self.settings.max_pin_attempts
        if not limit:
            return None
        left = [
            limit - self.pair.failed_attempts,
            self.terminal_limit - self.terminal.failed_attempts,
        ]
        if self.op_lockable:
            left.append(limit - self.op.failed_attempts)
        return max(0, min(left))

    def right(self, session: Session) -> None:
        """A right PIN: this operator's counters and this terminal's start again."""
        self.op.failed_attempts = 0
        self.op.locked_until = None
        for row in (self.terminal, self.pair):
            if session.get(LoginThrottle, row.key) is not None:
                session.delete(row)
