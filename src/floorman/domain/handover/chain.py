"""The handover hash chain: canonical content, SHA-256 hashes, and `verify_chain`.

When a handover is acknowledged the SHA-256 of its canonical JSON is stored and chained to
the hash of the handover locked before it (the first links to `GENESIS`); amendments are
chained below their handover the same way. `verify_chain` names any row changed since,
and `floorman check` runs it (domain/audit.py lists `check_floor`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from floorman.data import journal
from floorman.data.journal_key import AnchorDamaged, JournalKey, anchor_text, parse_anchor
from floorman.data.tables.handover import Handover, HandoverAmendment, HandoverItem
from floorman.domain.core.context import Floor
from floorman.domain.core.states import HandoverStatus
from floorman.domain.handover.views import amendments_of, iso, items_of
from floorman.translated import Finding

GENESIS = "0" * 64


def canonical_content(row: Handover, items: Iterable[HandoverItem]) -> str:
    """The handover as canonical JSON: sorted keys, UTC times, items in order."""
    content = {
        "id": row.id,
        "shift_id": row.shift_id,
        "shift_start": iso(row.shift_start),
        "shift_end": iso(row.shift_end),
        "status": row.status,
        "outgoing": row.outgoing,
        "incoming": row.incoming,
        "live_state": json.loads(row.live_state),
        "live_state_at": iso(row.live_state_at),
        "summary": row.summary,
        "instructions": row.instructions,
        "notes": row.notes,
        "items": [
            {
                "id": i.id,
                "origin_id": i.origin_id,
                "carried_from": i.carried_from,
                "position": i.position,
                "text": i.text,
                "owner": i.owner,
                "deadline": iso(i.deadline),
                "status": i.status,
                "created_by": i.created_by,
                "closed_at": iso(i.closed_at),
                "closed_by": i.closed_by,
                "close_note": i.close_note,
            }
            for i in items
        ],
        "submitted_at": iso(row.submitted_at),
        "submitted_by": row.submitted_by,
        "acknowledged_at": iso(row.acknowledged_at),
        "acknowledged_by": row.acknowledged_by,
        "reviewed": json.loads(row.reviewed),
        "chain_seq": row.chain_seq,
        "prev_hash": row.prev_hash,
    }
    if row.journal_anchor is not None:  # handovers locked before 0015 have none
        content["journal_anchor"] = row.journal_anchor
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def journal_anchor(session: Session) -> str | None:
    """The journal's head now, signed, to keep in the handover being locked: a journal cut
    back below it, or a chain recomputed under it, is caught by `anchor_problems`."""
    head = journal.head_anchor(session)
    return anchor_text(head[1], head[0]) if head is not None else None


def anchor_problems(session: Session, key: JournalKey | None) -> list[Finding]:
    """Every locked handover's journal anchor must still be in the journal."""
    problems: list[Finding] = []
    rows = session.exec(
        select(Handover.shift_id, Handover.journal_anchor).where(
            col(Handover.journal_anchor).is_not(None)
        )
    ).all()
    for shift_id, text in rows:
        where = Finding("anchored in the handover of shift {shift}", shift=shift_id)
        try:
            anchor = parse_anchor(text or "", key)
        except AnchorDamaged as exc:
            problems.append(Finding("handover {shift}: {problem}", shift=shift_id, problem=exc))
            continue
        problems.extend(journal.reaches(session, anchor, where))
    return problems


def content_hash(row: Handover, items: Iterable[HandoverItem]) -> str:
    """The SHA-256 (hex) of a handover's canonical content."""
    return hashlib.sha256(canonical_content(row, items).encode("utf-8")).hexdigest()


def amendment_hash(
    prev_hash: str, handover_id: str, seq: int, at: datetime, author: str, text: str
) -> str:
    """The SHA-256 (hex) of one amendment, chained to the hash before it."""
    payload = json.dumps([prev_hash, handover_id, seq, iso(at), author, text], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _amendment_problems(session: Session, row: Handover, name: Finding) -> list[Finding]:
    problems: list[Finding] = []
    prev = row.content_hash or ""
    for amendment in amendments_of(session, row.id):
        computed = amendment_hash(
            amendment.prev_hash,
            row.id,
            amendment.seq,
            amendment.at,
            amendment.author,
            amendment.text,
        )
        if amendment.prev_hash != prev or computed != amendment.hash:
            problems.append(
                Finding(
                    "{handover}: amendment {seq} does not match its hash",
                    handover=name,
                    seq=amendment.seq,
                )
            )
        prev = amendment.hash
    return problems


def verify_chain(session: Session) -> list[Finding]:
    """Name every locked handover (or amendment) whose content no longer matches its hash."""
    problems: list[Finding] = []
    rows = session.exec(
        select(Handover)
        .where(
            or_(
                col(Handover.content_hash).is_not(None),
                col(Handover.status) == HandoverStatus.ACKNOWLEDGED,
            )
        )
        .order_by(col(Handover.chain_seq))
    ).all()
    expected_prev, expected_seq = GENESIS, 1
    for row in rows:
        name = Finding("handover {shift} ({id})", shift=row.shift_id, id=row.id[:8])
        if row.content_hash is None or row.chain_seq is None:
            problems.append(
                Finding("{handover}: acknowledged but has no stored hash", handover=name)
            )
            continue
        if row.chain_seq != expected_seq:
            problems.append(
                Finding("{handover}: handover(s) missing from the chain before it", handover=name)
            )
        if row.prev_hash != expected_prev:
            problems.append(
                Finding("{handover}: link to the previous handover does not match", handover=name)
            )
        if content_hash(row, items_of(session, row.id)) != row.content_hash:
            problems.append(Finding("{handover}: content does not match its hash", handover=name))
        problems.extend(_amendment_problems(session, row, name))
        expected_prev, expected_seq = row.content_hash, row.chain_seq + 1
    orphans = session.exec(
        select(HandoverAmendment.handover_id)
        .join(Handover, col(Handover.id) == col(HandoverAmendment.handover_id))
        .where(col(Handover.content_hash).is_(None))
    ).all()
    for handover_id in sorted(set(orphans)):
        problems.append(Finding("handover {shift}: amended but not locked", shift=handover_id[:8]))
    return problems


def check_floor(floor: Floor) -> list[Finding]:
    """`verify_chain` on a floor's database, for `floorman check`."""
    with floor.db.read() as session:
        return verify_chain(session) + anchor_problems(session, journal.session_key(session))
