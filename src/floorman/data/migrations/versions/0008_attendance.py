"""Attendance: roster shifts, manual sign-in/out marks, leave requests.

Revision ID: 0008
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import floorman.data.types

revision = "0008"
down_revision = "0001"
branch_labels = ("attendance",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roster_shift",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("agent_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("day", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("starts_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agent_id", "starts_at"),
    )
    with op.batch_alter_table("roster_shift", schema=None) as batch_op:
        batch_op.create_index("ix_roster_shift_day", ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_roster_shift_agent_id"), ["agent_id"], unique=False)
    op.create_table(
        "attendance_mark",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("roster_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["roster_id"], ["roster_shift.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attendance_mark", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attendance_mark_roster_id"), ["roster_id"], unique=False
        )
    op.create_table(
        "leave_request",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("agent_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("first_day", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("days", sa.Float(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("requested_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("decided_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("decided_role", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("decision_note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("leave_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leave_request_agent_id"), ["agent_id"], unique=False)


def downgrade() -> None:
    op.drop_table("leave_request")
    op.drop_table("attendance_mark")
    op.drop_table("roster_shift")
