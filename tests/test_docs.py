"""Docs are tested: every verb has help with an ``Example:`` block and is in docs/cli.md,
and docs/cli.md is what ``python docs/gen_cli.py`` generates today."""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path
from types import ModuleType

import click
import pytest

from docmgr.cli import cli

REPO = Path(__file__).resolve().parents[1]
CLI_MD = REPO / "docs" / "cli.md"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli", REPO / "docs" / "gen_cli.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = load_generator()
VERBS = GEN.verbs(cli)
IDS = [" ".join(path) for path, _command, _aliases in VERBS]


def test_the_walk_finds_the_core_verbs() -> None:
    assert {
        "init",
        "configure",
        "config show",
        "vocab list",
        "vocab add",
        "ticket create",
        "ticket list",
        "ticket show",
        "doc add",
        "doc list",
        "doc guidelines",
    } <= set(IDS)
    aliases = {" ".join(a) for _p, _c, found in VERBS for a in found}
    assert {
        "ticket create-ticket",
        "create-ticket",
        "list tickets",
        "ticket tickets",
        "list docs",
        "doc docs",
    } <= aliases
    assert not aliases & set(IDS)


@pytest.mark.parametrize("path", [p for p, _c, _a in VERBS], ids=IDS)
def test_every_verb_has_help_and_an_example(path: list[str]) -> None:
    text = GEN.help_text(cli, path)
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    doc = inspect.cleandoc(command.help or "")
    assert doc.strip(), f"docmgr {' '.join(path)} has no help"
    assert re.search(r"\n\x08\nExample:\n +docmgr ", doc), (
        f"docmgr {' '.join(path)}: end the docstring with an 'Example:' block under \\b"
    )
    example = text.split("Example:", 1)[1]
    assert "docmgr " + path[0] in example, "the example must show a real command line"


@pytest.mark.parametrize("path", [p for p, _c, _a in VERBS], ids=IDS)
def test_every_verb_is_in_cli_md(path: list[str]) -> None:
    assert f"\n## docmgr {' '.join(path)}\n" in CLI_MD.read_text(encoding="utf-8"), (
        "docs/cli.md is missing this verb — run python docs/gen_cli.py"
    )


def test_cli_md_is_up_to_date() -> None:
    current = CLI_MD.read_text(encoding="utf-8") if CLI_MD.is_file() else ""
    assert current == GEN.render(), "docs/cli.md is out of date — run python docs/gen_cli.py"


@pytest.mark.parametrize(
    "name",
    [
        "getting-started.md",
        "cli.md",
        "file-formats.md",
        "json-output.md",
        "design.md",
        "skills-and-templates.md",
    ],
)
def test_docs_exist_and_link_targets_exist(name: str) -> None:
    text = (REPO / "docs" / name).read_text(encoding="utf-8")
    assert text.startswith("# ")
    for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", text):
        assert (REPO / "docs" / target).is_file(), f"{name} links to missing {target}"


def test_readme_starts_with_the_two_setup_commands() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    setup = [line for line in lines if line.startswith("python3 -m venv .venv")]
    assert setup[:2] == [
        "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/docmgr ticket list",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest",
    ]
    assert lines.index(setup[0]) < 15


def test_json_output_doc_names_every_core_key() -> None:
    text = (REPO / "docs" / "json-output.md").read_text(encoding="utf-8")
    for key in (
        "tasks_open",
        "tasks_done",
        "last_updated",
        "changelog_head",
        "doc_type",
        "docmgrignore",
        "vocabulary_path",
    ):
        assert f"`{key}`" in text


@pytest.mark.parametrize("path", [p for p, _c, _a in VERBS], ids=IDS)
def test_every_verb_takes_the_shared_options(path: list[str]) -> None:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    names = {opt for param in command.params for opt in getattr(param, "opts", [])}
    missing = {"--root", "--output", "--with-glaze-output"} - names
    assert not missing, (
        f"docmgr {' '.join(path)} lacks {sorted(missing)} (use common_options/output_options)"
    )
