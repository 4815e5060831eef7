"""Acting where the duty manager stands (issue 15.3-15.5): the seat detail takes the map's
keys for its slip; the needs-you list checks a visitor out, marks a step done and opens
the handover's submit in place; closing an emergency early first asks yes/no naming it."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets._footer import FooterKey

from floorman.domain.away import actions as away_actions
from floorman.domain.away.views import list_slips
from floorman.domain.core.states import SlipApproval, StepState
from floorman.domain.emergency import lifecycle as emergency_lifecycle
from floorman.domain.emergency.views import running
from floorman.domain.needs_you import NeedKind
from floorman.domain.seats.events import record_event
from floorman.domain.shifts import current_shift
from floorman.domain.visitors import decisions, presence, registration
from floorman.domain.visitors.registration import Registration
from floorman.domain.visitors.views import get_visitor
from floorman.screens.forms import ConfirmModal
from floorman.screens.seat_detail import SeatDetailScreen
from floorman.widgets.needs_list import NeedsList
from tests.helpers import settle


def slip_at(floor, seat: str):
    return next(v for v in list_slips(floor) if v.seat == seat)


async def test_the_seat_detail_acts_on_its_slip_with_the_maps_keys(
    small_floor, make_app, clock
) -> None:
    away_actions.request(small_floor, "1001", "toilet", seat_code="A-01")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")  # the map's cursor starts on A-01
        await settle(app, pilot)
        assert isinstance(app.screen, SeatDetailScreen)
        shown = {key.description for key in app.screen.query(FooterKey)}
        assert {"Approve", "Back at the seat"} <= shown  # the footer says what the keys do
        await pilot.press("a")
        await settle(app, pilot)
        assert slip_at(small_floor, "A-01").approval == SlipApproval.APPROVED
        assert isinstance(app.screen, SeatDetailScreen)  # the detail stays, reloaded


async def test_the_seat_detail_asks_before_a_violation_naming_the_agent(
    small_floor, make_app, clock
) -> None:
    record_event(small_floor, "B-01", "ready", agent_no="1003")
    record_event(small_floor, "B-01", "away")
    clock.advance(90)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        app.push_screen(SeatDetailScreen("B-01"))
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "Zhang Wei (1003), B-01" in app.screen.question
        await pilot.press("y")
        await settle(app, pilot)
        assert slip_at(small_floor, "B-01").approval == SlipApproval.VIOLATION
        await pilot.press("b")
        await settle(app, pilot)
        assert slip_at(small_floor, "B-01").status == "back"


async def cursor_on(app, pilot, kind: str) -> None:
    await pilot.press("n")
    needs = app.screen.query_one(NeedsList)
    for _ in range(needs.row_count):
        if needs.selected_need().kind == kind:
            return
        await pilot.press("j")
    raise AssertionError(f"no {kind} row in {[n.kind for n in needs.needs.values()]}")


async def test_needs_rows_of_visitors_and_steps_act_in_place(small_floor, make_app, clock) -> None:
    guest = registration.register(
        small_floor,
        Registration(
            name="Zhang Wei",
            organisation="Billing dept",
            category="internal",
            purpose="Check the billing screens",
            host="Li Na",
            badge="V-01",
            expected_minutes=5,
        ),
    )
    decisions.approve(small_floor, guest.id)
    presence.check_in(small_floor, guest.id)
    fault = emergency_lifecycle.start(small_floor, "terminal_fault")
    clock.advance(16 * 60)  # the visitor overstays; steps pass their reminders
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await cursor_on(app, pilot, NeedKind.VISITOR_OVERSTAY)
        await pilot.press("o")  # check out: asks, naming the visitor
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "Zhang Wei" in app.screen.question
        await pilot.press("y")
        await settle(app, pilot)
        with small_floor.db.read() as session:
            assert get_visitor(session, guest.id).checked_out_at is not None
        await cursor_on(app, pilot, NeedKind.EMERGENCY_STEP)
        step = app.screen.query_one(NeedsList).selected_need().step
        await pilot.press("d")  # done, where it stands
        await settle(app, pilot)
        with small_floor.db.read() as session:
            (view,) = [v for v in running(session) if v.id == fault.id]
        assert next(s for s in view.steps if s.number == step).state == StepState.DONE
        needs = app.screen.query_one(NeedsList).needs.values()
        assert all(n.step != step for n in needs if n.kind == NeedKind.EMERGENCY_STEP)


async def test_the_handover_row_opens_its_submit(small_floor, make_app, clock) -> None:
    from floorman.screens.handover_submit import SubmitHandoverModal

    shift = current_shift(small_floor)
    clock.set(shift.end - timedelta(minutes=1))  # its reminder is due
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await cursor_on(app, pilot, NeedKind.HANDOVER_DUE)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SubmitHandoverModal)
        assert shift.id in app.screen.title_text


async def test_closing_an_emergency_early_first_asks_naming_it(
    small_floor, make_app, clock
) -> None:
    from floorman.screens.emergency import EmergencyTextModal

    drill = emergency_lifecycle.start(small_floor, "fire", drill=True)
    clock.advance(125)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "DRILL" in app.screen.question and drill.title_en in app.screen.question
        assert "02:05" in app.screen.question  # how long it has run
        steps = ", ".join(str(s.number) for s in drill.steps)
        assert f"Steps not done: {steps}" in app.screen.detail
        await pilot.press("n")  # no: nothing closed
        await settle(app, pilot)
        with small_floor.db.read() as session:
            assert [v.id for v in running(session)] == [drill.id]
        await pilot.press("x", "y")  # yes: then the reason
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyTextModal)
