"""The floor's needs-you list (issue 15.3): worst first, agreeing with the away board on
every slip, acting where it stands, and the oldest request approved in two keys."""

from __future__ import annotations

from floorman.domain.away import actions as away_actions
from floorman.domain.away.views import away_board, list_slips
from floorman.domain.core.states import SlipApproval, SlipStatus
from floorman.domain.needs_you import NeedKind, needs_you
from floorman.domain.seats.events import record_event
from floorman.screens.forms import ConfirmModal
from floorman.widgets.needs_list import NeedsList
from tests.helpers import settle, type_text


def floor_with_needs(floor, clock) -> dict[str, str]:
    """A request asked first (A-02), another later (B-01), a water away over its limit
    (A-01), an away with no slip (B-02, unapproved)."""
    away_actions.send_away(floor, "1001", "water", seat_code="A-01")
    first = away_actions.request(floor, "1002", "toilet", seat_code="A-02")
    clock.advance(30)
    later = away_actions.request(floor, "1003", "toilet", seat_code="B-01")
    record_event(floor, "B-02", "ready", agent_no="1004")
    record_event(floor, "B-02", "away", reason="toilet")  # left without asking
    clock.advance(200)  # the water away is at 3:50 of its 3:00
    return {"first": first.id, "later": later.id}


def test_needs_worst_first_and_agreeing_with_the_away_board(small_floor, clock) -> None:
    ids = floor_with_needs(small_floor, clock)
    needs = needs_you(small_floor)
    kinds = [(need.kind, need.seat) for need in needs]
    assert kinds == [
        (NeedKind.AWAY_REQUEST, "A-02"),  # the oldest request first
        (NeedKind.AWAY_REQUEST, "B-01"),
        (NeedKind.AWAY_OVER, "A-01"),
        (NeedKind.AWAY_UNAPPROVED, "B-02"),
    ]
    assert needs[0].ref == ids["first"]
    board = {view.id: view for view in away_board(small_floor)}
    for need in needs:  # the same slip, band and figures as the away board
        assert need.slip == board[need.ref]
    # every slip the board shows that needs action is in the list, and no other
    wanting = {
        v.id
        for v in board.values()
        if (v.status == SlipStatus.REQUESTED and v.approval == SlipApproval.PENDING)
        or (v.status == SlipStatus.OUT and (v.over_seconds or v.approval == "unapproved"))
    }
    assert {need.ref for need in needs} == wanting


async def test_oldest_request_is_approved_from_the_floor_in_two_keys(
    small_floor, make_app, clock
) -> None:
    ids = floor_with_needs(small_floor, clock)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        needs = app.screen.query_one(NeedsList)
        assert needs.region.width > 0 and needs.region.height > 0  # it fits at 80x24
        await pilot.press("n", "a")  # two keys
        await settle(app, pilot)
        slip = {v.id: v for v in list_slips(small_floor)}[ids["first"]]
        assert slip.approval == SlipApproval.APPROVED
        later = {v.id: v for v in list_slips(small_floor)}[ids["later"]]
        assert later.approval == SlipApproval.PENDING  # only the one asked first


async def test_violation_from_the_list_asks_naming_the_agent(small_floor, make_app, clock) -> None:
    floor_with_needs(small_floor, clock)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        needs = app.screen.query_one(NeedsList)
        await pilot.press("n", "j", "j", "j")  # the away nobody allowed
        assert needs.selected_need().seat == "B-02"
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "陈静 (1004), B-02, away 03:20" in app.screen.question
        await pilot.press("n")  # no: nothing recorded
        await settle(app, pilot)
        assert next(v for v in list_slips(small_floor) if v.seat == "B-02").approval != (
            SlipApproval.VIOLATION
        )
        await pilot.press("v", "y")
        await settle(app, pilot)
        slip = next(v for v in list_slips(small_floor) if v.seat == "B-02")
        assert slip.approval == SlipApproval.VIOLATION


async def test_enter_goes_to_the_slip_on_the_away_board(small_floor, make_app, clock) -> None:
    ids = floor_with_needs(small_floor, clock)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", "j", "enter")
        await settle(app, pilot)
        from textual.widgets import DataTable

        from floorman.screens.away import AwayScreen

        assert isinstance(app.screen, AwayScreen)
        table = app.screen.query_one(DataTable)
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        assert row_key.value == ids["later"]


async def test_acting_on_the_selected_seat_of_the_map(small_floor, make_app, clock) -> None:
    away_actions.send_away(small_floor, "1001", "toilet", seat_code="A-01")
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("b")  # the cursor starts on A-01
        await settle(app, pilot)
        assert next(v for v in list_slips(small_floor) if v.seat == "A-01").status == "back"
        await pilot.press("f")
        await pilot.pause()
        await type_text(pilot, "headset")
        await pilot.press("enter")
        await settle(app, pilot)
        from floorman.domain.seats.views import seat_view_by_code

        with small_floor.db.read() as session:
            assert seat_view_by_code(session, "A-01").state == "fault"
