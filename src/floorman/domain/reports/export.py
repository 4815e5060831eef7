"""Reports as CSV files: UTF-8 with a BOM so spreadsheet programs read Chinese; one file
per tab of the reports screen, times local with their offset."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from floorman.domain.attendance.days import ShiftAttendance
from floorman.domain.core.errors import FloorError
from floorman.domain.core.files import free_name, write_csv
from floorman.domain.reports.figures import FloorReport


def local_time(when: datetime | None, zone: ZoneInfo) -> str:
    """A time as the floor reads it, with its offset: 2026-11-23T16:00:00+08:00."""
    return when.astimezone(zone).isoformat(timespec="seconds") if when else ""


def export_report(
    report: FloorReport,
    folder: Path,
    zone: ZoneInfo,
    attendance: Sequence[ShiftAttendance] = (),
) -> list[Path]:
    """Write every tab of the reports screen as its own CSV file (occupancy, away
    minutes, alerts, attendance); times are local with their offset. Return the files.

    The folder is floorman's own: a name already taken (an earlier export of the same
    range) gets a new one, name-2.csv, never written over."""
    stamp = f"{report.start.astimezone(zone):%Y%m%d}-{report.end.astimezone(zone):%Y%m%d}"
    files: dict[Path, tuple[tuple[str, ...], list[tuple[object, ...]]]] = {
        folder / f"occupancy-{stamp}.csv": (
            ("time", "staffed", "open_seats", "occupancy", "required_seats"),
            [
                (
                    local_time(p.at, zone),
                    p.staffed,
                    p.open_seats,
                    f"{p.occupancy:.3f}",
                    "" if r is None else r,
                )
                for p, r in zip(
                    report.occupancy, report.required or [None] * len(report.occupancy), strict=True
                )
            ],
        ),
        folder / f"away-minutes-{stamp}.csv": (
            ("hour", "away_minutes"),
            [(local_time(h.hour, zone), h.value) for h in report.away_minutes],
        ),
        folder / f"alerts-{stamp}.csv": (
            ("hour", "alerts_fired"),
            [(local_time(h.hour, zone), int(h.value)) for h in report.alerts],
        ),
        folder / f"attendance-{stamp}.csv": (
            (
                "staff_no",
                "name",
                "day",
                "shift_start",
                "shift_end",
                "signed_in",
                "signed_out",
                "late_minutes",
                "early_minutes",
                "absent_days",
                "on_leave",
                "fine",
            ),
            [
                (
                    a.staff_no,
                    a.name,
                    a.day,
                    local_time(a.starts_at, zone),
                    local_time(a.ends_at, zone),
                    local_time(a.signed_in, zone),
                    local_time(a.signed_out, zone),
                    a.late_minutes,
                    a.early_minutes,
                    a.absent_days,
                    "yes" if a.on_leave else "",
                    a.fine,
                )
                for a in attendance
            ],
        ),
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FloorError(
            "{folder}: cannot be created: {strerror}", folder=folder, strerror=exc
        ) from exc
    written = []
    for path, (header, rows) in files.items():
        target = free_name(path)
        write_csv(target, header, rows)
        written.append(target)
    return written
