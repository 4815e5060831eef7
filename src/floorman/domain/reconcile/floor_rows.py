"""Operators, seats and away slips against what the journal made them.

Each row the journal knows must exist with the values its last journaled change gave
it; each row in the table must be known to the journal (a row inserted with the sqlite3
shell is not). A line names the row, the field, its value and the journal row (seq) it
disagrees with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from typing import TypeVar

from sqlmodel import Session, col, select

from floorman.data.journal_replay import Journaled, Replay, plain, shown
from floorman.data.tables.away import AwaySlip
from floorman.data.tables.floor import Agent, Seat, SeatEvent, Zone
from floorman.data.tables.operators import Operator
from floorman.domain.core.states import SeatState
from floorman.domain.operators.records import journaled_values
from floorman.translated import Finding

UNKNOWN = "{row} is not in the journal (written behind floorman's back)"

Key = TypeVar("Key", bound=Hashable)
Row = TypeVar("Row")
SEAT_STATES = {str(state) for state in SeatState}


def missing(label: Finding, journaled: Journaled) -> Finding:
    return Finding(
        "{row}: missing, though journal row {seq} recorded it", row=label, seq=journaled.seq
    )


def compare_rows(
    rows: Mapping[Key, Row],
    journaled: Mapping[Key, Journaled],
    label: Callable[[Key, Row | None], Finding],
    values: Callable[[Row], dict[str, object]],
) -> list[Finding]:
    """The one comparison of a table with the journal's replay of it: each journaled row
    exists with the values its last change gave it, each row in the table is journaled.
    `label` names a row (None: the row is missing) as the lines say it."""
    left = dict(rows)
    problems: list[Finding] = []
    for key, expected in journaled.items():
        row = left.pop(key, None)
        if row is None:
            problems.append(missing(label(key, None), expected))
        else:
            problems += expected.differences(label(key, row), values(row))
    problems += [Finding(UNKNOWN, row=label(key, row)) for key, row in left.items()]
    return problems


def operator_problems(session: Session, replay: Replay) -> list[Finding]:
    rows = {row.name.lower(): row for row in session.exec(select(Operator)).all()}
    return compare_rows(
        rows,
        replay.operators,
        lambda name, row: Finding("operator '{name}'", name=row.name if row else name),
        journaled_values,
    )


def seat_problems(session: Session, replay: Replay) -> list[Finding]:
    zones = {z.id: z.code for z in session.exec(select(Zone)).all()}
    staff = {a.id: a.staff_no for a in session.exec(select(Agent)).all()}

    def values(row: Seat) -> dict[str, object]:
        return {
            "state": row.state,
            "agent": staff.get(row.agent_id) if row.agent_id else None,
            "reason": row.reason,
            "since": row.since,
            "zone": zones.get(row.zone_id),
            "type": row.seat_type,
            "row": row.row,
            "col": row.col,
        }

    rows = {row.code: row for row in session.exec(select(Seat)).all()}
    return compare_rows(
        rows, replay.seats, lambda code, _row: Finding("seat {code}", code=code), values
    )


def seat_event_problems(session: Session, replay: Replay) -> list[Finding]:
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
    problems: list[Finding] = []
    for code, changes in replay.seat_events.items():
        for state, since, seq in changes:
            key = (code, str(state), plain(since))
            if held[key] > 0:
                held[key] -= 1
            else:
                event = _seat_event(code, state, since)
                problems.append(missing(event, Journaled(seq)))
    problems += [
        Finding(UNKNOWN, row=_seat_event(code, state, at))
        for (code, state, at), left in held.items()
        for _ in range(left)
    ]
    return problems


def _seat_event(code: str, state: object, at: object) -> Finding:
    """A seat event as a line names it; a known state in the language it is read in."""
    known = SeatState(str(state)) if str(state) in SEAT_STATES else state
    return Finding("seat event {code} {state} at {at}", code=code, state=known, at=shown(at))


def slip_problems(session: Session, replay: Replay) -> list[Finding]:
    rows = {row.id: row for row in session.exec(select(AwaySlip)).all()}
    return compare_rows(
        rows,
        replay.slips,
        lambda slip_id, _row: Finding("away slip {id}", id=slip_id[:8]),
        lambda row: {
            "status": row.status,
            "approval": row.approval,
            "reason": row.reason,
            "left_at": row.left_at,
            "returned_at": row.returned_at,
            "limit_seconds": row.limit_seconds,
            "extension_seconds": row.extension_seconds,
        },
    )
