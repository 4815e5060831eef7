"""HQ's region screen over a real central server, driven with Textual's Pilot."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from floorman.domain.seats.events import record_event
from floorman.domain.sync.push import SyncPass
from floorman.screens.region import RegionApp, RegionScreen
from floorman.screens.region_site import RegionSiteScreen


async def settled(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_every_site_in_one_table_and_a_stale_one_says_so(central, site_floor):
    SyncPass(site_floor("hz"), central.engine(central.add_site("hz"))).run_once()
    central.add_site("nb")  # registered, never synced
    floor = site_floor("wz")
    record_event(floor, "A-01", "ready", agent_no="1001")
    SyncPass(floor, central.engine(central.add_site("wz"))).run_once()
    app = RegionApp(central.engine(central.hq()))
    async with app.run_test(size=(160, 40)) as pilot:
        await settled(app, pilot)
        screen = app.screen
        assert isinstance(screen, RegionScreen)
        table = screen.query_one("#region-table", DataTable)
        assert table.row_count == 3
        rows = {table.get_row_at(i)[0]: table.get_row_at(i) for i in range(3)}
        assert "STALE" in rows["nb"][1] and "never" in rows["nb"][1]
        assert "STALE" not in rows["hz"][1]
        assert rows["wz"][2] == "1"  # staffed: A-01 ready
        assert "3 sites, 1 stale" in str(screen.query_one("#region-status", Static).render())

        table.move_cursor(row=2)
        await pilot.press("enter")
        await settled(app, pilot)
        assert isinstance(app.screen, RegionSiteScreen)
        seats = app.screen.query_one("#site-seats", DataTable)
        assert seats.row_count == 6
        assert [seats.get_row_at(i)[2] for i in range(6)].count("ready") == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RegionScreen)


async def test_the_central_server_going_away_keeps_the_last_picture(central, site_floor):
    floor = site_floor("hz")
    SyncPass(floor, central.engine(central.add_site("hz"))).run_once()
    hq = central.engine(central.hq())
    app = RegionApp(hq)
    async with app.run_test(size=(160, 40)) as pilot:
        await settled(app, pilot)
        screen = app.screen
        with central.admin.begin() as conn:  # HQ's role loses its right to read
            conn.exec_driver_sql(f'REVOKE floorman_hq FROM "{central.name}_hq"')
        await pilot.press("r")
        await settled(app, pilot)
        status = str(screen.query_one("#region-status", Static).render())
        assert "central server unavailable" in status and "permission denied" in status
        assert screen.query_one("#region-table", DataTable).row_count == 1


async def test_a_site_as_last_synced_speaks_the_floors_language(central, site_floor):
    from floorman.domain.away.actions import send_away
    from floorman.i18n import set_language

    floor = site_floor("hz")
    record_event(floor, "A-01", "ready", agent_no="1001")
    record_event(floor, "A-02", "ready", agent_no="1002")
    send_away(floor, "1002", "toilet")
    SyncPass(floor, central.engine(central.add_site("hz"))).run_once()
    set_language("zh")
    try:
        app = RegionApp(central.engine(central.hq()))
        async with app.run_test(size=(100, 40)) as pilot:
            await settled(app, pilot)
            await pilot.press("enter")
            await settled(app, pilot)
            seats = app.screen.query_one("#site-seats", DataTable)
            states = {seats.get_row_at(i)[0]: seats.get_row_at(i)[2] for i in range(6)}
            assert (states["A-01"], states["A-02"], states["A-03"]) == ("就绪", "示忙", "空闲")
            slips = app.screen.query_one("#site-slips", DataTable)
            assert slips.get_row_at(0)[2:4] == ["如厕", "离席"]
    finally:
        set_language("en")
