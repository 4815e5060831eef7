"""After the retention purge no copy of a visitor's name or phone survives on the floor
host: not in the database file, not in its -wal, not in any backup (old ones removed,
newer ones cleared), and no locked handover or emergency report ever held it."""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import timedelta
from pathlib import Path

from floorman.clock import FakeClock
from floorman.data.backup import file_problems, list_backups
from floorman.domain.audit import run_checks
from floorman.domain.backups import backup_dir_for, take_backup
from floorman.domain.core.context import Actor, Floor
from floorman.domain.emergency import lifecycle as emergency_lifecycle
from floorman.domain.emergency import report as emergency_report
from floorman.domain.handover import lifecycle as handover_lifecycle
from floorman.domain.visitors import decisions, presence, registration, retention
from tests.unit.test_visitors_retention import NAME, PHONE

SECRETS = (NAME.encode("utf-8"), PHONE.encode("utf-8"))


def _files(floor: Floor) -> list[Path]:
    path = floor.db.path
    found = [path, path.with_name(path.name + "-wal")]
    found += sorted(backup_dir_for(floor).glob("*"))
    found += sorted(Path(os.environ["XDG_DATA_HOME"]).rglob("*"))
    return [p for p in found if p.is_file()]


def _holding(floor: Floor) -> list[str]:
    return [str(p) for p in _files(floor) if any(s in p.read_bytes() for s in SECRETS)]


def _register(floor: Floor) -> str:
    view = registration.register(floor, registration.Registration(
        name=NAME, organisation="Network dept", category="internal", purpose="router audit",
        host="Li Na", phone=PHONE, badge="V-31", expected_minutes=60,
    ))  # fmt: skip
    decisions.approve(floor, view.id)
    presence.check_in(floor, view.id)
    return view.id


def test_after_the_purge_no_file_holds_the_name_or_phone(
    small_floor: Floor, clock: FakeClock, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    exports = tmp_path / "data" / "floorman" / "exports"
    exports.mkdir(parents=True)
    floor = small_floor
    visitor_id = _register(floor)
    take_backup(floor, "manual")  # while the visitor is on the floor
    old_export = exports / "visitors.csv"
    old_export.write_text(f"{NAME},{PHONE}\n", encoding="utf-8")
    emergency = emergency_lifecycle.start(floor, "fire", drill=True)
    clock.advance(minutes=30)
    outgoing = dataclasses.replace(floor, actor=Actor("Wang", "test:wang"))
    incoming = dataclasses.replace(floor, actor=Actor("Li", "test:li"))
    handover_lifecycle.compose(outgoing, summary="Visitor from network dept on the floor")
    handover_lifecycle.submit(outgoing)
    handover_lifecycle.acknowledge(incoming, "pending", "all")
    with floor.db.read() as session:
        report = json.dumps(emergency_report.report_data(session, emergency.id))
    assert visitor_id in report and NAME not in report  # by id, never by name
    emergency_lifecycle.close_early(floor, emergency.id, "drill over")
    presence.check_out(floor, visitor_id)
    retention_days = floor.config.visitors.retention_days
    clock.advance(days=retention_days - 2)
    recent = take_backup(floor, "manual")  # within the retention: kept, but cleared
    written = (clock.now() - timedelta(days=retention_days + 1)).timestamp()
    os.utime(old_export, (written, written))
    recent_export = exports / "staffing.csv"
    recent_export.write_text("no visitors here\n", encoding="utf-8")
    os.utime(recent_export, (clock.now().timestamp(),) * 2)
    clock.advance(days=3)
    assert _holding(floor), "the test must start with copies to remove"

    assert retention.purge_expired(floor).count == 1

    assert _holding(floor) == []
    assert not old_export.exists() and recent_export.exists()
    kept = [b.path for b in list_backups(backup_dir_for(floor))]
    assert kept == [recent]
    assert file_problems(recent) == []
    assert run_checks(floor).problems == []


def test_locked_handover_snapshot_names_visitors_by_id(small_floor: Floor) -> None:
    visitor_id = _register(small_floor)
    outgoing = dataclasses.replace(small_floor, actor=Actor("Wang", "test:wang"))
    view = handover_lifecycle.compose(outgoing, summary="Quiet")
    (row,) = view.live_state["visitors"]["rows"]
    assert row["id"] == visitor_id[:8]
    assert NAME not in json.dumps(view.live_state, ensure_ascii=False)
    assert PHONE not in json.dumps(view.live_state, ensure_ascii=False)

