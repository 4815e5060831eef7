"""Shared fixtures: a real SQLite file in tmp_path, migrated, with a fake clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings

from floorman.clock import FakeClock
from floorman.config import Config
from floorman.data import schema
from floorman.data.db import Database

# The away rules follow every seat change (seats/follow.py); the app's entry points import
# them, and so does the test session, for tests that record seat events directly.
from floorman.domain.away import follow  # noqa: F401
from floorman.domain.core.context import Actor, Floor

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

# Property and fuzz tests draw the same examples on every run, so `make test` (and CI) gives
# the same verdict for the same code; HYPOTHESIS_RANDOM=1 explores new examples, and a
# failure it finds is replayed from .hypothesis/ until it is fixed and kept as a test.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("explore" if os.environ.get("HYPOTHESIS_RANDOM") else "repeatable")


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's own config or database."""
    monkeypatch.setenv("FLOORMAN_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("FLOORMAN_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("FLOORMAN_OPERATOR", "tester")


@pytest.fixture
def cheap_hasher() -> Iterator[None]:
    """PINs hashed with real argon2id at cheap parameters (`helpers.cheap_pin_hasher`)."""
    from floorman.domain.operators.pins import use_hasher
    from tests.helpers import cheap_pin_hasher

    use_hasher(cheap_pin_hasher())
    yield
    use_hasher(None)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "floor.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database(db_path)
    schema.migrate(database)
    yield database
    database.dispose()


@pytest.fixture
def floor(db: Database, clock: FakeClock) -> Floor:
    return Floor(
        db=db, clock=clock, config=Config(timezone="UTC"), actor=Actor("duty1", "test:tty1")
    )


@pytest.fixture
def small_floor(floor: Floor, tmp_path: Path) -> Floor:
    """Two zones, six seats, four agents."""
    from floorman.domain.seats.importing import import_agents, import_seats

    seats = tmp_path / "seats.csv"
    seats.write_text(
        "seat,zone,type,row,col,zone_name\n"
        "A-01,A,general,0,0,Zone A\nA-02,A,general,0,1,Zone A\nA-03,A,vip,1,0,Zone A\n"
        "B-01,B,user,0,0,Zone B\nB-02,B,user,0,1,Zone B\nB-03,B,quality,1,0,Zone B\n",
        encoding="utf-8",
    )
    agents = tmp_path / "agents.csv"
    agents.write_text(
        "staff_no,name,team\n1001,Li Na,T1\n1002,王芳,T1\n1003,Zhang Wei,T2\n1004,陈静,T2\n",
        encoding="utf-8",
    )
    import_seats(floor, seats)
    import_agents(floor, agents)
    return floor
