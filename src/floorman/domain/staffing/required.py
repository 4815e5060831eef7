"""Seats required per interval: by Erlang C against a service target, and by the manual's
table, from a typed busy-hour volume or a forecast's intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time

from floorman.domain.core.errors import FloorError
from floorman.domain.staffing.defaults import DEFAULT_ANSWER_WITHIN_SECONDS, DEFAULT_TARGET_SL
from floorman.domain.staffing.erlang import check_erlang_input, erlang_staffing
from floorman.domain.staffing.manual import SeatTable
from floorman.domain.staffing.numbers import check_finite

# ------------------------------------------------------------- required against staffed


@dataclass(frozen=True)
class ForecastInterval:
    """One row of a traffic forecast: an interval of the day, its calls and handle time."""

    label: str
    start: time | None
    seconds: int
    calls: float
    aht_seconds: float

    @property
    def hourly_calls(self) -> float:
        """The interval's calls as a busy-hour rate, for the manual's table."""
        return self.calls * 3600 / self.seconds

    def contains(self, moment: time) -> bool:
        """Whether a local time of day falls in this interval (wrapping past midnight)."""
        if self.start is None:
            return False
        begin = self.start.hour * 3600 + self.start.minute * 60 + self.start.second
        at = moment.hour * 3600 + moment.minute * 60 + moment.second
        return (at - begin) % 86400 < self.seconds


@dataclass(frozen=True)
class RequiredSeats:
    """Seats required in one interval, by Erlang C (when a target is given) and by the table."""

    interval: ForecastInterval
    erlang_seats: int | None
    table_seats: int
    service_level: float | None
    occupancy: float | None

    @property
    def required(self) -> int:
        """The figure the floor is held to: Erlang C when computed, else the table."""
        return self.erlang_seats if self.erlang_seats is not None else self.table_seats

    def as_json(self) -> dict[str, object]:
        return {
            "interval": self.interval.label,
            "minutes": self.interval.seconds / 60,
            "calls": self.interval.calls,
            "aht_seconds": self.interval.aht_seconds,
            "required": self.required,
            "erlang_seats": self.erlang_seats,
            "table_seats": self.table_seats,
            "service_level": None if self.service_level is None else round(self.service_level, 6),
            "occupancy": None if self.occupancy is None else round(self.occupancy, 6),
        }


@dataclass(frozen=True)
class ServiceTarget:
    """The service level the floor is staffed to: share answered within a time."""

    target_sl: float = DEFAULT_TARGET_SL
    answer_within_seconds: float = DEFAULT_ANSWER_WITHIN_SECONDS
    max_occupancy: float = 1.0


def required_for_interval(
    interval: ForecastInterval, target: ServiceTarget | None, table: SeatTable | None = None
) -> RequiredSeats:
    """Seats one interval needs: by Erlang C (given a target), and by the manual's table."""
    table = table or SeatTable()
    table_seats = table.seats_for(interval.hourly_calls)
    if target is None:
        return RequiredSeats(interval, None, table_seats, None, None)
    if interval.calls == 0:
        return RequiredSeats(interval, 0, table_seats, 1.0, 0.0)
    inputs = check_erlang_input(
        interval.calls,
        interval.seconds,
        interval.aht_seconds,
        target.target_sl,
        target.answer_within_seconds,
        target.max_occupancy,
    )
    result = erlang_staffing(inputs)
    return RequiredSeats(
        interval, result.agents, table_seats, result.service_level, result.occupancy
    )


def required_from_volume(busy_hour_calls: float, table: SeatTable | None = None) -> RequiredSeats:
    """Seats required for a typed busy-hour volume, by the manual's table."""
    calls = check_finite(busy_hour_calls, "busy-hour calls")
    if calls < 0:
        raise FloorError("busy-hour calls must not be negative")
    interval = ForecastInterval("busy hour", None, 3600, calls, 0.0)
    return required_for_interval(interval, None, table)


def required_from_forecast(
    intervals: Sequence[ForecastInterval],
    target: ServiceTarget | None = None,
    table: SeatTable | None = None,
) -> list[RequiredSeats]:
    """Seats required in each interval of a forecast."""
    return [required_for_interval(i, target, table) for i in intervals]
