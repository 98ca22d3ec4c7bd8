"""Concurrent ``diary step add``: 8 processes × 10 steps on one diary → Steps 1–80 once each."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable

import pytest
from conftest import GitRepo, Result

TICKET = "VM-004-EXPAND-E2E-COVERAGE"
PROCESSES = 8
STEPS_EACH = 10

# One interpreter per process; each calls the CLI in-process STEPS_EACH times.
DRIVER = textwrap.dedent("""
    import sys
    from docmgr.cli import cli

    worker, count, diary = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    for i in range(count):
        cli.main(["diary", "step", "add", "--diary", diary, "--title", f"worker {worker} step {i}",
                  "--did", f"wrote {worker}/{i}"], standalone_mode=False)
""")


@pytest.mark.slow
def test_parallel_step_adds_get_distinct_numbers(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    invoke(["init"], cwd=cwd)
    invoke(
        ["ticket", "create", "--ticket", TICKET, "--title", "Concurrency", "--topics", "x"], cwd=cwd
    )
    out = invoke(["diary", "create", "--ticket", TICKET, "--output", "json"], cwd=cwd)
    diary_path = json.loads(out.stdout)[0]["path"]
    env = {**os.environ, "DOCMGR_CONFIG": "", "DOCMGR_NOW": "", "PYTHONDONTWRITEBYTECODE": "1"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(w), str(STEPS_EACH), diary_path],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for w in range(PROCESSES)
    ]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * PROCESSES, errors

    with open(diary_path, encoding="utf-8") as handle:
        text = handle.read()
    numbers = [int(n) for n in re.findall(r"^## Step (\d+): ", text, flags=re.M)]
    assert numbers == list(range(1, PROCESSES * STEPS_EACH + 1))
    titles = set(re.findall(r"^## Step \d+: (.*)$", text, flags=re.M))
    assert titles == {f"worker {w} step {i}" for w in range(PROCESSES) for i in range(STEPS_EACH)}
    index = text.split("<!-- docmgr:steps -->\n", 1)[1].split("<!-- /docmgr:steps -->", 1)[0]
    assert len(index.splitlines()) == PROCESSES * STEPS_EACH
    for w in range(PROCESSES):  # each worker's steps landed in its own order
        mine = [
            int(n)
            for n, i in re.findall(rf"^## Step (\d+): worker {w} step (\d+)$", text, flags=re.M)
        ]
        assert mine == sorted(mine)
