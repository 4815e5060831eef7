"""floorman's command line: the contract scripts, phone systems and people rely on.

Every command is listed once, in `COMMANDS`: its name, its one-line help and the module
that builds its parser (a `register(subparsers, common)` function there). Only the
module of the command being run is imported: `floorman event` is called many times a
minute by phone systems and pays for its own parser and storage, not for the ~85
subcommands of every panel, and never for Textual. `floorman --help` lists the commands
from the table without importing any of them.

Exit status: 0 success, 2 bad input or a refused action (one line on stderr), 1 a
database that cannot be used.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

EXIT_OK, EXIT_UNUSABLE, EXIT_BAD_INPUT = 0, 1, 2
_PATH_ERRNOS = frozenset(
    {errno.ENAMETOOLONG, errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EINVAL, errno.ELOOP}
)

Register = Callable[[Any, argparse.ArgumentParser], None]
"""A command module's `register(subparsers, common)`: adds its commands' parsers."""


class UsageError(Exception):
    """Bad command-line input; printed as one line, exit 2."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit 2, and whose help
    is said in the run's language when it is printed (`parser_text.FloorHelpFormatter`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from floorman.cli.parser_text import FloorHelpFormatter, english_titles

        kwargs.setdefault("formatter_class", FloorHelpFormatter)
        # The parents' options join this parser's groups by their titles: the titles are
        # put back in English (`english_titles`) before the parents are taken in.
        parents = kwargs.pop("parents", [])
        super().__init__(*args, **kwargs)
        english_titles(self)
        for parent in parents:
            self._add_container_actions(parent)
            self._defaults.update(parent._defaults)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


# One function per command module, each importing it plainly inside: the table names
# every module (mypy and import-linter see each edge) while importing none of them.


def _attendance() -> Register:
    from floorman.cli.attendance import register

    return register


def _alerts() -> Register:
    from floorman.cli.alerts import register

    return register


def _away() -> Register:
    from floorman.cli.away import register

    return register


def _serve() -> Register:
    from floorman.cli.serve import register

    return register


def _backup() -> Register:
    from floorman.cli.backup import register

    return register


def _emergency() -> Register:
    from floorman.cli.emergency import register

    return register


def _feed() -> Register:
    from floorman.cli.feed import register

    return register


def _floor() -> Register:
    from floorman.cli.floor import register

    return register


def _handover() -> Register:
    from floorman.cli.handover import register

    return register


def _operators() -> Register:
    from floorman.cli.operators import register

    return register


def _staffing() -> Register:
    from floorman.cli.staffing import register

    return register


def _sync() -> Register:
    from floorman.cli.sync import register

    return register


def _ui() -> Register:
    from floorman.cli.ui import register

    return register


def _visitors() -> Register:
    from floorman.cli.visitors import register

    return register


@dataclass(frozen=True)
class Command:
    """One top-level command: its name, its line in `floorman --help`, its module."""

    name: str
    help: str
    module: Callable[[], Register]


# In the order `floorman --help` lists them. A module registering several commands
# (floor: init, event, seats, agents) is named by each; tests/unit/test_cli_dispatch.py
# checks that every module registers exactly the commands listed for it here.
COMMANDS: tuple[Command, ...] = (
    Command("alerts", "list and acknowledge alerts", _alerts),
    Command("attendance", "roster, late/early, leave", _attendance),
    Command("away", "away slips and the away log", _away),
    Command("backup", "copy the database into a backup file now", _backup),
    Command(
        "restore", "replace the database with a backup (the current one is kept aside)", _backup
    ),
    Command("emergency", "run the manual's emergency checklists", _emergency),
    Command("feed", "take agent states from a file, a pipe or a PBX log", _feed),
    Command("init", "create or migrate the database", _floor),
    Command("event", "record an agent state", _floor),
    Command("seats", "list or import seats", _floor),
    Command("agents", "import agents", _floor),
    Command("handover", "shift handover log (交接班)", _handover),
    Command("operators", "people who log in", _operators),
    Command("check", "verify the database and the journal chain", _operators),
    Command("journal", "the audit journal", _operators),
    Command("serve", "run the floor host's service: alerts, feeds, backups, checks", _serve),
    Command("status", "is the floor service running: feeds, backups, alerts", _serve),
    Command("wallboard", "the read-only wallboard for a TV", _serve),
    Command("staffing", "how many agents and seats the floor needs", _staffing),
    Command("sync", "send this floor's journal and live state to HQ", _sync),
    Command("region", "HQ: every floor at once", _sync),
    Command("central", "set up the central server", _sync),
    Command("ui", "open the floor (the default)", _ui),
    Command("demo", "open the UI on a throwaway demo floor with live agents", _ui),
    Command("visitors", "visitors on the floor", _visitors),
)
_BY_NAME = {command.name: command for command in COMMANDS}
DEFAULT_COMMAND = "ui"


def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--db", default=default, help="database file (else FLOORMAN_DB)")
    parser.add_argument("--config", default=default, help="config file (else FLOORMAN_CONFIG)")
    parser.add_argument("--lang", default=default, choices=["en", "zh"], help="language")
    parser.add_argument(
        "--operator", default=default, help="who is acting (else FLOORMAN_OPERATOR)"
    )
    parser.add_argument(
        "--force-old-sqlite",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="open the database even with an SQLite that has the WAL-reset bug",
    )


def build_parser(command: str | None = None) -> Parser:
    """The top-level parser, with the full parser of `command` only.

    Without a command every command is an empty placeholder carrying its help line:
    enough for `floorman --help`, for the one-line "invalid choice" error, and for
    `_command_of` to learn which command argv names. With one, only its module is
    imported and registers its commands (and their subcommands) completely.
    """
    parser = Parser(
        prog="floorman", description="The duty manager's console for a call-center floor."
    )
    _global_options(parser, suppress=False)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    if command is None:
        for listed in COMMANDS:
            subparsers.add_parser(listed.name, help=listed.help, add_help=False)
        return parser
    common = Parser(add_help=False)
    _global_options(common, suppress=True)
    _BY_NAME[command].module()(subparsers, common)
    return parser


def _command_of(argv: list[str], build: Callable[..., Parser] = build_parser) -> str | None:
    """The command argv names (None for none), found by argparse on the placeholders.

    The top level parses exactly as the full parser would (same options, same
    positional), so the name found here is the one the full parse selects; bad global
    options and unknown commands fail here with the usual one line.
    """
    skeleton = build()
    known, _rest = skeleton.parse_known_args(argv)
    if known.command is None:
        skeleton.parse_args(argv)  # leftovers without a command: the usual error
        return None
    return str(known.command)


def parse(argv: list[str], build: Callable[..., Parser] = build_parser) -> argparse.Namespace:
    """Parse `argv` with the parser of the one command it names (`ui` when none).
    `build` builds the parsers (the service passes one that keeps those it built)."""
    command = _command_of(argv, build)
    if command is None:
        command, argv = DEFAULT_COMMAND, [DEFAULT_COMMAND, *argv]
    return build(command).parse_args(argv)


def one_line(message: str) -> str:
    """An error message as one line without control characters: it may echo user input."""
    from floorman.domain.core.text import one_line as without_controls

    return without_controls(message)


# Commands that draw a full-screen terminal: their output is Textual's own.
_FULL_SCREEN = frozenset({"ui", "demo", "wallboard"})


def _handle(args: argparse.Namespace) -> int:
    """Run the command's handler; everything it prints goes through the one output
    sanitiser (`text.PrintableStream`), whichever module prints it."""
    import contextlib

    from floorman.domain.core.text import PrintableStream

    if args.command in _FULL_SCREEN:
        return int(args.handler(args) or 0)
    with (
        contextlib.redirect_stdout(PrintableStream(sys.stdout)),
        contextlib.redirect_stderr(PrintableStream(sys.stderr)),
    ):
        return int(args.handler(args) or 0)


def _too_long(argv: list[str]) -> str | None:
    from floorman.domain.core import bounds
    from floorman.i18n import t

    for position, argument in enumerate(argv, start=1):
        if len(argument) > bounds.ARGUMENT_MAX:
            return t(
                "floorman: argument {position} is too long ({length} characters, at most "
                "{limit}); nothing was done",
                position=position,
                length=len(argument),
                limit=bounds.ARGUMENT_MAX,
            )
    return None


def run(argv: list[str], *, build: Callable[..., Parser] = build_parser) -> int:
    """Parse `argv`, run the command, and turn known failures into an exit status."""
    from sqlalchemy.exc import DBAPIError

    from floorman.config import ConfigError
    from floorman.data.db import DatabaseError, sqlite_module
    from floorman.domain.core.errors import FloorError
    from floorman.i18n import t

    # The driver's own errors too (a backup or a check reads the file through it): a
    # damaged file, a disk that refuses, are one line and exit 1 in every command.
    driver_errors = (DBAPIError, sqlite_module(force_old=True).Error)

    from floorman.cli.parser_text import asks_for_chinese, speak_the_floor_language
    from floorman.i18n import set_language

    # Refusals in Chinese only when asked for (the screens choose their own language when
    # they start); each run says which, so one run's choice never leaks into the next one
    # in the same process (the service's hand-over, tests in process). Set before parsing:
    # argparse's own refusals of these arguments are said in it too.
    set_language("zh" if asks_for_chinese(argv) else "en")
    speak_the_floor_language()
    args: argparse.Namespace | None = None
    too_long = _too_long(argv)
    if too_long is not None:
        print(too_long, file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        args = parse(argv, build)
        set_language("zh" if getattr(args, "lang", None) == "zh" else "en")
        # The command line itself, for the one command that runs it again (`serve` takes
        # handed-over `floorman event` calls): handed in, so no module imports the CLI.
        args.run_command, args.build_parser = run, build_parser
        return _handle(args)
    except UsageError as exc:
        print(one_line(str(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (FloorError, ConfigError) as exc:
        print(one_line(f"floorman: {exc}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except DatabaseError as exc:
        print(one_line(f"floorman: {exc}"), file=sys.stderr)
        return EXIT_UNUSABLE
    except driver_errors as exc:  # a damaged file, a read the disk refused (read-only...)
        from floorman.cli.common import db_path_from

        path = db_path_from(args) if args is not None else None
        from floorman.data.driver_errors import driver_error_said
        from floorman.translated import said as said_now

        # The driver's English only for an error not known (data/driver_errors.py).
        reason = said_now(driver_error_said(exc, path))
        said = t("{path}: {reason}", path=path, reason=reason)
        print(one_line(f"floorman: {said}"), file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        # A path the file system refuses (too long, a directory, no such folder) is bad
        # input; any other refusal (an I/O error, a full disk) leaves floorman unusable.
        from floorman.translated import os_error_text

        name = exc.filename if exc.filename is not None else ""
        said = t("{path}: {problem}", path=name, problem=os_error_text(exc))
        print(one_line(f"floorman: {said}"), file=sys.stderr)
        return EXIT_BAD_INPUT if exc.errno in _PATH_ERRNOS else EXIT_UNUSABLE
