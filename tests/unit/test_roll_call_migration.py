"""Migration 0012: both old roll calls move into the one roll call, and the old tables go."""

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


def _insert(conn, table: str, **values: object) -> None:
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)


def _old_floor(conn) -> None:
    """A floor as it was before: a visitors roll call and a fire's own roll call."""
    _insert(conn, "zone", id="z", code="A", name="Zone A", sort_order=0)
    _insert(conn, "agent", id="ag1", staff_no="1001", name="Li Na", team="", active=1)
    _insert(
        conn, "visitor", id="vis1", name="Ouyang Xiuying", organisation="IT",
        category="internal", purpose="audit", host="Li Na", expected_minutes=30,
        status="approved", registered_at=AT, registered_by="duty1", watch_match=0,
    )
    _insert(conn, "roll_call", id="rc1", reason="drill", started_at=AT, started_by="duty1")
    line = {"roll_call_id": "rc1", "safe_at": None, "safe_by": None}
    _insert(
        conn, "roll_call_line", **{**line, "safe_at": AT, "safe_by": "duty1"}, id="l1",
        position=1, kind="visitor", ref_id="vis1", name="Ouyang Xiuying", location="host Li Na",
    )
    _insert(
        conn, "roll_call_line", **line, id="l2", position=2, kind="staff", ref_id="ag1",
        name="Li Na", location="seat A-01",
    )
    _insert(
        conn, "emergency", id="em1", kind="fire", title_en="Fire", title_zh="火灾", priority=1,
        drill=0, roll_call=1, status="closed_early", checklist_source="x", started_at=AT,
        started_by="duty1", closed_at=AT, closed_by="duty2", wording="",
    )
    entry = {"emergency_id": "em1", "safe_at": None, "safe_by": None}
    _insert(
        conn, "emergency_roll_call", **{**entry, "safe_at": AT, "safe_by": "duty2"}, id="e1",
        position=1, kind="staff", ref_id="ag1", name="Li Na", location="seat A-01 (away)",
    )
    _insert(
        conn, "emergency_roll_call", **entry, id="e2", position=2, kind="visitor",
        ref_id="vis1", name="Ouyang Xiuying", location="host Li Na",
    )
    _insert(
        conn, "emergency_roll_call", **entry, id="e3", position=3, kind="added", ref_id=None,
        name="Courier", location="lobby",
    )


def test_both_old_roll_calls_move_into_the_one(tmp_path: Path) -> None:
    db = Database(tmp_path / "old.db")
    try:
        _upgrade(db, "0011")
        with db.engine.begin() as conn:
            _old_floor(conn)
        _upgrade(db, "head")
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
                    "SELECT e.roll_call_id = r.id FROM emergency e, roll_call r"
                    " WHERE r.reason = 'Fire'"
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
