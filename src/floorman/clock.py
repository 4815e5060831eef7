"""The one source of "now" for floorman.

Domain code never calls `datetime.now()`: it is handed a `Clock`, so tests can move time
and a restart computes every timer from stored instants rather than from counters.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can say what time it is, as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to; for tests and benchmarks."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float = 0.0, **kwargs: float) -> datetime:
        self._now += timedelta(seconds=seconds, **kwargs)
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = when.astimezone(UTC)


class FastClock:
    """The wall clock run `speed` times faster from the moment it is made: the demo's
    `--speed`, so ten minutes of a floor pass in one (never for a real floor)."""

    def __init__(self, speed: float, start: datetime | None = None) -> None:
        if not speed > 0:
            raise ValueError("the speed must be above 0")
        self.speed = speed
        self._start = (start or datetime.now(UTC)).astimezone(UTC)
        self._started = time.monotonic()
        # The person at the keyboard lives in real time: keys are timed by this clock.
        self.wall: Clock = SystemClock()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(time.monotonic() - self._started) * self.speed)


def keyboard_clock(clock: Clock) -> Clock:
    """The clock that times a person's keys (a second `q` within three seconds): the
    floor's own, except under the demo's `--speed`, whose floor runs faster than hands."""
    wall = getattr(clock, "wall", None)
    return wall if wall is not None else clock


def elapsed_seconds(since: datetime, now: datetime) -> int:
    """Whole seconds from `since` to `now`, never negative (clocks get corrected backwards)."""
    return max(0, int((now - since).total_seconds()))


def mmss(seconds: int) -> str:
    """Format a duration as mm:ss, growing to h:mm:ss past an hour."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"
