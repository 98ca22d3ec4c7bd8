"""``docmgr help <topic>`` and ``docmgr completion <shell>``; the packaged manual equals docs/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
HELP = REPO / "docmgr" / "help"


def test_packaged_pages_equal_docs() -> None:
    docs = {p.name: p.read_bytes() for p in DOCS.glob("*.md")}
    packaged = {p.name: p.read_bytes() for p in HELP.glob("*.md")}
    assert packaged == docs, "docmgr/help/ is out of date — run python docs/sync_help.py"


def test_help_lists_the_topics(invoke: Callable[..., Result], tmp_path: Path) -> None:
    out = invoke(["help"], cwd=tmp_path).stdout
    assert out.startswith("Help topics (docmgr help <topic>):\n")
    for page in DOCS.glob("*.md"):
        assert f"  {page.stem} " in out
    assert "getting-started" in out and "Getting started" in out
    rows = json.loads(invoke(["help", "--output", "json"], cwd=tmp_path).stdout)
    assert {r["topic"] for r in rows} == {p.stem for p in DOCS.glob("*.md")}


@pytest.mark.parametrize("topic", ["getting-started", "cli.md"])
def test_help_prints_a_page(invoke: Callable[..., Result], tmp_path: Path, topic: str) -> None:
    out = invoke(["help", topic], cwd=tmp_path).stdout
    name = topic.removesuffix(".md")
    assert out == (DOCS / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("topic", ["nope", "../README", ".hidden"])
def test_unknown_topic_is_a_usage_error_listing_the_topics(
    invoke: Callable[..., Result], tmp_path: Path, topic: str
) -> None:
    err = invoke(["help", topic], cwd=tmp_path, expect=2).stderr
    assert err.startswith(f"Error: unknown help topic: {topic} — pick one of ")
    assert "getting-started" in err and "run 'docmgr help'" in err


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o nosort -F"), ("zsh", "#compdef docmgr"), ("fish", "complete ")],
)
def test_completion_prints_the_script(
    invoke: Callable[..., Result], tmp_path: Path, shell: str, marker: str
) -> None:
    out = invoke(["completion", shell], cwd=tmp_path).stdout
    assert marker in out
    assert "_DOCMGR_COMPLETE" in out


def test_completion_rejects_an_unknown_shell(invoke: Callable[..., Result], tmp_path: Path) -> None:
    err = invoke(["completion", "tcsh"], cwd=tmp_path, expect=2).stderr
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in err


def test_bash_script_completes_verbs_in_a_real_shell(tmp_path: Path) -> None:
    """Source the printed script in bash and ask it to complete ``docmgr tic``."""
    script = subprocess.run(
        [sys.executable, "-m", "docmgr", "completion", "bash"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (tmp_path / "docmgr.bash").write_text(script, encoding="utf-8")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shim = bindir / "docmgr"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m docmgr "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    probe = (
        f"source {tmp_path / 'docmgr.bash'}\n"
        "COMP_WORDS=(docmgr tic); COMP_CWORD=1\n"
        "_docmgr_completion docmgr\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", probe], capture_output=True, text=True, check=True, env=env, cwd=tmp_path
    )
    assert done.stdout.split() == ["ticket"]


def test_pages_are_package_data() -> None:
    """An installed docmgr carries docmgr/help/*.md (pyproject's package data)."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"help/*.md"' in text


@pytest.mark.parametrize("columns", ["", "0", "40", "60", "79", "80", "81", "200", "wide"])
@pytest.mark.parametrize("max_width", [None, 100])
def test_help_width_is_clicks_own_rule(
    monkeypatch: pytest.MonkeyPatch, columns: str, max_width: int | None
) -> None:
    """``--help`` sets the width itself (no shutil import); it is what click would choose."""
    import click.formatting

    from docmgr.cli._common import help_width

    monkeypatch.setenv("COLUMNS", columns)
    assert click.formatting.FORCED_WIDTH is None
    assert help_width(max_width) == click.formatting.HelpFormatter(max_width=max_width).width


def test_help_wraps_at_the_terminal_width() -> None:
    env = {**os.environ, "COLUMNS": "60"}
    done = subprocess.run(
        [sys.executable, "-m", "docmgr", "ticket", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert max(len(line) for line in done.stdout.splitlines()) <= 58
    assert any(len(line) > 50 for line in done.stdout.splitlines())
