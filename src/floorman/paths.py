"""Where floorman looks for its config file and its database when not told.

A leaf of its own (the standard library and platformdirs only) so that the event
hand-off (`service/handoff.py`), run by phone systems many times a minute, finds the
floor service's socket without importing the config's dataclasses, zoneinfo and TOML
parser. `floorman.config` re-exports these names; everything else imports them there.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "floorman"


def default_config_path() -> Path:
    env = os.environ.get("FLOORMAN_CONFIG")
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def default_db_path() -> Path:
    env = os.environ.get("FLOORMAN_DB")
    if env:
        return Path(env)
    return default_data_dir() / "floorman.db"
