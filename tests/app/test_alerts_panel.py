"""The alerts panel and the bell in the app (issue 15), with a fake clock.

The fake clock is put a day ahead of the wall clock, so APScheduler's own date jobs
never run during a test: each test calls the scheduler's job (`run_due`) itself after
moving the clock, as the heartbeat would.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from textual.widgets import DataTable

from floorman.app import FloormanApp
from floorman.config import AlertsConfig
from floorman.domain import alerts
from floorman.domain.core.context import Floor
from floorman.domain.header import header_items
from floorman.domain.seats.events import record_event
from floorman.screens.alerts import AlertsScreen
from floorman.screens.forms import FormModal
from floorman.widgets.alert_bar import AlertBar
from tests.helpers import floorman, settle, tomorrow_mid_shift


@pytest.fixture
def ahead(clock, small_floor):
    """The floor's clock a day ahead of the wall's (APScheduler's jobs are on wall time, so
    an alert due on the floor is not yet due for it), at 10:00 of that local day: mid-shift,
    so no handover reminder of a shift's end fires in the middle of a test (one did, when
    the run met the hour before a shift ended)."""
    clock.set(tomorrow_mid_shift(small_floor.config.zone()))
    return clock


def away(floor: Floor, seat: str, agent: str) -> None:
    record_event(floor, seat, "ready", agent_no=agent)
    record_event(floor, seat, "away")


def ringing(app: FloormanApp) -> list[int]:
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    return rings


async def tick(app: FloormanApp, pilot) -> None:
    """What the heartbeat does: the sweep, the claims, then the screens catch up."""
    await app.alert_scheduler.run_due()
    app.check_database()
    await settle(app, pilot)


def active_ids(floor: Floor) -> list[str]:
    with floor.db.read() as session:
        return [v.id for v in alerts.active(session)]


async def test_fire_escalate_and_the_bell_once_per_new_severity(
    small_floor, make_app, ahead
) -> None:
    app = make_app()
    rings = ringing(app)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        away(small_floor, "A-01", "1001")
        ahead.advance(240)
        await tick(app, pilot)
        assert rings == [1]  # the warning fired
        bar = app.screen.query_one(AlertBar)
        assert "◆ WARNING" in bar.render().plain
        ahead.advance(60)
        await tick(app, pilot)
        assert rings == [1, 1]  # the same alert rose to breach: one more ring
        assert "▲ BREACH" in app.screen.query_one(AlertBar).render().plain
        assert len(active_ids(small_floor)) == 1  # one alert, not one per band
        ahead.advance(1)
        await tick(app, pilot)
        assert rings == [1, 1]  # nothing new, no ring
        away(small_floor, "A-02", "1002")
        ahead.advance(240)  # A-02 warns and A-01 escalates (8:01) in one claim: one ring
        await tick(app, pilot)
        assert rings == [1, 1, 1]
        away(small_floor, "B-01", "1003")
        ahead.advance(240)  # B-01 warns, A-02 breaches and escalates: one ring;
        await tick(app, pilot)  # A-01's severe (10:00) is quieter than escalated: none
        assert rings == [1, 1, 1, 1]
        away(small_floor, "B-02", "1004")
        ahead.advance(10)
        record_event(small_floor, "B-01", "back")  # resolved: nothing more of B-01
        ahead.advance(230)  # B-02 warns
        await tick(app, pilot)
        assert app.alert_bell.rung == len(rings) == 5
        assert "B-01" not in {v.subject for v in alerts_of(small_floor)}


def alerts_of(floor: Floor) -> list[alerts.AlertView]:
    with floor.db.read() as session:
        return alerts.active(session)


async def test_bell_false_silences_the_bell_not_the_alert(small_floor, ahead) -> None:
    silent = replace(
        small_floor, config=replace(small_floor.config, alerts=AlertsConfig(bell=False))
    )
    quiet = FloormanApp(silent, poll=False)
    none = ringing(quiet)
    async with quiet.run_test(size=(140, 40)) as pilot:
        await settle(quiet, pilot)
        away(silent, "B-01", "1004")
        ahead.advance(300)
        await quiet.alert_scheduler.run_due()
        await settle(quiet, pilot)
        assert none == [] and quiet.alert_bell.rung == 0
        assert active_ids(silent)  # silenced, not hidden: the alert is on the bar


async def test_a_burst_rings_once_within_the_interval(small_floor, make_app, ahead) -> None:
    app = make_app()
    rings = ringing(app)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        away(small_floor, "A-01", "1001")
        ahead.advance(240)
        await tick(app, pilot)
        away(small_floor, "A-02", "1002")
        ahead.advance(10)
        away(small_floor, "A-03", "1003")
        ahead.advance(230)  # A-02 (4:00) fires 240 s after the ring; rings
        await tick(app, pilot)
        ahead.advance(10)  # A-03 (4:00) fires 10 s after that ring: quiet
        await tick(app, pilot)
        assert len(active_ids(small_floor)) == 3
        assert len(rings) == 2


async def test_panel_lists_acknowledges_and_agrees_with_the_cli(
    small_floor, make_app, ahead
) -> None:
    away(small_floor, "A-01", "1001")
    ahead.advance(60)
    away(small_floor, "B-01", "1003")
    ahead.advance(250)  # A-01 breach (5:10), B-01 warning (4:10)
    app = make_app()
    ringing(app)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await tick(app, pilot)
        await pilot.press("8")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AlertsScreen)
        assert [v.seat for v in screen.views] == ["A-01", "B-01"]  # breach before warning
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        # `alerts list --active --json` shows what the panel lists as active, in its order.
        listed = floorman("alerts", "list", "--active", "--json", db=small_floor.db.path)
        assert listed.returncode == 0, listed.stderr
        assert [row["id"] for row in json.loads(listed.stdout)] == [v.id for v in screen.views]
        await pilot.press("f")  # the kinds offered: away only
        await settle(app, pilot)
        assert screen.kind == "away" and len(screen.views) == 2
        await pilot.press("z")  # the zones offered: A, then B
        await settle(app, pilot)
        assert [v.seat for v in screen.views] == ["A-01"]
        await pilot.press("z", "z")  # B, then all again
        await settle(app, pilot)
        assert len(screen.views) == 2
        await pilot.press("up")  # the cursor stayed on B-01; the top row is A-01
        await pilot.press("a")  # acknowledges the selected one
        await settle(app, pilot)
        assert [v.subject for v in alerts_of(small_floor)] == ["B-01"]
        assert [(v.seat, v.state) for v in screen.views] == [
            ("B-01", "active"),
            ("A-01", "acknowledged"),
        ]
        record_event(small_floor, "B-01", "back")
        app.check_database()
        await settle(app, pilot)
        assert [(v.seat, v.state) for v in screen.views] == [
            ("A-01", "acknowledged"),
            ("B-01", "resolved"),
        ]
        assert "resolved" not in app.screen.query_one(AlertBar).render().plain


async def test_acknowledge_all_shown_asks_once(small_floor, make_app, ahead) -> None:
    for seat, agent in (("A-01", "1001"), ("A-02", "1002"), ("B-01", "1003")):
        away(small_floor, seat, agent)
    ahead.advance(300)
    app = make_app()
    ringing(app)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await tick(app, pilot)
        await pilot.press("8")
        await settle(app, pilot)
        await pilot.press("z")  # zone A only: two of the three
        await settle(app, pilot)
        await pilot.press("A")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        assert "2" in app.screen.title_text
        await pilot.press("enter")  # the one confirmation (the note may stay empty)
        await settle(app, pilot)
        assert isinstance(app.screen, AlertsScreen)
        assert [v.subject for v in alerts_of(small_floor)] == ["B-01"]
        with small_floor.db.read() as session:
            acked = [v for v in alerts.panel_rows(session, small_floor) if v.acknowledged_by]
        assert sorted(v.seat for v in acked) == ["A-01", "A-02"]
        assert {v.acknowledged_by for v in acked} == {"duty1"}


def test_the_header_counts_per_severity_with_the_worst_symbol(small_floor, clock) -> None:
    import asyncio

    from floorman.runtime.scheduler import AlertScheduler

    away(small_floor, "A-01", "1001")
    clock.advance(60)
    away(small_floor, "A-02", "1002")
    away(small_floor, "B-01", "1003")
    clock.advance(250)  # A-01 breach; A-02 and B-01 warnings
    asyncio.run(AlertScheduler(small_floor, lambda f: None).run_due())
    (item,) = [i for i in header_items(small_floor) if "alerts" in i[0]]
    assert item[:2] == ("▲ alerts: breach 1, warning 2", "bold white on dark_red")
    assert item.short == "▲ breach 1 warning 2"
