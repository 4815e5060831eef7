"""Deadlines as a duty manager types them: "18:00", "tomorrow 09:00", "+2h", "end of shift".

An open item of the handover is due by a time, typed at the end of a shift, often at
night. Nobody types ISO 8601 with an offset then, so `parse_deadline` reads the short
forms people use and still takes full ISO 8601 from scripts. It is a pure function of the
text, the clock's reading and the floor's time zone (and, for "end of shift", the shift
ends), so it is tested without a database; `floor_deadline` fills those in from a floor.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from floorman.domain.core import bounds
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import parse_instant

if TYPE_CHECKING:
    from floorman.domain.core.context import Floor

# Said once, shown in the CLI's help and the form's error, so both stay in step.
DEADLINE_FORMS = (
    "HH:MM (today, or tomorrow if already past), tomorrow HH:MM, YYYY-MM-DD HH:MM, "
    "+2h / +30m / +1h30m, end of shift, next shift (its end), or ISO 8601"
)

_CLOCK = re.compile(r"^(\d{1,2})[:：.](\d{2})$")
_RELATIVE = re.compile(r"^(?:\+|in\s+)\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$")
_DAY_WORDS = {"today": 0, "今天": 0, "tomorrow": 1, "tmr": 1, "tmrw": 1, "明天": 1}
_END_OF_SHIFT = {"end of shift", "shift end", "eos", "本班结束", "下班"}
_NEXT_SHIFT = {"next shift", "end of next shift", "下一班", "下个班次"}


def _clock_time(text: str, original: str) -> time | None:
    """A time of day written "HH:MM"; None when `text` is not of that shape."""
    match = _CLOCK.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise FloorError(
            "deadline '{original}': {text} is not a time of day",
            original=original,
            text=text,
        )
    return time(hour, minute)


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at).replace(tzinfo=zone).astimezone(UTC)


def parse_deadline(
    text: str,
    now: datetime,
    zone: ZoneInfo,
    *,
    shift_end: datetime | None = None,
    next_shift_end: datetime | None = None,
) -> datetime:
    """The instant (aware, UTC) that `text` names, read at `now` in the floor's `zone`.

    Accepted: "HH:MM" (today, or tomorrow when that time has passed), "tomorrow HH:MM"
    and "today HH:MM", "YYYY-MM-DD HH:MM" (local), "+2h", "+30m", "+1h30m", "+1d",
    "end of shift" (`shift_end`), "next shift" (the end of the shift after it,
    `next_shift_end`), and ISO 8601 (without an offset: local). A named day and time
    already past is refused, so a typo does not make an item overdue on arrival.
    """
    original = text
    words = " ".join(text.strip().lower().split())
    if not words:
        raise FloorError("the deadline is empty")
    local_now = now.astimezone(zone)

    at = _clock_time(words, original)
    if at is not None:
        when = _local(local_now.date(), at, zone)
        return when if when > now else _local(local_now.date() + timedelta(days=1), at, zone)

    day_word, _, rest = words.partition(" ")
    if day_word in _DAY_WORDS:
        at = _clock_time(rest, original)
        if at is None:
            raise FloorError(
                "deadline '{original}': give a time too, e.g. {day_word} 09:00",
                original=original,
                day_word=day_word,
            )
        when = _local(local_now.date() + timedelta(days=_DAY_WORDS[day_word]), at, zone)
        return _not_past(when, now, original, zone)

    relative = _RELATIVE.match(words)
    if relative and any(relative.groups()):
        days, hours, minutes = (int(g or 0) for g in relative.groups())
        try:
            span = bounds.duration(timedelta(days=days, hours=hours, minutes=minutes))
        except (OverflowError, FloorError):
            raise FloorError(
                "deadline '{original}' is more than a year ahead", original=original
            ) from None
        if not span:
            raise FloorError("deadline '{original}' is now; give a time ahead", original=original)
        return now + span

    if words in _END_OF_SHIFT or words in _NEXT_SHIFT:
        end = shift_end if words in _END_OF_SHIFT else next_shift_end
        if end is None:
            raise FloorError(
                "deadline '{original}': no shift covers the time now",
                original=original,
            )
        return end.astimezone(UTC)

    try:  # full ISO 8601, read as every other time floorman takes
        parsed = parse_instant(words.upper(), zone)
    except FloorError:
        raise FloorError("deadline '{original}' not understood", original=original) from None
    return _not_past(parsed.astimezone(UTC), now, original, zone)


def _not_past(when: datetime, now: datetime, original: str, zone: ZoneInfo) -> datetime:
    if when <= now:
        raise FloorError(
            "deadline '{original}' ({value:%Y-%m-%d %H:%M}) is already past",
            original=original,
            value=when.astimezone(zone),
        )
    return when


def floor_deadline(floor: Floor, text: str | None) -> datetime | None:
    """`parse_deadline` at the floor's clock, zone and shifts; blank text is no deadline."""
    # Imported here: the CLI reads DEADLINE_FORMS for its help on every start, and the
    # shifts module brings the ORM with it.
    from floorman.domain.shifts import next_shift, shift_at

    if text is None or not text.strip():
        return None
    now = floor.clock.now()
    shift = shift_at(floor.config, now)
    return parse_deadline(
        text,
        now,
        floor.config.zone(),
        shift_end=shift.end if shift else None,
        next_shift_end=next_shift(floor.config, shift).end if shift else None,
    )
