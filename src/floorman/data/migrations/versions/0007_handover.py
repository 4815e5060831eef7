"""Handover: shift duties, handover logs, their open items and amendments.

Revision ID: 0007
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import floorman.data.types

revision = "0007"
down_revision = "0001"
branch_labels = ("handover",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shift_duty",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("shift_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("starts_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("manager", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("assigned_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("shift_duty", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shift_duty_shift_id"), ["shift_id"], unique=True)

    op.create_table(
        "handover",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("shift_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("shift_start", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("shift_end", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("outgoing", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("incoming", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("live_state", sa.Text(), nullable=False),
        sa.Column("live_state_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("acknowledged_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reviewed", sa.Text(), nullable=False),
        sa.Column("chain_seq", sa.Integer(), nullable=True),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chain_seq"),
    )
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_shift_id"), ["shift_id"], unique=True)
        batch_op.create_index("ix_handover_shift_start", ["shift_start"], unique=False)

    op.create_table(
        "handover_item",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("handover_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("origin_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("carried_from", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("deadline", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("closed_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("close_note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["handover.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("handover_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_item_origin_id"), ["origin_id"], unique=False)
        batch_op.create_index(
            "ix_handover_item_handover", ["handover_id", "position"], unique=False
        )

    op.create_table(
        "handover_amendment",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("handover_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["handover.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("handover_amendment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_handover_amendment_handover", ["handover_id", "seq"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("handover_amendment", schema=None) as batch_op:
        batch_op.drop_index("ix_handover_amendment_handover")
    op.drop_table("handover_amendment")
    with op.batch_alter_table("handover_item", schema=None) as batch_op:
        batch_op.drop_index("ix_handover_item_handover")
        batch_op.drop_index(batch_op.f("ix_handover_item_origin_id"))
    op.drop_table("handover_item")
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.drop_index("ix_handover_shift_start")
        batch_op.drop_index(batch_op.f("ix_handover_shift_id"))
    op.drop_table("handover")
    with op.batch_alter_table("shift_duty", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shift_duty_shift_id"))
    op.drop_table("shift_duty")
