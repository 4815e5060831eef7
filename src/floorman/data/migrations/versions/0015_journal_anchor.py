"""The journal anchored outside itself, and looked up by subject.

- `handover.journal_anchor`: the journal's head (seq, hash, and an HMAC over both under the
  floor's journal key) at the moment a handover was locked. A journal cut back below a
  locked handover's anchor, or a chain recomputed under it, no longer reaches it.
- `ix_journal_subject_seq`: the journal rows of one subject in order, so a permission
  check can read what the journal made one operator without walking the whole journal.

Revision ID: 0015_journal_anchor
Revises: 0014_sync
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_journal_anchor"
down_revision = "0014_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("handover", sa.Column("journal_anchor", sa.String(), nullable=True))
    op.create_index("ix_journal_subject_seq", "journal", ["subject", "seq"])


def downgrade() -> None:
    op.drop_index("ix_journal_subject_seq", table_name="journal")
    with op.batch_alter_table("handover") as batch:
        batch.drop_column("journal_anchor")
