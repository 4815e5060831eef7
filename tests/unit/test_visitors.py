"""Visitor rules: registration, approval by category, check-in/out, overstay, lists, roll call."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest
from sqlmodel import select

from floorman.clock import FakeClock
from floorman.data.tables.floor import Alert, JournalEntry
from floorman.data.tables.visitors import Visitor, VisitorSecret
from floorman.domain import alerts
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError, PermissionDenied
from floorman.domain.roll_call import book as roll_call_book
from floorman.domain.roll_call import views as roll_call_views
from floorman.domain.seats.events import record_event
from floorman.domain.visitors import decisions, export, lists, presence, records, registration
from floorman.domain.visitors import views as visitor_views
from floorman.domain.visitors.registration import Registration

PHONE = "138 1234 5678"
ID_NUMBER = "110101199003074321"


def internal(**changes: object) -> Registration:
    form = Registration(
        name="Zhang Wei",
        organisation="Billing dept",
        category="internal",
        purpose="Check the billing screens",
        host="Li Na",
        phone=PHONE,
        id_number=ID_NUMBER,
        badge="V-01",
        expected_minutes=30,
    )
    return dataclasses.replace(form, **changes)  # type: ignore[arg-type]


def external(**changes: object) -> Registration:
    values: dict[str, object] = {
        "name": "John Smith",
        "organisation": "Acme Telecom",
        "category": "external",
        "escort": "Wang Fang",
        "badge": "V-02",
    }
    return internal(**{**values, **changes})


def as_role(floor: Floor, role: str | None) -> Floor:
    return dataclasses.replace(floor, actor=Actor("boss", "test:tty2", role=role))


def rows(floor: Floor, model: type) -> list:
    with floor.db.read() as session:
        return list(session.exec(select(model)).all())


def journal_text(floor: Floor) -> str:
    return "\n".join(
        f"{j.action} {j.subject} {j.before} {j.after}" for j in rows(floor, JournalEntry)
    )


# ---------------------------------------------------------------- registration


def test_register_keeps_masked_phone_and_hashed_id(floor: Floor) -> None:
    view = registration.register(floor, internal())
    assert view.state == "pending"
    assert view.phone == "*******5678"
    assert view.id_number == "****4321"
    (row,) = rows(floor, Visitor)
    assert row.phone == "13812345678"
    assert row.id_last4 == "4321"
    assert row.id_hash and ID_NUMBER not in row.id_hash and len(row.id_hash) == 64
    assert ID_NUMBER not in json.dumps(view.as_json())
    # The key is a random secret created on first use, kept in its own row.
    (secret,) = rows(floor, VisitorSecret)
    assert secret.name == "floorman_secret" and len(secret.value) == 64
    # The journal keeps neither the clear phone, nor the ID, nor the name.
    text = journal_text(floor)
    assert "visitor.register" in text
    for secret_text in ("13812345678", ID_NUMBER, "Zhang Wei"):
        assert secret_text not in text


def test_same_id_number_gives_same_keyed_hash(floor: Floor) -> None:
    registration.register(floor, internal())
    registration.register(floor, internal(badge="V-09", id_number="1101 0119 9003 074321"))
    first, second = rows(floor, Visitor)
    assert first.id_hash == second.id_hash
    assert len(rows(floor, VisitorSecret)) == 1


def test_external_visitor_needs_an_escort(floor: Floor) -> None:
    with pytest.raises(FloorError, match="escort"):
        registration.register(floor, external(escort=None))
    assert rows(floor, Visitor) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "name must not be empty"),
        ({"name": "   "}, "name must not be empty"),
        ({"name": "Evil\x1b[2J"}, "control characters or terminal escape"),
        ({"purpose": "ok\x07"}, "control characters"),
        ({"host": "x\x1b]0;title\x07"}, "escape"),
        ({"organisation": "A" * 101}, "too long"),
        ({"purpose": "p" * 201}, "too long"),
        ({"phone": "call me"}, "phone"),
        ({"id_number": "12"}, "ID number"),
        ({"category": "vendor"}, "category"),
        ({"expected_minutes": 0}, "duration"),
    ],
)
def test_bad_registration_is_refused_and_nothing_stored(
    floor: Floor, change: dict[str, object], message: str
) -> None:
    with pytest.raises(FloorError, match=message):
        registration.register(floor, internal(**change))
    assert rows(floor, Visitor) == []
    assert rows(floor, JournalEntry) == []


def test_badge_cannot_be_given_twice(floor: Floor) -> None:
    registration.register(floor, internal())
    with pytest.raises(FloorError, match="badge V-01"):
        registration.register(floor, internal(name="Other"))


def test_default_duration_comes_from_config(floor: Floor) -> None:
    view = registration.register(floor, internal(expected_minutes=None))
    assert view.expected_minutes == floor.config.visitors.default_duration_minutes


# ---------------------------------------------------------------- approval and roles


def test_internal_visitor_is_approved_by_duty_manager(floor: Floor, clock: FakeClock) -> None:
    view = registration.register(floor, internal())
    clock.advance(60)
    approved = decisions.approve(floor, view.id)
    assert approved.status == "approved"
    assert approved.decided_by == "duty1"
    assert approved.decided_at == clock.now()
    (row,) = rows(floor, Visitor)
    assert row.decided_role == "duty_manager"


def test_external_visitor_is_refused_without_the_director(floor: Floor) -> None:
    view = registration.register(floor, external())
    with pytest.raises(PermissionDenied, match="center director"):
        decisions.approve(as_role(floor, "duty_manager"), view.id)
    with pytest.raises(PermissionDenied, match="center director"):
        decisions.approve(as_role(floor, "supervisor"), view.id)
    with floor.db.read() as session:
        assert visitor_views.get_visitor(session, view.id).state == "pending"
    director = decisions.approve(as_role(floor, "director"), view.id)
    with pytest.raises(FloorError, match="already approved"):
        decisions.reject(floor, view.id, "changed my mind")
    assert director.status == "approved" and director.decided_by == "boss"


def test_no_role_on_an_open_floor_is_recorded_as_duty_manager(floor: Floor) -> None:
    # No operators yet: the floor is open (operators.require), a decision is recorded
    # as a duty manager's; a viewer is still refused.
    assert records.acting_role(floor) == "duty_manager"
    with pytest.raises(PermissionDenied, match="viewer"):
        registration.register(as_role(floor, "viewer"), internal())


def test_duty_manager_may_turn_an_external_visitor_away(floor: Floor) -> None:
    view = registration.register(floor, external())
    assert decisions.reject(floor, view.id, "no appointment").state == "rejected"


def test_reject_needs_a_reason_and_blocks_check_in(floor: Floor) -> None:
    view = registration.register(floor, internal())
    with pytest.raises(FloorError, match="reason"):
        decisions.reject(floor, view.id, "  ")
    rejected = decisions.reject(floor, view.short_id, "no appointment")
    assert rejected.state == "rejected" and rejected.reject_reason == "no appointment"
    with pytest.raises(FloorError, match="already rejected"):
        decisions.approve(floor, view.id)
    with pytest.raises(FloorError, match="before approval"):
        presence.check_in(floor, view.id)


def test_no_check_in_before_approval(floor: Floor) -> None:
    view = registration.register(floor, internal())
    with pytest.raises(FloorError, match="before approval"):
        presence.check_in(floor, view.id)
    assert rows(floor, Visitor)[0].checked_in_at is None


# ---------------------------------------------------------------- on the floor


def test_check_in_out_and_overstay_alert(floor: Floor, clock: FakeClock) -> None:
    view = registration.register(floor, internal(expected_minutes=30))
    decisions.approve(floor, "V-01")  # by badge
    clock.advance(60)
    inside = presence.check_in(floor, "V-01")
    assert inside.state == "on_floor"
    assert inside.expected_end_at == clock.now() + timedelta(minutes=30)
    with floor.db.read() as session:
        assert [v.id for v in presence.visitors_on_floor(session)] == [view.id]
    clock.advance(minutes=29)
    assert alerts.fire_due(floor) == []
    clock.advance(minutes=1)
    fired = alerts.fire_due(floor)
    assert [a.kind for a in fired] == ["visitor.overstay"]
    assert "Zhang Wei" in fired[0].message
    with floor.db.read() as session:
        assert presence.visitors_on_floor(session)[0].overstayed(clock.now())
    clock.advance(minutes=5)
    left = presence.check_out(floor, view.id)
    assert left.state == "left" and left.checked_out_at == clock.now()
    with floor.db.read() as session:
        assert presence.visitors_on_floor(session) == []
    with pytest.raises(FloorError, match="already checked out"):
        presence.check_out(floor, view.id)


def test_check_out_cancels_the_pending_overstay_alert(floor: Floor, clock: FakeClock) -> None:
    view = registration.register(floor, internal(expected_minutes=30))
    decisions.approve(floor, view.id)
    presence.check_in(floor, view.id)
    clock.advance(minutes=10)
    presence.check_out(floor, view.id)
    clock.advance(minutes=60)
    assert alerts.fire_due(floor) == []
    (alert,) = rows(floor, Alert)
    assert alert.cancelled_at is not None


def test_check_out_before_check_in_is_refused(floor: Floor, clock: FakeClock) -> None:
    view = registration.register(floor, internal())
    decisions.approve(floor, view.id)
    with pytest.raises(FloorError, match="has not checked in"):
        presence.check_out(floor, view.id)
    clock.advance(minutes=10)
    presence.check_in(floor, view.id)
    clock.advance(minutes=10)
    with pytest.raises(FloorError, match="before the check-in"):
        presence.check_out(floor, view.id, at=clock.now() - timedelta(minutes=15))
    assert rows(floor, Visitor)[0].checked_out_at is None
    with pytest.raises(FloorError, match="future"):
        presence.check_out(floor, view.id, at=clock.now() + timedelta(hours=1))


def test_check_in_twice_is_refused(floor: Floor) -> None:
    view = registration.register(floor, internal())
    decisions.approve(floor, view.id)
    presence.check_in(floor, view.id)
    with pytest.raises(FloorError, match="already checked in"):
        presence.check_in(floor, view.id)


# ---------------------------------------------------------------- watch and block lists


def test_block_list_refuses_and_records_the_attempt(floor: Floor) -> None:
    lists.add_list_entry(floor, "block", name="zhang  WEI", reason="banned in 2025")
    with pytest.raises(FloorError, match="block list: banned in 2025"):
        registration.register(floor, internal())
    assert rows(floor, Visitor) == []
    text = journal_text(floor)
    assert "visitor.block_refused" in text
    assert "13812345678" not in text and ID_NUMBER not in text
    assert any(a.kind == "visitor.blocked" for a in rows(floor, Alert))


def test_block_list_by_phone_and_removal(floor: Floor) -> None:
    entry = lists.add_list_entry(floor, "block", phone="+86 138-1234-5678")
    assert entry.phone is not None and entry.phone.endswith("5678") and "1234" not in entry.phone
    # The same number with or without the country code is the same phone.
    for phone in ("13812345678", "+86 13812345678"):
        with pytest.raises(FloorError, match="block list"):
            registration.register(floor, internal(phone=phone))
    registration.register(floor, internal(phone="13812340000"))
    assert len(rows(floor, Visitor)) == 1
    removed = lists.remove_list_entry(floor, entry.id[:8])
    registration.register(floor, internal(badge="V-07"))
    assert removed.id == entry.id
    with floor.db.read() as session:
        assert lists.list_entries(session, "block") == []


def test_watch_list_match_registers_and_alerts(floor: Floor) -> None:
    lists.add_list_entry(floor, "watch", organisation="acme telecom", reason="ex-vendor")
    view = registration.register(floor, external())
    assert view.watch_match
    fired = alerts.fire_due(floor)
    assert [a.kind for a in fired] == ["visitor.watch"]
    assert "ex-vendor" in fired[0].message and fired[0].severity == "severe"
    other = registration.register(floor, internal())
    assert not other.watch_match


def test_list_entry_needs_something_to_match(floor: Floor) -> None:
    with pytest.raises(FloorError, match="name, an organisation or a phone"):
        lists.add_list_entry(floor, "watch", reason="x")
    with pytest.raises(PermissionDenied):
        lists.add_list_entry(as_role(floor, "viewer"), "block", name="x")


# ---------------------------------------------------------------- lists and export


def test_list_and_csv_export_are_masked(floor: Floor, tmp_path) -> None:
    view = registration.register(floor, internal(name="=HYPERLINK(\"x\")"))
    decisions.approve(floor, view.id)
    presence.check_in(floor, view.id)
    registration.register(floor, external())
    with floor.db.read() as session:
        assert len(presence.list_visitors(session)) == 2
        assert [v.id for v in presence.list_visitors(session, on_floor=True)] == [view.id]
        path = tmp_path / "visitors.csv"
        assert export.export_csv(session, path) == 2
    text = path.read_text(encoding="utf-8")
    assert "13812345678" not in text and ID_NUMBER not in text
    assert "*******5678" in text and "****4321" in text
    assert "'=HYPERLINK" in text


# ---------------------------------------------------------------- roll call


def test_roll_call_lists_visitors_and_staff_and_marks_safe(
    small_floor: Floor, clock: FakeClock
) -> None:
    floor = small_floor
    record_event(floor, "A-01", "ready", agent_no="1001")
    record_event(floor, "B-02", "busy", agent_no="1004")
    view = registration.register(floor, internal())
    decisions.approve(floor, view.id)
    presence.check_in(floor, view.id)
    roll = roll_call_book.start_roll_call(floor, "fire drill")
    assert [(x.position, x.kind, x.name) for x in roll.entries] == [
        (1, "visitor", "Zhang Wei"), (2, "staff", "Li Na"), (3, "staff", "陈静"),
    ]
    assert roll.missing == 3
    clock.advance(30)
    roll = roll_call_book.mark_safe(floor, [1, 3])
    assert roll.missing == 1
    text = roll_call_views.roll_call_text(roll, floor.config.zone())
    assert "[x]   1  visitor Zhang Wei" in text and "[ ]   2  staff   Li Na" in text
    with pytest.raises(FloorError, match="'9' is not on this roll call"):
        roll_call_book.mark_safe(floor, [9])
    with pytest.raises(FloorError, match="already marked safe by duty1"):
        roll_call_book.mark_safe(floor, [3])
    closed = roll_call_book.close_roll_call(floor)
    assert closed.closed_at is not None
    with pytest.raises(FloorError, match="closed"):
        roll_call_book.mark_safe(floor, [2])


def test_every_change_is_journalled_with_who_and_an_intact_chain(floor: Floor) -> None:
    from floorman.data import journal

    view = registration.register(floor, internal())
    decisions.approve(floor, view.id)
    presence.check_in(floor, view.id)
    presence.check_out(floor, view.id)
    entries = sorted(rows(floor, JournalEntry), key=lambda j: j.seq)
    assert [j.action for j in entries] == [
        "visitor.register",
        "visitor.approve",
        "visitor.check_in",
        "visitor.check_out",
    ]
    assert {(j.actor, j.terminal) for j in entries} == {("duty1", "test:tty1")}
    assert journal.verify(entries, journal.key_of(floor.db.path)) == []
