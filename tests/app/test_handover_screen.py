"""Pilot walk of the handover screen: compose, submit and acknowledge from the keyboard alone.

Every key pressed goes through `Keys.press`, which counts them: the walk of a typical
shift (a summary, one open item, every section reviewed) must stay short enough for a
person to do in well under two minutes.
"""

from __future__ import annotations

import dataclasses

from floorman.domain import handover
from floorman.domain.context import Actor
from floorman.domain.seats import record_event
from floorman.screens.handover import FormModal, HandoverScreen, HistoryModal
from tests.app import workers_done


async def settle(app, pilot) -> None:
    await workers_done(app)
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()


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
        assert isinstance(app.screen, FormModal)
        await keys.type("B-01 down since 8")
        await keys.press("enter")
        await settle(app, pilot)
        await keys.press("a")
        await settle(app, pilot)
        await keys.type("Call IT about B-01")
        await keys.press("tab")
        await keys.type("IT")
        await keys.press("enter")
        await settle(app, pilot)
        clock.advance(hours=7, minutes=55)
        await keys.press("s")
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
        for _ in handover.SECTIONS:
            await keys.press("space")
        await settle(app, pilot)
        assert f"reviewed {len(handover.SECTIONS)} of {len(handover.SECTIONS)}" in header(app)
        await keys.press("y")
        await settle(app, pilot)
        assert "L acknowledged" in header(app) and "locked" in header(app)

    view = handover.get(small_floor, "2026-11-23/08:00-16:00")
    assert view.locked
    assert (view.outgoing, view.submitted_by, view.incoming) == ("Wang", "Wang", "Li")
    assert view.summary == "B-01 down since 8"
    assert [(i.text, i.owner) for i in view.items] == [("Call IT about B-01", "IT")]
    assert view.reviewed == list(handover.SECTIONS)
    assert view.live_state["faults"]["rows"][0]["reason"] == "no dial tone"
    # The whole flow: about 60 keys, most of them the typed text; a person needs well
    # under two minutes for it.
    assert composing_keys == 1 + 1 + 1 + 17 + 1 + 1 + 18 + 1 + 2 + 1 + 1
    assert keys.count == composing_keys + 1 + 1 + len(handover.SECTIONS) + 1
    assert keys.count < 70


async def test_sections_show_the_prefill_and_a_locked_handover_takes_amendments(
    small_floor, make_app, clock
) -> None:
    record_event(small_floor, "B-02", "fault", reason="headset broken")
    wang = dataclasses.replace(small_floor, actor=Actor("Wang", "t:1"))
    li = dataclasses.replace(small_floor, actor=Actor("Li", "t:2"))
    handover.compose(wang, summary="Quiet [shift]")
    handover.add_item(wang, None, "Replace headset B-02", owner="IT")
    handover.submit(wang)
    handover.acknowledge(li, None, "all")
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
        assert handover.get(li, "last").summary == "Quiet [shift]"

        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press(*"late", "space", *"note", "enter")
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
