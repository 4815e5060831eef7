"""Seats required per interval (typed volume or forecast CSV) against seats staffed now."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from floorman.domain.core.errors import FloorError
from floorman.domain.seats.events import record_event
from floorman.domain.staffing.forecast import parse_interval, read_forecast
from floorman.domain.staffing.gap import (
    compare,
    compare_with_floor,
    current_interval,
    staffed_seats,
)
from floorman.domain.staffing.manual import SeatTable
from floorman.domain.staffing.required import (
    ForecastInterval,
    ServiceTarget,
    required_for_interval,
    required_from_forecast,
    required_from_volume,
)


def write(tmp_path: Path, text: str, name: str = "forecast.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_typed_busy_hour_volume_uses_the_manuals_table() -> None:
    assert required_from_volume(100).required == 7
    assert required_from_volume(450).required == 20
    assert required_from_volume(0).required == 0
    with pytest.raises(FloorError, match="negative"):
        required_from_volume(-3)


def test_forecast_file_is_read_with_its_intervals(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Interval,Calls,AHT\n08:00-08:30,100,180\n08:30,150,200\n23:30-00:30,0,0\nmorning,20,100\n",
    )
    rows = read_forecast(path)
    assert [r.label for r in rows] == ["08:00-08:30", "08:30", "23:30-00:30", "morning"]
    assert [r.seconds for r in rows] == [1800, 1800, 3600, 1800]
    assert rows[0].start == time(8, 0)
    assert rows[3].start is None
    assert rows[1].calls == 150 and rows[1].aht_seconds == 200


def test_interval_length_option_for_start_only_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "interval,calls,aht\n08:00,100,180\n")
    rows = read_forecast(path, interval_minutes=15)
    assert rows[0].seconds == 900


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("interval,calls\n08:00,1\n", "line 1: missing column"),
        ("interval,calls,aht\n08:00,many,180\n", "line 2: calls must be a number"),
        ("interval,calls,aht\n08:00,10,0\n", "line 2: aht"),
        ("interval,calls,aht\n08:00,-1,100\n", "line 2: calls must not be negative"),
        ("interval,calls,aht\n08:00,1,100\n09:00-09:00,1,100\n", "line 3: .*no length"),
        ("interval,calls,aht\n08:00-late,1,100\n", "the end is not a time"),
        ("interval,calls,aht\n,1,100\n", "interval must not be empty"),
        ("interval,calls,aht\n", "no intervals"),
        ("interval,calls,aht\n08:00,inf,100\n", "finite"),
    ],
)
def test_bad_forecasts_are_refused_with_the_line(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(FloorError, match=message):
        read_forecast(write(tmp_path, body))


def test_missing_or_binary_file(tmp_path: Path) -> None:
    with pytest.raises(FloorError, match="cannot be read"):
        read_forecast(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00interval")
    with pytest.raises(FloorError, match="not UTF-8"):
        read_forecast(bad)


def test_escape_sequences_are_stripped_from_labels(tmp_path: Path) -> None:
    rows = read_forecast(write(tmp_path, "interval,calls,aht\n\x1b[31mpeak\x1b[0m,10,100\n"))
    assert rows[0].label == "peak"


def test_required_per_interval_by_erlang_and_by_table() -> None:
    interval = ForecastInterval("08:00-08:30", time(8), 1800, 100, 180)
    row = required_for_interval(interval, ServiceTarget(0.8, 20))
    assert row.erlang_seats == 14  # the published 100 calls / 30 min / 180 s / 80-20 example
    assert row.required == 14
    # 100 calls in half an hour is 200 an hour: the manual's table says 10.
    assert row.table_seats == 10
    assert row.service_level == pytest.approx(0.88835, abs=1e-5)
    by_table = required_for_interval(interval, None)
    assert (by_table.erlang_seats, by_table.required) == (None, 10)


def test_a_quiet_interval_needs_no_one() -> None:
    row = required_for_interval(ForecastInterval("03:00", time(3), 1800, 0, 0), ServiceTarget())
    assert (row.required, row.table_seats) == (0, 0)


def test_required_from_forecast_with_own_table(tmp_path: Path) -> None:
    rows = required_from_forecast(
        read_forecast(write(tmp_path, "interval,calls,aht\n08:00,25,180\n08:30,100,180\n")),
        ServiceTarget(0.8, 20, 0.85),
        SeatTable.parse("100:8,+2/100"),
    )
    assert [r.table_seats for r in rows] == [8, 10]
    # 2.5 Erlangs: 4 agents answer 72.9% in 20 s, 5 answer 90.1%.
    assert [r.required for r in rows] == [5, 14]
    assert all(r.occupancy is not None and r.occupancy <= 0.85 for r in rows)


def test_parse_interval_forms() -> None:
    assert parse_interval("08:00-08:30", 30) == (time(8), 1800)
    assert parse_interval("23:00-24:00", 30) == (time(23), 3600)
    assert parse_interval("22:00-02:00", 30) == (time(22), 4 * 3600)
    assert parse_interval("9", 60) == (time(9), 3600)
    assert parse_interval("evening peak", 45) == (None, 2700)


def test_the_current_interval_is_found_in_local_time() -> None:
    rows = required_from_forecast(
        [
            ForecastInterval("08:00-08:30", time(8), 1800, 100, 180),
            ForecastInterval("16:00-16:30", time(16), 1800, 50, 180),
            ForecastInterval("23:30-00:30", time(23, 30), 3600, 10, 180),
        ],
        ServiceTarget(),
    )
    shanghai = ZoneInfo("Asia/Shanghai")
    # 08:10 UTC is 16:10 in Shanghai.
    now = datetime(2026, 11, 23, 8, 10, tzinfo=UTC)
    found = current_interval(rows, now, shanghai)
    assert found is not None and found.interval.label == "16:00-16:30"
    found = current_interval(rows, now, ZoneInfo("UTC"))
    assert found is not None and found.interval.label == "08:00-08:30"
    # Past midnight still inside 23:30-00:30.
    late = datetime(2026, 11, 24, 0, 15, tzinfo=UTC)
    found = current_interval(rows, late, ZoneInfo("UTC"))
    assert found is not None and found.interval.label == "23:30-00:30"
    noon = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert current_interval(rows, noon, ZoneInfo("UTC")) is None


def test_compare_required_with_staffed() -> None:
    short = compare(required=14, staffed=11)
    assert (short.short_by, short.enough) == (3, False)
    enough = compare(required=7, staffed=9)
    assert (enough.short_by, enough.enough) == (0, True)
    assert enough.as_json() == {"required": 7, "staffed": 9, "short_by": 0, "enough": True}


def test_staffed_seats_come_from_the_floor(small_floor, clock) -> None:
    with small_floor.db.read() as session:
        assert staffed_seats(session) == 0
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "A-02", "busy", agent_no="1002")
    record_event(small_floor, "B-01", "ready", agent_no="1003")
    clock.advance(10)
    record_event(small_floor, "B-01", "away", reason="toilet")  # away is not at the seat
    record_event(small_floor, "B-02", "fault", reason="headset")  # nor a broken seat
    with small_floor.db.read() as session:
        assert staffed_seats(session) == 2
        gap = compare_with_floor(session, required=5)
    assert (gap.staffed, gap.short_by, gap.enough) == (2, 3, False)
