"""The audit journal as people read it, and `floorman check`: is this database sound?

`run_checks` runs SQLite's integrity_check, makes sure the journal's append-only
triggers are still there, walks the journal's hash chain, and then every check listed in
`INTEGRITY_CHECKS` (the handover chain and the journal anchored in each locked handover,
the journal anchored in each backup, the tables reconciled with the journal). The list is
explicit: a panel with a check of its own is imported here and added to it by name, so
import-linter and mypy see the edge and a broken panel fails loudly instead of being
skipped. `register_check` adds a check at run time (tests use it to plant one).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from floorman.data import journal
from floorman.data.journal_key import AnchorDamaged
from floorman.data.tables.floor import JournalEntry
from floorman.domain import backups, reconcile
from floorman.domain.core.context import Floor
from floorman.domain.handover import chain as handover_chain
from floorman.domain.operators.permissions import allowed, require
from floorman.domain.operators.records import operators_exist
from floorman.translated import Finding, Said, Word

HIDDEN = "(hidden: may hold personal data)"
JOURNAL_TRIGGERS = ("journal_no_update", "journal_no_delete")

FloorCheck = Callable[[Floor], list[Finding]]
INTEGRITY_CHECKS: list[tuple[Word, FloorCheck]] = [
    (Word("handover chain"), handover_chain.check_floor),
    (Word("journal anchored in backups"), backups.anchor_problems),
    (Word("tables against the journal"), reconcile.check_floor),
]


def register_check(name: str) -> Callable[[FloorCheck], FloorCheck]:
    """Decorator: add `check(floor) -> [problem, ...]` to what `floorman check` runs."""

    def add(check: FloorCheck) -> FloorCheck:
        if not any(existing == name for existing, _ in INTEGRITY_CHECKS):
            INTEGRITY_CHECKS.append((Word(name), check))
        return check

    return add


# --------------------------------------------------------------------------- journal


@dataclass(frozen=True)
class JournalView:
    """One journal row as `floorman journal` shows it."""

    seq: int
    at: datetime
    actor: str
    terminal: str
    action: str
    subject: str
    before: Any
    after: Any
    hash: str

    def as_json(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "terminal": self.terminal,
            "action": self.action,
            "subject": self.subject,
            "before": self.before,
            "after": self.after,
            "hash": self.hash,
        }


def _decode(value: str | None) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value


def journal_entries(
    session: Session, *, since: datetime | None = None, limit: int | None = None
) -> list[JournalView]:
    """Journal rows in order, from `since` on; with `limit`, the last `limit` of them."""
    query = select(JournalEntry)
    if since is not None:
        query = query.where(col(JournalEntry.at) >= since)
    if limit is not None:
        query = query.order_by(col(JournalEntry.seq).desc()).limit(max(0, limit))
        rows = list(reversed(session.exec(query).all()))
    else:
        rows = list(session.exec(query.order_by(col(JournalEntry.seq))).all())
    return [
        JournalView(
            r.seq,
            r.at,
            r.actor,
            r.terminal,
            r.action,
            r.subject,
            _decode(r.before),
            _decode(r.after),
            r.hash,
        )
        for r in rows
    ]


def read_journal(
    floor: Floor, *, since: datetime | None = None, limit: int | None = None
) -> list[JournalView]:
    """The journal for someone allowed to read it (`journal.read`).

    What a row changed (its before and after) may hold personal data (a visitor's name,
    phone, id): a role that may not see personal data (`can_read_personal`) gets every
    row without them, marked hidden.
    """
    with floor.db.read() as session:
        require(floor, "journal.read", session=session)
        views = journal_entries(session, since=since, limit=limit)
        if allowed(floor, "personal.read", session=session):
            return views
    return [replace(v, before=None, after=HIDDEN) for v in views]


# --------------------------------------------------------------------------- check


@dataclass
class CheckReport:
    """What `floorman check` found: problems (exit non-zero) and notes (information)."""

    # Each said in the language it is shown in; English text (in JSON, the daily alert).
    problems: list[Finding] = field(default_factory=list)
    # Information for a person, said in the language it is shown in (English in JSON).
    notes: list[Said] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, object]:
        notes = [note.said_in("en") for note in self.notes]
        return {"sound": self.sound, "problems": self.problems, "notes": notes}


def _describe_row(session: Session, seq: int) -> Finding:
    row = session.exec(select(JournalEntry).where(col(JournalEntry.seq) == seq)).first()
    if row is None:
        return Finding("journal row {seq}", seq=seq)
    return Finding(
        "journal row {seq} ({at} {action} by {actor})",
        seq=seq,
        at=row.at.isoformat(),
        action=row.action,
        actor=row.actor,
    )


def check_journal(session: Session) -> tuple[list[Finding], list[Said]]:
    """Problems with the journal's triggers and hash chain, and notes (rows, head hash)."""
    problems: list[Finding] = []
    present = {
        r[0]
        for r in session.execute(
            text("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='journal'")
        )
    }
    for trigger in JOURNAL_TRIGGERS:
        if trigger not in present:
            problems.append(
                Finding(
                    "journal trigger {trigger} is missing: the journal can be edited",
                    trigger=trigger,
                )
            )
    rows = session.exec(select(JournalEntry).order_by(col(JournalEntry.seq)))
    path = journal.db_file(session)
    try:
        key = journal.key_of(path) if path is not None else None
    except AnchorDamaged as exc:  # a damaged key file: every signed row is unverifiable
        problems.append(Finding.of(exc))
        key = None
    breaks = journal.verify(rows, key)
    problems.extend(
        Finding("{row}: {problem}", row=_describe_row(session, b.seq), problem=b.problem)
        for b in breaks
    )
    if path is not None:
        problems.extend(journal.check_head(session, path, key))
    head = session.exec(
        select(JournalEntry.seq, JournalEntry.hash).order_by(col(JournalEntry.seq).desc()).limit(1)
    ).first()
    notes = [
        Said("journal: {rows} rows, head {head}", rows=head[0], head=head[1][:16])
        if head
        else Said("journal: empty")
    ]
    return problems, notes


def run_checks(floor: Floor) -> CheckReport:
    """Everything `floorman check` verifies; needs no login (it shows no personal data)."""
    report = CheckReport()
    for line in floor.db.integrity(quick=False):
        # SQLite's own words (`row 5 missing from index ...`): its detail, as given.
        report.problems.append(Finding("database: {detail}", detail=line))
    with floor.db.read() as session:
        problems, notes = check_journal(session)
        report.problems.extend(problems)
        report.notes.extend(notes)
        if not operators_exist(session):
            report.notes.append(
                Said(
                    "no operators: the floor is open to anyone; create a director with "
                    "`floorman operators add NAME --role director`"
                )
            )
    for name, check in list(INTEGRITY_CHECKS):
        try:
            report.problems.extend(
                Finding("{check}: {problem}", check=name, problem=line) for line in check(floor)
            )
        except Exception as exc:
            report.problems.append(
                Finding("{check}: the check itself failed: {error}", check=name, error=exc)
            )
    return report
