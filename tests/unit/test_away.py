"""Away slips: lifecycle, bands, extension, the unapproved flow and the seat in step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from floorman.clock import FakeClock
from floorman.data import journal
from floorman.data.db import Database
from floorman.data.tables.away import AwaySlip
from floorman.data.tables.floor import Alert, JournalEntry, Seat
from floorman.domain import alerts
from floorman.domain.away import actions as away_actions
from floorman.domain.away import alert_plan as away_alert_plan
from floorman.domain.away import views as away_views
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.seats.events import record_event


@pytest.fixture
def seated(small_floor: Floor) -> Floor:
    """Agents 1001 at A-01, 1002 at A-02, 1003 at B-01, all ready."""
    for seat, agent in (("A-01", "1001"), ("A-02", "1002"), ("B-01", "1003")):
        record_event(small_floor, seat, "ready", agent_no=agent)
    return small_floor


def seat_state(floor: Floor, code: str) -> str:
    with floor.db.read() as session:
        seat = session.exec(select(Seat).where(Seat.code == code)).one()
        return seat.state


def pending_keys(floor: Floor) -> dict[str, object]:
    with floor.db.read() as session:
        return {a.dedupe_key: a.due_at for a in alerts.pending(session)}


def journal_rows(floor: Floor) -> int:
    with floor.db.read() as session:
        return journal.count(session)


def test_request_approve_start_back(seated: Floor, clock: FakeClock) -> None:
    slip = away_actions.request(seated, "1001", "toilet")
    assert (slip.status, slip.approval, slip.seat, slip.limit_seconds) == (
        "requested",
        "pending",
        "A-01",
        300,
    )
    approved = away_actions.approve(seated, slip.id)
    assert approved.approved_by == "duty1"
    assert approved.decided_at == clock.now()
    assert seat_state(seated, "A-01") == "ready"

    clock.advance(10)
    out = away_actions.start(seated, "1001")
    left = clock.now()
    assert out.status == "out" and out.left_at == left
    assert seat_state(seated, "A-01") == "away"
    keys = pending_keys(seated)
    assert keys == {
        f"away:{slip.id}:warning": left + timedelta(seconds=240),
        f"away:{slip.id}:breach": left + timedelta(seconds=300),
        f"away:{slip.id}:severe": left + timedelta(seconds=600),
        f"away:{slip.id}:escalation": left + timedelta(seconds=300, minutes=3),
    }

    clock.advance(200)
    came_back = away_actions.back(seated, slip.id)
    assert came_back.status == "back"
    assert came_back.returned_at == clock.now()
    assert came_back.elapsed_seconds == 200 and came_back.over_seconds == 0
    assert seat_state(seated, "A-01") == "ready"
    assert pending_keys(seated) == {}
    with seated.db.read() as session:
        assert (
            journal.verify(
                session.exec(select(JournalEntry).order_by("seq")).all(),
                journal.session_key(session),
            )
            == []
        )
        actions = session.exec(select(JournalEntry.action)).all()
    assert {"away.request", "away.approve", "away.out", "away.back", "seat.away"} <= set(actions)


def test_reject_records_who_when_and_why(seated: Floor, clock: FakeClock) -> None:
    slip = away_actions.request(seated, "1002", "water", note="thirsty")
    clock.advance(5)
    rejected = away_actions.reject(seated, "1002", "queue is long")
    assert rejected.status == "rejected" and rejected.approval == "rejected"
    assert (rejected.decided_by, rejected.decided_at) == ("duty1", clock.now())
    assert rejected.decision_note == "queue is long"
    assert rejected.approved_by is None
    with pytest.raises(FloorError, match="rejected"):
        away_actions.start(seated, slip.id)


@pytest.mark.parametrize(
    ("seconds", "band"),
    [
        (0, "ok"),
        (239, "ok"),
        (240, "warning"),
        (299, "warning"),
        (300, "breach"),
        (599, "breach"),
        (600, "severe"),
        (5000, "severe"),
    ],
)
def test_bands_for_the_default_limit(seated: Floor, clock: FakeClock, seconds, band) -> None:
    record_event(seated, "A-01", "away", reason="toilet")
    clock.advance(seconds)
    (view,) = away_views.list_slips(seated, open_only=True)
    assert view.band == band
    assert view.elapsed_seconds == seconds
    assert view.left_seconds == max(0, 300 - seconds)
    assert view.over_seconds == max(0, seconds - 300)


def test_a_shorter_reason_keeps_the_same_warning_lead(seated: Floor, clock: FakeClock) -> None:
    away_actions.approve(seated, away_actions.request(seated, "1001", "water").id)
    away_actions.start(seated, "1001")
    clock.advance(119)
    assert away_views.list_slips(seated)[0].band == "ok"
    clock.advance(1)
    view = away_views.list_slips(seated)[0]
    assert (view.band, view.limit_seconds, view.symbol) == ("warning", 180, "!")
    clock.advance(60)
    assert away_views.list_slips(seated)[0].band == "breach"
    clock.advance(180)
    assert away_views.list_slips(seated)[0].band == "severe"


def test_one_extension_moves_the_deadlines(seated: Floor, clock: FakeClock) -> None:
    away_actions.approve(seated, away_actions.request(seated, "1001", "toilet").id)
    slip = away_actions.start(seated, "1001")
    left = clock.now()
    clock.advance(250)
    extended = away_actions.extend(seated, slip.id, 120, "long queue at the toilet")
    assert extended.limit_seconds == 420 and extended.extension_seconds == 120
    assert extended.extension_reason == "long queue at the toilet"
    assert extended.band == "ok"  # 250 s of 420, warning from 360
    keys = pending_keys(seated)
    assert keys[f"away:{slip.id}:ext:breach"] == left + timedelta(seconds=420)
    assert keys[f"away:{slip.id}:ext:warning"] == left + timedelta(seconds=360)
    assert f"away:{slip.id}:breach" not in keys  # the old deadline was cancelled
    with pytest.raises(FloorError, match="already extended"):
        away_actions.extend(seated, slip.id, 60, "again")
    clock.advance(200)
    assert away_views.list_slips(seated)[0].over_seconds == 30


@pytest.mark.parametrize("seconds", [0, -60, 31 * 60])
def test_extension_bounds(seated: Floor, seconds: int) -> None:
    away_actions.request(seated, "1001", "toilet")
    away_actions.approve(seated, "1001")
    with pytest.raises(FloorError, match="extension"):
        away_actions.extend(seated, "1001", seconds, "why not")


def test_extension_needs_a_reason(seated: Floor) -> None:
    away_actions.request(seated, "1001", "toilet")
    away_actions.approve(seated, "1001")
    with pytest.raises(FloorError, match="extension reason"):
        away_actions.extend(seated, "1001", 60, "  ")


def test_away_event_without_request_is_unapproved(seated: Floor, clock: FakeClock) -> None:
    record_event(seated, "B-01", "away", reason="smoke break")
    (slip,) = away_views.list_slips(seated, open_only=True)
    assert (slip.status, slip.approval, slip.agent, slip.seat) == (
        "out",
        "unapproved",
        "1003",
        "B-01",
    )
    assert (slip.reason, slip.note, slip.limit_seconds) == ("other", "smoke break", 300)
    assert len(pending_keys(seated)) == 4
    clock.advance(400)
    record_event(seated, "B-01", "back")
    closed = away_views.list_slips(seated)[0]
    assert closed.status == "back" and closed.over_seconds == 100
    with pytest.raises(FloorError, match="reason"):
        away_actions.excuse(seated, closed.id, "")
    excused = away_actions.excuse(seated, closed.id, "customer complaint escalated")
    assert excused.approval == "approved_after" and excused.approved_by == "duty1"
    with pytest.raises(FloorError, match="approved_after"):
        away_actions.record_violation(seated, closed.id)


def test_unapproved_absence_recorded_as_violation(seated: Floor) -> None:
    record_event(seated, "A-02", "away", reason="Water")
    slip = away_views.list_slips(seated)[0]
    assert (slip.reason, slip.limit_seconds) == ("water", 180)  # configured reason recognised
    violated = away_actions.record_violation(seated, "1002", "left during the peak")
    assert violated.approval == "violation" and violated.approved_by is None
    assert violated.decision_note == "left during the peak"


def test_leaving_without_waiting_supersedes_the_request(seated: Floor) -> None:
    request = away_actions.request(seated, "1001", "toilet")
    record_event(seated, "A-01", "away")
    slips = {v.id: v for v in away_views.list_slips(seated)}
    assert slips[request.id].status == "cancelled"
    (out,) = [v for v in slips.values() if v.status == "out"]
    assert out.approval == "unapproved"


def test_seat_event_starts_an_approved_slip(seated: Floor, clock: FakeClock) -> None:
    slip = away_actions.request(seated, "1001", "coaching")
    away_actions.approve(seated, slip.id)
    clock.advance(30)
    record_event(seated, "A-01", "away", reason="coaching")
    (view,) = away_views.list_slips(seated, open_only=True)
    assert view.id == slip.id and view.status == "out" and view.approval == "approved"
    assert view.left_at == clock.now()


@pytest.mark.parametrize("event", ["back", "empty", "fault", "busy"])
def test_seat_leaving_away_closes_the_slip(seated: Floor, clock: FakeClock, event: str) -> None:
    record_event(seated, "A-01", "away")
    clock.advance(42)
    record_event(seated, "A-01", event)
    (view,) = away_views.list_slips(seated)
    assert view.status == "back" and view.elapsed_seconds == 42
    assert pending_keys(seated) == {}


def test_agent_moving_to_another_seat_closes_the_slip(seated: Floor, clock: FakeClock) -> None:
    record_event(seated, "A-01", "away")
    clock.advance(61)
    record_event(seated, "B-02", "ready", agent_no="1001")
    (view,) = away_views.list_slips(seated)
    assert view.status == "back" and view.elapsed_seconds == 61
    assert seat_state(seated, "A-01") == "empty"


def test_back_after_the_seat_already_changed(seated: Floor, clock: FakeClock) -> None:
    away_actions.approve(seated, away_actions.request(seated, "1001", "toilet").id)
    away_actions.start(seated, "1001")
    clock.advance(20)
    view = away_actions.back(seated, "1001")
    assert view.status == "back"
    with pytest.raises(FloorError, match="no open away slip"):
        away_actions.back(seated, "1001")


def test_restart_shows_the_same_elapsed(seated: Floor, clock: FakeClock, db_path) -> None:
    record_event(seated, "A-01", "away")
    clock.advance(275)
    before = away_views.list_slips(seated)[0]
    seated.db.dispose()
    reopened = Floor(db=Database(db_path), clock=clock, config=seated.config, actor=seated.actor)
    after = away_views.list_slips(reopened)[0]
    assert after.elapsed_seconds == before.elapsed_seconds == 275
    assert after.band == "warning"
    reopened.db.dispose()


def test_clock_moved_backwards_never_shows_negative(seated: Floor, clock: FakeClock) -> None:
    record_event(seated, "A-01", "away")
    clock.advance(-3600)
    view = away_views.list_slips(seated)[0]
    assert view.elapsed_seconds == 0 and view.over_seconds == 0
    assert view.left_seconds == 300 and view.band == "ok"
    assert view.elapsed == "00:00"


def test_board_is_worst_first(seated: Floor, clock: FakeClock) -> None:
    record_event(seated, "A-01", "away")
    clock.advance(100)
    record_event(seated, "A-02", "away", reason="water")  # 180 s limit
    clock.advance(100)
    record_event(seated, "B-01", "away")
    clock.advance(250)
    record_event(seated, "B-02", "ready", agent_no="1004")
    away_actions.request(seated, "1004", "toilet")
    board = away_views.away_board(seated)
    # The request waiting on the duty manager first; then A-02: 350 s of 180 -> 170 over;
    # 450 s of 300 -> 150 over; B-01: 250 s, 50 left.
    assert [v.seat for v in board] == ["B-02", "A-02", "A-01", "B-01"]
    assert [v.band for v in board] == ["ok", "breach", "breach", "warning"]
    assert board[0].status == "requested"


def test_alerts_fire_at_their_deadlines(seated: Floor, clock: FakeClock) -> None:
    record_event(seated, "A-01", "away")
    clock.advance(239)
    assert alerts.fire_due(seated) == []
    clock.advance(1)
    assert [a.kind for a in alerts.fire_due(seated)] == ["away.warning"]
    clock.advance(60)
    (breach,) = alerts.fire_due(seated)
    assert breach.kind == "away.breach" and breach.severity == "breach"
    assert breach.subject == "A-01" and "Li Na" in breach.message


def test_unacknowledged_breach_escalates(seated: Floor, clock: FakeClock) -> None:
    record_event(seated, "A-01", "away")
    clock.advance(300)
    alerts.fire_due(seated)
    clock.advance(180)
    assert away_alert_plan.cancel_acknowledged_escalations(seated) == 0
    (escalation,) = alerts.fire_due(seated)
    assert escalation.kind == "away.escalation" and escalation.severity == "critical"


def test_acknowledged_breach_does_not_escalate(seated: Floor, clock: FakeClock) -> None:
    record_event(seated, "A-01", "away")
    clock.advance(300)
    breach = next(a for a in alerts.fire_due(seated) if a.kind == "away.breach")
    alerts.acknowledge(seated, breach.id)
    clock.advance(180)
    assert away_alert_plan.cancel_acknowledged_escalations(seated) == 1
    assert alerts.fire_due(seated) == []


def test_no_escalation_when_configured_off(seated: Floor) -> None:
    from dataclasses import replace

    seated.config = replace(
        seated.config, away=replace(seated.config.away, escalate_after_minutes=0)
    )
    record_event(seated, "A-01", "away")
    assert not [k for k in pending_keys(seated) if str(k).endswith("escalation")]


def test_slip_found_by_id_prefix(seated: Floor) -> None:
    slip = away_actions.request(seated, "1001", "toilet")
    assert away_actions.approve(seated, slip.id[:8]).id == slip.id


# ------------------------------------------------------------------ bad input


def _bad_inputs(floor: Floor) -> list[tuple[object, str]]:
    return [
        (lambda: away_actions.request(floor, "9999", "toilet"), "unknown agent"),
        (lambda: away_actions.request(floor, "1001", "nap"), "unknown away reason"),
        (lambda: away_actions.request(floor, "1001", ""), "reason"),
        (lambda: away_actions.request(floor, "1004", "toilet"), "not at a seat"),
        (lambda: away_actions.request(floor, "1001", "toilet", seat_code="B-03"), "sits at A-01"),
        (lambda: away_actions.request(floor, "1001", "toilet", seat_code="Z-99"), "unknown seat"),
        (lambda: away_actions.request(floor, "1001", "toilet", note="x" * 201), "too long"),
        (lambda: away_actions.approve(floor, "no-such-slip"), "no such away slip"),
        (lambda: away_actions.approve(floor, "1003"), "no open away slip"),
        (lambda: away_actions.reject(floor, "1002", ""), "rejection reason"),
        (lambda: away_actions.start(floor, "1002"), "only an approved slip"),
        (lambda: away_actions.back(floor, "1002"), "only a slip that is out"),
        (lambda: away_actions.approve(floor, "1002"), None),  # valid: leaves the list below
        (lambda: away_actions.approve(floor, "1002"), "cannot approve a slip that is approved"),
        (lambda: away_actions.excuse(floor, "1002", "ok"), "cannot approve_after"),
        (lambda: away_actions.record_violation(floor, "1002"), "cannot violation"),
        (lambda: away_actions.request(floor, "1002", "toilet"), "already has an open slip"),
    ]


def test_every_bad_input_is_refused_and_writes_nothing(seated: Floor) -> None:
    away_actions.request(seated, "1002", "toilet")
    for action, message in _bad_inputs(seated):
        rows = journal_rows(seated)
        if message is None:
            action()  # type: ignore[operator]
            continue
        with pytest.raises(FloorError, match=message):
            action()  # type: ignore[operator]
        assert journal_rows(seated) == rows, message


def test_start_on_a_faulty_seat_is_refused(seated: Floor) -> None:
    away_actions.approve(seated, away_actions.request(seated, "1001", "toilet").id)
    record_event(seated, "A-01", "fault", reason="headset")
    with pytest.raises(FloorError, match="out of order"):
        away_actions.start(seated, "1001")
    with seated.db.read() as session:
        slip = session.exec(select(AwaySlip)).one()
        assert slip.status == "approved"


def test_request_on_a_faulty_seat_is_refused(seated: Floor) -> None:
    record_event(seated, "A-01", "fault", reason="headset")
    with pytest.raises(FloorError, match="out of order"):
        away_actions.request(seated, "1001", "toilet")


def test_bad_day_is_refused() -> None:
    with pytest.raises(FloorError, match="YYYY-MM-DD"):
        away_views.parse_day("23/11/2026")


def test_cancelled_alerts_stay_cancelled(seated: Floor, clock: FakeClock) -> None:
    record_event(seated, "A-01", "away")
    record_event(seated, "A-01", "back")
    clock.advance(3600)
    assert alerts.fire_due(seated) == []
    with seated.db.read() as session:
        rows = session.exec(select(Alert).where(col(Alert.cancelled_at).is_not(None))).all()
    assert len(rows) == 4


def test_send_away_is_request_approval_and_leaving_at_once(seated: Floor, clock) -> None:
    view = away_actions.send_away(seated, "1003", "technical", note="headset")
    assert (view.status, view.approval, view.approved_by) == ("out", "approved", "duty1")
    assert view.left_at == clock.now() and view.note == "headset"
    assert seat_state(seated, "B-01") == "away"
    assert len(pending_keys(seated)) == 4
    with pytest.raises(FloorError, match="already has an open slip"):
        away_actions.send_away(seated, "1003", "toilet")
    with pytest.raises(FloorError, match="unknown away reason"):
        away_actions.send_away(seated, "1001", "lunch")
    assert seat_state(seated, "A-01") == "ready"


def test_retime_moves_a_view_forward_without_the_database(seated: Floor, clock) -> None:
    record_event(seated, "A-01", "away")
    (view,) = away_views.list_slips(seated)
    assert view.left_at is not None
    later = away_views.retime(seated, view, view.left_at + timedelta(seconds=330))
    assert (later.elapsed_seconds, later.over_seconds, later.band) == (330, 30, "breach")
    earlier = away_views.retime(seated, view, view.left_at - timedelta(seconds=30))
    assert earlier.elapsed_seconds == 0 and earlier.band == "ok"
