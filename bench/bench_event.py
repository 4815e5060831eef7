"""Issue 13 figure: wall time of one `floorman event`, before and after lazy CLI dispatch.

Both versions run in the same session, calls alternating, so the load of the shared
machine weighs on both alike: "before" is the source of a baseline commit (default
88a3a35, main when issue 13 began: every command module imported on each call),
exported with `git archive`; "after" is this checkout's src/. Each version gets its own
floor made by its own code (the schemas differ by a migration). Each call is a fresh
`python -m floorman --db FILE event SEAT STATE` process, as a phone system runs it.

Printed per version: median and p95 wall time of 20 calls after one warm-up call, and
the median CPU time of the process (user + system, from the children's rusage: what a
call costs, without the turns other processes take on the machine).

Usage: python bench/bench_event.py [--baseline REF] [--after REF] [--calls N] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _results import median, percentile, write_section

HERE = Path(__file__).resolve().parent.parent
BASELINE = "88a3a35"
GOAL = 0.300


def export_source(ref: str, folder: Path) -> Path:
    """The src/ of commit `ref`, written under `folder`."""
    archive = subprocess.run(
        ["git", "-C", str(HERE), "archive", "--format=tar", ref, "src"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def floorman(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "floorman", "--db", str(db), *args]


def environment(src: Path) -> dict[str, str]:
    # PYTHONPATH comes before the editable install's path, so `src` is what runs.
    return {**os.environ, "PYTHONPATH": str(src), "FLOORMAN_OPERATOR": "bench"}


def make_floor(src: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "event.db"
    seats = folder / "seats.csv"
    seats.write_text(
        "seat,zone,type,row,col\n"
        + "".join(f"A-{n:03d},A,general,0,{n}\n" for n in range(1, 21)),
        encoding="utf-8",
    )
    agents = folder / "agents.csv"
    agents.write_text(
        "staff_no,name,team\n" + "".join(f"{5000 + n},Agent {n},T1\n" for n in range(1, 21)),
        encoding="utf-8",
    )
    env = environment(src)
    for args in (["init"], ["seats", "import", str(seats)], ["agents", "import", str(agents)]):
        subprocess.run(floorman(db, *args), check=True, capture_output=True, env=env)
    return db


def one_call(src: Path, db: Path, seat: str, state: str, agent: str | None) -> tuple[float, float]:
    """Wall and CPU seconds of one `floorman event` process."""
    args = ["event", seat, state, *(["--agent", agent] if agent else [])]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(floorman(db, *args), check=True, env=environment(src))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


# What a call pays before it touches the database: each a fresh interpreter importing
# one more layer of the event path (run from this checkout's src/).
IMPORT_STEPS = (
    ("Python start-up (`pass`)", "pass"),
    ("`import sqlalchemy`", "import sqlalchemy"),
    ("`import sqlalchemy.orm`", "import sqlalchemy.orm"),
    ("`import sqlmodel` (pydantic, the ORM)", "import sqlmodel"),
    ("+ the floor's tables", "import floorman.data.tables.floor"),
    (
        "+ the whole event path, not run",
        "import floorman.cli, floorman.cli.floor, floorman.data.schema, floorman.domain.seats",
    ),
)


def import_costs(src: Path, runs: int) -> list[tuple[str, float, float]]:
    """Median wall and CPU seconds of each import step, `runs` processes each."""
    rows = []
    for label, code in IMPORT_STEPS:
        walls, cpus = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=environment(src))
            walls.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(
                (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            )
        rows.append((label, median(walls), median(cpus)))
    return rows


def measure(versions: dict[str, tuple[Path, Path]], calls: int) -> dict[str, list[tuple]]:
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
    for src, db in versions.values():
        one_call(src, db, "A-020", "ready", "5020")  # warm-up: bytecode, page cache
    for n in range(calls):
        seat = f"A-{n % 10 + 1:03d}"
        state = ("ready", "busy")[(n // 10) % 2]
        agent = f"{5000 + n % 10 + 1}" if n < 10 else None
        for name, (src, db) in versions.items():
            figures[name].append(one_call(src, db, seat, state, agent))
    return figures


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--baseline", default=BASELINE, help="commit measured as 'before'")
    options.add_argument(
        "--after", default=None, help="commit measured as 'after' (default: this checkout)"
    )
    options.add_argument("--calls", type=int, default=20)
    options.add_argument("--no-write", action="store_true", help="print, leave RESULTS.md")
    opts = options.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        versions: dict[str, tuple[Path, Path]] = {}
        try:
            old_src = export_source(opts.baseline, folder / "baseline")
            versions[f"before ({opts.baseline})"] = (old_src, make_floor(old_src, folder / "a"))
        except (subprocess.CalledProcessError, FileNotFoundError) as exc:
            print(f"baseline {opts.baseline} not measured: {exc}", file=sys.stderr)
        if opts.after is None:
            new_src, label = HERE / "src", "after (this checkout)"
        else:
            new_src, label = export_source(opts.after, folder / "after"), f"after ({opts.after})"
        versions[label] = (new_src, make_floor(new_src, folder / "b"))
        figures = measure(versions, opts.calls)
        imports = import_costs(new_src, runs=5)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"- {opts.calls} calls per version after one warm-up, alternating versions; each a "
        "fresh `python -m floorman --db FILE event SEAT STATE` process on a 20-seat floor",
        "- wall: `time.perf_counter` around the process; CPU: its user + system time "
        "(children's rusage), which other processes' load does not inflate",
        "",
        "| version | median wall | p95 wall | median CPU | goal (median wall) | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    for name, values in figures.items():
        walls = [wall for wall, _cpu in values]
        cpus = [cpu for _wall, cpu in values]
        lines.append(
            f"| {name} | {median(walls) * 1000:.0f} ms | {percentile(walls, 0.95) * 1000:.0f} ms "
            f"| {median(cpus) * 1000:.0f} ms | <= {GOAL * 1000:.0f} ms | "
            f"{'yes' if median(walls) <= GOAL else 'no'} |"
        )
    lines += [
        "",
        "Where the time of a call goes (this checkout; median of 5 fresh interpreters each):",
        "",
        "| importing | median wall | median CPU |",
        "|---|---:|---:|",
        *(f"| {step} | {w * 1000:.0f} ms | {c * 1000:.0f} ms |" for step, w, c in imports),
    ]
    lines += [
        "",
        "- before issue 13, bench_floor.py measured 755 ms median (100 calls, with a UI "
        "running beside them; see the Floor section)",
        f"- load average at the end (1, 5, 15 min): {load} on {os.cpu_count()} cores",
    ]
    if opts.no_write:
        print("\n".join(lines))
    else:
        write_section("event", "`floorman event` wall time (issue 13)", lines)


if __name__ == "__main__":
    main()
