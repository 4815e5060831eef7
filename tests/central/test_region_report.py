"""HQ's region report: each site's hours from the central journal equal the site's own
floor report (the same sweep), including a seat already away when the range starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import text

from floorman.domain.away.actions import send_away
from floorman.domain.reports.floor import away_minutes_per_hour, floor_report
from floorman.domain.reports.sweep import hour_starts, one_offset, sample_moments, sweep_events
from floorman.domain.seats.events import record_event
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


def test_a_range_across_a_clock_change_equals_the_floor_report_too(central, site_floor):
    # Where the zone's UTC offset changes inside the range, both reports sweep in datetimes
    # (wall-clock hours); elsewhere both sweep integer microseconds. Same figures either way.
    new_york = ZoneInfo("America/New_York")
    floor = site_floor("ny")
    floor.clock.set(datetime(2027, 3, 14, 5, 30, tzinfo=UTC))  # 00:30 EST; 02:00 -> 03:00
    seat_everyone(floor)
    floor.clock.advance(1)
    leave_for_lunch(floor)
    for step in range(30):
        busy_step(floor, step)
        floor.clock.advance(600)
    SyncPass(floor, central.engine(central.add_site("ny"))).run_once()
    start = datetime(2027, 3, 14, tzinfo=new_york)
    end = start + timedelta(hours=8)
    hq = central.engine(central.hq())

    (report,) = region_report(hq, start, end)

    with floor.db.read() as session:
        own = floor_report(session, start, end, zone=new_york)
    assert report.occupancy == own.occupancy
    assert report.away_minutes == own.away_minutes
    assert report.alerts == own.alerts
    hours = hour_starts(start, end)
    assert not one_offset(start, end, hours, sample_moments(start, end, timedelta(minutes=15)))
    assert sum(h.value for h in own.away_minutes) > 0


def test_events_count_at_their_own_time_not_when_the_site_recorded_them(central, site_floor):
    # A phone system's events carry their own times; after a feed outage they arrive an
    # hour late. The floor's report puts them at their own time; so must HQ's.
    floor = site_floor("lz")
    seat_everyone(floor)
    seated_at = floor.clock.now()
    floor.clock.advance(2 * 3600)
    for minute in range(0, 90, 10):  # recorded now, happened over the last two hours
        record_event(floor, "A-01", "away" if minute % 20 == 0 else "back",
                     at=seated_at + timedelta(minutes=minute + 1), reason="toilet")  # fmt: skip
    SyncPass(floor, central.engine(central.add_site("lz"))).run_once()
    start = seated_at.astimezone(SHANGHAI)
    end = start + timedelta(hours=3)
    hq = central.engine(central.hq())

    (report,) = region_report(hq, start, end)

    with floor.db.read() as session:
        own = floor_report(session, start, end, zone=SHANGHAI)
    assert report.away_minutes == own.away_minutes
    assert report.occupancy == own.occupancy
    assert own.away_minutes[0].value > 0  # in the hours the aways happened, not the third


def test_the_rows_hq_leaves_on_the_server_move_no_figure(central, site_floor):
    # The server sends HQ only the rows that may change a seat's kind (away, back, empty,
    # fault, the row after each, each seat's first in the range). Swept, they must give the
    # figures of every seat row of the range: seats that start it away, empty or faulty,
    # rows of one seat at one instant (in journal order, before the range and in it), rows
    # after the range.
    floor = site_floor("wz")
    seat_everyone(floor)
    clock = floor.clock
    clock.advance(60)
    send_away(floor, "1002", "toilet")  # A-02 away when the range starts
    record_event(floor, "B-01", "empty")  # B-01 empty, B-02 faulty at the start
    record_event(floor, "B-02", "fault", reason="headset")
    record_event(floor, "B-03", "fault", reason="screen", at=clock.now())
    record_event(floor, "B-03", "fixed", at=clock.now())  # at one instant: open at the start
    clock.advance(60)
    start = clock.now()
    for minute in range(40):  # A-01 at the seat, busy and ready in turn
        clock.advance(60)
        # Away at the instant a call starts; back (ready) a minute later.
        record_event(floor, "A-01", "back" if minute == 11 else ("busy", "ready")[minute % 2],
                     agent_no="1001")  # fmt: skip
        if minute == 10:
            record_event(floor, "A-01", "away", agent_no="1001", at=clock.now(), reason="toilet")
        if minute == 12:
            record_event(floor, "A-02", "back", at=clock.now())  # first row: at the seat
        if minute == 14:  # away, back and gone at one instant, then in again at B-02
            record_event(floor, "A-03", "away", reason="toilet", at=clock.now())
            record_event(floor, "A-03", "back", at=clock.now())
            record_event(floor, "A-03", "empty", at=clock.now())
        if minute == 16:
            record_event(floor, "B-01", "ready", agent_no="1004")  # first row: from empty
            record_event(floor, "B-02", "fixed")
        if minute == 18:
            record_event(floor, "B-02", "ready", agent_no="1003")
    end = clock.now() + timedelta(minutes=1)
    clock.advance(120)
    record_event(floor, "A-01", "away", agent_no="1001", reason="toilet")  # after the range
    SyncPass(floor, central.engine(central.add_site("wz"))).run_once()
    hq = central.engine(central.hq())
    zone_start, zone_end = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)

    (report,) = region_report(hq, zone_start, zone_end)

    hours = hour_starts(zone_start, zone_end)
    occupancy, away_seconds = every_row_swept(central, "wz", zone_start, zone_end, hours)
    assert report.occupancy == occupancy
    assert report.away_minutes == away_minutes_per_hour(away_seconds, hours)
    # Not compared with the floor's report here: the floor's seat history keeps no order
    # among one seat's rows at one instant (B-03's state at the start is either).
    assert len({(p.staffed, p.open_seats) for p in occupancy}) > 2  # the counts moved


def every_row_swept(central, site, start, end, hours):
    """The figures' definition on the central rows: every seat row, none left out."""
    with central.admin.connect() as conn:
        seats = conn.execute(
            text("SELECT DISTINCT subject FROM journal WHERE site = :s AND action = 'seat.import'"),
            {"s": site},
        ).scalars()
        states = dict.fromkeys(seats, "empty")
        rows = conn.execute(
            text(
                "SELECT subject, seat_state, event_at FROM journal WHERE site = :s "
                "AND seat_state IS NOT NULL ORDER BY event_at, seq"
            ),
            {"s": site},
        ).all()
    for seat, state, at in rows:
        if at < start:
            states[seat] = state
    events = [row for row in rows if start <= row[2] < end]
    assert any(a[2] == b[2] and a[0] == b[0] for a, b in pairwise(events))
    return sweep_events(states, events, start, end, timedelta(minutes=15), hours)
