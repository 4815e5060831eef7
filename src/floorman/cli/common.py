"""What every command needs: the config, the database and the acting person."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from floorman.clock import SystemClock
from floorman.config import Config, default_db_path, load_config
from floorman.data.db import Database
from floorman.domain.core import bounds
from floorman.domain.core.context import Actor, Floor, default_operator
from floorman.domain.core.text import identifier, printable_data

# The floor service runs handed-over `floorman event` calls on its own open database
# (a warm engine: pooled connections, SQLAlchemy's compiled statements), not a new one.
_WARM_DATABASE: ContextVar[Database | None] = ContextVar("warm_database", default=None)


@contextmanager
def warm_database(db: Database) -> Iterator[None]:
    """Commands run inside use `db` for its file instead of opening the file again."""
    token = _WARM_DATABASE.set(db)
    try:
        yield
    finally:
        _WARM_DATABASE.reset(token)


def _database(path: Path, force_old_sqlite: bool) -> Database:
    warm = _WARM_DATABASE.get()
    if warm is not None and not force_old_sqlite and warm.path.resolve() == path.resolve():
        return warm
    return Database(path, force_old_sqlite=force_old_sqlite)


def config_from(args: argparse.Namespace) -> Config:
    path = Path(args.config) if getattr(args, "config", None) else None
    return load_config(path)


def db_path_from(args: argparse.Namespace) -> Path:
    return Path(args.db) if getattr(args, "db", None) else default_db_path()


def open_floor(
    args: argparse.Namespace,
    *,
    migrate: bool = False,
    source: str | None = None,
    authenticate: bool = False,
    checked: bool = True,
) -> Floor:
    """Open the database (migrating it when asked, else requiring it current).

    With `authenticate`, a floor that has operators logs in as `--operator` with the PIN
    from FLOORMAN_PIN or a prompt (a wrong PIN exits 2); a floor with none stays open.
    With `source` (a phone system, a feed) nobody logs in: the actor is the source, and
    it must present the floor's feed key when the config sets one.
    """
    from floorman.data import schema

    config = config_from(args)
    path = db_path_from(args)
    if not migrate and not path.exists():
        from floorman.data.db import DatabaseError

        raise DatabaseError(schema.NO_DATABASE, path=path)
    db = _database(path, bool(getattr(args, "force_old_sqlite", False)))
    if checked:
        _refuse_damaged(db)
    if migrate:
        schema.migrate(db)
    else:
        schema.require_current(db)
    # The one id rule (no control characters, a length cap) for the name journaled as
    # the actor, whether it came from --operator, FLOORMAN_OPERATOR or the system user.
    name = identifier(
        getattr(args, "operator", None) or default_operator(),
        "--operator",
        max_len=bounds.OPERATOR_MAX,
    )
    if source is not None:
        source = identifier(source, "--source", max_len=bounds.SOURCE_MAX)
    actor = Actor(name=source or name or "unknown", source=source)
    floor = Floor(db=db, clock=SystemClock(), config=config, actor=actor)
    if source is not None:
        from floorman.cli.pins import check_feed_key

        check_feed_key(floor)
    elif authenticate:
        from floorman.cli.pins import cli_login

        floor.actor = cli_login(floor)
    return floor


def _refuse_damaged(db: Database) -> None:
    """One line and exit 1 on a file known or found damaged (`data.damage`): the full
    check runs when none found the file sound within the hour (`floorman check` itself
    opens with `checked=False`: it reports the damage instead)."""
    import os

    from floorman.data import damage
    from floorman.data.db import DatabaseError, damaged_refusal

    refusal = damaged_refusal(db.path)
    # A file floorman may not write (read-only, another user's) is not checked here: the
    # check cannot record its result, and the write refusal says what is wrong.
    writable = os.access(db.path, os.W_OK) and os.access(db.path.parent, os.W_OK)
    if refusal is None and db.path.exists() and writable and damage.check_due(db.path):
        from floorman.data.backup import startup_check

        if startup_check(db):
            refusal = damaged_refusal(db.path) or DatabaseError(
                "{path}: the database file is damaged", path=db.path
            )
    if refusal is not None:
        db.dispose()
        raise refusal


def json_text(value: Any, indent: int | None = None) -> str:
    """`value` as JSON, every string through the output sanitiser (text.printable_data)."""
    return json.dumps(printable_data(value), ensure_ascii=False, indent=indent)


def print_json(value: Any) -> None:
    sys.stdout.write(json_text(value) + "\n")


def force_option(parser: argparse.ArgumentParser) -> None:
    """`--force` of every export: without it an existing file is refused, never replaced."""
    parser.add_argument(
        "--force", action="store_true", help="replace FILE if it exists (else it is refused)"
    )
