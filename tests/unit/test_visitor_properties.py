"""Property test: the visitor state machine under random operations.

Hypothesis drives a real floor (SQLite in a temp dir, fake clock) through registrations
(internal and external), approvals and rejections by a director, a duty manager or a
viewer, check-ins and check-outs (some back-dated), retention purges and clock jumps.
A model of each visitor predicts which operations must go through; after every step no
one is on the floor without approval, check-out never precedes check-in, refused
operations wrote nothing, the ID number is nowhere in the database file and the phone
only in the visitor's own row, and the journal's hash chain holds.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlmodel import col, select

from floorman.clock import FakeClock
from floorman.config import Config
from floorman.data import journal, schema
from floorman.data.db import Database
from floorman.data.tables.floor import Alert, JournalEntry
from floorman.data.tables.visitors import Visitor
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.visitors import decisions, presence, privacy, registration, retention

START_AT = FakeClock().now()
ROLES = ("director", "duty_manager", "viewer")
RETENTION_DAYS = Config().visitors.retention_days


def _rows(path: Path) -> dict[str, list[str]]:
    """Every row of every table, to prove a refused operation wrote nothing."""
    with sqlite3.connect(path) as conn:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("sqlite_")
        ]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}


@dataclass
class Expected:
    """What the test knows of one registered visitor: its secrets and its state."""

    phone_digits: str
    phone_typed: str
    id_number: str
    category: str
    status: str = "pending"
    checked_in: bool = False
    checked_out: bool = False


class VisitorMachine(RuleBasedStateMachine):
    """An open floor (no operators) where the acting role changes from step to step."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="floorman-visitor-prop-"))
        self.path = self.folder / "floor.db"
        self.db = Database(self.path)
        schema.migrate(self.db)
        self.clock = FakeClock(START_AT)
        self.config = Config(timezone="UTC")
        self.model: dict[str, Expected] = {}
        self.serial = 0

    def teardown(self) -> None:
        self.db.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _floor(self, role: str) -> Floor:
        return Floor(self.db, self.clock, self.config, Actor(f"{role}1", "t:1", role=role))

    def _attempt(self, operation: Callable[[], Any], *, should_pass: bool) -> Any:
        """Run an operation the model says must pass or be refused; a refusal writes nothing."""
        before = _rows(self.path)
        try:
            result = operation()
        except FloorError as exc:
            assert not should_pass, f"refused but should have passed: {exc}"
            assert _rows(self.path) == before, "a refused operation changed the database"
            return None
        assert should_pass, "went through but should have been refused"
        return result

    def _pick(self, pick: int) -> str | None:
        ids = sorted(self.model)
        return ids[pick % len(ids)] if ids else None

    # ------------------------------------------------------------------ rules

    @rule(
        role=st.sampled_from(ROLES),
        external=st.booleans(),
        escort=st.booleans(),
        digits=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
        id_number=st.from_regex(r"[1-9][0-9]{16}[0-9X]", fullmatch=True),
        minutes=st.sampled_from([None, 0, 5, 60, 240]),
    )
    def register(
        self,
        role: str,
        external: bool,
        escort: bool,
        digits: str,
        id_number: str,
        minutes: int | None,
    ) -> None:
        typed = f"+86 {digits[:3]}-{digits[3:7]}-{digits[7:]}"
        form = registration.Registration(
            name=f"Visitor {self.serial}",
            organisation="Acme Telecom" if external else "Billing",
            category="external" if external else "internal",
            purpose="audit",
            host="duty1",
            escort="Wang Fang" if escort else None,
            phone=typed,
            id_number=id_number,
            expected_minutes=minutes,
        )
        self.serial += 1
        ok = role != "viewer" and (escort or not external) and minutes != 0
        view = self._attempt(lambda: registration.register(self._floor(role), form), should_pass=ok)
        if view is not None:
            assert view.phone is not None and digits not in view.phone
            self.model[view.id] = Expected("86" + digits, typed, id_number, form.category)

    @rule(role=st.sampled_from(ROLES), pick=st.integers(0, 40), approve=st.booleans())
    def decide(self, role: str, pick: int, approve: bool) -> None:
        ref = self._pick(pick)
        if ref is None:
            return
        seen = self.model[ref]
        if approve:
            allowed = role == "director" or (role == "duty_manager" and seen.category == "internal")
        else:
            allowed = role != "viewer"
        ok = allowed and seen.status == "pending"
        floor = self._floor(role)
        if approve:
            self._attempt(lambda: decisions.approve(floor, ref), should_pass=ok)
        else:
            self._attempt(lambda: decisions.reject(floor, ref, "no appointment"), should_pass=ok)
        if ok:
            seen.status = "approved" if approve else "rejected"

    @rule(role=st.sampled_from(ROLES), pick=st.integers(0, 40), ago=st.sampled_from([None, 0, 600]))
    def check_in(self, role: str, pick: int, ago: int | None) -> None:
        ref = self._pick(pick)
        if ref is None:
            return
        seen = self.model[ref]
        at = None if ago is None else self.clock.now() - timedelta(seconds=ago)
        with self.db.read() as session:
            decided_at = session.get(Visitor, ref).decided_at  # type: ignore[union-attr]
        too_early = at is not None and decided_at is not None and at < decided_at
        ok = (
            role != "viewer" and seen.status == "approved" and not seen.checked_in and not too_early
        )
        self._attempt(lambda: presence.check_in(self._floor(role), ref, at=at), should_pass=ok)
        seen.checked_in = seen.checked_in or ok

    @rule(role=st.sampled_from(ROLES), pick=st.integers(0, 40), ago=st.sampled_from([None, 0, 600]))
    def check_out(self, role: str, pick: int, ago: int | None) -> None:
        ref = self._pick(pick)
        if ref is None:
            return
        seen = self.model[ref]
        at = None if ago is None else self.clock.now() - timedelta(seconds=ago)
        with self.db.read() as session:
            checked_in_at = session.get(Visitor, ref).checked_in_at  # type: ignore[union-attr]
        too_early = at is not None and checked_in_at is not None and at < checked_in_at
        ok = role != "viewer" and seen.checked_in and not seen.checked_out and not too_early
        self._attempt(lambda: presence.check_out(self._floor(role), ref, at=at), should_pass=ok)
        seen.checked_out = seen.checked_out or ok

    @rule(role=st.sampled_from(("director", "duty_manager")))
    def purge_expired(self, role: str) -> None:
        result = retention.purge_expired(self._floor(role))
        cutoff = self.clock.now() - timedelta(days=RETENTION_DAYS)
        with self.db.read() as session:
            for visitor in session.exec(select(Visitor)).all():
                ended = visitor.checked_out_at or (
                    visitor.registered_at if visitor.checked_in_at is None else None
                )
                expired = ended is not None and ended < cutoff
                if expired:
                    assert visitor.purged_at is not None, "an expired visitor kept their data"
                    assert visitor.phone is None and visitor.id_hash is None
                    assert visitor.name == privacy.PURGED
                if visitor.id in result.visitor_ids:
                    assert expired

    @rule(seconds=st.sampled_from([30, 600, 3600, 86400, 31 * 86400]))
    def advance(self, seconds: int) -> None:
        self.clock.advance(seconds)

    # ------------------------------------------------------------------ invariants

    @invariant()
    def visits_make_sense(self) -> None:
        with self.db.read() as session:
            rows = session.exec(select(Visitor)).all()
            on_floor = {v.id for v in presence.visitors_on_floor(session)}
            live_overstay = {
                (a.subject or "").removeprefix("visitor:")
                for a in session.exec(
                    select(Alert).where(
                        Alert.kind == "visitor.overstay",
                        col(Alert.cancelled_at).is_(None),
                        col(Alert.fired_at).is_(None),
                    )
                ).all()
            }
        assert {v.id for v in rows} == set(self.model)
        for visitor in rows:
            seen = self.model[visitor.id]
            assert visitor.status in ("pending", "approved", "rejected")
            assert visitor.status == seen.status
            assert (visitor.checked_in_at is not None) == seen.checked_in
            assert (visitor.checked_out_at is not None) == seen.checked_out
            if visitor.checked_in_at is not None:
                assert visitor.status == "approved", "checked in without approval"
                assert visitor.decided_at is not None
                assert visitor.checked_in_at >= visitor.decided_at
                if visitor.category == "external":
                    assert visitor.escort and visitor.decided_role == "director"
            if visitor.checked_out_at is not None:
                assert visitor.checked_in_at is not None
                assert visitor.checked_out_at >= visitor.checked_in_at
            there = seen.checked_in and not seen.checked_out
            assert (visitor.id in on_floor) == there
            if visitor.id in live_overstay:
                assert there, "an overstay alert waits for someone who left"

    @invariant()
    def secrets_stay_secret(self) -> None:
        """The ID number is nowhere in the file; the phone only in the visitor's own row."""
        with sqlite3.connect(self.path) as conn:
            conn.execute("PRAGMA wal_checkpoint(FULL)")
        raw = self.path.read_bytes()
        wal = self.path.with_name(self.path.name + "-wal")
        raw += wal.read_bytes() if wal.exists() else b""
        tables = _rows(self.path)
        for seen in self.model.values():
            assert seen.id_number.encode() not in raw
            assert seen.phone_typed.encode() not in raw
            for table, rows in tables.items():
                if table != "visitor":
                    assert not any(seen.phone_digits in row for row in rows), table
        with self.db.read() as session:
            for visitor in session.exec(select(Visitor)).all():
                seen = self.model[visitor.id]
                assert visitor.phone in (None, "+" + seen.phone_digits)
                assert visitor.id_hash is None or seen.id_number not in visitor.id_hash

    @invariant()
    def journal_chain_holds(self) -> None:
        with self.db.read() as session:
            rows = session.exec(select(JournalEntry).order_by(col(JournalEntry.seq))).all()
        assert journal.verify(rows, journal.session_key(session)) == []


VisitorMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=30, deadline=None)
TestVisitorMachine = VisitorMachine.TestCase
