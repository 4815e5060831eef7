"""The edges of what floorman accepts: times, days, numbers, durations and text lengths.

Every value from outside (an argument, a feed line, a CSV cell, a form field) is checked
here before it reaches the rules, so that an extreme value gets one clear refusal
(FloorError: exit 2 on the command line, a message in a form) instead of an overflow deep
inside, a 57-year away, or a number too large for SQLite.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from floorman.domain.core.errors import FloorError, Word

# The floor's calendar: nothing on a call-center floor happened before 2000 or after 2100.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
EARLIEST_DAY, LATEST_DAY = EARLIEST.date(), LATEST.date() - timedelta(days=1)
# Longest duration anyone means (an extension, a deadline, a roll-call window).
MAX_DURATION = timedelta(days=366)
# Largest count or number of seconds floorman stores (fits SQLite's 64-bit integer).
MAX_COUNT = 10**9
# Text lengths: identifiers (seat, staff number, source, event id, operator name).
ID_MAX = 64
NAME_MAX = 100
NOTE_MAX = 2000


def instant(value: datetime, field: str = "time") -> datetime:
    """`value` as aware UTC, refused outside the floor's calendar (2000-2099)."""
    try:
        utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise FloorError(
            "{field} {value} is outside 2000-01-01 .. 2099-12-31",
            field=Word(field),
            value=value.isoformat(),
        )
    return utc


def day(value: date, field: str = "date") -> date:
    """A calendar day within the floor's calendar."""
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise FloorError(
            "{field} {value} is outside 2000-01-01 .. 2099-12-31",
            field=Word(field),
            value=value.isoformat(),
        )
    return value


def parse_day(text: str, field: str = "date") -> date:
    """A YYYY-MM-DD day, refused when malformed or outside the floor's calendar."""
    try:
        parsed = date.fromisoformat(text.strip())
    except ValueError:
        raise FloorError(
            "{field} '{value}' is not a date (YYYY-MM-DD)",
            field=Word(field),
            value=text.strip(),
        ) from None
    return day(parsed, field)


def whole_number(value: str | int, field: str, *, low: int = 0, high: int = MAX_COUNT) -> int:
    """An integer in [low, high]; text is parsed, anything else refused with its range."""
    if isinstance(value, bool):
        raise FloorError("{field} must be a whole number", field=Word(field))
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise FloorError(
            "{field} must be a whole number, not '{value}'",
            field=Word(field),
            value=value,
        ) from None
    if not low <= number <= high:
        raise FloorError(
            "{field} must be between {low} and {high}",
            field=Word(field),
            low=low,
            high=high,
        )
    return number


def real_number(value: str | float, field: str, *, low: float, high: float) -> float:
    """A finite number in [low, high] (nan and infinities are refused)."""
    try:
        number = float(str(value).strip()) if not isinstance(value, float) else value
    except ValueError:
        raise FloorError(
            "{field} must be a number, not '{value}'",
            field=Word(field),
            value=value,
        ) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise FloorError(
            "{field} must be a number between {low:g} and {high:g}",
            field=Word(field),
            low=low,
            high=high,
        )
    return number


def duration(value: timedelta, field: str = "duration") -> timedelta:
    """A duration from zero to a year."""
    if not timedelta(0) <= value <= MAX_DURATION:
        raise FloorError("{field} must be between 0 and 366 days", field=Word(field))
    return value
