"""What needs the duty manager now, worst first: the floor's "needs you" list (issue 15).

One list from the rules that already exist, never a second copy of them: the away slips
come from `away.views.away_board` (so the bands are `away.rules.away_limits`/`band_at`
and the list agrees with the away board on every slip), visitors from
`visitors.presence.visitors_on_floor`, the handover from the shift pattern and its
reminder lead (`config.shifts.remind_before_minutes`, as `handover.reminders`), the
emergency steps from their own `reminder_minutes` after the start (as the emergency's
reminders are scheduled).

Order: pending away requests (oldest first, whoever asked), aways over their limit (most
over first), unapproved aways, visitors overstaying or unescorted, the handover due,
emergency steps overdue. One row per slip: an unapproved away over its limit is listed
once, as over the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from floorman.domain.away.rules import OVER_LIMIT_BANDS
from floorman.domain.away.views import SlipView, away_board
from floorman.domain.core.context import Floor
from floorman.domain.core.states import (
    EmergencyStatus,
    HandoverStatus,
    SlipApproval,
    SlipStatus,
    StepState,
    VisitorCategory,
)


class NeedKind(StrEnum):
    """What a row of the needs-you list asks for, worst kind first."""

    AWAY_REQUEST = "away.request"
    AWAY_OVER = "away.over"
    AWAY_UNAPPROVED = "away.unapproved"
    VISITOR_OVERSTAY = "visitor.overstay"
    VISITOR_UNESCORTED = "visitor.unescorted"
    HANDOVER_DUE = "handover.due"
    EMERGENCY_STEP = "emergency.step"


RANK = {kind: index for index, kind in enumerate(NeedKind)}
SLIP_KINDS = frozenset({NeedKind.AWAY_REQUEST, NeedKind.AWAY_OVER, NeedKind.AWAY_UNAPPROVED})


@dataclass(frozen=True)
class Need:
    """One thing that needs the duty manager, with what it is about (`ref`: the slip,
    visitor, shift or emergency id) and when it began (`since`, for its age)."""

    kind: NeedKind
    ref: str
    subject: str  # the seat, the visitor's name, the shift, the emergency's title
    since: datetime
    slip: SlipView | None = None
    seat: str | None = None
    step: int | None = None
    # An emergency step's words in both languages: (title, step text) en and zh.
    words_en: tuple[str, str] = ("", "")
    words_zh: tuple[str, str] = ("", "")

    def words(self, lang: str) -> tuple[str, str]:
        return self.words_zh if lang == "zh" and any(self.words_zh) else self.words_en

    @property
    def key(self) -> str:
        """Stable across reloads: the row under the cursor stays the same record."""
        return f"{self.kind}:{self.ref}:{self.step or ''}"


def _slip_need(view: SlipView) -> Need | None:
    if view.status == SlipStatus.REQUESTED and view.approval == SlipApproval.PENDING:
        kind = NeedKind.AWAY_REQUEST
    elif view.status != SlipStatus.OUT:
        return None
    elif view.band in OVER_LIMIT_BANDS:
        kind = NeedKind.AWAY_OVER
    elif view.approval == SlipApproval.UNAPPROVED:
        kind = NeedKind.AWAY_UNAPPROVED
    else:
        return None
    since = view.requested_at if kind == NeedKind.AWAY_REQUEST else view.left_at
    return Need(kind, view.id, view.seat, since or view.requested_at, slip=view, seat=view.seat)


def slip_needs(board: list[SlipView]) -> list[Need]:
    """The away board's slips that need the duty manager, in the list's order."""
    needs = [need for need in map(_slip_need, board) if need is not None]
    return sorted(needs, key=_order)


def _order(need: Need) -> tuple[int, float, float]:
    over = need.slip.over_seconds if need.slip is not None else 0
    # Requests oldest first; aways most over first; the rest oldest first.
    return (RANK[need.kind], -over, need.since.timestamp())


def needs_you(floor: Floor) -> list[Need]:
    """Everything that needs the duty manager now, worst first."""
    now = floor.clock.now()
    needs = slip_needs(away_board(floor))
    with floor.db.read() as session:
        needs += _visitor_needs(session, now)
        needs += _handover_needs(session, floor, now)
        needs += _emergency_needs(session, now)
    return sorted(needs, key=_order)


def _visitor_needs(session: Session, now: datetime) -> list[Need]:
    from floorman.domain.visitors.presence import visitors_on_floor

    needs = []
    for visitor in visitors_on_floor(session):
        since = visitor.checked_in_at or visitor.registered_at
        if visitor.category == VisitorCategory.EXTERNAL and not visitor.escort:
            needs.append(Need(NeedKind.VISITOR_UNESCORTED, visitor.id, visitor.name, since))
        elif visitor.overstayed(now):
            end = visitor.expected_end_at or since
            needs.append(Need(NeedKind.VISITOR_OVERSTAY, visitor.id, visitor.name, end))
    return needs


def _handover_needs(session: Session, floor: Floor, now: datetime) -> list[Need]:
    """The shift's handover not yet submitted once its reminder is due (the reminder's
    own lead before the shift ends)."""
    from floorman.domain.core.errors import FloorError
    from floorman.domain.handover.find import by_shift
    from floorman.domain.shifts import current_shift

    try:
        shift = current_shift(floor)
    except FloorError:
        return []  # a gap in the shift pattern: no shift to hand over
    due = shift.end - timedelta(minutes=floor.config.shifts.remind_before_minutes)
    row = by_shift(session, shift.id)
    if now < due or (row is not None and row.status != HandoverStatus.DRAFT):
        return []
    return [Need(NeedKind.HANDOVER_DUE, shift.id, shift.id, due)]


def _emergency_needs(session: Session, now: datetime) -> list[Need]:
    """Steps still open past their own reminder after the emergency started."""
    from floorman.domain.emergency.views import running

    needs = []
    for emergency in running(session):
        if emergency.status != EmergencyStatus.RUNNING:
            continue
        for step in emergency.steps:
            if step.state != StepState.OPEN or step.reminder_minutes is None:
                continue
            due = emergency.started_at + timedelta(minutes=step.reminder_minutes)
            if now >= due:
                needs.append(
                    Need(
                        NeedKind.EMERGENCY_STEP,
                        emergency.id,
                        emergency.title_en,
                        due,
                        step=step.number,
                        words_en=(emergency.title_en, step.text_en),
                        words_zh=(emergency.title_zh, step.text_zh),
                    )
                )
    return needs
