"""The append-only journal: every change, who made it, from where, before and after.

A row is written inside the transaction of the change it records, so either both are
committed or neither. Each row carries the hash of the row before it, and its own hash
is an HMAC under the floor's key kept outside the file (`journal_key`): with the triggers
that refuse UPDATE and DELETE, an edited, removed or re-chained row is caught by
`verify`, and rows cut off the end by `check_head` (the head is anchored outside too).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, func, insert
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from floorman.data.journal_key import (
    AnchorDamaged,
    HeadAnchor,
    JournalKey,
    create_key,
    head_path,
    load_key,
    read_head,
    write_head,
)
from floorman.data.tables.floor import JournalEntry
from floorman.translated import Finding

GENESIS = "0" * 64


def ordered_id() -> str:
    """A UUID whose first 48 bits are the time in milliseconds (UUIDv7, RFC 9562).

    For rows of append-only tables (journal, seat history, alerts) that no one looks up
    by an id prefix: consecutive rows land next to each other in the primary-key index,
    so a batch of 500 dirties a few pages instead of one page per row (a third less
    written and about a quarter more events a second for the feeds). Still 74 random
    bits per millisecond, and the same text form as `new_id`'s UUIDs.
    """
    stamp = f"{time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF:012x}"
    rand = os.urandom(10).hex()  # 80 random bits; 74 are used
    variant = "89ab"[int(rand[3], 16) & 3]  # the RFC's variant bits 10, then 2 random bits
    return f"{stamp[:8]}-{stamp[8:]}-7{rand[:3]}-{variant}{rand[4:7]}-{rand[7:19]}"


_TAIL = "floorman.journal_tail"
_HEAD = "floorman.journal_head"
# The key of each database file, once read (or created) by this process.
_KEYS: dict[str, JournalKey] = {}


def _forget_tail(session: OrmSession, *_args: object) -> None:
    session.info.pop(_TAIL, None)
    session.info.pop(_HEAD, None)


def _anchor_head(session: OrmSession) -> None:
    pending = session.info.pop(_HEAD, None)
    if pending is not None:
        path, key, anchor = pending
        write_head(path, key, anchor)


# Any rollback (a savepoint's too) or the end of the transaction makes the tail unknown;
# a commit first anchors the head it wrote outside the file.
event.listen(OrmSession, "after_commit", _anchor_head)
for _event in ("after_soft_rollback", "after_commit", "after_rollback"):
    event.listen(OrmSession, _event, _forget_tail)


def db_file(session: Session) -> Path | None:
    """The database file behind `session` (None for an in-memory database)."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    name = engine.url.database
    return Path(name) if name and name != ":memory:" else None


def key_of(path: Path) -> JournalKey | None:
    """The key of the database at `path`, None if it has none (read-only commands)."""
    known = _KEYS.get(str(path))
    if known is None:
        known = load_key(path)
        if known is not None:
            _KEYS[str(path)] = known
    return known


def session_key(session: Session) -> JournalKey | None:
    """The key of the database behind `session`."""
    path = db_file(session)
    return key_of(path) if path is not None else None


def _signing_key(session: Session, next_seq: int) -> tuple[Path, JournalKey] | None:
    """The key that signs the row `next_seq`, created with the floor's first write."""
    path = db_file(session)
    if path is None:
        return None
    key = key_of(path)
    if key is None:
        # A new database, or one from before keyed chains: sign from this row on.
        key = create_key(path, keyed_from=next_seq)
        _KEYS[str(path)] = key
    return path, key


# Built once: `json.dumps` with keyword arguments builds a new encoder per call, which
# feeds writing thousands of rows a second notice. Same settings, same bytes, same hashes.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str).encode
_PAYLOAD = json.JSONEncoder(ensure_ascii=False).encode


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    return _CANONICAL(value)


def entry_hash(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    terminal: str,
    action: str,
    subject: str,
    before: str | None,
    after: str | None,
    key: JournalKey | None = None,
) -> str:
    """The row's hash: HMAC-SHA-256 under `key` from its `keyed_from` row, else SHA-256."""
    payload = _PAYLOAD(
        [prev_hash, seq, at.isoformat(), actor, terminal, action, subject, before, after]
    ).encode("utf-8")
    if key is not None and seq >= key.keyed_from:
        return key.sign(payload)
    return hashlib.sha256(payload).hexdigest()


def tail(session: Session) -> tuple[int, str]:
    """The last row's (seq, hash): remembered for the rest of this write transaction.

    The transaction holds the database's write lock, so no one else can append; any
    rollback (a savepoint's too) forgets it.
    """
    known = session.info.get(_TAIL)
    if known is None:
        last = session.exec(
            select(JournalEntry.seq, JournalEntry.hash)
            .order_by(JournalEntry.seq.desc())  # type: ignore[attr-defined]
            .limit(1)
        ).first()
        known = (last[0], last[1]) if last else (0, GENESIS)
        session.info[_TAIL] = known
    return known  # type: ignore[no-any-return]


def prepare(
    session: Session,
    *,
    at: datetime,
    actor: str,
    terminal: str,
    action: str,
    subject: str,
    before: Any = None,
    after: Any = None,
) -> dict[str, Any]:
    """The next journal row's values, chained to the tail; the caller must insert it
    (with `insert_prepared`) before anything else touches the journal or rolls back."""
    seq, prev_hash = tail(session)
    seq += 1
    before_text, after_text = _canonical(before), _canonical(after)
    at = at.astimezone(UTC)  # stored as UTC, so hash the UTC form
    signing = _signing_key(session, seq)
    digest = entry_hash(
        prev_hash,
        seq,
        at,
        actor,
        terminal,
        action,
        subject,
        before_text,
        after_text,
        key=signing[1] if signing else None,
    )
    session.info[_TAIL] = (seq, digest)
    if signing is not None:
        session.info[_HEAD] = (signing[0], signing[1], HeadAnchor(seq, digest))
    return {
        "id": ordered_id(),
        "seq": seq,
        "at": at,
        "actor": actor,
        "terminal": terminal,
        "action": action,
        "subject": subject,
        "before": before_text,
        "after": after_text,
        "prev_hash": prev_hash,
        "hash": digest,
    }


def insert_prepared(session: Session, rows: list[dict[str, Any]]) -> None:
    """Write prepared rows in one executemany (feeds write hundreds per transaction)."""
    if rows:
        session.execute(insert(JournalEntry.__table__), rows)  # type: ignore[attr-defined]


def append(
    session: Session,
    *,
    at: datetime,
    actor: str,
    terminal: str,
    action: str,
    subject: str,
    before: Any = None,
    after: Any = None,
) -> JournalEntry:
    """Add one journal row in the caller's (BEGIN IMMEDIATE) transaction."""
    values = prepare(
        session,
        at=at,
        actor=actor,
        terminal=terminal,
        action=action,
        subject=subject,
        before=before,
        after=after,
    )
    row = JournalEntry(**values)
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class ChainBreak:
    """A journal row whose hash or link does not match: the journal was tampered with."""

    seq: int
    problem: Finding


def verify(rows: Iterable[JournalEntry], key: JournalKey | None) -> list[ChainBreak]:
    """Walk the journal in order and list every row that breaks the hash chain.

    `key` is the floor's (`key_of(path)`); without one every row must be plain SHA-256,
    so a deleted key file shows up as every signed row failing."""
    breaks: list[ChainBreak] = []
    prev_hash, expected_seq = GENESIS, 1
    for row in rows:
        if row.seq != expected_seq:
            breaks.append(
                ChainBreak(
                    row.seq, Finding("expected row {seq}: rows are missing", seq=expected_seq)
                )
            )
        if row.prev_hash != prev_hash:
            breaks.append(ChainBreak(row.seq, Finding("link to the previous row does not match")))
        computed = entry_hash(
            row.prev_hash,
            row.seq,
            row.at,
            row.actor,
            row.terminal,
            row.action,
            row.subject,
            row.before,
            row.after,
            key=key,
        )
        if computed != row.hash:
            breaks.append(ChainBreak(row.seq, Finding("content does not match its hash")))
        prev_hash, expected_seq = row.hash, row.seq + 1
    return breaks


def count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(JournalEntry)).one())


def reaches(session: Session, anchor: HeadAnchor, where: Finding) -> list[Finding]:
    """Problems when the journal no longer holds the row `anchor` (kept in `where`) names."""
    row = session.exec(select(JournalEntry).where(JournalEntry.seq == anchor.seq)).first()
    last = session.exec(select(func.max(JournalEntry.seq))).one() or 0
    if row is None and anchor.seq > last:
        # The anchor may be newer than this read's snapshot (another process committed
        # and anchored since it began, e.g. a feed during the daily check): look again now.
        bind = session.get_bind()
        engine = bind.engine if isinstance(bind, Connection) else bind
        with Session(engine) as now:
            row = now.exec(select(JournalEntry).where(JournalEntry.seq == anchor.seq)).first()
            last = now.exec(select(func.max(JournalEntry.seq))).one() or 0
    if row is None:
        return [
            Finding(
                "journal ends at row {last} but row {seq} was committed ({where}): "
                "rows were deleted from the end of the journal",
                last=last,
                seq=anchor.seq,
                where=where,
            )
        ]
    if row.hash != anchor.hash:
        return [
            Finding(
                "journal row {seq} is not the row that was committed ({where}): chain rewritten",
                seq=anchor.seq,
                where=where,
            )
        ]
    return []


def check_head(session: Session, path: Path, key: JournalKey | None) -> list[Finding]:
    """Problems with the journal's end against the head anchored outside the file.

    A missing anchor is one too once the key has signed a row: deleting the anchor file
    must not be a way to cut the journal's end unseen."""
    if key is None:
        return []
    try:
        anchor = read_head(path, key)
    except AnchorDamaged as exc:
        return [Finding.of(exc)]
    if anchor is None:
        last = session.exec(select(func.max(JournalEntry.seq))).one() or 0
        if last >= key.keyed_from:
            return [
                Finding("{path}: the journal head anchor is missing", path=str(head_path(path)))
            ]
        return []
    return reaches(session, anchor, Finding("the head anchor"))


def head_anchor(session: Session) -> tuple[HeadAnchor, JournalKey] | None:
    """The journal's current head in this transaction, with the key that signs it."""
    key = session_key(session)
    if key is None:
        return None
    seq, digest = tail(session)
    return HeadAnchor(seq, digest), key
