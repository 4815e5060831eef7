"""One away limit everywhere: the seat map, the away board, the alerts and `away list`.

A water away (3:00 limit) at 3:20 is over its limit in all of them; a toilet away
(5:00) extended by 2:00 is, at 5:30, within its limit in all of them. The seat map once
used a fixed 5:00 of its own while the board used the slip's limit (issue 13).

The command line runs on the real clock, so the fake clock is set to end at the real
"now": the slips are as old for the subprocess as for the app (give or take the seconds
the subprocess takes to start, well inside both margins).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from rich.text import Text
from sqlmodel import select
from textual.widgets import DataTable

from floorman.clock import FakeClock
from floorman.data.tables.floor import Alert
from floorman.domain.away import actions as away_actions
from floorman.domain.away import views as away_views
from floorman.domain.core.context import Floor
from floorman.domain.core.states import AlertKind, AwayBand
from floorman.domain.header import header_items
from floorman.domain.seats.events import record_event
from floorman.runtime.scheduler import AlertScheduler
from floorman.screens.away import AwayScreen
from floorman.widgets.seat_map import SeatMap
from tests.helpers import settle

OVER = {AwayBand.BREACH, AwayBand.SEVERE}
WATER_AGE, EXTENDED_AGE = 200, 330  # 3:20 and 5:30


@pytest.fixture
def clock() -> FakeClock:
    """Starts when the extended slip left, so that it ends at the real time now."""
    return FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=EXTENDED_AGE))


def two_aways(floor: Floor, clock: FakeClock) -> None:
    """A-02: toilet (5:00) extended by 2:00, out 5:30; A-01: water (3:00), out 3:20."""
    record_event(floor, "A-01", "ready", agent_no="1001")
    record_event(floor, "A-02", "ready", agent_no="1002")
    extended = away_actions.send_away(floor, "1002", "toilet")
    away_actions.extend(floor, extended.id, 120, "long call to finish first")
    clock.advance(EXTENDED_AGE - WATER_AGE)
    away_actions.send_away(floor, "1001", "water")
    clock.advance(WATER_AGE)


def fired_breaches(floor: Floor) -> dict[str, bool]:
    """Seat -> whether its (uncancelled) away.breach alert has fired."""
    with floor.db.read() as session:
        rows = session.exec(
            select(Alert).where(Alert.kind == AlertKind.AWAY_BREACH, Alert.cancelled_at == None)  # noqa: E711
        ).all()
        return {alert.subject: alert.fired_at is not None for alert in rows}



async def test_water_over_and_extended_within_on_every_view(small_floor, make_app, clock) -> None:
    two_aways(small_floor, clock)

    # The alert job, as the scheduler runs it.
    scheduler = AlertScheduler(small_floor, lambda fired: None)
    await scheduler.run_due()
    assert fired_breaches(small_floor) == {"A-01": True, "A-02": False}

    # The away board, from the domain and as the panel draws it.
    board = {view.seat: view for view in away_views.away_board(small_floor)}
    assert board["A-01"].band in OVER and board["A-01"].over_seconds == 20
    assert board["A-02"].band not in OVER and board["A-02"].left_seconds == 90

    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        app.tick()
        await pilot.pause()
        seat_map = app.screen.query_one(SeatMap)
        text = seat_map.full_text().plain
        assert "A-01 ‼ 03:20" in text  # over its own 3:00: a breach
        assert "A-02 A 05:30" in text  # within 5:00 + 2:00
        await pilot.press("2")
        await settle(app, pilot)
        assert isinstance(app.screen, AwayScreen)
        table = app.screen.query_one(DataTable)
        rows = {}
        for row in table.ordered_rows:
            cells = [c.plain if isinstance(c, Text) else str(c) for c in table.get_row(row.key)]
            rows[cells[2]] = cells
        assert rows["A-01"][1] == "‼ breach" and rows["A-01"][7] == "over 00:20"
        assert rows["A-02"][1] == "· ok" and rows["A-02"][7] == "left 01:30"

    # The header: one away over its limit, not two.
    assert any("aways over limit 1" in item.text for item in header_items(small_floor))

    # The command line, on the real clock.
    command = ["away", "list", "--open", "--json"]
    result = subprocess.run(
        [sys.executable, "-m", "floorman", "--db", str(small_floor.db.path), *command],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    listed = {slip["seat"]: slip for slip in json.loads(result.stdout)}
    assert listed["A-01"]["band"] in OVER and listed["A-01"]["over_seconds"] >= 20
    assert listed["A-02"]["band"] not in OVER and listed["A-02"]["over_seconds"] == 0
    assert listed["A-02"]["limit_seconds"] == 420


def test_the_seat_map_times_an_away_by_its_slip_not_a_fixed_five_minutes(
    small_floor, clock
) -> None:
    """The seat map's rule alone: what `seat_aways` hands it decides the letter."""
    two_aways(small_floor, clock)
    with small_floor.db.read() as session:
        aways = away_views.seat_aways(session, small_floor)
    now = clock.now()
    assert aways["A-01"].limits.limit_seconds == 180 and aways["A-01"].over_limit_at(now)
    assert aways["A-02"].limits.limit_seconds == 420 and not aways["A-02"].over_limit_at(now)
    clock.advance(420 - EXTENDED_AGE)
    assert aways["A-02"].over_limit_at(clock.now())  # at 7:00, the extended limit
