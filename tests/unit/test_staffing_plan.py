"""The stored staffing plan: required seats now against staffed seats, for the header."""

from __future__ import annotations

import json
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from floorman.domain.core.errors import FloorError
from floorman.domain.seats.events import record_event
from floorman.domain.staffing.plan import clear_plan, required_now, set_plan

UTC = ZoneInfo("UTC")


def now_required(floor):
    with floor.db.read() as session:
        return required_now(session, floor.clock.now(), UTC)


def test_no_plan_means_nothing_to_compare(small_floor) -> None:
    assert now_required(small_floor) is None


def test_busy_hour_volume_uses_the_manuals_table(small_floor) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    set_plan(small_floor, busy_hour_calls=50)
    result = now_required(small_floor)
    assert (result.gap.required, result.gap.staffed, result.gap.short_by) == (5, 1, 4)
    clear_plan(small_floor)
    assert now_required(small_floor) is None


def test_forecast_picks_the_interval_of_now(small_floor, tmp_path, clock) -> None:
    forecast = tmp_path / "forecast.csv"
    forecast.write_text(
        "interval,calls,aht\n07:30-08:00,10,180\n08:00-08:30,100,180\n08:30-09:00,300,180\n",
        encoding="utf-8",
    )
    set_plan(small_floor, forecast=forecast)
    result = now_required(small_floor)  # the clock says 08:00 UTC
    assert result.required.interval.label == "08:00-08:30"
    assert result.gap.required == 14  # 100 calls in 30 min, AHT 180 s, 80/20: Erlang C
    clock.advance(minutes=31)
    assert now_required(small_floor).required.interval.label == "08:30-09:00"
    clock.advance(hours=2)
    assert now_required(small_floor) is None


def test_bad_plans_are_refused(small_floor, tmp_path) -> None:
    with pytest.raises(FloorError, match="either"):
        set_plan(small_floor)
    with pytest.raises(FloorError, match="negative"):
        set_plan(small_floor, busy_hour_calls=-5)
    bad = tmp_path / "bad.csv"
    bad.write_text("interval,calls,aht\n08:00,lots,180\n", encoding="utf-8")
    with pytest.raises(FloorError, match="line 2"):
        set_plan(small_floor, forecast=bad)
    assert now_required(small_floor) is None


def test_cli_plan(small_floor) -> None:
    db = str(small_floor.db.path)
    base = [sys.executable, "-m", "floorman", "--db", db, "staffing", "plan"]
    done = subprocess.run(
        [*base, "--busy-hour-calls", "100", "--json"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["required"] == 7
    bad = subprocess.run([*base, "--busy-hour-calls", "x"], capture_output=True, text=True)
    assert bad.returncode == 2
