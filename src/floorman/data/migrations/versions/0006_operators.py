"""Operators: people who log in, their role, PIN hash and wrong-PIN lockout.

Revision ID: 0006
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import floorman.data.types

revision = "0006"
down_revision = "0001"
branch_labels = ("operators",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "operator",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("pin_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("pin_changed_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disabled_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("operator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_operator_name"), ["name"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("operator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operator_name"))
    op.drop_table("operator")
