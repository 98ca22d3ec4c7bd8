"""``--limit`` on ``ticket list`` / ``doc list`` and the git-style pager on a terminal.

The pager tests run the real ``docmgr`` process with stdout on a pseudo-terminal and
``DOCMGR_PAGER`` set to a tiny script that copies its stdin into a file: the file holds the
listing when the pager ran and does not exist when it did not.
"""

from __future__ import annotations

import csv
import io
import json
import os
import select
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result

Invoke = Callable[..., Result]

TICKETS = ("LIM-1", "LIM-2", "LIM-3", "LIM-4", "LIM-5")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Five tickets (LIM-5 most recently updated), each with one design doc."""
    docs = tmp_path / "ttmp"
    for n, ticket in enumerate(TICKETS, start=1):
        folder = docs / "2026" / "01" / f"0{n}" / f"{ticket}--limit-{n}"
        head = f"Ticket: {ticket}\nStatus: active\nTopics:\n    - chat\n"
        updated = f"LastUpdated: 2026-01-0{n}T10:00:00Z\n"
        _write(
            folder / "index.md",
            f"---\nTitle: Ticket {n}\n{head}DocType: index\n{updated}---\n\n# Ticket {n}\n",
        )
        _write(
            folder / "design" / "01-plan.md",
            f"---\nTitle: Plan {n}\n{head}DocType: design\n{updated}---\n\n# Plan {n}\n",
        )
    return docs


def _rows(text: str, output: str) -> list[dict[str, object]]:
    if output == "json":
        loaded: list[dict[str, object]] = json.loads(text)
        return loaded
    if output == "yaml":
        import yaml

        loaded = yaml.safe_load(text) or []
        return loaded
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("verb", ["ticket", "doc"])
@pytest.mark.parametrize("output", ["json", "yaml", "csv"])
def test_limit_keeps_the_first_rows_in_every_structured_output(
    invoke: Invoke, root: Path, verb: str, output: str
) -> None:
    base = [verb, "list", "--root", str(root), "--output", output]
    everything = _rows(invoke(base, cwd=root.parent).stdout, output)
    assert len(everything) == 5
    limited = _rows(invoke([*base, "--limit", "2"], cwd=root.parent).stdout, output)
    assert limited == everything[:2]
    assert _rows(invoke([*base, "--limit", "0"], cwd=root.parent).stdout, output) == []
    assert _rows(invoke([*base, "--limit", "9"], cwd=root.parent).stdout, output) == everything


def test_ticket_list_limit_comes_after_filtering_and_sorting(invoke: Invoke, root: Path) -> None:
    newest = json.loads(
        invoke(
            ["ticket", "list", "--root", str(root), "--output", "json", "--limit", "2"],
            cwd=root.parent,
        ).stdout
    )
    assert [r["ticket"] for r in newest] == ["LIM-5", "LIM-4"]
    oldest = json.loads(
        invoke(
            [
                "ticket",
                "list",
                "--root",
                str(root),
                "--output",
                "json",
                "--limit",
                "2",
                "--sort-by",
                "last_updated",
            ],
            cwd=root.parent,
        ).stdout
    )
    assert [r["ticket"] for r in oldest] == ["LIM-1", "LIM-2"]
    one = json.loads(
        invoke(
            [
                "ticket",
                "list",
                "--root",
                str(root),
                "--output",
                "json",
                "--limit",
                "1",
                "--ticket",
                "LIM-3",
            ],
            cwd=root.parent,
        ).stdout
    )
    assert [r["ticket"] for r in one] == ["LIM-3"]


def test_limit_in_the_human_text(invoke: Invoke, root: Path) -> None:
    tickets = invoke(["ticket", "list", "--root", str(root), "--limit", "2"], cwd=root.parent)
    assert "## Tickets (2 of 5)" in tickets.stdout
    assert "LIM-5" in tickets.stdout and "LIM-4" in tickets.stdout
    assert "LIM-3" not in tickets.stdout
    docs = invoke(["doc", "list", "--root", str(root), "--limit", "3"], cwd=root.parent)
    assert "## Documents (3 of 5)" in docs.stdout
    assert docs.stdout.count("Plan ") == 3
    whole = invoke(["ticket", "list", "--root", str(root)], cwd=root.parent)
    assert "## Tickets (5)" in whole.stdout


def test_a_negative_limit_is_a_usage_error(invoke: Invoke, root: Path) -> None:
    bad = invoke(["doc", "list", "--root", str(root), "--limit", "-1"], cwd=root.parent, expect=2)
    assert "--limit" in bad.stderr


# --- the pager -------------------------------------------------------------------------------

PAGER_SCRIPT = "import sys\nopen(sys.argv[1], 'wb').write(sys.stdin.buffer.read())\n"


def _pager_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    script = tmp_path / "fake_pager.py"
    script.write_text(PAGER_SCRIPT, encoding="utf-8")
    paged = tmp_path / "paged.txt"
    env = dict(os.environ)
    env.update(
        DOCMGR_CONFIG="",
        DOCMGR_NOW="",
        DOCMGR_PAGER=f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} "
        f"{shlex.quote(str(paged))}",
    )
    env.pop("LESS", None)
    return env, paged


def _run_on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Run docmgr with stdout (and stdin) on a pseudo-terminal; return its exit code and output.

    The terminal is read until EOF (every writer closed it) or a generous deadline.
    """
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "docmgr", *args],
            stdin=slave,
            stdout=slave,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
    finally:
        os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], deadline - time.monotonic())
            if not ready:
                break
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the last writer closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        code = proc.wait(timeout=60)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert code == 0, err
    return code, b"".join(chunks).decode(errors="replace").replace("\r\n", "\n")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize(
    "verb, heading", [("ticket", "## Tickets (5)"), ("doc", "## Documents (5)")]
)
def test_the_listing_goes_through_the_pager_on_a_terminal(
    tmp_path: Path, root: Path, verb: str, heading: str
) -> None:
    env, paged = _pager_env(tmp_path)
    _code, screen = _run_on_a_terminal([verb, "list", "--root", str(root)], env, root.parent)
    text = paged.read_text(encoding="utf-8")
    assert heading in text
    assert "LIM-5" in text and "LIM-1" in text
    assert heading not in screen  # the pager, not docmgr, wrote it


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_pager_sets_less_options_like_git(tmp_path: Path, root: Path) -> None:
    env, paged = _pager_env(tmp_path)
    script = tmp_path / "less_probe.py"
    script.write_text(
        "import os, sys\nsys.stdin.read()\n"
        f"open({str(paged)!r}, 'w').write(os.environ.get('LESS', '<unset>'))\n",
        encoding="utf-8",
    )
    env["DOCMGR_PAGER"] = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    _run_on_a_terminal(["ticket", "list", "--root", str(root)], env, root.parent)
    assert paged.read_text(encoding="utf-8") == "FRX"
    env["LESS"] = "-R"
    _run_on_a_terminal(["ticket", "list", "--root", str(root)], env, root.parent)
    assert paged.read_text(encoding="utf-8") == "-R"


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize(
    "args",
    [
        ["ticket", "list", "--no-pager"],
        ["--no-pager", "ticket", "list"],
        ["doc", "list", "--no-pager"],
        ["ticket", "list", "--output", "json"],
        ["doc", "list", "--output", "csv"],
    ],
    ids=["verb-flag", "root-flag", "doc-verb-flag", "json", "csv"],
)
def test_no_pager_and_structured_output_print_straight_to_the_terminal(
    tmp_path: Path, root: Path, args: list[str]
) -> None:
    env, paged = _pager_env(tmp_path)
    _code, screen = _run_on_a_terminal([*args, "--root", str(root)], env, root.parent)
    assert not paged.exists()
    assert "LIM-5" in screen


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("value", ["", "cat"])
def test_an_empty_or_cat_pager_means_no_pager(tmp_path: Path, root: Path, value: str) -> None:
    env, _paged = _pager_env(tmp_path)
    env["DOCMGR_PAGER"] = value
    env["PAGER"] = "false"  # would fail the run if it were used
    _code, screen = _run_on_a_terminal(["ticket", "list", "--root", str(root)], env, root.parent)
    assert "## Tickets (5)" in screen


def test_a_pipe_is_never_paged(tmp_path: Path, root: Path) -> None:
    env, paged = _pager_env(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "docmgr", "ticket", "list", "--root", str(root)],
        capture_output=True,
        text=True,
        cwd=root.parent,
        env=env,
        check=True,
    )
    assert "## Tickets (5)" in done.stdout
    assert not paged.exists()
