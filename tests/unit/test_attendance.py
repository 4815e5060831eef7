"""Attendance by the manual's rules: late/early fines, half-day absence, runs, leave levels."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from floorman.config import AttendanceConfig
from floorman.domain.attendance.days import day_attendance, fine_for
from floorman.domain.attendance.leave import decide_leave, request_leave
from floorman.domain.attendance.month import export_month, month_summary, schedule_summary_reminder
from floorman.domain.attendance.roster import import_roster, mark
from floorman.domain.core.context import Actor
from floorman.domain.core.errors import FloorError
from floorman.domain.seats.events import record_event


def roster(floor, tmp_path: Path, rows: list[str]) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("staff_no,day,start,end\n" + "\n".join(rows) + "\n", encoding="utf-8")
    import_roster(floor, path)


@pytest.mark.parametrize(("minutes", "fine"), [(0, 0), (1, 2), (5, 2), (6, 5), (10, 5), (11, 5)])
def test_fine_table(minutes: int, fine: int) -> None:
    assert fine_for(minutes, AttendanceConfig()) == fine


def test_sign_in_from_seat_history_and_lateness(small_floor, clock, tmp_path) -> None:
    # The fake clock starts 2026-11-23 08:00 UTC; the floor's zone is UTC.
    roster(
        small_floor,
        tmp_path,
        [
            "1001,2026-11-23,08:00,16:00",
            "1002,2026-11-23,08:00,16:00",
            "1003,2026-11-23,08:00,16:00",
            "1004,2026-11-23,08:00,16:00",
        ],
    )
    clock.advance(minutes=4)
    record_event(small_floor, "A-01", "ready", agent_no="1001")  # 4 minutes late
    clock.advance(minutes=4)
    record_event(small_floor, "A-02", "ready", agent_no="1002")  # 8 minutes late
    clock.advance(minutes=27)
    record_event(small_floor, "A-03", "ready", agent_no="1003")  # 35 minutes: half a day absent
    with small_floor.db.read() as session:
        day = {
            r.staff_no: r
            for r in day_attendance(session, small_floor, date(2026, 11, 23))
        }
    assert (day["1001"].late_minutes, day["1001"].fine) == (4, 2)
    assert (day["1002"].late_minutes, day["1002"].fine) == (8, 5)
    assert (day["1003"].absent_days, day["1003"].fine) == (0.5, 25)
    assert (day["1004"].signed_in, day["1004"].absent_days, day["1004"].fine) == (None, 1.0, 50)


def test_leaving_early_and_manual_marks_win(small_floor, clock, tmp_path) -> None:
    roster(small_floor, tmp_path, ["1001,2026-11-23,08:00,16:00", "1002,2026-11-23,08:00,16:00"])
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    clock.advance(hours=7, minutes=53)
    record_event(small_floor, "A-01", "empty")  # 7 minutes early
    # 1002 never reached a seat (phone system down); the duty manager marks her in and out.
    mark(small_floor, "1002", "sign_in", clock.now() - timedelta(hours=7, minutes=54))
    mark(small_floor, "1002", "sign_out", clock.now() + timedelta(minutes=7))
    clock.advance(minutes=10)
    with small_floor.db.read() as session:
        day = {
            r.staff_no: r
            for r in day_attendance(session, small_floor, date(2026, 11, 23))
        }
    assert (day["1001"].early_minutes, day["1001"].fine) == (7, 5)
    assert (day["1002"].late_minutes, day["1002"].early_minutes, day["1002"].fine) == (0, 0, 0)


def test_month_runs_extra_fines_and_dismissal(small_floor, clock, tmp_path) -> None:
    rows = [f"1001,2026-11-{d:02d},08:00,16:00" for d in range(1, 8)]
    rows += [f"1002,2026-11-{d:02d},08:00,16:00" for d in range(1, 4)]
    clock.set(clock.now().replace(day=1, hour=7))
    roster(small_floor, tmp_path, rows)
    for d in range(1, 8):
        clock.set(clock.now().replace(day=d, hour=8, minute=3))
        record_event(small_floor, "A-01", "ready", agent_no="1001")  # 3 minutes late every day
        clock.set(clock.now().replace(hour=16, minute=0))
        record_event(small_floor, "A-01", "empty")
    clock.set(clock.now().replace(day=20))
    with small_floor.db.read() as session:
        summary = {s.staff_no: s for s in month_summary(session, small_floor, 2026, 11)}
    li = summary["1001"]
    assert (li.late_or_early, li.longest_run, li.fines, li.extra_fine) == (7, 7, 14, 50)
    wang = summary["1002"]
    assert (wang.absent_days, wang.dismissal, wang.total_fine) == (3.0, True, 150)
    out = tmp_path / "month.csv"
    with small_floor.db.read() as session:
        assert export_month(session, small_floor, 2026, 11, out) == 2
    with out.open(encoding="utf-8-sig") as handle:
        assert [r["staff_no"] for r in csv.DictReader(handle)] == ["1001", "1002"]


def test_leave_excuses_absence_and_needs_the_right_level(small_floor, clock, tmp_path) -> None:
    from floorman.domain.core.errors import PermissionDenied
    from floorman.domain.operators.management import add_operator

    roster(small_floor, tmp_path, ["1001,2026-11-24,08:00,16:00"])
    leave = request_leave(small_floor, "1001", "2026-11-24", 2, "family")
    add_operator(small_floor, "boss", "director", "123456")
    small_floor.actor = Actor("boss", "t", role="director")
    add_operator(small_floor, "area", "area_manager", "223344")
    add_operator(small_floor, "sup", "supervisor", "334455")
    small_floor.actor = Actor("area", "t", role="area_manager")
    with pytest.raises(PermissionDenied, match="area manager"):
        decide_leave(small_floor, leave.id, approve=True)
    small_floor.actor = Actor("sup", "t", role="supervisor")
    approved = decide_leave(small_floor, leave.id, approve=True)
    assert (approved.status, approved.decided_role) == ("approved", "supervisor")
    with pytest.raises(FloorError, match="already approved"):
        decide_leave(small_floor, leave.id, approve=False, note="no")
    clock.advance(days=1, hours=2)
    with small_floor.db.read() as session:
        (day,) = day_attendance(session, small_floor, date(2026, 11, 24))
    assert (day.on_leave, day.absent_days, day.fine) == (True, 0.0, 0)


def test_leave_refused_on_holidays_billing_days_and_bad_input(small_floor) -> None:
    small_floor.config = replace(
        small_floor.config,
        attendance=replace(AttendanceConfig(), holidays=("2026-12-25",), billing_days=("1",)),
    )
    with pytest.raises(FloorError, match="public holidays"):
        request_leave(small_floor, "1001", "2026-12-24", 2, "trip")
    with pytest.raises(FloorError, match="billing days"):
        request_leave(small_floor, "1001", "2026-12-01", 1, "trip")
    with pytest.raises(FloorError, match=r"over 7 days|department manager"):
        leave = request_leave(small_floor, "1001", "2026-12-02", 10, "long trip")
        decide_leave(small_floor, leave.id, approve=True)
    with pytest.raises(FloorError, match="unknown agent"):
        request_leave(small_floor, "9999", "2026-12-02", 1, "x")
    with pytest.raises(FloorError, match="half days"):
        request_leave(small_floor, "1001", "2026-12-02", 0.3, "x")
    with pytest.raises(FloorError, match="needs a reason"):
        decide_leave(small_floor, "whatever", approve=False)


def test_roster_import_is_all_or_nothing(small_floor, tmp_path) -> None:
    with pytest.raises(FloorError, match="line 3: unknown agent '9999'"):
        roster(
            small_floor, tmp_path, ["1001,2026-11-23,08:00,16:00", "9999,2026-11-23,08:00,16:00"]
        )
    with small_floor.db.read() as session:
        assert day_attendance(session, small_floor, date(2026, 11, 23)) == []


def test_night_shift_ends_next_morning(small_floor, tmp_path) -> None:
    roster(small_floor, tmp_path, ["1001,2026-11-23,00:00,08:00", "1002,2026-11-23,16:00,24:00"])
    with small_floor.db.read() as session:
        rows = day_attendance(session, small_floor, date(2026, 11, 23))
    assert [(r.ends_at - r.starts_at).total_seconds() / 3600 for r in rows] == [8.0, 8.0]


def test_summary_reminder_on_the_21st(small_floor, clock) -> None:
    due = schedule_summary_reminder(small_floor)
    assert (due.month, due.day, due.hour) == (12, 21, 9)
    assert schedule_summary_reminder(small_floor) == due  # scheduled once


def test_sign_in_by_hand_says_what_it_recorded_and_a_second_one_changes_nothing(
    small_floor, tmp_path, monkeypatch, capsys
) -> None:
    from sqlmodel import select

    from floorman.cli import run
    from floorman.data.tables.attendance import AttendanceMark

    config = tmp_path / "utc.toml"
    config.write_text('timezone = "UTC"\n', encoding="utf-8")
    monkeypatch.setenv("FLOORMAN_CONFIG", str(config))
    roster(small_floor, tmp_path, ["1001,2026-11-23,08:00,16:00"])
    db = ["--db", str(small_floor.db.path)]
    sign_in = [*db, "attendance", "sign-in", "1001"]

    assert run([*sign_in, "--at", "2026-11-23T08:03:00+00:00"]) == 0
    first = capsys.readouterr().out.strip().splitlines()
    assert first == ["1001 Li Na: sign-in recorded at 08:03 for the shift 2026-11-23 08:00-16:00"]

    assert run([*sign_in, "--at", "2026-11-23T08:20:00+00:00"]) == 0
    second = capsys.readouterr().out.strip().splitlines()
    assert len(second) == 1 and "already recorded at 08:03" in second[0]
    with small_floor.db.read() as session:
        assert len(session.exec(select(AttendanceMark)).all()) == 1

    # An earlier sign-in is a correction, not a repeat: it is recorded and then counts.
    assert run([*sign_in, "--at", "2026-11-23T07:58:00+00:00"]) == 0
    assert "sign-in recorded at 07:58" in capsys.readouterr().out
