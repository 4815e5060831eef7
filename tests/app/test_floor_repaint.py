"""Pilot tests of how the floor repaints: every second only the rows whose text changed.

The floor ticks once a second with every staffed seat's timer on screen; repainting the
whole terminal each time cost a tenth of a core on a 500-seat floor (issue 3, issue 10).
These tests pin what the duty manager sees (timers, other writers' changes, the cursor)
and that rows which did not change are not drawn again.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from floorman.data.db import Database
from floorman.domain.core.context import Actor, Floor
from floorman.domain.seats.events import record_event
from floorman.screens.floor import FloorScreen
from floorman.widgets.seat_map import SeatMap
from tests.helpers import settle

# The small floor's map: zone A's title on line 0, its seat rows on lines 1 and 3 (names
# under them on 2 and 4), zone B's title on 6, its seat rows on 7 and 9.
A_ROW0, A_NAMES0, A_ROW1, B_ROW0, B_NAMES0, B_ROW1 = 1, 2, 3, 7, 8, 9


def screen_lines(app: Any) -> list[str]:
    """The terminal as the app last drew it (Textual's compositor output, as plain text)."""
    return ["".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()]


def row_on_screen(app: Any, seat: str) -> str:
    """The screen line of the seat map's cell for `seat` (its id, then its state letter):
    not the needs-you list beside the map, which names seats too."""
    cell = re.compile(re.escape(seat) + r" \S ")
    return next(line for line in screen_lines(app) if cell.search(line))


class DrawnRows:
    """Records which rows of the seat map Textual asked it to draw, and their text."""

    def __init__(self, seat_map: SeatMap) -> None:
        self.rows: dict[int, str] = {}
        draw = seat_map.render_line

        def spy(y: int) -> Any:
            strip = draw(y)
            self.rows[y] = strip.text
            return strip

        seat_map.render_line = spy  # type: ignore[method-assign]

    def clear(self) -> None:
        self.rows.clear()


async def test_tick_redraws_the_timer_rows_and_nothing_else(small_floor, make_app, clock) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "B-01", "away", agent_no="1002", reason="toilet")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        drawn = DrawnRows(app.screen.query_one(SeatMap))
        clock.advance(seconds=61)
        app.tick()
        await pilot.pause()
        # Only the two rows with a running timer; names, titles and empty seats stay.
        assert sorted(drawn.rows) == [A_ROW0, B_ROW0]
        assert "A-01 R 01:01" in drawn.rows[A_ROW0]
        assert "B-01 A 01:01" in drawn.rows[B_ROW0]
        assert "A-01 R 01:01" in row_on_screen(app, "A-01")
        assert "Li Na" in "\n".join(screen_lines(app))  # name rows still on screen

        drawn.clear()
        app.tick()  # the same second again: nothing on the map changed
        await pilot.pause()
        assert drawn.rows == {}

        clock.advance(seconds=240)  # the away passes its five minutes
        app.tick()
        await pilot.pause()
        assert "B-01 ‼ 05:01" in row_on_screen(app, "B-01")


async def test_tick_never_repaints_the_whole_terminal(small_floor, make_app, clock) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        compositor = app.screen._compositor
        full_updates = 0
        render_full_update = compositor.render_full_update

        def counting(*args: Any, **kwargs: Any) -> Any:
            nonlocal full_updates
            full_updates += 1
            return render_full_update(*args, **kwargs)

        compositor.render_full_update = counting
        for _ in range(3):
            clock.advance(seconds=1)
            app.tick()
            await pilot.pause()
        assert full_updates == 0
        assert "A-01 R 00:03" in row_on_screen(app, "A-01")


async def test_another_writers_change_redraws_only_its_row(small_floor, make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.check_database()  # the watcher's baseline
        drawn = DrawnRows(app.screen.query_one(SeatMap))
        other = Floor(db=Database(small_floor.db.path), clock=clock, actor=Actor("cli", "t2"))
        record_event(other, "B-02", "busy", agent_no="1004")
        assert app.check_database() is True
        await settle(app, pilot)
        assert "B-02 B 00:00" in row_on_screen(app, "B-02")
        assert "陈静" in "\n".join(screen_lines(app))
        # Zone B's title (its counts), B-02's row and its name row; zone A is left alone.
        assert set(drawn.rows) == {B_ROW0 - 1, B_ROW0, B_NAMES0}


async def test_a_reload_with_no_seat_change_redraws_nothing(small_floor, make_app, clock) -> None:
    from datetime import timedelta

    from floorman.domain import alerts

    record_event(small_floor, "A-01", "ready", agent_no="1001")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.check_database()
        drawn = DrawnRows(app.screen.query_one(SeatMap))
        with small_floor.db.write() as session:  # a write, but not to anything shown
            alerts.schedule(
                session,
                small_floor,
                kind="test.later",
                subject="A-01",
                due_at=clock.now() + timedelta(hours=1),
                severity="warning",
                message="later",
                dedupe_key="test:later",
            )
        assert app.check_database() is True
        await settle(app, pilot)
        assert drawn.rows == {}
        assert "A-01 R" in row_on_screen(app, "A-01")


async def test_cursor_move_redraws_the_two_seats_rows(small_floor, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        seat_map = app.screen.query_one(SeatMap)
        drawn = DrawnRows(seat_map)
        await pilot.press("j")  # A-01 -> A-03, one seat row down
        assert seat_map.cursor == "A-03"
        assert set(drawn.rows) == {A_ROW0, A_NAMES0, A_ROW1, A_ROW1 + 1}


async def test_long_seat_ids_keep_the_whole_timer(floor, clock, tmp_path) -> None:
    from floorman.domain.seats.importing import import_agents, import_seats

    (tmp_path / "s.csv").write_text(
        "seat,zone,type,row,col\nA-001,A,general,0,0\nA-002,A,general,0,1\n", encoding="utf-8"
    )
    (tmp_path / "a.csv").write_text("staff_no,name,team\n7001,Agent One,T\n", encoding="utf-8")
    import_seats(floor, tmp_path / "s.csv")
    import_agents(floor, tmp_path / "a.csv")
    record_event(floor, "A-001", "ready", agent_no="7001")
    from floorman.app import FloormanApp

    app = FloormanApp(floor, poll=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        clock.advance(seconds=67)
        app.tick()
        await pilot.pause()
        row = row_on_screen(app, "A-001")
        assert "A-001 R 01:07" in row and "A-002 -" in row  # the longer id widens, never cuts


async def test_hidden_floor_is_not_drawn_and_is_current_on_return(
    small_floor, make_app, clock
) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        floor_screen = app.screen
        drawn = DrawnRows(floor_screen.query_one(SeatMap))
        await pilot.press("2")  # the away panel covers the floor
        await settle(app, pilot)
        assert not isinstance(app.screen, FloorScreen)
        for _ in range(3):
            clock.advance(seconds=1)
            app.tick()
            await pilot.pause()
        assert drawn.rows == {}
        await pilot.press("1")
        await settle(app, pilot)
        assert app.screen is floor_screen
        assert "A-01 R 00:03" in row_on_screen(app, "A-01")


async def test_scrolled_map_draws_the_rows_in_view(small_floor, make_app, clock) -> None:
    record_event(small_floor, "B-03", "busy", agent_no="1003")
    app = make_app()
    # The map shows a few lines only (the needs list is under it).
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        seat_map = app.screen.query_one(SeatMap)
        await pilot.press("j", "j", "j", "j")  # down to zone B's last row
        await pilot.pause()
        assert seat_map.cursor == "B-03"
        assert seat_map.scroll_offset.y > 0
        clock.advance(seconds=5)
        app.tick()
        await pilot.pause()
        assert "B-03 B 00:05" in row_on_screen(app, "B-03")
        assert "Zhang Wei" in "\n".join(screen_lines(app))


def count_seat_reads(monkeypatch: Any) -> list[int]:
    """Calls of `list_seats` made by the floor screen's reloads."""
    import floorman.screens.floor as floor_module

    calls: list[int] = []
    read = floor_module.list_seats

    def counted(session: Any) -> Any:
        calls.append(1)
        return read(session)

    monkeypatch.setattr(floor_module, "list_seats", counted)
    return calls


def schedule_alert_in_30_minutes(floor: Floor, clock: Any, key: str) -> None:
    """A pending alert the test claims itself (the app's scheduler waits in real time)."""
    from datetime import timedelta

    from floorman.domain import alerts

    with floor.db.write() as session:
        alerts.schedule(
            session,
            floor,
            kind="test.due",
            subject="A-01",
            due_at=clock.now() + timedelta(minutes=30),
            severity="warning",
            message="due",
            dedupe_key=key,
        )


async def test_an_alert_claim_does_not_reread_the_seats(
    small_floor, make_app, clock, monkeypatch
) -> None:
    from floorman.domain import alerts

    clock.set(datetime.now(UTC))  # APScheduler keeps real time: its job waits 30 minutes
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.check_database()
        reads = count_seat_reads(monkeypatch)
        schedule_alert_in_30_minutes(small_floor, clock, "test:1")
        assert app.check_database() is True
        await settle(app, pilot)
        assert len(reads) == 1  # a commit with no journal row: read (nothing to go by)
        clock.advance(minutes=30)
        # The floor's own handover reminders may fall due in these 30 minutes (real time).
        fired = [a.kind for a in alerts.fire_due(small_floor) if not a.kind.startswith("handover.")]
        assert fired == ["test.due"]
        assert app.check_database() is True  # the claim: journal row "alert.fire"
        await settle(app, pilot)
        assert len(reads) == 1
        assert "A-01 R" in row_on_screen(app, "A-01")


async def test_a_seat_change_with_an_alert_claim_is_read(
    small_floor, make_app, clock, monkeypatch
) -> None:
    from floorman.domain import alerts

    clock.set(datetime.now(UTC))  # APScheduler keeps real time: its job waits 30 minutes
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        schedule_alert_in_30_minutes(small_floor, clock, "test:2")
        app.check_database()
        await settle(app, pilot)
        clock.advance(minutes=30)
        reads = count_seat_reads(monkeypatch)
        other = Floor(db=Database(small_floor.db.path), clock=clock, actor=Actor("cli", "t2"))
        record_event(other, "B-02", "busy", agent_no="1004")
        alerts.fire_due(small_floor)  # in the same poll: the alert's row is the newest
        assert app.check_database() is True
        await settle(app, pilot)
        assert len(reads) == 1
        assert "B-02 B" in row_on_screen(app, "B-02")
