"""The APScheduler wrapper: jobs rebuilt from the database, one claim across terminals."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from floorman.clock import FakeClock
from floorman.data.db import Database
from floorman.domain import alerts
from floorman.domain.alerts import AlertView
from floorman.domain.core.context import Actor, Floor
from floorman.domain.seats.events import record_event
from floorman.runtime.scheduler import HEARTBEAT_ID, AlertScheduler


def add_alert(floor: Floor, key: str, after_seconds: float) -> str:
    with floor.db.write() as session:
        alert = alerts.schedule(
            session,
            floor,
            kind="test.deadline",
            subject=key,
            due_at=floor.clock.now() + timedelta(seconds=after_seconds),
            dedupe_key=key,
        )
        return alert.id


class Collector:
    """An on_fired callback that keeps what it was handed."""

    def __init__(self) -> None:
        self.batches: list[list[AlertView]] = []

    def __call__(self, fired: list[AlertView]) -> None:
        self.batches.append(fired)

    @property
    def ids(self) -> list[str]:
        return [a.id for batch in self.batches for a in batch]


# The fake clock starts on a real date that may already be past by the wall clock, so a
# started scheduler would run such jobs on its own; tests that drive the job function
# themselves start it paused.


async def test_start_builds_one_job_per_pending_alert(floor: Floor) -> None:
    first = add_alert(floor, "one", 60)
    second = add_alert(floor, "two", 120)
    scheduler = AlertScheduler(floor, Collector())
    try:
        assert await scheduler.start(paused=True) == []
        assert scheduler.job_ids == {first, second}
        job = scheduler.scheduler.get_job(first)
        assert job is not None
        assert job.misfire_grace_time is None and job.coalesce is True
        assert job.next_run_time == floor.clock.now() + timedelta(seconds=60)
        heartbeat = scheduler.scheduler.get_job(HEARTBEAT_ID)
        assert heartbeat is not None and heartbeat.trigger.interval == timedelta(seconds=60)
    finally:
        scheduler.shutdown()


async def test_job_fires_the_alert_once_and_hands_it_over(floor: Floor, clock: FakeClock) -> None:
    alert_id = add_alert(floor, "due", 30)
    collector = Collector()
    scheduler = AlertScheduler(floor, collector)
    try:
        await scheduler.start(paused=True)
        assert collector.ids == []
        clock.advance(30)
        fired = await scheduler.run_due()  # what the date job calls at its run time
        assert [a.id for a in fired] == [alert_id] and collector.ids == [alert_id]
        assert await scheduler.run_due() == []
        await scheduler.sync()
        assert scheduler.job_ids == set()  # nothing pending, so no job kept for it
    finally:
        scheduler.shutdown()


async def test_sync_adds_and_removes_jobs(floor: Floor) -> None:
    scheduler = AlertScheduler(floor, Collector())
    try:
        await scheduler.start(paused=True)
        assert scheduler.job_ids == set()
        alert_id = add_alert(floor, "away:x:warning", 90)
        await scheduler.sync()
        assert scheduler.job_ids == {alert_id}
        with floor.db.write() as session:
            alerts.cancel(session, floor, dedupe_prefix="away:x:")
        await scheduler.sync()
        assert scheduler.job_ids == set()
    finally:
        scheduler.shutdown()


async def test_alert_due_while_closed_fires_on_start(
    floor: Floor, clock: FakeClock, db_path: Path
) -> None:
    alert_id = add_alert(floor, "overnight", 300)
    floor.db.dispose()  # floorman closed
    clock.advance(3600)
    reopened = Floor(db=Database(db_path), clock=clock, config=floor.config, actor=floor.actor)
    collector = Collector()
    scheduler = AlertScheduler(reopened, collector)
    try:
        fired = await scheduler.start(paused=True)
        assert [a.id for a in fired] == [alert_id]
        assert collector.ids == [alert_id]
        assert scheduler.job_ids == set()
    finally:
        scheduler.shutdown()
        reopened.db.dispose()


async def test_three_terminals_claim_each_alert_once(
    floor: Floor, clock: FakeClock, db_path: Path
) -> None:
    ids = {add_alert(floor, f"shared-{n}", 10) for n in range(5)}
    clock.advance(10)
    terminals = [
        Floor(
            db=Database(db_path),
            clock=clock,
            config=floor.config,
            actor=Actor(f"duty{n}", f"host:tty{n}"),
        )
        for n in range(3)
    ]
    collectors = [Collector() for _ in terminals]
    schedulers = [AlertScheduler(t, c) for t, c in zip(terminals, collectors, strict=True)]
    try:
        results = await asyncio.gather(*(s.run_due() for s in schedulers))
        claimed = [a.id for batch in results for a in batch]
        assert sorted(claimed) == sorted(ids)  # every alert once, none twice
        assert sum(len(c.ids) for c in collectors) == len(ids)
        with floor.db.read() as session:
            active = alerts.active(session)
            assert alerts.pending(session) == []
        assert sorted(a.id for a in active) == sorted(ids)  # every terminal shows them all
    finally:
        for terminal in terminals:
            terminal.db.dispose()


async def test_apscheduler_itself_runs_an_overdue_job(floor: Floor, clock: FakeClock) -> None:
    """A job whose time already passed runs at the scheduler's next wake-up (no waiting)."""
    done = asyncio.Event()
    collector = Collector()

    def on_fired(fired: list[AlertView]) -> None:
        collector(fired)
        done.set()

    scheduler = AlertScheduler(floor, on_fired)
    try:
        await scheduler.start()
        clock.advance(5)
        alert_id = add_alert(floor, "already-due", -1)
        await scheduler.sync()
        scheduler.scheduler.wakeup()
        await asyncio.wait_for(done.wait(), timeout=5)
        assert collector.ids == [alert_id]
    finally:
        scheduler.shutdown()


async def test_a_broken_callback_does_not_lose_the_claim(floor: Floor, clock: FakeClock) -> None:
    def broken(_fired: list[AlertView]) -> None:
        raise RuntimeError("screen gone")

    alert_id = add_alert(floor, "x", 1)
    clock.advance(1)
    scheduler = AlertScheduler(floor, broken)
    fired = await scheduler.run_due()
    assert [a.id for a in fired] == [alert_id]


async def test_acknowledged_breach_escalation_cancelled_before_firing(
    small_floor: Floor, clock: FakeClock
) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "A-01", "away")
    collector = Collector()
    scheduler = AlertScheduler(small_floor, collector)
    try:
        await scheduler.start(paused=True)
        assert len(scheduler.job_ids) == 4
        clock.advance(300)
        fired = await scheduler.run_due()
        breach = next(a for a in fired if a.kind == "away.breach")
        alerts.acknowledge(small_floor, breach.id)
        clock.advance(180)
        assert await scheduler.run_due() == []
        clock.advance(120)  # severe, at 10:00
        assert [a.kind for a in await scheduler.run_due()] == ["away.severe"]
    finally:
        scheduler.shutdown()


async def test_unacknowledged_breach_escalates_through_the_scheduler(
    small_floor: Floor, clock: FakeClock
) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "A-01", "away")
    scheduler = AlertScheduler(small_floor, Collector())
    clock.advance(480)
    # Warning, breach and escalation all came due: one alert, escalated in place.
    fired = await scheduler.run_due()
    assert [(a.kind, a.severity) for a in fired] == [("away.escalation", "critical")]
    with small_floor.db.read() as session:
        assert [a.id for a in alerts.active(session)] == [fired[0].id]
