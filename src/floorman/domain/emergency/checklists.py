"""Emergency checklists as data: the manual's procedures, read from TOML files.

The shipped checklists live in `floorman/data/checklists/*.toml` (inside the package, so
they ship in the wheel) and are read with importlib.resources. A center can add its own
procedures, or override a shipped one by reusing its `kind`, with files in the
`checklists` folder next to its config file. A bad file never stops the others loading:
it is left out and reported with its name, the line (for TOML syntax errors) or the key
(for schema errors), and the problem.

A checklist file::

    kind = "fire"                      # optional, defaults to the file name
    priority = 1                       # 1 is the most urgent
    roll_call = true                   # open a roll call of everyone on the floor
    title = { en = "Fire", zh = "火灾" }

    [[timers]]                         # alerts raised while the checklist runs
    after_minutes = 360
    severity = "severe"
    en = "..."
    zh = "..."

    [[steps]]
    en = "Everyone keeps calm."
    zh = "所有人员应保持镇静。"
    reminder_minutes = 2               # optional: alert if not done by then
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from floorman.config import default_config_path
from floorman.domain.alerts import SEVERITIES
from floorman.domain.core.errors import FloorError

KIND_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_STEP_CHARS = 1000
_TOP_KEYS = frozenset({"kind", "priority", "roll_call", "title", "steps", "timers"})
_STEP_KEYS = frozenset({"en", "zh", "reminder_minutes"})
_TIMER_KEYS = frozenset({"after_minutes", "severity", "en", "zh"})


class ChecklistError(FloorError):
    """A checklist file that cannot be used; the message names file, line or key, problem
    (a message id and values, like every refusal: read in the floor's language)."""


def _key(name: str, key: str) -> FloorError:
    """Where in a checklist file: `fire.toml: key 'steps[2].en'`, translated where shown."""
    return FloorError("{name}: key '{key}'", name=name, key=key)


@dataclass(frozen=True)
class ChecklistStep:
    """One step of a procedure, in both languages, with an optional reminder."""

    number: int
    en: str
    zh: str
    reminder_minutes: int | None = None

    def text(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" and self.zh else self.en


@dataclass(frozen=True)
class ChecklistTimer:
    """An alert raised a fixed time after the checklist starts, unless it is closed first."""

    after_minutes: int
    severity: str
    en: str
    zh: str

    def text(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" and self.zh else self.en


@dataclass(frozen=True)
class Checklist:
    """One emergency procedure: its kind, titles, priority, steps and timers."""

    kind: str
    title_en: str
    title_zh: str
    priority: int
    steps: tuple[ChecklistStep, ...]
    roll_call: bool = False
    timers: tuple[ChecklistTimer, ...] = ()
    source: str = "(shipped)"

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title_en


@dataclass(frozen=True)
class ChecklistSet:
    """Every usable checklist by kind, and one message per file that was left out."""

    checklists: dict[str, Checklist] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    def get(self, kind: str) -> Checklist | None:
        return self.checklists.get(kind)

    def ordered(self) -> list[Checklist]:
        """Most urgent first, then by kind."""
        return sorted(self.checklists.values(), key=lambda c: (c.priority, c.kind))


def user_checklists_dir(config_path: Path | None = None) -> Path:
    """The center's own checklists: the `checklists` folder beside its config file."""
    return (config_path or default_config_path()).parent / "checklists"


def _text_field(value: Any, where: FloorError, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise ChecklistError("{where}: must be a non-empty string", where=where)
    if len(value) > MAX_STEP_CHARS:
        raise ChecklistError(
            "{where}: longer than {limit} characters", where=where, limit=MAX_STEP_CHARS
        )
    return value.strip()


def _whole(value: Any, where: FloorError, *, minimum: int = 1) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ChecklistError(
            "{where}: must be a whole number >= {minimum}, got {value}",
            where=where,
            minimum=minimum,
            value=repr(value),
        )
    return value


def _unknown(keys: Any, allowed: frozenset[str], where: str | FloorError) -> None:
    extra = sorted(set(keys) - allowed)
    if extra:
        raise ChecklistError("{where}: unknown key '{key}'", where=where, key=extra[0])


def parse_checklist(raw: dict[str, Any], name: str, default_kind: str) -> Checklist:
    """Turn one parsed TOML document into a Checklist, naming the first bad key."""
    _unknown(raw, _TOP_KEYS, name)
    kind = raw.get("kind", default_kind)
    if not isinstance(kind, str) or not KIND_PATTERN.match(kind):
        raise ChecklistError(
            "{where}: must be lower-case letters, digits, '_' or '-', got {value}",
            where=_key(name, "kind"),
            value=repr(kind),
        )
    priority = _whole(raw.get("priority", 5), _key(name, "priority"))
    roll_call = raw.get("roll_call", False)
    if not isinstance(roll_call, bool):
        raise ChecklistError("{where}: must be true or false", where=_key(name, "roll_call"))
    title = raw.get("title")
    if not isinstance(title, dict):
        raise ChecklistError(
            "{where}: must be a table with 'en' and 'zh'", where=_key(name, "title")
        )
    _unknown(title, frozenset({"en", "zh"}), _key(name, "title"))
    title_en = _text_field(title.get("en"), _key(name, "title.en"))
    title_zh = _text_field(title.get("zh"), _key(name, "title.zh"))

    raw_steps = raw.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ChecklistError(
            "{where}: needs at least one [[steps]] entry", where=_key(name, "steps")
        )
    steps = []
    for number, item in enumerate(raw_steps, start=1):
        key = f"steps[{number}]"
        where = _key(name, key)
        if not isinstance(item, dict):
            raise ChecklistError("{where}: must be a table", where=where)
        _unknown(item, _STEP_KEYS, where)
        reminder = item.get("reminder_minutes")
        steps.append(
            ChecklistStep(
                number=number,
                en=_text_field(item.get("en"), _key(name, f"{key}.en")),
                zh=_text_field(item.get("zh"), _key(name, f"{key}.zh")),
                reminder_minutes=(
                    None
                    if reminder is None
                    else _whole(reminder, _key(name, f"{key}.reminder_minutes"))
                ),
            )
        )

    raw_timers = raw.get("timers", [])
    if not isinstance(raw_timers, list):
        raise ChecklistError(
            "{where}: must be a list of [[timers]] tables", where=_key(name, "timers")
        )
    timers = []
    for index, item in enumerate(raw_timers, start=1):
        key = f"timers[{index}]"
        where = _key(name, key)
        if not isinstance(item, dict):
            raise ChecklistError("{where}: must be a table", where=where)
        _unknown(item, _TIMER_KEYS, where)
        severity = item.get("severity", "warning")
        if severity not in SEVERITIES:
            raise ChecklistError(
                "{where}: must be one of {allowed}, got {value}",
                where=_key(name, f"{key}.severity"),
                allowed=", ".join(SEVERITIES),
                value=repr(severity),
            )
        timers.append(
            ChecklistTimer(
                after_minutes=_whole(
                    item.get("after_minutes"), _key(name, f"{key}.after_minutes")
                ),
                severity=severity,
                en=_text_field(item.get("en"), _key(name, f"{key}.en")),
                zh=_text_field(item.get("zh"), _key(name, f"{key}.zh")),
            )
        )
    return Checklist(
        kind=kind,
        title_en=title_en,
        title_zh=title_zh,
        priority=priority,
        steps=tuple(steps),
        roll_call=roll_call,
        timers=tuple(timers),
        source=name,
    )


def parse_checklist_text(text: str, name: str, default_kind: str) -> Checklist:
    """Parse TOML text; syntax errors carry the line and column tomllib reports."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError("{name}: not valid TOML: {problem}", name=name, problem=exc) from exc
    return parse_checklist(raw, name, default_kind)


def _read(entry: Traversable | Path, name: str) -> Checklist:
    try:
        text = entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError("{name}: cannot be read: {problem}", name=name, problem=exc) from exc
    return parse_checklist_text(text, name, entry.name.removesuffix(".toml"))


def shipped_files() -> list[Traversable]:
    """The checklist files inside the installed package, by name."""
    root = resources.files("floorman") / "data" / "checklists"
    return sorted((e for e in root.iterdir() if e.name.endswith(".toml")), key=lambda e: e.name)


def load_checklists(user_dir: Path | None = None) -> ChecklistSet:
    """The shipped checklists, then the center's own files over them (same kind replaces).

    `user_dir` defaults to `user_checklists_dir()`. Every bad file is left out and
    reported in `problems`; the rest still load.
    """
    found: dict[str, Checklist] = {}
    problems: list[str] = []
    for entry in shipped_files():
        try:
            checklist = _read(entry, f"(shipped) {entry.name}")
        except ChecklistError as exc:
            problems.append(str(exc))
            continue
        found[checklist.kind] = checklist
    folder = user_dir if user_dir is not None else user_checklists_dir()
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            try:
                checklist = _read(path, str(path))
            except ChecklistError as exc:
                problems.append(str(exc))
                continue
            found[checklist.kind] = checklist
    return ChecklistSet(found, tuple(problems))
