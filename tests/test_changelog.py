"""changelog update: the §4.2 block, file notes, --changelog-file, output forms and errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitRepo, Result

from docmgr.formats import changelog as changelog_format


@pytest.fixture
def ws(invoke: Callable[..., Result], git_repo: GitRepo) -> Path:
    invoke(["init"], cwd=git_repo.path)
    invoke(["ticket", "create", "--ticket", "CL-1", "--title", "Changelog"], cwd=git_repo.path)
    return git_repo.path


def _file(cwd: Path) -> Path:
    return next((cwd / "ttmp").rglob("changelog.md"))


def test_update_appends_block_with_sorted_file_notes(
    invoke: Callable[..., Result], ws: Path
) -> None:
    path = _file(ws)
    before = path.read_text()
    index_before = next((ws / "ttmp").rglob("index.md")).read_text()
    out = invoke(
        [
            "changelog",
            "update",
            "--ticket",
            "CL-1",
            "--title",
            "Round trip",
            "--entry",
            "Step 2: fixes.",
            "--file-note",
            "pkg/z.go:the change, with commas",
            "--file-note",
            "/abs/a.go=first",
        ],
        cwd=ws,
    )
    assert out.stdout == f"changelog updated: {path.relative_to(ws)}\n"
    assert path.read_text() == before + (
        "\n## 2026-02-08 - Round trip\n\nStep 2: fixes.\n\n### Related Files\n\n"
        "- /abs/a.go — first\n- pkg/z.go — the change, with commas\n\n"
    )
    assert next((ws / "ttmp").rglob("index.md")).read_text() == index_before
    entries = changelog_format.parse(path.read_text())
    assert [(e.date, e.title) for e in entries] == [
        ("2026-02-08", ""),
        ("2026-02-08", "Round trip"),
    ]


def test_update_json_and_changelog_file(
    invoke: Callable[..., Result], ws: Path, tmp_path: Path
) -> None:
    target = ws / "ttmp" / "notes" / "changelog.md"  # any file inside the docs root
    target.parent.mkdir()
    out = invoke(
        [
            "changelog",
            "update",
            "--changelog-file",
            str(target),
            "--entry",
            "hello",
            "--output",
            "json",
        ],
        cwd=ws,
    )
    row = json.loads(out.stdout)[0]
    assert row == {"file": str(target), "status": "updated", "date": "2026-02-08", "files_count": 0}
    assert target.read_text() == "# Changelog\n\n\n## 2026-02-08\n\nhello\n\n"


def test_update_errors(invoke: Callable[..., Result], ws: Path) -> None:
    before = _file(ws).read_text()
    out = invoke(["changelog", "update", "--ticket", "CL-1"], cwd=ws, expect=2)
    assert "--entry is required and must not be empty" in out.stderr
    out = invoke(["changelog", "update", "--entry", "x"], cwd=ws, expect=2)
    assert "must specify --ticket or --changelog-file" in out.stderr
    out = invoke(["changelog", "update", "--ticket", "NOPE-3", "--entry", "x"], cwd=ws, expect=1)
    assert 'ticket not found: "NOPE-3"' in out.stderr
    out = invoke(
        ["changelog", "update", "--ticket", "CL-1", "--entry", "x", "--file-note", "a.go"],
        cwd=ws,
        expect=2,
    )
    assert "malformed --file-note" in out.stderr
    assert _file(ws).read_text() == before


def test_render_entry_without_title_or_notes() -> None:
    assert (
        changelog_format.render_entry(date="2026-01-02", entry=" x \n")
        == "\n## 2026-01-02\n\nx\n\n"
    )
