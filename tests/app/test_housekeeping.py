"""The app's own duties: scheduled backups and the retention purge, even with nobody logged in."""

from __future__ import annotations

from floorman.data.backup import backup_dir, list_backups
from floorman.domain.core.context import Actor
from floorman.domain.operators.management import add_operator
from floorman.domain.visitors import registration
from floorman.domain.visitors import views as visitor_views
from tests.helpers import workers_done


async def test_backups_and_purge_run_with_nobody_logged_in(small_floor, make_app, clock) -> None:
    form = registration.Registration(
        name="Zhao Lei",
        organisation="IT",
        category="internal",
        purpose="fix a switch",
        host="Li Na",
        phone="13812345678",
    )
    view = registration.register(small_floor, form)
    clock.advance(days=40)  # registered, never came in: past the 30-day retention
    add_operator(small_floor, "boss", "director", "123456")  # the floor is closed now
    small_floor.actor = Actor("nobody", "t")  # not logged in
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await workers_done(app)
        await pilot.pause()
    kinds = {b.kind for b in list_backups(backup_dir(small_floor.db.path))}
    assert kinds == {"hourly", "daily"}
    with small_floor.db.read() as session:
        purged = visitor_views.get_visitor(session, view.id)
    assert purged.name == "(purged)"
    assert purged.phone is None


async def test_attendance_summary_reminder_is_scheduled(small_floor, make_app) -> None:
    from sqlmodel import select

    from floorman.data.tables.floor import Alert

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await workers_done(app)
        await pilot.pause()
    with small_floor.db.read() as session:
        reminders = session.exec(select(Alert).where(Alert.kind == "attendance.summary")).all()
    assert [(a.due_at.month, a.due_at.day) for a in reminders] == [(12, 21)]


async def test_a_refused_write_says_so_and_the_floor_stays(small_floor, make_app) -> None:
    from floorman.data.db import DatabaseError
    from floorman.screens.floor import FloorScreen

    app = make_app()
    shown: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await workers_done(app)
        original = app.notify

        def notify(message, **kwargs):  # type: ignore[no-untyped-def]
            shown.append(str(message))
            return original(message, **kwargs)

        app.notify = notify  # type: ignore[method-assign]

        def refused() -> None:
            raise DatabaseError("database is read-only (a disk problem); nothing was written")

        app.run_in_thread(refused, lambda _result: None)
        await workers_done(app)
        await pilot.pause()
        assert any(m.startswith("Not saved: database is read-only") for m in shown)
        assert app.is_running and isinstance(app.screen, FloorScreen)
