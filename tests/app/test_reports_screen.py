"""Pilot tests of the reports screen: charts from history, bad dates, CSV export."""

from __future__ import annotations

from textual.widgets import Input

from floorman.domain.seats.events import record_event
from floorman.screens.reports import ReportsScreen
from tests.helpers import workers_done


async def test_reports_show_range_and_export(
    small_floor, make_app, clock, monkeypatch, tmp_path
) -> None:
    monkeypatch.setattr("floorman.screens.reports.default_data_dir", lambda: tmp_path)
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    clock.advance(minutes=30)
    record_event(small_floor, "A-01", "away", reason="water")
    clock.advance(minutes=30)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7")
        await workers_done(app)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.report is not None
        assert sum(h.value for h in screen.report.away_minutes) == 30.0
        status = str(screen.query_one("#reports-status").render())
        assert "away 30 min" in status
        await pilot.press("e")
        await workers_done(app)
        await pilot.pause()
        names = sorted(f.name.split("-2026")[0] for f in (tmp_path / "exports").glob("*.csv"))
        assert names == ["alerts", "attendance", "away-minutes", "occupancy"]  # every tab
        # No roster imported: the attendance tab says so instead of an empty table.
        why = screen.query_one("#why-attendance")
        assert why.display and "No roster imported" in str(why.render())
        assert not screen.query_one("#why-away").display  # 30 away minutes to chart


async def test_bad_date_is_a_clear_message(small_floor, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7")
        await workers_done(app)
        screen = app.screen
        field = screen.query_one("#reports-from", Input)
        field.value = "yesterday"
        screen.action_generate()
        await pilot.pause()
        assert "not a date" in str(screen.query_one("#reports-status").render())


async def test_attendance_tab_puts_the_late_first(small_floor, make_app, clock, tmp_path) -> None:
    from floorman.domain.attendance.roster import import_roster

    roster = tmp_path / "roster.csv"
    roster.write_text(
        "staff_no,day,start,end\n1001,2026-11-23,08:00,16:00\n1002,2026-11-23,08:00,16:00\n",
        encoding="utf-8",
    )
    import_roster(small_floor, roster)
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    clock.advance(minutes=7)
    record_event(small_floor, "A-02", "ready", agent_no="1002")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("7")
        await workers_done(app)
        await pilot.pause()
        table = app.screen.query_one("#attendance-table")
        first = table.get_row_at(0)
        assert first[0] == "! 1002" and first[4] == 7 and first[8] == 5
        assert table.get_row_at(1)[0] == "  1001"
