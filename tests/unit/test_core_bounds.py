"""The edges of accepted input: calendar limits, huge numbers, nan, long durations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from floorman.domain.core import bounds
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import parse_instant

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "text",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1970-01-01T00:00:00Z"],
)
def test_times_outside_the_calendar_are_refused(text):
    with pytest.raises(FloorError, match="outside 2000-01-01"):
        parse_instant(text, SHANGHAI)


def test_a_time_in_the_calendar_keeps_its_offset():
    parsed = parse_instant("2026-11-23T08:00:00", SHANGHAI)
    assert parsed.utcoffset() == timedelta(hours=8)
    assert bounds.instant(parsed) == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "2026-13-45", "tomorrow"])
def test_days_outside_the_calendar_or_malformed_are_refused(text):
    with pytest.raises(FloorError):
        bounds.parse_day(text)


def test_days_inside_are_read():
    assert bounds.parse_day(" 2026-12-01 ") == date(2026, 12, 1)


@pytest.mark.parametrize("value", ["100000000000000000000", "-1", "1e3", "", True])
def test_whole_numbers_out_of_range_or_malformed(value):
    with pytest.raises(FloorError):
        bounds.whole_number(value, "limit")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "x"])
def test_real_numbers_must_be_finite_and_in_range(value):
    with pytest.raises(FloorError):
        bounds.real_number(value, "interval", low=1, high=86400)


def test_durations_beyond_a_year_are_refused():
    assert bounds.duration(timedelta(hours=2)) == timedelta(hours=2)
    with pytest.raises(FloorError):
        bounds.duration(timedelta(hours=99999999))
