"""The tour from issue 2: init, create a ticket, add docs, list and show."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import GitRepo, Result

TICKET = "VM-004-EXPAND-E2E-COVERAGE"
FOLDER = f"2026/02/08/{TICKET}--expand-vm-system-daemon-api-e2e-and-integration-coverage"


def test_tour(invoke: Callable[..., Result], git_repo: GitRepo) -> None:
    cwd = git_repo.path
    invoke(["init"], cwd=cwd)
    out = invoke(
        [
            "ticket",
            "create-ticket",
            "--ticket",
            TICKET,
            "--title",
            "Expand vm-system daemon API e2e and integration coverage",
            "--topics",
            "backend",
        ],
        cwd=cwd,
    )
    assert out.stdout.startswith(f"created {TICKET} at ttmp/{FOLDER} (1 dirs, 4 files)")
    invoke(
        ["doc", "add", "--ticket", TICKET, "--doc-type", "reference", "--title", "Diary"], cwd=cwd
    )
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
    folder = cwd / "ttmp" / FOLDER
    for name in (
        "index.md",
        "README.md",
        "tasks.md",
        "changelog.md",
        "reference/01-diary.md",
        "design-doc/01-daemon-api-test-coverage-matrix-and-expansion-plan.md",
    ):
        assert (folder / name).is_file(), name
    listing = invoke(["ticket", "list"], cwd=cwd).stdout
    assert f"### {TICKET} — Expand vm-system" in listing
    shown = invoke(["ticket", "show", "VM-004"], cwd=cwd).stdout
    assert "reference/01-diary.md (reference)" in shown
    rows = json.loads(
        invoke(["doc", "list", "--ticket", TICKET, "--output", "json"], cwd=cwd).stdout
    )
    assert [Path(r["path"]).name for r in rows] == [
        "01-daemon-api-test-coverage-matrix-and-expansion-plan.md",
        "01-diary.md",
    ]
