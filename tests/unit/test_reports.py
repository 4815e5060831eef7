"""Reports computed from stored history: occupancy samples, away minutes, alerts per hour."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest

from floorman.domain import alerts
from floorman.domain.errors import FloorError
from floorman.domain.reports import export_report, floor_report
from floorman.domain.seats import record_event


def test_occupancy_and_away_minutes_follow_the_history(small_floor, clock) -> None:
    start = clock.now()
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "A-02", "ready", agent_no="1002")
    clock.advance(minutes=20)
    record_event(small_floor, "A-01", "away", reason="toilet")
    clock.advance(minutes=50)  # away 08:20 -> 09:10: 40 minutes in hour 8, 10 in hour 9
    record_event(small_floor, "A-01", "back")
    record_event(small_floor, "B-03", "fault")
    clock.advance(minutes=50)
    with small_floor.db.read() as session:
        report = floor_report(session, start, start + timedelta(hours=2))
    by_time = {p.at: p for p in report.occupancy}
    assert (by_time[start].staffed, by_time[start].open_seats) == (2, 6)
    assert by_time[start + timedelta(minutes=30)].staffed == 2  # away still counts as staffed
    assert by_time[start + timedelta(minutes=75)].open_seats == 5  # B-03 out of order
    assert [h.value for h in report.away_minutes] == [40.0, 10.0]
    assert len(report.occupancy) == 8


def test_state_before_the_range_is_carried_in(small_floor, clock) -> None:
    record_event(small_floor, "A-01", "away", agent_no="1001")
    clock.advance(hours=3)
    start = clock.now()
    clock.advance(hours=1)
    with small_floor.db.read() as session:
        report = floor_report(session, start, clock.now())
    assert report.occupancy[0].staffed == 1
    assert [h.value for h in report.away_minutes] == [60.0]


def test_alerts_per_hour(small_floor, clock) -> None:
    start = clock.now()
    with small_floor.db.write() as session:
        for minutes in (5, 10, 70):
            alerts.schedule(
                session,
                small_floor,
                kind="test",
                subject="A-01",
                due_at=start + timedelta(minutes=minutes),
                dedupe_key=f"t{minutes}",
            )
    clock.advance(minutes=15)
    alerts.fire_due(small_floor)
    clock.advance(minutes=60)
    alerts.fire_due(small_floor)
    with small_floor.db.read() as session:
        report = floor_report(session, start, start + timedelta(hours=2))
    assert [h.value for h in report.alerts] == [2, 1]


def test_bad_ranges_are_refused(small_floor, clock) -> None:
    with small_floor.db.read() as session, pytest.raises(FloorError, match="after its start"):
        floor_report(session, clock.now(), clock.now())
    with small_floor.db.read() as session, pytest.raises(FloorError, match="at most 93 days"):
        floor_report(session, clock.now(), clock.now() + timedelta(days=100))


def test_csv_export(small_floor, clock, tmp_path) -> None:
    start = clock.now()
    record_event(small_floor, "A-01", "ready", agent_no="1002")
    clock.advance(hours=1)
    with small_floor.db.read() as session:
        report = floor_report(session, start, clock.now())
    files = export_report(report, tmp_path / "out")
    assert len(files) == 3
    with files[0].open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["time_utc", "staffed", "open_seats", "occupancy", "required_seats"]
    assert rows[1][1:3] == ["1", "6"]


def test_required_seats_follow_the_staffing_plan(small_floor, clock, tmp_path) -> None:
    from floorman.domain.staffing_plan import set_plan

    forecast = tmp_path / "forecast.csv"
    forecast.write_text(
        "interval,calls,aht\n08:00-08:30,100,180\n08:30-09:00,10,180\n", encoding="utf-8"
    )
    set_plan(small_floor, forecast=forecast)
    start = clock.now()
    clock.advance(hours=2)
    with small_floor.db.read() as session:
        report = floor_report(session, start, start + timedelta(hours=1, minutes=30))
    assert report.required == [14, 14, 3, 3, None, None]
    files = export_report(report, tmp_path / "out")
    with files[0].open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-1] == "required_seats" and rows[1][-1] == "14" and rows[-1][-1] == ""
