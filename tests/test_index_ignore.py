"""ignore explain, and .docmgrignore applied by the index."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import Result


def test_ignore_explain(invoke: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "ttmp" / "T-1" / "drafts").mkdir(parents=True)
    (repo / ".git").mkdir()
    (repo / "ttmp" / ".docmgrignore").write_text("# drafts stay out\ndrafts/\n")
    out = invoke(["ignore", "explain", "T-1/drafts", "--is-dir"], cwd=repo).stdout
    assert "Ignored: true" in out and 'Pattern: "drafts/"' in out and ".docmgrignore:2)" in out
    built = json.loads(
        invoke(
            ["ignore", "explain", "ttmp/x/node_modules/a.md", "--output", "json"], cwd=repo
        ).stdout
    )[0]
    assert (built["ignored"], built["source_kind"]) == (True, "builtin")
    plain = json.loads(
        invoke(["ignore", "explain", "T-1/01-a.md", "--output", "json"], cwd=repo).stdout
    )[0]
    assert (plain["ignored"], plain["matched"]) == (False, False)


def test_ignored_docs_are_not_searched(invoke: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "ttmp" / "T-1" / "drafts").mkdir(parents=True)
    (repo / ".git").mkdir()
    doc = "---\nTitle: {t}\nTicket: T-1\nDocType: til\n---\nplatypus\n"
    (repo / "ttmp" / "T-1" / "01-kept.md").write_text(doc.format(t="kept"))
    (repo / "ttmp" / "T-1" / "drafts" / "01-draft.md").write_text(doc.format(t="draft"))
    rows = json.loads(
        invoke(["search", "--query", "platypus", "--output", "json"], cwd=repo).stdout
    )
    assert len(rows) == 2
    (repo / "ttmp" / ".docmgrignore").write_text("drafts/\n")
    rows = json.loads(
        invoke(["search", "--query", "platypus", "--output", "json"], cwd=repo).stdout
    )
    assert [r["title"] for r in rows] == ["kept"]


def test_ignore_explain_trace(invoke: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "ttmp" / "T-1" / "drafts").mkdir(parents=True)
    (repo / ".git").mkdir()
    (repo / "ttmp" / ".docmgrignore").write_text("drafts/\n")
    (repo / "ttmp" / "T-1" / ".docmgrignore").write_text("!drafts/\n")
    out = invoke(["ignore", "explain", "T-1/drafts", "--is-dir", "--trace"], cwd=repo).stdout
    assert "Ignored: false" in out and "Trace:" in out
    rows = json.loads(
        invoke(
            ["ignore", "explain", "T-1/drafts", "--is-dir", "--trace", "--output", "json"], cwd=repo
        ).stdout
    )
    assert [(r["source_kind"], r["matched"], r["ignored"]) for r in rows] == [
        ("builtin", False, False),
        ("file", True, True),
        ("file", True, False),
    ]
    assert all(r["final_ignored"] is False for r in rows)
