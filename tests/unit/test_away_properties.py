"""Property test: the away slip (示忙单) state machine under random operations.

Hypothesis drives a real floor (SQLite in a temp dir, fake clock) through requests,
approvals, rejections, send-aways, starts, backs, extensions, excuses, violations,
cancellations, raw seat events and clock jumps. After every step the slips must agree
with the seats and with themselves, a refused operation must have written nothing, and
the journal's hash chain must hold.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlmodel import col, select

from floorman.clock import FakeClock
from floorman.config import Config
from floorman.data import journal, schema
from floorman.data.db import Database
from floorman.data.tables.away import SLIP_APPROVALS, SLIP_STATUSES, AwaySlip
from floorman.data.tables.floor import Agent, Alert, JournalEntry, Seat
from floorman.domain.away import actions as away_actions
from floorman.domain.away import alert_plan as away_alert_plan
from floorman.domain.away import rules as away_rules
from floorman.domain.away import views as away_views
from floorman.domain.core import states
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.seats import events as seat_events
from floorman.domain.seats import importing as seat_importing

START_AT = FakeClock().now()
SEATS = ("A-01", "A-02", "B-01")
AGENTS = ("1001", "1002", "1003")
REASONS = ("toilet", "water", "coaching", "nonsense")
OPEN = set(states.OPEN_SLIP_STATUSES)
# Seat events, the common ones more often (a seat out of order refuses most events).
EVENTS = ("ready", "ready", "busy", "away", "away", "back", "back", "empty", "fault", "fixed")


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove a refused operation wrote nothing."""
    with sqlite3.connect(path) as conn:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("sqlite_")
        ]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}


class AwaySlipMachine(RuleBasedStateMachine):
    """A small floor (three seats, three agents) and a duty manager on an open floor.

    `done` and `refused` count the operations that went through and those refused.
    """

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="floorman-away-prop-"))
        self.path = self.folder / "floor.db"
        self.db = Database(self.path)
        schema.migrate(self.db)
        self.clock = FakeClock(START_AT)
        self.floor = Floor(self.db, self.clock, Config(timezone="UTC"), Actor("duty1", "t:1"))
        self.refused = 0
        self.done = 0

    def teardown(self) -> None:
        self.db.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    @initialize()
    def build_floor(self) -> None:
        (self.folder / "seats.csv").write_text(
            "seat,zone,type,row,col\n"
            + "".join(f"{c},A,general,0,{i}\n" for i, c in enumerate(SEATS))
        )
        (self.folder / "agents.csv").write_text(
            "staff_no,name,team\n" + "".join(f"{a},Agent {a},T\n" for a in AGENTS)
        )
        seat_importing.import_seats(self.floor, self.folder / "seats.csv")
        seat_importing.import_agents(self.floor, self.folder / "agents.csv")
        # Two agents at work; the third not seated yet (requests need --seat then).
        seat_events.record_event(self.floor, SEATS[0], "ready", agent_no=AGENTS[0])
        seat_events.record_event(self.floor, SEATS[1], "busy", agent_no=AGENTS[1])

    # ------------------------------------------------------------------ helpers

    def _attempt(self, operation: Callable[[], object]) -> None:
        """Run an operation; if refused, nothing at all may have changed."""
        before = _dump(self.path)
        try:
            operation()
        except FloorError:
            self.refused += 1
            assert _dump(self.path) == before, "a refused operation changed the database"
        else:
            self.done += 1

    def _slip_ref(self, pick: int, by_agent: bool) -> str:
        """A slip id (or an agent's staff number: their open slip), or a made-up id."""
        if by_agent:
            return AGENTS[pick % len(AGENTS)]
        with self.db.read() as session:
            ids = sorted(session.exec(select(AwaySlip.id)).all())
        return ids[pick % len(ids)] if ids else "no-such-slip"

    # ------------------------------------------------------------------ rules

    @rule(
        agent=st.sampled_from(AGENTS),
        reason=st.sampled_from(REASONS),
        seat=st.none() | st.sampled_from(SEATS),
    )
    def request(self, agent: str, reason: str, seat: str | None) -> None:
        self._attempt(lambda: away_actions.request(self.floor, agent, reason, seat_code=seat))

    @rule(
        agent=st.sampled_from(AGENTS),
        reason=st.sampled_from(REASONS),
        seat=st.none() | st.sampled_from(SEATS),
    )
    def send_away(self, agent: str, reason: str, seat: str | None) -> None:
        self._attempt(lambda: away_actions.send_away(self.floor, agent, reason, seat_code=seat))

    @rule(pick=st.integers(0, 50), by_agent=st.booleans())
    def approve(self, pick: int, by_agent: bool) -> None:
        ref = self._slip_ref(pick, by_agent)
        self._attempt(lambda: away_actions.approve(self.floor, ref))

    @rule(pick=st.integers(0, 50), by_agent=st.booleans(), why=st.sampled_from(["busy hour", ""]))
    def reject(self, pick: int, by_agent: bool, why: str) -> None:
        ref = self._slip_ref(pick, by_agent)
        self._attempt(lambda: away_actions.reject(self.floor, ref, why))

    @rule(pick=st.integers(0, 50), by_agent=st.booleans())
    def cancel(self, pick: int, by_agent: bool) -> None:
        ref = self._slip_ref(pick, by_agent)
        self._attempt(lambda: away_actions.cancel(self.floor, ref))

    @rule(pick=st.integers(0, 50), by_agent=st.booleans(), ago=st.sampled_from([None, 0, 30, 900]))
    def start(self, pick: int, by_agent: bool, ago: int | None) -> None:
        ref = self._slip_ref(pick, by_agent)
        at = None if ago is None else self.clock.now() - timedelta(seconds=ago)
        self._attempt(lambda: away_actions.start(self.floor, ref, at=at))

    @rule(pick=st.integers(0, 50), by_agent=st.booleans(), ago=st.sampled_from([None, 0, 30, 900]))
    def back(self, pick: int, by_agent: bool, ago: int | None) -> None:
        ref = self._slip_ref(pick, by_agent)
        at = None if ago is None else self.clock.now() - timedelta(seconds=ago)
        self._attempt(lambda: away_actions.back(self.floor, ref, at=at))

    @rule(
        pick=st.integers(0, 50),
        by_agent=st.booleans(),
        seconds=st.sampled_from([-5, 0, 60, 300, away_rules.MAX_EXTENSION_SECONDS + 1]),
    )
    def extend(self, pick: int, by_agent: bool, seconds: int) -> None:
        ref = self._slip_ref(pick, by_agent)
        self._attempt(lambda: away_actions.extend(self.floor, ref, seconds, "customer on hold"))

    @rule(pick=st.integers(0, 50), by_agent=st.booleans())
    def excuse(self, pick: int, by_agent: bool) -> None:
        ref = self._slip_ref(pick, by_agent)
        self._attempt(lambda: away_actions.excuse(self.floor, ref, "felt unwell"))

    @rule(pick=st.integers(0, 50), by_agent=st.booleans())
    def record_violation(self, pick: int, by_agent: bool) -> None:
        ref = self._slip_ref(pick, by_agent)
        self._attempt(lambda: away_actions.record_violation(self.floor, ref, "no permission"))

    @rule(
        seat=st.sampled_from(SEATS),
        event=st.sampled_from(EVENTS),
        agent=st.none() | st.sampled_from(AGENTS),
        reason=st.none() | st.sampled_from(["toilet", "smoke"]),
    )
    def seat_event(self, seat: str, event: str, agent: str | None, reason: str | None) -> None:
        self._attempt(
            lambda: seat_events.record_event(self.floor, seat, event, agent_no=agent, reason=reason)
        )

    @rule(seconds=st.sampled_from([1, 29, 60, 240, 301, 900, 3600]))
    def advance(self, seconds: int) -> None:
        self.clock.advance(seconds)

    # ------------------------------------------------------------------ invariants

    @invariant()
    def slips_agree_with_seats(self) -> None:
        now = self.clock.now()
        with self.db.read() as session:
            slips = session.exec(select(AwaySlip)).all()
            seat_of = {s.agent_id: s for s in session.exec(select(Seat)).all() if s.agent_id}
            agent_ids = [a.id for a in session.exec(select(Agent)).all()]
            live = session.exec(
                select(Alert).where(
                    col(Alert.kind).startswith("away."),
                    col(Alert.cancelled_at).is_(None),
                    col(Alert.fired_at).is_(None),
                )
            ).all()
        for slip in slips:
            assert slip.status in SLIP_STATUSES
            assert slip.approval in SLIP_APPROVALS
            if slip.status in ("out", "back"):
                assert slip.left_at is not None
            else:
                assert slip.left_at is None and slip.returned_at is None
            if slip.status == "back":
                assert slip.returned_at is not None and slip.returned_at >= slip.left_at
            if slip.status == "out":
                assert slip.returned_at is None
            if slip.status == "requested":
                assert slip.approval == "pending"
            if slip.status == "approved":
                assert slip.approval == "approved"
            if slip.status == "rejected":
                assert slip.approval == "rejected"
            if slip.approval in ("unapproved", "approved_after", "violation"):
                assert slip.status in ("out", "back")
            assert slip.extension_seconds in range(0, away_rules.MAX_EXTENSION_SECONDS + 1)
        for agent_id in agent_ids:
            open_slips = [s for s in slips if s.agent_id == agent_id and s.status in OPEN]
            assert len(open_slips) <= 1, "two open slips for one agent"
            out = [s for s in open_slips if s.status == "out"]
            seat = seat_of.get(agent_id)
            seat_away = seat is not None and seat.state == "away"
            assert bool(out) == seat_away, "a slip is out iff its agent's seat is away"
        # Deadlines wait only for slips that are out.
        out_ids = {s.id for s in slips if s.status == "out"}
        for alert in live:
            key = (alert.dedupe_key or "").removeprefix(away_alert_plan.ALERT_PREFIX)
            slip_id = key.split(":")[0]
            assert slip_id in out_ids, f"a live {alert.kind} alert for a slip not out"
        for view in away_views.list_slips(self.floor):
            assert view.elapsed_seconds >= 0
            assert view.left_seconds >= 0 and view.over_seconds >= 0
            later = away_views.retime(self.floor, view, now + timedelta(seconds=1))
            assert later.elapsed_seconds >= view.elapsed_seconds

    @invariant()
    def journal_chain_holds(self) -> None:
        with self.db.read() as session:
            rows = session.exec(select(JournalEntry).order_by(col(JournalEntry.seq))).all()
        assert journal.verify(rows, journal.session_key(session)) == []


AwaySlipMachine.TestCase.settings = settings(max_examples=15, stateful_step_count=35, deadline=None)
TestAwaySlipMachine = AwaySlipMachine.TestCase


def test_back_after_moving_while_away_brings_the_agent_back_where_they_are(
    small_floor: Floor,
) -> None:
    """Found by the machine: an agent sent away from A-01 who shows up away at A-02 is
    brought back at A-02 by `away back`, so no seat stays away without a slip out."""
    seat_events.record_event(small_floor, "A-01", "ready", agent_no="1001")
    slip = away_actions.send_away(small_floor, "1001", "toilet")
    seat_events.record_event(small_floor, "A-02", "away", agent_no="1001", reason="toilet")
    view = away_actions.back(small_floor, slip.id)
    assert view.status == "back"
    with small_floor.db.read() as session:
        a02 = session.exec(select(Seat).where(Seat.code == "A-02")).one()
        assert a02.state == "ready"
        assert session.exec(select(Seat).where(Seat.code == "A-01")).one().state == "empty"
