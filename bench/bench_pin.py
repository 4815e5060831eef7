"""Issue 14 figure: what one PIN check costs with floorman's argon2id parameters.

Hashes a PIN once with `domain.operators.pins` (the hasher every login uses, with
`ARGON2_PARAMETERS`), then times `pin_matches` for the right PIN and for a wrong one.
Prints the median and p95 of each and what that means for someone who copied the
database and searches a PIN offline on this machine, one core per guess. Written to
bench/RESULTS.md under "PIN hash cost (issue 14)".
Usage: `python bench/bench_pin.py [--rounds N]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _results import median, percentile, write_section
from floorman.domain.operators.pins import ARGON2_PARAMETERS, Pin, hash_pin, pin_matches


def timed(pin_hash: str, pin: Pin, rounds: int) -> list[float]:
    seconds = []
    for _ in range(rounds):
        start = time.perf_counter()
        pin_matches(pin_hash, pin)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    pin_hash = hash_pin(Pin("582046"))
    right = timed(pin_hash, Pin("582046"), args.rounds)
    wrong = timed(pin_hash, Pin("000000"), args.rounds)
    typical = median(right + wrong)
    params = ", ".join(f"{k}={v}" for k, v in ARGON2_PARAMETERS.items())
    four_digits = 10_000 * typical / 2 / 3600
    six_digits = 1_000_000 * typical / 2 / 3600
    write_section(
        "pin",
        "PIN hash cost (issue 14)",
        [
            f"argon2id {params} (memory_cost in KiB); {args.rounds} checks each",
            "",
            "| check | median | p95 |",
            "|---|---|---|",
            *(
                f"| {label} | {median(times) * 1000:.0f} ms | "
                f"{percentile(times, 0.95) * 1000:.0f} ms |"
                for label, times in (("right PIN", right), ("wrong PIN", wrong))
            ),
            "",
            f"median verify: {typical * 1000:.0f} ms. An offline search of a stolen database on "
            f"this machine: a 4-digit PIN in about {four_digits:.1f} h on average, 6 digits "
            f"in about {six_digits:.0f} h (per operator: every hash has its own salt). At the "
            "floor the back-off, not the hash, limits guessing.",
        ],
    )


if __name__ == "__main__":
    main()
