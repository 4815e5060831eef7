"""Evaluating a rostered shift by the manual's rules: arrival and departure from the seat
history or the hand-recorded marks, lateness, the fine, half a day absent, leave.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from floorman.config import AttendanceConfig
from floorman.data.tables.attendance import AttendanceMark, LeaveRequest, RosterShift
from floorman.data.tables.floor import Agent, SeatEvent
from floorman.domain.attendance.inputs import MARGIN
from floorman.domain.core.context import Floor
from floorman.domain.core.states import MANNED_STATES, LeaveStatus

# ------------------------------------------------------------------- evaluating days


@dataclass(frozen=True)
class ShiftAttendance:
    """How one rostered shift went: arrival, departure, lateness, fine, absence."""

    staff_no: str
    name: str
    day: str
    starts_at: datetime
    ends_at: datetime
    signed_in: datetime | None
    signed_out: datetime | None
    late_minutes: int
    early_minutes: int
    absent_days: float
    on_leave: bool
    fine: int

    @property
    def late_or_early(self) -> bool:
        return (self.late_minutes > 0 or self.early_minutes > 0) and self.absent_days == 0


def fine_for(minutes: int, rules: AttendanceConfig) -> int:
    """The manual's fine for one late arrival or early departure."""
    if minutes <= 0:
        return 0
    if minutes <= 5:
        return rules.fine_up_to_5_minutes
    if minutes <= 10:
        return rules.fine_up_to_10_minutes
    return rules.fine_over_10_minutes


def _staffed_times(
    session: Session, agent_id: str, start: datetime, end: datetime
) -> tuple[datetime | None, datetime | None]:
    """First staffed moment of the agent around the shift, and when they last left a seat."""
    mine = session.exec(
        select(SeatEvent.state, SeatEvent.at, SeatEvent.seat_id)
        .where(
            SeatEvent.agent_id == agent_id,
            SeatEvent.at >= start - MARGIN,
            SeatEvent.at <= end + MARGIN,
        )
        .order_by(col(SeatEvent.at))
    ).all()
    staffed = [(at, seat_id) for state, at, seat_id in mine if state in MANNED_STATES]
    if not staffed:
        return None, None
    last_at, last_seat = staffed[-1]
    left = session.exec(
        select(SeatEvent.at)
        .where(
            SeatEvent.seat_id == last_seat,
            SeatEvent.at >= last_at,
            SeatEvent.at <= end + MARGIN,
            (col(SeatEvent.agent_id).is_(None)) | (col(SeatEvent.agent_id) != agent_id),
        )
        .order_by(col(SeatEvent.at))
        .limit(1)
    ).first()
    return staffed[0][0], left


def _on_leave(session: Session, agent_id: str, day: date) -> bool:
    leaves = session.exec(
        select(LeaveRequest).where(
            LeaveRequest.agent_id == agent_id, LeaveRequest.status == LeaveStatus.APPROVED
        )
    ).all()
    for leave in leaves:
        first = date.fromisoformat(leave.first_day)
        if first <= day < first + timedelta(days=math.ceil(leave.days)):
            return True
    return False


def evaluate_shift(
    session: Session, shift: RosterShift, agent: Agent, rules: AttendanceConfig, now: datetime
) -> ShiftAttendance:
    derived_in, derived_out = _staffed_times(session, agent.id, shift.starts_at, shift.ends_at)
    marks = session.exec(select(AttendanceMark).where(AttendanceMark.roster_id == shift.id)).all()
    manual_in = min((m.at for m in marks if m.kind == "sign_in"), default=None)
    manual_out = max((m.at for m in marks if m.kind == "sign_out"), default=None)
    signed_in = manual_in or derived_in
    signed_out = manual_out or derived_out
    on_leave = _on_leave(session, agent.id, date.fromisoformat(shift.day))
    late = early = 0
    absent = 0.0
    if not on_leave:
        if signed_in is None:
            absent = (
                1.0
                if now >= shift.starts_at + timedelta(minutes=rules.half_day_absent_minutes)
                else 0.0
            )
        else:
            late = max(0, math.ceil((signed_in - shift.starts_at).total_seconds() / 60))
            if signed_out is not None and now >= shift.ends_at:
                early = max(0, math.ceil((shift.ends_at - signed_out).total_seconds() / 60))
            if late >= rules.half_day_absent_minutes:
                absent += 0.5
            if early >= rules.half_day_absent_minutes:
                absent += 0.5
    fine = 0
    if absent:
        fine = math.ceil(absent * rules.fine_absent_day)
    else:
        fine = fine_for(late, rules) + fine_for(early, rules)
    return ShiftAttendance(
        staff_no=agent.staff_no,
        name=agent.name,
        day=shift.day,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        signed_in=signed_in,
        signed_out=signed_out,
        late_minutes=late,
        early_minutes=early,
        absent_days=absent,
        on_leave=on_leave,
        fine=fine,
    )


def day_attendance(session: Session, floor: Floor, day: date) -> list[ShiftAttendance]:
    """Every rostered shift starting on `day` (local), evaluated now."""
    rows = session.exec(
        select(RosterShift, Agent)
        .join(Agent, col(RosterShift.agent_id) == col(Agent.id))
        .where(RosterShift.day == day.isoformat())
        .order_by(col(RosterShift.starts_at), col(Agent.staff_no))
    ).all()
    now = floor.clock.now()
    return [
        evaluate_shift(session, shift, agent, floor.config.attendance, now) for shift, agent in rows
    ]
