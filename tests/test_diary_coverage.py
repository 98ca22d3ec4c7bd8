"""diary coverage: commits on the ticket's files, cited or not, in a real repository."""

from __future__ import annotations

import json
from collections.abc import Callable

from conftest import GitRepo, Result
from test_diary_cli import TICKET, make_ticket
from test_hooks import commit, git

Invoke = Callable[..., Result]


def history(invoke: Invoke, git_repo: GitRepo) -> dict[str, str]:
    """A ticket relating src/; commits before and after its creation, cited and not."""
    cwd = git_repo.path
    make_ticket(invoke, cwd)
    hashes = {"old": commit(cwd, "Before the ticket", {"src/a.py": "0\n"}, day=1)}
    hashes["cited"] = commit(cwd, "Feature: retries", {"src/a.py": "1\n"}, day=9)
    invoke(
        [
            "diary",
            "step",
            "add",
            "--ticket",
            TICKET,
            "--title",
            "Retries",
            "--commit",
            "HEAD",
            "--relate",
        ],
        cwd=cwd,
    )
    hashes["uncited"] = commit(cwd, "Quick fix", {"src/a.py": "2\n"}, day=10)
    hashes["elsewhere"] = commit(cwd, "Unrelated", {"other/b.py": "b\n"}, day=11)
    hashes["short"] = commit(cwd, "Feature: backoff", {"src/a.py": "3\n"}, day=12)
    with next((cwd / "ttmp").rglob("01-diary.md")).open("a", encoding="utf-8") as handle:
        handle.write(f"\n## Step 2: Backoff\n\n**Commits:** `{hashes['short'][:7]}`\n")
    return hashes


def test_cited_and_uncited_commits_since_the_ticket_was_created(
    invoke: Invoke, git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    hashes = history(invoke, git_repo)
    rows = json.loads(
        invoke(["diary", "coverage", "--ticket", TICKET, "--output", "json"], cwd=cwd).stdout
    )
    assert [(r["commit"], r["cited"]) for r in rows] == [
        (hashes["short"], True),
        (hashes["uncited"], False),
        (hashes["cited"], True),
    ]
    assert rows[2]["steps"][0].endswith("01-diary.md#1")
    assert rows[0]["steps"][0].endswith("01-diary.md#2")
    assert rows[1]["subject"] == "Quick fix" and rows[1]["short"] == hashes["uncited"][:7]
    human = invoke(["diary", "coverage", "--ticket", TICKET], cwd=cwd).stdout
    assert "3 commit(s) on HEAD since 2026-02-08 touching 1 path(s); 2 cited, 1 uncited" in human
    assert f"{hashes['uncited'][:7]}  2026-02-10  UNCITED" in human


def test_fail_on_uncited_for_ci(invoke: Invoke, git_repo: GitRepo) -> None:
    cwd = git_repo.path
    hashes = history(invoke, git_repo)
    out = invoke(["diary", "coverage", "--ticket", TICKET, "--fail-on-uncited"], cwd=cwd, expect=1)
    assert out.stderr.startswith(
        f"Error: 1 commit(s) cited by no diary step ({hashes['uncited'][:7]}) — run "
    )
    invoke(
        ["diary", "coverage", "--ticket", TICKET, "--fail-on-uncited", "--since", "2026-02-11"],
        cwd=cwd,
    )


def test_since_rev_and_path(invoke: Invoke, git_repo: GitRepo) -> None:
    cwd = git_repo.path
    hashes = history(invoke, git_repo)
    rows = json.loads(
        invoke(
            [
                "diary",
                "coverage",
                "--ticket",
                TICKET,
                "--since",
                "2026-01-01",
                "--path",
                "src",
                "--path",
                "other/b.py",
                "--rev",
                "HEAD~1",
                "--output",
                "json",
            ],
            cwd=cwd,
        ).stdout
    )
    assert [r["commit"] for r in rows] == [
        hashes["elsewhere"],
        hashes["uncited"],
        hashes["cited"],
        hashes["old"],
    ]
    git(cwd, "checkout", "-q", "-b", "VM-004-work")
    out = invoke(["diary", "coverage", "--output", "json"], cwd=cwd)
    assert out.stderr.startswith("Using ticket VM-004")
    assert len(json.loads(out.stdout)) == 3


def test_a_ticket_without_related_files_asks_for_a_path(invoke: Invoke, git_repo: GitRepo) -> None:
    cwd = git_repo.path
    make_ticket(invoke, cwd)
    out = invoke(["diary", "coverage", "--ticket", TICKET], cwd=cwd, expect=1)
    assert "relates no file of the repository" in out.stderr and "--path" in out.stderr
    invoke(["diary", "coverage", "--ticket", TICKET, "--rev", "nope"], cwd=cwd, expect=1)
