"""The package's shape, checked from the source: layers, no import cycles, SQL in one place.

Every ``import`` of a docmgr module is counted, at module level, inside functions and
under ``TYPE_CHECKING`` alike (ast, nothing is imported). Layers, bottom to top:
``model``/``errors`` → ``seams`` → ``formats`` → ``store`` → ``ops`` | ``reports`` →
``web`` → ``cli``; a module imports its own layer or lower ones, and ``ops`` and ``reports`` do not
import each other (shared code moves down to ``store`` or ``formats``).
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "docmgr"


# layer name -> rank; a module may import ranks <= its own, and within one rank only its
# own layer (ops and reports share a rank but are separate layers)
LAYERS = {
    "model": 0,
    "errors": 0,
    "slotted": 0,  # the records' equality and repr, under model and errors
    "tuples": 0,  # NamedTuple without its start-up cost, under model and everything else
    "__init__": 0,  # docmgr/__init__.py: the version, nothing else
    "seams": 1,
    "formats": 2,
    "store": 3,
    "ops": 4,
    "reports": 4,
    "web": 5,  # api serve / site build: reads through reports, writes through ops
    "cli": 6,
    "__main__": 7,
}


# one layer for the purpose of "same layer"
BOTTOM = {"model", "errors", "slotted", "tuples", "__init__"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every docmgr module by dotted name."""
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str:
    """``docmgr.store.index.queries`` -> ``store``; ``docmgr`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _is_package(module: str) -> bool:
    return modules()[module].name == "__init__.py"


def _resolve_from(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not _is_package(module):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def imports() -> dict[str, list[tuple[str, int]]]:
    """module -> [(imported docmgr module, line)] for every import statement in it."""
    known = modules()
    out: dict[str, list[tuple[str, int]]] = {}
    for name, path in known.items():
        found: list[tuple[str, int]] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found += [(a.name, node.lineno) for a in node.names if a.name in known]
            elif isinstance(node, ast.ImportFrom):
                target = _resolve_from(name, node)
                if not (target == "docmgr" or target.startswith("docmgr.")):
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in known:
                        found.append((sub, node.lineno))
                    elif target in known:
                        found.append((target, node.lineno))
        out[name] = found
    return out


def test_every_module_has_a_layer() -> None:
    assert sorted({layer(m) for m in modules()} - set(LAYERS)) == []


def layer_violations(edges: dict[str, list[tuple[str, int]]]) -> list[str]:
    """Imports that point up the layers or across ops/reports, as ``module:line ...``."""
    wrong = []
    for module, targets in edges.items():
        mine = layer(module)
        for target, line in targets:
            theirs = layer(target)
            same = theirs == mine or (theirs in BOTTOM and mine in BOTTOM)
            if LAYERS[theirs] > LAYERS[mine] or (LAYERS[theirs] == LAYERS[mine] and not same):
                wrong.append(f"{module}:{line} imports {target} ({mine} -> {theirs})")
    return wrong


def test_imports_point_down_the_layers() -> None:
    assert layer_violations(imports()) == []


def test_the_layer_check_finds_violations() -> None:
    edges = {
        "docmgr.store.lookup": [("docmgr.cli._common", 3), ("docmgr.formats.diary", 4)],
        "docmgr.ops.meta": [("docmgr.reports.validate", 7), ("docmgr.model", 8)],
        "docmgr.model": [("docmgr.errors", 2)],
    }
    assert layer_violations(edges) == [
        "docmgr.store.lookup:3 imports docmgr.cli._common (store -> cli)",
        "docmgr.ops.meta:7 imports docmgr.reports.validate (ops -> reports)",
    ]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (or a self-import)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    graph = {m: {t for t, _line in targets} for m, targets in imports().items()}
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"a"}}) == [["a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


_SQL_CALLS = {"execute", "executemany", "executescript"}


_SQL_TEXT = re.compile(
    r"\b(?:SELECT\s.*\bFROM\b|INSERT\s+(?:OR\s+\w+\s+)?INTO\b|UPDATE\s+\w+\s+SET\b|"
    r"DELETE\s+FROM\b|CREATE\s+(?:VIRTUAL\s+)?(?:TABLE|INDEX)\b|DROP\s+(?:TABLE|INDEX)\b|"
    r"PRAGMA\s)",
    re.DOTALL,
)


def sql_outside_the_index() -> list[str]:
    """Every SQL call or SQL text outside docmgr/store/index/, as ``module:line what``."""
    found = []
    index = PACKAGE / "store" / "index"
    for name, path in modules().items():
        if path.is_relative_to(index):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _SQL_CALLS
            ):
                found.append(f"{name}:{node.lineno} .{node.func.attr}(")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _SQL_TEXT.search(node.value)
            ):
                found.append(f"{name}:{node.lineno} {node.value.strip()[:40]!r}")
    return found


def test_the_sql_finder_finds_sql(tmp_path: Path) -> None:
    assert _SQL_TEXT.search("SELECT rel FROM docs")
    assert _SQL_TEXT.search("INSERT OR REPLACE INTO docs VALUES (?)")
    assert not _SQL_TEXT.search("select the documents from the index")


def test_sql_only_in_the_index() -> None:
    assert sql_outside_the_index() == []
