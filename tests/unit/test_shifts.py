"""The shift pattern: which shift is on, its bounds in the floor's zone, and duty managers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from floorman.clock import FakeClock
from floorman.config import Config, ShiftsConfig
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.shifts import (
    assign_manager,
    current_shift,
    duty,
    next_shift,
    parse_pattern,
    previous_shift,
    roster,
    shift_at,
    shift_by_id,
)

SHANGHAI = Config(timezone="Asia/Shanghai")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_day_shift_in_the_configured_zone() -> None:
    # 01:30 UTC is 09:30 in Shanghai: the 08:00-16:00 shift, which started at 00:00 UTC.
    shift = shift_at(SHANGHAI, utc(2026, 11, 23, 1, 30))
    assert shift is not None
    assert shift.id == "2026-11-23/08:00-16:00"
    assert shift.start == utc(2026, 11, 23, 0, 0)
    assert shift.end == utc(2026, 11, 23, 8, 0)


def test_the_shift_ending_at_24_00_ends_at_the_next_midnight() -> None:
    shift = shift_at(SHANGHAI, utc(2026, 11, 23, 15, 59))  # 23:59 local
    assert shift is not None
    assert shift.id == "2026-11-23/16:00-24:00"
    assert shift.end == utc(2026, 11, 23, 16, 0)  # 00:00 local on the 24th
    following = shift_at(SHANGHAI, utc(2026, 11, 23, 16, 0))
    assert following is not None and following.id == "2026-11-24/00:00-08:00"
    assert next_shift(SHANGHAI, shift) == following
    assert previous_shift(SHANGHAI, following) == shift


def test_an_overnight_shift_belongs_to_the_day_it_started() -> None:
    config = Config(
        timezone="Asia/Shanghai",
        shifts=ShiftsConfig(pattern=("06:00-14:00", "14:00-22:00", "22:00-06:00")),
    )
    late = shift_at(config, utc(2026, 11, 23, 14, 30))  # 22:30 local on the 23rd
    early = shift_at(config, utc(2026, 11, 23, 19, 0))  # 03:00 local on the 24th
    assert late is not None and early is not None
    assert late == early
    assert late.id == "2026-11-23/22:00-06:00"
    assert (late.start, late.end) == (utc(2026, 11, 23, 14, 0), utc(2026, 11, 23, 22, 0))
    assert next_shift(config, late).id == "2026-11-24/06:00-14:00"


def test_a_gap_in_the_pattern_has_no_shift(db) -> None:
    config = Config(timezone="UTC", shifts=ShiftsConfig(pattern=("08:00-16:00",)))
    assert shift_at(config, utc(2026, 11, 23, 17, 0)) is None
    floor = Floor(db=db, clock=FakeClock(utc(2026, 11, 23, 17, 0)), config=config)
    with pytest.raises(FloorError, match="no shift covers 17:00"):
        current_shift(floor)
    shift = shift_at(config, utc(2026, 11, 23, 9, 0))
    assert shift is not None
    assert next_shift(config, shift).id == "2026-11-24/08:00-16:00"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (("08:00-16:00", "15:00-23:00"), "overlaps"),
        (("8-16",), "HH:MM-HH:MM"),
        (("08:00-24:30",), "out of range"),
        (("08:00-08:00",), "same time"),
        ((), "empty"),
    ],
)
def test_bad_patterns_are_refused(pattern: tuple[str, ...], message: str) -> None:
    with pytest.raises(FloorError, match=message):
        parse_pattern(pattern)


def test_shift_ids_round_trip_and_unknown_ones_are_refused() -> None:
    shift = shift_by_id(SHANGHAI, "2026-11-23/16:00-24:00")
    assert shift_at(SHANGHAI, shift.start) == shift
    with pytest.raises(FloorError, match="not in the pattern"):
        shift_by_id(SHANGHAI, "2026-11-23/09:00-17:00")
    with pytest.raises(FloorError, match="YYYY-MM-DD"):
        shift_by_id(SHANGHAI, "monday")


def test_assigning_the_duty_manager_of_a_shift(floor: Floor) -> None:
    # The fixture's clock is 08:00 UTC and its zone UTC: the day shift.
    view = assign_manager(floor, "current", "Wang")
    assert view.shift.id == "2026-11-23/08:00-16:00"
    assign_manager(floor, "next", "Li")
    assign_manager(floor, "current", "Zhao")  # a substitute replaces Wang
    with floor.db.read() as session:
        assert duty(session, current_shift(floor)).manager == "Zhao"
    managers = [(d.shift.label, d.manager) for d in roster(floor, days=1)]
    assert managers == [("08:00-16:00", "Zhao"), ("16:00-24:00", "Li"), ("00:00-08:00", None)]
    with pytest.raises(FloorError, match="manager must not be empty"):
        assign_manager(floor, "current", "  \x1b[31m ")
