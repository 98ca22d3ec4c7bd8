"""status: per-ticket counts, staleness and the summary row."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import Result


def _doc(title: str, ticket: str, doc_type: str, updated: str = "2026-02-01T10:00:00Z") -> str:
    return (
        f"---\nTitle: {title}\nTicket: {ticket}\nStatus: active\nTopics:\n    - backend\n"
        f"DocType: {doc_type}\nLastUpdated: {updated}\n---\n# {title}\n"
    )


def _setup(repo: Path) -> None:
    files = {
        "2026/02/01/A-1--alpha/index.md": _doc("Alpha", "A-1", "index"),
        "2026/02/01/A-1--alpha/design/01-d.md": _doc("D", "A-1", "design-doc"),
        "2026/02/01/A-1--alpha/reference/01-r.md": _doc("R", "A-1", "reference"),
        "2026/02/01/A-1--alpha/playbooks/01-p.md": _doc("P", "A-1", "playbook"),
        "2025/10/01/B-2--beta/index.md": _doc("Beta", "B-2", "index", "2025-10-01T10:00:00Z"),
        "2025/10/01/B-2--beta/various/01-n.md": _doc("N", "B-2", "til"),
        "2025/10/01/B-2--beta/various/02-bad.md": "---\nTitle: [x\n---\n",
        "loose/01-orphan.md": _doc("Orphan", "C-3", "reference"),  # no index: not a ticket
    }
    for rel, text in files.items():
        path = repo / "ttmp" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (repo / ".git").mkdir(exist_ok=True)


def test_status_rows_and_summary(invoke: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _setup(repo)
    rows = json.loads(invoke(["status", "--output", "json"], cwd=repo).stdout)
    tickets = [r for r in rows if "ticket" in r]
    assert [
        (
            r["ticket"],
            r["docs"],
            r["design_docs"],
            r["reference_docs"],
            r["playbooks"],
            r["stale"],
            r["last_updated"],
        )
        for r in tickets
    ] == [("B-2", 1, 0, 0, 0, True, "2025-10-01"), ("A-1", 3, 1, 1, 1, False, "2026-02-01")]
    assert list(tickets[0]) == [
        "ticket",
        "title",
        "status",
        "last_updated",
        "stale",
        "docs",
        "design_docs",
        "reference_docs",
        "playbooks",
        "path",
    ]
    summary = rows[-1]
    assert (
        summary["tickets_total"],
        summary["tickets_stale"],
        summary["docs_total"],
        summary["status"],
    ) == (2, 1, 4, "ok")


def test_status_human_and_filters(invoke: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _setup(repo)
    out = invoke(["status"], cwd=repo).stdout
    assert "A-1 ‘Alpha’ status=active stale=false docs=3 path=" in out
    assert out.rstrip().splitlines()[-1].startswith(f"root={repo / 'ttmp'} ")
    assert "tickets=2 stale=1 docs=4 (design 1 / reference 1 / playbooks 1) stale-after=30" in out
    only = invoke(["status", "--ticket", "A-1", "--stale-after", "400"], cwd=repo).stdout
    assert "B-2" not in only and "stale=0" in only
    summary = invoke(["workspace", "status", "--summary-only"], cwd=repo).stdout
    assert len(summary.strip().splitlines()) == 1


def test_status_needs_a_root(invoke: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "empty" / ".git").mkdir(parents=True)
    out = invoke(["status"], cwd=tmp_path / "empty", expect=1)
    assert "root directory does not exist" in out.stderr
