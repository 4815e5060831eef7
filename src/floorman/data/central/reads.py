"""One read-only statement on the central server, in one round trip.

HQ's region report reads its sites' journals with one statement. What scopes it (BEGIN
READ ONLY, JIT off, the statement, COMMIT) goes in one psycopg pipeline, so the driver
waits once: before, it waited for its own BEGIN, for each statement and for the pool's
ROLLBACK. JIT compilation is off for the statement: the planner's estimate for a site with
a month of history, or for many sites, passes PostgreSQL's default threshold, and
compiling it took 180 ms, several times the statement's work. Rows come from the DB-API
cursor (psycopg's placeholders): SQLAlchemy's Row objects for them cost as much again.
"""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy import Engine

from floorman.data.central.connection import CentralError


def read_at_once(engine: Engine, statement: str, params: dict[str, Any]) -> list[Any]:
    """The statement's rows; a refusal or a failure of the server is one CentralError line."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        driver: Any = conn.connection.dbapi_connection
        try:
            with driver.cursor() as scope, driver.cursor() as rows:
                with driver.pipeline():
                    scope.execute("BEGIN READ ONLY")
                    scope.execute("SET LOCAL jit = off")
                    rows.execute(statement, params)
                    scope.execute("COMMIT")
                return list(rows.fetchall())
        except psycopg.Error as exc:
            detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise CentralError("central server: {detail}", detail=detail) from exc
