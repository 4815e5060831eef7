"""A real PostgreSQL for the central-server tests: one throwaway server per xdist worker.

Started on first use (tests that need no central server pay nothing), from Debian's
packages as an unprivileged user, or the server FLOORMAN_TEST_PG names (a superuser URL).
Each test gets its own database, copied from a migrated template in milliseconds, its own
site roles and its own libpq password file (PGPASSFILE): sites and HQ log in over TCP
with passwords exactly as in production, never with one on a command line.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from floorman.clock import FakeClock
from floorman.config import Config
from floorman.data import schema
from floorman.data.central.connection import central_engine
from floorman.data.central.schema import migrate
from floorman.data.db import Database
from floorman.data.journal_key import head_path, key_path
from floorman.domain.core.context import Actor, Floor
from floorman.domain.sync import admin
from tests.central.pg_server import ThrowawayServer, start_throwaway
from tests.conftest import START


class ExternalCluster:
    """A server given by FLOORMAN_TEST_PG (superuser URL); it cannot be stopped by tests."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url).set(drivername="postgresql+psycopg")

    def admin_url(self, database: str = "postgres") -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def tcp_url(self, database: str) -> str:
        return str(self.url.set(username=None, password=None, database=database))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[ThrowawayServer | ExternalCluster]:
    given = os.environ.get("FLOORMAN_TEST_PG")
    if given:
        yield ExternalCluster(given)
        return
    server = start_throwaway()
    yield server
    server.remove()


def _admin(cluster: ThrowawayServer | ExternalCluster, database: str = "postgres") -> Engine:
    return create_engine(
        cluster.admin_url(database), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )


@pytest.fixture(scope="session")
def central_template(pg_cluster: ThrowawayServer | ExternalCluster) -> Iterator[str]:
    name = f"fm_tpl_{secrets.token_hex(4)}"
    root = _admin(pg_cluster)
    with root.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine = create_engine(pg_cluster.admin_url(name))
    migrate(engine)
    engine.dispose()
    yield name
    with root.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    root.dispose()


class CentralForTest:
    """One test's central database, with helpers to add sites and HQ roles."""

    def __init__(self, cluster: ThrowawayServer | ExternalCluster, name: str, pgpass: Path):
        self.cluster = cluster
        self.name = name
        self.pgpass = pgpass
        self.admin = create_engine(cluster.admin_url(name), pool_pre_ping=True)
        self.roles: list[str] = []
        self._engines: list[Engine] = []

    def _login(self, role: str) -> str:
        password = secrets.token_hex(12)
        with self.admin.begin() as conn:
            conn.execute(text(f"ALTER ROLE \"{role}\" PASSWORD '{password}'"))
        tcp = make_url(self.cluster.tcp_url(self.name))
        with self.pgpass.open("a", encoding="utf-8") as file:
            file.write(f"{tcp.host}:{tcp.port or 5432}:{self.name}:{role}:{password}\n")
        self.roles.append(role)
        return str(tcp.set(username=role))

    def add_site(self, code: str) -> str:
        """Register a site with its own role; returns its URL (no password in it)."""
        role = f"{self.name}_{code.replace('-', '_')}"
        admin.add_site(self.admin, code, role, name=f"Site {code}")
        return self._login(role)

    def hq(self, *, can_post: bool = False) -> str:
        role = f"{self.name}_hq{'_post' if can_post else ''}"
        admin.add_hq_role(self.admin, role, can_post=can_post)
        return self._login(role)

    def engine(self, url: str) -> Engine:
        engine = central_engine(url)
        self._engines.append(engine)
        return engine

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()
        self.admin.dispose()


@pytest.fixture
def central(
    pg_cluster: ThrowawayServer | ExternalCluster,
    central_template: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[CentralForTest]:
    name = f"fm_{secrets.token_hex(5)}"
    root = _admin(pg_cluster)
    with root.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {central_template}"))
    pgpass = tmp_path / "pgpass"
    pgpass.touch(mode=0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    for variable in ("PGPASSWORD", "PGSERVICE", "PGUSER", "PGHOST", "PGDATABASE"):
        monkeypatch.delenv(variable, raising=False)
    helper = CentralForTest(pg_cluster, name, pgpass)
    yield helper
    helper.close()
    with root.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        for role in helper.roles:
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    root.dispose()


def make_site_floor(path: Path, clock: FakeClock | None = None) -> Floor:
    """A site's own floor: a real migrated SQLite file with six seats and four agents."""
    from floorman.domain.seats.importing import import_agents, import_seats

    database = Database(path / "floor.db")
    schema.migrate(database)
    floor = Floor(
        db=database,
        clock=clock or FakeClock(START),
        config=Config(timezone="UTC"),
        actor=Actor("duty1", "test:tty1"),
    )
    seats = path / "seats.csv"
    seats.write_text(
        "seat,zone,type,row,col,zone_name\n"
        "A-01,A,general,0,0,Zone A\nA-02,A,general,0,1,Zone A\nA-03,A,vip,1,0,Zone A\n"
        "B-01,B,user,0,0,Zone B\nB-02,B,user,0,1,Zone B\nB-03,B,quality,1,0,Zone B\n",
        encoding="utf-8",
    )
    agents = path / "agents.csv"
    agents.write_text(
        "staff_no,name,team\n1001,Li Na,T1\n1002,王芳,T1\n1003,Zhang Wei,T2\n1004,陈静,T2\n",
        encoding="utf-8",
    )
    import_seats(floor, seats)
    import_agents(floor, agents)
    return floor


@pytest.fixture(scope="session")
def floor_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated floor file with seats and agents, copied for every site of every test."""
    folder = tmp_path_factory.mktemp("floor-template")
    floor = make_site_floor(folder)
    floor.db.dispose()  # closed: the WAL is checkpointed into the file, so a copy is whole
    return folder / "floor.db"


@pytest.fixture
def site_floor(tmp_path: Path, floor_template: Path) -> Callable[[str], Floor]:
    def factory(name: str) -> Floor:
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(floor_template, folder / "floor.db")
        # The journal's key and head travel with the file (each copy is the same floor).
        for sidecar in (key_path, head_path):
            if sidecar(floor_template).exists():
                shutil.copy(sidecar(floor_template), sidecar(folder / "floor.db"))
        database = Database(folder / "floor.db")
        schema.require_current(database)
        return Floor(
            db=database,
            clock=FakeClock(START),
            config=Config(timezone="UTC"),
            actor=Actor("duty1", "test:tty1"),
        )

    return factory
