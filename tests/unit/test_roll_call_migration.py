"""Migration 0011_roll_call: both old roll calls move into the one, and the old tables go."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from floorman.data import schema
from floorman.data.db import Database

AT = "2026-11-20 08:00:00.000000"  # as UTCDateTime stores it


def _upgrade(db: Database, target: str) -> None:
    config = schema._alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, target)


def _old_floor(conn) -> None:
    """A floor as it was before: a visitors roll call and a fire's own roll call."""
    conn.execute(
        text("INSERT INTO zone (id, code, name, sort_order) VALUES ('z', 'A', 'Zone A', 0)")
    )
    conn.execute(
        text(
            "INSERT INTO agent (id, staff_no, name, team, active)"
            " VALUES ('ag1', '1001', 'Li Na', '', 1)"
        )
    )
    conn.execute(
        text(
            "INSERT INTO visitor (id, name, organisation, category, purpose, host, expected_minutes,"
            " status, registered_at, registered_by, watch_match) VALUES ('vis1', 'Ouyang Xiuying',"
            f" 'IT', 'internal', 'audit', 'Li Na', 30, 'approved', '{AT}', 'duty1', 0)"
        )
    )
    conn.execute(
        text(
            "INSERT INTO roll_call (id, reason, started_at, started_by) VALUES"
            f" ('rc1', 'drill', '{AT}', 'duty1')"
        )
    )
    conn.execute(
        text(
            "INSERT INTO roll_call_line (id, roll_call_id, position, kind, ref_id, name, location,"
            f" safe_at, safe_by) VALUES ('l1', 'rc1', 1, 'visitor', 'vis1', 'Ouyang Xiuying',"
            f" 'host Li Na', '{AT}', 'duty1'), ('l2', 'rc1', 2, 'staff', 'ag1', 'Li Na', 'seat A-01',"
            " NULL, NULL)"
        )
    )
    conn.execute(
        text(
            "INSERT INTO emergency (id, kind, title_en, title_zh, priority, drill, roll_call, status,"
            " checklist_source, started_at, started_by, closed_at, closed_by, wording) VALUES"
            f" ('em1', 'fire', 'Fire', '火灾', 1, 0, 1, 'closed_early', 'x', '{AT}', 'duty1',"
            f" '{AT}', 'duty2', '')"
        )
    )
    conn.execute(
        text(
            "INSERT INTO emergency_roll_call (id, emergency_id, position, kind, ref_id, name,"
            " location, safe_at, safe_by) VALUES"
            f" ('e1', 'em1', 1, 'staff', 'ag1', 'Li Na', 'seat A-01 (away)', '{AT}', 'duty2'),"
            " ('e2', 'em1', 2, 'visitor', 'vis1', 'Ouyang Xiuying', 'host Li Na', NULL, NULL),"
            " ('e3', 'em1', 3, 'added', NULL, 'Courier', 'lobby', NULL, NULL)"
        )
    )


def test_both_old_roll_calls_move_into_the_one(tmp_path: Path) -> None:
    db = Database(tmp_path / "old.db")
    try:
        for head in schema.known_heads() - {"0011_roll_call"}:
            _upgrade(db, head)
        _upgrade(db, "0003")
        _upgrade(db, "0005")
        with db.engine.begin() as conn:
            _old_floor(conn)
        _upgrade(db, "heads")
        tables = set(inspect(db.engine).get_table_names())
        assert {"roll_call", "roll_call_entry"} <= tables
        assert not {"roll_call_line", "emergency_roll_call"} & tables
        with db.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT r.reason, r.closed_by, e.position, e.kind, e.agent_id, e.visitor_id,"
                    " e.name, e.seat, e.seat_state, e.place, e.safe_by FROM roll_call_entry e"
                    " JOIN roll_call r ON r.id = e.roll_call_id ORDER BY r.reason, e.position"
                )
            ).all()
            linked = conn.execute(
                text(
                    "SELECT e.roll_call_id = r.id FROM emergency e, roll_call r WHERE r.reason = 'Fire'"
                )
            ).scalar()
        assert linked == 1
        assert [tuple(r) for r in rows] == [
            ("Fire", "duty2", 1, "staff", "ag1", None, "Li Na", "A-01", "away", None, "duty2"),
            ("Fire", "duty2", 2, "visitor", None, "vis1", None, None, None, None, None),
            ("Fire", "duty2", 3, "other", None, None, "Courier", None, None, "lobby", None),
            ("drill", None, 1, "visitor", None, "vis1", None, None, None, None, "duty1"),
            ("drill", None, 2, "staff", "ag1", None, "Li Na", "A-01", None, None, None),
        ]
    finally:
        db.dispose()
