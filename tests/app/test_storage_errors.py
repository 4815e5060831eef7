"""A storage error in any screen's worker leaves the floor running and says so.

Each panel's reload, and the saves behind its keys and forms, meet a disk that refuses
(SQLite's "disk I/O error", a full disk, a read-only file): the app keeps running on the
same screen, the storage banner names the problem, a form keeps what was typed, and once
the disk is back the next tick's retry clears the banner. The errors are raised where a
real disk would raise them, in the domain call the worker makes.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
import sqlalchemy.exc
from textual.widgets import Input

from floorman.data.db import DatabaseError
from floorman.domain.away import actions as away_actions
from floorman.domain.away import views as away_views
from floorman.domain.core.errors import FloorError
from floorman.domain.emergency import lifecycle as emergency_lifecycle
from floorman.domain.handover import lifecycle as handover_lifecycle
from floorman.domain.seats.events import record_event
from floorman.domain.visitors import registration as visitors_registration
from floorman.screens.alerts import AlertsScreen
from floorman.screens.away import AwayScreen, ReasonModal, SendAwayModal
from floorman.screens.away_log import AwayLogScreen
from floorman.screens.emergency import EmergencyScreen, EmergencyTextModal
from floorman.screens.emergency_start import StartEmergencyModal
from floorman.screens.floor import FloorScreen
from floorman.screens.forms import FormModal
from floorman.screens.handover import HandoverScreen
from floorman.screens.reports import ReportsScreen
from floorman.screens.seat_detail import SeatDetailScreen
from floorman.screens.staffing import StaffingScreen
from floorman.screens.visitors import RegisterVisitorModal, VisitorsScreen
from floorman.widgets.storage_banner import StorageBanner
from tests.helpers import settle, type_text

DISK_IO = "disk I/O error"
DISK_FULL = "disk is full; nothing was written, free some space"


def disk_io_error(*_args: Any, **_kwargs: Any) -> Any:
    """What SQLAlchemy raises when SQLite cannot read or write the file."""
    raise sqlalchemy.exc.OperationalError(
        "SELECT 1", {}, sqlite3.OperationalError("disk I/O error")
    )


def disk_full(*_args: Any, **_kwargs: Any) -> Any:
    """What `Database.write()` raises when the disk is full (the refusal already worded)."""
    raise DatabaseError(f"floor.db: {DISK_FULL}")


def banner(app: Any) -> str:
    """What the storage banner of the full screen shown (under any form) says."""
    screen = next(s for s in reversed(app.screen_stack) if s.query(StorageBanner))
    return screen.query_one(StorageBanner).text


async def tick(app: Any, pilot: Any) -> None:
    app.tick()
    await settle(app, pilot)


async def open_panel(app: Any, pilot: Any, key: str, screen_class: type) -> Any:
    await settle(app, pilot)
    if key != "1":
        await pilot.press(key)
        await settle(app, pilot)
    assert isinstance(app.screen, screen_class)
    return app.screen


# panel key, screen, (module, attribute) of the domain call its reload makes, the reload
RELOADS = [
    ("1", FloorScreen, ("floorman.screens.floor", "journal_entries"), "reload"),
    ("2", AwayScreen, ("floorman.domain.away.views", "away_board"), "reload"),
    ("3", VisitorsScreen, ("floorman.domain.visitors.presence", "list_visitors"), "reload"),
    ("4", HandoverScreen, ("floorman.domain.handover.find", "get"), "reload"),
    ("5", EmergencyScreen, ("floorman.domain.emergency.views", "running"), "reload"),
    ("6", StaffingScreen, ("floorman.screens.staffing", "staffed_seats"), "reload_staffed"),
    ("7", ReportsScreen, ("floorman.screens.reports", "floor_report"), "action_generate"),
    ("8", AlertsScreen, ("floorman.domain.alerts.lifecycle", "panel_rows"), "reload"),
]


@pytest.mark.parametrize(
    ("key", "screen_class", "target", "reload"), RELOADS, ids=[r[1].__name__ for r in RELOADS]
)
async def test_a_reload_meeting_a_disk_error_keeps_the_panel_and_retries(
    make_app, monkeypatch, key, screen_class, target, reload
) -> None:
    module, name = target
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_panel(app, pilot, key, screen_class)
        with monkeypatch.context() as broken:
            broken.setattr(f"{module}.{name}", disk_io_error)
            getattr(screen, reload)()
            await settle(app, pilot)
            assert app.is_running and app.screen is screen
            assert DISK_IO in banner(app)
            await tick(app, pilot)  # retried on the tick, the disk still refuses
            assert app.is_running and DISK_IO in banner(app)
        await tick(app, pilot)  # the disk is back: the retry succeeds, the banner goes
        assert app.is_running and app.screen is screen
        assert banner(app) == ""


def _changed() -> Any:
    from floorman.messages import DatabaseChanged

    return DatabaseChanged(0)


async def test_the_away_log_and_the_seat_detail_reloads_keep_the_floor(
    small_floor, make_app, monkeypatch
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await open_panel(app, pilot, "2", AwayScreen)
        monkeypatch.setattr(away_views, "list_slips", disk_io_error)
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, AwayLogScreen) and app.is_running
        assert DISK_IO in banner(app)
        monkeypatch.undo()
        await tick(app, pilot)
        assert banner(app) == ""
        await pilot.press("escape", "1")
        await settle(app, pilot)
        monkeypatch.setattr("floorman.screens.seat_detail.seat_history", disk_io_error)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SeatDetailScreen) and app.is_running
        assert DISK_IO in banner(app)


async def test_the_header_reload_keeps_the_floor(make_app, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr("floorman.app.header_items", disk_io_error)
        app.refresh_extras()
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, FloorScreen)
        assert DISK_IO in banner(app)


async def test_a_full_disk_keeps_the_send_away_form_with_what_was_typed(
    small_floor, make_app, monkeypatch
) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await open_panel(app, pilot, "2", AwayScreen)
        monkeypatch.setattr(away_actions, "send_away", disk_full)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, SendAwayModal)
        await type_text(pilot, "1001")
        await pilot.press("enter")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, SendAwayModal) and app.is_running
        assert form.query_one("#form-agent", Input).value == "1001"
        assert "Not saved: floor.db: disk is full" in form.query_one("#form-error").render().plain
        assert DISK_FULL in banner(app)
        monkeypatch.undo()  # space freed: the same form saves on the next Enter
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AwayScreen)
        assert banner(app) == ""
        assert [v.agent for v in away_views.away_board(small_floor)] == ["1001"]


async def test_a_refusal_keeps_the_form_open_with_the_text_typed(small_floor, make_app) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    away_actions.send_away(small_floor, "1001", "toilet")
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await open_panel(app, pilot, "2", AwayScreen)
        await pilot.press("r")  # only a request can be rejected, not a running slip
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonModal)
        await type_text(pilot, "doctor said so")
        await pilot.press("enter")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ReasonModal) and app.is_running
        assert form.query_one("#form-reason", Input).value == "doctor said so"
        assert form.query_one("#form-error").render().plain  # the domain's reason, inside
        assert banner(app) == ""  # a refusal is not a storage problem


async def test_a_full_disk_on_a_table_key_keeps_the_panel(small_floor, make_app, monkeypatch):
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    away_actions.send_away(small_floor, "1001", "toilet")
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_panel(app, pilot, "2", AwayScreen)
        monkeypatch.setattr(away_actions, "back", disk_full)
        await pilot.press("b")
        await settle(app, pilot)
        assert app.is_running and app.screen is screen
        assert DISK_FULL in banner(app)


async def test_visitor_registration_on_a_full_disk_keeps_the_form(make_app, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await open_panel(app, pilot, "3", VisitorsScreen)
        monkeypatch.setattr(visitors_registration, "register", disk_full)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, RegisterVisitorModal)
        await type_text(pilot, "Zhao Lei")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, RegisterVisitorModal) and app.is_running
        assert form.query_one("#form-name", Input).value == "Zhao Lei"
        assert DISK_FULL in banner(app)


async def test_handover_compose_and_its_text_form_on_a_disk_error(make_app, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_panel(app, pilot, "4", HandoverScreen)
        with monkeypatch.context() as broken:
            broken.setattr(handover_lifecycle, "compose", disk_io_error)
            await pilot.press("c")
            await settle(app, pilot)
            assert app.is_running and app.screen is screen
            assert DISK_IO in banner(app)
        await pilot.press("c")  # the disk is back: composing works
        await settle(app, pilot)
        monkeypatch.setattr(handover_lifecycle, "edit", disk_full)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal)
        await type_text(pilot, "Hotline slow")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormModal) and app.is_running
        assert "Hotline slow" in app.screen.value("text")
        assert DISK_FULL in banner(app)


async def test_emergency_start_and_wording_on_a_disk_error(make_app, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        with monkeypatch.context() as broken:
            broken.setattr(emergency_lifecycle, "start", disk_full)
            await pilot.press("exclamation_mark")
            await settle(app, pilot)
            assert isinstance(app.screen, StartEmergencyModal)
            await pilot.press("1")
            await settle(app, pilot)
            assert app.is_running and isinstance(app.screen, StartEmergencyModal)
            assert DISK_FULL in banner(app)
        await pilot.press("d", "1")  # a drill, now that the disk is back
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyScreen)
        monkeypatch.setattr(emergency_lifecycle, "set_wording", disk_io_error)
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyTextModal)
        await type_text(pilot, "Drill")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyTextModal) and app.is_running
        assert DISK_IO in banner(app)


async def test_a_report_export_on_a_full_disk_keeps_the_reports(make_app, monkeypatch) -> None:
    def no_space(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_panel(app, pilot, "7", ReportsScreen)
        monkeypatch.setattr("floorman.screens.reports.export_report", no_space)
        await pilot.press("e")
        await settle(app, pilot)
        assert app.is_running and app.screen is screen
        assert "No space left on device" in banner(app)


async def test_a_bug_in_a_worker_still_fails_loudly(make_app, monkeypatch) -> None:
    """Only refusals and storage errors are handled; anything else is not swallowed."""

    def bug(*_args: Any, **_kwargs: Any) -> Any:
        raise ZeroDivisionError("a bug")

    app = make_app()
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=(160, 50)) as pilot:
            await open_panel(app, pilot, "2", AwayScreen)
            monkeypatch.setattr(away_views, "away_board", bug)
            app.screen.post_message(_changed())
            await settle(app, pilot)
            await pilot.pause()
    assert not app.is_running


def test_floor_errors_are_not_storage_errors() -> None:
    from floorman.screens.workers import is_storage_error

    assert not is_storage_error(FloorError("no such away slip"))
    assert is_storage_error(DatabaseError("read-only"))
