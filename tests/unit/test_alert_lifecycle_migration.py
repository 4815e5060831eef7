"""Migration 0013_alert_lifecycle: the per-band alert rows of one away become one alert."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from floorman.data import schema
from floorman.data.db import Database

AT = "2026-11-20 08:{m:02d}:00.000000"  # as UTCDateTime stores it


def _upgrade(db: Database, target: str) -> None:
    config = schema._alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, target)


def _insert(conn, table: str, **values: object) -> None:
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)


def _alert(conn, alert_id: str, key: str | None, severity: str, minute: int, **more: object):
    _insert(
        conn,
        "alert",
        id=alert_id,
        kind=more.pop("kind", f"away.{severity}"),
        subject="A-01",
        severity=severity,
        message=f"{severity} text",
        due_at=AT.format(m=minute),
        created_at=AT.format(m=0),
        dedupe_key=key,
        **more,
    )


def _old_floor(conn) -> None:
    """Two aways as the per-band alerts left them: s1 still out, s2 back since 08:09."""
    _insert(conn, "zone", id="z", code="A", name="Zone A", sort_order=0)
    _insert(conn, "agent", id="ag1", staff_no="1001", name="Li Na", team="", active=1)
    _insert(
        conn,
        "seat",
        id="st1",
        code="A-01",
        zone_id="z",
        seat_type="general",
        row=0,
        col=0,
        state="away",
        since=AT.format(m=0),
        agent_id="ag1",
    )
    for slip, status, back in (("s1", "out", None), ("s2", "back", AT.format(m=9))):
        _insert(
            conn,
            "away_slip",
            id=slip,
            seat_id="st1",
            agent_id="ag1",
            reason="toilet",
            status=status,
            approval="unapproved",
            limit_seconds=300,
            requested_at=AT.format(m=0),
            requested_by="",
            left_at=AT.format(m=0),
            returned_at=back,
            extension_seconds=0,
        )
    fired = {"fired_by": "tty1"}
    # s1: warning acknowledged, then breach fired (not acknowledged), severe still pending.
    _alert(
        conn,
        "w1",
        "away:s1:warning",
        "warning",
        4,
        fired_at=AT.format(m=4),
        **fired,
        acknowledged_at=AT.format(m=4),
        acknowledged_by="duty1",
    )
    _alert(conn, "b1", "away:s1:breach", "breach", 5, fired_at=AT.format(m=5), **fired)
    _alert(conn, "v1", "away:s1:severe", "severe", 10)
    # s2: warning and breach fired and acknowledged, the agent came back.
    _alert(conn, "w2", "away:s2:warning", "warning", 4, fired_at=AT.format(m=4), **fired)
    _alert(
        conn,
        "b2",
        "away:s2:breach",
        "breach",
        5,
        fired_at=AT.format(m=5),
        **fired,
        acknowledged_at=AT.format(m=6),
        acknowledged_by="duty2",
    )
    # a lone alert without a key (the daily check)
    _alert(conn, "c1", None, "severe", 1, kind="service.check", fired_at=AT.format(m=1), **fired)


def test_per_band_rows_become_one_alert_per_condition(tmp_path: Path) -> None:
    db = Database(tmp_path / "old.db")
    try:
        _upgrade(db, "0012")
        with db.engine.begin() as conn:
            _old_floor(conn)
        _upgrade(db, "head")
        with db.engine.connect() as conn:
            found = {
                row.id: row
                for row in conn.execute(
                    text(
                        "SELECT id, kind, severity, state, condition_key, merged_into, "
                        "acknowledged_by, resolved_at, escalated_at FROM alert"
                    )
                )
            }
    finally:
        db.dispose()
    # s1: one alert (the first fired row), at the breach, active again after the warning's ack.
    assert (found["w1"].kind, found["w1"].severity, found["w1"].state) == (
        "away.breach",
        "breach",
        "active",
    )
    assert found["w1"].escalated_at == AT.format(m=5)
    assert (found["b1"].merged_into, found["b1"].state) == ("w1", None)
    assert (found["v1"].condition_key, found["v1"].state) == ("away:s1", None)  # still pending
    # s2: the agent is back: resolved when she came back; the last acknowledgement kept.
    assert (found["w2"].state, found["w2"].resolved_at) == ("resolved", AT.format(m=9))
    assert found["w2"].acknowledged_by == "duty2"
    assert found["b2"].merged_into == "w2"
    # a lone alert is its own condition, still active.
    assert (found["c1"].state, found["c1"].condition_key) == ("active", "alert:c1")
