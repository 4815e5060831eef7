"""Commands that open the terminal UI: `floorman ui` (the default) and `floorman demo`."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from floorman.cli.common import open_floor


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    ui = subparsers.add_parser("ui", parents=[common])
    ui.set_defaults(handler=cmd_ui)
    demo = subparsers.add_parser("demo", parents=[common])
    demo.add_argument("--no-simulate", action="store_true", help="keep the agents still")
    demo.add_argument(
        "--speed",
        type=float,
        default=1.0,
        metavar="N",
        help="run the demo's clock N times faster (1-60), e.g. 10: ten minutes in one",
    )
    demo.set_defaults(handler=cmd_demo)


def _run_app(args: argparse.Namespace, *, migrate: bool, simulate: bool, build_demo: bool) -> int:
    from floorman.cli.common import config_from, db_path_from
    from floorman.i18n import resolve_language, set_language

    set_language(resolve_language(getattr(args, "lang", None), config_from(args).language))
    if not _startup_check_passes(args, db_path_from(args)):
        return 1
    floor = open_floor(args, migrate=migrate)
    from floorman.runtime.scheduler import HEARTBEAT_SECONDS

    speed = float(getattr(args, "speed", 1.0))
    heartbeat = HEARTBEAT_SECONDS
    if speed != 1.0:
        from floorman.clock import FastClock

        floor.clock = FastClock(speed)
        # Alerts are checked every simulated minute, not every real one.
        heartbeat = max(1, int(HEARTBEAT_SECONDS / speed))
    if build_demo:
        from floorman.domain.demo import build_demo_floor

        build_demo_floor(floor)
    from floorman.app import FloormanApp

    FloormanApp(floor, simulate=simulate, alert_heartbeat_seconds=heartbeat).run()
    return 0


def _startup_check_passes(args: argparse.Namespace, path: Path) -> bool:
    """`PRAGMA quick_check` before anything else touches the file; a damaged one gets the
    restore screen instead of the floor (and a restored one is then opened as usual)."""
    if not path.exists():
        return True
    from floorman.cli.common import config_from
    from floorman.data.backup import backup_dir, startup_check
    from floorman.data.db import Database

    db = Database(path, force_old_sqlite=bool(getattr(args, "force_old_sqlite", False)))
    try:
        problems = startup_check(db)
    finally:
        db.dispose()
    if not problems:
        return True
    from floorman.screens.damaged import DamagedDatabaseApp

    folder = backup_dir(path, config_from(args).backup.directory)
    return DamagedDatabaseApp(path, problems, folder).run() == "restored"


def cmd_ui(args: argparse.Namespace) -> int:
    return _run_app(args, migrate=True, simulate=False, build_demo=False)


def cmd_demo(args: argparse.Namespace) -> int:
    if not 1.0 <= args.speed <= 60.0:  # before anything is created (nan fails too)
        from floorman.domain.core.errors import FloorError

        raise FloorError("--speed must be from 1 to 60, got {speed}", speed=f"{args.speed:g}")
    if getattr(args, "db", None):
        fresh = not Path(args.db).exists()
        return _run_app(args, migrate=True, simulate=not args.no_simulate, build_demo=fresh)
    with tempfile.TemporaryDirectory(prefix="floorman-demo-") as folder:
        args.db = str(Path(folder) / "demo.db")
        return _run_app(args, migrate=True, simulate=not args.no_simulate, build_demo=True)
