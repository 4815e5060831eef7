"""The one way floorman reads a CSV file it is given: seats, agents, a roster, a forecast,
a phone system's member map.

UTF-8 (with or without a byte-order mark), a header row whose names are matched without
case or surrounding spaces, values trimmed. Every way a file can be unusable (missing,
unreadable, not UTF-8, a damaged CSV line, a field over the csv module's limit, a missing
column) is one `FloorError` naming the file and the line, never a traceback.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from floorman.domain.core.errors import FloorError

Row = dict[str, str]


# The largest roster or seat plan a floor has is a few MB; a bigger file is a mistake.
MAX_BYTES = 64 * 1024 * 1024


def read_rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, Row]]:
    """Every data row of `path` with its line number; refused without the `required` columns."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise FloorError(
                "{path}: larger than {limit} MB: not a floor's CSV file",
                path=path,
                limit=MAX_BYTES // (1024 * 1024),
            )
        data = path.read_bytes()
    except OSError as exc:
        raise FloorError(
            "{path}: cannot be read: {strerror}", path=path, strerror=exc
        ) from exc
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FloorError("{path}: line {line}: not UTF-8 text", path=path, line=line) from exc
    reader = csv.DictReader(io.StringIO(content, newline=""))
    try:
        header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
        missing = [column for column in required if column not in header]
        if missing:
            raise FloorError(
                "{path}: line 1: missing column(s): {items}", path=path, items=", ".join(missing)
            )
        reader.fieldnames = header
        return [
            # A short row's missing values read as empty; a long row's extras are dropped.
            (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k})
            for row in reader
        ]
    except csv.Error as exc:
        raise FloorError(
            "{path}: line {line}: not a CSV line: {error}",
            path=path,
            line=reader.reader.line_num,
            error=exc,
        ) from exc
