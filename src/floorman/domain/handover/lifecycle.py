"""A handover's life: composed (draft), edited, submitted, acknowledged (locked), amended.

The outgoing duty manager composes the handover of a shift (prefilled from the floor as it
is, open items carried over), writes it and submits it; the live state is frozen then.
The incoming duty manager, someone else and the next shift's duty manager on the roster,
reviews every section and acknowledges: the handover is locked and chained (see `chain`).
Later changes are dated, chained amendments below it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlmodel import Session, col, select

from floorman.data import journal
from floorman.data.tables.handover import Handover, HandoverAmendment
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError, Words
from floorman.domain.core.states import HandoverStatus
from floorman.domain.core.text import clean
from floorman.domain.handover.chain import GENESIS, amendment_hash, content_hash, journal_anchor
from floorman.domain.handover.find import by_shift, find_handover
from floorman.domain.handover.open_items import carry_over
from floorman.domain.handover.reminders import cancel_for, schedule_for
from floorman.domain.handover.snapshot import collect_live_state
from floorman.domain.handover.views import (
    SECTION_TITLES,
    SECTIONS,
    AmendmentView,
    HandoverView,
    amendments_of,
    expected_incoming,
    items_of,
    view_of,
)
from floorman.domain.handover.writing import log, require_editable, require_permission
from floorman.domain.shifts import manager_of, resolve_shift, shift_by_id

TEXT_LIMIT = 4000


def _text(value: str | None, name: str) -> str | None:
    return None if value is None else (clean(value, name, max_len=TEXT_LIMIT, multiline=True) or "")


def _texts(summary: str | None, instructions: str | None, notes: str | None) -> dict[str, str]:
    """The written sections given (None: leave as is), each cleaned."""
    given = {
        "summary": _text(summary, "summary"),
        "instructions": _text(instructions, "instructions"),
        "notes": _text(notes, "notes"),
    }
    return {name: value for name, value in given.items() if value is not None}


def compose(
    floor: Floor,
    shift_ref: str | None = None,
    *,
    summary: str | None = None,
    instructions: str | None = None,
    notes: str | None = None,
) -> HandoverView:
    """Start (or refresh) the handover of a shift: prefill it from the floor as it is now,
    carry over open items, and set any text given. A locked handover is refused."""
    shift = resolve_shift(floor, shift_ref)
    now = floor.clock.now()
    if shift.start > now:
        raise FloorError("shift {id} has not started yet", id=shift.id)
    texts = _texts(summary, instructions, notes)
    with floor.db.write() as session:
        require_permission(floor, "handover.write", session)
        row = by_shift(session, shift.id)
        created = row is None
        if row is None:
            row = Handover(
                shift_id=shift.id,
                shift_start=shift.start,
                shift_end=shift.end,
                status=HandoverStatus.DRAFT,
                outgoing=manager_of(session, shift) or floor.actor.name,
                live_state_at=now,
                created_at=now,
                created_by=floor.actor.name,
                updated_at=now,
            )
        else:
            require_editable(row)
            if row.status == HandoverStatus.SUBMITTED:
                raise FloorError(
                    "the handover of shift {shift_id} is submitted: its floor state was frozen "
                    "then; change its text with edit, or add items, until acknowledged",
                    shift_id=row.shift_id,
                )
        row.live_state = json.dumps(collect_live_state(session, floor, shift), ensure_ascii=False)
        row.live_state_at = now
        for name, value in texts.items():
            setattr(row, name, value)
        row.updated_at = now
        session.add(row)
        session.flush()
        carry_over(session, floor, row)
        log(session, floor, "compose" if created else "refresh", row, **texts)
        schedule_for(session, floor, shift, row)
        return view_of(session, floor, row)


def edit(
    floor: Floor,
    ref: str | None = None,
    *,
    summary: str | None = None,
    instructions: str | None = None,
    notes: str | None = None,
) -> HandoverView:
    """Change the written parts of a handover not yet acknowledged."""
    texts = _texts(summary, instructions, notes)
    with floor.db.write() as session:
        require_permission(floor, "handover.write", session)
        row = find_handover(session, floor, ref)
        require_editable(row)
        before = {name: getattr(row, name) for name in texts}
        for name, value in texts.items():
            setattr(row, name, value)
        row.updated_at = floor.clock.now()
        session.add(row)
        journal.append(
            session,
            at=row.updated_at,
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action="handover.edit",
            subject=row.shift_id,
            before=before,
            after=texts,
        )
        return view_of(session, floor, row)


def submit(floor: Floor, ref: str | None = None) -> HandoverView:
    """The outgoing manager hands over: the live state is taken once more and frozen."""
    now = floor.clock.now()
    with floor.db.write() as session:
        require_permission(floor, "handover.write", session)
        row = find_handover(session, floor, ref)
        require_editable(row)
        if row.status == HandoverStatus.SUBMITTED:
            raise FloorError(
                "the handover of shift {shift_id} is already submitted",
                shift_id=row.shift_id,
            )
        if not row.summary.strip():
            raise FloorError("write a summary before submitting the handover")
        shift = shift_by_id(floor.config, row.shift_id)
        carry_over(session, floor, row)
        row.live_state = json.dumps(collect_live_state(session, floor, shift), ensure_ascii=False)
        row.live_state_at = now
        row.status, row.submitted_at = HandoverStatus.SUBMITTED, now
        row.submitted_by = floor.actor.name
        row.updated_at = now
        session.add(row)
        cancel_for(session, floor, row.shift_id, escalation=False)
        schedule_for(session, floor, shift, row)
        log(session, floor, "submit", row)
        return view_of(session, floor, row)


def parse_reviewed(value: str | Iterable[str]) -> list[str]:
    """Read "all", or section names separated by commas, checked against SECTIONS."""
    names = [p.strip() for p in value.split(",")] if isinstance(value, str) else list(value)
    names = [n for n in names if n]
    if names == ["all"]:
        return list(SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise FloorError(
            "unknown section(s) {items}; sections are {items2}",
            items=', '.join(unknown),
            items2=', '.join(SECTIONS),
        )
    return [s for s in SECTIONS if s in names]


def _may_acknowledge(session: Session, floor: Floor, row: Handover, sections: list[str]) -> None:
    """Refuse unless the incoming duty manager (not who handed over, the one on the
    roster) acknowledges a submitted handover having reviewed every section."""
    if row.status != HandoverStatus.SUBMITTED:
        raise FloorError(
            "the handover of shift {shift_id} has not been submitted yet",
            shift_id=row.shift_id,
        )
    me = floor.actor.name
    if me in (row.outgoing, row.submitted_by):
        raise FloorError(
            "the incoming duty manager must be someone other than {submitted_by}, who handed over",
            submitted_by=row.submitted_by,
        )
    # The roster says who takes the floor: a stand-in is made duty manager of the next
    # shift first (`floorman shifts assign`), so the log and the roster agree on who
    # was in charge.
    expected = expected_incoming(session, floor, row)
    if expected is not None and me != expected:
        raise FloorError(
            "the handover of shift {shift_id} goes to {expected}, the next shift's duty manager; "
            "assign {me} to that shift first to acknowledge it",
            shift_id=row.shift_id,
            expected=expected,
            me=me,
        )
    missing = [s for s in SECTIONS if s not in sections]
    if missing:
        raise FloorError(
            "review every section first; not reviewed: {items}",
            items=Words(SECTION_TITLES[section] for section in missing),
        )


def acknowledge(floor: Floor, ref: str | None, reviewed: str | Iterable[str]) -> HandoverView:
    """The incoming manager, having reviewed every section, takes the floor: lock and chain."""
    sections = parse_reviewed(reviewed)
    now = floor.clock.now()
    with floor.db.write() as session:
        require_permission(floor, "handover.acknowledge", session)
        row = find_handover(session, floor, ref or "pending")
        require_editable(row)
        _may_acknowledge(session, floor, row, sections)
        me = floor.actor.name
        last = session.exec(
            select(Handover)
            .where(col(Handover.chain_seq).is_not(None))
            .order_by(col(Handover.chain_seq).desc())
            .limit(1)
        ).first()
        row.chain_seq = (last.chain_seq or 0) + 1 if last else 1
        row.prev_hash = last.content_hash if last and last.content_hash else GENESIS
        row.status, row.incoming = HandoverStatus.ACKNOWLEDGED, me
        row.acknowledged_at, row.acknowledged_by = now, me
        row.reviewed = json.dumps(sections)
        row.updated_at = now
        row.journal_anchor = journal_anchor(session)
        row.content_hash = content_hash(row, items_of(session, row.id))
        session.add(row)
        cancel_for(session, floor, row.shift_id, escalation=True)
        log(
            session,
            floor,
            "acknowledge",
            row,
            hash=row.content_hash,
            prev_hash=row.prev_hash,
            reviewed=sections,
        )
        return view_of(session, floor, row)


def amend(floor: Floor, ref: str | None, text: str) -> AmendmentView:
    """Add a dated, signed amendment below a locked handover."""
    body = clean(text, "amendment", required=True, max_len=TEXT_LIMIT, multiline=True) or ""
    now = floor.clock.now()
    with floor.db.write() as session:
        require_permission(floor, "handover.amend", session)
        row = find_handover(session, floor, ref or "last")
        if row.status != HandoverStatus.ACKNOWLEDGED or row.content_hash is None:
            raise FloorError(
                "the handover of shift {shift_id} is not locked yet; edit it directly",
                shift_id=row.shift_id,
            )
        existing = amendments_of(session, row.id)
        prev = existing[-1].hash if existing else row.content_hash
        seq = len(existing) + 1
        digest = amendment_hash(prev, row.id, seq, now, floor.actor.name, body)
        session.add(
            HandoverAmendment(
                handover_id=row.id,
                seq=seq,
                at=now,
                author=floor.actor.name,
                text=body,
                prev_hash=prev,
                hash=digest,
            )
        )
        log(session, floor, "amend", row, seq=seq, text=body, hash=digest)
        return AmendmentView(seq, now, floor.actor.name, body, digest)
