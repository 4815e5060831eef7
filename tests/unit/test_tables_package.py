"""data/tables/ lists its table modules explicitly, and importing it costs nothing."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import floorman.data as data
import floorman.data.tables as tables

TABLES = Path(tables.__file__).parent


def test_no_table_module_is_left_outside_the_package() -> None:
    folder = Path(data.__file__).parent
    assert sorted(p.name for p in folder.glob("tables_*.py")) == []
    assert not (folder / "models.py").exists()


def test_all_models_imports_every_table_module() -> None:
    tree = ast.parse((TABLES / "__init__.py").read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "floorman.data.tables"
        for alias in node.names
    }
    modules = {p.stem for p in TABLES.glob("*.py") if p.stem != "__init__"}
    assert imported == modules


def test_all_models_holds_every_table() -> None:
    names = set(tables.all_models().metadata.tables)
    assert {"seat", "journal", "alert", "away_slip", "visitor", "feed_offset"} <= names


def test_importing_the_package_imports_no_table_module() -> None:
    probe = (
        "import json, sys, floorman.data.tables\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('floorman.data.tables'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout) == ["floorman.data.tables"]
