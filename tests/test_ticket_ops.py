"""ticket close, rename and move: effects on disk, human and JSON output, and errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitRepo, Result

from docmgr.formats import changelog as changelog_format
from docmgr.formats import front_matter
from docmgr.model import DocMeta

DATED = "2026/02/08"


@pytest.fixture
def ws(invoke: Callable[..., Result], git_repo: GitRepo) -> Path:
    cwd = git_repo.path
    invoke(["init"], cwd=cwd)
    invoke(["ticket", "create", "--ticket", "OPS-1", "--title", "Ops one"], cwd=cwd)
    invoke(
        ["doc", "add", "--ticket", "OPS-1", "--doc-type", "design-doc", "--title", "Plan"], cwd=cwd
    )
    return cwd


def _dir(cwd: Path, name: str = "OPS-1--ops-one") -> Path:
    return cwd / "ttmp" / DATED / name


def _meta(path: Path) -> DocMeta:
    return front_matter.read(path.read_text())[0]


def test_close_warns_on_open_tasks_and_logs(invoke: Callable[..., Result], ws: Path) -> None:
    invoke(["task", "add", "--ticket", "OPS-1", "--text", "left over"], cwd=ws)
    out = invoke(["ticket", "close", "--ticket", "ops-1", "--intent", "short-term"], cwd=ws)
    assert out.stderr == "Warning: Not all tasks are done (1 open, 0 done). Closing anyway.\n"
    folder = _dir(ws)
    assert out.stdout == (
        "Ticket ops-1 closed successfully.\n"
        "Changes: Status: active → complete, Intent: long-term → short-term, Changelog updated, "
        f"LastUpdated refreshed\nChangelog: {folder}/changelog.md\n"
    )
    meta = _meta(folder / "index.md")
    assert (meta.status, meta.intent) == ("complete", "short-term")
    assert (folder / "changelog.md").read_text().endswith("\n## 2026-02-08\n\nTicket closed\n\n")


def test_close_json_all_done(invoke: Callable[..., Result], ws: Path) -> None:
    invoke(["task", "add", "--ticket", "OPS-1", "--text", "done"], cwd=ws)
    invoke(["task", "check", "--ticket", "OPS-1", "--id", "1"], cwd=ws)
    out = invoke(
        [
            "ticket",
            "close",
            "--ticket",
            "OPS-1",
            "--status",
            "archived",
            "--changelog-entry",
            "Wrapped up",
            "--output",
            "json",
        ],
        cwd=ws,
    )
    row = json.loads(out.stdout)[0]
    assert out.stderr == ""
    assert list(row) == [
        "ticket",
        "all_tasks_done",
        "open_tasks",
        "done_tasks",
        "status",
        "intent",
        "operations",
        "status_updated",
        "intent_updated",
        "changelog_updated",
    ]
    assert (row["all_tasks_done"], row["status"], row["intent_updated"]) == (
        True,
        "archived",
        False,
    )
    assert changelog_format.parse((_dir(ws) / "changelog.md").read_text())[-1].body == "Wrapped up"


def test_close_unknown_ticket(invoke: Callable[..., Result], ws: Path) -> None:
    out = invoke(["ticket", "close", "--ticket", "NOPE-1"], cwd=ws, expect=1)
    assert out.stderr.startswith('Error: ticket not found: "NOPE-1"')


def test_rename_rewrites_docs_and_folder(invoke: Callable[..., Result], ws: Path) -> None:
    out = invoke(
        ["ticket", "rename", "--ticket", "OPS-1", "--new-ticket", "OPS-9", "--dry-run"], cwd=ws
    )
    assert out.stdout.startswith("Would rename ticket OPS-1 -> OPS-9: ")
    assert _dir(ws).is_dir()
    out = invoke(["ticket", "rename-ticket", "--ticket", "OPS-1", "--new-ticket", "OPS-9"], cwd=ws)
    new = _dir(ws, "OPS-9--ops-one")
    assert out.stdout == f"renamed OPS-1 -> OPS-9 (2 docs updated) at {new}\n"
    assert not _dir(ws).exists()
    assert _meta(new / "index.md").ticket == "OPS-9"
    assert _meta(new / "design-doc" / "01-plan.md").ticket == "OPS-9"
    row = json.loads(
        invoke(
            ["ticket", "rename", "--ticket", "OPS-9", "--new-ticket", "OPS-2", "--output", "json"],
            cwd=ws,
        ).stdout
    )[0]
    assert list(row) == ["ticket_old", "ticket_new", "from", "to", "updated_docs", "status", "time"]
    assert row["status"] == "renamed" and len(row["updated_docs"]) == 2


def test_rename_checks_target_before_rewriting(invoke: Callable[..., Result], ws: Path) -> None:
    clash = _dir(ws, "OPS-7--ops-one")
    clash.mkdir()
    index = _dir(ws) / "index.md"
    before = index.read_text()
    out = invoke(
        ["ticket", "rename", "--ticket", "OPS-1", "--new-ticket", "OPS-7"], cwd=ws, expect=1
    )
    assert "target directory already exists" in out.stderr
    assert index.read_text() == before
    out = invoke(
        ["ticket", "rename", "--ticket", "OPS-1", "--new-ticket", "OPS-1"], cwd=ws, expect=2
    )
    assert "new ticket is identical to current ticket" in out.stderr
    out = invoke(
        ["ticket", "rename", "--ticket", "OPS-1", "--new-ticket", "../x"], cwd=ws, expect=1
    )
    assert "path separator" in out.stderr


def test_move_uses_canonical_id(invoke: Callable[..., Result], ws: Path) -> None:
    out = invoke(
        ["ticket", "move", "--ticket", "ops", "--path-template", "done/{{TICKET}}--{{SLUG}}"],
        cwd=ws,
    )
    dest = ws / "ttmp" / "done" / "OPS-1--ops-one"
    assert out.stdout == f"moved OPS-1: ttmp/{DATED}/OPS-1--ops-one -> ttmp/done/OPS-1--ops-one\n"
    assert (dest / "index.md").is_file() and not _dir(ws).exists()
    invoke(["ticket", "create", "--ticket", "OPS-2", "--title", "Two"], cwd=ws)
    (ws / "ttmp" / "done" / "OPS-2--two").mkdir()
    (ws / "ttmp" / "done" / "OPS-2--two" / "keep.md").write_text("x")
    out = invoke(
        ["ticket", "move", "--ticket", "OPS-2", "--path-template", "done/{{TICKET}}--{{SLUG}}"],
        cwd=ws,
        expect=1,
    )
    assert "destination already exists (use --overwrite to replace)" in out.stderr
    out = invoke(
        [
            "ticket",
            "move",
            "--ticket",
            "OPS-2",
            "--path-template",
            "done/{{TICKET}}--{{SLUG}}",
            "--overwrite",
        ],
        cwd=ws,
        expect=1,
    )
    assert "not an empty folder" in out.stderr
    out = invoke(
        ["ticket", "move", "--ticket", "OPS-2", "--path-template", "../{{TICKET}}"],
        cwd=ws,
        expect=1,
    )
    assert "outside root" in out.stderr
    row = json.loads(
        invoke(
            [
                "ticket",
                "move",
                "--ticket",
                "OPS-2",
                "--path-template",
                "x/{{TICKET}}",
                "--output",
                "json",
            ],
            cwd=ws,
        ).stdout
    )[0]
    assert list(row) == ["ticket", "source_path", "dest_path", "status", "time"]
    assert row["dest_path"] == str(ws / "ttmp" / "x" / "OPS-2")
