"""Indexes for HQ's region report: a seat's last state before a moment, per site, is one
index lookup (as on the floor), however long the journal; alerts fired by time.

Revision ID: c002
Revises: c001
"""

from __future__ import annotations

from alembic import op

revision = "c002"
down_revision = "c001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_journal_seat_history ON journal (site, subject, at) "
        "WHERE action LIKE 'seat.%'"
    )
    op.execute(
        "CREATE INDEX ix_journal_alert_fired ON journal (site, at) WHERE action = 'alert.fire'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_journal_alert_fired, ix_journal_seat_history")
