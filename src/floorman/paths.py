"""Where floorman looks for its config file and its database when not told.

A leaf of its own (the standard library and platformdirs only) so that the event
hand-off (`service/handoff.py`), run by phone systems many times a minute, finds the
floor service's socket without importing the config's dataclasses, zoneinfo and TOML
parser. `floorman.config` re-exports these names; everything else imports them there.

Importing it costs `os` alone: pathlib (which pulls in urllib and ipaddress) and
platformdirs are imported by the functions that need them, so a hand-off told its
database and config (by option or environment) never loads them.
"""

from __future__ import annotations

import os

# mypy reads this block (it takes any name TYPE_CHECKING as true); Python never runs it,
# so `Path` costs nothing at import (typing itself is not imported either).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

APP_NAME = "floorman"
CONFIG_ENV, DB_ENV = "FLOORMAN_CONFIG", "FLOORMAN_DB"


def _user_dir(kind: str) -> str:
    import platformdirs

    if kind == "config":
        return str(platformdirs.user_config_dir(APP_NAME))
    return str(platformdirs.user_data_dir(APP_NAME))


def config_path_text() -> str:
    """The config file: FLOORMAN_CONFIG, else the user's config folder's config.toml."""
    return os.environ.get(CONFIG_ENV) or os.path.join(_user_dir("config"), "config.toml")


def db_path_text() -> str:
    """The database: FLOORMAN_DB, else floorman.db in the user's data folder."""
    return os.environ.get(DB_ENV) or os.path.join(_user_dir("data"), "floorman.db")


def default_config_path() -> Path:
    from pathlib import Path

    return Path(config_path_text())


def default_data_dir() -> Path:
    from pathlib import Path

    return Path(_user_dir("data"))


def default_db_path() -> Path:
    from pathlib import Path

    return Path(db_path_text())
