"""The central tables as SQLAlchemy Core, for queries (the migration is the DDL's one place).

`tests/central/test_central_schema.py` checks these match what the migration creates.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    FetchedValue,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

metadata = MetaData()
_TZ = DateTime(timezone=True)

site = Table(
    "site",
    metadata,
    Column("code", Text, primary_key=True),
    Column("role_name", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("created_at", _TZ, nullable=False),
    # The site's journal key as HMAC pads: only the schema owner may read them.
    Column("key_ipad", LargeBinary),
    Column("key_opad", LargeBinary),
    Column("keyed_from", BigInteger),
)

site_chain = Table(
    "site_chain",
    metadata,
    Column("site", Text, primary_key=True),
    Column("halted_at", _TZ),
    Column("halted_reason", Text),
)

journal = Table(
    "journal",
    metadata,
    Column("site", Text, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("id", Text, nullable=False),
    Column("at", _TZ, nullable=False),
    Column("actor", Text, nullable=False),
    Column("terminal", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("before", Text),
    Column("after", Text),
    Column("prev_hash", Text, nullable=False),
    Column("hash", Text, nullable=False),
    Column("received_at", _TZ, nullable=False),
    # A seat row's own state and event time, from `after` as it lands (migration c003).
    Column("seat_state", Text),
    Column("event_at", _TZ),
    PrimaryKeyConstraint("site", "seq"),
)

chain_alarm = Table(
    "chain_alarm",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("site", Text, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("kind", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("site_hash", Text),
    Column("central_hash", Text),
    Column("raised_at", _TZ, nullable=False),
)

site_state = Table(
    "site_state",
    metadata,
    Column("site", Text, primary_key=True),
    Column("synced_at", _TZ, nullable=False),
    Column("taken_at", _TZ, nullable=False),
    Column("journal_seq", BigInteger, nullable=False),
    Column("staffed", Integer, nullable=False),
    Column("away", Integer, nullable=False),
    Column("open_seats", Integer, nullable=False),
    Column("total_seats", Integer, nullable=False),
    Column("required", Integer),
    Column("aways_over_limit", Integer, nullable=False),
    Column("pending_requests", Integer, nullable=False),
    Column("visitors_on_floor", Integer, nullable=False),
    Column("handover_status", Text),
    Column("seats", JSONB, nullable=False),
    Column("open_slips", JSONB, nullable=False),
    Column("alerts", JSONB, nullable=False),
    Column("emergencies", JSONB, nullable=False),
)

hq_notice = Table(
    "hq_notice",
    metadata,
    Column("id", Text, primary_key=True, server_default=FetchedValue()),
    Column("posted_at", _TZ, nullable=False, server_default=FetchedValue()),
    Column("posted_by", Text, nullable=False, server_default=FetchedValue()),
    Column("emergency_kind", Text),
    Column("body", Text, nullable=False),
    Column("sites", ARRAY(Text)),
)

notice_ack = Table(
    "notice_ack",
    metadata,
    Column("notice_id", Text, nullable=False),
    Column("site", Text, nullable=False),
    Column("acknowledged_at", _TZ, nullable=False),
    Column("acknowledged_by", Text, nullable=False),
    Column("received_at", _TZ, nullable=False),
    PrimaryKeyConstraint("notice_id", "site"),
)
