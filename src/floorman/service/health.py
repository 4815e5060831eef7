"""The service's health line: a JSON file beside the database, and `floorman status`.

The running service rewrites `<db>.serve.json` every few seconds (write, fsync, rename:
a reader never sees half a file). `status()` joins it with what no file can get wrong:
whether the lock is held (is the service running at all), the last alert fired by
anyone, the newest backup on disk, and how far each Asterisk feed is behind its log.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from floorman.domain.core.context import Floor
from floorman.i18n import t
from floorman.service.lock import running_pid

STALE_AFTER_SECONDS = 30  # a running service that wrote nothing for this long is stuck


def health_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".serve.json")


def write_health(db_path: Path, health: dict[str, Any]) -> None:
    """Replace the health file atomically."""
    target = health_path(db_path)
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, json.dumps(health, ensure_ascii=False, indent=1).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(partial, target)


def read_health(db_path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(health_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _last_fired(floor: Floor) -> dict[str, Any] | None:
    from sqlmodel import col, select

    from floorman.data.tables.floor import Alert

    with floor.db.read() as session:
        alert = session.exec(
            select(Alert)
            .where(col(Alert.fired_at).is_not(None))
            .order_by(col(Alert.fired_at).desc())
            .limit(1)
        ).first()
    if alert is None:
        return None
    return {
        "at": _iso(alert.fired_at),
        "kind": alert.kind,
        "subject": alert.subject,
        "severity": alert.severity,
        "by": alert.fired_by,
    }


def _last_backup(floor: Floor) -> dict[str, Any] | None:
    from floorman.data.backup import list_backups
    from floorman.domain.backups import backup_dir_for

    backups = list_backups(backup_dir_for(floor))
    if not backups:
        return None
    newest = max(backups, key=lambda b: b.taken_at)
    return {"at": _iso(newest.taken_at), "kind": newest.kind, "path": str(newest.path)}


def _feed_lag(floor: Floor) -> list[dict[str, Any]]:
    """Per configured feed: bytes of its log not applied yet (Asterisk), from the database."""
    from floorman.domain.feeds.status import feed_positions

    with floor.db.read() as session:
        positions = {p.path: p for p in feed_positions(session)}
    lags: list[dict[str, Any]] = []
    for feed in floor.config.feeds:
        entry: dict[str, Any] = {"source": feed.source, "kind": feed.kind, "target": feed.target}
        if feed.kind == "asterisk":
            position = positions.get(str(Path(os.path.abspath(feed.path))))
            try:
                size: int | None = Path(feed.path).stat().st_size
            except OSError:
                size = None
            entry["applied_to"] = _iso(position.updated_at) if position else None
            entry["lag_bytes"] = (
                None if size is None else max(0, size - (position.offset if position else 0))
            )
        lags.append(entry)
    return lags


def status(floor: Floor) -> dict[str, Any]:
    """Everything `floorman status --json` prints."""
    db_path = floor.db.path
    pid = running_pid(db_path)
    health = read_health(db_path) or {}
    now = floor.clock.now()
    stale = False
    if pid is not None and health.get("updated_at"):
        age = (now - datetime.fromisoformat(health["updated_at"])).total_seconds()
        stale = age > STALE_AFTER_SECONDS
    running_feeds = {f.get("source"): f for f in health.get("feeds", [])} if pid else {}
    feeds = []
    for lag in _feed_lag(floor):
        feeds.append({**lag, **running_feeds.get(lag["source"], {"state": "not running"})})
    return {
        "database": str(db_path),
        "service": {
            "running": pid is not None,
            "pid": pid,
            "stale": stale,
            "started_at": health.get("started_at") if pid else None,
            "updated_at": health.get("updated_at") if pid else None,
            "scheduler": health.get("scheduler") if pid else None,
            "web": health.get("web") if pid else None,
            "stopped_at": health.get("stopped_at") if pid is None else None,
        },
        "feeds": feeds,
        "last_alert_fired": _last_fired(floor),
        "last_backup": _last_backup(floor),
        "last_check": health.get("last_check"),
    }


def status_lines(report: dict[str, Any]) -> list[str]:
    """The same as short lines for a person (and for `systemctl status` logs), in the
    run's language."""
    service = report["service"]
    if service["running"]:
        state = t("running (pid {pid}) since {at}", pid=service["pid"], at=service["started_at"])
        if service["stale"]:
            state += t("; NOT RESPONDING: last sign of life {at}", at=service["updated_at"])
    else:
        state = t("not running")
        if service["stopped_at"]:
            state += t(" (stopped {at})", at=service["stopped_at"])
    lines = [t("floorman service on {path}: {state}", path=report["database"], state=state)]
    scheduler = service.get("scheduler") or {}
    if service["running"]:
        lines.append(
            t(
                "  alert scheduler: {state}, {count} pending alert job(s)",
                state=t(str(scheduler.get("state", "?"))),
                count=scheduler.get("jobs", 0),
            )
        )
    if service.get("web"):
        lines.append(t("  web: {url}", url=service["web"].get("url")))
    for feed in report["feeds"]:
        lag = ""
        if feed.get("lag_bytes") is not None:
            lag = t(", {count} bytes behind", count=feed["lag_bytes"])
        error = (
            t(", last error: {error}", error=feed["last_error"]) if feed.get("last_error") else ""
        )
        lines.append(
            t(
                "  feed {source} ({kind} {target}): {state}",
                source=feed["source"],
                kind=feed["kind"],
                target=feed["target"],
                state=t(str(feed.get("state"))),
            )
            + lag
            + error
        )
    fired = report["last_alert_fired"]
    said = (
        f"{fired['at']} {t(fired['kind'])} {fired['subject']} ({fired['by']})"
        if fired
        else t("none")
    )
    lines.append(t("  last alert fired: {alert}", alert=said))
    backup = report["last_backup"]
    said = f"{backup['at']} {backup['path']}" if backup else t("none")
    lines.append(t("  last backup: {backup}", backup=said))
    check = report["last_check"]
    if check:
        verdict = (
            t("sound")
            if check["sound"]
            else t("PROBLEMS: {problems}", problems="; ".join(check["problems"][:3]))
        )
        lines.append(t("  last daily check: {at} {verdict}", at=check["at"], verdict=verdict))
    return lines
