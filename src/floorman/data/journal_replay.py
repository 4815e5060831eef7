"""What the journal made each row: its changes replayed in order, field by field.

Every change floorman makes to an operator, a seat, an away slip, a visitor, a handover
or an emergency is journaled in its transaction with the row's values after it (the
`after` of the journal row). Replaying them gives, for each row the journal knows, the
value each field must have now and the journal row (seq) that set it: `domain.reconcile`
compares that with the tables, `domain.operators.trusted` with one operator's row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session, col, select

from floorman.data.tables.floor import JournalEntry
from floorman.translated import Finding, Word

OPERATOR_FIELDS = ("role", "active", "pin")
SEAT_FIELDS = ("state", "agent", "reason", "since", "zone", "type", "row", "col")
SLIP_FIELDS = (
    "status",
    "approval",
    "reason",
    "left_at",
    "returned_at",
    "limit_seconds",
    "extension_seconds",
)
VISITOR_FIELDS = (
    "category",
    "organisation",
    "host",
    "escort",
    "badge",
    "expected_minutes",
    "status",
    "checked_in_at",
    "expected_end_at",
    "checked_out_at",
)
HANDOVER_TEXTS = ("summary", "instructions", "notes")
HANDOVER_STATUS = {
    "handover.compose": "draft",
    "handover.submit": "submitted",
    "handover.acknowledge": "acknowledged",
}


def same(expected: object, actual: object) -> bool:
    """Equal as the journal wrote them: times compared as instants, enums as text."""
    return plain(expected) == plain(actual)


def plain(value: object) -> object:
    """A value as compared: ISO times as UTC datetimes, everything else as it is."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value


def shown(value: object) -> str:
    """A value as a problem line shows it."""
    value = plain(value)
    if isinstance(value, datetime):
        return value.isoformat()
    # A state as stored ('open'), not Python's <StepState.OPEN: 'open'>.
    return repr(value.value if isinstance(value, Enum) else value)


@dataclass
class Journaled:
    """One row as the journal made it: the row that created it and each field's value."""

    seq: int
    fields: dict[str, tuple[object, int]] = field(default_factory=dict)

    def take(self, after: dict[str, Any], names: Iterable[str], seq: int) -> None:
        for name in names:
            if name in after:
                self.fields[name] = (after[name], seq)

    def differences(self, label: Finding, actual: dict[str, object]) -> list[Finding]:
        """One line per field whose value is not what its last journal row made it (the
        field named in the language it is read in, the values as stored)."""
        return [
            Finding(
                "{row}: {field} is {actual} but journal row {seq} made it {expected}",
                row=label,
                field=Word(name),
                actual=shown(actual[name]),
                seq=seq,
                expected=shown(value),
            )
            for name, (value, seq) in self.fields.items()
            if name in actual and not same(value, actual[name])
        ]


@dataclass
class Replay:
    """Every journaled row of the six reconciled tables, as the journal made them."""

    operators: dict[str, Journaled] = field(default_factory=dict)  # by lower-case name
    seats: dict[str, Journaled] = field(default_factory=dict)  # by code
    # Each seat's state changes (state, since, seq): one seat_event row each.
    seat_events: dict[str, list[tuple[object, object, int]]] = field(default_factory=dict)
    slips: dict[str, Journaled] = field(default_factory=dict)
    visitors: dict[str, Journaled] = field(default_factory=dict)
    handovers: dict[str, Journaled] = field(default_factory=dict)  # by handover id
    amendments: dict[tuple[str, int], Journaled] = field(default_factory=dict)
    emergencies: dict[str, Journaled] = field(default_factory=dict)
    steps: dict[tuple[str, int], Journaled] = field(default_factory=dict)

    def apply(self, seq: int, action: str, subject: str, after: dict[str, Any]) -> None:
        area = action.split(".", 1)[0]
        handler = _HANDLERS.get(area)
        if handler is not None:
            handler(self, seq, action, subject, after)


def _row(table: dict[Any, Journaled], key: Any, seq: int, *, new: bool = False) -> Journaled:
    if new or key not in table:
        table[key] = Journaled(seq)
    return table[key]


def _operator(replay: Replay, seq: int, action: str, subject: str, after: dict[str, Any]) -> None:
    name = str(after.get("name") or subject.removeprefix("operator:")).lower()
    row = _row(replay.operators, name, seq, new=action == "operators.add")
    # A log-in records the role it found, not a change of it: only its PIN rehash counts.
    row.take(after, ("pin",) if action == "operators.login" else OPERATOR_FIELDS, seq)


def _seat(replay: Replay, seq: int, action: str, subject: str, after: dict[str, Any]) -> None:
    _row(replay.seats, subject, seq).take(after, SEAT_FIELDS, seq)
    if action != "seat.import" and "state" in after and "since" in after:
        replay.seat_events.setdefault(subject, []).append((after["state"], after["since"], seq))


def _slip(replay: Replay, seq: int, action: str, subject: str, after: dict[str, Any]) -> None:
    _row(replay.slips, subject, seq).take(after, SLIP_FIELDS, seq)


def _visitor(replay: Replay, seq: int, action: str, subject: str, after: dict[str, Any]) -> None:
    if action == "visitor.purge":
        for visitor_id in after.get("visitor_ids") or ():
            _row(replay.visitors, str(visitor_id), seq).fields["purged"] = (True, seq)
    elif subject.startswith("visitor:"):
        row = _row(replay.visitors, subject.removeprefix("visitor:"), seq)
        row.take(after, VISITOR_FIELDS, seq)


def _handover(replay: Replay, seq: int, action: str, subject: str, after: dict[str, Any]) -> None:
    handover_id = after.get("id")
    if not isinstance(handover_id, str):
        return
    row = _row(replay.handovers, handover_id, seq)
    row.take(after, HANDOVER_TEXTS, seq)
    if action in HANDOVER_STATUS:
        row.fields["status"] = (HANDOVER_STATUS[action], seq)
    if action == "handover.acknowledge":
        row.fields["content_hash"] = (after.get("hash"), seq)
        row.fields["prev_hash"] = (after.get("prev_hash"), seq)
    if action == "handover.amend" and isinstance(after.get("seq"), int):
        amendment = _row(replay.amendments, (handover_id, after["seq"]), seq, new=True)
        amendment.take(after, ("hash", "text"), seq)


def _emergency(replay: Replay, seq: int, action: str, subject: str, after: dict[str, Any]) -> None:
    emergency_id = subject.removeprefix("emergency:")
    row = _row(replay.emergencies, emergency_id, seq, new=action == "emergency.start")
    row.take(after, ("kind", "drill", "status"), seq)
    if action == "emergency.start":
        row.fields["status"] = ("running", seq)
    if action == "emergency.wording":
        row.fields["wording"] = (after.get("text") or "", seq)
    if isinstance(after.get("step"), int) and "state" in after:
        step = _row(replay.steps, (emergency_id, after["step"]), seq)
        step.fields["state"] = (after["state"], seq)
    for number in after.get("not_done") or ():
        _row(replay.steps, (emergency_id, number), seq).fields["state"] = ("not_done", seq)


_HANDLERS = {
    "operators": _operator,
    "seat": _seat,
    "away": _slip,
    "visitor": _visitor,
    "handover": _handover,
    "emergency": _emergency,
}


def replay(session: Session) -> Replay:
    """Replay the whole journal, in order."""
    result = Replay()
    rows = session.exec(
        select(JournalEntry.seq, JournalEntry.action, JournalEntry.subject, JournalEntry.after)
        .where(col(JournalEntry.after).is_not(None))
        .order_by(col(JournalEntry.seq))
    )
    for seq, action, subject, after_text in rows:
        try:
            after = json.loads(after_text or "null")
        except ValueError:
            continue
        if isinstance(after, dict):
            result.apply(seq, action, subject, after)
    return result
