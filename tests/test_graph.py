"""ticket graph: Mermaid nodes and edges for a ticket's docs and related files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import Result

from docmgr.reports.graph import node_id, sanitize

DOC = """---
Title: {title}
Ticket: G-1
DocType: {doc_type}
RelatedFiles:
{related}---
body
"""


def _setup(repo: Path) -> Path:
    folder = repo / "ttmp" / "2026/01/03/G-1--graph"
    (folder / "design").mkdir(parents=True)
    (folder / "index.md").write_text(
        DOC.format(
            title="Graph",
            doc_type="index",
            related="    - Path: repo://pkg/a.go\n      Note: entry point\n",
        )
    )
    (folder / "design" / "01-x.md").write_text(
        DOC.format(
            title='Say "hi" [now]',
            doc_type="design-doc",
            related="    - Path: repo://pkg/a.go\n    - Path: pkg/b.go\n      Note: |-\n"
            "        line one\n        line two\n",
        )
    )
    (repo / ".git").mkdir()
    return folder


def test_graph_mermaid(invoke: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    folder = _setup(repo)
    out = invoke(["ticket", "graph", "--ticket", "G-1", "--format", "mermaid"], cwd=repo).stdout
    lines = out.splitlines()
    assert lines[0] == "graph TD"
    index_id = node_id("D", str(folder / "index.md"))
    a_id = node_id("F", "repo://pkg/a.go")
    assert f'  {index_id}["index: Graph\\n(2026/01/03/G-1--graph/index.md)"]' in lines
    assert f"  {index_id} -->|entry point| {a_id}" in lines
    assert f"  {node_id('D', str(folder / 'design/01-x.md'))} --> {a_id}" in lines
    assert f'  {node_id("F", "pkg/b.go")}["pkg/b.go"]' in lines
    assert "design-doc: Say 'hi' (now)" in out
    assert f"  class {a_id} file;" in lines


def test_graph_markdown_and_rows(invoke: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _setup(repo)
    out = invoke(["ticket", "graph", "--ticket", "G-1", "--direction", "LR"], cwd=repo).stdout
    assert out.startswith("```mermaid\ngraph LR\n") and out.endswith("```\n")
    rows = json.loads(
        invoke(["ticket", "graph", "--ticket", "G-1", "--output", "json"], cwd=repo).stdout
    )
    assert [(Path(r["from_path"]).name, r["to_path"], r["label"]) for r in rows] == [
        ("01-x.md", "pkg/b.go", "line one\nline two"),
        ("01-x.md", "repo://pkg/a.go", ""),
        ("index.md", "repo://pkg/a.go", "entry point"),
    ]
    bad = invoke(["ticket", "graph", "--ticket", "G-1", "--direction", "UP"], cwd=repo, expect=2)
    assert "invalid --direction" in bad.stderr


def test_helpers() -> None:
    assert node_id("D", "x") == node_id("D", "x") and len(node_id("D", "x")) == 12
    assert node_id("D", "x") != node_id("D", "y")
    assert sanitize('a\n"b"|[c]', 100) == "a\\n'b'/(c)"
    assert sanitize("é" * 100, 11) == "é" * 5 + "…"
