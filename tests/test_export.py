"""export-sqlite: the schema of spec §2.11, overwrite rules, bodies only on request."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from conftest import Result


def _setup(repo: Path) -> None:
    folder = repo / "ttmp" / "2026/01/03/E-1--export"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(
        "---\nTitle: Export\nTicket: E-1\nTopics:\n    - Backend\nOwners:\n    - Ann\n"
        "DocType: index\nRelatedFiles:\n    - Path: repo://pkg/a.go\n      Note: n\n"
        "LastUpdated: 2026-01-03T10:00:00-05:00\n---\nsearchable words\n"
    )
    (folder / "tasks.md").write_text("# Tasks\n")
    (repo / ".git").mkdir()


def test_export(invoke: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _setup(repo)
    out = tmp_path / "x.sqlite"
    assert (
        invoke(["export-sqlite", "--out", str(out)], cwd=repo).stdout
        == f"Exported workspace index to {out}\n"
    )
    con = sqlite3.connect(out)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table')")}
    assert {"docs", "doc_topics", "doc_owners", "related_files", "docs_fts", "README"} <= tables
    cols = [r[1] for r in con.execute("PRAGMA table_info(docs)")]
    assert cols == [
        "doc_id",
        "path",
        "ticket_id",
        "doc_type",
        "status",
        "intent",
        "title",
        "last_updated",
        "what_for",
        "when_to_use",
        "parse_ok",
        "parse_err",
        "is_index",
        "is_archived_path",
        "is_scripts_path",
        "is_sources_path",
        "is_control_doc",
        "body",
    ]
    rows = con.execute(
        "SELECT title, last_updated, is_index, parse_ok, is_control_doc, body"
        " FROM docs ORDER BY path"
    ).fetchall()
    assert rows == [("Export", "2026-01-03T15:00:00Z", 1, 1, 0, None), ("", "", 0, 0, 1, None)]
    assert con.execute("SELECT topic_lower, topic_original FROM doc_topics").fetchall() == [
        ("backend", "Backend")
    ]
    assert con.execute("SELECT owner_lower FROM doc_owners").fetchall() == [("ann",)]
    assert con.execute(
        "SELECT anchor, norm_repo_rel, raw_path, note FROM related_files"
    ).fetchall() == [("repo", "pkg/a.go", "repo://pkg/a.go", "n")]
    assert con.execute(
        "SELECT count(*) FROM docs_fts WHERE docs_fts MATCH 'searchable'"
    ).fetchone() == (1,)
    assert "__about__.md" in [r[0] for r in con.execute("SELECT name FROM README")]
    con.close()
    again = invoke(["export-sqlite", "--out", str(out)], cwd=repo, expect=1)
    assert "output file already exists (use --force)" in again.stderr
    rows = json.loads(
        invoke(
            [
                "workspace",
                "export-sqlite",
                "--out",
                str(out),
                "--force",
                "--include-body",
                "--output",
                "json",
            ],
            cwd=repo,
        ).stdout
    )
    assert rows == [{"out": str(out), "include_body": True, "status": "exported"}]
    con = sqlite3.connect(out)
    assert (
        "searchable words" in con.execute("SELECT body FROM docs WHERE is_index = 1").fetchone()[0]
    )
    con.close()


def test_export_needs_an_existing_folder(invoke: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _setup(repo)
    out = invoke(
        ["export-sqlite", "--out", str(tmp_path / "nope" / "x.sqlite")], cwd=repo, expect=1
    )
    assert "output directory does not exist" in out.stderr
    invoke(["export-sqlite"], cwd=repo, expect=2)


def test_readme_table_holds_the_manual(invoke: Callable[..., Result], tmp_path: Path) -> None:
    """The export explains itself: __about__.md plus every page of docs/ (spec §2.11, S19)."""
    repo = tmp_path / "repo"
    _setup(repo)
    out = tmp_path / "x.sqlite"
    invoke(["workspace", "export-sqlite", "--out", str(out), "--force", "--root", "ttmp"], cwd=repo)
    con = sqlite3.connect(out)
    readme = dict(con.execute("SELECT name, content FROM README").fetchall())
    con.close()
    docs = Path(__file__).resolve().parents[1] / "docs"
    for page in docs.glob("*.md"):
        assert readme[page.name] == page.read_text(encoding="utf-8"), page.name
    about = readme["__about__.md"]
    assert about.startswith("# docmgr workspace export") and "SELECT" in about
    assert readme["docmgr-how-to-use.md"] == readme["getting-started.md"]
    assert set(readme) == {"__about__.md", "docmgr-how-to-use.md"} | {
        p.name for p in docs.glob("*.md")
    }
