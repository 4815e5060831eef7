"""JSON Lines events: one object per line, applied in batches through `seat_batch`.

JSON Lines batches go through `seat_batch.apply_batch`, which applies calls, aways,
returns and logins from memory in bulk and hands anything else to `apply_event` in a
SAVEPOINT. `read_lines` reads a file or a pipe as lines arrive, so a quiet pipe commits
what it sent.
"""

from __future__ import annotations

import json
import os
import select as io_select
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from floorman.domain.away import follow  # noqa: F401  (the away rules follow the seats)
from floorman.domain.core import bounds
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import identifier, parse_instant
from floorman.domain.feeds.report import (
    BATCH_SIZE,
    BadLine,
    BadLineHandler,
    FeedReport,
    ignore_bad,
)
from floorman.domain.seats.batch import BatchEvent, apply_batch
from floorman.translated import Phrase

MAX_LINE_BYTES = 64 * 1024


@dataclass(frozen=True)
class FeedEvent:
    """One agent-state event read from a feed, ready for `seats.apply_event`."""

    line: int
    seat: str
    state: str
    agent: str | None = None
    reason: str | None = None
    at: datetime | None = None
    external_id: str | None = None


def _text_field(data: dict[str, object], key: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise FloorError("'{key}' is missing", key=key)
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FloorError(
            "'{key}' must be text, not {type_name}", key=key, type_name=type(value).__name__
        )
    return str(value)


def _instant(value: object, zone: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise FloorError("'at' must be an ISO 8601 time or epoch seconds")
    if isinstance(value, int | float):
        try:
            at = datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise FloorError(
                "'at' {value} is not a usable epoch time", value=bounds.shown(value)
            ) from exc
        return bounds.instant(at, "'at'")
    if isinstance(value, str):
        return parse_instant(value, zone)
    raise FloorError("'at' must be an ISO 8601 time or epoch seconds")


def parse_jsonl_line(raw: bytes | str, line: int, zone: ZoneInfo) -> FeedEvent | None:
    """One JSON Lines event; None for a blank line; FloorError saying what is wrong."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_LINE_BYTES:
            raise FloorError(
                "line is too long ({raw} bytes, at most {MAX_LINE_BYTES})",
                raw=len(raw),
                MAX_LINE_BYTES=MAX_LINE_BYTES,
            )
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FloorError("not UTF-8 text") from exc
    text = raw.strip().lstrip("\ufeff")
    if not text:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FloorError(
            "not valid JSON: {msg} (column {colno})",
            msg=Phrase(exc.msg),  # json's fixed few reasons, said in the run's language
            colno=exc.colno,
        ) from exc
    except (RecursionError, ValueError) as exc:  # nested too deep; a number too long
        problem = "nested too deep" if isinstance(exc, RecursionError) else "a number too long"
        raise FloorError("not usable JSON: {problem}", problem=Phrase(problem)) from exc
    if not isinstance(data, dict):
        raise FloorError("expected a JSON object, got {type_name}", type_name=type(data).__name__)
    external_id = identifier(
        _text_field(data, "id"), "id", required=False, max_len=bounds.EVENT_ID_MAX
    )
    return FeedEvent(
        line=line,
        seat=_text_field(data, "seat", required=True) or "",
        state=_text_field(data, "state", required=True) or "",
        agent=_text_field(data, "agent"),
        reason=_text_field(data, "reason"),
        at=_instant(data.get("at"), zone),
        external_id=f"jsonl:{external_id}" if external_id else None,
    )


class JsonlFeed:
    """Reads JSON Lines events and applies them in batches of `batch_size` per transaction.

    `add()` parses a line at once (a malformed line is reported without touching the
    database) and buffers the event; a full buffer is applied, and `flush()` applies what
    is left. The caller flushes when its input goes quiet, so a live pipe does not keep
    events (and the write lock) waiting for a full batch.
    """

    def __init__(
        self,
        floor: Floor,
        *,
        source: str = "jsonl",
        batch_size: int = BATCH_SIZE,
        on_bad: BadLineHandler = ignore_bad,
    ) -> None:
        self.floor = floor
        self.source = identifier(source, "source", max_len=bounds.SOURCE_MAX) or "jsonl"
        self.batch_size = max(1, batch_size)
        self.on_bad = on_bad
        self.report = FeedReport()
        self._zone = floor.config.zone()
        self._pending: list[FeedEvent | BadLine] = []

    def add(self, line: int, raw: bytes | str) -> None:
        """Parse one line and queue it; a full queue is applied at once."""
        try:
            event: FeedEvent | BadLine | None = parse_jsonl_line(raw, line, self._zone)
        except (FloorError, ArithmeticError) as exc:  # one bad line never stops the feed
            # Reported at flush, in line order, in the language of the moment.
            event = BadLine(line, exc if isinstance(exc, FloorError) else str(exc))
        if event is None:
            return
        self.report.read += 1
        self._pending.append(event)
        if len(self._pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Apply the queued events in one transaction (`seat_batch.apply_batch`)."""
        if not self._pending:
            return
        events, self._pending = self._pending, []
        bad: list[BadLine] = []
        counts = FeedReport()
        good = [e for e in events if isinstance(e, FeedEvent)]
        with self.floor.db.write() as session:
            outcomes = apply_batch(
                session,
                self.floor,
                [BatchEvent(e.seat, e.state, e.agent, e.reason, e.at, e.external_id) for e in good],
                source=self.source,
            )
        for event, outcome in zip(good, outcomes, strict=True):
            if isinstance(outcome, FloorError):
                bad.append(BadLine(event.line, outcome))
            elif outcome:
                counts.applied += 1
            else:
                counts.unchanged += 1
        bad.extend(e for e in events if isinstance(e, BadLine))
        bad.sort(key=lambda b: b.line)
        # Counted and reported once committed.
        self.report.applied += counts.applied
        self.report.unchanged += counts.unchanged
        self.report.bad += len(bad)
        for item in bad:
            self.on_bad(item)


def read_lines(fd: int, *, chunk: int = 1 << 16) -> Iterator[bytes | None]:
    """Lines (without their newline) read from a file descriptor as they arrive.

    Yields None whenever the input has nothing more ready for now (a pipe gone quiet),
    which is the moment to commit what has been read. A regular file never goes quiet
    until its end.
    """
    pending = b""
    while True:
        data = os.read(fd, chunk)
        if not data:
            break
        pending += data
        *lines, pending = pending.split(b"\n")
        yield from lines
        if not _input_ready(fd):
            yield None
    if pending:
        yield pending


def _input_ready(fd: int) -> bool:
    try:
        ready, _, _ = io_select.select([fd], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(ready)
