"""`floorman serve` with `[sync]`: the floor host sends the floor to HQ with no `sync` run."""

from __future__ import annotations

import dataclasses
import time

import pytest
from sqlalchemy import func, select

from floorman.config import ConfigError, SyncConfig, parse_config
from floorman.data import journal
from floorman.data.central import tables as central_tables
from floorman.domain.core.context import Actor, Floor
from floorman.domain.seats.events import record_event
from floorman.service.runner import FloorService
from tests.helpers import floorman


def served(floor: Floor, url: str) -> Floor:
    sync = SyncConfig(central=url, interval_seconds=0.05, snapshot_every_seconds=0)
    config = dataclasses.replace(floor.config, sync=sync)
    return Floor(db=floor.db, clock=floor.clock, config=config, actor=Actor("serve", "h:serve"))


def central_rows(central, site: str) -> int:
    with central.admin.connect() as conn:
        table = central_tables.journal
        return int(
            conn.execute(select(func.count()).where(table.c.site == site)).scalar_one()
        )


async def test_the_service_sends_the_journal_and_says_so_in_its_health(central, site_floor):
    floor = site_floor("hz")
    service = FloorService(served(floor, central.add_site("hz")), feeds=False)
    await service.start(paused=True)
    try:
        record_event(floor, "A-01", "ready", agent_no="1001")
        with floor.db.read() as session:
            written = journal.count(session)
        # The sync thread runs on its own against the real server: wait for its effect.
        deadline = time.monotonic() + 20
        while central_rows(central, "hz") < written and time.monotonic() < deadline:
            time.sleep(0.05)
        assert central_rows(central, "hz") == written
        health = service.health()["sync"]
        assert health["state"] == "sending" and health["last_error"] == ""
        assert "password" not in health["central"]
    finally:
        await service.stop()
    assert service.health()["sync"]["state"] == "stopped"


def test_a_bad_sync_section_is_one_line_and_exit_2(tmp_path):
    with pytest.raises(ConfigError, match=r"sync\.interval_seconds"):
        parse_config({"sync": {"interval_seconds": float("nan")}}, "floorman.toml")
    config = tmp_path / "floorman.toml"
    config.write_text('[sync]\ncentral = "postgresql://site:secret@127.0.0.1/central"\n')
    result = floorman("serve", db=tmp_path / "f.db", config=config)
    assert result.returncode == 2
    assert "refusing a password" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
