"""The month's attendance summary (due on the 21st): runs of late days, extra fines,
absence and dismissal, its CSV export and the reminder alert.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from sqlmodel import Session, col, select

from floorman.data.tables.attendance import RosterShift
from floorman.data.tables.floor import Agent
from floorman.domain import alerts
from floorman.domain.attendance.days import evaluate_shift
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.files import write_csv
from floorman.domain.core.states import AlertSeverity


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


def export_month(
    session: Session, floor: Floor, year: int, month: int, path: Path, *, force: bool = False
) -> int:
    """Write the month's summary as CSV for the operations supervisor (due on the 21st)."""
    rows = month_summary(session, floor, year, month)
    return write_csv(
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
        force=force,
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
            severity=AlertSeverity.INFO,
            message=alerts.alert_text("attendance.summary"),
            dedupe_key=f"attendance-summary:{due:%Y-%m}",
        )
    return due
