"""Retention: a purged visitor's phone and ID number are gone from the database file itself."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from floorman.clock import FakeClock
from floorman.data.tables.floor import Alert, JournalEntry
from floorman.data.tables.roll_call import RollCallEntry
from floorman.data.tables.visitors import Visitor
from floorman.domain import alerts
from floorman.domain.core.context import Floor
from floorman.domain.roll_call import book as roll_call_book
from floorman.domain.visitors import decisions, presence, registration, retention
from floorman.domain.visitors.registration import Registration

PHONE = "13987654321"
ID_NUMBER = "440301198807159876"
NAME = "Ouyang Xiuying"


def file_bytes(floor: Floor) -> bytes:
    """The .db and -wal files after a full checkpoint (the WAL truncated into the db)."""
    with floor.db.engine.connect() as conn:
        busy, _, _ = conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
        assert busy == 0
    path: Path = floor.db.path
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def visit(floor: Floor, clock: FakeClock) -> str:
    view = registration.register(floor, Registration(
        name=NAME, organisation="Network dept", category="internal", purpose="router audit",
        host="Li Na", phone=PHONE, id_number=ID_NUMBER, badge="V-31", expected_minutes=10,
    ))
    decisions.approve(floor, view.id)
    presence.check_in(floor, view.id)
    roll_call_book.start_roll_call(floor, "drill")
    clock.advance(minutes=20)
    alerts.fire_due(floor)  # the overstay alert names the visitor
    presence.check_out(floor, view.id)
    return view.id


def test_purge_waits_for_the_retention_period(floor: Floor, clock: FakeClock) -> None:
    visit(floor, clock)
    clock.advance(days=floor.config.visitors.retention_days - 1)
    assert retention.purge_expired(floor).count == 0
    with floor.db.read() as session:
        assert session.exec(select(Visitor)).one().phone == PHONE


def test_purged_phone_and_id_are_gone_from_the_file(floor: Floor, clock: FakeClock) -> None:
    visitor_id = visit(floor, clock)
    before = file_bytes(floor)
    # The clear ID number is never written; the phone and name are, until the purge.
    assert ID_NUMBER.encode() not in before
    assert PHONE.encode() in before
    assert NAME.encode() in before

    clock.advance(days=floor.config.visitors.retention_days + 1)
    result = retention.purge_expired(floor)
    assert result.visitor_ids == (visitor_id,)

    after = file_bytes(floor)
    assert PHONE.encode() not in after
    assert ID_NUMBER.encode() not in after
    assert NAME.encode() not in after
    with floor.db.read() as session:
        row = session.exec(select(Visitor)).one()
        assert (row.name, row.phone, row.id_hash, row.id_last4) == ("(purged)", None, None, None)
        assert row.purged_at == clock.now()
        assert all(a.message == "(purged)" for a in session.exec(select(Alert)).all())
        entry = session.exec(select(RollCallEntry)).one()
        assert (entry.visitor_id, entry.name) == (visitor_id, None)  # never a copy
        (shown,) = roll_call_book.roll_call(session).entries
        assert shown.name == "(purged)"
        entry = session.exec(
            select(JournalEntry).where(JournalEntry.action == "visitor.purge")
        ).one()
        assert visitor_id in (entry.after or "")
    # Purging again finds nothing left to clear.
    assert retention.purge_expired(floor).count == 0


def test_registrations_never_checked_in_are_purged_too(floor: Floor, clock: FakeClock) -> None:
    view = registration.register(floor, Registration(
        name=NAME, organisation="Acme", category="external", purpose="sales", host="Li Na",
        escort="Wang Fang", phone=PHONE,
    ))
    decisions.reject(floor, view.id, "no appointment")
    clock.advance(timedelta(days=31).total_seconds())
    assert retention.purge_expired(floor).visitor_ids == (view.id,)
    assert PHONE.encode() not in file_bytes(floor)
