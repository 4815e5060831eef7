"""Fixtures for Pilot tests: the app over a real temporary database and a fake clock."""

from __future__ import annotations

import pytest

from floorman.app import FloormanApp


@pytest.fixture
def make_app(small_floor):
    def factory(**kwargs) -> FloormanApp:
        # No watcher thread: tests call app.check_database() themselves (no sleeping).
        return FloormanApp(small_floor, poll=False, **kwargs)

    return factory
