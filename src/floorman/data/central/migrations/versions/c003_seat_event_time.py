"""A site's seat events on the central server carry the event's own time and state.

A journal row's `at` is when the site recorded it; a phone system's event has its own time
(`after.since`, what the floor's seat history and its reports use), often seconds and after
an outage hours earlier. HQ's region report must sweep the same times as the floor's, so
each seat row gets `event_at` and `seat_state` from its `after` as it lands (a trigger:
the cast of the text is not immutable, so not a generated column), indexed as the floor's
seat history is (a seat's last state before a moment is one index lookup); a site's
imported seats are found by their own index.

Revision ID: c003
Revises: c002
"""

from __future__ import annotations

from alembic import op

revision = "c003"
down_revision = "c002"
branch_labels = None
depends_on = None

# A seat row that sets a state: every `seat.*` row but the import (a move note has none).
SEAT_COLUMNS = """
CREATE FUNCTION floorman_seat_columns() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    IF starts_with(NEW.action, 'seat.') AND NEW.action <> 'seat.import' THEN
        NEW.seat_state := NEW.after::jsonb ->> 'state';
        NEW.event_at := coalesce((NEW.after::jsonb ->> 'since')::timestamptz, NEW.at);
    END IF;
    RETURN NEW;
END
$$;
"""


def upgrade() -> None:
    op.execute("ALTER TABLE journal ADD COLUMN seat_state text, ADD COLUMN event_at timestamptz")
    op.execute(SEAT_COLUMNS)
    op.execute(
        "CREATE TRIGGER journal_seat_columns BEFORE INSERT ON journal "
        "FOR EACH ROW EXECUTE FUNCTION floorman_seat_columns()"
    )
    op.execute(
        "UPDATE journal SET seat_state = after::jsonb ->> 'state', "
        "event_at = coalesce((after::jsonb ->> 'since')::timestamptz, at) "
        "WHERE starts_with(action, 'seat.') AND action <> 'seat.import'"
    )
    op.execute("DROP INDEX ix_journal_seat_history")
    op.execute(
        "CREATE INDEX ix_journal_seat_history ON journal (site, subject, event_at) "
        "WHERE seat_state IS NOT NULL"
    )
    op.execute(
        "CREATE INDEX ix_journal_seat_events ON journal (site, event_at) "
        "WHERE seat_state IS NOT NULL"
    )
    # A site's seats (those it imported) without reading every other site's journal.
    op.execute(
        "CREATE INDEX ix_journal_seat_import ON journal (site, subject) "
        "WHERE action = 'seat.import'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_journal_seat_import, ix_journal_seat_events, ix_journal_seat_history")
    op.execute("DROP TRIGGER journal_seat_columns ON journal")
    op.execute("DROP FUNCTION floorman_seat_columns()")
    op.execute("ALTER TABLE journal DROP COLUMN seat_state, DROP COLUMN event_at")
    op.execute(
        "CREATE INDEX ix_journal_seat_history ON journal (site, subject, at) "
        "WHERE action LIKE 'seat.%'"
    )
