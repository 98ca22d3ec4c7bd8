"""File suggestions (spec §6.7): `search --files`, `doc search --files`, and the library
function the web API shares, on a real git repository."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import GitRepo, Result

from docmgr.reports import file_suggestions
from docmgr.seams.clock import FixedClock
from docmgr.store.workspace import Workspace


def _repo_with_tickets(invoke: Callable[..., Result], git_repo: GitRepo) -> Path:
    cwd = git_repo.path
    invoke(["init"], cwd=cwd)
    invoke(
        ["ticket", "create", "--ticket", "FS-1", "--title", "Sockets", "--topics", "net"], cwd=cwd
    )
    invoke(["ticket", "create", "--ticket", "FS-2", "--title", "Other", "--topics", "ui"], cwd=cwd)
    invoke(
        ["doc", "relate", "--ticket", "FS-1", "--file-note", "pkg/socket.go:the socket"], cwd=cwd
    )
    invoke(["doc", "relate", "--ticket", "FS-2", "--file-note", "web/view.ts:the view"], cwd=cwd)
    git_repo.commit(
        "Add code",
        {
            "pkg/socket.go": "package pkg // reconnect logic\n",
            "web/view.ts": "export const view = 1;\n",
            "notes.txt": "reconnect is not code\n",
        },
    )
    (cwd / "web" / "view.ts").write_text("export const view = 2;\n", encoding="utf-8")
    (cwd / "pkg" / "staged.py").write_text("x = 1\n", encoding="utf-8")
    git_repo.git("add", "pkg/staged.py")
    (cwd / "pkg" / "fresh.rs").write_text("fn reconnect() {}\n", encoding="utf-8")
    (cwd / "scratch.md").write_text("untracked but not code\n", encoding="utf-8")
    return cwd


def test_every_source_with_its_reason(invoke: Callable[..., Result], git_repo: GitRepo) -> None:
    cwd = _repo_with_tickets(invoke, git_repo)
    rows = json.loads(invoke(["search", "--files", "--output", "json"], cwd=cwd).stdout)
    assert rows == sorted(rows, key=lambda r: (r["source"], r["file"]))
    by_file = {r["file"]: (r["source"], r["reason"]) for r in rows}
    assert by_file == {
        "repo://pkg/socket.go": ("related_files", "referenced by documents"),
        "repo://web/view.ts": ("related_files", "referenced by documents"),
        "pkg/staged.py": ("git_staged", "staged for commit"),
        "pkg/fresh.rs": ("git_untracked", "untracked new file"),
    }  # socket.go and view.ts also came from git: one file, the first source wins


def test_ticket_scope_topics_and_content_match(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = _repo_with_tickets(invoke, git_repo)
    out = invoke(["doc", "search", "--files", "--ticket", "FS-2"], cwd=cwd).stdout
    lines = out.splitlines()
    assert "repo://web/view.ts — referenced by documents (source=related_files)" in lines
    assert "pkg/socket.go — recent commit activity (source=git_history)" in lines
    assert not any(line.startswith("repo://pkg/socket.go") for line in lines)

    rows = json.loads(
        invoke(["search", "--files", "--topics", "net", "--output", "json"], cwd=cwd).stdout
    )
    related = [r["file"] for r in rows if r["source"] == "related_files"]
    assert related == ["repo://pkg/socket.go"]

    rows = json.loads(
        invoke(
            ["search", "--files", "--query", "reconnect later", "--output", "json"], cwd=cwd
        ).stdout
    )
    # code files containing the first word; the untracked one already came from git, and
    # notes.txt is not code
    assert {r["file"]: r["source"] for r in rows}["pkg/fresh.rs"] == "git_untracked"
    assert not any(r["file"] == "notes.txt" for r in rows)
    invoke(["ticket", "create", "--ticket", "FS-3", "--title", "t"], cwd=cwd)
    (cwd / "lib").mkdir()
    (cwd / "lib" / "only.py").write_text("# needle_word here\n", encoding="utf-8")
    git_repo.git("add", "-A")
    git_repo.git("commit", "-qm", "more")
    for _ in range(31):  # push lib/only.py out of the last 30 commits
        git_repo.commit("empty")
    rows = json.loads(
        invoke(["search", "--files", "--query", "needle_word", "--output", "json"], cwd=cwd).stdout
    )
    assert {
        "file": "lib/only.py",
        "source": "ripgrep",
        "reason": "content match: needle_word",
    } in rows


def test_forgiving_and_unknown_ticket(invoke: Callable[..., Result], git_repo: GitRepo) -> None:
    cwd = _repo_with_tickets(invoke, git_repo)
    out = invoke(["search", "--files", "--ticket", "fs-2", "--select", "file"], cwd=cwd).stdout
    assert "repo://web/view.ts" in out.splitlines()
    err = invoke(["search", "--files", "--ticket", "NOPE"], cwd=cwd, expect=1).stderr
    assert err.startswith('Error: ticket not found: "NOPE"')


def test_limit_and_outside_git(
    invoke: Callable[..., Result], git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = _repo_with_tickets(invoke, git_repo)
    rows = json.loads(
        invoke(["search", "--files", "--limit", "2", "--output", "json"], cwd=cwd).stdout
    )
    assert len(rows) == 2
    plain = tmp_path / "plain"
    plain.mkdir()
    invoke(["init"], cwd=plain)
    invoke(["ticket", "create", "--ticket", "NG-1", "--title", "t"], cwd=plain)
    invoke(["doc", "relate", "--ticket", "NG-1", "--file-note", "a.go:why"], cwd=plain)
    out = invoke(["search", "--files"], cwd=plain).stdout
    assert out.splitlines() == ["repo://a.go — referenced by documents (source=related_files)"]


def test_library_function_is_what_the_cli_prints(
    invoke: Callable[..., Result], git_repo: GitRepo, clock: FixedClock
) -> None:
    cwd = _repo_with_tickets(invoke, git_repo)
    ws = Workspace.open(None, cwd=cwd, clock=clock)
    found = file_suggestions.search_files(ws, ticket="FS-1", query="reconnect")
    cli = json.loads(
        invoke(
            ["search", "--files", "--ticket", "FS-1", "--query", "reconnect", "--output", "json"],
            cwd=cwd,
        ).stdout
    )
    assert [s.row() for s in found] == cli
    assert file_suggestions.same_file_key("repo://a/../b.go") == "b.go"
    assert file_suggestions.same_file_key("./b.go") == "b.go"
