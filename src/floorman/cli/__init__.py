"""floorman's command line: the contract scripts, phone systems and people rely on.

Each panel adds its commands in its own module here (a `register(subparsers)` function);
they are found by name, so panels never edit each other's file. Handlers import what
they need lazily: `floorman event` is called many times a minute and must not pay for
Textual.

Exit status: 0 success, 2 bad input or a refused action (one line on stderr), 1 a
database that cannot be used.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import pkgutil
import sys
from collections.abc import Callable
from typing import NoReturn

EXIT_OK, EXIT_UNUSABLE, EXIT_BAD_INPUT = 0, 1, 2
_PATH_ERRNOS = frozenset(
    {errno.ENAMETOOLONG, errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EINVAL, errno.ELOOP}
)


class UsageError(Exception):
    """Bad command-line input; printed as one line, exit 2."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


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


def build_parser() -> Parser:
    parser = Parser(
        prog="floorman", description="The duty manager's console for a call-center floor."
    )
    _global_options(parser, suppress=False)
    common = Parser(add_help=False)
    _global_options(common, suppress=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    import floorman.cli as package

    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        loaded = importlib.import_module(f"floorman.cli.{module.name}")
        register: Callable[..., None] | None = getattr(loaded, "register", None)
        if register is not None:
            register(subparsers, common)
    return parser


def one_line(message: str) -> str:
    """An error message as one line without control characters: it may echo user input."""
    from floorman.domain.core.text import strip_control

    return " ".join(strip_control(message.replace("\n", " ").replace("\r", " ")).split())


def run(argv: list[str]) -> int:
    """Parse `argv`, run the command, and turn known failures into an exit status."""
    from sqlalchemy.exc import OperationalError

    from floorman.config import ConfigError
    from floorman.data.db import DatabaseError, refused_write_reason
    from floorman.domain.core.errors import FloorError

    args: argparse.Namespace | None = None
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            args = parser.parse_args(["ui", *argv])
        return int(args.handler(args) or 0)
    except UsageError as exc:
        print(one_line(str(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (FloorError, ConfigError) as exc:
        print(one_line(f"floorman: {exc}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except DatabaseError as exc:
        print(one_line(f"floorman: {exc}"), file=sys.stderr)
        return EXIT_UNUSABLE
    except OperationalError as exc:  # a read the disk refused (read-only, I/O error...)
        from floorman.cli.common import db_path_from

        path = db_path_from(args) if args is not None else None
        reason = refused_write_reason(exc, path) or f"database error: {exc.orig}"
        print(one_line(f"floorman: {path}: {reason}"), file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        # A path the file system refuses (too long, a directory, no such folder) is bad
        # input; any other refusal (an I/O error, a full disk) leaves floorman unusable.
        name = exc.filename if exc.filename is not None else ""
        print(one_line(f"floorman: {name}: {exc.strerror or exc}"), file=sys.stderr)
        return EXIT_BAD_INPUT if exc.errno in _PATH_ERRNOS else EXIT_UNUSABLE
