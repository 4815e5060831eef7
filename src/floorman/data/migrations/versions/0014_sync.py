"""Sync to a central server (issue 18): the outbox cursor and HQ's notices.

Revision ID: 0014_sync
Revises: 0013_alert_lifecycle
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import floorman.data.types

revision = "0014_sync"
down_revision = "0013_alert_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_cursor",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sent_seq", sa.Integer(), nullable=False),
        sa.Column("sent_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("last_ok_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("last_error_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "hq_notice",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("posted_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("posted_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("emergency_kind", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", floorman.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("alert_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("ack_sent_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("hq_notice")
    op.drop_table("sync_cursor")
