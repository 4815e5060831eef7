"""Visitors, handovers (and their amendments) and emergencies (and their steps) against
what the journal made them; see `floor_rows` for the shape of each line."""

from __future__ import annotations

from sqlmodel import Session, select

from floorman.data.journal_replay import Journaled, Replay
from floorman.data.tables.emergency import Emergency, EmergencyStep
from floorman.data.tables.handover import Handover, HandoverAmendment
from floorman.data.tables.visitors import Visitor
from floorman.domain.core.states import StepState
from floorman.domain.reconcile.floor_rows import UNKNOWN, missing
from floorman.domain.visitors.privacy import PURGED


def visitor_problems(session: Session, replay: Replay) -> list[str]:
    rows = {row.id: row for row in session.exec(select(Visitor)).all()}
    problems: list[str] = []
    for visitor_id, journaled in replay.visitors.items():
        row = rows.pop(visitor_id, None)
        label = f"visitor {visitor_id[:8]}"
        if row is None:
            problems.append(missing(label, journaled))
            continue
        values: dict[str, object] = {
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
        }
        problems += journaled.differences(label, values)
    problems += [f"visitor {visitor_id[:8]} {UNKNOWN}" for visitor_id in rows]
    return problems


def handover_problems(session: Session, replay: Replay) -> list[str]:
    rows = {row.id: row for row in session.exec(select(Handover)).all()}
    problems: list[str] = []
    for handover_id, journaled in replay.handovers.items():
        row = rows.pop(handover_id, None)
        if row is None:
            problems.append(missing(f"handover {handover_id[:8]}", journaled))
            continue
        values: dict[str, object] = {
            "status": row.status,
            "summary": row.summary,
            "instructions": row.instructions,
            "notes": row.notes,
            "content_hash": row.content_hash,
            "prev_hash": row.prev_hash,
        }
        problems += journaled.differences(f"handover {row.shift_id}", values)
    problems += [f"handover {row.shift_id} {UNKNOWN}" for row in rows.values()]
    amendments = {
        (a.handover_id, a.seq): a for a in session.exec(select(HandoverAmendment)).all()
    }
    for (handover_id, seq), journaled in replay.amendments.items():
        label = f"amendment {seq} of handover {handover_id[:8]}"
        amendment = amendments.pop((handover_id, seq), None)
        if amendment is None:
            problems.append(missing(label, journaled))
        else:
            values = {"hash": amendment.hash, "text": amendment.text}
            problems += journaled.differences(label, values)
    problems += [
        f"amendment {seq} of handover {handover_id[:8]} {UNKNOWN}"
        for handover_id, seq in amendments
    ]
    return problems


def emergency_problems(session: Session, replay: Replay) -> list[str]:
    rows = {row.id: row for row in session.exec(select(Emergency)).all()}
    problems: list[str] = []
    for emergency_id, journaled in replay.emergencies.items():
        row = rows.pop(emergency_id, None)
        label = f"emergency {emergency_id[:8]}"
        if row is None:
            problems.append(missing(label, journaled))
            continue
        values: dict[str, object] = {
            "kind": row.kind,
            "drill": row.drill,
            "status": row.status,
            "wording": row.wording,
        }
        problems += journaled.differences(label, values)
        for step in session.exec(
            select(EmergencyStep).where(EmergencyStep.emergency_id == emergency_id)
        ).all():
            # A step the journal never changed is as the checklist copied it: open.
            expected = replay.steps.get((emergency_id, step.number)) or Journaled(
                journaled.seq, {"state": (StepState.OPEN, journaled.seq)}
            )
            problems += expected.differences(f"{label} step {step.number}", {"state": step.state})
    problems += [f"emergency {emergency_id[:8]} {UNKNOWN}" for emergency_id in rows]
    return problems
