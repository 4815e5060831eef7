"""Issue 10: a year of data and a 1,000-seat floor.

1. A year of history by bulk INSERT into a temporary database migrated to the current
   schema: 2,000,000 seat events over 1,000 seats, 500,000 away slips (when the away
   tables exist), 50,000 visitors (when the visitor tables exist).
2. Day and month reports, each timed (median of runs, goal <= 500 ms):
   - seat-state minutes per zone per day (one SQL query with a window function),
   - `floorman.domain.reports.floor.floor_report` (the reports screen) for a day, a week and a
     month, sampled every 15 minutes, and the month sampled hourly as the screen does it,
   - count and total minutes of aways, count of visitors.
   Each query's plan is checked for full scans of the big tables.
3. A 1,000-seat floor with 100 agents away: `list_seats` plus a text rendering of the
   whole floor once a second (as a screen refreshes its timers): memory (RSS) and CPU.
   When tmux is available, also `floorman ui` on that floor: RSS and steady CPU over 20 s.

Figures are printed and written to bench/RESULTS.md under "Scale (issue 10)".
Usage: `python bench/bench_scale.py [fraction] [--year PATH] [--reports-only]` (e.g. 0.05
for a quick run; `--year /tmp/floorman-scale/year.db` keeps the year's database for the
next run; `--reports-only` times the year's reports and keeps the floor figures as they are).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _results import RESULTS, median, write_section
from floorman.clock import FakeClock, mmss
from floorman.config import Config
from floorman.data import schema
from floorman.data.db import Database
from floorman.data.tables import all_models
from floorman.domain.core.context import Actor, Floor

YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
SEATS, ZONES, AGENTS = 1000, 20, 1200
EVENTS, AWAYS, VISITORS = 2_000_000, 500_000, 50_000
GOAL_MS = 500.0
STATE_MIX = (("ready", 30), ("busy", 40), ("away", 12), ("empty", 15), ("fault", 3))


def stamp(when: datetime) -> str:
    """How SQLAlchemy's SQLite DateTime stores a UTC instant."""
    return when.strftime("%Y-%m-%d %H:%M:%S.%f")


def table_columns(name: str) -> dict[str, Any] | None:
    table = all_models().metadata.tables.get(name)
    return None if table is None else {c.name: c for c in table.columns}


def insert_rows(conn: Any, name: str, rows: Iterator[dict[str, Any]], batch: int = 20_000) -> int:
    """Bulk INSERT dicts; NOT NULL columns not given get an empty value of their type."""
    columns = table_columns(name)
    assert columns is not None
    first = next(rows, None)
    if first is None:
        return 0
    names = list(columns)
    fill = {}
    for column_name, column in columns.items():
        if column_name not in first and not column.nullable:
            python_type = getattr(column.type, "python_type", str)
            fill[column_name] = 0 if python_type in (int, bool, float) else ""
    sql = f"INSERT INTO {name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    count, chunk = 0, []

    def as_tuple(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row.get(n, fill.get(n)) for n in names)

    chunk.append(as_tuple(first))
    for row in rows:
        chunk.append(as_tuple(row))
        if len(chunk) >= batch:
            conn.executemany(sql, chunk)
            count += len(chunk)
            chunk = []
    conn.executemany(sql, chunk)
    return count + len(chunk)


def build_year(path: Path, fraction: float, rng: random.Random) -> dict[str, float]:
    """Create the schema with migrations, then bulk-insert a year of history."""
    database = Database(path)
    schema.migrate(database)
    database.dispose()
    import pysqlite3.dbapi2 as sqlite  # type: ignore[import-not-found]

    conn: Any = sqlite.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    conn.execute("PRAGMA foreign_keys = OFF")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    conn.execute("BEGIN")
    zone_ids = [str(uuid.uuid4()) for _ in range(ZONES)]
    insert_rows(
        conn,
        "zone",
        iter(
            {"id": z, "code": f"Z{n:02d}", "name": f"Zone {n}", "sort_order": n}
            for n, z in enumerate(zone_ids)
        ),
    )
    agent_ids = [str(uuid.uuid4()) for _ in range(AGENTS)]
    insert_rows(
        conn,
        "agent",
        iter(
            {"id": a, "staff_no": f"{10000 + n}", "name": f"Agent {n}", "team": "T", "active": 1}
            for n, a in enumerate(agent_ids)
        ),
    )
    seat_ids = [str(uuid.uuid4()) for _ in range(SEATS)]
    insert_rows(
        conn,
        "seat",
        iter(
            {
                "id": s,
                "code": f"S{n:04d}",
                "zone_id": zone_ids[n % ZONES],
                "seat_type": "general",
                "row": n // 50,
                "col": n % 50,
                "state": "empty",
                "since": stamp(YEAR_START),
            }
            for n, s in enumerate(seat_ids)
        ),
    )
    events = int(EVENTS * fraction)
    seconds = 365 * 86400
    # Generated inside SQLite (a Python loop over 2M rows takes minutes): events in time
    # order, as they arrive, each for a random seat, stored the way SQLAlchemy stores them.
    conn.execute("CREATE TEMP TABLE seat_ix (ix INTEGER PRIMARY KEY, id TEXT, agent_id TEXT)")
    conn.executemany(
        "INSERT INTO seat_ix VALUES (?, ?, ?)",
        [(n, seat_ids[n], agent_ids[n]) for n in range(SEATS)],
    )
    state_case = " ".join(f"WHEN {n} THEN '{state}'" for n, (state, _w) in enumerate(STATE_MIX))
    picks = [n for n, (_state, weight) in enumerate(STATE_MIX) for _ in range(weight)]
    conn.execute("CREATE TEMP TABLE pick (k INTEGER PRIMARY KEY, n INTEGER)")
    conn.executemany("INSERT INTO pick VALUES (?, ?)", list(enumerate(picks)))
    year_start = int(YEAR_START.timestamp())
    step = seconds * 1_000_000 // events
    conn.execute(
        f"""
        CREATE TEMP TABLE gen AS
        WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < {events} - 1)
        SELECT i,
               {year_start} * 1000000 + i * {step} + abs(random()) % {step} AS micros,
               abs(random()) % {SEATS} AS seat,
               abs(random()) % {len(picks)} AS k
        FROM g
        """
    )
    conn.execute(
        f"""
        INSERT INTO seat_event (id, seat_id, agent_id, state, event, reason, at,
                                recorded_at, source, actor, external_id)
        SELECT lower(hex(randomblob(16))), seat_ix.id,
               CASE WHEN st.state = 'empty' THEN NULL ELSE seat_ix.agent_id END,
               st.state, st.state, CASE WHEN st.state = 'away' THEN 'toilet' END,
               st.at, st.at, 'bench', 'bench', NULL
        FROM (
            SELECT gen.i, gen.seat, CASE pick.n {state_case} END AS state,
                   strftime('%Y-%m-%d %H:%M:%S', gen.micros / 1000000, 'unixepoch')
                       || printf('.%06d', gen.micros % 1000000) AS at
            FROM gen JOIN pick ON pick.k = gen.k
        ) AS st JOIN seat_ix ON seat_ix.ix = st.seat
        ORDER BY st.i
        """
    )
    conn.execute("DROP TABLE gen")
    timings["seat events"] = time.perf_counter() - started

    if table_columns("away_slip") is not None:
        started = time.perf_counter()
        aways = int(AWAYS * fraction)
        starts = sorted(rng.randrange(seconds) for _ in range(aways))

        def slips() -> Iterator[dict[str, Any]]:
            for offset in starts:
                left = YEAR_START + timedelta(seconds=offset)
                seat = rng.randrange(SEATS)
                back = left + timedelta(seconds=rng.randint(30, 600))
                yield {
                    "id": str(uuid.uuid4()),
                    "seat_id": seat_ids[seat],
                    "agent_id": agent_ids[seat],
                    "reason": "toilet",
                    "status": "returned",
                    "approval": "approved",
                    "limit_seconds": 300,
                    "requested_at": stamp(left - timedelta(seconds=20)),
                    "requested_by": "duty",
                    "decided_at": stamp(left - timedelta(seconds=10)),
                    "decided_by": "duty",
                    "left_at": stamp(left),
                    "returned_at": stamp(back),
                    "extension_seconds": 0,
                }

        insert_rows(conn, "away_slip", slips())
        timings["away slips"] = time.perf_counter() - started

    if table_columns("visitor") is not None:
        started = time.perf_counter()
        count = int(VISITORS * fraction)
        starts = sorted(rng.randrange(seconds) for _ in range(count))

        def visitors() -> Iterator[dict[str, Any]]:
            for offset in starts:
                came = YEAR_START + timedelta(seconds=offset)
                yield {
                    "id": str(uuid.uuid4()),
                    "name": "Visitor",
                    "organisation": "Org",
                    "category": "internal",
                    "purpose": "meeting",
                    "host": "duty",
                    "expected_minutes": 60,
                    "status": "checked_out",
                    "registered_at": stamp(came - timedelta(minutes=5)),
                    "registered_by": "duty",
                    "checked_in_at": stamp(came),
                    "expected_end_at": stamp(came + timedelta(hours=1)),
                    "checked_out_at": stamp(came + timedelta(minutes=rng.randint(10, 120))),
                    "watch_match": 0,
                }

        insert_rows(conn, "visitor", visitors())
        timings["visitors"] = time.perf_counter() - started
    started = time.perf_counter()
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    timings["commit + ANALYZE"] = time.perf_counter() - started
    return timings


STATE_MINUTES_SQL = """
WITH start_state AS (
    SELECT s.id AS seat_id,
           COALESCE((SELECT e.state FROM seat_event e
                     WHERE e.seat_id = s.id AND e.at < :start
                     ORDER BY e.at DESC LIMIT 1), 'empty') AS state,
           :start AS at
    FROM seat s
),
changes AS (
    SELECT seat_id, state, at FROM start_state
    UNION ALL
    SELECT e.seat_id, e.state, e.at FROM seat s JOIN seat_event e
        ON e.seat_id = s.id AND e.at >= :start AND e.at < :end
),
spans AS (
    SELECT seat_id, state, at,
           LEAD(at, 1, :end) OVER (PARTITION BY seat_id ORDER BY at) AS until
    FROM changes
),
per_seat AS (
    SELECT seat_id, state, SUM(julianday(until) - julianday(at)) AS days
    FROM spans GROUP BY seat_id, state
)
SELECT z.code AS zone, p.state, ROUND(SUM(p.days) * 1440, 1) AS minutes
FROM per_seat p JOIN seat ON seat.id = p.seat_id JOIN zone z ON z.id = seat.zone_id
GROUP BY z.code, p.state
ORDER BY z.code, p.state
"""

AWAY_SQL = """
SELECT COUNT(*), ROUND(SUM((julianday(returned_at) - julianday(left_at)) * 1440), 1)
FROM away_slip WHERE left_at >= :start AND left_at < :end
"""

VISITOR_SQL = "SELECT COUNT(*) FROM visitor WHERE checked_in_at >= :start AND checked_in_at < :end"


def timed(fn: Callable[[], Any], runs: int = 5) -> tuple[float, float, Any]:
    """Median wall and CPU time in ms over `runs` (after a warm-up run), and the result.

    CPU time (SQLite runs in this process) does not grow when other processes load the
    machine; wall time does.
    """
    result = fn()
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return median(walls), median(cpus), result


def plan(conn: Any, sql: str, params: dict[str, str]) -> str:
    rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return " | ".join(str(r[-1]) for r in rows)


def reports(path: Path) -> list[tuple[str, float, float, str]]:
    """(name, median wall ms, median CPU ms, note) for each report query."""
    import pysqlite3.dbapi2 as sqlite  # type: ignore[import-not-found]

    from floorman.domain.reports.floor import floor_report

    results: list[tuple[str, float, float, str]] = []
    conn = sqlite.connect(str(path))
    day = datetime(2026, 11, 23, tzinfo=UTC)
    month = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    ranges = {"day": (day, day + timedelta(days=1)), "month": month}
    for label, (start, end) in ranges.items():
        params = {"start": stamp(start), "end": stamp(end)}
        ms, cpu, rows = timed(lambda p=params: conn.execute(STATE_MINUTES_SQL, p).fetchall())
        steps = plan(conn, STATE_MINUTES_SQL, params)
        scans = (
            "full scan!"
            if "SCAN e " in steps or "SCAN seat_event" in steps
            else (
                "covering index"
                if "COVERING INDEX ix_seat_event_seat_at_state" in steps
                else "indexed"
            )
        )
        results.append((f"seat-state minutes per zone, {label} ({len(rows)} rows)", ms, cpu, scans))
        if table_columns("away_slip") is not None:
            ms, cpu, row = timed(lambda p=params: conn.execute(AWAY_SQL, p).fetchone())
            results.append((f"aways count/total, {label} ({row[0]} slips)", ms, cpu, ""))
        if table_columns("visitor") is not None:
            ms, cpu, row = timed(lambda p=params: conn.execute(VISITOR_SQL, p).fetchone())
            results.append((f"visitors count, {label} ({row[0]})", ms, cpu, ""))
    conn.close()

    database = Database(path)
    try:
        quarter, hour = timedelta(minutes=15), timedelta(hours=1)
        for label, (start, end), step in (
            ("day", ranges["day"], quarter),
            ("week", (day - timedelta(days=6), day + timedelta(days=1)), quarter),
            ("month", month, quarter),
            # The reports screen samples hourly beyond two days.
            ("month, hourly samples", month, hour),
        ):

            def run_report(s: datetime = start, e: datetime = end, t: timedelta = step) -> Any:
                with database.read() as session:
                    return floor_report(session, s, e, step=t)

            ms, cpu, _ = timed(run_report)
            results.append((f"reports.floor_report, {label}", ms, cpu, ""))
    finally:
        database.dispose()
    return results


def rss_mb(pid: int | str = "self", field: str = "VmRSS") -> float:
    """Resident memory (or, with field="VmHWM", its peak) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def big_floor(folder: Path) -> Path:
    """A migrated 1,000-seat floor, 1,000 agents seated, 100 of them away."""
    from floorman.domain.away import follow  # noqa: F401  (the away rules follow the seats)
    from floorman.domain.seats.events import record_event
    from floorman.domain.seats.importing import import_agents, import_seats

    path = folder / "floor1000.db"
    clock = FakeClock(datetime.now(UTC) - timedelta(minutes=30))
    floor = Floor(Database(path), clock, Config(timezone="UTC"), Actor("bench", "bench"))
    schema.migrate(floor.db)
    seats = ["seat,zone,type,row,col"] + [
        f"S{n:04d},Z{n % ZONES:02d},general,{(n // ZONES) // 10},{(n // ZONES) % 10}"
        for n in range(SEATS)
    ]
    (folder / "seats.csv").write_text("\n".join(seats) + "\n")
    agents = ["staff_no,name,team"] + [f"{10000 + n},Agent {n},T" for n in range(SEATS)]
    (folder / "agents.csv").write_text("\n".join(agents) + "\n")
    import_seats(floor, folder / "seats.csv")
    import_agents(floor, folder / "agents.csv")
    for n in range(SEATS):
        record_event(floor, f"S{n:04d}", "ready", agent_no=f"{10000 + n}")
    clock.advance(minutes=25)
    for n in range(0, SEATS, 10):
        record_event(floor, f"S{n:04d}", "away", reason="toilet")
        clock.advance(seconds=3)
    floor.db.dispose()
    return path


def floor_loop(path: Path, seconds: int = 10) -> list[str]:
    """`list_seats` + render every seat's line once a second; memory and CPU."""
    from floorman.domain.seats.views import STATE_LETTERS, count_by_zone, list_seats

    database = Database(path)
    before_rss = rss_mb()
    cpu: list[float] = []
    lines: list[str] = []
    try:
        for _ in range(seconds):
            tick = time.process_time()
            with database.read() as session:
                views = list_seats(session)
            now = datetime.now(UTC)
            zones, total = count_by_zone(views)
            lines = [
                f"{v.seat:<8} {v.zone:<4} {STATE_LETTERS[v.state]} {v.agent or '-':<8} "
                f"{mmss(v.seconds_in_state(now)):>8}"
                for v in views
            ]
            lines.append(f"occupancy {total.staffed}/{total.open_seats} in {len(zones)} zones")
            cpu.append(time.process_time() - tick)
            time.sleep(max(0.0, 1.0 - cpu[-1]))
    finally:
        database.dispose()
    assert len(lines) == SEATS + 1
    away = sum(1 for v in views if v.state == "away")
    peak = rss_mb(field="VmHWM")  # not ru_maxrss: it survives exec from the parent
    # (a process of its own: RSS is what a terminal showing the floor would hold)
    return [
        f"- list_seats + render {len(views)} seats ({away} away), once a second: "
        f"{median(cpu) * 1000:.1f} ms CPU per refresh = {median(cpu) * 100:.1f}% of one core "
        f"(goal <= 5%)",
        f"- that process (Python, SQLAlchemy, the floor's views): RSS {rss_mb():.0f} MB, "
        f"{before_rss:.0f} MB before the loop, peak {peak:.0f} MB (goal <= 200 MB)",
    ]


def ui_figures(path: Path, settle: float = 12.0, window: float = 20.0) -> list[str]:
    """Run `floorman ui` on the big floor in tmux; RSS and steady CPU of its process."""
    if shutil.which("tmux") is None:
        return ["- floorman ui: not measured (no tmux)"]
    session = f"scale-{uuid.uuid4().hex[:6]}"
    command = f"{sys.executable} -m floorman --db {path} --lang en ui"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "200", "-y", "60", command],
        check=True,
    )
    subprocess.run(["tmux", "set-option", "-t", session, "remain-on-exit", "on"])
    try:
        time.sleep(settle)
        pane = subprocess.run(
            ["tmux", "list-panes", "-t", session, "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
        ).stdout.split()
        if not pane:
            return ["- floorman ui: did not start"]
        pid = int(pane[0])
        children = subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True
        ).stdout.split()
        if children and "python" in Path(f"/proc/{children[0]}/cmdline").read_text():
            pid = int(children[0])

        def main_and_other_threads() -> tuple[float, float]:
            """CPU seconds of the event loop's thread (tid == pid) and of all the others."""
            main = other = 0.0
            for task in Path(f"/proc/{pid}/task").iterdir():
                try:
                    seconds = cpu_seconds_of(task / "stat")
                except OSError:  # a worker thread that just ended
                    continue
                if task.name == str(pid):
                    main += seconds
                else:
                    other += seconds
            return main, other

        def cpu_seconds_of(stat: Path) -> float:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        try:
            first, started = cpu_seconds(pid), time.monotonic()
            main0, other0 = main_and_other_threads()
            time.sleep(window)
            used = cpu_seconds(pid) - first
            main1, other1 = main_and_other_threads()
        except FileNotFoundError:
            screen = (
                subprocess.run(
                    ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
                )
                .stdout.strip()
                .splitlines()
            )
            last = screen[-1] if screen else "(blank screen)"
            return [f"- `floorman ui`: exited during the measurement; last line: {last}"]
        elapsed = time.monotonic() - started
        share = used / elapsed * 100
        return [
            f"- `floorman ui` in tmux (200x60), 1,000 seats, 100 away timers, idle for "
            f"{window:.0f} s after {settle:.0f} s start-up: RSS {rss_mb(pid):.0f} MB, peak "
            f"{rss_mb(pid, 'VmHWM'):.0f} MB (goal <= 200 MB), "
            f"CPU {share:.1f}% of one core (goal <= 5%: {'met' if share <= 5 else 'NOT met'}): "
            f"event loop thread {(main1 - main0) / elapsed * 100:.1f}%, other threads "
            f"(database reloads, alert claims, terminal I/O) "
            f"{(other1 - other0) / elapsed * 100:.1f}%; process CPU time (utime+stime from "
            f"/proc/<pid>/stat and /proc/<pid>/task), so other processes' load is not counted"
        ]
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def year_part(fraction: float, keep: Path | None, folder: Path) -> list[str]:
    """Build a year of data (or reuse the one kept at `keep`) and time the report queries.

    Building takes about a minute and 1.3 GB; with `keep` the database and its build
    figures (`keep` + ".json") stay for the next run, which only migrates it to the
    current schema (new indexes) before timing.
    """
    year = keep or folder / "year.db"
    built = year.with_name(year.name + ".json")
    reused = keep is not None and year.exists() and built.exists()
    if reused and json.loads(built.read_text())["fraction"] != fraction:
        raise SystemExit(f"{year} was built with another fraction; delete it or pass that one")
    if reused:
        facts = json.loads(built.read_text())
        database = Database(year)
        schema.migrate(database)  # a migration added since the build (an index) applies here
        database.dispose()
    else:
        year.unlink(missing_ok=True)
        started = time.perf_counter()
        timings = build_year(year, fraction, random.Random(10))
        facts = {"fraction": fraction, "build": time.perf_counter() - started, "timings": timings}
        if keep is not None:
            built.write_text(json.dumps(facts))
    size = year.stat().st_size / 1e6
    lines = [
        f"### A year of data (fraction {fraction:g})",
        "",
        f"- {int(EVENTS * fraction):,} seat events, "
        + (f"{int(AWAYS * fraction):,} away slips, " if table_columns("away_slip") else "")
        + (f"{int(VISITORS * fraction):,} visitors" if table_columns("visitor") else "")
        + f" over {SEATS} seats in {ZONES} zones: built in {facts['build']:.0f} s "
        + "("
        + ", ".join(f"{k} {v:.0f} s" for k, v in facts["timings"].items())
        + f"), file {size:.0f} MB"
        + (" (a kept build, reused)" if reused else ""),
        "- times: median of 5 runs after a warm-up, wall (`time.perf_counter`) and CPU of this "
        "process (`time.process_time`; SQLite runs in it, so CPU time does not grow when "
        "other processes load the shared machine)",
        "",
        "| report query | median wall ms | median CPU ms | goal 500 ms | note |",
        "|---|---:|---:|---|---|",
    ]
    for name, ms, cpu, note in reports(year):
        verdict = "met" if ms <= GOAL_MS else ("met in CPU" if cpu <= GOAL_MS else "NOT met")
        lines.append(f"| {name} | {ms:.0f} | {cpu:.0f} | {verdict} | {note} |")
    if keep is None:
        year.unlink()
    return lines


def kept_floor_part() -> list[str]:
    """The 1,000-seat floor lines of the section now in RESULTS.md (for --reports-only)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    section = text.partition("<!-- bench:scale -->")[2].partition("<!-- /bench:scale -->")[0]
    kept = section.partition("### A 1,000-seat floor")[2]
    return ["", "### A 1,000-seat floor", "", *kept.strip("\n").splitlines()] if kept else []


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--floor-loop":
        print("\n".join(floor_loop(Path(sys.argv[2]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fraction", nargs="?", type=float, default=1.0)
    parser.add_argument(
        "--year", type=Path, metavar="PATH", help="keep the year's database here and reuse it"
    )
    parser.add_argument(
        "--reports-only",
        action="store_true",
        help="time the reports only; keep the 1,000-seat floor figures already in RESULTS.md",
    )
    args = parser.parse_args()
    uname = " ".join(os.uname())
    nproc = os.cpu_count()
    with tempfile.TemporaryDirectory(prefix="floorman-scale-") as folder_name:
        folder = Path(folder_name)
        lines = [f"`uname -a`: {uname}; nproc: {nproc}", ""]
        lines += year_part(args.fraction, args.year, folder)
        if args.reports_only:
            write_section("scale", "Scale (issue 10)", lines + kept_floor_part())
            return 0
        lines += ["", "### A 1,000-seat floor", ""]
        floor_db = big_floor(folder)
        # In a fresh process: this one's memory still holds the year's build.
        loop = subprocess.run(
            [sys.executable, __file__, "--floor-loop", str(floor_db)],
            capture_output=True,
            text=True,
            check=True,
        )
        lines += loop.stdout.splitlines()
        lines += ui_figures(floor_db)
    write_section("scale", "Scale (issue 10)", lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
