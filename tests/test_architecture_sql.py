"""Gate 5, one index API: nothing outside ``docmgr/store/index/`` speaks SQL.

Callers ask the index's typed query functions; this test fails on any SQL call, any
``sqlite3`` import or any SQL statement written in a string elsewhere in the package.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "docmgr"
INDEX = PACKAGE / "store" / "index"

SQL_CALLS = {"execute", "executemany", "executescript"}

# an SQL statement as the index writes them (upper-case keywords in their usual order)
SQL_TEXT = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b"
    r"|\bDELETE\s+FROM\b|\bCREATE\s+(VIRTUAL\s+)?(TABLE|INDEX)\b|\bDROP\s+TABLE\b"
    r"|\bPRAGMA\s+\w+|\bMATCH\s+\?|\bWHERE\s+\w+(\.\w+)?\s*(=|IN\b|LIKE\b)"
)


def _outside_the_index() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if INDEX not in p.parents)


def _sql_in(path: Path) -> list[str]:
    """Every place in the file that speaks SQL (as 'line: what')."""
    found: list[str] = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in SQL_CALLS:
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: import sqlite3" for a in node.names if a.name == "sqlite3"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlite3"):
            found.append(f"{node.lineno}: from sqlite3 import")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL_TEXT.search(node.value):
                found.append(f"{node.lineno}: SQL text {node.value[:60]!r}")
    return found


def test_no_sql_outside_the_index_package() -> None:
    offenders = {
        str(path.relative_to(PACKAGE.parent)): hits
        for path in _outside_the_index()
        if (hits := _sql_in(path))
    }
    assert offenders == {}, "move these into docmgr/store/index/queries.py"


@pytest.mark.parametrize(
    "source",
    [
        "rows = index.con.execute('x')",
        "con.executemany(q, rows)",
        "con.executescript(schema)",
        "import sqlite3",
        "from sqlite3 import connect",
        "Q = 'SELECT rel FROM docs WHERE name = ?'",
        "Q = \"INSERT OR REPLACE INTO meta(key, value) VALUES('v', ?)\"",
        "Q = 'PRAGMA data_version'",
        "Q = 'DELETE FROM docs'",
    ],
)
def test_the_detector_sees_sql(tmp_path: Path, source: str) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(source + "\n")
    assert _sql_in(sample)


@pytest.mark.parametrize(
    "source",
    [
        "HELP = 'select the documents you want, then update them'",
        "MSG = 'Error: pass --query TEXT or a filter'",
        "rows = queries.search(index, wanted)",
    ],
)
def test_the_detector_ignores_prose(tmp_path: Path, source: str) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(source + "\n")
    assert _sql_in(sample) == []
