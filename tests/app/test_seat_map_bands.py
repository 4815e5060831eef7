"""The seat map shows each away's band from its own slip's limit (issue 15.4), the header
counts agents at their seats apart from the away ones (issue 16.8)."""

from __future__ import annotations

from rich.style import Style

from floorman.domain.away import actions as away_actions
from floorman.domain.away.views import away_board
from floorman.domain.seats.events import record_event
from floorman.widgets.floor_header import FloorHeader
from floorman.widgets.seat_map import BAND_STYLES, STATE_STYLES, SeatMap
from tests.helpers import settle


def map_text(app) -> str:
    return app.screen.query_one(SeatMap).full_text().plain


async def test_water_away_passes_warning_breach_and_severe_on_its_own_limit(
    small_floor, make_app, clock
) -> None:
    # water allows 3:00: warning one minute before (2:00), breach at 3:00, severe at 6:00
    away_actions.send_away(small_floor, "1001", "water", seat_code="A-01")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        elapsed = 0
        for at, expected in ((60, "A"), (125, "!"), (201, "‼"), (380, "✖")):
            clock.advance(at - elapsed)
            elapsed = at
            app.tick()
            await pilot.pause()
            assert f"A-01 {expected} " in map_text(app), at
            # the away board says the same band of the same slip
            board = {v.seat: v for v in away_board(small_floor)}
            assert board["A-01"].symbol == (expected if expected != "A" else "·")


async def test_a_breach_is_louder_than_an_out_of_order_seat() -> None:
    breach, fault = Style.parse(BAND_STYLES["breach"]), Style.parse(STATE_STYLES["fault"])
    assert breach.bgcolor is not None and breach.bgcolor.name == "red"
    assert fault.bgcolor is None or fault.bgcolor.name != "red"


async def test_times_over_an_hour_read_whole(small_floor, make_app, clock) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        clock.advance(3912)  # 1:05:12
        app.tick()
        await pilot.pause()
        assert "A-01 R 1:05:12" in map_text(app)
        clock.advance(9 * 3600)  # 10:05:12: the cells widen again
        app.tick()
        await pilot.pause()
        assert "A-01 R 10:05:12" in map_text(app)


async def test_header_counts_agents_at_their_seats_and_the_away_ones_apart(
    small_floor, make_app
) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "A-02", "busy", agent_no="1002")
    away_actions.send_away(small_floor, "1003", "toilet", seat_code="A-03")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        app.tick()
        await pilot.pause()
        header = app.screen.query_one(FloorHeader).render().plain
        assert "A away 1" in header
        assert "occupancy at seat 2/6 33%" in header
        assert "A 2/3" in header
