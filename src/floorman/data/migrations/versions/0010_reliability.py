"""Reliability and scale (issue 10): a covering index for sweeping seat history.

Revision ID: 0010
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0001"
branch_labels = ("reliability",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("seat_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_seat_event_seat_at_state", ["seat_id", "at", "state"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("seat_event", schema=None) as batch_op:
        batch_op.drop_index("ix_seat_event_seat_at_state")
