"""Staffing plan: the busy-hour volume or forecast the floor header compares against.

Revision ID: 0009
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import floorman.data.types

revision = "0009"
down_revision = "0001"
branch_labels = ("staffing_plan",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staffing_plan",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("busy_hour_calls", sa.Float(), nullable=True),
        sa.Column("forecast_json", sa.Text(), nullable=True),
        sa.Column("target_sl", sa.Float(), nullable=True),
        sa.Column("answer_within_seconds", sa.Float(), nullable=True),
        sa.Column("updated_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("staffing_plan")
