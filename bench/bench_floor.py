"""Issue 2 figures: start-up to first frame (500 seats), CLI event to screen, event wall time.

Measured as a person would see them: floorman runs in a real terminal (tmux) and the
screen is read back with capture-pane.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _results import median, percentile, write_section

FLOORMAN = [sys.executable, "-m", "floorman"]


def make_floor(folder: Path, seats: int = 500) -> Path:
    db = folder / "bench.db"
    subprocess.run([*FLOORMAN, "--db", str(db), "init"], check=True, capture_output=True)
    zones = 10
    per_zone = seats // zones
    lines = ["seat,zone,type,row,col"]
    for z in range(zones):
        zone = chr(ord("A") + z)
        for n in range(per_zone):
            lines.append(f"{zone}-{n + 1:03d},{zone},general,{n // 10},{n % 10}")
    (folder / "seats.csv").write_text("\n".join(lines) + "\n")
    agents = ["staff_no,name,team"] + [f"{5000 + n},Agent {n},T{n // 25}" for n in range(seats)]
    (folder / "agents.csv").write_text("\n".join(agents) + "\n")
    subprocess.run(
        [*FLOORMAN, "--db", str(db), "seats", "import", str(folder / "seats.csv")], check=True
    )
    subprocess.run(
        [*FLOORMAN, "--db", str(db), "agents", "import", str(folder / "agents.csv")], check=True
    )
    return db


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout


def wait_screen(session: str, needle: str, timeout: float = 30) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if needle in tmux("capture-pane", "-p", "-t", session):
            return time.perf_counter()
        time.sleep(0.005)
    raise TimeoutError(needle)


def startup(db: Path, runs: int = 5) -> list[float]:
    times = []
    for _ in range(runs):
        session = f"bench-{uuid.uuid4().hex[:6]}"
        started = time.perf_counter()
        tmux(
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "160",
            "-y",
            "50",
            f"{' '.join(FLOORMAN)} --db {db} --lang en ui",
        )
        seen = wait_screen(session, "occupancy 0/500")
        wait_screen(session, "A-001")
        times.append(seen - started)
        tmux("kill-session", "-t", session)
        time.sleep(0.3)
    return times


def event_to_screen(db: Path, events: int = 100) -> tuple[list[float], list[float]]:
    session = f"bench-{uuid.uuid4().hex[:6]}"
    tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "160",
        "-y",
        "50",
        f"{' '.join(FLOORMAN)} --db {db} --lang en ui",
    )
    wait_screen(session, "A-001")
    latencies, walls = [], []
    # Seats A-001..A-010 are on the first row, always on screen; cycle their states.
    states = ["ready", "busy"]
    for n in range(events):
        seat = f"A-{n % 10 + 1:03d}"
        state = states[(n // 10) % 2]
        args = [*FLOORMAN, "--db", str(db), "event", seat, state]
        if state == "ready" and n < 10:
            args += ["--agent", f"{5000 + n % 10}"]
        started = time.perf_counter()
        subprocess.run(args, check=True)
        committed = time.perf_counter()
        walls.append(committed - started)
        letter = "R" if state == "ready" else "B"
        seen = wait_screen(session, f"{seat} {letter}", timeout=10)
        latencies.append(seen - committed)
    tmux("kill-session", "-t", session)
    return latencies, walls


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = make_floor(Path(folder))
        starts = startup(db)
        latencies, walls = event_to_screen(db)
    lines = [
        "| figure | median | p95 | goal | met |",
        "|---|---|---|---|---|",
        f"| start-up to first full frame, 500 seats (5 runs) | {median(starts):.2f} s | "
        f"{percentile(starts, 0.95):.2f} s | median <= 1.5 s | "
        f"{'yes' if median(starts) <= 1.5 else 'no'} |",
        f"| CLI `event` committed -> on screen (100 events) | {median(latencies) * 1000:.0f} ms | "
        f"{percentile(latencies, 0.95) * 1000:.0f} ms | p95 <= 1 s | "
        f"{'yes' if percentile(latencies, 0.95) <= 1 else 'no'} |",
        f"| wall time of one `floorman event` (100 calls) | {median(walls) * 1000:.0f} ms | "
        f"{percentile(walls, 0.95) * 1000:.0f} ms | <= 300 ms | "
        f"{'yes' if median(walls) <= 0.3 else 'no'} |",
    ]
    write_section("floor", "Floor (issue 2)", lines)


if __name__ == "__main__":
    main()
