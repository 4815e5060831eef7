"""Snapshot tests: every panel, in English and Chinese, at 80x24 and 160x50.

Each picture is the real app on the fixed demo floor at a fixed clock (see scenes.py),
taken in one fresh interpreter per language, and compared with the accepted SVG
in __snapshots__/: a cut column, a misaligned Chinese cell or a lost key in the footer is
a failing diff. Test ids are `<panel>-<lang>-<width>x<height>`, so a baseline keeps its
file name when panels are added.

Regenerate the baselines after an intended change of a screen (then look at them):

    .venv/bin/python -m pytest tests/app/snapshots -n 0 -p no:randomly --snapshot-update
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from pytest_textual_snapshot import SVGImageExtension

from tests.app.snapshots.scenes import LANGUAGES, SCENES, SIZES

ROOT = Path(__file__).resolve().parents[3]
CASES = [
    pytest.param(
        scene,
        language,
        size,
        id=f"{scene}-{language}-{size[0]}x{size[1]}",
        # One worker per language under `-n auto`: each language is one interpreter's work.
        marks=pytest.mark.xdist_group(language),
    )
    for scene in SCENES
    for language in LANGUAGES
    for size in SIZES
]


@cache
def photographs(language: str) -> dict[str, dict]:
    """Every panel at both sizes in one language, from one fresh interpreter (cached)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LANG", "LC_ALL", "LANGUAGE") and not key.startswith("FLOORMAN_")
    }
    env |= {"TEXTUAL_ANIMATIONS": "none", "COLUMNS": "", "LINES": ""}
    sizes = [f"{w}x{h}" for w, h in SIZES]
    result = subprocess.run(
        [sys.executable, "-m", "tests.app.snapshots.scenes", language, *sizes],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.mark.parametrize(("scene", "language", "size"), CASES)
def test_panel(scene: str, language: str, size: tuple[int, int], snapshot) -> None:
    svg = photographs(language)[f"{scene} {size[0]}x{size[1]}"]["svg"]
    assert svg == snapshot(extension_class=SVGImageExtension)
