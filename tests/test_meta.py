"""meta update: only the field's lines and LastUpdated change, across real-world workspaces."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitRepo, Result

from docmgr.errors import FrontMatterError
from docmgr.formats import front_matter


@pytest.fixture
def ws(invoke: Callable[..., Result], git_repo: GitRepo) -> Path:
    invoke(["init"], cwd=git_repo.path)
    invoke(["ticket", "create", "--ticket", "MT-1", "--title", "Meta"], cwd=git_repo.path)
    invoke(
        ["doc", "add", "--ticket", "MT-1", "--doc-type", "design-doc", "--title", "One"],
        cwd=git_repo.path,
    )
    invoke(
        ["doc", "add", "--ticket", "MT-1", "--doc-type", "design-doc", "--title", "Two"],
        cwd=git_repo.path,
    )
    return git_repo.path


def _changed_lines(before: str, after: str, *, keepends: bool = False) -> list[str]:
    return [
        line
        for line in difflib.ndiff(before.splitlines(keepends), after.splitlines(keepends))
        if line.startswith(("- ", "+ "))
    ]


def test_update_status_on_index(invoke: Callable[..., Result], ws: Path) -> None:
    index = next((ws / "ttmp").rglob("index.md"))
    text = index.read_text().replace("Status: active\n", "Status: active # keep me\nCustom: 'x'\n")
    text = text.replace(
        "LastUpdated: 2026-02-08T10:47:00-05:00", "LastUpdated: 2020-01-01T00:00:00Z"
    )
    index.write_text(text)
    out = invoke(
        ["meta", "update", "--ticket", "MT-1", "--field", "status", "--value", "review"], cwd=ws
    )
    assert out.stdout == f"updated Status in {index.relative_to(ws)}\n"
    changed = _changed_lines(text, index.read_text())
    assert sorted(c[:8] for c in changed) == ["+ LastUp", "+ Status", "- LastUp", "- Status"]
    assert "+ LastUpdated: 2026-02-08T10:47:00-05:00" in changed and "+ Status: review" in changed
    assert "Custom: 'x'\n" in index.read_text()


def test_update_lists_and_doc_type_targets_json(invoke: Callable[..., Result], ws: Path) -> None:
    out = invoke(
        [
            "meta",
            "update",
            "--ticket",
            "MT-1",
            "--doc-type",
            "design-doc",
            "--field",
            "Topics",
            "--value",
            " a, ,b ",
            "--output",
            "json",
        ],
        cwd=ws,
    )
    rows = json.loads(out.stdout)
    assert len(rows) == 2 and all(list(r) == ["doc", "field", "value", "status"] for r in rows)
    for row in rows:
        meta, _ = front_matter.read(Path(row["doc"]).read_text())
        assert meta.topics == ["a", "b"]
    human = invoke(
        [
            "meta",
            "update",
            "--ticket",
            "MT-1",
            "--doc-type",
            "design-doc",
            "--field",
            "Owners",
            "--value",
            "me",
        ],
        cwd=ws,
    ).stdout
    assert human.startswith("## Metadata Updates\n\n- `ttmp/") and "Owners → me" in human


def test_update_errors(invoke: Callable[..., Result], ws: Path) -> None:
    out = invoke(
        ["meta", "update", "--ticket", "MT-1", "--field", "LastUpdated", "--value", "x"],
        cwd=ws,
        expect=2,
    )
    assert "unknown field: LastUpdated" in out.stderr
    out = invoke(["meta", "update", "--field", "Status", "--value", "x"], cwd=ws, expect=2)
    assert "must specify either --doc or --ticket" in out.stderr
    out = invoke(
        ["meta", "update", "--ticket", "NOPE", "--field", "Status", "--value", "x"],
        cwd=ws,
        expect=1,
    )
    assert 'ticket not found: "NOPE"' in out.stderr
    outside = ws / "outside.md"
    outside.write_text("---\nTitle: x\n---\n")
    out = invoke(
        ["meta", "update", "--doc", str(outside), "--field", "Status", "--value", "x"],
        cwd=ws,
        expect=1,
    )
    assert "is outside the docs root" in out.stderr
    assert outside.read_text() == "---\nTitle: x\n---\n"
    broken = ws / "ttmp" / "broken.md"
    broken.write_text("no front matter\n")
    out = invoke(
        ["meta", "update", "--doc", str(broken), "--field", "Status", "--value", "x"],
        cwd=ws,
        expect=1,
    )
    assert "metadata update failed for 1 document(s)" in out.stderr
    assert broken.read_text() == "no front matter\n"


@pytest.mark.parametrize(
    ("real_world", "minimum"),  # minimum: parseable documents the workspace holds
    [
        pytest.param("quirky_workspace", 35, id="quirks"),
        pytest.param("corpus", 301, id="corpus", marks=pytest.mark.needs_corpus),
    ],
    indirect=["real_world"],
)
def test_real_world_status_update_changes_only_two_lines(
    invoke: Callable[..., Result], real_world: Path, minimum: int
) -> None:
    checked = 0
    for path in sorted((real_world / "ttmp").rglob("*.md")):
        before = path.read_bytes().decode("utf-8")  # CRLF stays visible
        try:
            meta, _ = front_matter.read(before)
        except FrontMatterError:
            continue
        invoke(
            ["meta", "update", "--doc", str(path), "--field", "Status", "--value", "review"],
            cwd=real_world,
        )
        after = path.read_bytes().decode("utf-8")
        changed = _changed_lines(before, after, keepends=True)
        assert all(
            line[2:].split(":", 1)[0].strip().lower() in ("status", "lastupdated")
            for line in changed
        ), (path, changed)
        assert front_matter.read(after)[0].status == "review", path
        checked += 1
    assert checked >= minimum
