"""Entry point for `floorman` and `python -m floorman`.

Kept tiny on purpose: recording an agent state is called many times a minute by phone
systems, so nothing heavy (textual above all) is imported before the command is known.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # With the floor service running, `floorman event` is handed to it (same contract).
    from floorman.service.handoff import hand_over

    status = hand_over(argv)
    if status is not None:
        return status
    from floorman.cli import run

    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
