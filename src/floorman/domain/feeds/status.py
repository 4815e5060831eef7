"""How far the feeds have got, for `feed status`: followed files and events per source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, func, select

from floorman.data.tables.feeds import FeedOffset
from floorman.data.tables.floor import SeatEvent


@dataclass(frozen=True)
class FeedStatus:
    """A stored follow position, for `feed status`."""

    path: str
    source: str
    inode: int
    offset: int
    line: int
    updated_at: datetime

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "source": self.source,
            "inode": self.inode,
            "offset": self.offset,
            "line": self.line,
            "updated_at": self.updated_at.isoformat(),
        }


def feed_positions(session: Session) -> list[FeedStatus]:
    """Every followed file and how far it has been applied."""
    rows = session.exec(select(FeedOffset).order_by(col(FeedOffset.path))).all()
    return [FeedStatus(r.path, r.source, r.inode, r.offset, r.line, r.updated_at) for r in rows]


@dataclass(frozen=True)
class FeedSource:
    """Events a feed has recorded, for `feed status`: JSON Lines feeds keep no offset."""

    source: str
    events: int
    last_at: datetime

    def as_json(self) -> dict[str, object]:
        return {"source": self.source, "events": self.events, "last_at": self.last_at.isoformat()}


def feed_sources(session: Session) -> list[FeedSource]:
    """Per source, the events recorded with an id (what feeds send), and the latest one.

    Events typed by hand or on the screen carry no id and are not counted.
    """
    rows = session.exec(
        select(SeatEvent.source, func.count(), func.max(SeatEvent.at))
        .where(col(SeatEvent.external_id).is_not(None))
        .group_by(SeatEvent.source)
        .order_by(SeatEvent.source)
    ).all()
    return [FeedSource(source, count, _aware(last)) for source, count, last in rows]


def _aware(value: datetime) -> datetime:
    # func.max bypasses the column's type: SQLite hands back the stored text or a naive UTC.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
