"""Away slips (示忙单): request, approval, out and back, one extension.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import floorman.data.types

revision = "0002"
down_revision = "0001"
branch_labels = ("away",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "away_slip",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("seat_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("agent_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("approval", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("limit_seconds", sa.Integer(), nullable=False),
        sa.Column("requested_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("decided_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("decision_note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("left_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("returned_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("extension_seconds", sa.Integer(), nullable=False),
        sa.Column("extension_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("extended_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("extended_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["seat_id"],
            ["seat.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("away_slip", schema=None) as batch_op:
        batch_op.create_index("ix_away_slip_agent_status", ["agent_id", "status"], unique=False)
        batch_op.create_index("ix_away_slip_left_at", ["left_at"], unique=False)
        batch_op.create_index("ix_away_slip_requested_at", ["requested_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("away_slip", schema=None) as batch_op:
        batch_op.drop_index("ix_away_slip_requested_at")
        batch_op.drop_index("ix_away_slip_left_at")
        batch_op.drop_index("ix_away_slip_agent_status")

    op.drop_table("away_slip")
