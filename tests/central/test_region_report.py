"""HQ's region report: each site's hours from the central journal equal the site's own
floor report (the same sweep), including a seat already away when the range starts."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from floorman.domain.reports.floor import floor_report
from floorman.domain.sync.push import SyncPass
from floorman.domain.sync.region_report import region_report
from tests.central.conftest import START
from tests.central.floors import busy_step, leave_for_lunch, seat_everyone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_each_sites_hours_from_hq_equal_its_own_floor_report(central, site_floor):
    floors = {code: site_floor(code) for code in ("hz", "nb")}
    for index, floor in enumerate(floors.values()):
        seat_everyone(floor)
        # Not in the same microsecond as the seating: two events of one seat at one
        # instant have no order on the floor (its seat history has no sequence).
        floor.clock.advance(1)
        leave_for_lunch(floor)  # away across the start of the range below
        for step in range(40 + 30 * index):
            busy_step(floor, step)
        floor.clock.advance(3600)
        busy_step(floor, 99)
        SyncPass(floor, central.engine(central.add_site(floor_code(floors, floor)))).run_once()
    start = (START + timedelta(minutes=10)).astimezone(SHANGHAI)
    end = start + timedelta(hours=3)
    hq = central.engine(central.hq())

    reports = {r.site: r for r in region_report(hq, start, end)}

    assert sorted(reports) == ["hz", "nb"]
    for code, floor in floors.items():
        with floor.db.read() as session:
            own = floor_report(session, start, end, zone=SHANGHAI)
        assert reports[code].occupancy == own.occupancy, code
        assert reports[code].away_minutes == own.away_minutes, code
        assert reports[code].alerts == own.alerts, code
        assert sum(h.value for h in own.away_minutes) > 0 and sum(h.value for h in own.alerts) > 0
    hours = reports["hz"].hourly()
    assert [h["hour"] for h in hours][:1] == [start.replace(minute=0).isoformat()]
    assert all(set(h) == {"hour", "occupancy", "away_minutes", "alerts"} for h in hours)


def floor_code(floors, floor) -> str:
    return next(code for code, f in floors.items() if f is floor)


def test_only_the_sites_asked_for(central, site_floor):
    for code in ("hz", "nb"):
        floor = site_floor(code)
        seat_everyone(floor)
        SyncPass(floor, central.engine(central.add_site(code))).run_once()
    hq = central.engine(central.hq())
    start = START.astimezone(SHANGHAI)
    only = region_report(hq, start, start + timedelta(hours=1), sites=["nb"])
    assert [r.site for r in only] == ["nb"]
