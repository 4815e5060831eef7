"""Pilot: a fire with 110 people on the floor (100 staff at their seats, 10 visitors) is
rolled in 110 keys on the one roll call; the count is the same on the visitors panel, the
emergencies panel, `emergency show --json` and the incident report; a restart in the
middle keeps every mark; another terminal's marks show in the open dialog; taking a mark
back asks why and the reason is recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from floorman.app import FloormanApp
from floorman.config import Config
from floorman.data.db import Database
from floorman.data.tables.floor import JournalEntry
from floorman.domain.core.context import Actor, Floor
from floorman.domain.emergency import lifecycle
from floorman.domain.emergency.report import report_data
from floorman.domain.roll_call import book
from floorman.domain.seats.events import record_event
from floorman.domain.seats.importing import import_agents, import_seats
from floorman.domain.visitors import decisions, presence, registration
from floorman.domain.visitors.registration import Registration
from floorman.screens.emergency import EmergencyScreen
from floorman.screens.forms import FormModal
from floorman.screens.roll_call import RollCallModal
from floorman.screens.visitors import VisitorsScreen
from tests.helpers import floorman, settle, type_text

STAFF, VISITORS = 100, 10


@pytest.fixture
def fire_floor(floor: Floor, tmp_path: Path) -> Floor:
    """100 agents ready at their seats in four zones, 10 visitors checked in."""
    seats = tmp_path / "seats-110.csv"
    agents = tmp_path / "agents-110.csv"
    seat_rows = [f"{z}-{n:02d},{z},general,{n // 10},{n % 10}" for z in "ABCD" for n in range(25)]
    seats.write_text("seat,zone,type,row,col\n" + "\n".join(seat_rows) + "\n", encoding="utf-8")
    agents.write_text(
        "staff_no,name\n" + "\n".join(f"{2000 + i},Agent {i:03d}" for i in range(STAFF)) + "\n",
        encoding="utf-8",
    )
    import_seats(floor, seats)
    import_agents(floor, agents)
    for i, row in enumerate(seat_rows):
        record_event(floor, row.split(",")[0], "ready", agent_no=str(2000 + i))
    for i in range(VISITORS):
        visitor = registration.register(
            floor,
            Registration(
                name=f"Guest {i}", organisation="IT", category="internal", purpose="repair",
                host="Agent 000", badge=f"V-{i:02d}",
            ),
        )
        decisions.approve(floor, visitor.id)
        presence.check_in(floor, visitor.id)
    return floor


def safe_count(floor: Floor) -> tuple[int, int]:
    with floor.db.read() as session:
        count = book.roll_call(session).count
    return count.people, count.safe


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_a_fire_of_110_is_rolled_in_110_keys_and_counted_alike_everywhere(
    fire_floor, db_path, clock
) -> None:
    fire = lifecycle.start(fire_floor, "fire")
    assert safe_count(fire_floor) == (110, 0)
    app = FloormanApp(fire_floor, poll=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("5", "r")
        await settle(app, pilot)
        assert isinstance(app.screen, RollCallModal)
        assert app.screen.roll_call_id == fire.roll_call_id
        kinds = [str(app.screen.query_one("#roll-call-table").get_row_at(i)[2]) for i in (0, 10)]
        assert kinds == ["visitor", "staff"]
        # 60 people with Enter, then 50 with space: one key each, no key wasted.
        for _ in range(60):
            await pilot.press("enter")
        await pilot.press(*["space"] * 50)
        await settle(app, pilot, rounds=3)
        assert safe_count(fire_floor) == (110, 110)
        assert "110 people · 110 safe · 0 not yet safe" in text_of(app.screen, "#roll-call-title")

        # One taken back (marked by mistake): the count drops everywhere, the reason is kept.
        await pilot.press("up")
        await settle(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        await type_text(pilot, "seen going back in")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RollCallModal)
        assert safe_count(fire_floor) == (110, 109)
        expected = "110 people · 109 safe · 1 not yet safe"
        assert expected in text_of(app.screen, "#roll-call-title")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyScreen)
        assert expected in text_of(app.screen, "#emergency-roll")
        await pilot.press("3")
        await settle(app, pilot)
        assert isinstance(app.screen, VisitorsScreen)
        assert expected in text_of(app.screen, "#visitors-summary")

    with fire_floor.db.read() as session:
        report = report_data(session, fire.id)
        reasons = [
            json.loads(row.after or "{}").get("reason")
            for row in session.exec(
                select(JournalEntry).where(JournalEntry.action == "rollcall.unmark")
            )
        ]
    assert reasons == ["seen going back in"]
    assert report["roll_call_count"] == {
        "people": 110, "safe": 109, "not_yet_safe": 1, "staff": 100, "visitors": 10
    }
    assert any(e["action"] == "unsafe" for e in report["timeline"])  # type: ignore[union-attr]
    shown = floorman("emergency", "show", fire.id[:8], "--json", db=db_path)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["roll_call_count"] == report["roll_call_count"]


async def test_a_restart_in_the_middle_keeps_every_mark(fire_floor, db_path, clock) -> None:
    fire = lifecycle.start(fire_floor, "fire", drill=True)
    app = FloormanApp(fire_floor, poll=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("3", "c")  # the visitors panel joins the fire's roll call
        await settle(app, pilot)
        assert app.screen.roll_call_id == fire.roll_call_id
        await pilot.press(*["enter"] * 10)
        await settle(app, pilot, rounds=3)
    assert safe_count(fire_floor) == (110, 10)

    # The terminal is closed and opened again, on a fresh connection to the same file.
    again = Floor(
        db=Database(db_path), clock=clock, config=Config(timezone="UTC"),
        actor=Actor("duty1", "test:tty1"),
    )
    app = FloormanApp(again, poll=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("5", "r")
        await settle(app, pilot)
        assert app.screen.roll_call_id == fire.roll_call_id
        assert "110 people · 10 safe · 100 not yet safe" in text_of(app.screen, "#roll-call-title")
        # The cursor waits on the first one not yet safe: each key marks one more, none
        # is marked twice (the whole fire's 110 keys are the test above).
        await pilot.press(*["enter"] * 10)
        await settle(app, pilot, rounds=3)
    assert safe_count(again) == (110, 20)
    with again.db.read() as session:
        safe = [e.position for e in book.roll_call(session).entries if e.safe]
    assert safe == list(range(1, 21))
    again.db.dispose()


async def test_another_terminals_marks_show_in_the_open_dialog(fire_floor, db_path, clock) -> None:
    lifecycle.start(fire_floor, "fire")
    other = Floor(
        db=Database(db_path), clock=clock, config=Config(timezone="UTC"),
        actor=Actor("duty2", "test:tty2"),
    )
    app = FloormanApp(fire_floor, poll=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("3", "c")
        await settle(app, pilot)
        app.check_database()  # the watcher's baseline
        book.mark_safe(other, [1, 2, 3])  # the visitors, marked at the other terminal
        app.check_database()
        await settle(app, pilot)
        table = app.screen.query_one("#roll-call-table")
        assert [str(table.get_row_at(i)[1]) for i in range(4)] == ["[x]", "[x]", "[x]", "[ ]"]
        assert str(table.get_row_at(0)[5]).startswith("duty2 ")
        assert "110 people · 3 safe" in text_of(app.screen, "#roll-call-title")
        # The cursor sat on number 1, marked meanwhile there: Enter says so and moves on,
        # never marking anyone twice; the next Enter marks number 4.
        await pilot.press("enter")
        await settle(app, pilot)
        assert safe_count(fire_floor) == (110, 3)
        await pilot.press("enter")
        await settle(app, pilot)
    assert safe_count(fire_floor) == (110, 4)
    other.db.dispose()
