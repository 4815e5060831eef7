"""Operators, seats and away slips against what the journal made them.

Each row the journal knows must exist with the values its last journaled change gave
it; each row in the table must be known to the journal (a row inserted with the sqlite3
shell is not). A line names the row, the field, its value and the journal row (seq) it
disagrees with.
"""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session, col, select

from floorman.data.journal_replay import Journaled, Replay, plain, shown
from floorman.data.tables.away import AwaySlip
from floorman.data.tables.floor import Agent, Seat, SeatEvent, Zone
from floorman.data.tables.operators import Operator
from floorman.domain.operators.records import pin_fingerprint

UNKNOWN = "is not in the journal (written behind floorman's back)"


def missing(label: str, journaled: Journaled) -> str:
    return f"{label}: missing, though journal row {journaled.seq} recorded it"


def operator_values(row: Operator) -> dict[str, object]:
    """The reconciled fields of an operator row, named as the journal names them."""
    return {"role": row.role, "active": row.active, "pin": pin_fingerprint(row.pin_hash)}


def operator_problems(session: Session, replay: Replay) -> list[str]:
    rows = {row.name.lower(): row for row in session.exec(select(Operator)).all()}
    problems: list[str] = []
    for name, journaled in replay.operators.items():
        row = rows.pop(name, None)
        if row is None:
            problems.append(missing(f"operator '{name}'", journaled))
        else:
            problems += journaled.differences(f"operator '{row.name}'", operator_values(row))
    problems += [f"operator '{row.name}' {UNKNOWN}" for row in rows.values()]
    return problems


def seat_problems(session: Session, replay: Replay) -> list[str]:
    zones = {z.id: z.code for z in session.exec(select(Zone)).all()}
    staff = {a.id: a.staff_no for a in session.exec(select(Agent)).all()}
    rows = {row.code: row for row in session.exec(select(Seat)).all()}
    problems: list[str] = []
    for code, journaled in replay.seats.items():
        row = rows.pop(code, None)
        if row is None:
            problems.append(missing(f"seat {code}", journaled))
            continue
        values: dict[str, object] = {
            "state": row.state,
            "agent": staff.get(row.agent_id) if row.agent_id else None,
            "reason": row.reason,
            "since": row.since,
            "zone": zones.get(row.zone_id),
            "type": row.seat_type,
            "row": row.row,
            "col": row.col,
        }
        problems += journaled.differences(f"seat {code}", values)
    problems += [f"seat {code} {UNKNOWN}" for code in rows]
    return problems


def seat_event_problems(session: Session, replay: Replay) -> list[str]:
    """Each journaled state change has its seat_event row (same seat, state and time), and
    each seat_event row its journal row: a deleted or added event shows."""
    held: Counter[tuple[str, object, object]] = Counter(
        (code, str(state), plain(at))
        for code, state, at in session.exec(
            select(Seat.code, SeatEvent.state, SeatEvent.at).join(
                Seat, col(Seat.id) == col(SeatEvent.seat_id)
            )
        )
    )
    problems: list[str] = []
    for code, changes in replay.seat_events.items():
        for state, since, seq in changes:
            key = (code, str(state), plain(since))
            if held[key] > 0:
                held[key] -= 1
            else:
                problems.append(
                    f"seat event {code} {state} at {shown(since)}: missing, though journal "
                    f"row {seq} recorded it"
                )
    problems += [
        f"seat event {code} {state} at {shown(at)} {UNKNOWN}"
        for (code, state, at), left in held.items()
        for _ in range(left)
    ]
    return problems


def slip_problems(session: Session, replay: Replay) -> list[str]:
    rows = {row.id: row for row in session.exec(select(AwaySlip)).all()}
    problems: list[str] = []
    for slip_id, journaled in replay.slips.items():
        row = rows.pop(slip_id, None)
        label = f"away slip {slip_id[:8]}"
        if row is None:
            problems.append(missing(label, journaled))
            continue
        values: dict[str, object] = {
            "status": row.status,
            "approval": row.approval,
            "reason": row.reason,
            "left_at": row.left_at,
            "returned_at": row.returned_at,
            "limit_seconds": row.limit_seconds,
            "extension_seconds": row.extension_seconds,
        }
        problems += journaled.differences(label, values)
    problems += [f"away slip {slip_id[:8]} {UNKNOWN}" for slip_id in rows]
    return problems
