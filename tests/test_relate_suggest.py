"""`doc relate --suggest [--from-git] [--query] [--topics] [--apply-suggestions]` and
`changelog update --suggest [--apply-suggestions]` (spec §5.16, §5.21) on real git repos."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import GitRepo, Result

from docmgr.formats import front_matter


def _setup(invoke: Callable[..., Result], git_repo: GitRepo) -> Path:
    cwd = git_repo.path
    invoke(["init"], cwd=cwd)
    invoke(
        ["ticket", "create", "--ticket", "RS-1", "--title", "Relate", "--topics", "net"], cwd=cwd
    )
    invoke(
        ["doc", "add", "--ticket", "RS-1", "--doc-type", "design-doc", "--title", "Plan"], cwd=cwd
    )
    git_repo.commit(
        "Add code",
        {
            "pkg/old.go": "package pkg // dial\n",
            "pkg/kept.go": "package pkg\n",
            "README.txt": "x\n",
        },
    )
    (cwd / "pkg" / "kept.go").write_text("package pkg // changed\n", encoding="utf-8")
    (cwd / "pkg" / "staged.ts").write_text("export {}\n", encoding="utf-8")
    git_repo.git("add", "pkg/staged.ts")
    (cwd / "pkg" / "new.py").write_text("dial = 1\n", encoding="utf-8")
    (cwd / "notes.md").write_text("not code\n", encoding="utf-8")
    return cwd


def _related(cwd: Path, ticket_doc: str = "index.md") -> dict[str, str]:
    index = next((cwd / "ttmp").glob(f"*/*/*/RS-1--*/{ticket_doc}"))
    meta, _ = front_matter.read(index.read_text(encoding="utf-8"), path=str(index))
    return {r.path: r.note for r in meta.related_files}


def test_from_git_lists_the_working_tree_code_files(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = _setup(invoke, git_repo)
    out = invoke(["doc", "relate", "--ticket", "RS-1", "--suggest", "--from-git"], cwd=cwd).stdout
    assert out.splitlines() == [
        "Suggested related files:",
        "- repo://pkg/kept.go — working tree modified",
        "- repo://pkg/new.py — untracked new file",
        "- repo://pkg/staged.ts — staged for commit",
    ]
    assert _related(cwd) == {}  # listing writes nothing
    rows = json.loads(
        invoke(
            ["doc", "relate", "--ticket", "RS-1", "--suggest", "--from-git", "--output", "json"],
            cwd=cwd,
        ).stdout
    )
    assert rows[0] == {
        "file": "repo://pkg/kept.go",
        "source": "suggested",
        "reason": "working tree modified",
    }


def test_without_from_git_every_source_and_its_reasons(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = _setup(invoke, git_repo)
    invoke(
        ["doc", "relate", "--ticket", "RS-1", "--doc", "", "--file-note", "pkg/old.go:the dialer"],
        cwd=cwd,
    )
    plan = next((cwd / "ttmp").glob("*/*/*/RS-1--*/design-doc/01-plan.md"))
    rows = json.loads(
        invoke(
            [
                "doc",
                "relate",
                "--doc",
                str(plan),
                "--suggest",
                "--query",
                "dial",
                "--output",
                "json",
            ],
            cwd=cwd,
        ).stdout
    )
    reasons = {r["file"]: r["reason"] for r in rows}
    assert reasons["repo://pkg/old.go"] == (
        "content match: dial; note: the dialer; recent commit activity; referenced by documents"
    )
    assert reasons["repo://pkg/kept.go"] == "recent commit activity; working tree modified"
    assert reasons["repo://pkg/new.py"] == "content match: dial; untracked new file"
    assert not any(f.endswith(("README.txt", "notes.md")) for f in reasons)
    # the index relates old.go already: it is not suggested for the index itself
    rows = json.loads(
        invoke(
            ["doc", "relate", "--ticket", "RS-1", "--suggest", "--output", "json"], cwd=cwd
        ).stdout
    )
    assert "repo://pkg/old.go" not in {r["file"] for r in rows}


def test_apply_suggestions_relates_them_with_the_reasons(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = _setup(invoke, git_repo)
    out = invoke(
        ["doc", "relate", "--ticket", "RS-1", "--suggest", "--from-git", "--apply-suggestions"],
        cwd=cwd,
    ).stdout
    assert out.startswith("related 3 file(s) to ") and "(added 3, updated 0, removed 0)" in out
    assert _related(cwd) == {
        "repo://pkg/kept.go": "working tree modified",
        "repo://pkg/new.py": "untracked new file",
        "repo://pkg/staged.ts": "staged for commit",
    }
    again = invoke(
        ["doc", "relate", "--ticket", "RS-1", "--suggest", "--from-git", "--apply-suggestions"],
        cwd=cwd,
    ).stdout
    assert again.startswith("no related file changes for ")


def test_file_notes_apply_and_suggestions_list(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = _setup(invoke, git_repo)
    out = invoke(
        [
            "doc",
            "relate",
            "--ticket",
            "RS-1",
            "--suggest",
            "--from-git",
            "--file-note",
            "pkg/kept.go:kept on purpose",
        ],
        cwd=cwd,
    ).stdout.splitlines()
    assert out[0].startswith("related 1 file(s) to ")
    assert out[1:] == [
        "Suggested related files:",
        "- repo://pkg/new.py — untracked new file",
        "- repo://pkg/staged.ts — staged for commit",
    ]
    assert _related(cwd) == {"repo://pkg/kept.go": "kept on purpose"}


def test_nothing_to_suggest_and_flag_rules(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    invoke(["init"], cwd=cwd)
    invoke(["ticket", "create", "--ticket", "RS-1", "--title", "Relate"], cwd=cwd)
    git_repo.commit("docs", {})  # the workspace itself is markdown: nothing code-like
    git_repo.git("add", "-A")
    git_repo.git("commit", "-qm", "workspace")
    out = invoke(["doc", "relate", "--ticket", "RS-1", "--suggest", "--from-git"], cwd=cwd)
    assert out.stdout == "No related files updated or suggested.\n"
    err = invoke(["doc", "relate", "--ticket", "RS-1", "--from-git"], cwd=cwd, expect=2).stderr
    assert "--apply-suggestions and --from-git need --suggest" in err


def test_changelog_suggest_lists_and_applies(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = _setup(invoke, git_repo)
    changelog = next((cwd / "ttmp").glob("*/*/*/RS-1--*/changelog.md"))
    before = changelog.read_text(encoding="utf-8")
    out = invoke(["changelog", "update", "--ticket", "RS-1", "--suggest"], cwd=cwd).stdout
    lines = out.splitlines()
    assert "suggested: repo://pkg/new.py (untracked new file)" in lines
    assert "suggested: repo://pkg/kept.go (recent commit activity; working tree modified)" in lines
    assert changelog.read_text(encoding="utf-8") == before
    rows = json.loads(
        invoke(
            ["changelog", "update", "--ticket", "RS-1", "--suggest", "--output", "json"], cwd=cwd
        ).stdout
    )
    assert {"file", "source", "reason"} == set(rows[0])
    invoke(
        [
            "changelog",
            "update",
            "--ticket",
            "RS-1",
            "--entry",
            "Wired the dialer",
            "--suggest",
            "--apply-suggestions",
            "--file-note",
            "docs/x.md:why",
        ],
        cwd=cwd,
    )
    added = changelog.read_text(encoding="utf-8")[len(before) :]
    assert "Wired the dialer" in added
    assert "- docs/x.md — why" in added
    assert "- repo://pkg/new.py — untracked new file" in added
    err = invoke(
        ["changelog", "update", "--ticket", "RS-1", "--entry", "e", "--apply-suggestions"],
        cwd=cwd,
        expect=2,
    ).stderr
    assert "--apply-suggestions needs --suggest" in err
