"""Deadlines of open items as a duty manager types them at 3 a.m. (handover.deadlines)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from floorman.clock import FakeClock
from floorman.config import Config
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.handover.deadlines import floor_deadline, parse_deadline

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 03:10 in Shanghai on 24 November: the night shift (00:00-08:00) is on duty.
NIGHT = datetime(2026, 11, 23, 19, 10, tzinfo=UTC)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def parse(text: str, now: datetime = NIGHT, **shifts: datetime) -> datetime:
    return parse_deadline(text, now, SHANGHAI, **shifts)


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("09:00", "2026-11-24T09:00"),  # later today
        ("9:30", "2026-11-24T09:30"),
        ("03:00", "2026-11-25T03:00"),  # already past today: tomorrow
        ("03:10", "2026-11-25T03:10"),  # now is not a deadline either
        ("tomorrow 08:30", "2026-11-25T08:30"),
        ("Tomorrow  8:30", "2026-11-25T08:30"),
        ("明天 08:30", "2026-11-25T08:30"),
        ("today 18:00", "2026-11-24T18:00"),
        ("2026-11-26 14:00", "2026-11-26T14:00"),
        ("2026-11-26T14:00", "2026-11-26T14:00"),
        ("2026-11-24T02:00:00+00:00", "2026-11-24T10:00"),  # full ISO with its offset
        ("2026-11-24T02:00Z", "2026-11-24T10:00"),
    ],
)
def test_times_of_day_and_dates_are_read_in_the_floor_zone(typed: str, due: str) -> None:
    assert parse(typed) == local(due)
    assert parse(typed).tzinfo is UTC


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("+2h", 120), ("+30m", 30), ("+1h30m", 90), ("+ 45 min", 45), ("in 2h", 120), ("+1d", 1440)],
)
def test_relative_deadlines_count_from_now(typed: str, minutes: int) -> None:
    assert (parse(typed) - NIGHT).total_seconds() == minutes * 60


def test_end_of_shift_and_next_shift_use_the_shift_ends_given() -> None:
    end, next_end = local("2026-11-24T08:00"), local("2026-11-24T16:00")
    assert parse("end of shift", shift_end=end, next_shift_end=next_end) == end
    assert parse("End of  Shift", shift_end=end, next_shift_end=next_end) == end
    assert parse("next shift", shift_end=end, next_shift_end=next_end) == next_end
    with pytest.raises(FloorError, match="no shift covers"):
        parse("end of shift")


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("tomorrow", "give a time too"),
        ("25:00", "not a time of day"),
        ("12:75", "not a time of day"),
        ("soon", "not understood"),
        ("+0m", "give a time ahead"),
        ("2026-11-20 09:00", "already past"),
        ("today 01:00", "already past"),
        ("   ", "empty"),
    ],
)
def test_what_cannot_be_read_is_refused_by_name(typed: str, why: str) -> None:
    with pytest.raises(FloorError, match=why):
        parse(typed)


def test_a_floor_fills_in_its_clock_zone_and_shifts(floor: Floor) -> None:
    night = dataclasses.replace(
        floor, clock=FakeClock(NIGHT), config=Config(timezone="Asia/Shanghai")
    )
    assert floor_deadline(night, "") is None
    assert floor_deadline(night, "  ") is None
    assert floor_deadline(night, "end of shift") == local("2026-11-24T08:00")
    assert floor_deadline(night, "next shift") == local("2026-11-24T16:00")
    assert floor_deadline(night, "07:00") == local("2026-11-24T07:00")
