"""The edges of what floorman accepts: times, days, numbers, durations and text lengths.

Every value from outside (an argument, a feed line, a CSV cell, a form field) is checked
here before it reaches the rules, so that an extreme value gets one clear refusal
(FloorError: exit 2 on the command line, a message in a form) instead of an overflow deep
inside, a 57-year away, or a number too large for SQLite.

The command line takes its values through the argparse `type=` functions at the end
(`count`, `number`, `calendar_day`, `calendar_month`, `text_argument`): every command
shares them, so `--limit`, a step number and a day are checked the same way everywhere.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from floorman.domain.core.errors import FloorError, Word

# The floor's calendar: nothing on a call-center floor happened before 2000 or after 2100.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
EARLIEST_DAY, LATEST_DAY = EARLIEST.date(), LATEST.date() - timedelta(days=1)
# Longest duration anyone means (an extension, a deadline, a roll-call window).
MAX_DURATION = timedelta(days=366)
# Largest count or number of seconds floorman stores (fits SQLite's 64-bit integer).
MAX_COUNT = 10**9
# Largest row or column of a seat on the floor plan.
GRID_MAX = 999
# Text lengths of identifiers (`text.identifier`, the one id rule): a seat, zone or
# staff number; a feed's or command's source; an operator's name; an event's --id.
CODE_MAX = 40
SOURCE_MAX = 60
OPERATOR_MAX = 40
EVENT_ID_MAX = 200
ID_MAX = 64
NAME_MAX = 100
NOTE_MAX = 2000
# The longest text any field takes (a handover's summary or notes): no argument, feed
# field or environment value is longer, so 100,000 characters never reach a rule.
ARGUMENT_MAX = 4000
# How much of a refused value a message repeats (a 100,000-character id is not echoed).
SHOWN_MAX = 40
MINUTES_MAX = int(MAX_DURATION.total_seconds() // 60)


def shown(value: object) -> str:
    """`value` as a message repeats it: cut to SHOWN_MAX characters."""
    text = str(value)
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


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
            value=shown(text.strip()),
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
            value=shown(value),
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
            value=shown(value),
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


def month(text: str, field: str = "month") -> tuple[int, int]:
    """A YYYY-MM month within the floor's calendar, as (year, month)."""
    year, _, number = text.strip().partition("-")
    if not (year.isdigit() and number.isdigit() and len(year) == 4 and len(number) == 2):
        raise FloorError(
            "{field} '{shown}' is not a month (YYYY-MM)",
            field=Word(field),
            shown=f"{shown(text.strip())}",
        )
    if not 1 <= int(number) <= 12:
        raise FloorError(
            "{field} {strip}: the month must be 01-12", field=Word(field), strip=f"{text.strip()}"
        )
    if not EARLIEST_DAY.year <= int(year) <= LATEST_DAY.year:
        raise FloorError(
            "{field} {strip} is outside 2000-01 .. 2099-12",
            field=Word(field),
            strip=f"{text.strip()}",
        )
    return int(year), int(number)


def length(value: str, field: str, high: int = ARGUMENT_MAX) -> str:
    """`value` unchanged, refused when longer than `high` characters."""
    if len(value) > high:
        raise FloorError(
            "{field} is too long ({len} characters, at most {high})",
            field=Word(field),
            len=f"{len(value)}",
            high=high,
        )
    return value


# ----------------------------------------------------------- argparse `type=` functions
# argparse turns an ArgumentTypeError into "argument X: <message>", one line, exit 2.


Parsed = TypeVar("Parsed")


def _argument(check: Callable[[str], Parsed], name: str) -> Callable[[str], Parsed]:
    def parse(text: str) -> Parsed:
        try:
            return check(text)
        except FloorError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = name
    return parse


def count(low: int = 0, high: int = MAX_COUNT) -> Callable[[str], int]:
    """argparse type: a whole number in [low, high] (10^20 is refused, not overflowed)."""
    return _argument(lambda text: whole_number(text, "value", low=low, high=high), "count")


def number(low: float, high: float) -> Callable[[str], float]:
    """argparse type: a finite number in [low, high] (nan and inf are refused)."""
    return _argument(lambda text: real_number(text, "value", low=low, high=high), "number")


calendar_day = _argument(lambda text: parse_day(text, "date"), "date")
"""argparse type: a YYYY-MM-DD day within 2000-2099."""

calendar_month = _argument(month, "month")
"""argparse type: a YYYY-MM month within 2000-2099, as (year, month)."""

finite_number = number(-MAX_COUNT, MAX_COUNT)
"""argparse type: any finite number a floor could mean; the rules say which are sensible."""
