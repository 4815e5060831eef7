"""One English string, one Chinese translation: the panels' catalogues never disagree.

The catalogues are merged into one dictionary, so a string translated in two files
differently shows whichever file loads last; `unapproved` read 未批准 on the wallboard
and 未经批准 on the away board. Two different things said with one English word get two
English strings ("Occupancy" of the floor, "Agent occupancy" in Erlang C).
"""

from __future__ import annotations

import tomllib
from importlib import resources


def test_no_string_is_translated_twice_differently() -> None:
    folder = resources.files("floorman") / "locales" / "zh_CN"
    first: dict[str, tuple[str, str]] = {}
    disagreements = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        for english, chinese in tomllib.loads(entry.read_text(encoding="utf-8")).items():
            seen = first.setdefault(english, (entry.name, chinese))
            if seen[1] != chinese:
                disagreements.append((english, seen, (entry.name, chinese)))
    assert disagreements == []
