"""Acting on a slip or a seat from the floor: its needs-you list, its seat map, a seat's
detail. Every verb goes through the domain functions of `domain.away.actions` and
`domain.seats.events` (none copied here); the deliberate ones ask the one confirmation
(`screens.forms.ConfirmModal`) or the reason form, naming whom they act on. The list's
other rows act in place too: a visitor checked out (`visitors.presence`), a step marked
done (`emergency.lifecycle`), the handover's own submit dialog (the handover panel's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from floorman.domain.away import actions as away_actions
from floorman.domain.away.views import SlipView
from floorman.domain.core.states import SeatState, SlipApproval, SlipStatus
from floorman.domain.emergency import lifecycle as emergency_lifecycle
from floorman.domain.needs_you import Need, NeedKind
from floorman.domain.seats.events import record_event
from floorman.domain.visitors import presence
from floorman.i18n import t
from floorman.screens.away import ReasonModal, slip_subject
from floorman.screens.forms import Field, FormModal, confirm_then

# Which slip of a seat each verb acts on.
VERB_STATUSES: dict[str, tuple[str, ...]] = {
    "approve": (SlipStatus.REQUESTED,),
    "reject": (SlipStatus.REQUESTED,),
    "back": (SlipStatus.OUT,),
    "excuse": (SlipStatus.OUT,),
    "violation": (SlipStatus.OUT,),
}


def slip_at_seat(board: list[SlipView], seat: str, verb: str) -> SlipView | None:
    """The open slip at `seat` that `verb` acts on (the oldest request for approve)."""
    statuses = VERB_STATUSES.get(verb, ())
    found = [v for v in board if v.seat == seat and v.status in statuses]
    if verb in ("approve", "reject"):
        found = [v for v in found if v.approval == SlipApproval.PENDING]
    return min(found, key=lambda v: v.requested_at, default=None)


def act_on_slip(screen: Any, verb: str, view: SlipView, done: Callable[[], object]) -> None:
    """Do `verb` on this slip from `screen`; `done()` after it saved."""
    floor, who = screen.floor, slip_subject(view)

    def run(func: Callable[[], Any], message: str) -> None:
        def saved(_result: Any) -> None:
            screen.notify(message, timeout=3)
            done()

        screen.fm.run_in_thread(func, saved)

    def closed(result: Any) -> None:
        if result is not None:
            done()

    if verb == "approve":
        run(lambda: away_actions.approve(floor, view.id), t("Approved: {who}", who=who))
    elif verb == "back":
        run(lambda: away_actions.back(floor, view.id), t("Back at the seat: {who}", who=who))
    elif verb == "violation":
        confirm_then(
            screen,
            t("Record a violation for {who}?", who=who),
            lambda: run(
                lambda: away_actions.record_violation(floor, view.id),
                t("Recorded as a violation"),
            ),
        )
    elif verb == "reject":
        modal = ReasonModal(
            t("Reject {who}?", who=who),
            lambda reason: away_actions.reject(floor, view.id, reason),
        )
        screen.app.push_screen(modal, closed)
    elif verb == "excuse":
        modal = ReasonModal(
            t("Excuse {who}?", who=who),
            lambda reason: away_actions.excuse(floor, view.id, reason),
        )
        screen.app.push_screen(modal, closed)


def act_in_place(screen: Any, verb: str, need: Need, done: Callable[[], object]) -> None:
    """Do `verb` on a needs-you row that is not a slip, from the floor `screen`."""
    floor = screen.floor

    def run(func: Callable[[], Any], message: str) -> None:
        def saved(_result: Any) -> None:
            screen.notify(message, timeout=3)
            done()

        screen.fm.run_in_thread(func, saved)

    if verb == "check_out":
        confirm_then(
            screen,
            t("Check out visitor {name}?", name=need.subject),
            lambda: run(
                lambda: presence.check_out(floor, need.ref),
                t("Checked out: {name}", name=need.subject),
            ),
        )
    elif verb == "done" and need.step is not None:
        step = need.step
        run(
            lambda: emergency_lifecycle.step_action(floor, need.ref, step, "done"),
            t("Step {number} done", number=step),
        )
    elif verb == "submit" and need.kind == NeedKind.HANDOVER_DUE:
        # The handover panel's own `s`: its dialog names the incoming manager.
        screen.fm.action_panel("4")
        submit = getattr(screen.app.screen, "submit_when_shown", None)
        if submit is not None:
            submit()


def report_fault(screen: Any, seat: str, state: str, done: Callable[[], object]) -> None:
    """Record the seat out of order, with its cause (the manual asks for the cause)."""
    if state == SeatState.FAULT:
        screen.notify(t("Seat {seat} is already out of order", seat=seat), timeout=3)
        return
    floor = screen.floor
    modal = FormModal(
        t("Report a fault at {seat}", seat=seat),
        [Field("reason", "Cause")],
        lambda values: record_event(floor, seat, SeatState.FAULT, reason=values["reason"]),
    )
    screen.app.push_screen(modal, lambda result: done() if result is not None else None)
