"""Crash safety: a writer killed between its temp file and os.replace leaves the old file intact."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitRepo, Result

from docmgr.formats import tasks as tasks_format

TMP_MARK = ".docmgr-tmp-"


def _run(cwd: Path, args: list[str], *, fault: bool) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DOCMGR_CONFIG": "",
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    env.pop("DOCMGR_FAULT_INJECT", None)
    if fault:
        env["DOCMGR_FAULT_INJECT"] = "before-replace"
    return subprocess.run(
        [sys.executable, "-m", "docmgr", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("tasks.md", ["task", "add", "--ticket", "CR-1", "--text", "doomed"]),
        ("changelog.md", ["changelog", "update", "--ticket", "CR-1", "--entry", "doomed"]),
        (
            "index.md",
            ["meta", "update", "--ticket", "CR-1", "--field", "Status", "--value", "doomed"],
        ),
    ],
)
def test_killed_writer_leaves_old_version_and_temp_is_cleaned(
    invoke: Callable[..., Result], git_repo: GitRepo, name: str, args: list[str]
) -> None:
    cwd = git_repo.path
    invoke(["init"], cwd=cwd)
    invoke(["ticket", "create", "--ticket", "CR-1", "--title", "Crash"], cwd=cwd)
    target = next((cwd / "ttmp").rglob(name))
    before = target.read_bytes()

    crashed = _run(cwd, args, fault=True)
    assert crashed.returncode == 70, crashed.stderr
    assert target.read_bytes() == before
    temps = [p for p in target.parent.iterdir() if p.name.startswith(f".{name}{TMP_MARK}")]
    assert len(temps) == 1
    assert b"doomed" in temps[0].read_bytes()  # the new version was complete, just never swapped in

    ok = _run(cwd, [a if a != "doomed" else "survived" for a in args], fault=False)
    assert ok.returncode == 0, ok.stderr
    assert b"survived" in target.read_bytes() and b"doomed" not in target.read_bytes()
    assert [p for p in target.parent.iterdir() if TMP_MARK in p.name] == []
    if name == "tasks.md":
        assert [t.text for t in tasks_format.parse(target.read_text())] == ["survived"]
