"""`floorman check` reconciles the tables with the journal: every tampering of issue 14.

Each case is what someone with the database file (not the journal key) did with the
sqlite3 shell, and each must come out of `run_checks` as a line naming the row and the
journal row it disagrees with. The floor is lived in first (seat events, away slips, a
visitor, a locked and amended handover, an emergency) and must check sound untouched.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pysqlite3.dbapi2 as sqlite  # type: ignore[import-not-found]
import pytest

from floorman.domain.audit import run_checks
from floorman.domain.away import actions as away_actions
from floorman.domain.core.context import Actor, Floor
from floorman.domain.emergency import lifecycle as emergency_lifecycle
from floorman.domain.handover import chain
from floorman.domain.handover import lifecycle as handover_lifecycle
from floorman.domain.seats.events import record_event
from floorman.domain.visitors import decisions, presence, registration


def tamper(path: Path, *statements: str) -> None:
    conn = sqlite.connect(str(path))
    conn.isolation_level = None
    for statement in statements:
        conn.execute(statement)
    conn.close()


def problems_of(floor: Floor) -> list[str]:
    floor.db.dispose()
    return run_checks(floor).problems


@pytest.fixture
def lived_floor(small_floor: Floor, clock) -> Floor:
    for seat, agent in (("A-01", "1001"), ("A-02", "1002"), ("B-01", "1003")):
        clock.advance(30)
        record_event(small_floor, seat, "ready", agent_no=agent)
    clock.advance(60)
    record_event(small_floor, "A-02", "busy")
    slip = away_actions.request(small_floor, "1001", "toilet")
    away_actions.approve(small_floor, slip.id)
    clock.advance(30)
    record_event(small_floor, "A-01", "away", reason="toilet")
    visitor = registration.register(
        small_floor,
        registration.Registration(
            name="Zhang Wei", organisation="Billing", category="internal",
            purpose="audit", host="Li Na", phone="13800138000", expected_minutes=30,
        ),
    )  # fmt: skip
    decisions.approve(small_floor, visitor.id)
    presence.check_in(small_floor, visitor.id)
    emergency = emergency_lifecycle.start(small_floor, "lighting_power", drill=True)
    emergency_lifecycle.step_action(small_floor, emergency.id, 1, "done")
    outgoing = dataclasses.replace(small_floor, actor=Actor("Wang", "test:wang"))
    incoming = dataclasses.replace(small_floor, actor=Actor("Li", "test:li"))
    handover_lifecycle.compose(outgoing, summary="Quiet shift")
    handover_lifecycle.submit(outgoing)
    handover_lifecycle.acknowledge(incoming, "pending", "all")
    handover_lifecycle.amend(incoming, "last", "A-03 headset replaced")
    return small_floor


def test_a_lived_in_floor_checks_sound(lived_floor: Floor) -> None:
    assert problems_of(lived_floor) == []


def _seq(line: str) -> int:
    found = re.search(r"journal row (\d+)", line)
    assert found, line
    return int(found[1])


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (
            ["UPDATE seat SET state = 'fault' WHERE code = 'A-02'"],
            "seat A-02: state is 'fault' but journal row",
        ),
        (
            ["UPDATE seat SET agent_id = NULL, state = 'empty' WHERE code = 'B-01'"],
            "seat B-01: state is 'empty' but journal row",
        ),
        (["DELETE FROM seat WHERE code = 'B-03'"], "seat B-03: missing, though journal row"),
        (
            ["UPDATE away_slip SET approval = 'violation'"],
            "approval is 'violation' but journal row",
        ),
        (["DELETE FROM away_slip"], ": missing, though journal row"),
        (
            ["DELETE FROM roll_call_entry", "DELETE FROM alert", "DELETE FROM visitor"],
            ": missing, though journal row",
        ),
        (["UPDATE visitor SET status = 'rejected'"], "status is 'rejected' but journal row"),
        (
            ["DELETE FROM seat_event WHERE state = 'busy'"],
            "seat event A-02 busy at",
        ),
        (
            [
                "INSERT INTO seat_event (id, seat_id, state, event, at, recorded_at, source, actor)"
                " SELECT 'forged', id, 'busy', 'busy', since, since, 'cli', 'x' FROM seat"
                " WHERE code = 'A-03'"
            ],
            "seat event A-03 busy at",
        ),
        (
            ["UPDATE emergency SET status = 'complete'"],
            "status is 'complete' but journal row",
        ),
        (
            ["UPDATE emergency_step SET state = 'done' WHERE number = 2"],
            "step 2: state is 'done' but journal row",
        ),
        (
            ["UPDATE handover SET summary = 'Nothing happened'"],
            "summary is 'Nothing happened' but journal row",
        ),
        (["DELETE FROM handover_amendment"], "amendment 1 of handover"),
    ],
)
def test_a_table_changed_behind_the_journal_is_named(
    lived_floor: Floor, statements: list[str], expected: str
) -> None:
    lived_floor.db.dispose()
    tamper(lived_floor.db.path, *statements)
    problems = problems_of(lived_floor)
    hits = [p for p in problems if expected in p]
    assert hits, problems
    assert all(_seq(p) > 0 for p in hits if "journal row" in p)


def test_an_amendment_rewritten_with_its_hash_recomputed_is_caught(lived_floor: Floor) -> None:
    with lived_floor.db.read() as session:
        from floorman.domain.handover.find import find_handover
        from floorman.domain.handover.views import amendments_of

        row = find_handover(session, lived_floor, "last")
        (amendment,) = amendments_of(session, row.id)
    digest = chain.amendment_hash(
        amendment.prev_hash, row.id, 1, amendment.at, amendment.author, "nothing to report"
    )
    lived_floor.db.dispose()
    tamper(
        lived_floor.db.path,
        f"UPDATE handover_amendment SET text = 'nothing to report', hash = '{digest}'",
    )
    problems = problems_of(lived_floor)
    assert not any("does not match its hash" in p for p in problems)  # the chain holds
    assert any(
        f"amendment 1 of handover {row.id[:8]}: text is 'nothing to report' but journal row" in p
        for p in problems
    ), problems


def test_a_locked_handover_rewritten_with_its_hash_recomputed_is_caught(
    lived_floor: Floor,
) -> None:
    with lived_floor.db.read() as session:
        from floorman.domain.handover.find import find_handover
        from floorman.domain.handover.views import items_of

        row = find_handover(session, lived_floor, "last")
        row.summary = "Nothing happened"
        digest = chain.content_hash(row, items_of(session, row.id))
    lived_floor.db.dispose()
    tamper(
        lived_floor.db.path,
        "DELETE FROM handover_amendment",
        f"UPDATE handover SET summary = 'Nothing happened', content_hash = '{digest}'",
    )
    problems = problems_of(lived_floor)
    assert any(f"handover {row.shift_id}: content_hash is" in p for p in problems), problems
