"""A slip's life: the allowed status transitions, as one table, and the moves on a book.

A slip is requested (agent, seat, reason), approved or rejected (by whom, when, why),
then goes out (`left_at`) and comes back (`returned_at`). An `away` seat event with no
approved slip opens an *unapproved* slip, which the duty manager later excuses (approves
after the fact) or records as a violation. Every command (away/actions.py) and every
rule that follows the seat (away/follow.py) checks `TRANSITIONS` and moves a slip with
`move`, so what may happen to a slip is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from floorman.domain.away.book import Slip, SlipBook, snapshot
from floorman.domain.core.errors import FloorError, Word
from floorman.domain.core.states import SlipApproval, SlipStatus

REQUESTED, APPROVED, OUT, BACK = (
    SlipStatus.REQUESTED,
    SlipStatus.APPROVED,
    SlipStatus.OUT,
    SlipStatus.BACK,
)


@dataclass(frozen=True)
class Transition:
    """One thing that may happen to a slip: from which statuses (and approvals), to which
    status (None: it stays) and approval (None: it stays)."""

    from_statuses: tuple[SlipStatus, ...]
    to_status: SlipStatus | None
    approval: SlipApproval | None = None
    from_approvals: tuple[SlipApproval, ...] | None = None
    refusal: str = "cannot {verb} a slip that is {status}"


# Keyed by the journal's verb (`away.<verb>`).
TRANSITIONS: dict[str, Transition] = {
    "approve": Transition((REQUESTED,), APPROVED, SlipApproval.APPROVED),
    "reject": Transition((REQUESTED,), SlipStatus.REJECTED, SlipApproval.REJECTED),
    "cancel": Transition((REQUESTED, APPROVED), SlipStatus.CANCELLED),
    "extend": Transition((APPROVED, OUT), None),
    "start": Transition(
        (APPROVED,), OUT, refusal="only an approved slip can start; this one is {status}"
    ),
    # The agent left the seat: an approved slip starts; an unapproved one is opened out.
    "out": Transition((APPROVED, OUT), OUT),
    "back": Transition(
        (OUT,), BACK, refusal="only a slip that is out can come back; this one is {status}"
    ),
    "approve_after": Transition(
        (OUT, BACK),
        None,
        SlipApproval.APPROVED_AFTER,
        from_approvals=(SlipApproval.UNAPPROVED,),
    ),
    "violation": Transition(
        (OUT, BACK), None, SlipApproval.VIOLATION, from_approvals=(SlipApproval.UNAPPROVED,)
    ),
}


def check(verb: str, slip: Slip) -> Transition:
    """The transition `verb`, if this slip may take it; FloorError saying why not."""
    transition = TRANSITIONS[verb]
    if slip.status not in transition.from_statuses:
        raise FloorError(transition.refusal, verb=Word(verb), status=Word(slip.status))
    if transition.from_approvals is not None and slip.approval not in transition.from_approvals:
        raise FloorError(
            "cannot {verb} a slip whose approval is {approval}",
            verb=Word(verb),
            approval=slip.approval,
        )
    return transition


def move(verb: str, slip: Slip) -> dict[str, object]:
    """Check and take transition `verb`: set the slip's status and approval. Returns the
    slip's snapshot from before, for the journal."""
    transition = check(verb, slip)
    before = snapshot(slip)
    if transition.to_status is not None:
        slip.status = transition.to_status
    if transition.approval is not None:
        slip.approval = transition.approval
    return before


def go_out_in(book: SlipBook, slip: Slip, seat_id: str, seat_code: str, at: datetime) -> None:
    """The slip's agent left `seat_code` at `at`: the timer and the alerts start."""
    before = move("out", slip)
    slip.left_at = at
    slip.seat_id = seat_id
    book.save(slip)
    book.schedule(slip, seat_code)
    book.journal("out", slip, before)


def come_back_in(book: SlipBook, slip: Slip, at: datetime) -> None:
    """The slip's agent is back at `at`: the timer stops, pending alerts are cancelled."""
    before = move("back", slip)
    slip.returned_at = max(at, slip.left_at) if slip.left_at else at
    book.save(slip)
    book.cancel_alerts(slip)
    book.journal("back", slip, before)


def drop_requests(book: SlipBook, agent_id: str) -> None:
    """A pending request is superseded when the agent leaves without waiting for it."""
    for slip in book.requests(agent_id):
        before = move("cancel", slip)
        slip.decision_note = "left the seat without waiting for approval"
        book.save(slip)
        book.journal("cancel", slip, before)
