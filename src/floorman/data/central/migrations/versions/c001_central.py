"""The central server: sites, their journals verified as they arrive, live state, HQ notices.

Every site logs in with its own role, a member of `floorman_site`; row-level security lets
it read and write only rows of its own site (the site whose `role_name` is its role). HQ
reads everything as a member of `floorman_hq` and posts notices as `floorman_hq_post`.
The journal trigger runs as the schema owner: it alone moves a site's chain and raises
alarms, so a site can neither skip the checks nor hide an alarm.

Revision ID: c001
Revises:
"""

from __future__ import annotations

from alembic import op

revision = "c001"
down_revision = None
branch_labels = ("central",)
depends_on = None

GROUP_ROLES = ("floorman_site", "floorman_hq", "floorman_hq_post")

TABLES = """
CREATE TABLE site (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    role_name   text NOT NULL UNIQUE,
    name        text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE site_chain (
    site           text PRIMARY KEY REFERENCES site(code),
    last_seq       bigint NOT NULL DEFAULT 0,
    last_hash      text NOT NULL DEFAULT repeat('0', 64),
    rows_received  bigint NOT NULL DEFAULT 0,
    halted_at      timestamptz,
    halted_reason  text
);

CREATE TABLE journal (
    site         text NOT NULL REFERENCES site(code),
    seq          bigint NOT NULL CHECK (seq > 0),
    id           text NOT NULL,
    at           timestamptz NOT NULL,
    actor        text NOT NULL,
    terminal     text NOT NULL,
    action       text NOT NULL,
    subject      text NOT NULL,
    before       text,
    after        text,
    prev_hash    text NOT NULL,
    hash         text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site, seq)
);
CREATE INDEX ix_journal_site_at ON journal (site, at);

CREATE TABLE chain_alarm (
    id            bigserial PRIMARY KEY,
    site          text NOT NULL REFERENCES site(code),
    seq           bigint NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('gap', 'break', 'tamper', 'fork')),
    detail        text NOT NULL,
    site_hash     text,
    central_hash  text,
    raised_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site, kind, seq)
);

CREATE TABLE site_state (
    site               text PRIMARY KEY REFERENCES site(code),
    synced_at          timestamptz NOT NULL DEFAULT now(),
    taken_at           timestamptz NOT NULL,
    journal_seq        bigint NOT NULL DEFAULT 0,
    staffed            integer NOT NULL DEFAULT 0,
    away               integer NOT NULL DEFAULT 0,
    open_seats         integer NOT NULL DEFAULT 0,
    total_seats        integer NOT NULL DEFAULT 0,
    required           integer,
    aways_over_limit   integer NOT NULL DEFAULT 0,
    pending_requests   integer NOT NULL DEFAULT 0,
    visitors_on_floor  integer NOT NULL DEFAULT 0,
    handover_status    text,
    seats              jsonb NOT NULL DEFAULT '[]',
    open_slips         jsonb NOT NULL DEFAULT '[]',
    alerts             jsonb NOT NULL DEFAULT '[]',
    emergencies        jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE hq_notice (
    id              text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    posted_at       timestamptz NOT NULL DEFAULT now(),
    posted_by       text NOT NULL DEFAULT current_user,
    emergency_kind  text,
    body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    sites           text[]
);

CREATE TABLE notice_ack (
    notice_id        text NOT NULL REFERENCES hq_notice(id),
    site             text NOT NULL REFERENCES site(code),
    acknowledged_at  timestamptz NOT NULL,
    acknowledged_by  text NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (notice_id, site)
);
"""

# Python's `datetime.isoformat()` of an aware UTC time, as the site hashed it.
ISOFORMAT = """
CREATE FUNCTION floorman_isoformat(at timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT AS $$
    SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN extract(microseconds FROM at)::bigint % 1000000 = 0 THEN ''
                ELSE to_char(at AT TIME ZONE 'UTC', '.US') END
        || '+00:00'
$$;
"""

# The same bytes as data/journal.py's `entry_hash`: a JSON list, ", " between items; the
# server's JSON string escaping is Python's with ensure_ascii=False (tested on odd text).
ENTRY_HASH = """
CREATE FUNCTION floorman_entry_hash(
    prev_hash text, seq bigint, at timestamptz, actor text, terminal text,
    action text, subject text, before text, after text
) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(
        '[' || to_json(prev_hash)::text
        || ', ' || seq::text
        || ', ' || to_json(floorman_isoformat(at))::text
        || ', ' || to_json(actor)::text
        || ', ' || to_json(terminal)::text
        || ', ' || to_json(action)::text
        || ', ' || to_json(subject)::text
        || ', ' || coalesce(to_json(before)::text, 'null')
        || ', ' || coalesce(to_json(after)::text, 'null')
        || ']', 'UTF8')), 'hex')
$$;
"""

MY_SITE = """
CREATE FUNCTION floorman_my_site() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT code FROM site WHERE role_name = current_user
$$;
"""

# A row already held (same seq) is skipped when identical, a fork when not; a row after a
# gap, a broken link or content that does not match its hash halts the chain: nothing more
# of that site is merged until HQ has looked (alarms are one row per site, kind and seq).
JOURNAL_TRIGGER = """
CREATE FUNCTION floorman_journal_arrives() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    chain site_chain%ROWTYPE;
    role text;
    held text;
    problem text;
    detail text;
BEGIN
    SELECT role_name INTO role FROM site WHERE code = NEW.site;
    IF role IS NULL OR NOT pg_has_role(session_user, role, 'MEMBER') THEN
        RAISE EXCEPTION 'journal rows of site % may only come from that site', NEW.site
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO chain FROM site_chain WHERE site = NEW.site FOR UPDATE;
    IF chain.halted_at IS NOT NULL THEN
        RETURN NULL;
    END IF;
    IF NEW.seq <= chain.last_seq THEN
        SELECT hash INTO held FROM journal WHERE site = NEW.site AND seq = NEW.seq;
        IF held IS NOT DISTINCT FROM NEW.hash THEN
            RETURN NULL;
        END IF;
        problem := 'fork';
        detail := format('row %s differs from the one already received: '
                         'the site''s database was restored or rewritten', NEW.seq);
    ELSIF NEW.seq <> chain.last_seq + 1 THEN
        problem := 'gap';
        detail := format('expected row %s, got row %s: rows are missing',
                         chain.last_seq + 1, NEW.seq);
    ELSIF NEW.prev_hash <> chain.last_hash THEN
        problem := 'break';
        detail := format('row %s does not link to row %s', NEW.seq, chain.last_seq);
    ELSIF floorman_entry_hash(NEW.prev_hash, NEW.seq, NEW.at, NEW.actor, NEW.terminal,
                              NEW.action, NEW.subject, NEW.before, NEW.after)
          <> NEW.hash THEN
        problem := 'tamper';
        detail := format('row %s: content does not match its hash', NEW.seq);
    END IF;
    IF problem IS NOT NULL THEN
        INSERT INTO chain_alarm (site, seq, kind, detail, site_hash, central_hash)
        VALUES (NEW.site, NEW.seq, problem, detail, NEW.hash, held)
        ON CONFLICT DO NOTHING;
        UPDATE site_chain SET halted_at = now(), halted_reason = detail
        WHERE site = NEW.site;
        RETURN NULL;
    END IF;
    UPDATE site_chain
    SET last_seq = NEW.seq, last_hash = NEW.hash, rows_received = rows_received + 1
    WHERE site = NEW.site;
    NEW.received_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER journal_arrives BEFORE INSERT ON journal
    FOR EACH ROW EXECUTE FUNCTION floorman_journal_arrives();
"""


def _security() -> str:
    own = "site = floorman_my_site()"
    statements = [
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC",
        "REVOKE EXECUTE ON FUNCTION floorman_journal_arrives() FROM PUBLIC",
        "GRANT USAGE ON SCHEMA public TO floorman_site, floorman_hq, floorman_hq_post",
        "GRANT SELECT ON site TO floorman_site, floorman_hq, floorman_hq_post",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO floorman_hq",
        # Sites: append their journal, replace their live state, read their notices.
        "GRANT SELECT, INSERT ON journal TO floorman_site",
        "GRANT SELECT ON site_chain, chain_alarm TO floorman_site",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON site_state TO floorman_site",
        "GRANT SELECT ON hq_notice TO floorman_site",
        "GRANT SELECT, INSERT ON notice_ack TO floorman_site",
        "GRANT SELECT, INSERT ON hq_notice TO floorman_hq_post",
        "GRANT SELECT ON notice_ack TO floorman_hq_post",
    ]
    for table in ("site_chain", "journal", "chain_alarm", "site_state", "notice_ack"):
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY site_own ON {table} TO floorman_site "
            f"USING ({own}) WITH CHECK ({own})",
            f"CREATE POLICY hq_reads ON {table} FOR SELECT TO floorman_hq, floorman_hq_post "
            "USING (true)",
        ]
    statements += [
        "ALTER TABLE hq_notice ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY site_addressed ON hq_notice FOR SELECT TO floorman_site "
        "USING (sites IS NULL OR floorman_my_site() = ANY (sites))",
        "CREATE POLICY hq_reads ON hq_notice FOR SELECT TO floorman_hq, floorman_hq_post "
        "USING (true)",
        "CREATE POLICY hq_posts ON hq_notice FOR INSERT TO floorman_hq_post "
        "WITH CHECK (posted_by = current_user)",
    ]
    return ";\n".join(statements) + ";"


def upgrade() -> None:
    # Group roles belong to the whole server, not one database: create them once.
    for role in GROUP_ROLES:
        op.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
            f"THEN CREATE ROLE {role} NOLOGIN; END IF; END $$"
        )
    op.execute(TABLES)
    op.execute(ISOFORMAT)
    op.execute(ENTRY_HASH)
    op.execute(MY_SITE)
    op.execute(JOURNAL_TRIGGER)
    op.execute(_security())


def downgrade() -> None:
    op.execute(
        "DROP TABLE notice_ack, hq_notice, site_state, chain_alarm, journal, site_chain, site"
    )
    op.execute("DROP FUNCTION floorman_journal_arrives(), floorman_my_site()")
    op.execute("DROP FUNCTION floorman_entry_hash(text, bigint, timestamptz, text, text, text, "
               "text, text, text), floorman_isoformat(timestamptz)")
