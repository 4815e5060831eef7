"""One roll call: the visitors' and the emergencies' roll calls become roll_call_entry.

Before, visitors kept `roll_call` + `roll_call_line` and emergencies kept
`emergency_roll_call`; purging a visitor cleared one and left the name in the other. Now
`roll_call` (kept as it was) has one set of entries, `roll_call_entry`, and an emergency
names the roll call it uses in `emergency.roll_call_id`. Existing rows move over:

- each `roll_call_line` becomes an entry of its roll call;
- each emergency that had a roll call gets a `roll_call` row (its start, its close) and
  its `emergency_roll_call` lines become that roll call's entries; kind "added" (someone
  added by hand) becomes "other";
- a visitor's entry keeps no copy of the name when the visitor row exists (the name is
  read from there), and staff entries get their seat back from "seat A-01 (ready)";
- then `roll_call_line` and `emergency_roll_call` are dropped.

It follows 0011, where the per-panel branches (the visitors' and the emergencies',
whose tables it changes, among them) became one line.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

import floorman.data.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_SEAT = re.compile(r"^seat (\S+)(?: \((\w+)\))?$")


def _entry(
    roll_call_id: str, row: Any, visitors: set[str], agents: set[str]
) -> dict[str, Any]:
    kind = "other" if row.kind not in ("staff", "visitor") else row.kind
    entry: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "roll_call_id": roll_call_id,
        "position": row.position,
        "kind": kind,
        "agent_id": None,
        "visitor_id": None,
        "name": row.name,
        "seat": None,
        "zone": None,
        "seat_state": None,
        "place": row.location or None,
        "safe_at": row.safe_at,
        "safe_by": row.safe_by,
    }
    if kind == "visitor" and row.ref_id in visitors:
        entry.update(visitor_id=row.ref_id, name=None, place=None)
    elif kind == "staff":
        entry["agent_id"] = row.ref_id if row.ref_id in agents else None
        seat = _SEAT.match(row.location or "")
        if seat:
            entry.update(seat=seat.group(1), seat_state=seat.group(2), place=None)
    return entry


def _move_rows() -> None:
    conn = op.get_bind()
    visitors = {r[0] for r in conn.execute(sa.text("SELECT id FROM visitor"))}
    agents = {r[0] for r in conn.execute(sa.text("SELECT id FROM agent"))}
    entries: list[dict[str, Any]] = []
    for row in conn.execute(sa.text("SELECT * FROM roll_call_line")).mappings():
        entries.append(_entry(row["roll_call_id"], _Row(row), visitors, agents))
    emergencies = conn.execute(
        sa.text(
            "SELECT id, title_en, drill, started_at, started_by, closed_at, closed_by "
            "FROM emergency WHERE roll_call = 1 OR id IN "
            "(SELECT emergency_id FROM emergency_roll_call)"
        )
    ).mappings().all()
    for emergency in emergencies:
        roll_call_id = str(uuid.uuid4())
        reason = ("drill: " if emergency["drill"] else "") + emergency["title_en"]
        conn.execute(
            sa.text(
                "INSERT INTO roll_call (id, reason, started_at, started_by, closed_at, closed_by)"
                " VALUES (:id, :reason, :started_at, :started_by, :closed_at, :closed_by)"
            ),
            {
                "id": roll_call_id,
                "reason": reason,
                "started_at": emergency["started_at"],
                "started_by": emergency["started_by"],
                "closed_at": emergency["closed_at"],
                "closed_by": emergency["closed_by"],
            },
        )
        conn.execute(
            sa.text("UPDATE emergency SET roll_call_id = :rc WHERE id = :id"),
            {"rc": roll_call_id, "id": emergency["id"]},
        )
        lines = conn.execute(
            sa.text("SELECT * FROM emergency_roll_call WHERE emergency_id = :id"),
            {"id": emergency["id"]},
        ).mappings()
        entries += [_entry(roll_call_id, _Row(r), visitors, agents) for r in lines]
    if entries:
        conn.execute(
            sa.text(
                "INSERT INTO roll_call_entry (id, roll_call_id, position, kind, agent_id, "
                "visitor_id, name, seat, zone, seat_state, place, safe_at, safe_by) VALUES "
                "(:id, :roll_call_id, :position, :kind, :agent_id, :visitor_id, :name, :seat, "
                ":zone, :seat_state, :place, :safe_at, :safe_by)"
            ),
            entries,
        )


class _Row:
    """An old roll-call line, whichever of the two old tables it came from."""

    def __init__(self, row: Any) -> None:
        self.position = row["position"]
        self.kind = row["kind"]
        self.ref_id = row["ref_id"]
        self.name = row["name"]
        self.location = row["location"]
        self.safe_at = row["safe_at"]
        self.safe_by = row["safe_by"]


def upgrade() -> None:
    op.create_table(
        "roll_call_entry",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("roll_call_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("agent_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("visitor_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("seat", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("zone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("seat_state", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("safe_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("safe_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["roll_call_id"], ["roll_call.id"]),
        sa.ForeignKeyConstraint(["visitor_id"], ["visitor.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("roll_call_id", "position"),
    )
    with op.batch_alter_table("roll_call_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roll_call_entry_roll_call_id"), ["roll_call_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_roll_call_entry_visitor_id"), ["visitor_id"], unique=False
        )
    # A plain ADD COLUMN (SQLite allows a REFERENCES clause on a NULL column): rebuilding
    # `emergency` in batch mode would drop a table its steps and timeline point at.
    op.execute("ALTER TABLE emergency ADD COLUMN roll_call_id VARCHAR REFERENCES roll_call (id)")
    _move_rows()
    with op.batch_alter_table("roll_call_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roll_call_line_roll_call_id"))
    op.drop_table("roll_call_line")
    with op.batch_alter_table("emergency_roll_call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emergency_roll_call_emergency_id"))
    op.drop_table("emergency_roll_call")


def downgrade() -> None:
    raise NotImplementedError(
        "the one roll call cannot be split back into two; restore a backup taken before it"
    )
