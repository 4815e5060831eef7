"""The central server: sites, their journals verified as they arrive, live state, HQ notices.

Every site logs in with its own role, a member of `floorman_site`; row-level security lets
it read and write only rows of its own site (the site whose `role_name` is its role). HQ
reads everything as a member of `floorman_hq` and posts notices as `floorman_hq_post`.
A site's journal rows come in only through `floorman_receive`, which runs as the schema
owner and checks the chain: a site can neither skip the checks nor hide an alarm.

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
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- The site's journal key as HMAC pads, registered by the site's first sync (trust on
    -- first use) and never changed after: rows from keyed_from on are HMAC-SHA-256.
    key_ipad    bytea CHECK (length(key_ipad) = 64),
    key_opad    bytea CHECK (length(key_opad) = 64),
    keyed_from  bigint CHECK (keyed_from > 0)
);

CREATE TABLE site_chain (
    site           text PRIMARY KEY REFERENCES site(code),
    halted_at      timestamptz,
    halted_reason  text
);

-- No foreign key on site: floorman_receive checks the site once per batch, not per row.
CREATE TABLE journal (
    site         text NOT NULL,
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
    received_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
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
    SELECT replace(to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), '.000000', '')
        || '+00:00'
$$;
"""

# The same bytes as data/journal.py's `entry_hash`: a JSON list, ", " between items; the
# server's JSON string escaping is Python's with ensure_ascii=False (tested on odd text).
ENTRY_HASH = """
CREATE FUNCTION floorman_entry_payload(
    prev_hash text, seq bigint, at timestamptz, actor text, terminal text,
    action text, subject text, before text, after text
) RETURNS bytea
LANGUAGE sql STABLE AS $$
    SELECT convert_to(
        '[' || to_json(prev_hash)::text
        || ', ' || seq::text
        || ', ' || to_json(floorman_isoformat(at))::text
        || ', ' || to_json(actor)::text
        || ', ' || to_json(terminal)::text
        || ', ' || to_json(action)::text
        || ', ' || to_json(subject)::text
        || ', ' || coalesce(to_json(before)::text, 'null')
        || ', ' || coalesce(to_json(after)::text, 'null')
        || ']', 'UTF8')
$$;

-- SHA-256 of the payload, or HMAC-SHA-256 when the key's pads are given (RFC 2104,
-- built from sha256() alone: no extension needed on the server).
CREATE FUNCTION floorman_entry_hash(
    prev_hash text, seq bigint, at timestamptz, actor text, terminal text,
    action text, subject text, before text, after text,
    key_ipad bytea DEFAULT NULL, key_opad bytea DEFAULT NULL
) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN key_ipad IS NULL
        THEN encode(sha256(floorman_entry_payload(prev_hash, seq, at, actor, terminal,
                                                  action, subject, before, after)), 'hex')
        ELSE encode(sha256(key_opad || sha256(key_ipad || floorman_entry_payload(
                 prev_hash, seq, at, actor, terminal, action, subject, before, after))), 'hex')
    END
$$;
"""

# A site registers its journal key once; a different key later is refused (a floor
# rebuilt with a new key is a new site to HQ, not a silent rewrite of the old one).
REGISTER_KEY = """
CREATE FUNCTION floorman_register_key(p_site text, p_ipad bytea, p_opad bytea,
                                      p_keyed_from bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    role text;
    held_ipad bytea;
    held_from bigint;
BEGIN
    SELECT s.role_name, s.key_ipad, s.keyed_from INTO role, held_ipad, held_from
    FROM site s WHERE s.code = p_site FOR UPDATE;
    IF role IS NULL OR NOT pg_has_role(session_user, role, 'MEMBER') THEN
        RAISE EXCEPTION 'the journal key of site % may only come from that site', p_site
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF held_ipad IS NULL THEN
        UPDATE site SET key_ipad = p_ipad, key_opad = p_opad, keyed_from = p_keyed_from
        WHERE code = p_site;
    ELSIF held_ipad <> p_ipad OR held_from <> p_keyed_from THEN
        RAISE EXCEPTION 'site % sent a journal key other than the one registered', p_site
            USING ERRCODE = 'invalid_authorization_specification';
    END IF;
END
$$;
"""

MY_SITE = """
CREATE FUNCTION floorman_my_site() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT code FROM site WHERE role_name = current_user
$$;
"""

# The one way in for a site's journal rows: a batch as arrays, checked as a set in order.
# A row already held (same seq) is skipped when identical and is a fork when not; the
# first row after a gap, with a broken link or with content that does not match its hash
# halts the chain: the rows before it are kept, nothing after it is merged until HQ has
# looked (alarms are one row per site, kind and seq). The chain's tail is read from the
# journal's primary key; an advisory lock per site makes two senders of one site take
# turns. It runs as the schema owner, so only it writes the journal, alarms and halts.
RECEIVE = """
CREATE FUNCTION floorman_receive(
    p_site text, p_seq bigint[], p_id text[], p_at timestamptz[], p_actor text[],
    p_terminal text[], p_action text[], p_subject text[], p_before text[], p_after text[],
    p_prev_hash text[], p_hash text[]
) RETURNS TABLE (last_seq bigint, halted_reason text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    role text;
    k_ipad bytea;
    k_opad bytea;
    k_from bigint;
    halted text;
    tail_seq bigint;
    tail_hash text;
    bad_seq bigint;
    bad_kind text;
    bad_site_hash text;
    bad_central_hash text;
    bad_detail text;
BEGIN
    SELECT s.role_name, s.key_ipad, s.key_opad, s.keyed_from INTO role, k_ipad, k_opad, k_from
    FROM site s WHERE s.code = p_site;
    IF role IS NULL OR NOT pg_has_role(session_user, role, 'MEMBER') THEN
        RAISE EXCEPTION 'journal rows of site % may only come from that site', p_site
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('floorman.journal'), hashtext(p_site));
    SELECT c.halted_reason INTO halted FROM site_chain c WHERE c.site = p_site;
    SELECT j.seq, j.hash INTO tail_seq, tail_hash
    FROM journal j WHERE j.site = p_site ORDER BY j.seq DESC LIMIT 1;
    tail_seq := coalesce(tail_seq, 0);
    tail_hash := coalesce(tail_hash, repeat('0', 64));
    IF halted IS NOT NULL THEN
        RETURN QUERY SELECT tail_seq, halted;
        RETURN;
    END IF;

    -- A scalar subquery, so each row is one primary-key lookup whatever the statistics say.
    SELECT f.seq, 'fork', f.hash, f.held,
           format('row %s differs from the one already received: the site''s database '
                  'was restored or rewritten', f.seq)
    INTO bad_seq, bad_kind, bad_site_hash, bad_central_hash, bad_detail
    FROM (
        SELECT i.seq, i.hash,
               (SELECT j.hash FROM journal j WHERE j.site = p_site AND j.seq = i.seq) AS held
        FROM unnest(p_seq, p_hash) AS i(seq, hash)
        WHERE i.seq <= tail_seq
    ) f
    WHERE f.held IS DISTINCT FROM f.hash ORDER BY f.seq LIMIT 1;

    IF bad_seq IS NULL THEN
        SELECT v.seq, v.kind, v.hash, NULL::text, v.detail
        INTO bad_seq, bad_kind, bad_site_hash, bad_central_hash, bad_detail
        FROM (
            SELECT c.seq, c.hash,
                CASE WHEN c.seq <> tail_seq + c.n THEN 'gap'
                     WHEN c.prev_hash <> coalesce(c.prev_in_batch, tail_hash) THEN 'break'
                     WHEN floorman_entry_hash(c.prev_hash, c.seq, c.at, c.actor, c.terminal,
                              c.action, c.subject, c.before, c.after,
                              CASE WHEN c.seq >= k_from THEN k_ipad END,
                              CASE WHEN c.seq >= k_from THEN k_opad END) <> c.hash
                         THEN 'tamper'
                END AS kind,
                CASE WHEN c.seq <> tail_seq + c.n
                         THEN format('expected row %s, got row %s: rows are missing',
                                     tail_seq + c.n, c.seq)
                     WHEN c.prev_hash <> coalesce(c.prev_in_batch, tail_hash)
                         THEN format('row %s does not link to the row before it', c.seq)
                     ELSE format('row %s: content does not match its hash', c.seq)
                END AS detail
            FROM (
                SELECT i.*, row_number() OVER (ORDER BY i.seq) AS n,
                       lag(i.hash) OVER (ORDER BY i.seq) AS prev_in_batch
                FROM unnest(p_seq, p_at, p_actor, p_terminal, p_action, p_subject, p_before,
                            p_after, p_prev_hash, p_hash)
                     AS i(seq, at, actor, terminal, action, subject, before, after,
                          prev_hash, hash)
                WHERE i.seq > tail_seq
            ) c
        ) v
        WHERE v.kind IS NOT NULL ORDER BY v.seq LIMIT 1;
    END IF;

    INSERT INTO journal (site, seq, id, at, actor, terminal, action, subject, before, after,
                         prev_hash, hash)
    SELECT p_site, i.*
    FROM unnest(p_seq, p_id, p_at, p_actor, p_terminal, p_action, p_subject, p_before,
                p_after, p_prev_hash, p_hash)
         AS i(seq, id, at, actor, terminal, action, subject, before, after, prev_hash, hash)
    WHERE i.seq > tail_seq
      AND (bad_seq IS NULL OR (bad_kind <> 'fork' AND i.seq < bad_seq))
    ORDER BY i.seq;

    IF bad_seq IS NOT NULL THEN
        INSERT INTO chain_alarm (site, seq, kind, detail, site_hash, central_hash)
        VALUES (p_site, bad_seq, bad_kind, bad_detail, bad_site_hash, bad_central_hash)
        ON CONFLICT DO NOTHING;
        UPDATE site_chain SET halted_at = now(), halted_reason = bad_detail
        WHERE site = p_site;
        halted := bad_detail;
    END IF;
    RETURN QUERY
        SELECT coalesce(max(j.seq), 0), halted FROM journal j WHERE j.site = p_site;
END
$$;
"""


REGISTER_KEY_SIGNATURE = "floorman_register_key(text, bytea, bytea, bigint)"
RECEIVE_SIGNATURE = (
    "floorman_receive(text, bigint[], text[], timestamptz[], text[], text[], text[], text[], "
    "text[], text[], text[], text[])"
)


def _security() -> str:
    own = "site = floorman_my_site()"
    statements = [
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC",
        f"REVOKE EXECUTE ON FUNCTION {RECEIVE_SIGNATURE} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {RECEIVE_SIGNATURE} TO floorman_site",
        f"REVOKE EXECUTE ON FUNCTION {REGISTER_KEY_SIGNATURE} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {REGISTER_KEY_SIGNATURE} TO floorman_site",
        "GRANT USAGE ON SCHEMA public TO floorman_site, floorman_hq, floorman_hq_post",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO floorman_hq",
        # Nobody but the schema owner reads a site's key pads (HQ neither: they sign rows).
        "REVOKE SELECT ON site FROM floorman_hq",
        "GRANT SELECT (code, role_name, name, created_at) ON site "
        "TO floorman_site, floorman_hq, floorman_hq_post",
        # Sites: append their journal (through floorman_receive only), replace their live
        # state, read their notices.
        "GRANT SELECT ON journal TO floorman_site",
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
            f"CREATE POLICY site_own ON {table} TO floorman_site USING ({own}) WITH CHECK ({own})",
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
    op.execute(REGISTER_KEY)
    op.execute(RECEIVE)
    op.execute(_security())


def downgrade() -> None:
    op.execute(
        "DROP TABLE notice_ack, hq_notice, site_state, chain_alarm, journal, site_chain, site"
    )
    op.execute(
        f"DROP FUNCTION {RECEIVE_SIGNATURE}, {REGISTER_KEY_SIGNATURE}, floorman_my_site()"
    )
    op.execute(
        "DROP FUNCTION floorman_entry_hash(text, bigint, timestamptz, text, text, text, "
        "text, text, text, bytea, bytea), floorman_entry_payload(text, bigint, timestamptz, "
        "text, text, text, text, text, text), floorman_isoformat(timestamptz)"
    )
