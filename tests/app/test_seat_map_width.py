"""Nothing cut on the seat map: timers past an hour, fault text, and a wide terminal's width."""

from __future__ import annotations

from floorman.domain.seats.events import record_event
from floorman.widgets.seat_map import FILL_CELLS, SeatMap
from tests.helpers import settle


async def test_an_hour_away_and_a_fault_text_are_shown_whole(small_floor, make_app, clock) -> None:
    record_event(small_floor, "A-01", "busy", agent_no="1001")
    record_event(small_floor, "A-02", "fault", reason="terminal fault, headset broken")
    clock.advance(3912)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.tick()
        await pilot.pause()
        text = app.screen.query_one(SeatMap).full_text().plain
        assert "A-01 B 1:05:12" in text  # past an hour the cells widen: never cut
        assert "terminal fault, headset broken" in text


async def test_a_wide_terminal_gives_the_seats_its_width(small_floor, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(220, 50)) as pilot:
        await settle(app, pilot)
        seat_map = app.screen.query_one(SeatMap)
        wide = seat_map._cell
        await pilot.resize_terminal(40, 24)
        await settle(app, pilot)
        # Two columns of seats: on 220 columns as wide as a seat may grow, on 40 columns
        # each takes half the width, and never less than the 12 cells a seat needs.
        assert wide == FILL_CELLS
        assert seat_map._cell == (seat_map.size.width - 2) // 2 - 1 > 12
        await pilot.resize_terminal(24, 24)
        await settle(app, pilot)
        assert seat_map._cell == 12
