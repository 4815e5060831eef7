"""Pilot walk of the visitors screen: register, approve, check in and out from the keyboard."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import select

from floorman.data.tables.visitors import Visitor
from floorman.domain.visitors import decisions, presence, registration
from floorman.domain.visitors.registration import Registration
from floorman.screens.roll_call import RollCallModal
from floorman.screens.visitors import (
    RegisterVisitorModal,
    RejectVisitorModal,
    VisitorsScreen,
)
from tests.helpers import settle, type_text


def stored(floor) -> list[Visitor]:
    with floor.db.read() as session:
        return list(session.exec(select(Visitor)).all())


def table_text(app) -> str:
    table = app.screen.query_one("#visitors-table")
    rows = range(table.row_count)
    return "\n".join(" | ".join(str(c) for c in table.get_row_at(i)) for i in rows)


async def test_register_approve_check_in_and_out_from_the_keyboard(
    small_floor, make_app, clock
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        assert isinstance(app.screen, VisitorsScreen)

        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, RegisterVisitorModal)
        # Category stays "another department"; the cursor starts on the name.
        await type_text(pilot, "Zhang Wei")
        await pilot.press("tab")
        await type_text(pilot, "Billing")
        await pilot.press("tab")
        await type_text(pilot, "audit")
        await pilot.press("tab")
        await type_text(pilot, "Li Na")
        await pilot.press("tab", "tab")  # no escort needed
        await type_text(pilot, "13812345678")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VisitorsScreen)
        (row,) = stored(small_floor)
        assert (row.name, row.organisation, row.host, row.status) == (
            "Zhang Wei",
            "Billing",
            "Li Na",
            "pending",
        )
        text = table_text(app)
        assert "P pending" in text and "*******5678" in text and "13812345678" not in text

        await pilot.press("i")  # refused: not approved yet
        await settle(app, pilot)
        assert stored(small_floor)[0].checked_in_at is None

        await pilot.press("a")
        await settle(app, pilot)
        assert stored(small_floor)[0].status == "approved"
        assert stored(small_floor)[0].decided_by == "duty1"

        await pilot.press("i")
        await settle(app, pilot)
        assert stored(small_floor)[0].checked_in_at == clock.now()
        assert "F on floor" in table_text(app)

        clock.advance(minutes=61)
        app.tick()
        await settle(app, pilot)
        assert "! overstay" in table_text(app)

        await pilot.press("o")
        await settle(app, pilot)
        assert stored(small_floor)[0].checked_out_at == clock.now()
        assert "L left" in table_text(app)


async def test_form_shows_refusals_and_keeps_the_form_open(small_floor, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("enter")  # empty name
        await settle(app, pilot)
        assert isinstance(app.screen, RegisterVisitorModal)
        error = str(app.screen.query_one("#form-error").render())
        assert "name must not be empty" in error
        assert stored(small_floor) == []
        await pilot.press("escape")
        assert isinstance(app.screen, VisitorsScreen)


async def test_reject_and_roll_call(small_floor, make_app, clock) -> None:
    form = Registration(
        name="John Smith",
        organisation="Acme",
        category="external",
        purpose="sales",
        host="Li Na",
        escort="Wang Fang",
    )
    registration.register(small_floor, form)
    clock.advance(60)  # rows are listed in order of registration
    on_floor = registration.register(
        small_floor,
        Registration(
            name="Chen Jie",
            organisation="IT",
            category="internal",
            purpose="repair",
            host="Li Na",
        ),
    )
    decisions.approve(small_floor, on_floor.id)
    presence.check_in(small_floor, on_floor.id)
    # A duty manager at the screen (on an open floor, role None could approve anyone).
    small_floor.actor = replace(small_floor.actor, role="duty_manager")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("a")  # external: the duty manager may not approve
        await settle(app, pilot)
        john = next(v for v in stored(small_floor) if v.name == "John Smith")
        assert john.status == "pending"
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, RejectVisitorModal)
        await type_text(pilot, "no appointment")
        await pilot.press("enter")
        await settle(app, pilot)
        john = next(v for v in stored(small_floor) if v.name == "John Smith")
        assert (john.status, john.reject_reason) == ("rejected", "no appointment")

        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, RollCallModal)
        table = app.screen.query_one("#roll-call-table")
        assert table.row_count == 1 and "Chen Jie" in str(table.get_row_at(0))
        await pilot.press("enter")
        await settle(app, pilot)
        # As the table draws it: a plain "[x]" string would be read as markup and vanish.
        from textual.widgets._data_table import default_cell_formatter

        drawn = default_cell_formatter(table.get_row_at(0)[1])
        assert getattr(drawn, "plain", None) == "[x]"
        await pilot.press("escape")
        assert isinstance(app.screen, VisitorsScreen)


async def test_screen_speaks_chinese(small_floor, make_app) -> None:
    from floorman.i18n import set_language

    set_language("zh")
    try:
        app = make_app()
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("3")
            await settle(app, pilot)
            summary = str(app.screen.query_one("#visitors-summary").render())
            assert summary.startswith("来访 · 在场 0 人")
            table = app.screen.query_one("#visitors-table")
            labels = [str(c.label) for c in table.columns.values()]
            assert "姓名" in labels and "陪同人" in labels
    finally:
        set_language("en")


def drawn_rows(app) -> list[str]:
    """The table's rows as the terminal shows them (cut to the column widths)."""
    table = app.screen.query_one("#visitors-table")
    return [table.render_line(y).text for y in range(1, table.row_count + 1)]


async def walk_one_visitor_onto_the_floor(small_floor, app, pilot, clock) -> list[str]:
    """Register before the screen opens, then approve and check in from the keyboard.

    The State and In cells change after the row was first drawn: the columns must
    already be wide enough for every state label and for HH:MM.
    """
    registration.register(
        small_floor,
        Registration(
            name="Zhang Wei",
            organisation="Billing",
            category="internal",
            purpose="audit",
            host="Li Na",
        ),
    )
    clock.advance(minutes=7 * 60 + 16)  # 15:16 on the floor's clock (UTC)
    await settle(app, pilot)
    await pilot.press("3")
    await settle(app, pilot)
    await pilot.press("a")
    await settle(app, pilot)
    await pilot.press("i")
    await settle(app, pilot)
    return drawn_rows(app)


async def test_state_and_times_are_not_cut_when_a_visitor_moves_on(
    small_floor, make_app, clock
) -> None:
    app = make_app()
    async with app.run_test(size=(200, 40)) as pilot:
        (row,) = await walk_one_visitor_onto_the_floor(small_floor, app, pilot, clock)
        assert "F on floor" in row
        assert "15:16" in row
        clock.advance(minutes=61)
        app.tick()
        await settle(app, pilot)
        (row,) = drawn_rows(app)
        assert "! overstay" in row


async def test_state_and_times_are_not_cut_in_chinese(small_floor, make_app, clock) -> None:
    from floorman.i18n import set_language

    set_language("zh")
    try:
        app = make_app()
        async with app.run_test(size=(200, 40)) as pilot:
            (row,) = await walk_one_visitor_onto_the_floor(small_floor, app, pilot, clock)
            assert "F 在场" in row
            assert "15:16" in row
    finally:
        set_language("en")
