"""Shell completion: ``--ticket`` and ``--doc-type`` complete with live values of the workspace."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
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


# what a workspace thing is called on the command line -> a value the test workspace holds
WORKSPACE_THINGS = {
    "--ticket": "MEN-4242",
    "--dest-ticket": "MEN-4242",
    "ticket_ref": "MEN-4242",
    "--doc": "design-doc/01-plan.md",
    "--diary": "reference/01-diary.md",
    "--id": "",  # task ids: checked below with the real random id
    "--status": "active",
    "--topics": "backend",
    "--doc-type": "decision-record",
    "--intent": "long-term",
    "--category": "docTypes",
    "--field": "Status",
    "--section": "TODO",
}


def _every_param(
    command: click.Command, path: list[str]
) -> Iterator[tuple[list[str], click.Parameter]]:
    for param in command.params:
        yield path, param
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _every_param(sub, [*path, name])


@pytest.fixture
def full(invoke: Callable[..., Result], work: Path) -> tuple[Path, str]:
    invoke(
        ["doc", "add", "--ticket", "MEN-4242", "--doc-type", "design-doc", "--title", "Plan"],
        cwd=work,
    )
    invoke(["diary", "create", "--ticket", "MEN-4242"], cwd=work)
    invoke(["task", "add", "--ticket", "MEN-4242", "--text", "Cover exec"], cwd=work)
    listed = invoke(["task", "list", "--ticket", "MEN-4242", "--output", "json"], cwd=work)
    import json

    return work, json.loads(listed.stdout)[0]["id"]


def test_every_workspace_thing_completes_live_values(full: tuple[Path, str]) -> None:
    from docmgr.cli import load_all

    work, task_id = full
    load_all()
    seen = set()
    for path, param in _every_param(cli, []):
        key = param.opts[0] if param.param_type_name == "option" else param.name
        if key not in WORKSPACE_THINGS or (key == "--id" and path[0] not in ("task", "tasks")):
            continue
        seen.add(key)
        args = [*path, "--ticket", "MEN-4242"] if key not in ("--ticket", "ticket_ref") else path
        if param.param_type_name == "option":
            args = [*args, key]
        values = complete(work, args, "")
        wanted = task_id if key == "--id" else WORKSPACE_THINGS[key]
        assert any(v == wanted or v.endswith("/" + wanted) for v in values), (path, key, values)
    assert seen == set(WORKSPACE_THINGS)


def test_comma_lists_complete_their_last_item(full: tuple[Path, str]) -> None:
    work, _ = full
    values = complete(work, ["search", "--topics"], "backend,")
    assert "backend,chat" in values and all(v.startswith("backend,") for v in values)
    assert complete(work, ["search", "--topics"], "backend,ch") == ["backend,chat"]


def test_task_ids_need_the_ticket_on_the_line(full: tuple[Path, str]) -> None:
    work, task_id = full
    assert complete(work, ["task", "check", "--ticket", "MEN-4242", "--id"], "") == [task_id]
    assert complete(work, ["task", "check", "--id"], "") == []
    assert complete(work, ["task", "check", "--ticket", "NOPE", "--id"], "") == []


def test_ticket_show_positional_via_the_bash_protocol(work: Path) -> None:
    env = {
        **os.environ,
        "_DOCMGR_COMPLETE": "bash_complete",
        "COMP_WORDS": "docmgr ticket show MEN",
        "COMP_CWORD": "3",
        "DOCMGR_CONFIG": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "docmgr"], cwd=work, env=env, capture_output=True, text=True
    )
    assert done.stdout.splitlines() == ["plain,MEN-4242", "plain,MEN-5678"]
