"""One translation function for every user-visible string.

Strings are written in English in the code and looked up in catalogs under
`locales/<lang>/*.toml` (one file per panel, so panels never edit each other's file):
`"English text" = "中文"`. A missing translation falls back to English, never to a crash.
Width helpers count terminal cells, so Chinese (two cells a character) aligns in tables.
"""

from __future__ import annotations

import os
import tomllib
import unicodedata
from functools import cache
from importlib import resources

SUPPORTED = ("en", "zh")
_language = "en"


def resolve_language(explicit: str | None, configured: str = "") -> str:
    """`--lang`, then the config, then LANG / LC_ALL, then English."""
    for candidate in (explicit, configured):
        if candidate:
            return "zh" if candidate.lower().startswith("zh") else "en"
    env = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "zh" if env.lower().startswith("zh") else "en"


def set_language(language: str) -> None:
    global _language
    if language not in SUPPORTED:
        raise ValueError(f"language must be one of {', '.join(SUPPORTED)}")
    _language = language


def language() -> str:
    return _language


@cache
def _catalog(lang: str) -> dict[str, str]:
    folder = {"zh": "zh_CN"}.get(lang)
    if folder is None:
        return {}
    merged: dict[str, str] = {}
    root = resources.files("floorman") / "locales" / folder
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            merged.update(tomllib.loads(entry.read_text(encoding="utf-8")))
    return merged


def t(message: str, /, **values: object) -> str:
    """Translate `message` into the current language and fill in `{named}` values."""
    return translate(_language, message, **values)


def translate(lang: str, message: str, /, **values: object) -> str:
    """`message` in `lang`, whatever the current language (a report asked for in one)."""
    translated = _catalog(lang).get(message, message) if lang != "en" else message
    return translated.format(**values) if values else translated


def cells(text: str) -> int:
    """Width of `text` in terminal cells (wide CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, width: int) -> str:
    """Cut or pad `text` to exactly `width` terminal cells."""
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)



# Chinese line breaking (the rules of 中文排版需求, simplified): a line never starts with a
# closing mark (，。、：；！？）」》 …) nor ends with an opening one (（「《“).
NO_LINE_START = frozenset("，。、：；！？）」』》〉】”’…·,.:;!?)]")
NO_LINE_END = frozenset("（「『《〈【“‘([")


def _alone(ch: str) -> bool:
    """A character that is a break opportunity on its own: a wide one, or a mark."""
    return unicodedata.east_asian_width(ch) in "WF" or ch in NO_LINE_START or ch in NO_LINE_END


def _units(paragraph: str) -> list[str]:
    """What a line may break between: a wide character or a mark, a run of other
    characters (a Latin word, a number, a seat code) or a run of spaces."""
    units: list[str] = []
    for ch in paragraph:
        last = units[-1] if units else ""
        if last and not _alone(ch) and not _alone(last[-1]) and ch.isspace() == last.isspace():
            units[-1] += ch
        else:
            units.append(ch)
    return units


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken where Chinese and English text may
    break: between wide characters and at spaces, never before a closing mark nor after an
    opening one (the unit before it goes down with it). Newlines are kept."""
    width = max(width, 2)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _wrap_paragraph(_units(paragraph), width)
    return lines


def _wrap_paragraph(units: list[str], width: int) -> list[str]:
    lines: list[str] = []
    line: list[str] = []
    for unit in units:
        if unit.isspace():
            # A paragraph's own indent stays; the space a line broke at does not.
            if line or not lines:
                line.append(unit)
            continue
        while cells(unit) > width:  # longer than a line (a long path): cut at the width
            if line:
                lines.append("".join(line).rstrip())
                line = []
            head = fit(unit, width).rstrip()
            lines.append(head)
            unit = unit[len(head) :]
        if cells("".join(line) + unit) <= width or not line:
            line.append(unit)
            continue
        carried: list[str] = []
        if unit[0] in NO_LINE_START:  # down with it until a unit that may start a line
            while line and not line[-1].isspace():
                carried.insert(0, line.pop())
                if carried[0][0] not in NO_LINE_START:
                    break
        while line and line[-1][-1] in NO_LINE_END:
            carried.insert(0, line.pop())
        if not "".join(line).strip() or cells("".join(carried) + unit) > width:
            line += carried  # the rule gives way when nothing else would fit
            carried = []
        lines.append("".join(line).rstrip())
        line = [*carried, unit]
    lines.append("".join(line).rstrip())
    return lines
