"""Shifts: the configured pattern, which shift is on now, and its duty manager.

The pattern (config `[shifts] pattern`, e.g. "08:00-16:00", "16:00-24:00", "00:00-08:00")
is read in the floor's time zone. "24:00" is the midnight that ends a day, and a slot whose
end is not after its start ("22:00-06:00") runs overnight into the next day. A concrete
shift is one slot on one local date; its id is "<local start date>/<slot>", for example
"2026-11-23/16:00-24:00", so the same id names the same shift on every terminal.

Each shift has a duty manager (值班经理), assigned ahead or on the day; the assignment is
a row (`ShiftDuty`) with a journal entry, so the handover knows who hands over to whom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from floorman.config import Config
from floorman.data import journal
from floorman.data.tables.handover import ShiftDuty
from floorman.domain.core import bounds
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean
from floorman.domain.operators import permissions

_SLOT = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_SHIFT_ID = re.compile(r"^(\d{4}-\d{2}-\d{2})/(.+)$")
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class ShiftSlot:
    """One slot of the daily pattern, in minutes after local midnight."""

    label: str
    start_minute: int
    end_minute: int

    @property
    def overnight(self) -> bool:
        """Ends on the next local day (e.g. 22:00-06:00; 16:00-24:00 ends at midnight)."""
        return self.end_minute <= self.start_minute or self.end_minute == DAY_MINUTES

    @property
    def length_minutes(self) -> int:
        length = self.end_minute - self.start_minute
        return length if length > 0 else length + DAY_MINUTES


@dataclass(frozen=True)
class Shift:
    """One slot on one local date: the unit a duty manager is on duty for and hands over."""

    id: str
    label: str
    local_date: date
    start: datetime
    end: datetime

    def contains(self, when: datetime) -> bool:
        return self.start <= when < self.end

    def local_span(self) -> str:
        """The shift as the floor reads it: "2026-11-23 16:00-24:00"."""
        return f"{self.local_date.isoformat()} {self.label}"

    def as_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "label": self.label,
            "date": self.local_date.isoformat(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def parse_slot(text: str) -> ShiftSlot:
    """Read "HH:MM-HH:MM" (24:00 allowed as an end); refuse anything else by name."""
    match = _SLOT.match(text)
    if not match:
        raise FloorError("shift '{text}' is not HH:MM-HH:MM", text=text)
    sh, sm, eh, em = (int(g) for g in match.groups())
    if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em != 0):
        raise FloorError("shift '{text}' has a time out of range", text=text)
    start, end = sh * 60 + sm, eh * 60 + em
    if end == start:
        raise FloorError("shift '{text}' starts and ends at the same time", text=text)
    return ShiftSlot(f"{sh:02d}:{sm:02d}-{eh:02d}:{em:02d}", start, end)


def parse_pattern(pattern: tuple[str, ...] | list[str]) -> list[ShiftSlot]:
    """The daily slots in start order; overlapping slots are refused."""
    slots = sorted((parse_slot(p) for p in pattern), key=lambda s: s.start_minute)
    if not slots:
        raise FloorError("the shift pattern is empty")
    covered = [False] * (2 * DAY_MINUTES)
    for slot in slots:
        for minute in range(slot.start_minute, slot.start_minute + slot.length_minutes):
            index = minute % DAY_MINUTES
            if covered[index]:
                raise FloorError("shift {label} overlaps another shift", label=slot.label)
            covered[index] = True
    return slots


def _at_local(day: date, minute: int, zone: ZoneInfo) -> datetime:
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    return naive.replace(tzinfo=zone).astimezone(UTC)


def make_shift(slot: ShiftSlot, day: date, zone: ZoneInfo) -> Shift:
    """The concrete shift for `slot` starting on local date `day`."""
    start = _at_local(day, slot.start_minute, zone)
    end = _at_local(day, slot.start_minute + slot.length_minutes, zone)
    return Shift(f"{day.isoformat()}/{slot.label}", slot.label, day, start, end)


def _candidates(config: Config, around: datetime) -> list[Shift]:
    zone = config.zone()
    slots = parse_pattern(config.shifts.pattern)
    local_day = around.astimezone(zone).date()
    shifts = [
        make_shift(slot, local_day + timedelta(days=offset), zone)
        for offset in (-2, -1, 0, 1, 2)
        for slot in slots
    ]
    return sorted(shifts, key=lambda s: s.start)


def shift_at(config: Config, when: datetime) -> Shift | None:
    """The shift on duty at `when`, or None when the pattern leaves that time uncovered."""
    return next((s for s in _candidates(config, when) if s.contains(when)), None)


def current_shift(floor: Floor) -> Shift:
    """The shift on duty now; a gap in the pattern is refused with the pattern named."""
    now = floor.clock.now()
    shift = shift_at(floor.config, now)
    if shift is None:
        raise FloorError(
            "no shift covers {value:%H:%M}; the pattern is {items}",
            value=now.astimezone(floor.config.zone()),
            items=', '.join(floor.config.shifts.pattern),
        )
    return shift


def next_shift(config: Config, shift: Shift) -> Shift:
    """The first shift starting at or after `shift` ends."""
    return next(s for s in _candidates(config, shift.end) if s.start >= shift.end)


def previous_shift(config: Config, shift: Shift) -> Shift:
    """The last shift ending at or before `shift` starts."""
    return [s for s in _candidates(config, shift.start) if s.end <= shift.start][-1]


def shift_by_id(config: Config, shift_id: str) -> Shift:
    """The shift named "YYYY-MM-DD/HH:MM-HH:MM", checked against the pattern."""
    match = _SHIFT_ID.match(shift_id.strip())
    if not match:
        raise FloorError("shift '{shift_id}' is not YYYY-MM-DD/HH:MM-HH:MM", shift_id=shift_id)
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError as exc:
        raise FloorError("shift '{shift_id}' has no valid date", shift_id=shift_id) from exc
    bounds.day(day, f"shift '{shift_id}'")  # 9999-12-31's night shift ends past year 9999
    wanted = parse_slot(match.group(2))
    for slot in parse_pattern(config.shifts.pattern):
        if slot.label == wanted.label:
            return make_shift(slot, day, config.zone())
    raise FloorError(
        "shift '{shift_id}' is not in the pattern ({items})",
        shift_id=shift_id,
        items=', '.join(config.shifts.pattern),
    )


def resolve_shift(floor: Floor, ref: str | None) -> Shift:
    """The shift named "current" (or nothing), "next", "previous", or a shift id."""
    ref = (ref or "current").strip()
    if ref == "current":
        return current_shift(floor)
    if ref == "next":
        return next_shift(floor.config, current_shift(floor))
    if ref in ("previous", "prev"):
        return previous_shift(floor.config, current_shift(floor))
    return shift_by_id(floor.config, ref)


# ----------------------------------------------------------------- duty managers


@dataclass(frozen=True)
class DutyView:
    """A shift and the duty manager assigned to it (None when nobody is assigned yet)."""

    shift: Shift
    manager: str | None
    assigned_by: str | None
    assigned_at: datetime | None

    def as_json(self) -> dict[str, object]:
        return {
            **self.shift.as_json(),
            "manager": self.manager,
            "assigned_by": self.assigned_by,
            "assigned_at": self.assigned_at.isoformat() if self.assigned_at else None,
        }


def manager_of(session: Session, shift: Shift) -> str | None:
    """The duty manager assigned to `shift`, if any."""
    row = session.exec(select(ShiftDuty).where(ShiftDuty.shift_id == shift.id)).first()
    return row.manager if row else None


def duty(session: Session, shift: Shift) -> DutyView:
    row = session.exec(select(ShiftDuty).where(ShiftDuty.shift_id == shift.id)).first()
    if row is None:
        return DutyView(shift, None, None, None)
    return DutyView(shift, row.manager, row.assigned_by, row.assigned_at)


def assign_manager(floor: Floor, shift_ref: str | None, manager: str) -> DutyView:
    """Make `manager` the duty manager of a shift (replacing any earlier assignment)."""
    name = clean(manager, "manager", required=True, max_len=60) or ""
    shift = resolve_shift(floor, shift_ref)
    now = floor.clock.now()
    with floor.db.write() as session:
        permissions.require(floor, "handover.write", session=session)
        row = session.exec(select(ShiftDuty).where(ShiftDuty.shift_id == shift.id)).first()
        before = {"manager": row.manager} if row else None
        if row is None:
            row = ShiftDuty(
                shift_id=shift.id,
                starts_at=shift.start,
                ends_at=shift.end,
                manager=name,
                assigned_at=now,
                assigned_by=floor.actor.name,
            )
        else:
            row.manager, row.assigned_at, row.assigned_by = name, now, floor.actor.name
        session.add(row)
        journal.append(
            session,
            at=now,
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action="shift.assign",
            subject=shift.id,
            before=before,
            after={"manager": name},
        )
        return DutyView(shift, name, floor.actor.name, now)


def roster(floor: Floor, days: int = 1) -> list[DutyView]:
    """The shifts from the current one over the next `days` days, with their managers."""
    first = current_shift(floor)
    until = first.start + timedelta(days=days)
    shifts = [first]
    while True:
        following = next_shift(floor.config, shifts[-1])
        if following.start >= until:
            break
        shifts.append(following)
    with floor.db.read() as session:
        rows = {
            r.shift_id: r
            for r in session.exec(
                select(ShiftDuty).where(col(ShiftDuty.shift_id).in_([s.id for s in shifts]))
            ).all()
        }
    return [
        DutyView(s, rows[s.id].manager, rows[s.id].assigned_by, rows[s.id].assigned_at)
        if s.id in rows
        else DutyView(s, None, None, None)
        for s in shifts
    ]
