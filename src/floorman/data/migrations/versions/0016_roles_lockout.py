"""Roles and lockout: wrong PINs counted per terminal and per operator at a terminal.

The operator row keeps its own counter (every terminal); `login_throttle` adds the
counters that slow a guesser where they sit without locking the last director out of
every terminal (domain/operators/login.py).

Revision ID: 0016_roles_lockout
Revises: 0015_journal_anchor
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import floorman.data.types

revision = "0016_roles_lockout"
down_revision = "0015_journal_anchor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("locked_until", floorman.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
