"""doctor: every finding, scopes, rollup, --fail-on, --fix, diagnostics; validate frontmatter."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import GitRepo

Invoke = Callable[..., Any]  # the conftest fixture: runs the CLI in-process

T = "2026/02/01/DOC-1--doctor"
GOOD_INDEX = """---
Title: Doctor ticket
Ticket: DOC-1
Status: active
Topics:
    - backend
DocType: index
Intent: long-term
LastUpdated: 2026-02-05T10:00:00Z
---
# Doctor ticket
"""


def _doc(
    title: str = "Plan",
    *,
    ticket: str = "DOC-1",
    doc_type: str = "design-doc",
    status: str = "active",
    topics: str = "    - backend\n",
    intent: str = "long-term",
    updated: str = "2026-02-05T10:00:00Z",
    related: str = "",
) -> str:
    return (
        f"---\nTitle: {title}\nTicket: {ticket}\nStatus: {status}\nTopics:\n{topics}"
        f"DocType: {doc_type}\n"
        f"Intent: {intent}\nRelatedFiles:\n{related}LastUpdated: {updated}\n---\n# {title}\n"
    )


VOCAB = """topics:
    - slug: backend
      description: Backend
docTypes:
    - slug: design-doc
      description: Design
intent:
    - slug: long-term
      description: Long
status:
    - slug: active
      description: Active
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    folder = repo / "ttmp" / T
    (folder / "design").mkdir(parents=True)
    (folder / "index.md").write_text(GOOD_INDEX)
    (folder / "tasks.md").write_text(
        "# Tasks\n\n- [ ] one\n"
    )  # control file: no front matter is fine
    (folder / "design" / "01-plan.md").write_text(_doc())
    (repo / "ttmp" / "vocabulary.yaml").write_text(VOCAB)
    (repo / ".git").mkdir()
    return repo


def _write(repo: Path, rel: str, text: str) -> Path:
    path = repo / "ttmp" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _rows(invoke: Invoke, repo: Path, *args: str, expect: int = 0) -> list[dict[str, Any]]:
    out = invoke(["doctor", *args, "--output", "json"], cwd=repo, expect=expect).stdout
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def _issues(rows: list[dict[str, Any]]) -> list[str]:
    return [r["issue"] for r in rows]


def test_clean_ticket_passes(invoke: Invoke, repo: Path) -> None:
    rows = _rows(invoke, repo, "--all")
    assert rows == [
        {
            "ticket": "DOC-1",
            "issue": "none",
            "severity": "ok",
            "message": "All checks passed",
            "path": str(repo / "ttmp" / T),
        }
    ]
    assert (
        "1 ticket(s) checked: 0 with errors, 0 with warnings, 1 ok"
        in invoke(["doctor"], cwd=repo).stdout
    )


def test_invalid_frontmatter_has_line_and_snippet(invoke: Invoke, repo: Path) -> None:
    path = _write(
        repo,
        f"{T}/design/02-broken.md",
        "---\nTitle: ok\nSummary: [unclosed\nTicket: DOC-1\n---\nbody\n",
    )
    rows = [r for r in _rows(invoke, repo, "--all") if r["issue"] == "invalid_frontmatter"]
    assert len(rows) == 1
    assert rows[0]["severity"] == "error" and rows[0]["path"] == str(path)
    assert rows[0]["line"] >= 3 and "Summary: [unclosed" in rows[0]["snippet"]
    assert rows[0]["message"].startswith("Failed to parse frontmatter: line ")


def test_index_fields(invoke: Invoke, repo: Path) -> None:
    index = repo / "ttmp" / T / "index.md"
    index.write_text(
        GOOD_INDEX.replace("Title: Doctor ticket\n", "")
        .replace("Status: active\n", "")
        .replace("Topics:\n    - backend\n", "")
    )
    rows = _rows(invoke, repo, "--all")
    assert [(r["issue"], r["message"]) for r in rows if r["path"] == str(index)] == [
        ("missing_required_fields", "missing required fields: Title"),
        ("missing_field", "missing Status"),
        ("missing_field", "missing Topics"),
    ]


def test_related_files_and_notes(invoke: Invoke, repo: Path) -> None:
    (repo / "pkg").mkdir()
    (repo / "pkg" / "real.go").write_text("package x\n")
    related = (
        "    - Path: repo://pkg/real.go\n      Note: exists\n    - Path: repo://pkg/gone.go\n"
        "      Note: missing\n    - Path: pkg/real.go\n"
    )
    plan = _write(repo, f"{T}/design/01-plan.md", _doc(related=related))
    rows = [r for r in _rows(invoke, repo, "--all") if r["path"] == str(plan)]
    assert [(r["issue"], r["message"]) for r in rows] == [
        ("missing_related_file", "related file not found: repo://pkg/gone.go"),
        ("missing_related_file_note", "1 related file(s) have no Note: pkg/real.go"),
    ]


def test_numeric_prefix_and_multiple_index(invoke: Invoke, repo: Path) -> None:
    stray = _write(repo, f"{T}/design/notes.md", _doc("Notes"))
    _write(repo, f"{T}/design/nested/index.md", _doc("Nested", doc_type="index"))
    rows = _rows(invoke, repo, "--all")
    assert {
        "ticket": "DOC-1",
        "issue": "missing_numeric_prefix",
        "severity": "warning",
        "message": "file without numeric prefix",
        "path": str(stray),
    } in rows
    multi = [r for r in rows if r["issue"] == "multiple_index"]
    assert multi[0]["message"] == "Multiple index.md files found (2), should be only one"
    assert len(multi[0]["index_files"]) == 2


def test_vocabulary_findings_are_aggregated(invoke: Invoke, repo: Path) -> None:
    _write(
        repo,
        f"{T}/design/02-a.md",
        _doc(
            "A",
            topics="    - backend\n    - weird\n",
            doc_type="memo",
            intent="forever",
            status="paused",
        ),
    )
    _write(repo, f"{T}/design/03-b.md", _doc("B", topics="    - weird\n    - odd\n"))
    rows = _rows(invoke, repo, "--all")
    vocab = [
        (r["issue"], r["message"].split(";")[0]) for r in rows if r["issue"].startswith("unknown_")
    ]
    assert vocab == [
        ("unknown_topics", "unknown topics value(s): weird (2 docs), odd (1 doc)"),
        ("unknown_doc_type", "unknown docTypes value(s): memo (1 doc)"),
        ("unknown_intent", "unknown intent value(s): forever (1 doc)"),
        ("unknown_status", "unknown status value(s): paused (1 doc)"),
    ]


def test_no_vocabulary_is_reported_once(invoke: Invoke, repo: Path) -> None:
    (repo / "ttmp" / "vocabulary.yaml").unlink()
    _write(repo, f"{T}/design/02-a.md", _doc("A", topics="    - weird\n"))
    rows = _rows(invoke, repo, "--all")
    assert _issues(rows).count("no_vocabulary") == 1
    assert not any(i.startswith("unknown_") for i in _issues(rows))
    assert "[INFO] no vocabulary configured" in invoke(["doctor"], cwd=repo).stdout


def test_stale_after(invoke: Invoke, repo: Path) -> None:
    # the fixed clock is 2026-02-08; the newest doc is from 2026-02-05
    assert "stale" not in _issues(_rows(invoke, repo, "--all"))
    stale = [r for r in _rows(invoke, repo, "--all", "--stale-after", "2") if r["issue"] == "stale"]
    assert stale[0]["message"] == "no document updated in 3 days (threshold: 2 days)"
    assert stale[0]["last_updated"] == "2026-02-05"


def test_missing_index(invoke: Invoke, repo: Path) -> None:
    (repo / "ttmp" / "2026/02/02/NOIDX-1--lost" / "design").mkdir(parents=True)
    _write(repo, "2026/02/02/NOIDX-1--lost/design/01-x.md", _doc("X", ticket="NOIDX-1"))
    rows = _rows(invoke, repo, "--all")
    assert rows[0] == {
        "ticket": "NOIDX-1--lost",
        "issue": "missing_index",
        "severity": "error",
        "message": "index.md not found",
        "path": str(repo / "ttmp" / "2026/02/02/NOIDX-1--lost"),
    }


def test_tickets_outside_the_dated_layout_are_checked(invoke: Invoke, repo: Path) -> None:
    _write(repo, "LEGACY-1-old/index.md", _doc("Legacy", ticket="LEGACY-1", doc_type="index"))
    bad = _write(repo, "LEGACY-1-old/design/01-broken.md", "---\nTitle: [x\n---\n")
    rows = _rows(invoke, repo, "--all")
    assert {"LEGACY-1", "DOC-1"} <= {r["ticket"] for r in rows}
    assert any(r["issue"] == "invalid_frontmatter" and r["path"] == str(bad) for r in rows)


def test_diary_findings(invoke: Invoke, repo: Path) -> None:
    diary = _write(
        repo,
        f"{T}/reference/01-diary.md",
        _doc("Diary", doc_type="reference")
        + "\n## Step 1: First\n\n**Commit (code):** pending — later\n\n## Step 1: Again\n\ntext\n",
    )
    rows = [r for r in _rows(invoke, repo, "--all") if r["path"] == str(diary)]
    assert _issues(rows) == ["diary_duplicate_step", "diary_pending_commit"]


def test_ticket_scope_gives_details(invoke: Invoke, repo: Path) -> None:
    _write(
        repo,
        "2026/02/03/OTHER-1--x/index.md",
        _doc("Other", ticket="OTHER-1", doc_type="index", status="nope"),
    )
    out = invoke(["doctor", "--ticket", "DOC"], cwd=repo).stdout
    assert out.startswith("## Doctor Report (1 findings)\n\n### DOC-1\n\n- ✅ All checks passed")
    assert "OTHER-1" not in out
    assert "OTHER-1" in invoke(["doctor", "--all"], cwd=repo).stdout


def test_doc_scope(invoke: Invoke, repo: Path) -> None:
    plan = _write(repo, f"{T}/design/01-plan.md", _doc(status="", topics="", doc_type="memo"))
    rows = _rows(invoke, repo, "--doc", str(plan))
    assert _issues(rows) == ["missing_field", "missing_field", "unknown_doc_type"]
    bad = _write(repo, f"{T}/design/02-broken.md", "---\nTitle: [x\n---\n")
    assert _issues(_rows(invoke, repo, "--doc", "design/02-broken.md")) == ["invalid_frontmatter"]
    assert bad.is_file()


def test_fail_on_prints_report_then_fails(invoke: Invoke, repo: Path) -> None:
    _write(repo, f"{T}/design/02-broken.md", "---\nTitle: [x\n---\n")
    out = invoke(["doctor", "--fail-on", "error"], cwd=repo, expect=1)
    assert "DOC-1: 1 error(s)" in out.stdout
    assert "doctor failed: severity >= error" in out.stderr
    rows = json.loads(
        invoke(["doctor", "--fail-on", "warning", "--output", "json"], cwd=repo, expect=1).stdout
    )
    assert "invalid_frontmatter" in _issues(rows)
    invoke(["doctor", "--fail-on", "none"], cwd=repo)


def test_fail_on_warning_only_fails_on_warnings(invoke: Invoke, repo: Path) -> None:
    invoke(["doctor", "--fail-on", "warning"], cwd=repo)
    _write(repo, f"{T}/design/notes.md", _doc("Notes"))
    invoke(["doctor", "--fail-on", "error"], cwd=repo)
    invoke(["doctor", "--fail-on", "warning"], cwd=repo, expect=1)


def test_diagnostics_json(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    _write(repo, f"{T}/design/02-broken.md", "---\nTitle: [x\n---\n")
    target = tmp_path / "out" / "diag.json"
    invoke(["doctor", "--diagnostics-json", str(target)], cwd=repo)
    items = json.loads(target.read_text())
    assert items[0]["Headline"] == "YAML/frontmatter syntax error"
    assert items[0]["Actions"][0]["Args"][:2] == ["validate", "frontmatter"]
    assert (
        json.loads(invoke(["doctor", "--diagnostics-json", "-"], cwd=repo).stdout)[0]["Severity"]
        == "error"
    )


def test_fix_lists_first_and_writes_only_with_yes(invoke: Invoke, repo: Path) -> None:
    broken = _write(
        repo,
        f"{T}/design/02-broken.md",
        "---\nTitle: Broken\nTicket: DOC-1\nDocType: design-doc\nstray line\n---\nbody\n",
    )
    original = broken.read_text()
    (repo / "pkg").mkdir()
    (repo / "pkg" / "real.go").write_text("package x\n")
    plan = _write(
        repo,
        f"{T}/design/01-plan.md",
        _doc(
            related="    - Path: pkg/real.go\n      Note: legacy\n"
            "    - Path: pkg/nowhere.go\n      Note: gone\n"
        ),
    )
    dry = invoke(["doctor", "--fix"], cwd=repo)
    assert "Planned repairs (2):" in dry.stderr and "Dry run: nothing written" in dry.stderr
    assert broken.read_text() == original
    assert "pkg/real.go" in plan.read_text() and "repo://pkg/real.go" not in plan.read_text()
    rows = _rows(invoke, repo, "--fix", "--yes", "--all")
    assert _issues(rows)[:3] == [
        "frontmatter_fixed",
        "anchor_migration_skipped",
        "anchors_migrated",
    ]
    assert broken.with_name("02-broken.md.bak").read_text() == original
    assert (
        broken.read_text()
        == "---\nTitle: Broken\nTicket: DOC-1\nDocType: design-doc\n---\nstray line\nbody\n"
    )
    assert (
        "    - Path: repo://pkg/real.go\n      Note: legacy\n    - Path: pkg/nowhere.go\n"
        in plan.read_text()
    )
    assert "invalid_frontmatter" not in _issues(rows)


def test_fix_anchors_only_touches_related_files(invoke: Invoke, repo: Path) -> None:
    broken = _write(repo, f"{T}/design/02-broken.md", "---\nTitle: Broken\nstray line\n---\n")
    (repo / "pkg").mkdir()
    (repo / "pkg" / "real.go").write_text("package x\n")
    plan = _write(
        repo,
        f"{T}/design/01-plan.md",
        _doc(related="    - Path: pkg/real.go\n      Note: legacy\n"),
    )
    invoke(["doctor", "--fix-anchors", "--yes"], cwd=repo)
    assert "repo://pkg/real.go" in plan.read_text()
    assert broken.read_text() == "---\nTitle: Broken\nstray line\n---\n"


def test_real_world_reports_every_doc_that_does_not_parse(invoke: Invoke, real_world: Path) -> None:
    from docmgr.store.workspace import Workspace, scan_docs

    ws = Workspace.open(
        str(real_world / "ttmp"),
        cwd=real_world,
        env={"DOCMGR_CACHE_DIR": os.environ["DOCMGR_CACHE_DIR"]},
    )
    exempt = {"readme.md", "tasks.md", "changelog.md"}  # by name, directly in the docs root
    broken = {
        str(d.path)
        for d in scan_docs(ws)
        if not d.ok
        and not (d.is_control and d.error == "frontmatter delimiters '---' not found")
        and ("/" in d.rel or d.rel.lower() not in exempt)
    }
    rows = _rows(invoke, real_world, "--all")
    reported = {r["path"] for r in rows if r["issue"] == "invalid_frontmatter"}
    assert broken and reported == broken


# --------------------------------------------------------------------------- validate frontmatter


def test_validate_ok_and_missing_fields(invoke: Invoke, repo: Path) -> None:
    out = invoke(["validate", "frontmatter", "--doc", "design/01-plan.md"], cwd=repo)
    assert (
        out.stdout.startswith("Frontmatter OK: ")
        and "(Ticket=DOC-1 DocType=design-doc)" in out.stdout
    )
    _write(repo, f"{T}/design/02-x.md", "---\nTitle: X\n---\n")
    bad = invoke(["validate", "frontmatter", "--doc", "design/02-x.md"], cwd=repo, expect=1)
    assert "missing required fields: Ticket, DocType" in bad.stderr


@pytest.mark.parametrize(
    ("text", "label", "fixed"),
    [
        (
            "---\nTitle: a\nTicket: T\nDocType: x\n\nBody here\n",
            "Normalize frontmatter delimiters",
            "---\nTitle: a\nTicket: T\nDocType: x\n---\n\nBody here\n",
        ),
        (
            "---\nTitle: a\nTicket: T\nDocType: x\nstray body line\n---\nbody\n",
            "Move non key/value lines",
            "---\nTitle: a\nTicket: T\nDocType: x\n---\nstray body line\nbody\n",
        ),
    ],
)
def test_validate_suggest_and_auto_fix(
    invoke: Invoke, repo: Path, text: str, label: str, fixed: str
) -> None:
    from docmgr.reports.validate import check_text, suggest_fix

    broken = _write(repo, f"{T}/design/03-broken.md", text)
    assert check_text(text, broken, "x").meta is None
    out = invoke(
        ["validate", "frontmatter", "--doc", str(broken), "--suggest-fixes"], cwd=repo, expect=1
    )
    assert label in out.stderr
    assert broken.read_text() == text
    invoke(["validate", "frontmatter", "--doc", str(broken), "--auto-fix"], cwd=repo)
    assert broken.read_text() == fixed
    assert broken.with_name("03-broken.md.bak").read_text() == text
    assert suggest_fix(fixed) is None


def test_diary_commits_that_do_not_resolve(invoke: Invoke, git_repo: GitRepo) -> None:
    repo = git_repo.path
    real = git_repo.commit("Real work", {"src/a.py": "x = 1\n"})
    folder = repo / "ttmp" / T
    (folder / "reference").mkdir(parents=True)
    (folder / "index.md").write_text(GOOD_INDEX)
    diary = folder / "reference" / "01-diary.md"
    diary.write_text(
        _doc("Diary", doc_type="reference")
        + f'\n## Step 1: Real\n\n**Commit (code):** {real[:12]} — "Real work"\n\n'
        '## Step 2: Lost\n\n**Commit (code):** deadbeefdeadbeef — "Gone"\n'
    )
    rows = [r for r in _rows(invoke, repo, "--ticket", "DOC-1") if r["path"] == str(diary)]
    assert [(r["issue"], r["message"]) for r in rows] == [
        ("diary_unresolved_commit", "step 2: commit deadbeefdeadbeef is missing")
    ]
    assert "diary_unresolved_commit" not in _issues(_rows(invoke, repo, "--all"))
    assert "diary_unresolved_commit" in _issues(_rows(invoke, repo, "--all", "--check-commits"))


def test_compact_rollup_counts_like_the_full_report(real_world: Path) -> None:
    from docmgr.reports import doctor
    from docmgr.reports.doctor import render as doctor_render
    from docmgr.store.workspace import Workspace

    ws = Workspace.open(str(real_world / "ttmp"), cwd=real_world)
    full = doctor.check(ws, all_tickets=True)
    compact = doctor.check(ws, all_tickets=True, rollup_only=True)
    assert len(compact.findings) < len(full.findings)
    assert doctor_render.render_rollup(compact) == doctor_render.render_rollup(full)
    assert compact.worst == full.worst == 2


def test_fix_that_does_not_parse_is_reported(invoke: Invoke, repo: Path) -> None:
    broken = _write(
        repo, f"{T}/design/02-broken.md", "---\nTitle: [unclosed\nstray line\n---\nbody\n"
    )
    rows = _rows(invoke, repo, "--fix", "--yes", "--all")
    failed = [r for r in rows if r["issue"] == "frontmatter_fix_failed"]
    assert failed and failed[0]["path"] == str(broken) and failed[0]["severity"] == "warning"
    assert failed[0]["message"].startswith("auto-fix did not produce parseable frontmatter: ")
    assert (
        broken.with_name("02-broken.md.bak").read_text()
        == "---\nTitle: [unclosed\nstray line\n---\nbody\n"
    )
    assert "invalid_frontmatter" in _issues(rows)
