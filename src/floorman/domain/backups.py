"""Backups as the floor sees them: where they go, when they are due, who restored.

The file work (VACUUM INTO, checks, rotation, restore) is in `data/backup.py`; this module
adds the floor's clock, config and actor, and the journal row of a restore.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from floorman.data import journal
from floorman.data.backup import (
    KINDS,
    BackupFile,
    RestoreResult,
    backup_dir,
    backup_name,
    backup_to,
    copy_private,
    journal_head_of,
    list_backups,
    rotate,
)
from floorman.data.backup_scrub import scrub_visitors
from floorman.data.journal_key import HeadAnchor
from floorman.data.tables.floor import JournalEntry
from floorman.domain.core.context import Floor
from floorman.translated import Finding


def backup_dir_for(floor: Floor) -> Path:
    """The floor's backup folder: `[backup] directory`, else `backups/` by the database."""
    return backup_dir(floor.db.path, floor.config.backup.directory)


def take_backup(floor: Floor, kind: str = "manual") -> Path:
    """Write one backup of `kind` into the backup folder, named by the floor's clock."""
    if kind not in KINDS:
        raise ValueError(f"unknown backup kind {kind!r}")
    directory = backup_dir_for(floor)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = floor.clock.now()
    return backup_to(floor.db, directory / backup_name(floor.db.path, kind, now), now)


def _bucket(kind: str, when: datetime, floor: Floor) -> str:
    """Backups of a kind taken in the same bucket are one: an hour (UTC) or a local day."""
    if kind == "hourly":
        return when.astimezone(UTC).strftime("%Y%m%d%H")
    return when.astimezone(floor.config.zone()).strftime("%Y%m%d")


def run_scheduled_backups(floor: Floor) -> list[Path]:
    """Take the hourly and daily backups that are due, then rotate; return files written.

    A kind is due when no backup of that kind exists for the current hour (hourly, UTC)
    or the current local day (daily). Called by the app's scheduler every few minutes;
    calling it again in the same hour does nothing. Rotation keeps the newest
    `hourly_keep` / `daily_keep` files of each kind and removes older ones (a clock moved
    back leaves files "from the future"; they count as newest and age out normally).
    """
    settings = floor.config.backup
    keep = {"hourly": settings.hourly_keep, "daily": settings.daily_keep}
    now = floor.clock.now()
    directory = backup_dir_for(floor)
    written: list[Path] = []
    for kind in ("hourly", "daily"):
        if keep[kind] <= 0:
            continue
        existing = list_backups(directory, kind)
        if any(_bucket(kind, b.taken_at, floor) == _bucket(kind, now, floor) for b in existing):
            continue
        if kind == "daily" and written:
            # Same instant as the hourly copy just taken and checked: copy it.
            target = directory / backup_name(floor.db.path, kind, now)
            copy_private(written[0], target)
            written.append(target)
        else:
            written.append(take_backup(floor, kind))
    for kind in ("hourly", "daily"):
        if keep[kind] > 0:
            rotate(directory, kind, keep[kind])
    return written


def record_restore(floor: Floor, result: RestoreResult) -> None:
    """Journal the restore in the restored database: the audit trail says it happened."""

    with floor.db.write() as session:
        journal.append(
            session,
            at=floor.clock.now(),
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action="backup.restore",
            subject=str(result.database),
            after={
                "restored_from": str(result.restored_from),
                "kept_aside": str(result.kept_aside) if result.kept_aside else None,
            },
        )


def _own_backups(floor: Floor) -> list[BackupFile]:
    """This database's backups (a shared folder may hold another floor's too)."""
    return [
        b
        for b in list_backups(backup_dir_for(floor))
        if b.path.name == backup_name(floor.db.path, b.kind, b.taken_at)
    ]


def anchor_problems(floor: Floor) -> list[Finding]:
    """Each backup anchors the journal's head as it was then: the journal now must still
    hold that row, with that hash, unless a later restore forked the journal before it.

    So rows cut from the end of the journal, or a chain recomputed, are caught even when
    the head anchor beside the database was deleted or replaced by an older copy."""
    problems: list[Finding] = []
    with floor.db.read() as session:
        restores = session.exec(
            select(JournalEntry.seq)
            .where(col(JournalEntry.action) == "backup.restore")
            .order_by(col(JournalEntry.seq))
        ).all()
        for found in _own_backups(floor):
            head = journal_head_of(found.path)
            if head is None:
                continue
            where = Finding("anchored in {backup}", backup=found.path.name)
            lines = journal.reaches(session, HeadAnchor(*head), where)
            if lines and not _forked_by_restore(session, found.path, head[0], restores):
                problems.extend(lines)
    return problems


def _forked_by_restore(session: Session, path: Path, seq: int, restores: Sequence[int]) -> bool:
    """True when a restore (journal row r <= seq) took the journal back to a state both
    share (row r - 1 the same in the backup and now): the backup is of the other branch."""
    for restore_seq in reversed(restores):
        if restore_seq > seq + 1:
            continue
        shared = journal_head_of(path, restore_seq - 1)
        now = session.exec(
            select(JournalEntry.hash).where(JournalEntry.seq == restore_seq - 1)
        ).first()
        if shared is not None and shared[1] == now:
            return True
    return False


def purge_from_backups(floor: Floor, visitor_ids: Sequence[str], purged: str) -> int:
    """After the retention purge: backups taken before the retention period are removed
    (every kind, manual ones too: nothing else rotates those), and the purged visitors are
    cleared inside the ones kept. Returns how many backups were removed."""
    if not visitor_ids:
        return 0
    now = floor.clock.now()
    cutoff = now - timedelta(days=floor.config.visitors.retention_days)
    removed = 0
    for found in _own_backups(floor):
        if found.taken_at < cutoff or not scrub_visitors(
            found.path, visitor_ids, purged, f"{now.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}"
        ):
            found.path.unlink(missing_ok=True)
            removed += 1
    return removed
