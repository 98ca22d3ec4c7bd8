"""Shell completion: ``--ticket`` and ``--doc-type`` complete with live values of the workspace."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from conftest import Result

from docmgr.cli import cli
from docmgr.cli._common import App


@pytest.fixture
def work(invoke: Callable[..., Result], tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    invoke(["init"], cwd=tmp_path)
    for ticket in ("MEN-4242", "MEN-5678", "DOC-1"):
        invoke(["ticket", "create", "--ticket", ticket, "--title", "t"], cwd=tmp_path)
    invoke(
        [
            "vocab",
            "add",
            "--category",
            "docTypes",
            "--slug",
            "decision-record",
            "--description",
            "ADR",
        ],
        cwd=tmp_path,
    )
    return tmp_path


def complete(cwd: Path, args: list[str], incomplete: str) -> list[str]:
    shell = ShellComplete(cli, {"obj": App(cwd=cwd)}, "docmgr", "_DOCMGR_COMPLETE")
    return [item.value for item in shell.get_completions(args, incomplete)]


def test_ticket_ids(work: Path) -> None:
    assert complete(work, ["doc", "add", "--ticket"], "") == ["DOC-1", "MEN-4242", "MEN-5678"]
    assert complete(work, ["doc", "add", "--ticket"], "men-5") == ["MEN-5678"]
    assert complete(work, ["ticket", "show", "--ticket"], "DOC") == ["DOC-1"]


def test_doc_types_include_vocabulary_and_builtins(work: Path) -> None:
    values = complete(work, ["doc", "add", "--doc-type"], "")
    assert "decision-record" in values and "design-doc" in values and "reference" in values
    assert complete(work, ["doc", "add", "--doc-type"], "dec") == ["decision-record"]


def test_root_flag_is_honoured_before_and_on_the_verb(
    work: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    root = str(work / "ttmp")
    assert complete(elsewhere, ["doc", "add", "--ticket"], "") == []
    assert complete(elsewhere, ["doc", "add", "--root", root, "--ticket"], "MEN") == [
        "MEN-4242",
        "MEN-5678",
    ]
    assert complete(elsewhere, ["--root", root, "doc", "add", "--ticket"], "MEN") == [
        "MEN-4242",
        "MEN-5678",
    ]


def test_completion_never_crashes_on_a_broken_workspace(tmp_path: Path) -> None:
    (tmp_path / ".ttmp.yaml").write_text("root: [broken\n", encoding="utf-8")
    assert complete(tmp_path, ["doc", "add", "--ticket"], "") == []


def test_bash_protocol_in_a_subprocess(work: Path) -> None:
    env = {
        **os.environ,
        "_DOCMGR_COMPLETE": "bash_complete",
        "COMP_WORDS": "docmgr doc add --ticket MEN-4",
        "COMP_CWORD": "4",
        "DOCMGR_CONFIG": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "docmgr"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines() == ["plain,MEN-4242"]
    env["COMP_WORDS"] = "docmgr doc add --doc-type decision"
    done = subprocess.run(
        [sys.executable, "-m", "docmgr"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines() == ["plain,decision-record"]
