"""`floorman serve` with no terminal open: alerts fire and escalate under a fake clock,
a second service is refused, the daily check raises an alert, the health line tells.

The service's steps are called directly (never a sleep for a timer): `start(paused=True)`
keeps APScheduler's own timers still, and the tests call what its jobs call.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import select

from floorman.data.tables.floor import Alert
from floorman.domain import alerts
from floorman.domain.core.context import Actor, Floor
from floorman.domain.seats.events import record_event
from floorman.service.health import read_health, status
from floorman.service.lock import ServiceAlreadyRunning, running_pid
from floorman.service.runner import FloorService


def service_floor(floor: Floor) -> Floor:
    return Floor(
        db=floor.db, clock=floor.clock, config=floor.config, actor=Actor("serve", "host:serve")
    )


async def test_an_away_past_its_limit_fires_and_escalates_with_no_terminal(small_floor, clock):
    service = FloorService(service_floor(small_floor))
    await service.start(paused=True)
    try:
        record_event(small_floor, "A-01", "ready", agent_no="1001")
        record_event(small_floor, "A-01", "away", reason="toilet")  # no slip: unapproved
        assert await service.watch() is True  # the CLI's write is seen
        assert len(service.scheduler.job_ids) >= 3  # warning, breach, escalation, severe
        clock.advance(240)
        assert [a.kind for a in await service.scheduler.run_due()] == ["away.warning"]
        clock.advance(60)
        assert [a.kind for a in await service.scheduler.run_due()] == ["away.breach"]
        clock.advance(180)  # nobody acknowledged the breach within 3 minutes
        assert [a.kind for a in await service.scheduler.run_due()] == ["away.escalation"]
        assert await service.scheduler.run_due() == []  # each fires once
        with small_floor.db.read() as session:
            fired = session.exec(select(Alert).where(Alert.fired_by == "host:serve")).all()
        # Three deadlines fired by the service, one alert: the warning's, escalated in place.
        assert len(fired) == 3
        assert [(a.kind, a.severity) for a in fired if a.state] == [("away.escalation", "critical")]
        assert service.last_fired is not None and service.last_fired.kind == "away.escalation"
    finally:
        await service.stop()


async def test_a_terminal_and_the_service_fire_an_alert_once(small_floor, clock):
    from floorman.runtime.scheduler import AlertScheduler

    service = FloorService(service_floor(small_floor))
    await service.start(paused=True)
    terminal = AlertScheduler(small_floor, lambda fired: None)
    try:
        record_event(small_floor, "A-02", "ready", agent_no="1002")
        record_event(small_floor, "A-02", "away")
        clock.advance(300)
        by_service = await service.scheduler.run_due()
        by_terminal = await terminal.run_due()
        kinds = [a.kind for a in by_service + by_terminal]
        assert kinds == ["away.breach"]  # warning and breach due together: one alert, once
    finally:
        await service.stop()


async def test_a_second_service_on_one_database_is_refused(small_floor):
    first = FloorService(service_floor(small_floor))
    await first.start(paused=True)
    try:
        assert running_pid(small_floor.db.path) is not None
        second = FloorService(service_floor(small_floor))
        with pytest.raises(ServiceAlreadyRunning, match="already runs on this database"):
            await second.start(paused=True)
    finally:
        await first.stop()
    assert running_pid(small_floor.db.path) is None
    again = FloorService(service_floor(small_floor))  # the lock is free once stopped
    await again.start(paused=True)
    await again.stop()


async def test_start_takes_the_backups_and_reports_health(small_floor, clock):
    service = FloorService(service_floor(small_floor))
    await service.start(paused=True)
    try:
        health = read_health(small_floor.db.path)
        assert health is not None and health["scheduler"]["state"] == "running"
        report = status(small_floor)
        assert report["service"]["running"] is True and report["service"]["stale"] is False
        assert report["last_backup"]["kind"] in ("hourly", "daily")
        assert report["last_check"]["sound"] is True
        clock.advance(20)
        assert status(small_floor)["service"]["stale"] is False
        clock.advance(3600)  # wrote nothing for an hour by the floor's clock: stuck
        assert status(small_floor)["service"]["stale"] is True
    finally:
        await service.stop()
    report = status(small_floor)
    assert report["service"]["running"] is False
    assert report["service"]["stopped_at"] is not None


async def test_a_failed_daily_check_raises_a_severe_alert_once(small_floor, clock):
    with small_floor.db.write() as session:
        session.execute(text("DROP TRIGGER journal_no_update"))  # the journal can be edited
    service = FloorService(service_floor(small_floor))
    await service.start(paused=True)
    try:
        assert service.last_check is not None and not service.last_check.sound
        await service.duties()  # the same day: not checked again
        clock.advance(1)
        fired = await service.scheduler.run_due()
        assert [(a.kind, a.severity) for a in fired] == [("service.check", "severe")]
        # How many, and where to read them in the floor's language (the log names them).
        assert "Daily check found 1 problem(s); run `floorman check`" in fired[0].message
        assert "journal_no_update" in service.last_check.problems[0]
        with small_floor.db.read() as session:
            assert [a.kind for a in alerts.active(session)] == ["service.check"]
        clock.advance(days=1)
        await service.duties()  # the next day: checked (and alerted) again
        fired = await service.scheduler.run_due()  # (the handover reminders too, a day on)
        assert [a.kind for a in fired if a.kind == "service.check"] == ["service.check"]
    finally:
        await service.stop()
