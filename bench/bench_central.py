"""Issue 18 figures: many floors synced to one central PostgreSQL.

1. Lag: 20 simulated sites of 200 seats, each a process recording 2 seat events a second
   (real `record_event` on its own SQLite file) and syncing (`SyncPass`, every 0.25 s) to
   a throwaway PostgreSQL on loopback; lag of each journal row = the server's clock when
   the row landed (clock_timestamp) minus the row's time at the site. Goal: p95 <= 2 s.
2. Catch-up: one busy site after a one-hour outage (2 events/s for an hour: 14,400
   journal rows pending), sent by one `run_once`. Goal: >= 5,000 rows/s.
3. HQ refresh: 50 sites of 200 seats as last synced; the region query with every site's
   detail, and the region screen's refresh (the key r as the terminal delivers it, until the
   table is redrawn and painted).
   Goal: <= 1 s.
4. Region report: HQ's report of one busy site's day (24,500 seat events, aways included)
   from the central journal against the site's own floor report of it, in one run.
   Goal: <= 1x the site's.

Usage: `python bench/bench_central.py [--sites 20] [--seconds 30]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))  # tests.central.pg_server
from sqlalchemy import create_engine, text

from _results import median, percentile, write_section
from floorman.clock import SystemClock
from floorman.config import Config
from floorman.data import journal, schema
from floorman.data.central.connection import central_engine
from floorman.data.central.schema import migrate
from floorman.data.db import Database
from floorman.data.journal_key import head_path, key_path
from floorman.domain.core.context import Actor, Floor
from floorman.domain.sync import admin

SEATS = 200


def make_floor(folder: Path) -> Floor:
    from floorman.domain.seats.importing import import_agents, import_seats

    folder.mkdir(parents=True, exist_ok=True)
    db = Database(folder / "floor.db")
    schema.migrate(db)
    floor = Floor(db=db, clock=SystemClock(), config=Config(timezone="UTC"),
                  actor=Actor("bench", "bench"))  # fmt: skip
    seats = ["seat,zone,type,row,col"] + [
        f"S-{n:03d},{'ABCDEFGHIJ'[n // 20]},general,{n % 20 // 10},{n % 10}" for n in range(SEATS)
    ]
    agents = ["staff_no,name,team"] + [f"{5000 + n},Agent {n},T{n % 8}" for n in range(SEATS)]
    (folder / "seats.csv").write_text("\n".join(seats) + "\n", encoding="utf-8")
    (folder / "agents.csv").write_text("\n".join(agents) + "\n", encoding="utf-8")
    import_seats(floor, folder / "seats.csv")
    import_agents(floor, folder / "agents.csv")
    return floor


def site_worker(folder: str, url: str, seconds: float, per_second: float) -> None:
    """One simulated site: a writer thread at `per_second` events and a sync loop."""
    from floorman.domain.away import follow  # noqa: F401  (the away rules follow the seats)
    from floorman.domain.seats.events import record_event
    from floorman.domain.sync.push import SyncPass

    floor = Floor(db=Database(Path(folder) / "floor.db"), clock=SystemClock(),
                  config=Config(timezone="UTC"), actor=Actor("bench", "bench"))  # fmt: skip
    link = SyncPass(floor, central_engine(url), snapshot_every_s=2.0)
    link.run_once()  # connected and warm: the lag measured is the steady state's
    end = time.monotonic() + seconds
    states = ["ready"] * SEATS

    def write() -> None:
        next_at = time.monotonic()
        while time.monotonic() < end:
            n = random.randrange(SEATS)
            states[n] = "busy" if states[n] == "ready" else "ready"
            record_event(floor, f"S-{n:03d}", states[n], agent_no=str(5000 + n))
            next_at += 1 / per_second
            time.sleep(max(0.0, next_at - time.monotonic()))

    writer = threading.Thread(target=write)
    writer.start()
    while writer.is_alive():
        link.run_once()
        time.sleep(0.25)
    link.run_once()


class Bench:
    """A throwaway server with one central database and a password file for the sites."""

    def __init__(self, root: Path) -> None:
        from tests.central.pg_server import start_throwaway

        self.root = root
        self.server = start_throwaway()
        owner = create_engine(self.server.admin_url(), isolation_level="AUTOCOMMIT")
        with owner.connect() as conn:
            conn.execute(text("CREATE DATABASE central"))
        owner.dispose()
        self.admin = create_engine(self.server.admin_url("central"))
        migrate(self.admin)
        self.pgpass = root / "pgpass"
        self.pgpass.touch(mode=0o600)
        os.environ["PGPASSFILE"] = str(self.pgpass)

    def login(self, role: str) -> str:
        password = secrets.token_hex(12)
        with self.admin.begin() as conn:
            conn.execute(text(f"ALTER ROLE \"{role}\" PASSWORD '{password}'"))
        with self.pgpass.open("a") as file:
            file.write(f"127.0.0.1:{self.server.port}:central:{role}:{password}\n")
        return f"postgresql://{role}@127.0.0.1:{self.server.port}/central"

    def site(self, code: str) -> str:
        admin.add_site(self.admin, code, f"bench_{code}")
        return self.login(f"bench_{code}")

    def close(self) -> None:
        self.admin.dispose()
        self.server.remove()


def bench_lag(bench: Bench, sites: int, seconds: float) -> list[str]:
    template = make_floor(bench.root / "template")
    template.db.dispose()
    workers = []
    for n in range(sites):
        folder = bench.root / f"site{n:02d}"
        folder.mkdir()
        copy = folder / "floor.db"
        copy.write_bytes(template.db.path.read_bytes())
        # The journal's key and head travel with the file (each copy is the same floor).
        for sidecar in (key_path, head_path):
            if sidecar(template.db.path).exists():
                shutil.copy(sidecar(template.db.path), sidecar(copy))
        url = bench.site(f"s{n:02d}")
        workers.append(subprocess.Popen(
            [sys.executable, __file__, "--site-worker", str(folder), url, str(seconds), "2"]
        ))  # fmt: skip
    for worker in workers:
        worker.wait()
    with bench.admin.connect() as conn:
        # Rows written after a worker's first sync: the journal's rows of the steady state.
        started = conn.execute(
            text("SELECT min(received_at) FROM journal WHERE site LIKE 's%'")
        ).scalar()
        lags = [
            float(r[0])
            for r in conn.execute(
                text("SELECT extract(epoch FROM received_at - at) FROM journal WHERE at >= :t"),
                {"t": started},
            )
        ]
    failed = sum(1 for w in workers if w.returncode != 0)
    if not lags:
        raise SystemExit(f"no journal row reached the server ({failed} site processes failed)")
    p95 = percentile(lags, 0.95)
    return [
        "### Commit-to-central lag",
        "",
        f"- {sites} sites of {SEATS} seats, 2 seat events/s each for {seconds:.0f} s, "
        "each its own process syncing every 0.25 s (live state and HQ's notices at most every 2 s)",
        f"- journal rows measured: {len(lags)}; site processes failed: {failed}",
        f"- lag median **{median(lags) * 1000:.0f} ms**, p95 **{p95 * 1000:.0f} ms**, "
        f"max {max(lags) * 1000:.0f} ms (goal p95 <= 2 s: {'met' if p95 <= 2 else 'NOT met'})",
        "",
    ]


def bench_catch_up(bench: Bench) -> list[str]:
    from floorman.domain.sync.push import SyncPass

    floor = make_floor(bench.root / "busy")
    url = bench.site("busy")
    link = SyncPass(floor, central_engine(url))
    link.run_once()
    rows_per_hour = 2 * 3600 * 2  # 2 events/s, about two journal rows per event
    with floor.db.write() as session:
        rows = [
            journal.prepare(session, at=floor.clock.now(), actor="feed", terminal="pbx",
                            action="seat.event", subject=f"S-{n % SEATS:03d}",
                            after={"state": "busy" if n % 2 else "ready", "n": n})
            for n in range(rows_per_hour)
        ]  # fmt: skip
        journal.insert_prepared(session, rows)
    started = time.perf_counter()
    result = link.run_once()
    took = time.perf_counter() - started
    rate = result.sent_rows / took
    return [
        "### Catch-up after a one-hour outage",
        "",
        f"- one busy site, {result.sent_rows} journal rows pending, sent in batches of 2,000",
        f"- {took:.2f} s: **{rate:,.0f} rows/s** (goal >= 5,000 rows/s: "
        f"{'met' if rate >= 5000 else 'NOT met'}); every row checked by the server (hash, "
        "link, order) as it lands",
        "",
    ]


def bench_hq(bench: Bench, sites: int = 50) -> list[str]:
    from textual import events

    from floorman.domain.away.actions import send_away
    from floorman.domain.seats.events import record_event
    from floorman.domain.sync.push import _send_snapshot
    from floorman.domain.sync.region import region
    from floorman.domain.sync.snapshot import take_snapshot
    from floorman.screens.region import RegionApp, RegionScreen

    floor = make_floor(bench.root / "hq-model")
    for n in range(150):
        record_event(floor, f"S-{n:03d}", "ready", agent_no=str(5000 + n))
    for n in range(10):
        send_away(floor, str(5000 + n), "toilet")
    snapshot = take_snapshot(floor, 100)
    for n in range(sites):
        code = f"hq{n:02d}"
        admin.add_site(bench.admin, code, f"bench_{code}")
        _send_snapshot(bench.admin, code, snapshot)
    hq_role = "bench_hq"
    admin.add_hq_role(bench.admin, hq_role)
    hq = central_engine(bench.login(hq_role))
    timings, one_site = [], []
    for _ in range(20):
        started = time.perf_counter()
        _now, found = region(hq)
        timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        region(hq, detail=True, only="hq07")
        one_site.append(time.perf_counter() - started)
    assert len(found) >= sites

    async def screen_refreshes() -> list[float]:
        app = RegionApp(hq)
        taken = []
        async with app.run_test(size=(160, 60)) as pilot:
            while not isinstance(app.screen, RegionScreen) or app.screen.refreshed == 0:
                await pilot.pause(0.01)
            screen = app.screen
            await pilot.pause()
            for _ in range(20):
                before = screen.refreshed
                painted = asyncio.get_running_loop().create_future()
                started = time.perf_counter()
                # The key as the terminal's driver delivers it (Pilot's press waits for the
                # whole process to fall idle, hundreds of ms that no terminal adds).
                app.post_message(events.Key("r", "r"))
                while screen.refreshed == before:
                    await asyncio.sleep(0.002)
                screen.call_after_refresh(lambda done=painted: done.set_result(None))
                await painted
                taken.append(time.perf_counter() - started)
                await pilot.pause()
        return taken

    screen = asyncio.run(screen_refreshes())
    worst = percentile(screen, 0.95)
    return [
        "### HQ's picture with 50 sites",
        "",
        f"- {len(found)} sites as last synced ({sites} of {SEATS} seats each, 10 away; plus those "
        "of the benches above when run together), read with HQ's read-only role",
        f"- region query (the table): median {median(timings) * 1000:.0f} ms, p95 "
        f"{percentile(timings, 0.95) * 1000:.0f} ms; one site's seats, slips and alerts "
        f"(Enter): median {median(one_site) * 1000:.0f} ms (20 runs)",
        "- region screen refresh (the key r as the terminal delivers it, until the table is "
        f"redrawn and painted): median "
        f"**{median(screen) * 1000:.0f} ms**, p95 **{worst * 1000:.0f} ms** (goal <= 1 s: "
        f"{'met' if worst <= 1 else 'NOT met'}; 20 runs)",
        "",
    ]


def bench_region_report(bench: Bench) -> list[str]:
    """HQ's report of a busy site's day from the central journal, against the site's own
    floor report of that day (the same sweep; the goal: as fast as the site's)."""
    from datetime import UTC, datetime, timedelta

    from floorman.clock import FakeClock
    from floorman.domain.away import follow  # noqa: F401  (the away rules follow the seats)
    from floorman.domain.core.errors import FloorError
    from floorman.domain.reports.floor import floor_report
    from floorman.domain.seats.batch import BatchEvent, apply_batch
    from floorman.domain.sync.push import SyncPass
    from floorman.domain.sync.region_report import region_report

    floor = make_floor(bench.root / "report-site")  # seats imported now, the day is tomorrow
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    day += timedelta(days=1)
    # The floor's clock at the day's end: the events are recorded as a feed sends them
    # after the day (an event more than a minute in the future is refused).
    floor.clock = FakeClock(day + timedelta(days=1))
    # A day of a 200-seat floor: every agent ready, busy and ready again about every 6
    # minutes from 08:00 to 20:00 (24,000 seat events), and away five minutes twice, 30 s
    # after one of its 6-minute marks (lunch at 12:00 or 13:00, a toilet after 14:00).
    events = []
    moment = day + timedelta(hours=8)
    for step in range(12 * 10):
        for n in range(SEATS):
            state = ("busy", "ready")[step % 2]
            events.append(BatchEvent(f"S-{n:03d}", state, agent=str(5000 + n),
                                     at=moment + timedelta(seconds=n)))  # fmt: skip
        moment += timedelta(minutes=6)
    for n in range(SEATS):
        for leaves, reason in (((12 + n % 2) * 60, "lunch"), (14 * 60 + 6 * (n % 40), "toilet")):
            at = day + timedelta(minutes=leaves, seconds=n + 30)
            events.append(BatchEvent(f"S-{n:03d}", "away", agent=str(5000 + n), reason=reason,
                                     at=at))  # fmt: skip
            events.append(BatchEvent(f"S-{n:03d}", "back", agent=str(5000 + n),
                                     at=at + timedelta(minutes=5)))  # fmt: skip
    events.sort(key=lambda event: event.at or day)
    results: list[bool | FloorError] = []
    with floor.db.write() as session:
        for first in range(0, len(events), 2000):
            results += apply_batch(session, floor, events[first : first + 2000], source="bench")
    refused = [r for r in results if isinstance(r, FloorError)]
    recorded = results.count(True)  # the others left the seat as it was ("ready" after back)
    if refused:
        raise SystemExit(f"{len(refused)} of the day's events refused, first: {refused[0]}")
    link = SyncPass(floor, central_engine(bench.site("report")))
    link.run_once()
    # The statistics autovacuum gathers within a minute of the rows landing: a day's report
    # is of rows that landed long before it, and without any the planner may take the index
    # by time for a seat's next row (as cheap as the seat's own, it guesses, knowing nothing).
    with bench.admin.begin() as conn:
        conn.execute(text("ANALYZE journal"))
    hq_role = "bench_hq_report"
    admin.add_hq_role(bench.admin, hq_role)
    hq = central_engine(bench.login(hq_role))
    end = day + timedelta(days=1)
    on_site, at_hq = [], []
    for _ in range(7):
        started = time.perf_counter()
        with floor.db.read() as session:
            floor_report(session, day, end)
        on_site.append(time.perf_counter() - started)
        started = time.perf_counter()
        (report,) = region_report(hq, day, end, sites=["report"])
        at_hq.append(time.perf_counter() - started)
    with floor.db.read() as session:
        own = floor_report(session, day, end)
    # HQ's figures are the floor's own, and the day is the one described above.
    assert (report.occupancy, report.away_minutes) == (own.occupancy, own.away_minutes)
    assert round(sum(h.value for h in own.away_minutes)) == SEATS * 2 * 5
    assert max(p.staffed for p in own.occupancy) == SEATS
    ratio = median(at_hq) / median(on_site)
    return [
        "### Region report of one busy site's day",
        "",
        f"- {recorded:,} seat events on {SEATS} seats in one day (busy and ready in turn, as "
        "most of a floor's day, and two five-minute aways per agent), synced to the central "
        "server, which sends HQ only the events that move a figure; HQ's figures checked equal "
        "to the floor's",
        f"- the site's own floor report of the day: median {median(on_site) * 1000:.0f} ms; "
        f"HQ's region report of that site and day (central journal, HQ's role): median "
        f"**{median(at_hq) * 1000:.0f} ms**, {ratio:.1f}x the site's (goal: as fast as the "
        f"site's, <= 1x: {'met' if ratio <= 1 else 'NOT met'}; 7 runs each, alternating)",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--only", choices=["lag", "catch-up", "hq", "report"], help="one part"
    )
    parser.add_argument("--site-worker", nargs=4, metavar=("DIR", "URL", "S", "PER_S"))
    args = parser.parse_args()
    if args.site_worker:
        folder, url, seconds, per_second = args.site_worker
        site_worker(folder, url, float(seconds), float(per_second))
        return
    with tempfile.TemporaryDirectory(prefix="floorman-bench-") as root:
        bench = Bench(Path(root))
        try:
            for name, part in (
                ("central-lag", lambda: bench_lag(bench, args.sites, args.seconds)),
                ("central-catch-up", lambda: bench_catch_up(bench)),
                ("central-hq", lambda: bench_hq(bench)),
                ("central-report", lambda: bench_region_report(bench)),
            ):
                if args.only and name != f"central-{args.only}":
                    continue
                lines = part()
                load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
                lines.append(
                    f"- load average after (1, 5, 15 min): {load} on {os.cpu_count()} cores"
                )
                write_section(name, f"Central PostgreSQL (issue 18): {lines[0][4:]}", lines[2:])
        finally:
            bench.close()


if __name__ == "__main__":
    main()
