"""Pilot tests of the floor screen: map, header, keys, live updates from other writers."""

from __future__ import annotations

from floorman.data.db import Database
from floorman.domain.core.context import Actor, Floor
from floorman.domain.seats.events import record_event
from floorman.screens.floor import FloorScreen
from floorman.screens.seat_detail import SeatDetailScreen
from floorman.widgets.floor_header import FloorHeader
from floorman.widgets.seat_map import SeatMap
from tests.helpers import settle


def map_text(app) -> str:
    return app.screen.query_one(SeatMap).full_text().plain


async def test_map_shows_seats_agents_letters_and_timers(small_floor, make_app, clock) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "B-01", "away", agent_no="1002", reason="toilet")
    clock.advance(75)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.tick()
        await pilot.pause()
        text = map_text(app)
        assert "A-01 R 01:15" in text
        assert "B-01 A 01:15" in text
        assert "王芳" in text and "Li Na" in text
        assert "A-02 -" in text
        header = app.screen.query_one(FloorHeader).render().plain
        assert "occupancy at seat 1/6 17%" in header
        assert "A 1/3" in header and "B 0/3" in header  # B-01 is away, not at the seat


async def test_timer_ticks_from_stored_time_and_marks_overrun(small_floor, make_app, clock) -> None:
    record_event(small_floor, "A-01", "away", agent_no="1001", reason="water")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        clock.advance(301)
        app.tick()
        await pilot.pause()
        assert "A-01 ‼ 05:01" in map_text(app)  # water allows 3:00: a breach


async def test_change_from_another_process_appears_on_check(small_floor, make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.check_database()  # baseline
        other = Floor(
            db=Database(small_floor.db.path), clock=clock, actor=Actor("cli", "other:tty")
        )
        record_event(other, "B-02", "busy", agent_no="1004")
        assert app.check_database() is True
        await settle(app, pilot)
        assert "B-02 B" in map_text(app)
        assert "陈静" in map_text(app)


async def test_keys_move_cursor_and_enter_opens_detail(small_floor, make_app) -> None:
    record_event(small_floor, "A-03", "ready", agent_no="1003")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        seat_map = app.screen.query_one(SeatMap)
        assert seat_map.cursor == "A-01"
        await pilot.press("l")
        assert seat_map.cursor == "A-02"
        await pilot.press("j")
        assert seat_map.cursor == "A-03"
        await pilot.press("down")  # into zone B
        assert seat_map.cursor == "B-01"
        await pilot.press("up", "up", "k")
        assert seat_map.cursor == "A-01"
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SeatDetailScreen)
        detail = app.screen
        assert detail.seat == "A-03"
        table = detail.query_one("DataTable")
        assert table.row_count == 1
        await pilot.press("escape")
        assert isinstance(app.screen, FloorScreen)


async def test_zone_and_state_filters(small_floor, make_app) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("z")
        text = map_text(app)
        assert "A-01" in text and "B-01" not in text
        await pilot.press("z")
        assert "B-01" in map_text(app) and "A-01" not in map_text(app)
        await pilot.press("escape", "s")
        assert app.screen.query_one(SeatMap).state_filter == "empty"
        assert "Filter:" in str(app.screen.query_one("#floor-filters").render())


async def test_help_and_missing_panels(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        assert isinstance(app.screen, FloorScreen)
        await pilot.press("q")
    assert app.return_code == 0 or app.return_code is None


async def test_help_names_keys_as_printed_on_the_keyboard(make_app) -> None:
    from floorman.widgets.wrapped_text import WrappedText

    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        lines = app.screen.query_one("#help-body WrappedText", WrappedText).text.splitlines()
    assert "exclamation_mark" not in "\n".join(lines)
    assert any(line.split() == ["!,", "f2", "Emergency"] for line in lines)
    assert any(line.split()[:1] == ["ctrl+p,"] for line in lines)


async def test_q_on_the_floor_quits_only_when_pressed_twice(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("q")  # a stray key: the floor stays, and says how to quit
        await pilot.pause()
        assert isinstance(app.screen, FloorScreen) and app.is_running
        clock.advance(10)  # too late to count as the second press
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        await pilot.press("q")  # the second press within 3 s quits
        await pilot.pause()
        assert not app.is_running


async def test_help_lists_the_floor_keys_in_the_chosen_language(make_app) -> None:
    from floorman.i18n import set_language
    from floorman.widgets.wrapped_text import WrappedText

    set_language("zh")
    try:
        app = make_app()
        async with app.run_test(size=(120, 60)) as pilot:
            await settle(app, pilot)
            await pilot.press("f1")
            text = app.screen.query_one("#help-body WrappedText", WrappedText).text
    finally:
        set_language("en")
    assert "座席详情" in text and "上移" in text  # the seat map's keys, translated
    assert "Seat detail" not in text and "Scroll Home" not in text  # not Textual's keys


async def test_command_palette_offers_panels(make_app) -> None:
    from floorman.app import FloorCommands

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        provider = FloorCommands(app.screen)
        texts = [text for text, _cb, _help in provider._commands()]
        assert "panel: open Floor" in texts
        assert any(t.startswith("floor: Zone filter") for t in texts)


async def test_header_warns_when_staffed_falls_below_required(small_floor, make_app) -> None:
    from floorman.domain.staffing.plan import set_plan

    record_event(small_floor, "A-01", "ready", agent_no="1001")
    set_plan(small_floor, busy_hour_calls=50)  # the manual's table: 5 seats
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        app.tick()
        await pilot.pause()
        header = app.screen.query_one(FloorHeader).render().plain
        assert "! staffed 1/required 5: short by 4" in header
        app.check_database()  # baseline before the other writers
        for code, agent in (("A-02", "1002"), ("A-03", "1003"), ("B-01", "1004")):
            record_event(small_floor, code, "ready", agent_no=agent)
        set_plan(small_floor, busy_hour_calls=40)
        assert app.check_database() is True
        await settle(app, pilot)
        app.tick()
        await pilot.pause()
        header = app.screen.query_one(FloorHeader).render().plain
        assert "staffed 4/required 5: short by 1" in header


# Run in a fresh interpreter: BINDINGS are class attributes, translated when the module is
# imported, and this test process imported the screens in English long ago. This is the
# order `floorman ui` follows: language first, then the app, which imports every screen.
FOOTER_IN_CHINESE = """
import asyncio, sys
from datetime import UTC, datetime
from floorman.i18n import set_language
set_language("zh")
assert "floorman.screens.floor" not in sys.modules, "a screen imported before the language"
from floorman.app import FloormanApp
from floorman.clock import FakeClock
from floorman.config import Config
from floorman.data.db import Database
from floorman.domain.core.context import Actor, Floor
from textual.widgets._footer import FooterKey

floor = Floor(
    db=Database(sys.argv[1]),
    clock=FakeClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC)),
    config=Config(timezone="UTC"),
    actor=Actor("duty1", "test:tty1"),
)

async def main():
    app = FloormanApp(floor, poll=False)
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        print("|".join(key.description for key in app.screen.query(FooterKey)))

asyncio.run(main())
"""


def test_footer_names_the_seat_map_keys_in_chinese(small_floor) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", FOOTER_IN_CHINESE, str(small_floor.db.path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    footer = done.stdout
    assert "座席详情" in footer
    assert "Seat detail" not in footer
