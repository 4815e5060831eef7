"""Reports as CSV files: UTF-8 with a BOM so spreadsheet programs read Chinese."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from floorman.domain.core.errors import FloorError
from floorman.domain.reports.figures import FloorReport


def export_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write one report as CSV (UTF-8 with BOM so spreadsheet programs read Chinese)."""
    count = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
    except OSError as exc:
        raise FloorError(
            "cannot write {path}: {strerror}",
            path=path,
            strerror=exc.strerror,
        ) from exc
    return count


def export_report(report: FloorReport, folder: Path, zone_name: str = "UTC") -> list[Path]:
    """Write every report of the range as its own CSV file; return the files."""
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
    for path, (header, rows) in files.items():
        export_csv(path, header, rows)
    return list(files)
