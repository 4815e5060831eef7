"""Retention: the personal data of visits that ended long enough ago is cleared.

Ended means checked out, or registered and never checked in. Name and purpose become
"(purged)"; phone, the ID hash and its last four go; alert messages naming the visitor
are cleared, and so is any name the one roll call holds for the visitor (it reads names
from the visitor row, so normally there is none). The journal entry lists only ids.
Then the WAL is checkpointed (TRUNCATE) so the old pages leave the -wal, backups taken
before the retention period are removed and the purged visitors cleared in the others
(`backups.purge_from_backups`), and exports written before the retention period go.
"""

from __future__ import annotations

import contextlib
import stat
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update
from sqlmodel import col, select

from floorman.config import default_data_dir
from floorman.data.tables.floor import Alert
from floorman.data.tables.roll_call import RollCallEntry
from floorman.data.tables.visitors import Visitor
from floorman.domain.backups import purge_from_backups
from floorman.domain.core.context import Floor
from floorman.domain.visitors.privacy import PURGED
from floorman.domain.visitors.records import log, require, subject


@dataclass(frozen=True)
class PurgeResult:
    """How many visitors had their personal data cleared, and which."""

    count: int
    visitor_ids: tuple[str, ...]


def purge_expired(floor: Floor) -> PurgeResult:
    """Clear the personal data of visits that ended more than `retention_days` ago.

    Cheap when there is nothing to purge (one read, no write lock), so a daily job or a
    scheduler heartbeat may call it as often as it likes.
    """
    now = floor.clock.now()
    days = floor.config.visitors.retention_days
    cutoff = now - timedelta(days=days)
    expired = select(Visitor).where(
        col(Visitor.purged_at).is_(None),
        (col(Visitor.checked_out_at) < cutoff)
        | (col(Visitor.checked_in_at).is_(None) & (col(Visitor.registered_at) < cutoff)),
    )
    with floor.db.read() as session:
        if session.exec(expired.limit(1)).first() is None:
            return PurgeResult(0, ())
    with floor.db.write() as session:
        require(floor, session, "visitor.purge")
        rows = session.exec(expired).all()
        ids = tuple(v.id for v in rows)
        for visitor in rows:
            visitor.name = PURGED
            visitor.purpose = PURGED
            visitor.phone = None
            visitor.id_hash = None
            visitor.id_last4 = None
            visitor.purged_at = now
            session.add(visitor)
        if ids:
            subjects = [subject(i) for i in ids]
            session.execute(
                update(Alert).where(col(Alert.subject).in_(subjects)).values(message=PURGED)
            )
            session.execute(
                update(RollCallEntry)
                .where(col(RollCallEntry.visitor_id).in_(ids))
                .values(name=None, place=None)
            )
            log(
                session, floor, "visitor.purge", "visitors",
                after={"count": len(ids), "retention_days": days, "visitor_ids": list(ids)},
            )
    if ids:
        # No copy survives elsewhere: not in the -wal (the pages before the purge stay
        # there until a checkpoint folds them in), not in a backup.
        floor.db.checkpoint()
        purge_from_backups(floor, ids, PURGED)
        rotate_exports(cutoff.timestamp())
    return PurgeResult(len(ids), ids)


def rotate_exports(cutoff: float) -> list[Path]:
    """Remove exports (the reports screen's CSV files, in `exports/` of the data dir)
    written before the retention period: they may name visitors purged since."""
    folder = default_data_dir() / "exports"
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            info = path.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                path.unlink()
                removed.append(path)
    return removed
