"""Entry point for `floorman` and `python -m floorman`.

Kept tiny on purpose: recording an agent state is called many times a minute by phone
systems, so nothing heavy (textual above all) is imported before the command is known.
The installed `floorman` command is `bin/floorman` (not an installer's console-script
wrapper, which imports `re` first with pip before 25.0) and calls `console()`.
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


def refusal_of_undecodable(argv: list[str], position: int) -> str:
    """The one line refusing an argument that is not UTF-8, in Chinese under `--lang zh`
    as every refusal of the command line. Only a refused call pays for the catalogue and
    for reading `--lang` the CLI's way: the path of a good call imports nothing more."""
    from floorman.cli.parser_text import asks_for_chinese
    from floorman.i18n import translate

    return translate(
        "zh" if asks_for_chinese(argv) else "en",
        "floorman: argument {position} is not valid UTF-8; nothing was done",
        position=position,
    )


def main(argv: list[str] | None = None, *, exit_when_handed_over: bool = False) -> int:
    """`floorman ARGS`: its exit status. `exit_when_handed_over` (the command itself, not a
    test calling it) ends the process at once when the floor service ran the command."""
    arguments = sys.argv[1:] if argv is None else argv
    bad = undecodable_argument(arguments)
    if bad is not None:
        print(refusal_of_undecodable(arguments, bad), file=sys.stderr)
        return 2
    # With the floor service running, `floorman event` is handed to it (same contract).
    from floorman.service.handoff import hand_over

    status = hand_over(arguments)
    if status is not None:
        if exit_when_handed_over:
            leave(status)
        return status
    from floorman.cli import run

    return run(arguments)


def leave(status: int) -> None:
    """Exit now with `status`, skipping the interpreter's teardown (module by module, a
    tenth of a handed-over call): nothing of floorman's is open when the service ran the
    command, so what is left is flushing what it printed. When that fails (a closed
    pipe), return, and Python's own exit reports it as ever."""
    import os

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(status)


def console() -> None:
    """The installed `floorman` command (`bin/floorman`)."""
    raise SystemExit(main(exit_when_handed_over=True))


if __name__ == "__main__":
    console()
