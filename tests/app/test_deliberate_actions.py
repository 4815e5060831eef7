"""Deliberate actions ask first, naming whom (issue 15.5); a toast never covers the
selected row."""

from __future__ import annotations

from textual.widgets import DataTable
from textual.widgets._toast import Toast

from floorman.domain.away import actions as away_actions
from floorman.domain.away.views import list_slips
from floorman.domain.core.states import SlipApproval
from floorman.domain.seats.events import record_event
from floorman.screens.forms import ConfirmModal, FormModal
from tests.helpers import settle


def unapproved_away(floor, clock) -> None:
    record_event(floor, "A-01", "ready", agent_no="1001")
    record_event(floor, "A-01", "away", reason="toilet")  # left without asking
    clock.advance(455)


async def test_violation_on_the_away_board_asks_naming_the_agent(
    small_floor, make_app, clock
) -> None:
    unapproved_away(small_floor, clock)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert app.screen.question == "Record a violation for Li Na (1001), A-01, away 07:35?"
        await pilot.press("escape")
        await settle(app, pilot)
        assert list_slips(small_floor)[0].approval == SlipApproval.UNAPPROVED
        await pilot.press("v", "enter")
        await settle(app, pilot)
        assert list_slips(small_floor)[0].approval == SlipApproval.VIOLATION


async def test_reject_and_excuse_forms_name_whom_they_act_on(small_floor, make_app, clock) -> None:
    away_actions.request(small_floor, "1002", "toilet", seat_code="A-02")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        assert app.screen.title_text == "Reject 王芳 (1002), A-02, waiting?"


async def test_a_toast_stays_off_the_selected_step(small_floor, make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("exclamation_mark", "1")  # the fire checklist: two keys
        await settle(app, pilot)
        table = app.screen.query_one("#emergency-steps", DataTable)
        table.focus()
        await pilot.press("end")  # the last step, at the bottom of the table
        await pilot.pause()
        app.notify("A long message that a duty manager reads while working the steps", timeout=30)
        await pilot.pause(0.2)
        row_y = table.region.y + 1 + table.cursor_row - int(table.scroll_y)
        assert row_y < table.region.bottom
        toasts = [toast for toast in app.screen.query(Toast) if toast.region.height]
        assert toasts
        for toast in toasts:
            assert toast.region.y > row_y, (toast.region, row_y)
            # only over the alert bar and the footer, whatever table sits above them
            assert toast.region.y >= app.size.height - 2, toast.region
