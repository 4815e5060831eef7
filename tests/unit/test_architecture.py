"""The shape of the code the rules ask for: no import cycle, no module over 500 lines.

The layers themselves are import-linter's contracts (pyproject.toml, `lint-imports`);
these two checks are plain tests so that `pytest` alone fails on them too.
"""

from __future__ import annotations

from pathlib import Path

import grimp

import floorman

SOURCE = Path(floorman.__file__).parent
MIGRATIONS = "floorman.data.migrations"
MAX_LINES = 500


def import_graph() -> dict[str, set[str]]:
    """Every module of floorman (migrations aside) and the floorman modules it imports.

    All imports count, at module level or inside a function (a lazy import is still a
    dependency); imports under `if TYPE_CHECKING:` never run and are left out.
    """
    graph = grimp.build_graph("floorman", exclude_type_checking_imports=True)
    modules = {m for m in graph.modules if not m.startswith(MIGRATIONS)}
    return {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}


def import_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, pending = work[-1]
            if pending:
                target = pending.pop()
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, sorted(edges[target])))
                elif target in on_stack:
                    low[module] = min(low[module], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def test_the_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert import_cycles(edges) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_in_floorman() -> None:
    cycles = import_cycles(import_graph())
    assert cycles == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_no_module_over_500_lines() -> None:
    too_long = {}
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE.parent)
        if relative.parts[:3] == ("floorman", "data", "migrations"):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            too_long[str(relative)] = lines
    assert too_long == {}, f"modules over {MAX_LINES} lines: {too_long}"
