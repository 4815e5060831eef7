"""The central URL: a password anywhere in it is refused; libpq settings pass untouched."""

from __future__ import annotations

import pytest

from floorman.data.central.connection import CentralUrlError, central_url, describe


@pytest.mark.parametrize(
    "text",
    [
        "postgresql://site:secret@db/central",
        "postgresql://site@db/central?password=secret",
        "postgres://:secret@db/central",
    ],
)
def test_a_password_is_refused_without_echoing_it(text):
    with pytest.raises(CentralUrlError, match="refusing a password") as refused:
        central_url(text)
    assert "secret" not in str(refused.value)


@pytest.mark.parametrize("text", ["mysql://db/central", "not a url", "sqlite:///x.db"])
def test_only_postgresql(text):
    with pytest.raises(CentralUrlError, match="not a PostgreSQL URL"):
        central_url(text)


def test_libpq_settings_pass_through_with_a_short_connect_timeout():
    url = central_url("postgresql://site@db:5433/central?sslmode=verify-full&service=hz")
    assert url.drivername == "postgresql+psycopg"
    assert url.query["sslmode"] == "verify-full" and url.query["service"] == "hz"
    assert url.query["connect_timeout"] == "5"
    assert describe(url) == "db:5433/central"
    assert central_url("postgresql:///c?connect_timeout=30").query["connect_timeout"] == "30"
