"""Issue 10: the crash test for 100 rounds (the suite runs 20).

Writers record agent states in loops and are killed with SIGKILL at random moments;
afterwards the database must pass integrity_check, keep every event a writer saw
succeed, and hold no half transaction. Figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT))
from tests.unit.test_crash_kill import run_crash_rounds  # noqa: E402

from _results import write_section  # noqa: E402


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory(prefix="floorman-crash-") as folder:
        report = run_crash_rounds(Path(folder) / "crash", rounds=rounds, writers=3, seed=None)
    ok = not (report.problems or report.missing or report.failures)
    write_section(
        "crash",
        "Crash (issue 10)",
        [
            f"- rounds of SIGKILL: {report.rounds} (3 writers: 1 spawning `floorman event`, "
            "2 calling it in-process)",
            f"- events the writers saw succeed: {report.logged_ok}; seat events in the file: "
            f"{report.seat_events}; seat journal rows: {report.journal_rows}",
            f"- missing committed events: {len(report.missing)}",
            f"- integrity / journal chain / half transactions: "
            f"{'; '.join(report.problems) or 'ok'}",
            f"- refused writes along the way: {len(report.failures)}",
            f"- wall time: {report.seconds:.0f} s",
            f"- result: {'PASS' if ok else 'FAIL'}",
        ],
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
