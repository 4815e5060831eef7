"""Cleaning text that people and machines type before it is stored or shown.

Visitor names, reasons and notes end up on other people's terminals: an escape sequence
hidden in one could move the cursor, retitle the window or worse. Control characters and
CSI/OSC/other escape sequences are removed; overlong text is refused, not cut silently.

`printable` is the one output sanitiser: everything floorman prints or exports (text,
JSON, markdown, CSV, the journal) passes through it, so a value stored before these rules
(or by a hand edit of the file) still cannot reach a terminal as an escape sequence, a
C0/C1 control or a bidi override.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from floorman.domain.core import bounds
from floorman.domain.core.errors import FloorError, Word

# ESC [ ... final byte (CSI), ESC ] ... BEL or ST (OSC), ESC P/X/^/_ ... ST (DCS, SOS,
# PM, APC), then any other two-byte ESC sequence; also their 8-bit C1 forms.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d).*?(?:\x07|\x1b\\|\x9c|$)"
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f]).*?(?:\x1b\\|\x9c|$)"
    r"|\x1b[@-Z\\-_]?",
    re.DOTALL,
)


def strip_control(value: str, *, multiline: bool = False) -> str:
    """Remove escape sequences and control characters (keeping newlines if multiline)."""
    value = _ESCAPES.sub("", value)
    kept = []
    for ch in value:
        if ch == "\n" and multiline:
            kept.append(ch)
        elif ch == "\t":
            kept.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf") and ch not in ("\u200d",):
            continue
        else:
            kept.append(ch)
    return "".join(kept)


def printable(value: str) -> str:
    """`value` as it may be shown: escape sequences, C0/C1 controls (but newlines), bidi
    overrides and other format characters removed, tabs made spaces. The common case (a
    line with nothing to remove) costs one C-level check."""
    if value.isprintable():
        return value
    return "\n".join(
        line if line.isprintable() else strip_control(line) for line in value.split("\n")
    )


def printable_data(value: Any) -> Any:
    """`value` (JSON-like: dicts, lists, strings, numbers) with every string printable.

    JSON escapes C0 controls as \\u001b, which a reader decodes back into an escape: the
    strings are cleaned before they are encoded, keys included."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(str(k)): printable_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable_data(v) for v in value]
    return value


class PrintableStream(io.TextIOBase):
    """A text stream that passes everything written through `printable` to `target`.

    The command line writes its standard output and error through it: every print of
    every command is covered, including argparse's own messages."""

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self.target = target

    def write(self, text: str) -> int:
        self.target.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def fileno(self) -> int:
        return self.target.fileno()

    def isatty(self) -> bool:
        return self.target.isatty()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", "utf-8")


def clean(
    value: str | None,
    field: str,
    *,
    max_len: int = 200,
    required: bool = False,
    multiline: bool = False,
    identifier: bool = False,
) -> str | None:
    """Strip hostile characters, trim, and refuse empty (when required) or overlong text.

    An `identifier` (a seat id, a staff number, a source) is refused instead when it holds
    control characters: stripped, "A-0<SOH>2" would silently address seat A-02.
    """
    if value is None:
        if required:
            raise FloorError("{field} is required", field=Word(field))
        return None
    stripped = strip_control(value, multiline=multiline)
    if identifier and stripped != value.replace("\t", " "):
        raise FloorError(
            "{field} contains control characters or terminal escape sequences",
            field=Word(field),
        )
    cleaned = stripped.strip()
    if required and not cleaned:
        raise FloorError("{field} must not be empty", field=Word(field))
    if len(cleaned) > max_len:
        raise FloorError(
            "{field} is too long ({cleaned} characters, at most {max_len})",
            field=Word(field),
            cleaned=len(cleaned),
            max_len=max_len,
        )
    return cleaned or None


def identifier(
    value: str | None, field: str, *, required: bool = True, max_len: int = bounds.CODE_MAX
) -> str | None:
    """The one id rule, for seat codes, zones, staff numbers, sources, event ids and
    operator names, from the command line, a CSV file or a feed alike: refused (never
    silently stripped) when it holds control characters or escape sequences, or is longer
    than `max_len` (bounds.CODE_MAX unless said)."""
    return clean(value, field, required=required, max_len=max_len, identifier=True)


def parse_instant(value: str, zone: ZoneInfo) -> datetime:
    """Parse an ISO 8601 time; one without an offset is read in the floor's time zone.

    Refused outside the floor's calendar (`bounds.instant`): year 1 with an offset of
    +14:00 cannot even be converted to UTC."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise FloorError(
            "malformed time '{value}': expected ISO 8601, e.g. 2026-11-23T08:00:00+08:00",
            value=value,
        ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    bounds.instant(parsed, "time")
    return parsed


def one_line(message: str) -> str:
    """A message as one line through the output sanitiser: it may echo user input."""
    return " ".join(printable(message.replace("\r", " ")).split())
