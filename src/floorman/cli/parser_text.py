"""argparse's own words in the command line's language: `usage:`, `the following arguments
are required`, `invalid choice`, `unrecognized arguments`.

argparse looks each of its sentences up through its module's `_` (and `ngettext`) at the
moment it says it. Pointed at floorman's one translation function, a `--lang zh` refusal
reads in Chinese (the templates and their Chinese are in locales/zh_CN/cli.toml); in
English they are argparse's own words, unchanged.
"""

from __future__ import annotations

import argparse

from floorman.i18n import t


def _plural(singular: str, plural: str, count: int) -> str:
    return t(singular if count == 1 else plural)


def speak_the_floor_language() -> None:
    """Route argparse's sentences through `floorman.i18n.t` (once per process is enough)."""
    namespace = vars(argparse)
    namespace["_"] = t
    namespace["ngettext"] = _plural


def asks_for_chinese(argv: list[str]) -> bool:
    """`--lang zh` (or `--lang=zh`) among the arguments, read before argparse parses them,
    so its own refusals of the same arguments are in Chinese too."""
    for position, argument in enumerate(argv):
        if argument == "--":
            return False
        if argument == "--lang" and position + 1 < len(argv):
            return argv[position + 1] == "zh"
        if argument.startswith("--lang="):
            return argument.removeprefix("--lang=") == "zh"
    return False
