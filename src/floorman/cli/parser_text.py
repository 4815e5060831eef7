"""argparse's own words in the command line's language: `usage:`, `the following arguments
are required`, `invalid choice`, `unrecognized arguments`; and every command's help.

argparse looks each of its sentences up through its module's `_` (and `ngettext`) at the
moment it says it. Pointed at floorman's one translation function, a `--lang zh` refusal
reads in Chinese (the templates and their Chinese are in locales/zh_CN/cli.toml); in
English they are argparse's own words, unchanged.

The commands' own help (`help=`, descriptions, the command lists) is written in English
where the parsers are built and said in the run's language by `FloorHelpFormatter` when
`--help` prints it (the Chinese is in locales/zh_CN/cli_help.toml): the floor service
builds its parsers once and answers each handed-over call in that call's language.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from floorman.i18n import cells, t

# What argparse's parser says of itself, translated once at build time through `_`: kept
# in English on the parser (`english_titles`) and translated when help is printed.
_POSITIONALS, _OPTIONALS = "positional arguments", "options"
_HELP_HELP = "show this help message and exit"
# A line of Chinese is not cut before a closing mark nor after an opening one.
_CLOSING, _OPENING = "，。；：、）」》", "（「《"


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


def english_titles(parser: argparse.ArgumentParser) -> None:
    """Put back the English of the headings and of `-h`'s help that argparse translated
    while building `parser`: a parser built during a Chinese run then still says them in
    the language of each later run (the formatter translates them)."""
    parser._positionals.title = _POSITIONALS
    parser._optionals.title = _OPTIONALS
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = _HELP_HELP


def _wide(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def wrap_cells(text: str, width: int) -> list[str]:
    """`text` cut into lines of at most `width` terminal cells: between words, and between
    any two Chinese characters (a Chinese sentence has no spaces), never inside a Latin
    word, before a closing mark (，。；：）) or after an opening one (（)."""
    pieces: list[str] = []
    for word in text.split():
        if pieces:
            pieces.append(" ")
        run = ""
        for ch in word:
            if _wide(ch) and ch not in _CLOSING and not run.endswith(tuple(_OPENING)):
                if run:
                    pieces.append(run)
                run = ch
            else:
                run += ch
        pieces.append(run)
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and cells(line + piece) > width and piece != " ":
            lines.append(line.rstrip())
            line = ""
        if line or piece != " ":
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


def fit_usage(usage: str, width: int) -> str:
    """argparse's usage with every line at most `width` cells: argparse never breaks a
    part (`{viewer,duty_manager,...}`, a group `(--a | --b | --c)`), so a line it leaves
    wider is cut after a space or a comma and goes on at the same indent."""
    lines: list[str] = []
    for line in usage.split("\n"):
        if cells(line) <= width:
            lines.append(line)
            continue
        content = line.lstrip(" ")
        indent = " " * (len(line) - len(content))
        current = indent
        for piece in re.split(r"(?<=[ ,])", content):
            if current.strip() and cells(current + piece.rstrip()) > width:
                lines.append(current.rstrip())
                current = indent
            current += piece
        lines.append(current.rstrip())
    return "\n".join(lines)


class FloorHelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, saying each help text, description and heading through
    `floorman.i18n.t` as it prints it (English unchanged), and wrapping Chinese by
    terminal cells (a Chinese character takes two)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wide_headings: set[str] = set()

    def start_section(self, heading: str | None) -> None:
        said = t(heading) if heading else heading
        if said and _wide(said):
            self._wide_headings.add(said)
        super().start_section(said)

    def format_help(self) -> str:
        text = super().format_help()
        # argparse puts an ASCII colon after each heading; a Chinese one takes `：`.
        for heading in self._wide_headings:
            text = text.replace(f"{heading}:\n", f"{heading}：\n")
        return text

    def _format_text(self, text: str) -> str:
        return super()._format_text(t(text))

    def _format_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None,
    ) -> str:
        said = t("usage: ") if prefix is None else prefix
        if not _wide(said):
            return fit_usage(super()._format_usage(usage, actions, groups, said), self._width)
        # argparse measures the prefix in characters: laid out behind as many spaces as
        # the prefix takes cells, the lines wrap and align as they appear on the terminal.
        width = cells(said)
        laid_out = super()._format_usage(usage, actions, groups, " " * width)
        return fit_usage(said + laid_out[width:], self._width)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return t(action.help) if action.help else action.help

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not _wide(text):
            return super()._split_lines(text, width)
        return wrap_cells(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if not _wide(text):
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in wrap_cells(text, width))
