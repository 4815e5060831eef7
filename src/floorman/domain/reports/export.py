"""Reports as CSV files: UTF-8 with a BOM so spreadsheet programs read Chinese."""

from __future__ import annotations

from pathlib import Path

from floorman.domain.core.errors import FloorError
from floorman.domain.core.files import free_name, write_csv
from floorman.domain.reports.figures import FloorReport


def export_report(report: FloorReport, folder: Path, zone_name: str = "UTC") -> list[Path]:
    """Write every report of the range as its own new CSV file; return the files.

    The folder is floorman's own: a name already taken (an earlier export of the same
    range) gets a new one, name-2.csv, never written over."""
    stamp = f"{report.start:%Y%m%d}-{report.end:%Y%m%d}"
    files: dict[Path, tuple[tuple[str, ...], list[tuple[object, ...]]]] = {
        folder / f"occupancy-{stamp}.csv": (
            ("time_utc", "staffed", "open_seats", "occupancy", "required_seats"),
            [
                (
                    p.at.isoformat(),
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
            ("hour_utc", "away_minutes"),
            [(h.hour.isoformat(), h.value) for h in report.away_minutes],
        ),
        folder / f"alerts-{stamp}.csv": (
            ("hour_utc", "alerts_fired"),
            [(h.hour.isoformat(), int(h.value)) for h in report.alerts],
        ),
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FloorError(f"{folder}: cannot be created: {exc.strerror}") from exc
    written = []
    for path, (header, rows) in files.items():
        target = free_name(path)
        write_csv(target, header, rows)
        written.append(target)
    return written
