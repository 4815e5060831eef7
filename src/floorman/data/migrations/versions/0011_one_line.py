"""One line of revisions from here on: the per-panel branches 0002-0010 merge.

Up to 0010 each panel's tables came as their own branch from 0001, so a database had
nine heads. This revision has them all as parents and changes nothing in the schema; a
database at the old heads upgrades to it, a new one passes through it. Every later
migration revises exactly the one head (tests/unit/test_migrations_line.py checks it),
and `schema.migrate` upgrades to "head", which refuses a second head.

Revision ID: 0011
Revises: 0002, 0003, 0004, 0005, 0006, 0007, 0008, 0009, 0010
"""

from __future__ import annotations

revision = "0011"
down_revision = ("0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
