"""Configuration: where the database lives, the time zone, the language and the limits.

The config file is TOML in the user config dir (or `FLOORMAN_CONFIG`). Every key has a
default, so a floor runs with no file at all. A bad file is refused with a message that
names the file, the key and what is wrong, because a duty manager at 3 a.m. must be able
to fix it without reading code.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Re-exported: the default paths are the config's to name (see paths.py for why apart).
from floorman.paths import APP_NAME as APP_NAME
from floorman.paths import default_config_path as default_config_path
from floorman.paths import default_data_dir as default_data_dir
from floorman.paths import default_db_path as default_db_path
from floorman.translated import TranslatedError


class ConfigError(TranslatedError, ValueError):
    """A config file that cannot be used; the message names file, key and problem (a
    message id and values, said in the language it is shown in)."""


@dataclass(frozen=True)
class AwayReason:
    """One reason an agent may leave the seat, with its own time limit."""

    key: str
    en: str
    zh: str
    limit_seconds: int = 300


DEFAULT_AWAY_REASONS: tuple[AwayReason, ...] = (
    AwayReason("toilet", "Toilet", "如厕", 300),
    AwayReason("water", "Water", "饮水", 180),
    AwayReason("coaching", "Coaching", "辅导", 300),
    AwayReason("technical", "Technical problem", "技术故障", 300),
    AwayReason("other", "Other", "其他", 300),
)


@dataclass(frozen=True)
class AwayConfig:
    """Limits for away slips (示忙单)."""

    default_limit_seconds: int = 300
    warning_seconds: int = 240
    escalate_after_minutes: int = 3
    reasons: tuple[AwayReason, ...] = DEFAULT_AWAY_REASONS


@dataclass(frozen=True)
class OperatorsConfig:
    """Login, idle lock, PIN lockout, and the key a feed must present (when set)."""

    idle_lock_minutes: int = 5
    max_pin_attempts: int = 5
    lockout_minutes: int = 15
    # When set, every agent state recorded as a source (`event --source`, `feed`, an
    # event without a login on a floor with operators) must present it in
    # FLOORMAN_FEED_KEY. Empty: any local program may record agent states.
    feed_key: str = ""


@dataclass(frozen=True)
class VisitorsConfig:
    """Visitor registration: how long personal data is kept."""

    retention_days: int = 30
    default_duration_minutes: int = 60


@dataclass(frozen=True)
class ShiftsConfig:
    """Shift pattern in local time, e.g. "08:00-16:00"; handover reminders."""

    pattern: tuple[str, ...] = ("08:00-16:00", "16:00-24:00", "00:00-08:00")
    remind_before_minutes: int = 30
    escalate_after_minutes: int = 30


@dataclass(frozen=True)
class AttendanceConfig:
    """The manual's attendance rules (考勤制度): fines in yuan, and days without leave."""

    fine_up_to_5_minutes: int = 2
    fine_up_to_10_minutes: int = 5
    # The manual is silent between 10 and 30 minutes; the 10-minute fine applies.
    fine_over_10_minutes: int = 5
    half_day_absent_minutes: int = 30
    fine_absent_day: int = 50
    extra_fine_3_in_a_row_or_5_in_month: int = 20
    extra_fine_5_in_a_row_or_10_in_month: int = 50
    dismissal_absent_days: int = 3
    summary_day_of_month: int = 21
    holidays: tuple[str, ...] = ()
    billing_days: tuple[str, ...] = ()


@dataclass(frozen=True)
class BackupConfig:
    """Scheduled backups and their rotation."""

    directory: str = ""
    hourly_keep: int = 24
    daily_keep: int = 14


@dataclass(frozen=True)
class SyncConfig:
    """`[sync]`: the central server `floorman serve` sends this floor to (issue 18).

    `central` is a libpq URL without a password (PGPASSFILE or the service file holds
    it); empty means the service does not sync."""

    central: str = ""
    interval_seconds: float = 1.0
    snapshot_every_seconds: float = 2.0
    batch_rows: int = 2000


@dataclass(frozen=True)
class AlertsConfig:
    """The bell: `bell = false` silences it; it rings at most once per `bell_min_seconds`
    on one terminal, however many alerts fire or escalate meanwhile."""

    bell: bool = True
    bell_min_seconds: int = 30


FEED_KINDS = ("asterisk", "jsonl")


@dataclass(frozen=True)
class FeedConfig:
    """One `[[feeds]]` entry that `floorman serve` runs: an Asterisk queue_log (`path`,
    `map`) or JSON Lines on a named pipe (`pipe`) or a local socket (`socket`)."""

    kind: str
    source: str
    path: str = ""
    map: str = ""
    pipe: str = ""
    socket: str = ""
    interval_seconds: float = 1.0

    @property
    def target(self) -> str:
        """The file, pipe or socket the feed reads."""
        return self.path or self.pipe or self.socket


@dataclass(frozen=True)
class Config:
    """Everything floorman reads from its config file, with defaults for every key."""

    timezone: str = ""
    language: str = ""
    source: str = "(defaults)"
    away: AwayConfig = field(default_factory=AwayConfig)
    operators: OperatorsConfig = field(default_factory=OperatorsConfig)
    visitors: VisitorsConfig = field(default_factory=VisitorsConfig)
    shifts: ShiftsConfig = field(default_factory=ShiftsConfig)
    backup: BackupConfig = field(default_factory=BackupConfig)
    attendance: AttendanceConfig = field(default_factory=AttendanceConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    feeds: tuple[FeedConfig, ...] = ()
    sync: SyncConfig = field(default_factory=SyncConfig)

    def zone(self) -> ZoneInfo:
        """The configured IANA time zone, else the machine's, else UTC."""
        name = self.timezone or _machine_zone_name()
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def reason(self, key: str) -> AwayReason | None:
        return next((r for r in self.away.reasons if r.key == key), None)


def _machine_zone_name() -> str:
    tz = os.environ.get("TZ", "")
    if tz:
        return tz.lstrip(":")
    try:
        link = os.readlink("/etc/localtime")
        return link.split("zoneinfo/", 1)[1]
    except (OSError, IndexError):
        return "UTC"


_SECTIONS: dict[str, type] = {
    "away": AwayConfig,
    "operators": OperatorsConfig,
    "visitors": VisitorsConfig,
    "shifts": ShiftsConfig,
    "backup": BackupConfig,
    "attendance": AttendanceConfig,
    "sync": SyncConfig,
    "alerts": AlertsConfig,
}


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file gives the defaults, a bad one a ConfigError."""
    path = path or default_config_path()
    try:
        exists = path.exists()
    except (OSError, ValueError) as exc:  # a name too long for the file system, a NUL...
        raise ConfigError("{path}: cannot be read: {problem}", path=path, problem=exc) from exc
    if not exists:
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("{path}: not valid TOML: {problem}", path=path, problem=exc) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("{path}: cannot be read: {problem}", path=path, problem=exc) from exc
    return parse_config(raw, str(path))


def parse_config(raw: dict[str, Any], source: str) -> Config:
    """Turn a parsed TOML document into a Config, naming the first bad key."""
    top: dict[str, Any] = {"source": source}
    for key, value in raw.items():
        if key in ("timezone", "language"):
            if not isinstance(value, str):
                raise ConfigError("{source}: key '{key}' must be a string", source=source, key=key)
            top[key] = value
        elif key in _SECTIONS:
            if not isinstance(value, dict):
                raise ConfigError("{source}: [{key}] must be a table", source=source, key=key)
            top[key] = _parse_section(key, _SECTIONS[key], value, source)
        elif key == "feeds":
            top[key] = _parse_feeds(value, source)
        else:
            raise ConfigError("{source}: unknown key '{key}'", source=source, key=key)
    config = Config(**top)
    if config.timezone:
        try:
            ZoneInfo(config.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                "{source}: key 'timezone': unknown IANA time zone '{zone}'",
                source=source,
                zone=config.timezone,
            ) from exc
    if config.language and config.language not in ("en", "zh"):
        raise ConfigError("{source}: key 'language': must be 'en' or 'zh'", source=source)
    return config


def _parse_section(name: str, kind: type, values: dict[str, Any], source: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(kind)}
    parsed: dict[str, Any] = {}
    for key, value in values.items():
        where = {"source": source, "key": f"{name}.{key}"}
        if key not in fields:
            raise ConfigError("{source}: unknown key '{key}'", **where)
        default = getattr(kind(), key)
        if key == "reasons":
            parsed[key] = _parse_reasons(value, where)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(
                    "{source}: key '{key}': must be true or false, got {value}",
                    value=repr(value),
                    **where,
                )
            parsed[key] = value
        elif not isinstance(default, int | str | tuple):
            parsed[key] = value
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(
                    "{source}: key '{key}': must be a whole number >= 0, got {value}",
                    value=repr(value),
                    **where,
                )
            parsed[key] = value
        elif isinstance(default, str):
            if not isinstance(value, str):
                raise ConfigError(
                    "{source}: key '{key}': must be a string, got {value}",
                    value=repr(value),
                    **where,
                )
            parsed[key] = value
        else:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError("{source}: key '{key}': must be a list of strings", **where)
            parsed[key] = tuple(value)
    section = kind(**parsed)
    if isinstance(section, SyncConfig):
        _check_sync(section, source)
    if isinstance(section, AwayConfig) and section.warning_seconds > section.default_limit_seconds:
        raise ConfigError(
            "{source}: key 'away.warning_seconds': must not exceed away.default_limit_seconds",
            source=source,
        )
    return section


def _check_sync(sync: SyncConfig, source: str) -> None:
    for key, low, high in (("interval_seconds", 0.05, 3600), ("snapshot_every_seconds", 0, 3600)):
        value = getattr(sync, key)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not low <= value <= high:
            raise ConfigError(
                "{source}: key '{key}': must be {low} to {high} seconds",
                source=source,
                key=f"sync.{key}",
                low=low,
                high=high,
            )
    if not 1 <= sync.batch_rows <= 100_000:
        raise ConfigError("{source}: key 'sync.batch_rows': must be 1 to 100000", source=source)


def _parse_reasons(value: Any, where: dict[str, str]) -> tuple[AwayReason, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError("{source}: key '{key}': must be a non-empty list of tables", **where)
    reasons = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise ConfigError(
                "{source}: key '{key}': entry {index} needs a string 'key'", index=index, **where
            )
        limit = item.get("limit_seconds", 300)
        if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
            raise ConfigError(
                "{source}: key '{key}': entry {index}: limit_seconds must be > 0",
                index=index,
                **where,
            )
        key = item["key"]
        reasons.append(AwayReason(key, str(item.get("en", key)), str(item.get("zh", key)), limit))
    return tuple(reasons)


def _parse_feeds(value: Any, source: str) -> tuple[FeedConfig, ...]:
    """`[[feeds]]`: each entry's kind, its one target, and a source name used once."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError("{source}: [[feeds]] must be a list of tables", source=source)
    feeds: list[FeedConfig] = []
    known = {f.name for f in dataclasses.fields(FeedConfig)}
    for index, item in enumerate(value, start=1):
        where = {"source": source, "index": index}
        for key in item:
            if key not in known:
                raise ConfigError(
                    "{source}: feeds entry {index}: unknown key '{key}'", key=key, **where
                )
        kind = item.get("kind")
        if kind not in FEED_KINDS:
            raise ConfigError(
                "{source}: feeds entry {index}: key 'kind' must be 'asterisk' or 'jsonl', "
                "got {kind}",
                kind=repr(kind),
                **where,
            )
        for key in ("source", "path", "map", "pipe", "socket"):
            if key in item and (not isinstance(item[key], str) or not item[key].strip()):
                raise ConfigError(
                    "{source}: feeds entry {index}: key '{key}' must be a non-empty string",
                    key=key,
                    **where,
                )
        interval = item.get("interval_seconds", 1.0)
        if (
            not isinstance(interval, int | float)
            or isinstance(interval, bool)
            or not 0.05 <= interval <= 3600
        ):
            raise ConfigError(
                "{source}: feeds entry {index}: key 'interval_seconds' must be between 0.05 "
                "and 3600",
                **where,
            )
        targets = [k for k in ("path", "pipe", "socket") if k in item]
        if kind == "asterisk" and targets != ["path"]:
            raise ConfigError(
                "{source}: feeds entry {index}: an asterisk feed needs 'path' (its queue_log) only",
                **where,
            )
        if kind == "jsonl" and targets not in (["pipe"], ["socket"]):
            raise ConfigError(
                "{source}: feeds entry {index}: a jsonl feed needs one of 'pipe' or 'socket'",
                **where,
            )
        if kind == "jsonl" and "map" in item:
            raise ConfigError(
                "{source}: feeds entry {index}: key 'map' is for asterisk feeds only", **where
            )
        name = item.get("source", kind)
        if any(f.source == name for f in feeds):
            raise ConfigError(
                "{source}: feeds entry {index}: source '{name}' is used by an earlier feed",
                name=name,
                **where,
            )
        paths = ("path", "map", "pipe", "socket")
        values = {k: _absolute(item[k], source) for k in paths if k in item}
        feeds.append(FeedConfig(kind=kind, source=name, interval_seconds=float(interval), **values))
    return tuple(feeds)


def _absolute(value: str, source: str) -> str:
    """A feed path as written, made absolute against the config file's folder."""
    path = Path(value).expanduser()
    if not path.is_absolute() and source != "(defaults)":
        path = Path(source).parent / path
    return str(path)
