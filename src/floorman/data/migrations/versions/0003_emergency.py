"""Emergencies: checklist runs, their steps, their append-only timeline, their roll call.

Revision ID: 0003
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import floorman.data.types

revision = "0003"
down_revision = "0001"
branch_labels = ("emergency",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emergency",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title_zh", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("drill", sa.Boolean(), nullable=False),
        sa.Column("roll_call", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("checklist_source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("started_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("closed_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("wording_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("wording_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("emergency", schema=None) as batch_op:
        batch_op.create_index("ix_emergency_status_priority", ["status", "priority"], unique=False)

    op.create_table(
        "emergency_step",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("emergency_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("reminder_minutes", sa.Integer(), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("state_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("skip_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("assignee", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("assigned_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assigned_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["emergency_id"], ["emergency.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("emergency_id", "number"),
    )
    with op.batch_alter_table("emergency_step", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_emergency_step_emergency_id"), ["emergency_id"], unique=False
        )

    op.create_table(
        "emergency_event",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("emergency_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("terminal", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("step_number", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["emergency_id"], ["emergency.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("emergency_id", "seq"),
    )
    with op.batch_alter_table("emergency_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_emergency_event_emergency_id"), ["emergency_id"], unique=False
        )

    op.create_table(
        "emergency_roll_call",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("emergency_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ref_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("safe_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("safe_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["emergency_id"], ["emergency.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("emergency_id", "position"),
    )
    with op.batch_alter_table("emergency_roll_call", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_emergency_roll_call_emergency_id"), ["emergency_id"], unique=False
        )

    # The timeline is the incident report: the database refuses to change or remove a line.
    op.execute(
        "CREATE TRIGGER emergency_event_no_update BEFORE UPDATE ON emergency_event "
        "BEGIN SELECT RAISE(ABORT, 'emergency timeline is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER emergency_event_no_delete BEFORE DELETE ON emergency_event "
        "BEGIN SELECT RAISE(ABORT, 'emergency timeline is append-only'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS emergency_event_no_update")
    op.execute("DROP TRIGGER IF EXISTS emergency_event_no_delete")
    with op.batch_alter_table("emergency_roll_call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emergency_roll_call_emergency_id"))
    op.drop_table("emergency_roll_call")
    with op.batch_alter_table("emergency_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emergency_event_emergency_id"))
    op.drop_table("emergency_event")
    with op.batch_alter_table("emergency_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emergency_step_emergency_id"))
    op.drop_table("emergency_step")
    with op.batch_alter_table("emergency", schema=None) as batch_op:
        batch_op.drop_index("ix_emergency_status_priority")
    op.drop_table("emergency")
