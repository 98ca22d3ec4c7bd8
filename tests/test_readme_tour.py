"""The README's 5-minute tour runs verbatim in a fresh git repository and does what it says.

The tour is read from README.md (the bash block under "A 5-minute tour"), each command is run
as written by bash in a fresh repository, with ``docmgr`` replaced by this interpreter's
``python -m docmgr`` and a fixed clock; every command must exit 0, and the diary step must
cite the commit the tour made (not the repository's earlier one).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
DOCMGR = f"{shlex.quote(sys.executable)} -m docmgr"


def tour_commands(markdown: str) -> list[str]:
    """The tour's commands: continuation lines joined, blank lines dropped."""
    section = markdown.split("## A 5-minute tour", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None, "README.md has no bash block under 'A 5-minute tour'"
    joined = block.group(1).replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip()]


def _env(home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "DOCMGR_")) or key == "DOCMGR_CACHE_DIR"
    }
    env.update(
        {
            "HOME": str(home),
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_SYSTEM": os.devnull,
            "GIT_AUTHOR_NAME": "Tour Taker",
            "GIT_AUTHOR_EMAIL": "tour@example.com",
            "GIT_COMMITTER_NAME": "Tour Taker",
            "GIT_COMMITTER_EMAIL": "tour@example.com",
            "DOCMGR_NOW": "2026-02-08T10:47:00-05:00",
            "PYTHONPATH": str(README.parent),
        }
    )
    return env


def test_the_tour_is_found() -> None:
    commands = tour_commands(README.read_text(encoding="utf-8"))
    assert commands[0].startswith("docmgr init")
    assert any(c.startswith("docmgr diary step add") and "--commit HEAD" in c for c in commands)
    assert any(c.startswith("git commit") for c in commands)


def test_readme_starts_with_the_two_set_up_commands() -> None:
    text = README.read_text(encoding="utf-8")
    setup = re.search(r"## Set up\n\n```bash\n(.*?)```", text, re.S)
    assert setup is not None
    lines = setup.group(1).splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(".venv/bin/docmgr ticket list")
    assert lines[1].endswith(".venv/bin/python -m pytest")


@pytest.mark.skipif(sys.platform == "win32", reason="the tour is a bash session")
def test_the_tour_runs_verbatim_in_a_fresh_repository(tmp_path: Path) -> None:
    repo = tmp_path / "project"
    repo.mkdir()
    env = _env(tmp_path)
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=repo, env=env, check=True)
    (repo / "main.go").write_text("package main\n", encoding="utf-8")
    subprocess.run(["git", "add", "main.go"], cwd=repo, env=env, check=True)
    subprocess.run(["git", "commit", "-qm", "Initial commit"], cwd=repo, env=env, check=True)

    for command in tour_commands(README.read_text(encoding="utf-8")):
        line = DOCMGR + command[len("docmgr") :] if command.startswith("docmgr ") else command
        done = subprocess.run(
            ["bash", "-c", line], cwd=repo, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, (
            f"{command}\n--stdout--\n{done.stdout}\n--stderr--\n{done.stderr}"
        )

    tour_commit = subprocess.run(
        ["git", "log", "-1", "--format=%H %s"], cwd=repo, env=env, capture_output=True, text=True
    ).stdout.split(" ", 1)
    assert tour_commit[1].strip() == "Test: cover /v1/exec"
    tracked = subprocess.run(
        ["git", "show", "--name-only", "--format=", "HEAD"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert "exec_test.go" in tracked

    diaries = list((repo / "ttmp").rglob("reference/01-diary.md"))
    assert len(diaries) == 1
    diary = diaries[0].read_text(encoding="utf-8")
    assert "<!-- docmgr:steps -->" in diary  # made by `diary create`, with its step index
    assert "## Step 1: Cover /v1/exec" in diary
    assert f"`{tour_commit[0][:7]}`" in diary

    tasks = next((repo / "ttmp").rglob("tasks.md")).read_text(encoding="utf-8")
    assert "[x] Cover /v1/exec" in tasks
    index = next((repo / "ttmp").rglob("VM-004-*/index.md")).read_text(encoding="utf-8")
    assert "exec_test.go" in index and "Status: complete" in index


def test_one_way_to_create_a_diary() -> None:
    """README, getting-started and diary.md all create the diary with `diary create`."""
    docs = README.parent / "docs"
    for page in (README, docs / "getting-started.md", docs / "diary.md"):
        text = page.read_text(encoding="utf-8")
        assert "docmgr diary create --ticket" in text, page
        assert not re.search(r"doc add [^\n]*--doc-type reference [^\n]*Diary", text), page


def test_getting_started_has_a_worked_example_and_a_screenshot() -> None:
    docs = README.parent / "docs"
    text = (docs / "getting-started.md").read_text(encoding="utf-8")
    assert "## A worked example" in text
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert images and all((docs / image).is_file() for image in images)
    assert "(docs/coming-from-go.md)" in README.read_text(encoding="utf-8")
    go = (docs / "coming-from-go.md").read_text(encoding="utf-8")
    for heading in ("## What is the same", "## What is better", "## What is not there"):
        assert heading in go
