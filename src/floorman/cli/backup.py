"""Commands for backups: `floorman backup [--to PATH]` and `floorman restore FILE`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from floorman.cli.common import db_path_from, open_floor
from floorman.i18n import t


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    backup = subparsers.add_parser("backup", parents=[common])
    backup.add_argument(
        "--to",
        metavar="PATH",
        type=Path,
        help="file or folder to write (else the backup folder); never overwrites",
    )
    backup.set_defaults(handler=cmd_backup)

    restore = subparsers.add_parser("restore", parents=[common])
    restore.add_argument("file", metavar="FILE", type=Path)
    restore.set_defaults(handler=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    from floorman.data.backup import BackupRefused, backup_to
    from floorman.domain.backups import take_backup
    from floorman.domain.core.errors import FloorError
    from floorman.domain.operators.permissions import require

    floor = open_floor(args, authenticate=True)
    require(floor, "backup.run")
    try:
        if args.to:
            written = backup_to(floor.db, args.to, floor.clock.now())
        else:
            written = take_backup(floor, "manual")
    except BackupRefused as exc:
        raise FloorError(exc.message_id, **exc.values) from exc
    except OSError as exc:
        raise FloorError("{path}: {problem}", path=exc.filename or args.to, problem=exc) from exc
    print(t("backup written: {path}", path=written))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from floorman.clock import SystemClock
    from floorman.data.backup import BackupRefused, restore
    from floorman.domain.backups import record_restore
    from floorman.domain.core.errors import FloorError

    path = db_path_from(args)
    if path.exists():
        _require_restore(args)
    try:
        result = restore(path, args.file, SystemClock().now())
    except BackupRefused as exc:
        raise FloorError(exc.message_id, **exc.values) from exc
    except OSError as exc:
        raise FloorError("{path}: {problem}", path=exc.filename or args.file, problem=exc) from exc
    floor = open_floor(args, migrate=True)
    record_restore(floor, result)
    print(t("restored {path} from {backup}", path=path, backup=result.restored_from))
    if result.kept_aside:
        print(t("the previous database is kept as {path}", path=result.kept_aside))
    return 0


def _require_restore(args: argparse.Namespace) -> None:
    """Refuse a restore unless the operator may restore ("backup.restore").

    Judged by the operators of the database about to be replaced, and failing closed:
    only a file SQLite says is damaged or not a database (the reason to restore) lets
    the restore go on unchecked, since whoever can replace the file on disk could copy
    a backup over it by hand anyway. A busy, locked or unreadable database refuses
    ("try again"), as does any check that could not be made: never "allowed".
    """
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    from floorman.data.db import DatabaseError
    from floorman.domain.operators.permissions import require

    try:
        floor = open_floor(args, authenticate=True)
    except (DatabaseError, DBAPIError, sqlite3.DatabaseError) as exc:
        if _damaged(exc):
            return
        raise DatabaseError(
            "{path}: who may restore could not be checked ({reason}); nothing was "
            "restored, try again",
            path=db_path_from(args),
            reason=_reason(exc),
        ) from exc
    try:
        require(floor, "backup.restore")
    finally:
        floor.db.dispose()


def _reason(exc: BaseException) -> object:
    """Why the check could not be made: the disk's or lock's reason, else the error."""
    from floorman.data.db import refused_write_reason
    from floorman.translated import Phrase

    found = refused_write_reason(exc)
    return Phrase(found.split(";")[0]) if found else (getattr(exc, "orig", None) or exc)


def _damaged(exc: BaseException) -> bool:
    """True only when SQLite says the file is damaged or not a database at all (or it
    holds no floorman tables: no operators to judge by)."""
    from floorman.data.schema import NO_DATABASE

    if getattr(exc, "message_id", None) == NO_DATABASE:
        return True
    text = f"{getattr(exc, 'english', exc)} {getattr(exc, 'orig', '')}".lower()
    if any(word in text for word in ("locked", "busy")):
        return False
    return any(word in text for word in ("malformed", "not a database", "damaged", "corrupt"))
