"""Pilot walk of the handover screen: compose, submit and acknowledge from the keyboard alone.

Every key pressed goes through `Keys.press`, which counts them: the walk of a typical
shift (a summary, one open item, every section reviewed) must stay short enough for a
person to do in well under two minutes.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from textual.widgets import Input, Static, TextArea

from floorman.domain.core.context import Actor
from floorman.domain.handover import find, lifecycle, open_items, views
from floorman.domain.seats.events import record_event
from floorman.screens.handover import FormModal, HandoverScreen, HistoryModal, TextModal
from floorman.screens.handover_submit import SubmitHandoverModal
from tests.helpers import settle


class Keys:
    """Presses keys through the Pilot and counts every one."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)

    async def type(self, text: str) -> None:
        await self.press(*["space" if ch == " " else ch for ch in text])


def header(app) -> str:
    return str(app.screen.query_one("#handover-header").render())


def title_of(app) -> str:
    return str(app.screen.query_one("#form-title").render())


def content(app) -> str:
    return str(app.screen.query_one("#handover-content").render())


async def test_compose_submit_acknowledge_from_the_keyboard(small_floor, make_app, clock) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "B-01", "fault", reason="no dial tone")
    outgoing = dataclasses.replace(small_floor, actor=Actor("Wang", "test:tty1"))
    app = make_app()
    app.floor = outgoing
    async with app.run_test(size=(140, 40)) as pilot:
        keys = Keys(pilot)
        await settle(app, pilot)
        await keys.press("4")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert "press c to compose" in header(app)

        # The outgoing duty manager: compose (prefilled), summary, one open item, submit.
        await keys.press("c")
        await settle(app, pilot)
        assert "D draft" in header(app) and "2026-11-23/08:00-16:00" in header(app)
        await keys.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, TextModal)
        await keys.type("B-01 down since 8")
        await keys.press("ctrl+s")
        await settle(app, pilot)
        await keys.press("a")
        await settle(app, pilot)
        await keys.type("Call IT about B-01")
        await keys.press("tab")
        await keys.type("IT")
        await keys.press("enter")
        await settle(app, pilot)
        clock.advance(hours=7, minutes=55)
        await keys.press("s")  # asks first: nobody is assigned to the next shift
        await settle(app, pilot)
        assert isinstance(app.screen, SubmitHandoverModal)
        assert "No incoming duty manager is assigned" in title_of(app)
        await keys.press("enter")
        await settle(app, pilot)
        assert "S submitted" in header(app)
        composing_keys = keys.count

        # The incoming duty manager logs in on the same terminal and takes over.
        clock.advance(minutes=10)
        app.floor = dataclasses.replace(small_floor, actor=Actor("Li", "test:tty1"))
        await keys.press("y")  # refused: nothing reviewed yet
        await settle(app, pilot)
        assert "S submitted" in header(app)
        await keys.press("home")  # back to the top of the sections
        for _ in views.SECTIONS:
            await keys.press("space")
        await settle(app, pilot)
        assert f"reviewed {len(views.SECTIONS)} of {len(views.SECTIONS)}" in header(app)
        await keys.press("y")
        await settle(app, pilot)
        assert "L acknowledged" in header(app) and "locked" in header(app)

    view = find.get(small_floor, "2026-11-23/08:00-16:00")
    assert view.locked
    assert (view.outgoing, view.submitted_by, view.incoming) == ("Wang", "Wang", "Li")
    assert view.summary == "B-01 down since 8"
    assert [(i.text, i.owner) for i in view.items] == [("Call IT about B-01", "IT")]
    assert view.reviewed == list(views.SECTIONS)
    assert view.live_state["faults"]["rows"][0]["reason"] == "no dial tone"
    # The whole flow: about 60 keys, most of them the typed text; a person needs well
    # under two minutes for it.
    assert composing_keys == 1 + 1 + 1 + 17 + 1 + 1 + 18 + 1 + 2 + 1 + 1 + 1
    assert keys.count == composing_keys + 1 + 1 + len(views.SECTIONS) + 1
    assert keys.count < 70


async def test_sections_show_the_prefill_and_a_locked_handover_takes_amendments(
    small_floor, make_app, clock
) -> None:
    record_event(small_floor, "B-02", "fault", reason="headset broken")
    wang = dataclasses.replace(small_floor, actor=Actor("Wang", "t:1"))
    li = dataclasses.replace(small_floor, actor=Actor("Li", "t:2"))
    lifecycle.compose(wang, summary="Quiet [shift]")
    open_items.add_item(wang, None, "Replace headset B-02", owner="IT")
    lifecycle.submit(wang)
    lifecycle.acknowledge(li, None, "all")
    app = make_app()
    app.floor = li
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        assert "L acknowledged" in header(app)
        await pilot.press("down", "down", "down", "down")  # faults
        await settle(app, pilot)
        assert "B-02" in content(app) and "headset broken" in content(app)
        await pilot.press("down", "down", "down")  # summary
        await settle(app, pilot)
        assert "Quiet [shift]" in content(app)

        await pilot.press("e")  # locked: no form opens, nothing changes
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert find.get(li, "last").summary == "Quiet [shift]"

        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press(*"late", "space", *"note", "ctrl+s")
        await settle(app, pilot)
        await pilot.press("end")
        await settle(app, pilot)
        assert "Li: late note" in content(app)

        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryModal)
        await pilot.press(*"headset")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert "2026-11-23/08:00-16:00" in header(app)


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def open_handover(app, pilot) -> None:
    await settle(app, pilot)
    await pilot.press("4")
    await settle(app, pilot)
    assert isinstance(app.screen, HandoverScreen)


async def test_a_deadline_it_cannot_read_keeps_the_form_and_says_why_inside_it(
    small_floor, make_app, clock
) -> None:
    lifecycle.compose(small_floor, summary="Quiet night")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_handover(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press(*"Ring IT", "tab", *"Li", "tab", *"tomorrow", "enter")
        await settle(app, pilot)

        # Nothing typed is lost: the form is still open, the error is in it.
        assert isinstance(app.screen, FormModal)
        form = app.screen
        assert form.query_one("#form-text", Input).value == "Ring IT"
        assert form.query_one("#form-owner", Input).value == "Li"
        error = str(form.query_one("#form-error", Static).render())
        assert "give a time too, e.g. tomorrow 09:00" in error
        assert "+2h" in error
        assert find.get(small_floor).items == []

        # The cursor is back in the deadline: finish it the way a person would.
        assert app.focused is form.query_one("#form-deadline", Input)
        await pilot.press("space", *"09:30", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
    [item] = find.get(small_floor).items
    assert (item.text, item.owner) == ("Ring IT", "Li")
    # The floor is on UTC in the fixture; the clock reads 2026-11-23 08:00.
    assert item.deadline is not None
    assert datetime.fromisoformat(str(item.deadline)) == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("17:00", datetime(2026, 11, 23, 17, 0, tzinfo=UTC)),
        ("+2h", datetime(2026, 11, 23, 10, 0, tzinfo=UTC)),
        ("end of shift", datetime(2026, 11, 23, 16, 0, tzinfo=UTC)),
        ("2026-11-25 08:00", datetime(2026, 11, 25, 8, 0, tzinfo=UTC)),
    ],
)
async def test_the_item_form_takes_deadlines_as_people_type_them(
    small_floor, make_app, typed, due
) -> None:
    lifecycle.compose(small_floor, summary="Quiet night")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_handover(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press(*"Ring IT", "tab", "tab", *["space" if c == " " else c for c in typed])
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
    [item] = find.get(small_floor).items
    assert datetime.fromisoformat(str(item.deadline)) == due


async def test_writing_a_section_adds_to_its_text_over_several_lines(small_floor, make_app) -> None:
    lifecycle.compose(small_floor, summary="Quiet shift, B zone short 8")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_handover(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, TextModal)
        area = app.screen.query_one(TextArea)
        assert area.text == "Quiet shift, B zone short 8"
        assert area.selected_text == ""  # the first key must not wipe the text
        await pilot.press(*".", "enter", *"Li", "space", *"covers")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert find.get(small_floor).summary == "Quiet shift, B zone short 8.\nLi covers"

        # Esc leaves the section as it was.
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press(*"xyz", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert find.get(small_floor).summary == "Quiet shift, B zone short 8.\nLi covers"


async def test_an_item_field_opens_without_its_text_selected(small_floor, make_app) -> None:
    lifecycle.compose(small_floor, summary="Quiet night")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_handover(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press(*"Ring", "tab", "shift+tab", "space", *"IT", "enter")
        await settle(app, pilot)
    assert [i.text for i in find.get(small_floor).items] == ["Ring IT"]


async def test_amend_before_acknowledgement_says_so_before_any_typing(
    small_floor, make_app
) -> None:
    lifecycle.compose(small_floor, summary="Quiet night")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_handover(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)  # no dialog to type into
        assert any("nothing to amend: press e" in n for n in notices(app))
        await pilot.press(*"late")  # keys go to the screen, not to a hidden form
        await settle(app, pilot)
        assert find.get(small_floor).amendments == []


async def test_submit_names_the_incoming_manager_or_assigns_one(
    small_floor, make_app, clock
) -> None:
    """`s` asks first: it names the next shift's duty manager; with none assigned, a name
    typed is assigned to the next shift, then the handover goes to them."""
    from floorman.domain import shifts

    outgoing = dataclasses.replace(small_floor, actor=Actor("Wang", "test:tty1"))
    lifecycle.compose(outgoing)
    lifecycle.edit(outgoing, None, summary="quiet shift")
    app = make_app()
    app.floor = outgoing
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SubmitHandoverModal)
        assert "No incoming duty manager is assigned" in title_of(app)
        await pilot.press("escape")  # Esc: nothing submitted
        await settle(app, pilot)
        assert find.get(small_floor, "current").status == "draft"
        await pilot.press("s")
        await settle(app, pilot)
        for ch in "Li":
            await pilot.press(ch)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert "Wang → Li" in header(app)
    view = find.get(small_floor, "current")
    assert (view.status, view.expected_incoming) == ("submitted", "Li")
    with small_floor.db.read() as session:
        following = shifts.next_shift(small_floor.config, shifts.current_shift(small_floor))
        assert shifts.manager_of(session, following) == "Li"


async def test_submit_asks_naming_the_manager_on_the_roster(small_floor, make_app) -> None:
    from floorman.domain import shifts

    outgoing = dataclasses.replace(small_floor, actor=Actor("Wang", "test:tty1"))
    shifts.assign_manager(outgoing, "next", "Zhao")
    lifecycle.compose(outgoing)
    lifecycle.edit(outgoing, None, summary="quiet shift")
    app = make_app()
    app.floor = outgoing
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SubmitHandoverModal)
        assert "to Zhao?" in title_of(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Wang → Zhao" in header(app) and "S submitted" in header(app)
