"""ticket graph: Mermaid nodes and edges for a ticket's docs and related files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


# ------------------------------------------------------- --scope repo, --depth, --expand-files


def _doc(folder: Path, name: str, ticket: str, doc_type: str, files: list[str]) -> Path:
    related = "".join(f"    - Path: {f}\n      Note: {ticket} uses it\n" for f in files)
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"---\nTitle: {ticket} {doc_type}\nTicket: {ticket}\nDocType: {doc_type}\n"
        f"RelatedFiles:\n{related}---\nbody\n",
        encoding="utf-8",
    )
    return path


def _chain(repo: Path) -> dict[str, Path]:
    """G-1 relates a and b; G-2 relates a (spelled without its anchor) and c; G-3 c and d;
    G-4 relates nothing the others do."""
    base = repo / "ttmp" / "2026/01/03"
    (repo / ".git").mkdir(parents=True)
    for name in ("a", "b", "c", "d", "e"):
        (repo / "pkg").mkdir(exist_ok=True)
        (repo / "pkg" / f"{name}.go").write_text("package pkg\n", encoding="utf-8")
    return {
        "G-1": _doc(
            base / "G-1--one", "index.md", "G-1", "index", ["repo://pkg/a.go", "repo://pkg/b.go"]
        ),
        "G-2": _doc(base / "G-2--two", "index.md", "G-2", "index", ["pkg/a.go", "repo://pkg/c.go"]),
        "G-3": _doc(
            base / "G-3--three", "index.md", "G-3", "index", ["repo://pkg/c.go", "repo://pkg/d.go"]
        ),
        "G-4": _doc(base / "G-4--four", "index.md", "G-4", "index", ["repo://pkg/e.go"]),
    }


def _rows(invoke: Callable[..., Result], repo: Path, *args: str) -> list[dict[str, Any]]:
    out = invoke(["ticket", "graph", "--ticket", "G-1", *args, "--output", "json"], cwd=repo)
    rows: list[dict[str, Any]] = json.loads(out.stdout)
    return rows


def _pairs(rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(r["from_ticket"], r["to_path"]) for r in rows}


def test_depth_adds_docs_relating_the_graphs_files(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    _chain(repo)
    own = {("G-1", "repo://pkg/a.go"), ("G-1", "repo://pkg/b.go")}
    assert _pairs(_rows(invoke, repo)) == own
    assert _pairs(_rows(invoke, repo, "--scope", "repo")) == own  # depth 0: the ticket only
    # G-2 relates a.go (as "pkg/a.go": the same file) and joins with that edge only
    one = _pairs(_rows(invoke, repo, "--scope", "repo", "--depth", "1"))
    assert one == own | {("G-2", "repo://pkg/a.go")}
    # without --expand-files the frontier does not grow: depth 2 adds nothing more
    assert _pairs(_rows(invoke, repo, "--scope", "repo", "--depth", "2")) == one


def test_expand_files_follows_the_new_files(invoke: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    docs = _chain(repo)
    args = ("--scope", "repo", "--expand-files")
    one = _pairs(_rows(invoke, repo, *args, "--depth", "1"))
    assert one == {
        ("G-1", "repo://pkg/a.go"),
        ("G-1", "repo://pkg/b.go"),
        ("G-2", "repo://pkg/a.go"),
        ("G-2", "repo://pkg/c.go"),
    }
    two = _pairs(_rows(invoke, repo, *args, "--depth", "2"))
    assert two == one | {("G-3", "repo://pkg/c.go"), ("G-3", "repo://pkg/d.go")}
    assert not any(t == "G-4" for t, _ in _pairs(_rows(invoke, repo, *args, "--depth", "9")))
    text = invoke(
        ["ticket", "graph", "--ticket", "g-1", *args, "--depth", "2", "--format", "mermaid"],
        cwd=repo,
    ).stdout
    assert (
        f'  {node_id("D", str(docs["G-3"]))}["index: G-3 index\\n(2026/01/03/G-3--three/index.md)"]'
        in text
    )
    assert text.count('["repo://pkg/a.go"]') == 1  # one node for both spellings


def test_budgets_and_validation(invoke: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _chain(repo)
    graph = ["ticket", "graph", "--ticket", "G-1", "--scope", "repo", "--expand-files"]
    out = invoke([*graph, "--depth", "2", "--max-nodes", "5"], cwd=repo, expect=1)
    assert out.stderr.startswith("Error: graph would exceed --max-nodes=5 — ")
    assert out.stdout == ""
    out = invoke([*graph, "--depth", "2", "--max-edges", "4"], cwd=repo, expect=1)
    assert "graph would exceed --max-edges=4" in out.stderr
    invoke([*graph, "--depth", "1", "--max-nodes", "5"], cwd=repo)  # 2 docs + 3 files fit
    for args, message in (
        (["--depth", "-1"], "invalid --depth: -1"),
        (["--scope", "world"], "invalid --scope: world"),
        (["--max-nodes", "0"], "invalid --max-nodes: 0"),
        (["--max-edges", "-2"], "invalid --max-edges: -2"),
        (["--batch-size", "0"], "invalid --batch-size: 0"),
    ):
        err = invoke([*graph, *args], cwd=repo, expect=2).stderr
        assert err.startswith(f"Error: {message}"), err
    err = invoke(["ticket", "graph", "--ticket", "G-1", "--depth", "1"], cwd=repo, expect=2).stderr
    assert err.startswith("Error: --depth 1 requires --scope repo")
