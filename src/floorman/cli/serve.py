"""Commands of the floor host: `floorman serve` (the service), `floorman status`.

`serve` runs until SIGTERM with no terminal; it refuses (exit 2) when another service
holds the database's lock. `serve --status` and `status` print the health line; their
exit status is 0 when the service runs and answers, 3 when it is not running or stuck.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from typing import Any

from floorman.cli.common import open_floor, print_json

EXIT_NOT_RUNNING = 3


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    serve = subparsers.add_parser("serve", parents=[common])
    serve.add_argument(
        "--status", action="store_true", help="print what the running service does, and exit"
    )
    serve.add_argument("--json", action="store_true", help="with --status: as JSON")
    serve.add_argument(
        "--no-feeds", action="store_true", help="do not run the [[feeds]] of the config"
    )
    serve.add_argument(
        "--web",
        metavar="HOST:PORT",
        help="also serve the console at http://HOST:PORT/ and the wallboard at /wallboard/",
    )
    serve.add_argument(
        "--allow-open-floor",
        action="store_true",
        help="serve the console off loopback even though the floor has no operators",
    )
    serve.set_defaults(handler=cmd_serve)

    status = subparsers.add_parser("status", parents=[common])
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_status)

    wallboard = subparsers.add_parser("wallboard", parents=[common])
    wallboard.set_defaults(handler=cmd_wallboard)


def cmd_wallboard(args: argparse.Namespace) -> int:
    from floorman.cli.common import config_from
    from floorman.i18n import resolve_language, set_language

    set_language(resolve_language(getattr(args, "lang", None), config_from(args).language))
    floor = open_floor(args)
    from floorman.wallboard_app import WallboardApp

    WallboardApp(floor).run()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from floorman.service.health import status, status_lines

    report = status(open_floor(args))
    if args.json:
        print_json(report)
    else:
        print("\n".join(status_lines(report)))
    service = report["service"]
    return 0 if service["running"] and not service["stale"] else EXIT_NOT_RUNNING


def cmd_serve(args: argparse.Namespace) -> int:
    if args.status:
        return cmd_status(args)
    import asyncio

    from floorman.cli.common import config_from, db_path_from
    from floorman.data.central.connection import CentralError
    from floorman.domain.core.context import Actor
    from floorman.domain.core.errors import FloorError
    from floorman.i18n import resolve_language, set_language
    from floorman.service.runner import FloorService

    set_language(resolve_language(getattr(args, "lang", None), config_from(args).language))
    if db_path_from(args).exists():
        from floorman.service.lock import refuse_if_running

        refuse_if_running(db_path_from(args))  # exit 2 at once, not after the file's check
    _check_file(args, db_path_from(args))
    floor = open_floor(args, migrate=True)
    floor.actor = Actor("floorman serve", f"{socket.gethostname()}:serve")
    web = None
    if args.web:
        from pathlib import Path

        from floorman.service.web import FloorWeb

        config = Path(args.config).resolve() if args.config else None
        web = FloorWeb(
            floor.db.path.resolve(),
            args.web,
            config_path=config,
            language=getattr(args, "lang", None),
            allow_open_floor=args.allow_open_floor,
        )
        web.refuse_open_floor()
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    command_line = warm_command_line(args.run_command, args.build_parser, floor.db)
    try:
        service = FloorService(floor, feeds=not args.no_feeds, web=web, command_line=command_line)
    except CentralError as exc:  # `[sync] central` refused (a password in it, not a URL)
        raise FloorError(
            "{path}: key 'sync.central': {problem}", path=floor.config.source, problem=exc
        ) from exc
    asyncio.run(service.run())
    return 0


def warm_command_line(run: Any, build_parser: Any, db: Any) -> Any:
    """The command line for handed-over events: `run` as ever, with the parsers built
    once and the service's own open database (one engine: its pooled connections, its
    statements compiled once) instead of a new engine per event."""
    import functools

    from floorman.cli.common import warm_database
    from floorman.service.event_desk import CommandLine

    build = functools.cache(build_parser)

    def warm_run(argv: list[str]) -> int:
        with warm_database(db):
            return int(run(argv, build=build))

    return CommandLine(run=warm_run, build_parser=build)


def _check_file(args: argparse.Namespace, path: Any) -> None:
    """A damaged database is refused (exit 1) rather than served: restore it first."""
    if not path.exists():
        return
    from floorman.data.backup import startup_check
    from floorman.data.db import Database, DatabaseError

    db = Database(path, force_old_sqlite=bool(getattr(args, "force_old_sqlite", False)))
    try:
        problems = startup_check(db)
    finally:
        db.dispose()
    if problems:
        raise DatabaseError(
            "{path}: damaged ({found}); restore a backup with `floorman restore FILE`",
            path=path,
            found=problems[0],
        )
