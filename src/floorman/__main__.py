"""Entry point for `floorman` and `python -m floorman`.

Kept tiny on purpose: recording an agent state is called many times a minute by phone
systems, so nothing heavy (textual above all) is imported before the command is known.
"""

from __future__ import annotations

import sys


def undecodable_argument(argv: list[str]) -> int | None:
    """Position (1-based) of the first argument that was not valid UTF-8, else None.

    Python decodes the bytes of argv with `surrogateescape`: a byte that is not UTF-8
    becomes a lone surrogate. Such text would be stored as it is or crash an encoder
    later, so it is refused at the door."""
    for position, argument in enumerate(argv, start=1):
        if any("\udc80" <= char <= "\udcff" for char in argument):
            return position
    return None


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    bad = undecodable_argument(arguments)
    if bad is not None:
        print(f"floorman: argument {bad} is not valid UTF-8; nothing was done", file=sys.stderr)
        return 2
    # With the floor service running, `floorman event` is handed to it (same contract).
    from floorman.service.handoff import hand_over

    status = hand_over(arguments)
    if status is not None:
        return status
    from floorman.cli import run

    return run(arguments)


if __name__ == "__main__":
    raise SystemExit(main())
