"""Alerts with a lifecycle (issue 15): one alert per condition, escalated in place,
acknowledged by a person, resolved by itself; the claims stay exactly-once.

A fake clock; the scheduler's job (`run_due`) is called directly, never waited for.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import col, select

from floorman.clock import FakeClock
from floorman.data.tables.floor import Alert
from floorman.domain import alerts
from floorman.domain.alerts.bell import Bell
from floorman.domain.away import actions as away_actions
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import AlertKind, AlertState
from floorman.domain.seats.events import record_event
from floorman.domain.visitors import decisions, presence, registration
from floorman.runtime.scheduler import AlertScheduler


def rows(floor: Floor) -> list[Alert]:
    """The alerts (one per condition), as the panel and the CLI see them."""
    with floor.db.read() as session:
        return list(session.exec(select(Alert).where(col(Alert.state).is_not(None))).all())


def only(floor: Floor) -> Alert:
    (alert,) = rows(floor)
    return alert


def away(floor: Floor, seat: str = "A-01", agent: str = "1001") -> None:
    """An agent leaves without a slip (an unapproved away): its deadlines are planned."""
    record_event(floor, seat, "ready", agent_no=agent)
    record_event(floor, seat, "away")


@pytest.fixture
def scheduler(small_floor: Floor) -> AlertScheduler:
    return AlertScheduler(small_floor, lambda fired: None)


async def test_one_alert_escalates_in_place(
    small_floor: Floor, clock: FakeClock, scheduler: AlertScheduler
) -> None:
    away(small_floor)
    clock.advance(240)
    (warning,) = await scheduler.run_due()
    assert (warning.kind, warning.severity, warning.state) == ("away.warning", "warning", "active")
    clock.advance(60)
    (breach,) = await scheduler.run_due()
    assert breach.id == warning.id  # the same alert, louder
    assert (breach.kind, breach.severity) == ("away.breach", "breach")
    clock.advance(180)  # 8:00 unacknowledged: escalated
    (escalated,) = await scheduler.run_due()
    assert (escalated.id, escalated.severity) == (warning.id, "critical")
    clock.advance(120)  # severe (10:00) is quieter than escalated: nothing new to say
    assert await scheduler.run_due() == []
    alert = only(small_floor)
    assert (alert.severity, alert.state) == ("critical", "active")
    assert alert.escalated_at == clock.now() - timedelta(seconds=120)
    with small_floor.db.read() as session:
        merged = session.exec(select(Alert).where(Alert.merged_into == alert.id)).all()
    assert len(merged) == 3  # breach, escalation and severe fired into it, once each


async def test_acknowledged_then_escalated_is_active_again(
    small_floor: Floor, clock: FakeClock, scheduler: AlertScheduler
) -> None:
    away(small_floor)
    clock.advance(300)
    (alert,) = await scheduler.run_due()
    assert alert.severity == "breach"  # warning and breach came due together: one alert
    acked = alerts.acknowledge(small_floor, alert.id[:8], "agent called, on the way back")
    assert (acked.state, acked.acknowledged_by) == ("acknowledged", "duty1")
    assert acked.acknowledged_note == "agent called, on the way back"
    with small_floor.db.read() as session:
        assert alerts.active(session) == []
    clock.advance(180)  # the escalation is not due: the breach was acknowledged
    assert await scheduler.run_due() == []
    clock.advance(120)  # severe at 10:00: active again, at the new severity
    (severe,) = await scheduler.run_due()
    assert (severe.id, severe.severity, severe.state) == (alert.id, "severe", "active")
    alerts.acknowledge(small_floor, alert.id)
    with pytest.raises(FloorError, match="already acknowledged"):
        alerts.acknowledge(small_floor, alert.id)


async def test_back_resolves_at_once_and_nothing_fires_after(
    small_floor: Floor, clock: FakeClock, scheduler: AlertScheduler
) -> None:
    away(small_floor)
    clock.advance(300)
    (alert,) = await scheduler.run_due()
    record_event(small_floor, "A-01", "back")
    resolved = only(small_floor)
    assert (resolved.state, resolved.resolved_at) == ("resolved", clock.now())
    with small_floor.db.read() as session:
        assert alerts.active(session) == []
        assert alerts.pending(session) == []
    clock.advance(600)
    assert await scheduler.run_due() == []
    with pytest.raises(FloorError, match="already resolved"):
        alerts.acknowledge(small_floor, alert.id)


async def test_excusing_the_absence_resolves_its_alert(
    small_floor: Floor, clock: FakeClock, scheduler: AlertScheduler
) -> None:
    away(small_floor)
    clock.advance(300)
    await scheduler.run_due()
    away_actions.excuse(small_floor, "1001", "sent to the trainer")
    assert only(small_floor).state == AlertState.RESOLVED
    clock.advance(600)  # the agent is still out, excused: no severe, no escalation
    assert await scheduler.run_due() == []


async def test_the_sweep_resolves_what_ended_without_the_store_saying_so(
    small_floor: Floor, clock: FakeClock, scheduler: AlertScheduler
) -> None:
    away(small_floor)
    clock.advance(300)
    await scheduler.run_due()
    # A slip closed by a path that does not go through the away rules (a repair by hand).
    with small_floor.db.write() as session:
        from floorman.data.tables.away import AwaySlip

        slip = session.exec(select(AwaySlip)).one()
        slip.status = "back"
        session.add(slip)
    clock.advance(1)
    assert await scheduler.run_due() == []  # the tick: the sweep runs before any claim
    assert only(small_floor).state == AlertState.RESOLVED


async def test_visitor_out_resolves_the_overstay(
    small_floor: Floor, clock: FakeClock, scheduler: AlertScheduler
) -> None:
    visitor = registration.register(
        small_floor,
        registration.Registration(
            name="Zhang Wei",
            organisation="Billing dept",
            category="internal",
            purpose="Check the billing screens",
            host="Li Na",
            expected_minutes=30,
        ),
    )
    decisions.approve(small_floor, visitor.id)
    presence.check_in(small_floor, visitor.id)
    clock.advance(minutes=31)
    (overstay,) = await scheduler.run_due()
    assert overstay.kind == "visitor.overstay"
    presence.check_out(small_floor, visitor.id)
    assert only(small_floor).state == AlertState.RESOLVED


async def test_escalation_is_claimed_once_across_terminals(
    small_floor: Floor, clock: FakeClock
) -> None:
    away(small_floor)
    terminals = [
        AlertScheduler(replace(small_floor, actor=Actor("duty1", f"tty{n}")), lambda f: None)
        for n in range(3)
    ]
    clock.advance(240)
    first = [await t.run_due() for t in terminals]
    assert sorted(len(f) for f in first) == [0, 0, 1]
    clock.advance(60)
    second = [await t.run_due() for t in terminals]
    assert sorted(len(f) for f in second) == [0, 0, 1]  # the escalation, once
    assert only(small_floor).severity == "breach"
    with small_floor.db.read() as session:
        from floorman.data.tables.floor import JournalEntry

        actions = session.exec(
            select(JournalEntry.action).where(col(JournalEntry.action).like("alert.%"))
        ).all()
    assert sorted(actions) == ["alert.escalate", "alert.fire"]


async def test_acknowledge_many_is_all_or_nothing(
    small_floor: Floor, clock: FakeClock, scheduler: AlertScheduler
) -> None:
    away(small_floor, "A-01", "1001")
    away(small_floor, "A-02", "1002")
    clock.advance(300)
    fired = await scheduler.run_due()
    assert len(fired) == 2
    with pytest.raises(FloorError, match="no such alert"):
        alerts.acknowledge_many(small_floor, [fired[0].id, "ffffffff"])
    with small_floor.db.read() as session:
        assert len(alerts.active(session)) == 2  # nothing written
    done = alerts.acknowledge_all(small_floor, kind="away")
    assert sorted(v.id for v in done) == sorted(v.id for v in fired)
    with pytest.raises(FloorError, match="no active alert"):
        alerts.acknowledge_all(small_floor)


async def test_the_panel_order_and_the_places(
    small_floor: Floor, clock: FakeClock, scheduler: AlertScheduler
) -> None:
    away(small_floor, "A-01", "1001")
    clock.advance(60)
    away(small_floor, "B-01", "1003")
    clock.advance(190)  # A-01 4:10 (warning), B-01 3:10 (nothing yet)
    await scheduler.run_due()
    clock.advance(60)  # A-01 breach, B-01 warning
    await scheduler.run_due()
    away(small_floor, "A-02", "1002")
    clock.advance(240)
    await scheduler.run_due()  # A-02 warning; A-01 and B-01 move on
    record_event(small_floor, "A-02", "back")
    with small_floor.db.read() as session:
        listed = alerts.panel_rows(session, small_floor)
        in_b = alerts.alerts_list(session, small_floor, zone="B")
    assert [(v.seat, v.state) for v in listed] == [
        ("A-01", "active"),
        ("B-01", "active"),
        ("A-02", "resolved"),
    ]
    assert listed[0].agent == "Li Na (1001)" and listed[0].zone == "A"
    assert [v.seat for v in in_b] == ["B-01"]


def test_the_bell_rings_once_per_interval_and_not_when_silenced(clock: FakeClock) -> None:
    fired = [alerts.AlertView("id", "away.breach", "A-01", "breach", "", clock.now(), None, None)]
    bell = Bell(enabled=True, min_interval_seconds=30)
    assert bell.ring(fired, clock.now())
    clock.advance(29)
    assert not bell.ring(fired, clock.now())
    clock.advance(1)
    assert bell.ring(fired, clock.now())
    assert not bell.ring([], clock.now())
    assert bell.rung == 2
    silent = Bell(enabled=False)
    assert not silent.ring(fired, clock.now()) and silent.rung == 0


def test_alerts_config_reads_the_bell_and_refuses_a_non_boolean() -> None:
    from floorman.config import ConfigError, parse_config

    config = parse_config({"alerts": {"bell": False, "bell_min_seconds": 5}}, "test.toml")
    assert (config.alerts.bell, config.alerts.bell_min_seconds) == (False, 5)
    assert parse_config({}, "test.toml").alerts.bell is True
    with pytest.raises(ConfigError, match="must be true or false"):
        parse_config({"alerts": {"bell": "no"}}, "test.toml")


def test_cancelling_step_1_leaves_the_reminders_of_steps_10_to_19(small_floor: Floor) -> None:
    """An emergency's step keys share a prefix (`...:step:1`, `...:step:10`): ending
    step 1 cancels its own reminder only."""
    due = small_floor.clock.now() + timedelta(minutes=5)
    with small_floor.db.write() as session:
        for number in (1, 10, 19):
            alerts.schedule(
                session,
                small_floor,
                kind=AlertKind.EMERGENCY_REMINDER,
                subject="emergency:E1",
                due_at=due,
                dedupe_key=f"emergency:E1:step:{number}",
            )
        alerts.cancel(session, small_floor, dedupe_prefix="emergency:E1:step:1", exact=True)
    with small_floor.db.read() as session:
        left = {a.dedupe_key: a.cancelled_at for a in session.exec(select(Alert)).all()}
    assert left["emergency:E1:step:1"] is not None
    assert left["emergency:E1:step:10"] is None and left["emergency:E1:step:19"] is None
