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
