"""Reading a traffic forecast CSV (interval,calls,aht), all or nothing, with its interval
labels ("08:00-08:30", "08:00" or free text).
"""

from __future__ import annotations

import math
from datetime import time
from pathlib import Path

from floorman.domain.core.csv_rows import read_rows
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean
from floorman.domain.staffing.required import ForecastInterval


def _parse_clock(text: str) -> time:
    hours, _, minutes = text.strip().partition(":")
    value = int(hours), int(minutes or 0)
    if value == (24, 0):
        return time(0, 0)
    return time(*value)


def parse_interval(label: str, default_minutes: int) -> tuple[time | None, int]:
    """Read an interval label: "08:00-08:30" (its own length), "08:00", or free text.

    A label that is not a time of day keeps the default length and never matches "now".
    """
    start_text, dash, end_text = label.partition("-")
    try:
        start = _parse_clock(start_text)
    except ValueError:
        return None, default_minutes * 60
    if not dash:
        return start, default_minutes * 60
    try:
        end = _parse_clock(end_text)
    except ValueError as exc:
        raise FloorError(
            "interval '{label}': the end is not a time like 08:30",
            label=label,
        ) from exc
    seconds = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % 1440 * 60
    if seconds == 0:
        raise FloorError("interval '{label}' has no length", label=label)
    return start, seconds


def read_forecast(path: Path, *, interval_minutes: int = 30) -> list[ForecastInterval]:
    """Read a forecast CSV with columns interval,calls,aht (AHT in seconds); all or nothing."""
    if interval_minutes < 1 or interval_minutes > 1440:
        raise FloorError("the interval length must be 1 to 1440 minutes")
    rows = read_rows(path, ("interval", "calls", "aht"))
    intervals: list[ForecastInterval] = []
    for line, row in rows:
        try:
            label = clean(row.get("interval") or "", "interval", required=True, max_len=40) or ""
            start, seconds = parse_interval(label, interval_minutes)
            calls = _number(row.get("calls"), "calls")
            aht = _number(row.get("aht"), "aht")
            if calls < 0:
                raise FloorError("calls must not be negative")
            if aht <= 0 and calls > 0:
                raise FloorError("aht (seconds) must be more than 0 when there are calls")
        except FloorError as exc:
            raise FloorError("{path}: line {line}: {exc}", path=path, line=line, exc=exc) from exc
        intervals.append(ForecastInterval(label, start, seconds, calls, aht))
    if not intervals:
        raise FloorError("{path}: no intervals in the file", path=path)
    return intervals


def _number(value: str | None, name: str) -> float:
    try:
        number = float((value or "").strip())
    except ValueError as exc:
        raise FloorError(
            "{name} must be a number, got '{value}'",
            name=name,
            value=value or '',
        ) from exc
    if not math.isfinite(number):
        raise FloorError("{name} must be a finite number", name=name)
    return number
