"""Connecting to the central PostgreSQL: psycopg 3, credentials from libpq, never argv.

A URL on the command line is visible to every user of the machine (`ps`), so one that
carries a password is refused; the password comes from libpq's own places: the service
file (PGSERVICE, PGSERVICEFILE), the password file (PGPASSFILE, ~/.pgpass) or PGPASSWORD.
Everything else in the URL (sslmode, sslrootcert, service...) goes to libpq untouched.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from floorman.translated import TranslatedError

CONNECT_TIMEOUT_S = 5
_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


class CentralError(TranslatedError, RuntimeError):
    """The central server cannot be used as asked (bad URL, refused, unreachable).

    A message id and values like every error a person reads (zh in region.toml); the
    server's own words (psycopg's detail) are a value, the sentence around them is said
    in the run's language."""


class CentralUrlError(CentralError):
    """The URL itself is unusable: bad input, exit 2."""


def central_url(text: str) -> URL:
    """The SQLAlchemy URL for `text`, refusing a password or another database."""
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise CentralUrlError("not a PostgreSQL URL: {url}", url=repr(text)) from exc
    if url.drivername not in _SCHEMES:
        raise CentralUrlError(
            "not a PostgreSQL URL (postgresql://...): {scheme}", scheme=url.drivername
        )
    if url.password is not None or "password" in url.query:
        raise CentralUrlError(
            "refusing a password in the central URL (others can read the command line): "
            "put it in the libpq password or service file (PGPASSFILE, PGSERVICEFILE)"
        )
    query = dict(url.query)
    query.setdefault("connect_timeout", str(CONNECT_TIMEOUT_S))
    query.setdefault("application_name", "floorman")
    return url.set(drivername="postgresql+psycopg", query=query)


def central_engine(text: str) -> Engine:
    """A small pool to the central server; dead connections are replaced before use."""
    return create_engine(central_url(text), pool_size=2, max_overflow=2, pool_pre_ping=True)


def describe(url: URL) -> str:
    """Where we connect, for messages: never credentials (there are none in the URL)."""
    host = url.host or url.query.get("host") or "local socket"
    return f"{host}:{url.port or 5432}/{url.database or ''}".rstrip("/")
