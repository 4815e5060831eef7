"""`floorman check`'s reconciliation: the current tables against the journal.

The hash chain proves the journal was not rewritten; this proves the tables were not
changed behind it. Replaying the journal (`data.journal_replay`) gives what each operator, seat (and
seat event), away slip, visitor, handover (and amendment) and emergency (and step) must
be now; any row that differs, is missing, or is unknown to the journal is one line naming
the row and the journal row (seq) it disagrees with (`floor_rows`, `records`).
"""

from __future__ import annotations

from sqlmodel import Session

from floorman.data.journal_replay import replay
from floorman.domain.core.context import Floor
from floorman.domain.reconcile.floor_rows import (
    operator_problems,
    seat_event_problems,
    seat_problems,
    slip_problems,
)
from floorman.domain.reconcile.records import (
    emergency_problems,
    handover_problems,
    visitor_problems,
)
from floorman.translated import Finding

CHECKS = (
    operator_problems,
    seat_problems,
    seat_event_problems,
    slip_problems,
    visitor_problems,
    handover_problems,
    emergency_problems,
)


def reconcile(session: Session) -> list[Finding]:
    """Every difference between the tables and what the journal made them."""
    replayed = replay(session)
    problems: list[Finding] = []
    for check in CHECKS:
        problems += check(session, replayed)
    return problems


def check_floor(floor: Floor) -> list[Finding]:
    """`reconcile` on a floor's database, for `floorman check` (domain/audit.py)."""
    with floor.db.read() as session:
        return reconcile(session)
