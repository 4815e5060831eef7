"""The handover screen's staffing section shows staffed against the plan's required seats."""

from __future__ import annotations

from floorman.domain.handover import lifecycle
from floorman.domain.seats.events import record_event
from floorman.domain.staffing.plan import set_plan
from floorman.screens.handover import HandoverScreen
from tests.helpers import settle


def content(app) -> str:
    return str(app.screen.query_one("#handover-content").render())


async def test_staffing_section_shows_required_seats_and_shortfall(small_floor, make_app) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    set_plan(small_floor, busy_hour_calls=50)
    lifecycle.compose(small_floor)
    app = make_app()
    app.floor = small_floor
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        shown = content(app)
        assert "Total: 1 staffed" in shown
        assert "Required seats 5, staffed 1: SHORT BY 4 (busy hour)" in shown


async def test_staffing_section_says_when_no_plan_is_set(small_floor, make_app) -> None:
    lifecycle.compose(small_floor)
    app = make_app()
    app.floor = small_floor
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        assert "no staffing plan set" in content(app)
