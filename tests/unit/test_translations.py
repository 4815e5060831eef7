"""Every user-visible string of the UI has its Simplified Chinese translation."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from floorman import i18n

SRC = Path(i18n.__file__).parent
UI_FILES = sorted(
    [*SRC.glob("screens/*.py"), *SRC.glob("widgets/*.py"), SRC / "app.py", SRC / "domain/header.py"]
)


def literal_messages(path: Path) -> set[str]:
    """The first arguments of t(...) calls that are plain strings (concatenations included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "t"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
        # A table column's labels (widgets/fitted_columns.Column): translated when shown.
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Column":
            labels = [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "short")]
            found |= {a.value for a in labels if isinstance(a, ast.Constant)}
    return found


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_ui_string_has_chinese(path: Path) -> None:
    catalog = i18n._catalog("zh")
    missing = sorted(m for m in literal_messages(path) if m not in catalog)
    assert missing == [], f"{path.name}: no zh_CN translation for {missing}"


def test_translations_keep_their_placeholders() -> None:
    import string

    for english, chinese in i18n._catalog("zh").items():
        fields = {f for _, f, _, _ in string.Formatter().parse(english) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(chinese) if f}, english
