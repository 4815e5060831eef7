"""Reports computed from stored history: occupancy samples, away minutes, alerts per hour."""

from __future__ import annotations

import csv
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from floorman.data.tables.floor import Seat, SeatEvent
from floorman.domain import alerts
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.reports.export import export_report
from floorman.domain.reports.figures import FloorReport
from floorman.domain.reports.floor import floor_report
from floorman.domain.reports.sweep import (
    hour_starts,
    one_offset,
    sample_moments,
    sweep_in_datetimes,
    sweep_in_microseconds,
)
from floorman.domain.seats.events import record_event


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


def test_alerts_per_hour_follow_a_half_hour_time_zone(small_floor, clock) -> None:
    """In Kolkata (UTC+5:30) a local hour starts at half past a UTC hour."""
    kolkata = ZoneInfo("Asia/Kolkata")
    start = clock.now().astimezone(kolkata).replace(minute=0)  # 13:00 local = 07:30 UTC
    with small_floor.db.write() as session:
        for minutes in (10, 40, 70):  # 13:10 and 13:40 local, then 14:10 local
            alerts.schedule(
                session,
                small_floor,
                kind="test",
                subject="A-01",
                due_at=start + timedelta(minutes=minutes),
                dedupe_key=f"k{minutes}",
            )
    clock.set(start + timedelta(minutes=45))  # fired at 13:45 local: the first two
    alerts.fire_due(small_floor)
    clock.set(start + timedelta(minutes=75))  # and at 14:15 local: the third
    alerts.fire_due(small_floor)
    with small_floor.db.read() as session:
        report = floor_report(session, start, start + timedelta(hours=2), zone=kolkata)
    assert [(h.hour.hour, h.value) for h in report.alerts] == [(13, 2), (14, 1)]


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
    files = export_report(report, tmp_path / "out", ZoneInfo("UTC"))
    assert len(files) == 4
    with files[0].open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["time", "staffed", "open_seats", "occupancy", "required_seats"]
    assert rows[1][1:3] == ["1", "6"]


def test_export_writes_every_tab_with_local_times_and_their_offset(
    small_floor, clock, tmp_path
) -> None:
    """Four tabs, four files (attendance included); a Shanghai floor reads 16:00+08:00."""
    from dataclasses import replace

    from floorman.domain.attendance.days import day_attendance
    from floorman.domain.attendance.roster import import_roster

    shanghai = ZoneInfo("Asia/Shanghai")
    small_floor.config = replace(small_floor.config, timezone="Asia/Shanghai")
    roster = tmp_path / "roster.csv"
    roster.write_text("staff_no,day,start,end\n1001,2026-11-23,16:00,23:00\n", encoding="utf-8")
    import_roster(small_floor, roster)
    start = clock.now()  # 08:00 UTC, 16:00 in Shanghai
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    clock.advance(minutes=10)
    record_event(small_floor, "A-01", "away", reason="toilet")
    clock.advance(hours=1)
    with small_floor.db.read() as session:
        report = floor_report(session, start, clock.now(), zone=shanghai)
        shifts = day_attendance(session, small_floor, date(2026, 11, 23))
    files = export_report(report, tmp_path / "out", shanghai, shifts)
    names = sorted(f.name.split("-2026")[0] for f in files)
    assert names == ["alerts", "attendance", "away-minutes", "occupancy"]

    def read(stem: str) -> list[list[str]]:
        (path,) = [f for f in files if f.name.startswith(stem + "-")]
        with path.open(encoding="utf-8-sig") as handle:
            return list(csv.reader(handle))

    occupancy, away, attendance = read("occupancy"), read("away-minutes"), read("attendance")
    assert occupancy[1][0] == "2026-11-23T16:00:00+08:00"
    assert away[0] == ["hour", "away_minutes"] and away[1][0] == "2026-11-23T16:00:00+08:00"
    assert not any("utc" in cell.lower() for table in (occupancy, away) for cell in table[0])
    assert attendance[0][:6] == [
        "staff_no", "name", "day", "shift_start", "shift_end", "signed_in"
    ]
    assert attendance[1][0] == "1001" and attendance[1][3] == "2026-11-23T16:00:00+08:00"
    assert attendance[1][5] == "2026-11-23T16:00:00+08:00"  # signed in at the seat


def test_an_empty_tab_says_why(small_floor, clock) -> None:
    from floorman.domain.reports import empty

    start = clock.now()
    clock.advance(hours=1)
    with small_floor.db.read() as session:
        report = floor_report(session, start, clock.now())
        why = empty.why_empty(session, report, [], date(2026, 11, 23))
    assert why.attendance == empty.NO_ROSTER
    assert (why.away, why.alerts) == (empty.NO_AWAY, empty.NO_ALERTS)
    assert why.occupancy is None  # six seats open, none staffed: the chart has lines


def test_required_seats_follow_the_staffing_plan(small_floor, clock, tmp_path) -> None:
    from floorman.domain.staffing.plan import set_plan

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
    files = export_report(report, tmp_path / "out", ZoneInfo("UTC"))
    with files[0].open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-1] == "required_seats" and rows[1][-1] == "14" and rows[-1][-1] == ""


# --- The figures against their definition, on hand-built histories --------------------
#
# Events are stored directly (any time, any order of recording), and the report is
# compared with `_expected`: the figures computed the slow, obvious way from the same
# history. Whole-second times keep the float sums exact whatever order they are added in.

UTC_ = ZoneInfo("UTC")
SHANGHAI = ZoneInfo("Asia/Shanghai")
STAFFED = {"ready", "busy", "away"}
History = dict[str, list[tuple[datetime, str]]]


def _store(floor: Floor, history: History) -> None:
    with floor.db.write() as session:
        ids = {seat.code: seat.id for seat in session.exec(select(Seat))}
        for code, changes in history.items():
            for at, state in changes:
                session.add(
                    SeatEvent(seat_id=ids[code], state=state, event=state, at=at, recorded_at=at)
                )


def _expected(
    history: History, seats: list[str], start: datetime, end: datetime, step: timedelta
) -> tuple[list[tuple[datetime, int, int]], list[float]]:
    """Occupancy samples and away minutes per hour, straight from their definition."""

    def state_at(seat: str, moment: datetime) -> str:
        state = "empty"
        for at, changed_to in sorted(history.get(seat, [])):
            if at <= moment:
                state = changed_to
        return state

    occupancy, moment = [], start
    while moment < end:
        states = [state_at(seat, moment) for seat in seats]
        staffed = sum(s in STAFFED for s in states)
        occupancy.append((moment, staffed, sum(s != "fault" for s in states)))
        moment += step
    hours, hour = [], start.replace(minute=0, second=0, microsecond=0)
    while hour < end:
        hours.append(hour)
        hour += timedelta(hours=1)
    seconds = [0.0] * len(hours)
    for seat in seats:
        changes = sorted(history.get(seat, []))
        for n, (at, state) in enumerate(changes):
            if state != "away":
                continue
            since = max(at, start)
            until = min(changes[n + 1][0] if n + 1 < len(changes) else end, end)
            for index, hour in enumerate(hours):
                overlap = (min(until, hour + timedelta(hours=1)) - max(since, hour)).total_seconds()
                seconds[index] += max(0.0, overlap)
    return occupancy, [round(s / 60, 1) for s in seconds]


def _figures(report: FloorReport) -> tuple[list[tuple[datetime, int, int]], list[float]]:
    return (
        [(p.at, p.staffed, p.open_seats) for p in report.occupancy],
        [h.value for h in report.away_minutes],
    )


H = timedelta(hours=1)
SEATS = ["A-01", "A-02", "A-03", "B-01", "B-02", "B-03"]


def test_tricky_history_gives_the_defined_figures(small_floor) -> None:
    day = datetime(2026, 11, 23, tzinfo=UTC)

    def at(hhmmss: str, days: int = 0) -> datetime:
        h, m, s = (int(x) for x in hhmmss.split(":"))
        return day + timedelta(days=days, hours=h, minutes=m, seconds=s)

    history: History = {
        # away from before the range, back exactly on a sample; away again across an
        # hour boundary, a second "away" that must not restart the span
        "A-01": [
            (at("09:00:00", -3), "ready"),
            (at("07:50:00"), "away"),
            (at("08:35:00"), "ready"),
            (at("09:55:00"), "away"),
            (at("10:05:00"), "away"),
            (at("10:40:00"), "ready"),
        ],
        # no event ever (empty: open, not staffed)
        "A-03": [(at("08:20:00"), "busy"), (at("08:50:00"), "fault")],  # at start; on a sample
        "B-01": [(at("11:30:00"), "away")],  # still away at the end of the range
        # several events long before the range (the last one counts); one exactly at its end
        "B-02": [
            (at("23:00:00", -1), "ready"),
            (at("06:00:00"), "busy"),
            (at("11:50:00"), "empty"),
        ],
        "B-03": [(at("08:59:30"), "away"), (at("09:00:30"), "ready")],  # across 09:00
    }
    _store(small_floor, history)
    start, end = at("08:20:00"), at("11:50:00")  # not on the hour
    with small_floor.db.read() as session:
        report = floor_report(session, start, end)
    occupancy, away = _figures(report)
    assert (occupancy, away) == _expected(history, SEATS, start, end, timedelta(minutes=15))
    # ...and the definition itself, checked by hand
    assert occupancy[:4] == [
        (at("08:20:00"), 3, 6),  # A-01 away, A-03 busy from the start, B-02 busy
        (at("08:35:00"), 3, 6),  # A-01 back on the sample itself: still staffed
        (at("08:50:00"), 2, 5),  # A-03 out of order on the sample itself
        (at("09:05:00"), 3, 5),  # B-03 back
    ]
    assert len(occupancy) == 14
    assert [h.hour for h in report.away_minutes] == [at(f"{h:02d}:00:00") for h in (8, 9, 10, 11)]
    assert away == [15.5, 5.5, 40.0, 20.0]


def test_days_follow_the_centers_time_zone(small_floor) -> None:
    # The reports screen asks for whole local days: Shanghai midnight is 16:00 UTC.
    start = datetime(2026, 11, 23, tzinfo=SHANGHAI)
    end = start + timedelta(days=1)
    utc = datetime(2026, 11, 22, 16, tzinfo=UTC)  # == start
    history: History = {
        "A-01": [(utc - timedelta(seconds=1), "away"), (utc + timedelta(seconds=30), "ready")],
        "A-02": [(utc - timedelta(seconds=1), "ready")],
        "B-01": [(utc + timedelta(hours=23, minutes=45), "away")],
        "B-02": [(utc + timedelta(days=1), "ready")],  # the next local day
    }
    _store(small_floor, history)
    for step in (timedelta(minutes=15), timedelta(hours=1)):
        with small_floor.db.read() as session:
            report = floor_report(session, start, end, step=step, zone=SHANGHAI)
        occupancy, away = _figures(report)
        assert (occupancy, away) == _expected(history, SEATS, start, end, step)
        assert report.away_minutes[0].hour == start and len(away) == 24
        assert away[0] == 0.5 and away[-1] == 15.0 and sum(away) == 15.5
        assert occupancy[0][1:] == (2, 6)  # A-01 away and A-02 ready since 23:59:59
        # B-01 away from 23:45: in the last 15-minute sample, not in the last hourly one
        assert occupancy[-1][1:] == ((3, 6) if step < H else (2, 6))


def _random_history(rng: random.Random, origin: datetime, days: int) -> History:
    """Each seat's events at distinct whole seconds over `days`, often away."""
    history: History = {}
    for seat in SEATS[1:]:  # the first seat keeps no history
        moments = sorted(rng.sample(range(days * 86_400), rng.randint(0, 60)))
        history[seat] = [
            (
                origin + timedelta(seconds=s),
                rng.choice(["ready", "busy", "away", "away", "empty", "fault"]),
            )
            for s in moments
        ]
    return history


def test_random_histories_give_the_defined_figures(small_floor) -> None:
    rng = random.Random(2026)
    origin = datetime(2026, 11, 20, tzinfo=UTC)
    history = _random_history(rng, origin, days=4)
    _store(small_floor, history)
    for _ in range(12):
        zone = rng.choice([UTC_, SHANGHAI, ZoneInfo("Asia/Kolkata")])
        start = (origin + timedelta(seconds=rng.randrange(3 * 86_400))).astimezone(zone)
        if rng.random() < 0.5:
            start = start.replace(minute=0, second=0)
        end = start + timedelta(seconds=rng.randint(60, 86_400))
        step = rng.choice([timedelta(minutes=15), timedelta(hours=1), timedelta(minutes=7)])
        with small_floor.db.read() as session:
            report = floor_report(session, start, end, step=step, zone=zone)
        assert _figures(report) == _expected(history, SEATS, start, end, step), (start, end)


def test_microsecond_sweep_equals_the_datetime_sweep(small_floor) -> None:
    # Times with microseconds: the fast sweep must match the definition's float sums bit
    # for bit, not only after rounding.
    rng = random.Random(7)
    origin = datetime(2026, 11, 20, tzinfo=UTC)
    history = {
        seat: [(at + timedelta(microseconds=rng.randrange(1_000_000)), s) for at, s in changes]
        for seat, changes in _random_history(rng, origin, days=3).items()
    }
    _store(small_floor, history)
    start, end = origin + timedelta(hours=13, microseconds=250), origin + timedelta(days=2)
    step = timedelta(minutes=15)
    hours = hour_starts(start, end)
    moments = sample_moments(start, end, step)
    assert one_offset(start, end, hours, moments)
    with small_floor.db.read() as session:
        fast = sweep_in_microseconds(session, start, end, hours, moments)
        defined = sweep_in_datetimes(session, start, end, step, hours)
    assert fast == defined
    assert sum(fast[1]) > 0 and len({p.staffed for p in fast[0]}) > 1


def test_a_range_across_a_daylight_saving_change_keeps_wall_clock_hours(small_floor) -> None:
    # Hour buckets follow the center's wall clock; where its UTC offset changes inside the
    # range, the report is swept in datetimes (the microsecond sweep assumes fixed hours).
    new_york = ZoneInfo("America/New_York")
    start = datetime(2026, 10, 31, tzinfo=new_york)  # clocks go back on 1 November
    end = start + timedelta(days=3)
    hours = hour_starts(start, end)
    assert not one_offset(start, end, hours, sample_moments(start, end, H))
    shanghai_day = datetime(2026, 11, 1, tzinfo=SHANGHAI)
    day_hours = hour_starts(shanghai_day, shanghai_day + timedelta(days=1))
    assert one_offset(shanghai_day, shanghai_day + timedelta(days=1), day_hours, day_hours)
    _store(small_floor, {"A-01": [(start.astimezone(UTC) + timedelta(hours=3), "away")]})
    with small_floor.db.read() as session:
        report = floor_report(session, start, end, step=H, zone=new_york)
    away = [h.value for h in report.away_minutes]
    assert len(away) == 72 and away[:4] == [0.0, 0.0, 0.0, 60.0]
    assert [p.staffed for p in report.occupancy[:5]] == [0, 0, 0, 1, 1]


def test_an_away_after_the_autumn_clock_change_counts_in_its_wall_clock_hour(
    small_floor,
) -> None:
    # New York, 1 November 2026: 01:00-02:00 happens twice (EDT, then EST). The wall-clock
    # hour bucket 01:00 spans both; an away at 01:30-01:50 EST belongs to it.
    new_york = ZoneInfo("America/New_York")
    start = datetime(2026, 11, 1, tzinfo=new_york)
    left = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST, the second 01:30
    _store(
        small_floor,
        {"A-01": [(left, "away"), (left + timedelta(minutes=20), "ready")]},
    )
    with small_floor.db.read() as session:
        report = floor_report(session, start, start + timedelta(hours=6), step=H, zone=new_york)
    away = [h.value for h in report.away_minutes]
    assert sum(away) == 20.0 and away[1] == 20.0
