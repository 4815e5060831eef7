"""The one roll call: the visitors panel and a running emergency count the same people,
show the same marks, and after a purge no roll call names the visitor."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from floorman.clock import FakeClock
from floorman.data.tables.emergency import EmergencyEvent
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.emergency import headcount, lifecycle
from floorman.domain.emergency import report as incident_report
from floorman.domain.emergency import views as emergency_views
from floorman.domain.emergency.checklists import load_checklists
from floorman.domain.roll_call import book
from floorman.domain.seats.events import record_event
from floorman.domain.visitors import decisions, presence, registration, retention
from floorman.domain.visitors.registration import Registration

NAME = "Ouyang Xiuying"


@pytest.fixture
def checklists(tmp_path: Path):
    return load_checklists(tmp_path / "no-user-checklists")


def visitor_on_floor(floor: Floor, name: str = NAME, badge: str = "V-31") -> str:
    view = registration.register(
        floor,
        Registration(
            name=name,
            organisation="Network dept",
            category="internal",
            purpose="router audit",
            host="Li Na",
            badge=badge,
            expected_minutes=30,
        ),
    )
    decisions.approve(floor, view.id)
    presence.check_in(floor, view.id)
    return view.id


def staff(floor: Floor) -> None:
    record_event(floor, "A-01", "ready", agent_no="1001")
    record_event(floor, "B-01", "ready", agent_no="1003")
    record_event(floor, "B-01", "away", reason="toilet")


def marks(entries) -> list[tuple[int, str, str, str | None]]:
    return [(e.position, e.kind, e.name, e.safe_by) for e in entries]


def test_visitors_panel_and_a_running_fire_show_the_same_people_and_marks(
    small_floor: Floor, clock: FakeClock, checklists
) -> None:
    floor = small_floor
    staff(floor)
    visitor_on_floor(floor)
    # The visitors panel's `c` before the alarm...
    first = book.start_roll_call(floor, "roll call")
    book.mark_safe(floor, ["1"])
    clock.advance(60)
    # ...and the fire joins it: one roll call, the mark made before it kept.
    fire = lifecycle.start(floor, "fire", checklists=checklists)
    assert fire.roll_call_id == first.id
    clock.advance(30)
    headcount.mark_safe(floor, fire.id, "li na")
    # `c` again during the fire joins the same roll call, nothing lost.
    again = book.start_roll_call(floor, "roll call")
    assert again.id == first.id
    with floor.db.read() as session:
        from_emergency = headcount.roll_call_lines(session, fire.id)
        from_visitors = book.roll_call(session).entries
        report = incident_report.report_data(session, fire.id)
    assert from_emergency == list(from_visitors)
    assert marks(from_visitors) == [
        (1, "visitor", NAME, "duty1"),
        (2, "staff", "Li Na", "duty1"),
        (3, "staff", "Zhang Wei", None),
    ]
    assert again.missing == 1 and report["roll_call_count"] == {
        "people": 3, "safe": 2, "not_yet_safe": 1, "staff": 2, "visitors": 1
    }
    with floor.db.read() as session:
        lines = emergency_views.timeline(session, fire.id)
    assert [(x.action, x.text) for x in lines if x.action == "safe"] == [
        ("safe", "#2 Li Na (seat A-01)"),
    ]
    # A mark from the visitors panel during the fire goes on the fire's timeline too.
    book.mark_safe(floor, ["3"])
    with floor.db.read() as session:
        assert emergency_views.timeline(session, fire.id)[-1].text == "#3 Zhang Wei (seat B-01)"


def test_the_roll_call_closes_with_the_emergency_and_not_before(
    small_floor: Floor, checklists
) -> None:
    floor = small_floor
    staff(floor)
    fire = lifecycle.start(floor, "fire", checklists=checklists)
    with pytest.raises(FloorError, match="belongs to the running emergency Fire"):
        book.close_roll_call(floor)
    lifecycle.close_early(floor, fire.id, "false alarm")
    with floor.db.read() as session:
        assert book.roll_call(session, fire.roll_call_id).closed_at is not None
    with pytest.raises(FloorError, match="closed"):
        headcount.mark_safe(floor, fire.id, "1")
    # The next `c` starts a fresh roll call.
    assert book.start_roll_call(floor).id != fire.roll_call_id


def test_joining_adds_whoever_came_onto_the_floor_since(small_floor: Floor) -> None:
    floor = small_floor
    staff(floor)
    first = book.start_roll_call(floor)
    assert first.people == 2
    visitor_on_floor(floor, "Late Comer", "V-40")
    joined = book.start_roll_call(floor)
    assert joined.id == first.id
    assert [(e.position, e.name) for e in joined.entries][-1] == (3, "Late Comer")


def test_two_emergencies_at_once_share_one_roll_call(small_floor: Floor, checklists) -> None:
    floor = small_floor
    staff(floor)
    fire = lifecycle.start(floor, "fire", checklists=checklists)
    quake = lifecycle.start(floor, "earthquake", checklists=checklists, drill=True)
    assert quake.roll_call_id == fire.roll_call_id
    lifecycle.close_early(floor, fire.id, "out")
    with floor.db.read() as session:  # still used by the earthquake
        assert book.roll_call(session, fire.roll_call_id).closed_at is None


@pytest.mark.parametrize("ref", ["%%%%", "____", "%", "' or 1=1"])
def test_a_wildcard_id_names_no_roll_call(small_floor: Floor, ref: str) -> None:
    book.start_roll_call(small_floor)
    with small_floor.db.read() as session, pytest.raises(FloorError, match="no such roll call"):
        book.roll_call(session, ref)


def file_bytes(floor: Floor) -> bytes:
    with floor.db.engine.connect() as conn:
        busy, _, _ = conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
        assert busy == 0
    path: Path = floor.db.path
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_after_a_purge_no_roll_call_names_the_visitor(
    small_floor: Floor, clock: FakeClock, checklists
) -> None:
    floor = small_floor
    staff(floor)
    visitor_id = visitor_on_floor(floor)
    book.start_roll_call(floor, "drill")
    fire = lifecycle.start(floor, "fire", checklists=checklists, drill=True)
    headcount.mark_safe(floor, fire.id, NAME)  # by name, in the emergency
    headcount.add_to_roll_call(floor, fire.id, "Courier", "lobby")
    lifecycle.close_early(floor, fire.id, "end of the drill")
    presence.check_out(floor, visitor_id)
    with floor.db.read() as session:
        # The append-only timeline never held the name: it could never be cleared.
        texts = [e.text or "" for e in session.exec(select(EmergencyEvent)).all()]
        assert not any(NAME in t for t in texts)
        assert NAME in [e.name for e in book.roll_call(session).entries]
    assert NAME.encode() in file_bytes(floor)

    clock.advance(days=floor.config.visitors.retention_days + 1)
    assert retention.purge_expired(floor).visitor_ids == (visitor_id,)

    assert NAME.encode() not in file_bytes(floor)
    with floor.db.read() as session:
        for view in (book.roll_call(session), headcount.roll_call_of(session, fire.id)):
            assert view is not None
            assert NAME not in [e.name for e in view.entries]
            assert view.entries[0].name == "(purged)" and view.entries[0].safe_by == "duty1"
