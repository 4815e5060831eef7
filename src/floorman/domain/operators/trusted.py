"""An operator's role is trusted only as the journal made it.

`UPDATE operator SET role='director'` with the sqlite3 shell must not make a viewer a
director. So before a permission is granted, the operator's row is compared with what
its journal rows (each checked against its HMAC under the floor's key) made it: role,
active and the PIN hash's fingerprint. A difference refuses every action of that
operator until `floorman check` has been read and the row restored; the rest of the
floor goes on. The rows come by the journal's subject index, so this costs one seek and
a few HMACs, not a walk of the journal.
"""

from __future__ import annotations

import json

from sqlmodel import Session, col, select

from floorman.data import journal
from floorman.data.journal_replay import Replay
from floorman.data.tables.floor import JournalEntry
from floorman.data.tables.operators import Operator
from floorman.domain.operators.records import journaled_values
from floorman.translated import Finding


def journal_disagrees(session: Session, row: Operator) -> Finding | None:
    """Why `row` is not what the journal made it, or None when it is."""
    entries = session.exec(
        select(JournalEntry)
        .where(col(JournalEntry.subject) == f"operator:{row.name}")
        .order_by(col(JournalEntry.seq))
    ).all()
    key = journal.session_key(session)
    replay = Replay()
    for entry in entries:
        signed = journal.entry_hash(
            entry.prev_hash, entry.seq, entry.at, entry.actor, entry.terminal,
            entry.action, entry.subject, entry.before, entry.after, key=key,
        )  # fmt: skip
        if signed != entry.hash:
            return Finding(
                "journal row {seq} about operator '{name}' was forged", seq=entry.seq, name=row.name
            )
        after = _decoded(entry.after)
        if after is not None:
            replay.apply(entry.seq, entry.action, entry.subject, after)
    journaled = replay.operators.get(row.name.lower())
    if journaled is None:
        return Finding("operator '{name}' is not in the journal", name=row.name)
    named = Finding("operator '{name}'", name=row.name)
    differences = journaled.differences(named, journaled_values(row))
    return differences[0] if differences else None


def _decoded(text: str | None) -> dict[str, object] | None:

    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
