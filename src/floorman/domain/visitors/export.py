"""Every visitor to a CSV file, masked as on screen, safe to open in a spreadsheet."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from sqlmodel import Session

from floorman.domain.core.files import write_csv
from floorman.domain.visitors.presence import list_visitors

CSV_COLUMNS: tuple[str, ...] = (
    "id", "name", "organisation", "category", "purpose", "host", "escort", "phone",
    "id_number", "badge", "expected_minutes", "state", "registered_at", "registered_by",
    "decided_at", "decided_by", "reject_reason", "checked_in_at", "expected_end_at",
    "checked_out_at", "watch_match",
)


def export_csv(session: Session, path: Path, *, force: bool = False) -> int:
    """Write every visitor (masked) to a new CSV file (`files.write_csv`); rows written."""
    views = list_visitors(session)
    rows = ([asdict(view)[c] for c in CSV_COLUMNS] for view in views)
    return write_csv(path, CSV_COLUMNS, rows, force=force, bom=False)
