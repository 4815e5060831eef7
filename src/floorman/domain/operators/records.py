"""Operator rows: finding them, showing them, and journaling what was done to them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from floorman.data import journal
from floorman.data.tables.floor import JournalEntry
from floorman.data.tables.operators import Operator
from floorman.domain.core import bounds
from floorman.domain.core.context import Floor
from floorman.domain.core.text import identifier

NAME_MAX = bounds.OPERATOR_MAX


@dataclass(frozen=True)
class OperatorView:
    """An operator as `operators list` and the screens show it; never the PIN hash."""

    name: str
    role: str
    active: bool
    locked_until: datetime | None
    failed_attempts: int
    last_login_at: datetime | None
    created_at: datetime
    created_by: str

    def as_json(self) -> dict[str, object]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "name": self.name,
            "role": self.role,
            "active": self.active,
            "locked_until": iso(self.locked_until),
            "failed_attempts": self.failed_attempts,
            "last_login_at": iso(self.last_login_at),
            "created_at": iso(self.created_at),
            "created_by": self.created_by,
        }


def view_of(row: Operator) -> OperatorView:
    return OperatorView(
        row.name,
        row.role,
        row.active,
        row.locked_until,
        row.failed_attempts,
        row.last_login_at,
        row.created_at,
        row.created_by,
    )


def pin_fingerprint(pin_hash: str) -> str:
    """What the journal keeps of a PIN: a digest of its salted argon2 hash, which tells
    nothing of the PIN but shows a hash swapped in the table (`floorman check`)."""
    return hashlib.sha256(pin_hash.encode("utf-8")).hexdigest()[:32]


def snapshot_of(row: Operator) -> dict[str, object]:
    """What the journal records of an operator: never the PIN, nor its hash."""
    return {
        "name": row.name,
        "role": row.role,
        "active": row.active,
        "pin": pin_fingerprint(row.pin_hash),
    }


def journaled_values(row: Operator) -> dict[str, object]:
    """The fields of an operator row its journal rows are compared with (`floorman check`,
    and every permission: a role raised behind the journal is refused)."""
    snapshot = snapshot_of(row)
    del snapshot["name"]
    return snapshot


def clean_name(name: str | None) -> str:
    # Operator names follow the id rule: they are printed in journals and reports.
    cleaned = identifier(name, "operator name", max_len=NAME_MAX)
    assert cleaned is not None
    return cleaned


def operators_exist(session: Session) -> bool:
    """True once any operator (even a disabled one) exists: the floor needs a login.

    The journal counts too: `DELETE FROM operator` behind floorman's back must not turn a
    closed floor into an open one (a journaled operator keeps it closed; restore it)."""
    if session.exec(select(Operator.id).limit(1)).first() is not None:
        return True
    # The subject index (ix_journal_subject_seq) makes this one seek.
    journaled = select(JournalEntry.seq).where(
        col(JournalEntry.subject) >= "operator:", col(JournalEntry.subject) < "operator;"
    )
    return session.exec(journaled.limit(1)).first() is not None


def find_operator(session: Session, name: str) -> Operator | None:
    """The operator called `name` (letter case ignored), or None."""
    return session.exec(select(Operator).where(func.lower(Operator.name) == name.lower())).first()


def list_operators(session: Session) -> list[OperatorView]:
    rows = session.exec(select(Operator).order_by(col(Operator.name))).all()
    return [view_of(r) for r in rows]


def journal_change(
    session: Session, floor: Floor, action: str, subject: str, before: Any, after: Any
) -> None:
    """Record a change to an operator in the journal, as the acting operator."""
    journal.append(
        session,
        at=floor.clock.now(),
        actor=floor.actor.name,
        terminal=floor.actor.terminal,
        action=action,
        subject=subject,
        before=before,
        after=after,
    )
