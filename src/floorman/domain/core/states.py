"""The floor's vocabularies, once: every state, status, band, kind and severity.

Stored as plain text (a StrEnum member *is* its string), so rows written before these
enums existed read back unchanged, and `SeatState.AWAY == "away"` holds. The tables keep
their own tuples for CHECK constraints (data/ sits below domain/); a test asserts the two
agree. Nothing outside this module, the tables and the translations spells a state as a
bare string.
"""

from __future__ import annotations

from enum import StrEnum


class SeatState(StrEnum):
    """Where a seat is: nobody there, ready for calls, on a call, agent away, out of order."""

    EMPTY = "empty"
    READY = "ready"
    BUSY = "busy"
    AWAY = "away"
    FAULT = "fault"


class SeatEventKind(StrEnum):
    """What a phone system or a person reports about a seat (`floorman event SEAT STATE`)."""

    READY = "ready"
    BUSY = "busy"
    AWAY = "away"
    BACK = "back"
    EMPTY = "empty"
    FAULT = "fault"
    FIXED = "fixed"


# An agent at the seat, taking calls (the header's "staffed"): away is not staffed.
AT_SEAT_STATES = frozenset({SeatState.READY, SeatState.BUSY})
# An agent assigned to the seat, at it or away from it.
MANNED_STATES = frozenset({SeatState.READY, SeatState.BUSY, SeatState.AWAY})


class SlipStatus(StrEnum):
    """Where an away slip (示忙单) is in its life."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    OUT = "out"
    BACK = "back"


OPEN_SLIP_STATUSES = (SlipStatus.REQUESTED, SlipStatus.APPROVED, SlipStatus.OUT)


class SlipApproval(StrEnum):
    """Whether an absence had permission."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    UNAPPROVED = "unapproved"
    APPROVED_AFTER = "approved_after"
    VIOLATION = "violation"


class AwayBand(StrEnum):
    """How long an away has run against its own limit (see domain.away.rules)."""

    OK = "ok"
    WARNING = "warning"
    BREACH = "breach"
    SEVERE = "severe"


class VisitorStatus(StrEnum):
    """The decision on a visitor's registration."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class VisitorState(StrEnum):
    """Where a visitor is: the decision, then on the floor (checked in), then left."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    ON_FLOOR = "on_floor"
    LEFT = "left"


class LeaveStatus(StrEnum):
    """The decision on a leave request (请假)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class VisitorCategory(StrEnum):
    """Internal (another department) or external visitor: who may approve differs."""

    INTERNAL = "internal"
    EXTERNAL = "external"


class ListKind(StrEnum):
    """The visitors' watch list (alert) and block list (refuse)."""

    WATCH = "watch"
    BLOCK = "block"


class EmergencyStatus(StrEnum):
    """A run of an emergency checklist."""

    RUNNING = "running"
    COMPLETE = "complete"
    COMPLETE_WITH_DEFERRED = "complete_with_deferred"
    CLOSED_EARLY = "closed_early"


class StepState(StrEnum):
    """One checklist step."""

    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"
    DEFERRED = "deferred"
    NOT_DONE = "not_done"


class HandoverStatus(StrEnum):
    """A shift's handover (交接班)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"


class HandoverItemStatus(StrEnum):
    """An open item of a handover: open (carried into the next handover) or closed."""

    OPEN = "open"
    CLOSED = "closed"


class PersonKind(StrEnum):
    """Who a roll call counts: staff at a seat, a visitor on the floor, or someone added by
    hand (a courier, a cleaner) that neither list knew of."""

    STAFF = "staff"
    VISITOR = "visitor"
    OTHER = "other"


class Role(StrEnum):
    """Operator roles, lowest first (the order is the rank)."""

    VIEWER = "viewer"
    DUTY_MANAGER = "duty_manager"
    AREA_MANAGER = "area_manager"
    SUPERVISOR = "supervisor"
    DIRECTOR = "director"


class AlertSeverity(StrEnum):
    """How loud an alert is, lowest first (the order is the rank)."""

    INFO = "info"
    WARNING = "warning"
    BREACH = "breach"
    SEVERE = "severe"
    CRITICAL = "critical"


class AlertState(StrEnum):
    """An alert's life: active, acknowledged by a person, or resolved by itself."""

    ACTIVE = "active"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class AlertKind(StrEnum):
    """What an alert is about; each has one English template in domain.alerts."""

    AWAY_WARNING = "away.warning"
    AWAY_BREACH = "away.breach"
    AWAY_SEVERE = "away.severe"
    AWAY_ESCALATION = "away.escalation"
    VISITOR_BLOCKED = "visitor.blocked"
    VISITOR_WATCH = "visitor.watch"
    VISITOR_OVERSTAY = "visitor.overstay"
    HANDOVER_REMIND = "handover.remind"
    HANDOVER_ESCALATE = "handover.escalate"
    ATTENDANCE_SUMMARY = "attendance.summary"
    SERVICE_CHECK = "service.check"
    EMERGENCY_REMINDER = "emergency.reminder"
    EMERGENCY_TIMER = "emergency.timer"
    HQ_NOTICE = "hq.notice"


def rank(member: StrEnum) -> int:
    """Position of `member` in its enum (roles and severities are ordered lowest first)."""
    return list(type(member)).index(member)
