"""Pilot tests of the away panel: worst first, live timers, bands by symbol, the slip keys."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from sqlmodel import select
from textual.widgets import DataTable, Input, Static

from floorman.data.tables.floor import Seat
from floorman.domain.away import actions as away_actions
from floorman.domain.away import views as away_views
from floorman.domain.seats.events import record_event
from floorman.screens.away import AwayScreen, ExtendModal, ReasonModal, SendAwayModal
from tests.helpers import settle


async def open_away(app, pilot) -> AwayScreen:
    await settle(app, pilot)
    await pilot.press("2")
    await settle(app, pilot)
    assert isinstance(app.screen, AwayScreen)
    return app.screen


def table_rows(screen: AwayScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [
        [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row(row.key)]
        for row in table.ordered_rows
    ]


def seat_state(floor, code: str) -> str:
    with floor.db.read() as session:
        return session.exec(select(Seat).where(Seat.code == code)).one().state


def seat_everyone(floor) -> None:
    for seat, agent in (("A-01", "1001"), ("A-02", "1002"), ("B-01", "1003"), ("B-02", "1004")):
        record_event(floor, seat, "ready", agent_no=agent)


async def test_rows_worst_first_with_symbols_and_live_timers(small_floor, make_app, clock) -> None:
    seat_everyone(small_floor)
    record_event(small_floor, "A-01", "away", reason="toilet")
    clock.advance(100)
    record_event(small_floor, "A-02", "away", reason="water")  # 180 s limit
    clock.advance(150)
    away_actions.request(small_floor, "1003", "coaching")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_away(app, pilot)
        rows = table_rows(screen)
        # The request waiting on the duty manager first; then A-02: 150 s of 180 (warning,
        # 30 left); A-01: 250 s of 300 (warning, 50 left)
        assert [r[2] for r in rows] == ["B-01", "A-02", "A-01"]
        assert rows[1][1] == "! warning" and rows[1][6] == "02:30" and rows[1][7] == "left 00:30"
        assert rows[0][9] == "requested" and rows[0][10] == "? pending"
        assert rows[2][10] == "U unapproved"
        clock.advance(60)
        app.tick()
        await pilot.pause()
        rows = table_rows(screen)
        # 210 s -> 30 over (breach); A-01: 310 s -> 10 over (breach)
        assert [r[2] for r in rows] == ["B-01", "A-02", "A-01"]
        assert rows[1][1] == "‼ breach" and rows[1][7] == "over 00:30"
        table = screen.query_one(DataTable)
        band = table.get_row(table.ordered_rows[1].key)[1]
        assert isinstance(band, Text) and "red" in str(band.style)
        clock.advance(400)
        app.tick()
        await pilot.pause()
        assert table_rows(screen)[1][1] == "✖ severe"
        summary = str(screen.query_one("#away-summary", Static).render())
        assert "2 away" in summary and "1 waiting for approval" in summary


async def test_send_away_approve_reject_back_keys(small_floor, make_app, clock) -> None:
    seat_everyone(small_floor)
    away_actions.request(small_floor, "1002", "water")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_away(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SendAwayModal)
        app.screen.query_one("#form-agent", Input).value = "1001"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, AwayScreen)
        await settle(app, pilot)
        assert seat_state(small_floor, "A-01") == "away"  # the seat map shows the same
        rows = table_rows(screen)
        assert rows[0][2] == "A-02" and rows[0][9] == "requested"  # waiting on us: first
        assert rows[1][2] == "A-01" and rows[1][10] == "A approved" and rows[1][1] == "· ok"

        screen.query_one(DataTable).move_cursor(row=0)
        await pilot.press("a")
        await settle(app, pilot)
        # Approved, not yet gone: under those out, and the cursor went with it.
        assert [(r[2], r[9]) for r in table_rows(screen)] == [("A-01", "out"), ("A-02", "approved")]

        await pilot.press("b")  # the cursor is on 1002's approved slip: not out
        await settle(app, pilot)
        assert table_rows(screen)[1][9] == "approved"

        screen.query_one(DataTable).move_cursor(row=0)
        await pilot.press("b")
        await settle(app, pilot)
        assert seat_state(small_floor, "A-01") == "ready"
        assert [r[2] for r in table_rows(screen)] == ["A-02"]


async def test_reject_needs_a_reason(small_floor, make_app) -> None:
    seat_everyone(small_floor)
    away_actions.request(small_floor, "1003", "toilet")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_away(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReasonModal)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonModal)  # refused: stays open with the error
        error = str(app.screen.query_one("#form-error", Static).render())
        assert "must not be empty" in error
        await pilot.press(*"queue", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AwayScreen)
        await settle(app, pilot)
        assert table_rows(screen) == []
        (slip,) = away_views.list_slips(small_floor)
        assert slip.status == "rejected" and slip.decision_note == "queue"


async def test_extend_and_excuse_keys(small_floor, make_app, clock) -> None:
    seat_everyone(small_floor)
    record_event(small_floor, "B-02", "away")
    clock.advance(280)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_away(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExtendModal)
        await pilot.press(*"printer jam", "enter")
        await settle(app, pilot)
        await settle(app, pilot)
        row = table_rows(screen)[0]
        assert row[8] == "07:00+" and row[1] == "· ok"
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"called by IT", "enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert table_rows(screen)[0][10] == "E excused"


async def test_bindings_have_descriptions_and_ids() -> None:
    for binding in AwayScreen.BINDINGS:
        assert binding.description and binding.id and binding.id.startswith("away.")


def test_band_and_permission_read_in_chinese(small_floor) -> None:
    from floorman.domain.away.rules import reason_label
    from floorman.i18n import set_language
    from floorman.screens.away import band_cell, row_cells

    record_event(small_floor, "A-01", "away", agent_no="1001", reason="water")
    (view,) = away_views.list_slips(small_floor)
    assert view.left_at is not None
    view = away_views.retime(small_floor, view, view.left_at + timedelta(seconds=130))
    set_language("zh")
    try:
        assert band_cell(view).plain == "! 预警"
        cells = row_cells(view, reason_label(small_floor.config, view.reason))
        assert cells[5] == "饮水" and cells[10] == "U 未经批准" and cells[7] == "剩余 00:50"
    finally:
        set_language("en")


async def test_shift_log_by_agent_worst_first_and_shift_steps(small_floor, make_app, clock) -> None:
    from floorman.screens.away_log import AwayLogScreen

    seat_everyone(small_floor)
    record_event(small_floor, "A-02", "away", reason="water")
    clock.advance(60)
    record_event(small_floor, "A-02", "back")
    record_event(small_floor, "A-01", "away", reason="toilet")
    clock.advance(400)  # over the 5:00 limit
    record_event(small_floor, "A-01", "back")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await open_away(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        log = app.screen
        assert isinstance(log, AwayLogScreen)
        title = str(log.query_one("#away-log-title", Static).render())
        assert "2 absences" in title and "1 over the limit" in title
        rows = table_rows(log)  # type: ignore[arg-type]
        # The overrun leads; each line: agent, name, times, minutes, overruns, unapproved.
        assert [row[0] for row in rows] == ["1001", "1002"]
        assert rows[0][2:5] == ["1", "6.7", "1"] and rows[1][2:5] == ["1", "1.0", "0"]
        await pilot.press("[")
        await settle(app, pilot)
        assert "0 absences" in str(log.query_one("#away-log-title", Static).render())
        await pilot.press("]")
        await settle(app, pilot)
        assert "2 absences" in str(log.query_one("#away-log-title", Static).render())
        await pilot.press("escape")
        assert isinstance(app.screen, AwayScreen)


async def test_the_cursor_stays_on_its_slip_when_rows_move(small_floor, make_app, clock) -> None:
    seat_everyone(small_floor)
    record_event(small_floor, "A-01", "away", reason="toilet")  # 300 s
    clock.advance(100)
    record_event(small_floor, "A-02", "away", reason="water")  # 180 s: less left, first
    clock.advance(10)
    away_actions.request(small_floor, "1003", "coaching")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_away(app, pilot)
        assert [row[2] for row in table_rows(screen)] == ["B-01", "A-02", "A-01"]
        table = screen.query_one(DataTable)
        table.move_cursor(row=2)  # the duty manager is on A-01's slip
        a01_slip = screen.selected()
        # A-02 comes back: its row above the cursor goes; the cursor must not slide down
        # past the end or up onto 1003's request (a key pressed now would act on the
        # wrong agent).
        record_event(small_floor, "A-02", "back")
        screen.reload()
        await settle(app, pilot)
        assert [row[2] for row in table_rows(screen)] == ["B-01", "A-01"]
        assert screen.selected() == a01_slip
        # The board re-sorts each second: the cursor follows the slip, not the position.
        clock.advance(200)  # A-01 over its limit, under the request still waiting
        app.tick()
        await pilot.pause()
        assert screen.selected() == a01_slip
