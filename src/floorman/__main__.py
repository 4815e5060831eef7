"""Entry point for `floorman` and `python -m floorman`.

Kept tiny on purpose: recording an agent state is called many times a minute by phone
systems, so nothing heavy (textual above all) is imported before the command is known.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from floorman.cli import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    raise SystemExit(main())
