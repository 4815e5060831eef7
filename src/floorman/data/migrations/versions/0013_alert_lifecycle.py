"""Alerts with a lifecycle: one alert per condition, escalated in place (issue 15).

Before, each band of an away (warning, breach, severe, escalation) fired its own alert
row, and an alert was "active" until someone acknowledged it. Now the deadline rows of
one condition share `condition_key`; the first to fire is the condition's alert and the
later ones escalate it in place (`merged_into` points at it). The alert has a `state`
(active, acknowledged, resolved), an optional acknowledgement note and `resolved_at`.

Existing rows move over:

- every row gets its condition key: an away slip's bands `away:<slip>`, a shift's
  handover reminder and escalation `handover:<shift>`, anything else its dedupe key (or
  its own id);
- the fired rows of one condition become one alert: the first fired row keeps its id and
  firing time and takes the severity, kind and text of the loudest band that fired
  (`escalated_at` when that band fired); the others are merged into it;
- the alert is acknowledged when its loudest band was, else active (an acknowledged
  alert that escalated is active again, as from now on);
- an away whose slip is no longer out (or was excused) and an overstay whose visitor
  has left are resolved at the time the condition ended; the rest is left to the first
  resolution sweep of the scheduler.

The condition keys and ranks are written out here as they were at this revision (a
migration does not import the domain code that may change after it).

Revision ID: 0013_alert_lifecycle
Revises: 0012
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

import floorman.data.types

revision = "0013_alert_lifecycle"
down_revision = "0012"
branch_labels = None
depends_on = None

_RANK = {"info": 0, "warning": 1, "breach": 2, "severe": 3, "critical": 4}


def _condition_key(alert_id: str, dedupe_key: str | None) -> str:
    if dedupe_key is None:
        return f"alert:{alert_id}"
    if dedupe_key.startswith("away:"):
        return "away:" + dedupe_key.split(":")[1]
    for prefix in ("handover.remind:", "handover.escalate:"):
        if dedupe_key.startswith(prefix):
            return "handover:" + dedupe_key[len(prefix) :]
    return dedupe_key


def _ended_at(conn: Any, condition_key: str) -> Any:
    """When an away's or a visitor's condition ended (None: it holds, or is not known)."""
    if condition_key.startswith("away:"):
        slip = conn.execute(
            sa.text(
                "SELECT status, approval, returned_at, decided_at FROM away_slip WHERE id = :i"
            ),
            {"i": condition_key.split(":")[1]},
        ).first()
        if slip is None:
            return None
        if slip.status != "out":
            return slip.returned_at or slip.decided_at
        return slip.decided_at if slip.approval == "approved_after" else None
    if condition_key.startswith("visitor:") and condition_key.endswith(":overstay"):
        visitor = conn.execute(
            sa.text("SELECT checked_out_at FROM visitor WHERE id = :i"),
            {"i": condition_key.split(":")[1]},
        ).first()
        return visitor.checked_out_at if visitor is not None else None
    return None


def _move_rows() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, kind, severity, message, dedupe_key, fired_at, acknowledged_at, "
            "acknowledged_by FROM alert ORDER BY fired_at, id"
        )
    ).all()
    keys = [{"i": row.id, "k": _condition_key(row.id, row.dedupe_key)} for row in rows]
    if keys:
        conn.execute(sa.text("UPDATE alert SET condition_key = :k WHERE id = :i"), keys)
    fired: dict[str, list[Any]] = defaultdict(list)
    for row, key in zip(rows, keys, strict=True):
        if row.fired_at is not None:
            fired[key["k"]].append(row)
    for condition_key, group in fired.items():
        head = group[0]
        top = max(group, key=lambda r: (_RANK.get(r.severity, 0), r.fired_at, r.id))
        acked = [r for r in group if r.acknowledged_at is not None]
        last_ack = max(acked, key=lambda r: r.acknowledged_at) if acked else None
        ended = _ended_at(conn, condition_key)
        state = "acknowledged" if top.acknowledged_at is not None else "active"
        conn.execute(
            sa.text(
                "UPDATE alert SET kind = :kind, severity = :severity, message = :message, "
                "escalated_at = :escalated, state = :state, acknowledged_at = :ack_at, "
                "acknowledged_by = :ack_by, resolved_at = :resolved WHERE id = :id"
            ),
            {
                "id": head.id,
                "kind": top.kind,
                "severity": top.severity,
                "message": top.message,
                "escalated": top.fired_at if top.id != head.id else None,
                "state": "resolved" if ended is not None else state,
                "ack_at": last_ack.acknowledged_at if last_ack else None,
                "ack_by": last_ack.acknowledged_by if last_ack else None,
                "resolved": ended,
            },
        )
        merged = [{"i": r.id, "h": head.id} for r in group[1:]]
        if merged:
            conn.execute(sa.text("UPDATE alert SET merged_into = :h WHERE id = :i"), merged)


def upgrade() -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("condition_key", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("state", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_note", sa.String(), nullable=True))
        batch_op.add_column(
            sa.Column("resolved_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("merged_into", sa.String(), nullable=True))
        batch_op.create_index("ix_alert_condition_key", ["condition_key"], unique=False)
        batch_op.create_index(
            "ix_alert_open",
            ["state"],
            unique=False,
            sqlite_where=sa.text("state IN ('active', 'acknowledged')"),
            postgresql_where=sa.text("state IN ('active', 'acknowledged')"),
        )
    _move_rows()


def downgrade() -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_open")
        batch_op.drop_index("ix_alert_condition_key")
        batch_op.drop_column("merged_into")
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("acknowledged_note")
        batch_op.drop_column("state")
        batch_op.drop_column("condition_key")
