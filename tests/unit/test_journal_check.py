"""`check` catches a tampered journal (domain and CLI); `journal` lists who did what."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pysqlite3.dbapi2 as sqlite  # type: ignore[import-not-found]
import pytest

from floorman.data import journal
from floorman.domain import audit
from floorman.domain.audit import journal_entries, register_check, run_checks
from floorman.domain.core.context import Floor
from floorman.domain.seats.events import record_event
from tests.helpers import floorman as run_floorman


def floorman(db: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_floorman(*args, db=db, env=dict(env))


def tamper(path: Path, *statements: str) -> None:
    """What someone with the file could do: drop the triggers and edit rows directly."""
    conn = sqlite.connect(str(path))
    conn.isolation_level = None
    for statement in statements:
        conn.execute(statement)
    conn.close()


def mark(floor: Floor, note: str) -> None:
    with floor.db.write() as session:
        journal.append(
            session,
            at=floor.clock.now(),
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action="test.mark",
            subject="note",
            after={"note": note},
        )


@pytest.fixture
def busy_floor(small_floor: Floor, clock) -> Floor:
    """The seats and agents imported at 08:00, then three marks at 08:00, 08:01, 08:02."""
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    mark(small_floor, "first")
    clock.advance(60)
    mark(small_floor, "second")
    clock.advance(60)
    mark(small_floor, "third")
    return small_floor


def test_a_sound_database_passes(busy_floor: Floor) -> None:
    report = run_checks(busy_floor)
    assert report.problems == []
    assert report.sound
    notes = [note.said_in("en") for note in report.notes]
    assert any(n.startswith("journal: ") and " rows, head " in n for n in notes)
    assert any("no operators" in n for n in notes)


def test_an_edited_row_is_named(busy_floor: Floor) -> None:
    with busy_floor.db.read() as session:
        target = journal_entries(session)[-2]
    busy_floor.db.dispose()
    tamper(
        busy_floor.db.path,
        "DROP TRIGGER journal_no_update",
        f"UPDATE journal SET actor = 'mallory' WHERE seq = {target.seq}",
    )
    report = run_checks(busy_floor)
    assert not report.sound
    assert "journal trigger journal_no_update is missing: the journal can be edited" in (
        report.problems
    )
    edited = [p for p in report.problems if p.startswith(f"journal row {target.seq} ")]
    assert len(edited) == 1
    assert "by mallory" in edited[0] and "content does not match its hash" in edited[0]
    # Only that row: the next one still links to the stored (unchanged) hash.
    assert not any(p.startswith(f"journal row {target.seq + 1} ") for p in report.problems)


def test_a_deleted_row_breaks_the_chain(busy_floor: Floor) -> None:
    busy_floor.db.dispose()
    tamper(busy_floor.db.path, "DROP TRIGGER journal_no_delete", "DELETE FROM journal WHERE seq=2")
    problems = run_checks(busy_floor).problems
    assert any(p.startswith("journal row 3 ") and "rows are missing" in p for p in problems)
    assert any(p.startswith("journal row 3 ") and "link to the previous" in p for p in problems)


def test_check_cli_exits_non_zero_and_names_the_row(busy_floor: Floor) -> None:
    path = busy_floor.db.path
    busy_floor.db.dispose()
    ok = floorman(path, "check")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().endswith("ok")
    tamper(
        path,
        "DROP TRIGGER journal_no_update",
        'UPDATE journal SET after = \'{"state": "ready"}\' WHERE seq = 3',
    )
    broken = floorman(path, "check")
    assert broken.returncode == 1
    assert "problem: journal row 3 (" in broken.stdout
    assert "content does not match its hash" in broken.stdout
    assert "problem: journal trigger journal_no_update is missing" in broken.stdout
    as_json = floorman(path, "check", "--json")
    assert as_json.returncode == 1
    data = json.loads(as_json.stdout)
    assert data["sound"] is False
    assert any(p.startswith("journal row 3 (") for p in data["problems"])


@pytest.fixture
def extra_check() -> Iterator[list[str]]:
    found: list[str] = []

    @register_check("handover chain (test)")
    def _check(floor: Floor) -> list[str]:
        return list(found)

    yield found
    audit.INTEGRITY_CHECKS[:] = [c for c in audit.INTEGRITY_CHECKS if c[1] is not _check]


def test_registered_checks_run_and_fail_the_report(busy_floor: Floor, extra_check) -> None:
    assert run_checks(busy_floor).sound
    extra_check.append("handover 4 was edited after acknowledgement")
    report = run_checks(busy_floor)
    assert report.problems == ["handover chain (test): handover 4 was edited after acknowledgement"]


def test_a_failing_check_is_itself_a_problem(busy_floor: Floor) -> None:
    @register_check("exploding (test)")
    def _boom(floor: Floor) -> list[str]:
        raise RuntimeError("no such table: handover")

    try:
        report = run_checks(busy_floor)
    finally:
        audit.INTEGRITY_CHECKS[:] = [c for c in audit.INTEGRITY_CHECKS if c[1] is not _boom]
    assert report.problems == ["exploding (test): the check itself failed: no such table: handover"]


def test_journal_entries_since_and_limit(busy_floor: Floor, clock) -> None:
    with busy_floor.db.read() as session:
        everything = journal_entries(session)
        assert [e.seq for e in everything] == list(range(1, len(everything) + 1))
        recent = journal_entries(session, since=clock.now().replace(minute=1))
        assert [(e.action, e.after) for e in recent] == [
            ("test.mark", {"note": "second"}),
            ("test.mark", {"note": "third"}),
        ]
        assert [e.seq for e in journal_entries(session, limit=2)] == [e.seq for e in recent]


def test_journal_cli_json_with_since(busy_floor: Floor) -> None:
    path = busy_floor.db.path
    busy_floor.db.dispose()
    result = floorman(path, "journal", "--since", "2026-11-23T08:01:00+00:00", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["after"]["note"] for r in rows] == ["second", "third"]
    assert rows[0]["actor"] == "duty1" and rows[0]["at"].startswith("2026-11-23T08:01:00")
    text = floorman(path, "journal", "--limit", "1")
    assert text.returncode == 0
    assert len(text.stdout.splitlines()) == 1
    assert "test.mark note" in text.stdout and "third" in text.stdout
    bad = floorman(path, "journal", "--since", "yesterday")
    assert bad.returncode == 2 and "malformed time" in bad.stderr
