"""Visitors, handovers (and their amendments) and emergencies (and their steps) against
what the journal made them; see `floor_rows` for the shape of each line."""

from __future__ import annotations

from sqlmodel import Session, select

from floorman.data.journal_replay import Journaled, Replay
from floorman.data.tables.emergency import Emergency, EmergencyStep
from floorman.data.tables.handover import Handover, HandoverAmendment
from floorman.data.tables.visitors import Visitor
from floorman.domain.core.states import StepState
from floorman.domain.reconcile.floor_rows import compare_rows
from floorman.domain.visitors.privacy import PURGED
from floorman.translated import Finding


def visitor_problems(session: Session, replay: Replay) -> list[Finding]:
    rows = {row.id: row for row in session.exec(select(Visitor)).all()}
    return compare_rows(
        rows,
        replay.visitors,
        lambda visitor_id, _row: Finding("visitor {id}", id=visitor_id[:8]),
        lambda row: {
            "category": row.category,
            "organisation": row.organisation,
            "host": row.host,
            "escort": row.escort,
            "badge": row.badge,
            "expected_minutes": row.expected_minutes,
            "status": row.status,
            "checked_in_at": row.checked_in_at,
            "expected_end_at": row.expected_end_at,
            "checked_out_at": row.checked_out_at,
            "purged": row.purged_at is not None and row.name == PURGED and row.phone is None,
        },
    )


def handover_problems(session: Session, replay: Replay) -> list[Finding]:
    rows = {row.id: row for row in session.exec(select(Handover)).all()}
    problems = compare_rows(
        rows,
        replay.handovers,
        # A handover that exists is named by its shift; a missing one by its id.
        lambda handover_id, row: Finding(
            "handover {shift}", shift=row.shift_id if row else handover_id[:8]
        ),
        lambda row: {
            "status": row.status,
            "summary": row.summary,
            "instructions": row.instructions,
            "notes": row.notes,
            "content_hash": row.content_hash,
            "prev_hash": row.prev_hash,
        },
    )
    amendments = {(a.handover_id, a.seq): a for a in session.exec(select(HandoverAmendment)).all()}
    return problems + compare_rows(
        amendments,
        replay.amendments,
        lambda key, _row: Finding("amendment {seq} of handover {id}", seq=key[1], id=key[0][:8]),
        lambda amendment: {"hash": amendment.hash, "text": amendment.text},
    )


def emergency_problems(session: Session, replay: Replay) -> list[Finding]:
    rows = {row.id: row for row in session.exec(select(Emergency)).all()}
    problems = compare_rows(
        rows,
        replay.emergencies,
        lambda emergency_id, _row: Finding("emergency {id}", id=emergency_id[:8]),
        lambda row: {
            "kind": row.kind,
            "drill": row.drill,
            "status": row.status,
            "wording": row.wording,
        },
    )
    for emergency_id, journaled in replay.emergencies.items():
        if emergency_id not in rows:
            continue
        for step in session.exec(
            select(EmergencyStep).where(EmergencyStep.emergency_id == emergency_id)
        ).all():
            # A step the journal never changed is as the checklist copied it: open.
            expected = replay.steps.get((emergency_id, step.number)) or Journaled(
                journaled.seq, {"state": (StepState.OPEN, journaled.seq)}
            )
            label = Finding("emergency {id} step {number}", id=emergency_id[:8], number=step.number)
            problems += expected.differences(label, {"state": step.state})
    return problems
