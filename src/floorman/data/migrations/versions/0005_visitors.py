"""Visitors: registrations, watch and block lists, the ID-hash key and roll calls.

Revision ID: 0005
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import floorman.data.types

revision = "0005"
down_revision = "0001"
branch_labels = ("visitors",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visitor",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("host", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("escort", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("id_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("id_last4", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("badge", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("expected_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("registered_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("decided_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("decided_role", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reject_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("checked_in_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("checked_in_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("expected_end_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("checked_out_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("checked_out_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("watch_match", sa.Boolean(), nullable=False),
        sa.Column("purged_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visitor", schema=None) as batch_op:
        batch_op.create_index(
            "ix_visitor_on_floor", ["checked_out_at", "checked_in_at"], unique=False
        )
        batch_op.create_index("ix_visitor_registered_at", ["registered_at"], unique=False)

    op.create_table(
        "visitor_list_entry",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("added_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("removed_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )

    op.create_table(
        "visitor_secret",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )

    op.create_table(
        "roll_call",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("started_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("closed_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )

    op.create_table(
        "roll_call_line",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("roll_call_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ref_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("safe_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("safe_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["roll_call_id"], ["roll_call.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("roll_call_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roll_call_line_roll_call_id"), ["roll_call_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("roll_call_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roll_call_line_roll_call_id"))
    op.drop_table("roll_call_line")
    op.drop_table("roll_call")
    op.drop_table("visitor_secret")
    op.drop_table("visitor_list_entry")
    with op.batch_alter_table("visitor", schema=None) as batch_op:
        batch_op.drop_index("ix_visitor_registered_at")
        batch_op.drop_index("ix_visitor_on_floor")
    op.drop_table("visitor")
