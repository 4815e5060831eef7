"""The attacks of issue 14 on operators and on the journal's end, each caught.

Operators: a role raised with the sqlite3 shell, every operator deleted, a PIN hash
swapped. The journal: the last 1 or 20 rows deleted (triggers dropped and recreated), with
the head anchor beside the database deleted or put back from an older copy; a locked
handover and each backup anchor the head too. A chain recomputed by someone holding the
key (root on the floor host) is caught only by a copy kept elsewhere: a backup.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pysqlite3.dbapi2 as sqlite  # type: ignore[import-not-found]
import pytest

from floorman.data import journal
from floorman.data.journal_key import head_path, load_key
from floorman.domain.audit import run_checks
from floorman.domain.backups import take_backup
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import PermissionDenied
from floorman.domain.handover import lifecycle as handover_lifecycle
from floorman.domain.operators.login import authenticate
from floorman.domain.operators.management import add_operator
from floorman.domain.operators.permissions import require
from floorman.domain.seats.events import record_event
from floorman.domain.visitors import decisions, registration

TRIGGERS = (
    "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal "
    "BEGIN SELECT RAISE(ABORT, 'journal rows cannot be changed'); END",
    "CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal "
    "BEGIN SELECT RAISE(ABORT, 'journal rows cannot be deleted'); END",
)


pytestmark = pytest.mark.usefixtures("cheap_hasher")


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
def staffed_floor(small_floor: Floor) -> Floor:
    """A director (logged in), a duty manager and a viewer."""
    add_operator(small_floor, "dir", "director", "9999")
    small_floor.actor = authenticate(small_floor, "dir", "9999")
    add_operator(small_floor, "duty", "duty_manager", "1111")
    add_operator(small_floor, "view", "viewer", "2222")
    return small_floor


def as_operator(floor: Floor, name: str, pin: str) -> Floor:
    other = Floor(db=floor.db, clock=floor.clock, config=floor.config)
    other.actor = authenticate(other, name, pin)
    return other


def _external_visitor(floor: Floor) -> str:
    form = registration.Registration(
        name="John Smith", organisation="Acme", category="external", purpose="sales",
        host="Li Na", escort="Wang Fang",
    )  # fmt: skip
    return registration.register(floor, form).id


def test_a_role_raised_in_the_table_is_caught_and_grants_nothing(staffed_floor: Floor) -> None:
    visitor = _external_visitor(staffed_floor)
    staffed_floor.db.dispose()
    tamper(staffed_floor.db.path, "UPDATE operator SET role = 'director' WHERE name = 'view'")
    problems = problems_of(staffed_floor)
    assert any(
        "operator 'view': role is 'director' but journal row" in p and "'viewer'" in p
        for p in problems
    ), problems
    with pytest.raises(PermissionDenied, match="role is 'director' but journal row"):
        as_operator(staffed_floor, "view", "2222")
    # a session opened before the edit keeps no power either
    viewer = dataclasses.replace(staffed_floor, actor=Actor("view", "test:v", role="director"))
    with pytest.raises(PermissionDenied, match="role is 'director' but journal row"):
        decisions.approve(viewer, visitor)
    with pytest.raises(PermissionDenied):
        require(viewer, "floor.view")
    # the real director is not affected
    decisions.approve(staffed_floor, visitor)


def test_every_operator_deleted_keeps_the_floor_closed(staffed_floor: Floor) -> None:
    staffed_floor.db.dispose()
    tamper(staffed_floor.db.path, "DELETE FROM operator")
    problems = problems_of(staffed_floor)
    for name in ("dir", "duty", "view"):
        assert any(f"operator '{name}': missing, though journal row" in p for p in problems)
    anyone = dataclasses.replace(staffed_floor, actor=Actor("mallory", "test:x"))
    with pytest.raises(PermissionDenied, match="not logged in"):
        require(anyone, "visitor.approve_external")
    with pytest.raises(PermissionDenied):  # no second "first director" either
        add_operator(anyone, "mallory", "director", "1234")


def test_a_swapped_pin_hash_is_caught_and_refused(staffed_floor: Floor) -> None:
    staffed_floor.db.dispose()
    tamper(
        staffed_floor.db.path,
        "UPDATE operator SET pin_hash = (SELECT pin_hash FROM operator WHERE name = 'view') "
        "WHERE name = 'dir'",
    )
    problems = problems_of(staffed_floor)
    assert any("operator 'dir': pin is" in p for p in problems), problems
    with pytest.raises(PermissionDenied, match="operator 'dir': pin is"):
        as_operator(staffed_floor, "dir", "2222")  # the viewer's PIN would open it
    intruder = dataclasses.replace(staffed_floor, actor=Actor("dir", "test:x", role="director"))
    with pytest.raises(PermissionDenied, match="operator 'dir': pin is"):
        require(intruder, "operators.manage")


def test_an_operator_inserted_behind_the_journal_is_named(staffed_floor: Floor) -> None:
    staffed_floor.db.dispose()
    tamper(
        staffed_floor.db.path,
        "INSERT INTO operator (id, name, role, pin_hash, active, failed_attempts, created_at,"
        " created_by, pin_changed_at) SELECT 'x', 'boss', 'director', pin_hash, 1, 0,"
        " created_at, 'dir', pin_changed_at FROM operator WHERE name = 'view'",
    )
    problems = problems_of(staffed_floor)
    assert any(
        p.endswith("operator 'boss' is not in the journal (written behind floorman's back)")
        for p in problems
    ), problems
    with pytest.raises(PermissionDenied, match="not in the journal"):
        as_operator(staffed_floor, "boss", "2222")


def test_pin_change_and_relogin_stay_consistent(staffed_floor: Floor) -> None:
    from floorman.domain.operators.management import disable_operator, reset_pin

    reset_pin(staffed_floor, "duty", "4321")
    as_operator(staffed_floor, "duty", "4321")
    disable_operator(staffed_floor, "view")
    assert problems_of(staffed_floor) == []


# ------------------------------------------------------------------ the journal's end


@pytest.fixture
def long_floor(small_floor: Floor, clock) -> Floor:
    for minute in range(30):
        clock.advance(60)
        record_event(small_floor, "A-01", ("ready", "busy")[minute % 2], agent_no="1001")
    return small_floor


def _last_seq(floor: Floor) -> int:
    with floor.db.read() as session:
        return journal.tail(session)[0]


def _cut(floor: Floor, rows: int) -> None:
    floor.db.dispose()
    last = _last_seq(floor)
    floor.db.dispose()
    tamper(
        floor.db.path,
        "DROP TRIGGER journal_no_update",
        "DROP TRIGGER journal_no_delete",
        f"DELETE FROM journal WHERE seq > {last - rows}",
        *TRIGGERS,
    )


@pytest.mark.parametrize("rows", [1, 20])
def test_rows_cut_from_the_end_with_the_triggers_recreated(long_floor: Floor, rows: int) -> None:
    _cut(long_floor, rows)
    problems = problems_of(long_floor)
    assert not any("trigger" in p for p in problems)  # the triggers are back
    assert any("rows were deleted from the end of the journal" in p for p in problems)


@pytest.mark.parametrize("rows", [1, 20])
def test_rows_cut_and_the_head_anchor_deleted(long_floor: Floor, rows: int) -> None:
    _cut(long_floor, rows)
    head_path(long_floor.db.path).unlink()
    problems = problems_of(long_floor)
    assert any("the journal head anchor is missing" in p for p in problems), problems


def test_rows_cut_and_an_older_head_anchor_put_back_are_caught_by_a_backup(
    long_floor: Floor, clock, tmp_path: Path
) -> None:
    older = tmp_path / "old-head"
    shutil.copy(head_path(long_floor.db.path), older)
    for minute in range(20):
        clock.advance(60)
        record_event(long_floor, "A-02", ("ready", "busy")[minute % 2], agent_no="1002")
    backup = take_backup(long_floor, "manual")
    _cut(long_floor, 20)
    shutil.copy(older, head_path(long_floor.db.path))
    problems = problems_of(long_floor)
    assert any(f"anchored in {backup.name}" in p and "rows were deleted" in p for p in problems), (
        problems
    )


def test_rows_cut_below_a_locked_handover_are_caught_by_its_anchor(
    long_floor: Floor, clock, tmp_path: Path
) -> None:
    older = tmp_path / "old-head"
    shutil.copy(head_path(long_floor.db.path), older)
    outgoing = dataclasses.replace(long_floor, actor=Actor("Wang", "test:wang"))
    incoming = dataclasses.replace(long_floor, actor=Actor("Li", "test:li"))
    handover_lifecycle.compose(outgoing, summary="Quiet")
    handover_lifecycle.submit(outgoing)
    handover_lifecycle.acknowledge(incoming, "pending", "all")
    with long_floor.db.read() as session:
        rows_after_lock = 1  # the acknowledge row itself comes after the anchored head
        last = journal.tail(session)[0]
    long_floor.db.dispose()
    with long_floor.db.read() as session:
        from sqlmodel import select

        from floorman.data.tables.handover import Handover

        anchor = session.exec(select(Handover.journal_anchor)).one()
    assert anchor is not None and anchor.startswith(f"{last - rows_after_lock}:")
    # Cut back to before the handover, and the handover rows too, anchor put back.
    _cut(long_floor, 5)
    shutil.copy(older, head_path(long_floor.db.path))
    problems = problems_of(long_floor)
    assert any("anchored in the handover of shift" in p for p in problems), problems


def test_a_forged_handover_anchor_is_caught(long_floor: Floor) -> None:
    outgoing = dataclasses.replace(long_floor, actor=Actor("Wang", "test:wang"))
    incoming = dataclasses.replace(long_floor, actor=Actor("Li", "test:li"))
    handover_lifecycle.compose(outgoing, summary="Quiet")
    handover_lifecycle.submit(outgoing)
    handover_lifecycle.acknowledge(incoming, "pending", "all")
    long_floor.db.dispose()
    tamper(long_floor.db.path, f"UPDATE handover SET journal_anchor = '3:{'0' * 64}:{'0' * 64}'")
    problems = problems_of(long_floor)
    assert any("journal anchor does not match the key (forged)" in p for p in problems)


def test_a_chain_recomputed_with_the_key_is_caught_by_a_backup_kept_apart(
    long_floor: Floor,
) -> None:
    """Root holds the key: the chain and the head anchor can be rewritten together. A
    backup (kept on another disk or host) still holds the row as it was."""
    backup = take_backup(long_floor, "manual")
    path = long_floor.db.path
    long_floor.db.dispose()
    key = load_key(path)
    assert key is not None
    conn = sqlite.connect(str(path))
    conn.isolation_level = None
    conn.execute("DROP TRIGGER journal_no_update")
    rows = conn.execute(
        "SELECT seq, at, actor, terminal, action, subject, before, after, prev_hash "
        "FROM journal ORDER BY seq"
    ).fetchall()
    from datetime import UTC, datetime

    prev = journal.GENESIS
    for seq, at, actor, terminal, action, subject, before, after, _ in rows:
        if seq == 5:
            actor = "mallory"
        when = datetime.fromisoformat(at).replace(tzinfo=UTC)
        digest = journal.entry_hash(
            prev, seq, when, actor, terminal, action, subject, before, after, key=key
        )
        conn.execute(
            "UPDATE journal SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            (actor, prev, digest, seq),
        )
        prev = digest
    conn.execute(TRIGGERS[0])
    conn.close()
    journal.key_of(path)
    from floorman.data.journal_key import HeadAnchor, write_head

    write_head(path, key, HeadAnchor(rows[-1][0], prev))
    problems = problems_of(long_floor)
    assert not any("content does not match its hash" in p for p in problems)
    assert any(f"anchored in {backup.name}" in p and "chain rewritten" in p for p in problems)
    assert json.loads(head_path(path).read_text())["hash"] == prev


def test_a_row_committed_while_the_check_reads_is_not_a_cut_end(small_floor: Floor) -> None:
    # The daily check of `floorman serve` reads one snapshot while a feed keeps writing:
    # the head anchored meanwhile names a row the snapshot cannot see, yet nothing was cut.
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    with small_floor.db.read() as session:
        path = journal.db_file(session)
        assert path is not None
        key = journal.key_of(path)
        assert key is not None
        before = journal.count(session)  # the snapshot begins here
        record_event(small_floor, "A-01", "busy")  # another connection commits, anchors
        assert journal.count(session) == before  # still the old snapshot
        assert journal.check_head(session, path, key) == []
    tamper(
        small_floor.db.path,
        "DROP TRIGGER journal_no_delete",
        "DELETE FROM journal WHERE seq = (SELECT MAX(seq) FROM journal)",
        TRIGGERS[1],
    )
    assert any("deleted from the end" in p for p in problems_of(small_floor))
