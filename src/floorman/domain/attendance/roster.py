"""The roster (排班): shifts imported from CSV, and sign-in/sign-out recorded by hand, which
wins over the seat history (on a night the phone system is down, the paper list is the
truth).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

from floorman.data import journal
from floorman.data.tables.attendance import AttendanceMark, RosterShift
from floorman.domain.attendance.inputs import MARGIN, agent_by_staff_no, parse_clock, parse_day
from floorman.domain.core.context import Floor
from floorman.domain.core.csv_rows import read_rows
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean
from floorman.domain.operators.permissions import require

# ------------------------------------------------------------------------ the roster


def import_roster(floor: Floor, path: Path) -> int:
    """Import shifts from CSV (staff_no,day,start,end in local time); all or nothing.

    An end at or before the start is the next morning (a night shift).
    """
    zone = floor.config.zone()
    rows = read_rows(path, ("staff_no", "day", "start", "end"))
    now = floor.clock.now()
    with floor.db.write() as session:
        require(floor, "attendance.record", session=session)
        added = 0
        for line, row in rows:
            try:
                agent = agent_by_staff_no(session, row["staff_no"] or "")
                day = parse_day(row["day"] or "", "day")
                start = datetime.combine(day, parse_clock(row["start"] or ""), tzinfo=zone)
                end = datetime.combine(day, parse_clock(row["end"] or ""), tzinfo=zone)
                if end <= start:
                    end += timedelta(days=1)
            except FloorError as exc:
                raise FloorError(
                    "{path}: line {line}: {exc}",
                    path=path,
                    line=line,
                    exc=exc,
                ) from exc
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
            raise FloorError("{path}: no shifts in the file", path=path)
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
        require(floor, "attendance.record", session=session)
        agent = agent_by_staff_no(session, staff_no)
        shift = session.exec(
            select(RosterShift)
            .where(
                RosterShift.agent_id == agent.id,
                col(RosterShift.starts_at) <= at + MARGIN,
            )
            .order_by(col(RosterShift.starts_at).desc())
        ).first()
        if shift is None or at > shift.ends_at + MARGIN:
            raise FloorError(
                "agent {staff_no} has no rostered shift around that time",
                staff_no=agent.staff_no,
            )
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
