"""The one id-prefix lookup and the vocabularies in domain.core."""

from __future__ import annotations

import pytest
from sqlmodel import select

from floorman.data.tables.away import SLIP_APPROVALS, SLIP_STATUSES
from floorman.data.tables.emergency import EMERGENCY_STATUSES, STEP_STATES
from floorman.data.tables.floor import SEAT_STATES
from floorman.data.tables.roll_call import PERSON_KINDS
from floorman.data.tables.visitors import VISITOR_STATUSES
from floorman.domain.core import lookup
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import (
    EmergencyStatus,
    PersonKind,
    SeatState,
    SlipApproval,
    SlipStatus,
    StepState,
    VisitorStatus,
)


@pytest.mark.parametrize(
    ("enum", "table_values"),
    [
        (SeatState, SEAT_STATES),
        (SlipStatus, SLIP_STATUSES),
        (SlipApproval, SLIP_APPROVALS),
        (EmergencyStatus, EMERGENCY_STATUSES),
        (StepState, STEP_STATES),
        (VisitorStatus, VISITOR_STATUSES),
        (PersonKind, PERSON_KINDS),
    ],
)
def test_enums_match_the_tables_constraints(enum, table_values):
    assert [m.value for m in enum] == list(table_values)


class _Record:
    def __init__(self, record_id: str) -> None:
        self.id = record_id


RECORDS = [_Record("abcd1234-0000"), _Record("abce9999-0000"), _Record("ffff0000-1111")]


def _pick(ref: str) -> _Record:
    return lookup.pick_by_prefix(RECORDS, ref, what="slip", id_of=lambda r: r.id)


def test_whole_id_and_unique_prefix_find_the_record():
    assert _pick("abcd1234-0000") is RECORDS[0]
    assert _pick("ABCD1") is RECORDS[0]
    assert _pick("ffff") is RECORDS[2]


@pytest.mark.parametrize("ref", ["%", "%%%%", "____", "abc%", "ab_d", "' or 1=1"])
def test_wildcards_name_nothing(ref):
    with pytest.raises(FloorError, match="no such slip"):
        _pick(ref)


def test_short_and_ambiguous_prefixes_are_refused():
    with pytest.raises(FloorError, match="at least 4"):
        _pick("abc")
    with pytest.raises(FloorError, match="more than one slip"):
        lookup.pick_by_prefix(
            [*RECORDS, _Record("abcd5678-0000")], "abcd", what="slip", id_of=lambda r: r.id
        )


def test_by_id_prefix_in_the_database_is_literal(small_floor):
    from floorman.data.tables.floor import Seat

    with small_floor.db.read() as session:
        seat = session.exec(select(Seat)).first()
        assert seat is not None
        assert lookup.by_id_prefix(session, Seat, seat.id[:6], what="seat").id == seat.id
        for ref in ("%%%%", "____", seat.id[:3] + "%", "_" * 36):
            with pytest.raises(FloorError, match="no such seat"):
                lookup.by_id_prefix(session, Seat, ref, what="seat")
