"""Every visitor to a CSV file, masked as on screen, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from floorman.domain.core.errors import FloorError
from floorman.domain.visitors.presence import list_visitors

CSV_COLUMNS: tuple[str, ...] = (
    "id", "name", "organisation", "category", "purpose", "host", "escort", "phone",
    "id_number", "badge", "expected_minutes", "state", "registered_at", "registered_by",
    "decided_at", "decided_by", "reject_reason", "checked_in_at", "expected_end_at",
    "checked_out_at", "watch_match",
)


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    # A cell starting with = + - @ is run as a formula by spreadsheets: quote it.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_csv(session: Session, path: Path) -> int:
    """Write every visitor (masked) to a CSV file; return how many rows."""
    views = list_visitors(session)
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for view in views:
                data = asdict(view)
                writer.writerow([_csv_cell(data[c]) for c in CSV_COLUMNS])
    except OSError as exc:
        raise FloorError(
            "{path}: cannot be written: {strerror}",
            path=path,
            strerror=exc.strerror,
        ) from exc
    return len(views)
