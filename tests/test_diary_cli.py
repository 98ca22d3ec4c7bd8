"""``docmgr diary …`` end to end: real git repositories, real-world workspaces, exact bytes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import GitRepo, Result

TICKET = "VM-004-EXPAND-E2E-COVERAGE"
TITLE = "Expand vm-system daemon API e2e and integration coverage"
FOLDER = f"2026/02/08/{TICKET}--expand-vm-system-daemon-api-e2e-and-integration-coverage"
DIARY_REL = f"{FOLDER}/reference/01-diary.md"
STAMP = "**Date:** 2026-02-08 10:47 -05:00 · **Author:** Test User"


def make_ticket(
    invoke: Callable[..., Result], cwd: Path, *, goal: str = "Expand the daemon API coverage."
) -> Path:
    invoke(["init"], cwd=cwd)
    invoke(
        ["ticket", "create", "--ticket", TICKET, "--title", TITLE, "--topics", "backend"], cwd=cwd
    )
    invoke(["diary", "create", "--ticket", TICKET, "--goal", goal], cwd=cwd)
    return cwd / "ttmp" / DIARY_REL


def verify_rows(
    invoke: Callable[..., Result], cwd: Path, *args: str, expect: int = 0
) -> list[dict[str, Any]]:
    out = invoke(
        ["diary", "verify", "--ticket", TICKET, "--output", "json", *args], cwd=cwd, expect=expect
    )
    rows: list[dict[str, Any]] = json.loads(out.stdout)
    return rows


def test_whole_ticket_end_to_end(invoke: Callable[..., Result], git_repo: GitRepo) -> None:
    cwd = git_repo.path
    diary_path = make_ticket(invoke, cwd)
    invoke(
        [
            "doc",
            "add",
            "--ticket",
            "VM-004",
            "--doc-type",
            "design-doc",
            "--title",
            "Daemon API test coverage matrix and expansion plan",
        ],
        cwd=cwd,
    )
    for text in ("Cover /v1/exec errors", "Cover daemon restart", "Wire e2e into CI"):
        invoke(["task", "add", "--ticket", TICKET, "--text", text], cwd=cwd)
    created = diary_path.read_text(encoding="utf-8")
    assert created.split("---\n", 2)[2] == (
        "\n# Diary\n\n## Goal\n\nExpand the daemon API coverage.\n\n"
        "<!-- docmgr:steps -->\n<!-- /docmgr:steps -->\n"
    )
    assert "DocType: reference" in created and "Title: Diary" in created

    out = invoke(
        [
            "diary",
            "step",
            "add",
            "--ticket",
            TICKET,
            "--title",
            "Ticket setup",
            "--intro",
            "Created the ticket, its diary and design doc.",
            "--no-commit",
        ],
        cwd=cwd,
    )
    assert "added Step 1" in out.stdout
    code = git_repo.commit(
        "Test: add daemon API e2e tests",
        {
            "tests/e2e/test_daemon.py": "def test_start():\n    pass\n",
            "internal/api/server.go": "package api\n",
        },
    )
    out = invoke(
        [
            "diary",
            "step",
            "add",
            "--ticket",
            TICKET,
            "--title",
            "Add daemon API e2e tests",
            "--did",
            "Added tests/e2e/test_daemon.py",
            "--commit",
            code[:7],
            "--relate",
            "--changelog",
            "--output",
            "json",
        ],
        cwd=cwd,
    )
    (row,) = json.loads(out.stdout)
    assert (
        row["step"] == "2"
        and row["number"] == 2
        and row["commits"] == [{"hash": code, "subject": "Test: add daemon API e2e tests"}]
    )

    text = diary_path.read_text(encoding="utf-8")
    assert text.splitlines()[row["line"] - 1] == "## Step 2: Add daemon API e2e tests"
    assert f'**Commit (code):** {code} — "Test: add daemon API e2e tests"' in text
    assert f"## Step 1: Ticket setup\n\n{STAMP}\n\nCreated the ticket" in text
    assert text.index("## Step 1:") < text.index("## Step 2:")
    index_line = "- [Step 2: Add daemon API e2e tests](#step-2-add-daemon-api-e2e-tests) — `{}`"
    assert index_line.format(code[:7]) in text
    for name in ("tests/e2e/test_daemon.py", "internal/api/server.go"):
        assert f"    - Path: repo://{name}\n      Note: Step 2 (commit {code[:7]})" in text
    assert "LastUpdated: 2026-02-08T10:47:00-05:00" in text
    changelog = (cwd / "ttmp" / FOLDER / "changelog.md").read_text(encoding="utf-8")
    assert changelog.endswith(
        f"## 2026-02-08\n\nStep 2: Add daemon API e2e tests (commit {code[:7]})\n\n"
    )
    tasks = (cwd / "ttmp" / FOLDER / "tasks.md").read_text(encoding="utf-8")
    assert tasks.count("- [ ]") == 3

    rows = verify_rows(invoke, cwd)
    assert [(r["step"], r["status"], r["proposed"]) for r in rows] == [
        ("1", "na", None),
        ("2", "ok", None),
    ]
    assert rows[1] == {
        "diary": DIARY_REL,
        "step": "2",
        "commit": code,
        "status": "ok",
        "proposed": None,
        "note": "",
        "hint": "",
    }

    git_repo.git("commit", "-q", "--amend", "-m", "Test: daemon API e2e tests, reworded")
    rewritten = git_repo.git("rev-parse", "HEAD")
    assert rewritten != code
    rows = verify_rows(invoke, cwd, expect=1)
    assert (rows[1]["status"], rows[1]["proposed"]) == ("unreachable", rewritten)

    before = diary_path.read_text(encoding="utf-8")
    out = invoke(["diary", "verify", "--ticket", TICKET, "--fix"], cwd=cwd)
    assert f"→ {rewritten}" in out.stdout
    after = diary_path.read_text(encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert changed == [
        (index_line.format(code[:7]), index_line.format(rewritten[:7])),
        (
            f'**Commit (code):** {code} — "Test: add daemon API e2e tests"',
            f'**Commit (code):** {rewritten} — "Test: daemon API e2e tests, reworded"',
        ),
    ]
    assert [r["status"] for r in verify_rows(invoke, cwd)] == ["na", "ok"]


def test_missing_commit_is_matched_by_subject(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    diary_path = make_ticket(invoke, cwd)
    target = git_repo.commit("Feature: retry the daemon", {"a.go": "package a\n"})
    with diary_path.open("a", encoding="utf-8") as handle:
        handle.write(
            "\n## Step 1: Lost\n\n"
            '**Commit (code):** deadbee — "Feature: retry the daemon"\n'
            "\n## Step 2: Gone\n\n**Commit (code):** `abcdef1`\n"
            "\n## Step 2: Twice\n\n**Commit (code):** pending — later\n"
            "\n## Step 5: Far\n\nno commit line\n"
        )
    rows = verify_rows(invoke, cwd, "--fail-on", "")
    assert [(r["step"], r["commit"], r["status"], r["proposed"], r["note"]) for r in rows] == [
        ("1", "deadbee", "missing", target, ""),
        ("2", "abcdef1", "missing", None, "duplicate step number 2"),
        ("2", "pending — later", "pending", None, "duplicate step number 2"),
        ("5", "", "none", None, "step 3 missing; step 4 missing"),
    ]
    out = invoke(["diary", "verify", "--ticket", TICKET, "--fail-on", "pending"], cwd=cwd, expect=1)
    assert out.stderr.startswith("Error: 1 diary row(s) failed the audit (pending)")
    invoke(["diary", "verify", "--ticket", TICKET, "--fail-on", "duplicate"], cwd=cwd, expect=1)
    invoke(["diary", "verify", "--ticket", TICKET, "--fail-on", "na"], cwd=cwd)
    invoke(["diary", "verify", "--ticket", TICKET, "--fail-on", "bogus"], cwd=cwd, expect=2)
    invoke(
        ["diary", "verify", "--ticket", TICKET, "--fix", "--fail-on", "pending"], cwd=cwd, expect=1
    )
    text = diary_path.read_text(encoding="utf-8")
    assert f'**Commit (code):** {target} — "Feature: retry the daemon"\n' in text
    assert "**Commit (code):** `abcdef1`\n" in text  # nothing to propose: left alone


def test_outside_a_git_repository_commit_fails_in_one_line(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    cwd = tmp_path / "plain"
    cwd.mkdir()
    diary_path = make_ticket(invoke, cwd)
    before = diary_path.read_bytes()
    out = invoke(
        ["diary", "step", "add", "--ticket", TICKET, "--title", "x", "--commit", "HEAD"],
        cwd=cwd,
        expect=1,
    )
    assert out.stderr.count("\n") == 1
    assert out.stderr.startswith("Error: not a git repository: ")
    assert "Traceback" not in out.stderr
    assert diary_path.read_bytes() == before
    invoke(["diary", "step", "add", "--ticket", TICKET, "--title", "no commit"], cwd=cwd)
    assert "## Step 1: no commit" in diary_path.read_text(encoding="utf-8")


def test_unknown_revision_names_revision_and_repository(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    make_ticket(invoke, cwd)
    out = invoke(
        ["diary", "step", "add", "--ticket", TICKET, "--title", "x", "--commit", "no-such-branch"],
        cwd=cwd,
        expect=1,
    )
    assert out.stderr.startswith(f"Error: unknown revision 'no-such-branch' in repository {cwd} — ")
    assert out.stderr.count("\n") == 1


def test_commit_auto_skips_head_already_cited(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    diary_path = make_ticket(invoke, cwd)
    head = git_repo.git("rev-parse", "HEAD")
    invoke(
        ["diary", "step", "add", "--ticket", TICKET, "--title", "one", "--commit", "auto"], cwd=cwd
    )
    invoke(
        ["diary", "step", "add", "--ticket", TICKET, "--title", "two", "--commit", "auto"], cwd=cwd
    )
    newer = git_repo.commit("Second commit")
    invoke(
        [
            "diary",
            "step",
            "add",
            "--ticket",
            TICKET,
            "--title",
            "three",
            "--commit",
            "auto",
            "--commit",
            "HEAD~1",
        ],
        cwd=cwd,
    )
    lines = [
        line
        for line in diary_path.read_text(encoding="utf-8").splitlines()
        if line.startswith("**Commit")
    ]
    assert lines == [
        f'**Commit (code):** {head} — "Initial commit"',
        "**Commit (code):** N/A",
        f'**Commit (code):** {head} — "Initial commit"; {newer} — "Second commit"',
    ]


def test_step_link_rewrites_only_that_line(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    diary_path = make_ticket(invoke, cwd)
    for title in ("one", "two", "three"):
        invoke(["diary", "step", "add", "--ticket", TICKET, "--title", title], cwd=cwd)
    fix = git_repo.commit("Fix: the thing", {"fix.txt": "x\n"})
    before = diary_path.read_text(encoding="utf-8")
    out = invoke(
        ["diary", "step", "link", "--ticket", TICKET, "--step", "2", "--commit", "HEAD"], cwd=cwd
    )
    assert f"linked Step 2 of ttmp/{DIARY_REL} to {fix[:7]}" in out.stdout
    after = diary_path.read_text(encoding="utf-8")
    diff = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert diff == [
        ("- [Step 2: two](#step-2-two) — N/A", f"- [Step 2: two](#step-2-two) — `{fix[:7]}`"),
        ("**Commit (code):** N/A", f'**Commit (code):** {fix} — "Fix: the thing"'),
    ]
    assert after.index(fix) > after.index("## Step 2: two") > 0
    invoke(
        ["diary", "step", "link", "--ticket", TICKET, "--step", "9", "--commit", "HEAD"],
        cwd=cwd,
        expect=1,
    )


def test_step_link_inserts_a_missing_commit_line(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    diary_path = make_ticket(invoke, cwd)
    with diary_path.open("a", encoding="utf-8") as handle:
        handle.write("\n## Step 1: By hand\n\nProse.\n\n### What I did\n- x\n")
    head = git_repo.git("rev-parse", "HEAD")
    invoke(
        ["diary", "step", "link", "--ticket", TICKET, "--step", "1", "--commit", "HEAD"], cwd=cwd
    )
    assert diary_path.read_text(encoding="utf-8").endswith(
        f'## Step 1: By hand\n\nProse.\n\n**Commit (code):** {head} — "Initial commit"\n\n'
        "### What I did\n- x\n"
    )


def test_renumber_in_file_order(invoke: Callable[..., Result], git_repo: GitRepo) -> None:
    cwd = git_repo.path
    diary_path = make_ticket(invoke, cwd)
    with diary_path.open("a", encoding="utf-8") as handle:
        handle.write(
            "\n## Step 1: a\n\n## Step 3: b\n\n## Step 3: c\n\n## Step 2a - d\n\n"
            "```\n## Step 7: fenced\n```\n"
        )
    out = invoke(["diary", "renumber", "--ticket", TICKET, "--output", "json"], cwd=cwd)
    assert [(r["old"], r["new"]) for r in json.loads(out.stdout)] == [("3", "2"), ("2a", "4")]
    text = diary_path.read_text(encoding="utf-8")
    assert re.findall(r"^## Step .*$", text, flags=re.M) == [
        "## Step 1: a",
        "## Step 2: b",
        "## Step 3: c",
        "## Step 4 - d",
        "## Step 7: fenced",
    ]
    assert "- [Step 4 - d](#step-4---d)" in text
    out = invoke(["diary", "renumber", "--ticket", TICKET], cwd=cwd)
    assert "already numbered" in out.stdout


def test_step_list_and_show(invoke: Callable[..., Result], git_repo: GitRepo) -> None:
    cwd = git_repo.path
    make_ticket(invoke, cwd)
    head = git_repo.git("rev-parse", "HEAD")
    invoke(["diary", "step", "add", "--ticket", TICKET, "--title", "one"], cwd=cwd)
    invoke(
        ["diary", "step", "add", "--ticket", TICKET, "--title", "two", "--commit", "HEAD"], cwd=cwd
    )
    rows = json.loads(
        invoke(["diary", "step", "list", "--ticket", TICKET, "--output", "json"], cwd=cwd).stdout
    )
    assert [(r["step"], r["title"], r["commits"]) for r in rows] == [
        ("1", "one", []),
        ("2", "two", [{"hash": head, "subject": "Initial commit"}]),
    ]
    (shown,) = json.loads(
        invoke(
            ["diary", "step", "show", "2", "--ticket", TICKET, "--output", "json"], cwd=cwd
        ).stdout
    )
    assert shown == {
        "diary": DIARY_REL,
        "step": "2",
        "number": 2,
        "title": "two",
        "date": "2026-02-08 10:47 -05:00",
        "author": "Test User",
        "commits": [{"hash": head, "subject": "Initial commit"}],
        "start_line": rows[1]["start_line"],
        "end_line": rows[1]["end_line"],
    }
    text = (cwd / "ttmp" / DIARY_REL).read_text(encoding="utf-8").splitlines()
    assert text[shown["start_line"] - 1] == "## Step 2: two"
    assert text[shown["end_line"] - 1] == "N/A" and shown["end_line"] == len(text)
    md = invoke(["diary", "step", "show", "1", "--ticket", TICKET], cwd=cwd).stdout
    assert md.startswith(f"## Step 1: one\n\n{STAMP}\n\n**Commit (code):** N/A\n")
    assert "Step 2" not in md
    human = invoke(["diary", "step", "list", "--ticket", TICKET], cwd=cwd).stdout
    assert f"Step 2: two  [{head[:7]}]  2026-02-08 10:47 -05:00 · Test User  lines" in human


def test_step_from_file_and_stdin(
    invoke: Callable[..., Result], git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = git_repo.path
    diary_path = make_ticket(invoke, cwd)
    body = tmp_path / "step.md"
    body.write_text(
        "## Step 1: From a file\n\nProse here.\n\n### Why\n- because\n", encoding="utf-8"
    )
    invoke(["diary", "step", "add", "--ticket", TICKET, "--from-file", str(body)], cwd=cwd)
    invoke(
        ["diary", "step", "add", "--ticket", TICKET, "--title", "From stdin", "--from-file", "-"],
        cwd=cwd,
        input="Typed prose.\n\n**Commit (code):** pending — soon\n",
    )
    text = diary_path.read_text(encoding="utf-8")
    assert (
        f"## Step 1: From a file\n\n{STAMP}\n\nProse here.\n\n**Commit (code):** N/A\n\n"
        "### What I did\nN/A\n\n### Why\n- because\n"
    ) in text
    assert (
        f"## Step 2: From stdin\n\n{STAMP}\n\nTyped prose.\n\n**Commit (code):** pending — soon\n"
    ) in text


def test_step_edit_uses_the_editor(
    invoke: Callable[..., Result], git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = git_repo.path
    diary_path = make_ticket(invoke, cwd)
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "t = p.read_text()\n"
        "assert '## Step N: Edited' in t and '### What I did' in t, t\n"
        "p.write_text(t.replace('<!-- One or two paragraphs: what this step did and what it "
        "unlocked. -->', 'Written in the editor.')\n"
        "    .replace('### Why\\nN/A', '### Why\\n- it works'))\n",
        encoding="utf-8",
    )
    invoke(
        ["diary", "step", "add", "--ticket", TICKET, "--title", "Edited", "--edit"],
        cwd=cwd,
        env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""},
    )
    text = diary_path.read_text(encoding="utf-8")
    assert (
        f"## Step 1: Edited\n\n{STAMP}\n\nWritten in the editor.\n\n**Commit (code):** N/A\n"
        in text
    )
    assert "### Why\n- it works\n" in text


def test_separate_code_repository_and_commit_links(
    invoke: Callable[..., Result], git_repo: GitRepo, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / ".git").mkdir()
    diary_path = make_ticket(invoke, docs)
    git_repo.git("remote", "add", "origin", "git@github.com:acme/widgets.git")
    head = git_repo.git("rev-parse", "HEAD")
    (docs / ".ttmp.yaml").write_text(
        "root: ttmp\nrepo: ../repo\ndiary:\n    commit_links: true\n", encoding="utf-8"
    )
    invoke(
        ["diary", "step", "add", "--ticket", TICKET, "--title", "linked", "--commit", "HEAD"],
        cwd=docs,
    )
    assert (
        f"**Commit (code):** [{head}](https://github.com/acme/widgets/commit/{head}) — "
        '"Initial commit"'
    ) in diary_path.read_text(encoding="utf-8")
    rows = verify_rows(invoke, docs)
    assert [(r["commit"], r["status"]) for r in rows] == [(head, "ok")]
    other = tmp_path / "elsewhere"
    other.mkdir()
    out = invoke(
        [
            "diary",
            "step",
            "add",
            "--ticket",
            TICKET,
            "--title",
            "x",
            "--commit",
            "HEAD",
            "--repo",
            str(other),
        ],
        cwd=docs,
        expect=1,
    )
    assert f"not a git repository: {other}" in out.stderr


def test_diary_must_be_inside_the_docs_root(
    invoke: Callable[..., Result], git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = git_repo.path
    make_ticket(invoke, cwd)
    outside = tmp_path / "outside-diary.md"
    outside.write_text("---\nTitle: Diary\n---\n\n## Step 1: x\n", encoding="utf-8")
    out = invoke(["diary", "step", "list", "--diary", str(outside)], cwd=cwd, expect=1)
    assert "outside the docs root" in out.stderr
    invoke(["diary", "step", "list"], cwd=cwd, expect=2)


# Independent counts: fenced blocks removed by one regex, step headings counted by another.
QUIRK_STEPS = {  # every diary of tests/quirks.py, keyed like CORPUS_STEPS
    "WG-002-GRAPH/reference/01-diary.md": 5,
    "WG-008-FACADE/reference/01-diary.md": 2,
    "WG-CLEANUP-WALKERS/reference/01-diary.md": 5,
    "WG-QW-quick-wins-naming-and-/various/2025-11-18-implementation-diary.md": 3,
    "skills/diary/diary.md": 0,
}
CORPUS_STEPS = {  # keyed by corpus_key(path): short ticket folder / folder / file
    "DOCMGR-OUTPUT-TEMPLATES-exte/log/01-implementation-diary-external-postfix-templates.md": 0,
    "REFACTOR-TICKET-REPOSITORY-H/analysis/07-code-review-walkthrough-diary-driven.md": 12,
    "REFACTOR-TICKET-REPOSITORY-H/reference/15-diary.md": 22,
    "CLEANUP-LEGACY-WALKERS/reference/01-diary.md": 17,
    "IMPROVE-SCENARIO-LOGGING/reference/02-diary.md": 12,
    "001-ADD-CLAUDE-SKILLS/reference/01-diary.md": 16,
    "001-ADD-CLAUDE-SKILLS/reference/02-diary-v2-skills-smoke-tests.md": 3,
    "002-ANALYZE-SUPERPOWERS/reference/01-diary.md": 7,
    "004-BETTER-SKILL-SHOWING/reference/01-diary.md": 3,
    "005-TICKET-SPECIFIC-SKILL/reference/01-diary.md": 9,
    "006-SKILL-CREATE/reference/01-diary.md": 5,
    "001-ADD-DOCMGR-UI/reference/01-diary.md": 39,
    "002-ADD-TICKET-GRAPH/reference/01-diary.md": 12,
    "003-BETTER-EXAMPLES/reference/01-diary.md": 4,
    "004-SEARCH-API/reference/01-diary.md": 6,
    "005-USE-SQLITE-FTS/reference/01-diary.md": 5,
    "007-MODULARIZE-UI-WIDGETS/reference/01-diary.md": 11,
    "MO-001-EXPORT-SKILLS/reference/01-diary.md": 10,
    "MO-002-IMPROVE-SKILL-EXPORT/reference/01-diary.md": 11,
    "008-GLAZED-FACADE-MIGRATION/reference/01-diary.md": 2,
    "DOCMGR-IGNORE-001/reference/01-investigation-diary.md": 10,
    "DOCMGR-200-improve-docmgr-fo/reference/01-investigation-diary.md": 13,
    "DOCMGR-201-fix-pr43-review-b/reference/01-implementation-diary.md": 8,
    "skills/diary/diary.md": 0,
}
_FENCED = re.compile(r"^ {0,3}(```+|~~~+)[^\n]*\n.*?^ {0,3}\1[ \t]*$", re.M | re.S)


def corpus_key(rel: str) -> str:
    parts = rel.split("/")
    return f"{parts[-3].split('--')[0][:28]}/{parts[-2]}/{parts[-1]}"


def independent_count(text: str) -> int:
    return len(re.findall(r"^#{1,3} +Step +\d", _FENCED.sub("", text), flags=re.M))


def per_workspace(quirks: tuple[Any, ...], corpus: tuple[Any, ...]) -> pytest.MarkDecorator:
    """Parametrize ``real_world`` (indirectly) and ``facts``: one tuple per workspace."""
    return pytest.mark.parametrize(
        ("real_world", "facts"),
        [
            pytest.param("quirky_workspace", quirks, id="quirks"),
            pytest.param("corpus", corpus, id="corpus", marks=pytest.mark.needs_corpus),
        ],
        indirect=["real_world"],
    )


# facts: pinned step counts, and a ticket whose only diary numbers one step twice
@per_workspace(
    quirks=(QUIRK_STEPS, "WG-002", "3"), corpus=(CORPUS_STEPS, "001-ADD-DOCMGR-UI", "34")
)
def test_step_list_on_every_real_world_diary(
    invoke: Callable[..., Result], real_world: Path, facts: tuple[Any, ...]
) -> None:
    pinned, ticket, twice = facts
    root = real_world / "ttmp"
    diaries = sorted(p.relative_to(root).as_posix() for p in root.rglob("*diary*.md"))
    assert set(pinned) <= {corpus_key(rel) for rel in diaries}
    for rel in diaries:
        path = root / rel
        expected = independent_count(path.read_text(encoding="utf-8"))
        if corpus_key(rel) in pinned:
            assert expected == pinned[corpus_key(rel)], rel
        before = path.read_bytes()
        out = invoke(["diary", "step", "list", "--diary", rel, "--output", "json"], cwd=real_world)
        rows = json.loads(out.stdout)
        assert len(rows) == expected, rel
        assert path.read_bytes() == before
    listed = json.loads(
        invoke(
            ["diary", "step", "list", "--ticket", ticket, "--output", "json"], cwd=real_world
        ).stdout
    )
    assert [r["step"] for r in listed].count(twice) == 2


# facts: HEAD's subject, a lost commit written with that subject, the steps numbered twice
@per_workspace(
    quirks=("Walkers: migrate status to QueryDocs", "5a1e7c3", {"2", "3"}),
    corpus=("Cleanup: migrate status to QueryDocs", "f61606c", {"9", "14", "34"}),
)
def test_verify_all_on_a_real_world_workspace_reports_every_step(
    invoke: Callable[..., Result], real_world: Path, facts: tuple[Any, ...]
) -> None:
    subject, moved_hash, twice = facts
    (real_world / ".git").rmdir()
    for args in (
        ["init", "-q", "-b", "main"],
        [
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            subject,
        ],
    ):
        subprocess.run(["git", *args], cwd=real_world, check=True, capture_output=True)
    out = invoke(["diary", "verify", "--all", "--output", "json", "--fail-on", ""], cwd=real_world)
    rows = json.loads(out.stdout)
    statuses = {r["status"] for r in rows}
    assert statuses == {"missing", "na", "pending", "none"}
    moved = [r for r in rows if r["commit"] == moved_hash]
    assert len(moved) == 1 and moved[0]["proposed"] is not None
    dupes = [r for r in rows if "duplicate" in r["note"]]
    assert {r["step"] for r in dupes} == twice


@pytest.mark.parametrize(
    "args", [["--help"], ["step", "--help"], ["step", "add", "--help"], ["verify", "--help"]]
)
def test_help_has_examples(invoke: Callable[..., Result], tmp_path: Path, args: list[str]) -> None:
    out = invoke(["diary", *args], cwd=tmp_path)
    if args[-2:] != ["step", "--help"] and args != ["--help"]:
        assert "Example:" in out.stdout


def test_from_file_excludes_the_piecewise_options(
    invoke: Callable[..., Result], git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = git_repo.path
    diary_path = make_ticket(invoke, cwd)
    before = diary_path.read_bytes()
    body = tmp_path / "s.md"
    body.write_text("Prose.\n", encoding="utf-8")
    out = invoke(
        [
            "diary",
            "step",
            "add",
            "--ticket",
            TICKET,
            "--title",
            "t",
            "--from-file",
            str(body),
            "--did",
            "x",
        ],
        cwd=cwd,
        expect=2,
    )
    assert "--from-file gives the whole step" in out.stderr
    invoke(
        ["diary", "step", "add", "--ticket", TICKET, "--from-file", str(body)], cwd=cwd, expect=2
    )  # no title anywhere
    assert diary_path.read_bytes() == before


def test_step_link_appends_to_a_step_without_sections(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    diary_path = make_ticket(invoke, cwd)
    with diary_path.open("a", encoding="utf-8") as handle:
        handle.write("\n## Step 1: Bare\n\nOnly prose.\n\n\n## Step 2: Next\n\nMore.")
    head = git_repo.git("rev-parse", "HEAD")
    for step in ("1", "2"):
        invoke(
            ["diary", "step", "link", "--ticket", TICKET, "--step", step, "--commit", "HEAD"],
            cwd=cwd,
        )
    line = f'**Commit (code):** {head} — "Initial commit"'
    assert diary_path.read_text(encoding="utf-8").endswith(
        f"\n## Step 1: Bare\n\nOnly prose.\n\n{line}\n\n\n## Step 2: Next\n\nMore.\n\n{line}"
    )


def test_step_add_follows_the_diary_heading_level(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    diary_path = make_ticket(invoke, cwd)
    with diary_path.open("a", encoding="utf-8") as handle:
        handle.write("\n## Log\n\n### Step 1: nested\n\n#### What I did\n- x\n")
    invoke(["diary", "step", "add", "--ticket", TICKET, "--title", "next"], cwd=cwd)
    text = diary_path.read_text(encoding="utf-8")
    assert (
        f"\n- x\n\n### Step 2: next\n\n{STAMP}\n\n**Commit (code):** N/A\n\n#### What I did\nN/A\n"
    ) in text
    assert "\n### What I did" not in text


def test_one_diary_per_ticket_unless_another(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    make_ticket(invoke, cwd)
    out = invoke(["diary", "create", "--ticket", TICKET], cwd=cwd, expect=1)
    assert out.stderr.startswith(f"Error: ticket {TICKET} already has a diary: {DIARY_REL} — ")
    invoke(["diary", "create", "--ticket", TICKET, "--title", "Diary v2", "--another"], cwd=cwd)
    out = invoke(["diary", "step", "list", "--ticket", TICKET], cwd=cwd, expect=1)
    assert "has 2 diaries" in out.stderr and "pass --diary" in out.stderr
