"""Leave (请假): requests, and approval by the role the number of days needs."""

from __future__ import annotations

import math
from datetime import timedelta

from floorman.data import journal
from floorman.data.tables.attendance import LeaveRequest
from floorman.domain.attendance.inputs import agent_by_staff_no, parse_day
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError, Word
from floorman.domain.core.states import LeaveStatus
from floorman.domain.core.text import clean
from floorman.domain.operators.permissions import leave_approval_action, require

# -------------------------------------------------------------------------- leave


def request_leave(
    floor: Floor, staff_no: str, first_day: str, days: float, reason: str
) -> LeaveRequest:
    """Record a leave request; refused on public holidays and billing days (the manual)."""
    reason_text = clean(reason, "reason", required=True, max_len=200) or ""
    start = parse_day(first_day, "first day")
    if not (0 < days <= 366) or days * 2 != int(days * 2):
        raise FloorError("days must be a positive number of whole or half days")
    rules = floor.config.attendance
    for offset in range(math.ceil(days)):
        day = start + timedelta(days=offset)
        if day.isoformat() in rules.holidays:
            raise FloorError("no leave on public holidays: {day} is one", day=day.isoformat())
        if str(day.day) in rules.billing_days:
            raise FloorError("no leave on billing days: {day} is one", day=day.isoformat())
    now = floor.clock.now()
    with floor.db.write() as session:
        require(floor, "attendance.record", session=session)
        agent = agent_by_staff_no(session, staff_no)
        leave = LeaveRequest(
            agent_id=agent.id,
            first_day=start.isoformat(),
            days=days,
            reason=reason_text,
            requested_at=now,
            requested_by=floor.actor.name,
        )
        session.add(leave)
        session.flush()
        journal.append(
            session,
            at=now,
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action="leave.request",
            subject=agent.staff_no,
            after={
                "id": leave.id,
                "first_day": leave.first_day,
                "days": days,
                "reason": reason_text,
            },
        )
        return leave


def decide_leave(
    floor: Floor, leave_id: str, approve: bool, note: str | None = None
) -> LeaveRequest:
    """Approve or reject a leave at the level its length requires (1/3/7 days)."""
    note = clean(note, "note", max_len=200)
    if not approve and not note:
        raise FloorError("a rejection needs a reason")
    with floor.db.write() as session:
        leave = session.get(LeaveRequest, leave_id)
        if leave is None:
            raise FloorError("unknown leave request '{leave_id}'", leave_id=leave_id)
        if leave.status != LeaveStatus.PENDING:
            raise FloorError("this leave request is already {status}", status=Word(leave.status))
        # Approving and rejecting are both the decision of the level the length needs.
        role = require(floor, leave_approval_action(leave.days), session=session)
        leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
        leave.decided_at = floor.clock.now()
        leave.decided_by = floor.actor.name
        leave.decided_role = role
        leave.decision_note = note
        session.add(leave)
        journal.append(
            session,
            at=leave.decided_at,
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action=f"leave.{leave.status}",
            subject=leave.id,
            after={"status": leave.status, "role": role, "note": note},
        )
        return leave
