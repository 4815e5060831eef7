"""Alerts in the app: a real APScheduler started on mount, the bar, the bell, acknowledging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from floorman.data.tables.floor import Alert
from floorman.domain import alerts
from floorman.screens.floor import FloorScreen
from floorman.widgets.alert_bar import AlertBar
from tests.helpers import settle


async def test_overdue_alert_fires_at_start_and_is_acknowledged(
    small_floor, make_app, clock
) -> None:
    with small_floor.db.write() as session:
        alerts.schedule(
            session,
            small_floor,
            kind="away.breach",
            subject="A-01",
            severity="breach",
            message="away 5:00, limit reached",
            due_at=clock.now() - timedelta(minutes=1),
            dedupe_key="test:breach",
        )
    app = make_app()
    rings = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await settle(app, pilot)
        assert app.alert_scheduler.scheduler.running
        assert rings == [1]
        bar = app.screen.query_one(AlertBar)
        assert bar.has_class("-active")
        assert "▲ BREACH" in bar.render().plain and "A-01" in bar.render().plain
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        with small_floor.db.read() as session:
            alert = session.exec(select(Alert).where(Alert.kind == "away.breach")).one()
        assert alert.acknowledged_by == "duty1"
        app.check_database()
        app.refresh_extras()
        await settle(app, pilot)
        assert not app.screen.query_one(AlertBar).has_class("-active")
        assert isinstance(app.screen, FloorScreen)


async def test_pending_alert_gets_a_scheduler_job(small_floor, make_app, clock) -> None:
    # APScheduler keeps real time: put the fake clock at the real now so the job waits.
    clock.set(datetime.now(UTC))
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        app.check_database()  # baseline
        with small_floor.db.write() as session:
            alert = alerts.schedule(
                session,
                small_floor,
                kind="service.check",
                subject="check",
                due_at=clock.now() + timedelta(minutes=30),
                dedupe_key="test:check",
            )
        assert app.check_database() is True
        await settle(app, pilot)
        assert alert.id in app.alert_scheduler.job_ids
        clock.advance(minutes=30)
        fired = await app.alert_scheduler.run_due()
        # The floor's own handover reminders may fall due in these 30 minutes (real time).
        assert [a.id for a in fired if not a.kind.startswith("handover.")] == [alert.id]
