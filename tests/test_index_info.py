"""``index info``: aligned human text, JSON on request, and no false parse errors."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from conftest import Result


def _workspace(invoke: Callable[..., Result], tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    invoke(["init"], cwd=tmp_path)
    for ticket in ("A-1", "B-2"):
        invoke(["ticket", "create", "--ticket", ticket, "--title", "t"], cwd=tmp_path)
        invoke(["diary", "create", "--ticket", ticket], cwd=tmp_path)
    return tmp_path


def test_a_clean_workspace_has_no_parse_errors(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    work = _workspace(invoke, tmp_path)
    info = json.loads(invoke(["index", "info", "--output", "json"], cwd=work).stdout)[0]
    assert info["parse_errors"] == 0  # README.md, tasks.md, changelog.md have no front matter
    assert info["docs"] >= 4
    assert set(info["last_refresh"]) == {"parsed", "removed", "rescanned_dirs", "full"}


def test_real_parse_errors_are_counted(invoke: Callable[..., Result], tmp_path: Path) -> None:
    work = _workspace(invoke, tmp_path)
    ticket = next((work / "ttmp").glob("*/*/*/A-1--t"))
    (ticket / "design").mkdir(exist_ok=True)
    (ticket / "design" / "01-broken.md").write_text("---\nTitle: [x\n---\n", encoding="utf-8")
    (ticket / "index.md").write_text("---\nTitle: : :\n  - x\n---\n", encoding="utf-8")
    info = json.loads(invoke(["index", "info", "--output", "json"], cwd=work).stdout)[0]
    assert info["parse_errors"] == 2


def test_human_text_is_aligned_key_value_lines(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    work = _workspace(invoke, tmp_path)
    text = invoke(["index", "info"], cwd=work).stdout
    lines = text.splitlines()
    assert [line.split(":", 1)[0] for line in lines] == [
        "path",
        "root",
        "docs",
        "parse errors",
        "folders",
        "version",
        "size",
        "last refresh",
        "mode",
        "watcher",
    ]
    value_columns = {re.match(r"[a-z ]+: +", line).end() for line in lines}  # type: ignore[union-attr]
    assert len(value_columns) == 1
    assert "{" not in text and "'" not in text
    assert "parse errors: 0" in " ".join(text.split())
    assert "mode: full check (generation" in " ".join(text.split())  # no watcher: the stat walk
    assert "watcher: none (start one: docmgr index watch --detach)" in " ".join(text.split())
