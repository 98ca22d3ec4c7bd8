"""Concurrent writers: 8 processes × (25 task add + 25 changelog update) on one ticket all land."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitRepo, Result

from docmgr.formats import changelog as changelog_format
from docmgr.formats import tasks as tasks_format

WRITERS = 8
EACH = 25

DRIVER = textwrap.dedent("""
    import sys
    from docmgr.cli import cli

    root, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for n in range(count):
        cli.main(["task", "add", "--root", root, "--ticket", "CC-1", "--text", f"task {who}-{n}"],
                 prog_name="docmgr", standalone_mode=False)
        cli.main(["changelog", "update", "--root", root, "--ticket", "CC-1",
                  "--entry", f"entry {who}-{n}", "--title", f"w{who}"],
                 prog_name="docmgr", standalone_mode=False)
""")


@pytest.mark.slow
def test_parallel_task_add_and_changelog_update(
    invoke: Callable[..., Result], git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = git_repo.path
    invoke(["init"], cwd=cwd)
    invoke(["ticket", "create", "--ticket", "CC-1", "--title", "Concurrency"], cwd=cwd)
    root = cwd / "ttmp"
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    env = {
        **os.environ,
        "DOCMGR_CONFIG": "",
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    procs = [
        subprocess.Popen(
            [sys.executable, str(driver), str(root), str(w), str(EACH)],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    folder = next(root.rglob("tasks.md")).parent
    items = tasks_format.parse((folder / "tasks.md").read_text())
    assert len(items) == WRITERS * EACH
    assert len({t.stable_id for t in items}) == WRITERS * EACH
    assert {t.text for t in items} == {f"task {w}-{n}" for w in range(WRITERS) for n in range(EACH)}
    entries = changelog_format.parse((folder / "changelog.md").read_text())
    bodies = [e.body for e in entries[1:]]
    assert sorted(bodies) == sorted(f"entry {w}-{n}" for w in range(WRITERS) for n in range(EACH))
    assert all(e.title == f"w{e.body.split()[1].split('-')[0]}" for e in entries[1:])
    # each writer's own entries stay in the order it wrote them
    for w in range(WRITERS):
        mine = [b for b in bodies if b.startswith(f"entry {w}-")]
        assert mine == [f"entry {w}-{n}" for n in range(EACH)]
    leftovers = [p.name for p in folder.iterdir() if ".docmgr-tmp-" in p.name]
    assert leftovers == []
