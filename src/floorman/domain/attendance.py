"""Attendance (考勤): the roster, late and early by the manual's rules, absence, leave.

Sign-in and sign-out come from the seat history (an agent's first staffed state in a
shift, the moment they last left a seat) unless the duty manager recorded them by hand,
which wins: on a night when the phone system is down, the paper list is the truth.
The manual: late or early up to 5 minutes costs 2 yuan, up to 10 minutes 5 yuan; 30
minutes or more counts as half a day absent; 3 in a row or 5 in a month adds 20 yuan,
5 in a row or 10 in a month adds 50; three days absent in a month means dismissal.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from floorman.config import AttendanceConfig
from floorman.data import journal
from floorman.data.models import Agent, SeatEvent
from floorman.data.tables_attendance import AttendanceMark, LeaveRequest, RosterShift
from floorman.domain import alerts
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import MANNED_STATES
from floorman.domain.core.text import clean

# How far around a shift the seat history is read for its sign-in and sign-out.
MARGIN = timedelta(hours=2)


def _parse_day(text: str, what: str = "date") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise FloorError(f"malformed {what} '{text}': expected YYYY-MM-DD") from exc


def _parse_clock(text: str) -> time:
    try:
        hours, minutes = text.strip().split(":")
        if hours == "24" and minutes == "00":
            return time(0)
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise FloorError(f"malformed time '{text}': expected HH:MM") from exc


def _agent(session: Session, staff_no: str) -> Agent:
    agent = session.exec(select(Agent).where(Agent.staff_no == staff_no.strip())).first()
    if agent is None:
        raise FloorError(f"unknown agent '{staff_no}'")
    return agent


def _require(floor: Floor, action: str, session: Session) -> None:
    from floorman.domain import operators

    operators.require(floor, action, session=session)


# ------------------------------------------------------------------------ the roster


def import_roster(floor: Floor, path: Path) -> int:
    """Import shifts from CSV (staff_no,day,start,end in local time); all or nothing.

    An end at or before the start is the next morning (a night shift).
    """
    zone = floor.config.zone()
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [c for c in ("staff_no", "day", "start", "end") if c not in header]
            if missing:
                raise FloorError(f"{path}: line 1: missing column(s): {', '.join(missing)}")
            reader.fieldnames = header
            rows = [(reader.line_num, row) for row in reader]
    except OSError as exc:
        raise FloorError(f"{path}: cannot be read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise FloorError(f"{path}: not UTF-8 text") from exc
    now = floor.clock.now()
    with floor.db.write() as session:
        _require(floor, "attendance.record", session)
        added = 0
        for line, row in rows:
            try:
                agent = _agent(session, row["staff_no"] or "")
                day = _parse_day(row["day"] or "", "day")
                start = datetime.combine(day, _parse_clock(row["start"] or ""), tzinfo=zone)
                end = datetime.combine(day, _parse_clock(row["end"] or ""), tzinfo=zone)
                if end <= start:
                    end += timedelta(days=1)
            except FloorError as exc:
                raise FloorError(f"{path}: line {line}: {exc}") from exc
            exists = session.exec(
                select(RosterShift).where(
                    RosterShift.agent_id == agent.id, RosterShift.starts_at == start
                )
            ).first()
            if exists:
                exists.ends_at = end
                session.add(exists)
            else:
                session.add(
                    RosterShift(
                        agent_id=agent.id, day=day.isoformat(), starts_at=start, ends_at=end
                    )
                )
                added += 1
        if not rows:
            raise FloorError(f"{path}: no shifts in the file")
        journal.append(
            session,
            at=now,
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action="attendance.roster_import",
            subject=str(path.name),
            after={"shifts": len(rows)},
        )
    return len(rows)


@dataclass(frozen=True)
class MarkResult:
    """What a sign-in or sign-out by hand did: recorded, or found already recorded."""

    staff_no: str
    name: str
    kind: str
    at: datetime
    shift_starts_at: datetime
    shift_ends_at: datetime
    # Set when an earlier sign-in (a later sign-out) was already there: nothing was added.
    already_at: datetime | None = None


def mark(
    floor: Floor, staff_no: str, kind: str, at: datetime, note: str | None = None
) -> MarkResult:
    """Record a sign-in or sign-out by hand for the agent's shift around `at`.

    The earliest sign-in and the latest sign-out count, so a second sign-in at or after
    one already recorded (a sign-out at or before) would change nothing: it is not
    added, and the result says when the one that counts was recorded.
    """
    if kind not in ("sign_in", "sign_out"):
        raise FloorError("kind must be sign_in or sign_out")
    note = clean(note, "note", max_len=200)
    with floor.db.write() as session:
        _require(floor, "attendance.record", session)
        agent = _agent(session, staff_no)
        shift = session.exec(
            select(RosterShift)
            .where(
                RosterShift.agent_id == agent.id,
                col(RosterShift.starts_at) <= at + MARGIN,
            )
            .order_by(col(RosterShift.starts_at).desc())
        ).first()
        if shift is None or at > shift.ends_at + MARGIN:
            raise FloorError(f"agent {agent.staff_no} has no rostered shift around that time")
        result = MarkResult(agent.staff_no, agent.name, kind, at, shift.starts_at, shift.ends_at)
        earlier = session.exec(
            select(AttendanceMark.at).where(
                AttendanceMark.roster_id == shift.id, AttendanceMark.kind == kind
            )
        ).all()
        if earlier:
            counting = min(earlier) if kind == "sign_in" else max(earlier)
            if (counting <= at) if kind == "sign_in" else (counting >= at):
                return replace(result, already_at=counting)
        session.add(
            AttendanceMark(
                roster_id=shift.id,
                kind=kind,
                at=at,
                recorded_by=floor.actor.name,
                recorded_at=floor.clock.now(),
                note=note,
            )
        )
        journal.append(
            session,
            at=floor.clock.now(),
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action=f"attendance.{kind}",
            subject=agent.staff_no,
            after={"at": at.isoformat(), "shift": shift.id, "note": note},
        )
    return result


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
            LeaveRequest.agent_id == agent_id, LeaveRequest.status == "approved"
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


@dataclass
class MonthSummary:
    """One agent's month: counts, the longest run of late/early days, fines, absence."""

    staff_no: str
    name: str
    shifts: int = 0
    late_or_early: int = 0
    longest_run: int = 0
    absent_days: float = 0.0
    leave_days: int = 0
    fines: int = 0
    extra_fine: int = 0
    dismissal: bool = False
    days: list[str] = field(default_factory=list)

    @property
    def total_fine(self) -> int:
        return self.fines + self.extra_fine


def month_summary(session: Session, floor: Floor, year: int, month: int) -> list[MonthSummary]:
    """The month's attendance by agent, with the manual's extra fines and dismissal rule."""
    if not 1 <= month <= 12:
        raise FloorError("month must be 1-12")
    rules = floor.config.attendance
    first = date(year, month, 1)
    last = date(year + month // 12, month % 12 + 1, 1)
    rows = session.exec(
        select(RosterShift, Agent)
        .join(Agent, col(RosterShift.agent_id) == col(Agent.id))
        .where(RosterShift.day >= first.isoformat(), RosterShift.day < last.isoformat())
        .order_by(col(RosterShift.starts_at))
    ).all()
    now = floor.clock.now()
    by_agent: dict[str, MonthSummary] = {}
    runs: dict[str, int] = defaultdict(int)
    for shift, agent in rows:
        record = evaluate_shift(session, shift, agent, rules, now)
        summary = by_agent.setdefault(agent.staff_no, MonthSummary(agent.staff_no, agent.name))
        summary.shifts += 1
        summary.fines += record.fine
        summary.absent_days += record.absent_days
        summary.leave_days += int(record.on_leave)
        if record.late_or_early:
            summary.late_or_early += 1
            summary.days.append(record.day)
            runs[agent.staff_no] += 1
        elif not record.on_leave:
            runs[agent.staff_no] = 0
        summary.longest_run = max(summary.longest_run, runs[agent.staff_no])
    for summary in by_agent.values():
        if summary.longest_run >= 5 or summary.late_or_early >= 10:
            summary.extra_fine = rules.extra_fine_5_in_a_row_or_10_in_month
        elif summary.longest_run >= 3 or summary.late_or_early >= 5:
            summary.extra_fine = rules.extra_fine_3_in_a_row_or_5_in_month
        summary.dismissal = summary.absent_days >= rules.dismissal_absent_days
    return sorted(by_agent.values(), key=lambda s: s.staff_no)


def export_month(session: Session, floor: Floor, year: int, month: int, path: Path) -> int:
    """Write the month's summary as CSV for the operations supervisor (due on the 21st)."""
    from floorman.domain.reports import export_csv

    rows = month_summary(session, floor, year, month)
    return export_csv(
        path,
        (
            "staff_no",
            "name",
            "shifts",
            "late_or_early",
            "longest_run",
            "absent_days",
            "leave_days",
            "fines_yuan",
            "extra_fine_yuan",
            "total_yuan",
            "dismissal",
            "late_days",
        ),
        [
            (
                s.staff_no,
                s.name,
                s.shifts,
                s.late_or_early,
                s.longest_run,
                s.absent_days,
                s.leave_days,
                s.fines,
                s.extra_fine,
                s.total_fine,
                "yes" if s.dismissal else "",
                " ".join(s.days),
            )
            for s in rows
        ],
    )


def schedule_summary_reminder(floor: Floor) -> datetime:
    """Make sure an alert reminds on the summary day (the 21st) of this or next month."""
    zone = floor.config.zone()
    now_local = floor.clock.now().astimezone(zone)
    day = floor.config.attendance.summary_day_of_month
    due = datetime.combine(now_local.date().replace(day=day), time(9, 0), tzinfo=zone)
    if due <= now_local:
        year, month = (
            (now_local.year + 1, 1)
            if now_local.month == 12
            else (now_local.year, now_local.month + 1)
        )
        due = datetime(year, month, day, 9, 0, tzinfo=zone)
    with floor.db.write() as session:
        alerts.schedule(
            session,
            floor,
            kind="attendance.summary",
            subject=f"{due:%Y-%m}",
            due_at=due,
            severity="info",
            message=alerts.alert_text("attendance.summary"),
            dedupe_key=f"attendance-summary:{due:%Y-%m}",
        )
    return due


# -------------------------------------------------------------------------- leave


def request_leave(
    floor: Floor, staff_no: str, first_day: str, days: float, reason: str
) -> LeaveRequest:
    """Record a leave request; refused on public holidays and billing days (the manual)."""
    reason_text = clean(reason, "reason", required=True, max_len=200) or ""
    start = _parse_day(first_day, "first day")
    if not (0 < days <= 366) or days * 2 != int(days * 2):
        raise FloorError("days must be a positive number of whole or half days")
    rules = floor.config.attendance
    for offset in range(math.ceil(days)):
        day = start + timedelta(days=offset)
        if day.isoformat() in rules.holidays:
            raise FloorError(f"no leave on public holidays: {day.isoformat()} is one")
        if str(day.day) in rules.billing_days:
            raise FloorError(f"no leave on billing days: {day.isoformat()} is one")
    now = floor.clock.now()
    with floor.db.write() as session:
        _require(floor, "attendance.record", session)
        agent = _agent(session, staff_no)
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
    from floorman.domain.operators import leave_approval_action

    note = clean(note, "note", max_len=200)
    if not approve and not note:
        raise FloorError("a rejection needs a reason")
    with floor.db.write() as session:
        leave = session.get(LeaveRequest, leave_id)
        if leave is None:
            raise FloorError(f"unknown leave request '{leave_id}'")
        if leave.status != "pending":
            raise FloorError(f"this leave request is already {leave.status}")
        # Approving and rejecting are both the decision of the level the length needs.
        from floorman.domain import operators

        role = operators.require(floor, leave_approval_action(leave.days), session=session)
        leave.status = "approved" if approve else "rejected"
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
