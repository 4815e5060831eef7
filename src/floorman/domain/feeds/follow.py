"""Following an Asterisk queue_log file as it grows: offsets, rotation, truncation.

The file I/O of the queue_log feed lives here; what each line means is decided by
`queue_log.queue_log_action` (pure rules) and applied through `queue_log_floor`.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from floorman.data.tables.feeds import FeedOffset
from floorman.domain.core import bounds
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import identifier
from floorman.domain.feeds.members import InterfaceMap
from floorman.domain.feeds.queue_log import (
    LOGIN_EVENTS,
    LOGOFF_EVENTS,
    QueueLogLine,
    parse_queue_log_line,
    queue_log_action,
    queue_log_event_id,
)
from floorman.domain.feeds.queue_log_floor import BatchMembers, apply_queue_log_line
from floorman.domain.feeds.report import (
    BATCH_SIZE,
    BadLine,
    BadLineHandler,
    FeedReport,
    ignore_bad,
)
from floorman.domain.seats.batch import BatchEvent, FloorBatch

READ_CHUNK = 1 << 20


@dataclass
class _Position:
    """Where the follower stands in one file: its inode, the next byte and line."""

    inode: int
    offset: int = 0
    line: int = 0
    head_hash: str = ""


def _head_hash(path: Path) -> str:
    """SHA-256 of the file's first complete line ('' while it has none)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return ""
    end = head.find(b"\n")
    return hashlib.sha256(head[: end + 1]).hexdigest() if end >= 0 else ""


class FeedFollower:
    """Follows an Asterisk queue_log: call `poll_once()` repeatedly (the CLI does, with a sleep).

    Each poll applies every complete line after the stored offset, `batch_size` lines per
    transaction, with the new offset written in that same transaction. A rotated log (the
    path now names another inode) is first read to its end under its new name (found by
    inode in the same directory), then the new file is read from its start; a truncated
    or replaced file is read from its start. Lines are applied once whatever happens.
    """

    def __init__(
        self,
        floor: Floor,
        path: Path,
        *,
        mapping: InterfaceMap | None = None,
        source: str = "asterisk",
        batch_size: int = BATCH_SIZE,
        on_bad: BadLineHandler = ignore_bad,
        from_start: bool = False,
    ) -> None:
        self.floor = floor
        self.path = Path(os.path.abspath(path))
        self.key = str(self.path)
        self.mapping = mapping
        self.source = identifier(source, "source", max_len=bounds.SOURCE_MAX) or "asterisk"
        self.batch_size = max(1, batch_size)
        self.on_bad = on_bad
        self.report = FeedReport()
        self._position: _Position | None = None
        self._loaded = from_start  # from_start: ignore any stored offset

    # -- stored position

    def _load(self) -> None:
        with self.floor.db.read() as session:
            row = session.exec(select(FeedOffset).where(FeedOffset.path == self.key)).first()
        if row is not None:
            self._position = _Position(row.inode, row.offset, row.line, row.head_hash)
        self._loaded = True

    def _store(self, session: Session, position: _Position) -> None:
        row = session.exec(select(FeedOffset).where(FeedOffset.path == self.key)).first()
        if row is None:
            row = FeedOffset(
                source=self.source,
                path=self.key,
                inode=position.inode,
                updated_at=self.floor.clock.now(),
            )
        row.inode, row.offset, row.line = position.inode, position.offset, position.line
        row.head_hash, row.updated_at = position.head_hash, self.floor.clock.now()
        session.add(row)

    # -- polling

    def poll_once(self) -> FeedReport:
        """Apply whatever the log gained since the last poll; returns this poll's counts."""
        report = FeedReport()
        if not self._loaded:
            self._load()
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            stat = None
        position = self._position
        if position is not None and (stat is None or stat.st_ino != position.inode):
            rotated = self._find_rotated(position)
            if rotated is not None:
                self._read(rotated, position, report)
            if stat is None:
                self._finish(report)
                return report
            report.restarts += 1
            position = None
        if stat is None:
            self._finish(report)
            return report
        head = _head_hash(self.path)
        if position is not None and (
            stat.st_size < position.offset
            or (position.offset > 0 and position.head_hash and head != position.head_hash)
        ):
            report.restarts += 1
            position = None
        if position is None:
            position = _Position(inode=stat.st_ino, head_hash=head)
        elif not position.head_hash:
            position.head_hash = head
        self._position = position
        self._read(self.path, position, report)
        self._finish(report)
        return report

    def _finish(self, report: FeedReport) -> None:
        self.report.add(report)

    def _find_rotated(self, position: _Position) -> Path | None:
        """The file the followed path named before rotation (same inode, same directory)."""
        try:
            candidates = sorted(self.path.parent.iterdir())
        except OSError:
            return None
        for candidate in candidates:
            if candidate == self.path or not candidate.name.startswith(self.path.name):
                continue
            try:
                if candidate.stat().st_ino != position.inode or not candidate.is_file():
                    continue
            except OSError:
                continue
            if position.head_hash and _head_hash(candidate) != position.head_hash:
                continue
            return candidate
        return None

    def _read(self, path: Path, position: _Position, report: FeedReport) -> None:
        """Apply complete lines of `path` from `position` on, batch by batch."""
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise FloorError(
                "{path}: cannot be read: {strerror}",
                path=path,
                strerror=exc,
            ) from exc
        with handle:
            handle.seek(position.offset)
            pending = b""
            start = position.offset
            while True:
                data = handle.read(READ_CHUNK)
                if not data:
                    break
                pending += data
                cut = pending.rfind(b"\n")
                if cut < 0:
                    continue
                complete, pending = pending[: cut + 1], pending[cut + 1 :]
                lines = complete.splitlines(keepends=True)
                for first in range(0, len(lines), self.batch_size):
                    batch = lines[first : first + self.batch_size]
                    self._apply_batch(batch, start, position, report)
                    start += sum(len(raw) for raw in batch)
            # A last line without its newline is being written: read it next poll.

    def _apply_batch(
        self, batch: list[bytes], start: int, position: _Position, report: FeedReport
    ) -> None:
        line_no, offset = position.line, start
        counts = FeedReport()
        bad: list[BadLine] = []
        records: list[tuple[int, str, QueueLogLine]] = []
        for raw in batch:
            line_no += 1
            line_offset, offset = offset, offset + len(raw)
            body = raw.rstrip(b"\r\n")
            if not body.strip():
                continue
            counts.read += 1
            try:
                record = parse_queue_log_line(body.decode("utf-8"))
            except UnicodeDecodeError:
                bad.append(BadLine(line_no, FloorError("not UTF-8 text")))
                continue
            except (FloorError, ArithmeticError) as exc:  # one bad line never stops the feed
                bad.append(BadLine(line_no, exc if isinstance(exc, FloorError) else str(exc)))
                continue
            records.append((line_no, queue_log_event_id(line_offset, body), record))
        with self.floor.db.write() as session:
            floor_batch = FloorBatch(
                session, self.floor, source=self.source, external_ids=[r[1] for r in records]
            )
            members = BatchMembers(floor_batch)
            for number, external_id, record in records:
                try:
                    outcome = self._apply_record(session, floor_batch, members, record, external_id)
                except FloorError as exc:
                    bad.append(BadLine(number, exc))
                    continue
                if outcome == "applied":
                    counts.applied += 1
                elif outcome == "unchanged":
                    counts.unchanged += 1
                elif outcome == "stale":
                    counts.stale += 1
                else:
                    counts.ignored += 1
            floor_batch.finish()
            new_position = _Position(position.inode, offset, line_no, position.head_hash)
            self._store(session, new_position)
        # Committed: only now move on (a failed commit leaves the position where it was).
        position.offset, position.line = new_position.offset, new_position.line
        counts.bad = len(bad)
        report.add(counts)
        for item in sorted(bad, key=lambda b: b.line):
            self.on_bad(item)

    def _apply_record(
        self,
        session: Session,
        floor_batch: FloorBatch,
        members: BatchMembers,
        record: QueueLogLine,
        external_id: str,
    ) -> str:
        """One queue_log record under `queue_log_action`'s rules, in the batch."""
        if record.event in LOGIN_EVENTS or record.event in LOGOFF_EVENTS:
            # Queue memberships change: the ORM path, in a savepoint of its own.
            return floor_batch.alone(
                lambda: apply_queue_log_line(
                    session,
                    self.floor,
                    record,
                    external_id=external_id,
                    source=self.source,
                    mapping=self.mapping,
                ),
                external_id=external_id,
            )
        action = queue_log_action(members, record, source=self.source, mapping=self.mapping)
        if isinstance(action, str):
            return action
        outcome = floor_batch.apply(
            BatchEvent(
                action.seat, action.event, action.agent_no, action.reason, record.at, external_id
            )
        )
        if isinstance(outcome, FloorError):
            raise outcome
        return "applied" if outcome else "unchanged"

    def follow(
        self,
        *,
        interval: float = 1.0,
        should_stop: Callable[[], bool] = lambda: False,
        sleep: Callable[[float], None] = time.sleep,
        on_poll: Callable[[FeedReport], None] | None = None,
    ) -> FeedReport:
        """Poll until `should_stop()`; polls never overlap (one runs after the other)."""
        while not should_stop():
            report = self.poll_once()
            if on_poll is not None:
                on_poll(report)
            sleep(interval)
        return self.report
