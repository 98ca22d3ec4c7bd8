"""Every verb that takes a ticket resolves it the same way (spec §1.6, issue gate 1).

The table names one invocation per ticket-taking parameter of every verb; the click tree is
walked so that a new verb (or a new ticket option) fails here until it is added. Each row
runs three times:

- with a unique prefix, on its own copy of the workspace, and with the full id on another
  copy: same exit code, same output, byte-identical files afterwards;
- with an unknown id: exit 1, one ``Error:`` line naming the reference;
- with an ambiguous prefix: exit 1, naming the folder of every candidate.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import pytest
from conftest import leaf_commands

from docmgr.cli import cli, load_all

FULL = "VM-004-EXPAND-E2E-COVERAGE"
PREFIX = "VM-004"
UNKNOWN = "NOPE-404"
AMBIGUOUS = "AMB"
AMB_DIRS = ("2026/02/08/AMB-1--first-of-two", "2026/02/08/AMB-2--second-of-two")
AMB_DOC = f"ttmp/{AMB_DIRS[0]}/reference/01-notes.md"

# (command path, ticket parameter) -> arguments; "{T}" is the ticket reference under test
TABLE: dict[tuple[str, str], list[str]] = {
    ("changelog update", "ticket"): ["--ticket", "{T}", "--entry", "Did a thing"],
    ("diary create", "ticket"): ["--ticket", "{T}", "--another", "--title", "Second diary"],
    ("diary step add", "ticket"): ["--ticket", "{T}", "--title", "Second step"],
    ("diary step list", "ticket"): ["--ticket", "{T}"],
    ("diary step show", "ticket"): ["1", "--ticket", "{T}"],
    ("diary step link", "ticket"): ["--ticket", "{T}", "--step", "1", "--commit", "HEAD"],
    ("diary verify", "ticket"): ["--ticket", "{T}", "--fail-on", ""],
    ("diary renumber", "ticket"): ["--ticket", "{T}"],
    ("diary step edit", "ticket"): ["1", "--ticket", "{T}", "--did", "Edited"],
    ("diary coverage", "ticket"): ["--ticket", "{T}", "--path", "README.md", "--since", "2000-1-1"],
    ("doc add", "ticket"): ["--ticket", "{T}", "--doc-type", "reference", "--title", "More"],
    ("doc list", "ticket"): ["--ticket", "{T}"],
    ("doc relate", "ticket"): ["--ticket", "{T}", "--file-note", "README.md:the readme"],
    ("doc move", "dest_ticket"): ["--doc", AMB_DOC, "--dest-ticket", "{T}"],
    ("doc renumber", "ticket"): ["--ticket", "{T}"],
    ("doc layout-fix", "ticket"): ["--ticket", "{T}", "--dry-run"],
    ("doctor", "ticket"): ["--ticket", "{T}"],
    ("import file", "ticket"): ["--ticket", "{T}", "--file", "README.md"],
    ("meta update", "ticket"): ["--ticket", "{T}", "--field", "Status", "--value", "review"],
    ("search", "ticket"): ["--ticket", "{T}"],
    ("status", "ticket"): ["--ticket", "{T}"],
    ("task list", "ticket"): ["--ticket", "{T}"],
    ("task add", "ticket"): ["--ticket", "{T}", "--text", "Another task"],
    ("task check", "ticket"): ["--ticket", "{T}", "--id", "1"],
    ("task uncheck", "ticket"): ["--ticket", "{T}", "--id", "1"],
    ("task edit", "ticket"): ["--ticket", "{T}", "--id", "1", "--text", "Changed"],
    ("task remove", "ticket"): ["--ticket", "{T}", "--id", "1"],
    ("task migrate", "ticket"): ["--ticket", "{T}"],
    ("ticket list", "ticket"): ["--ticket", "{T}"],
    ("ticket show", "ticket_ref"): ["{T}"],
    ("ticket show", "ticket"): ["--ticket", "{T}"],
    ("ticket close", "ticket"): ["--ticket", "{T}"],
    ("ticket rename", "ticket"): ["--ticket", "{T}", "--new-ticket", "VM-999"],
    ("ticket move", "ticket"): ["--ticket", "{T}", "--path-template", "archive/{{TICKET}}"],
    ("ticket graph", "ticket"): ["--ticket", "{T}"],
    ("skill list", "ticket"): ["--ticket", "{T}"],
    ("skill show", "ticket"): ["ticket-skill", "--ticket", "{T}"],
    ("skill export", "ticket"): ["ticket-skill", "--ticket", "{T}", "--out-dir", "exported"],
    ("skill import", "ticket"): ["skill-src", "--ticket", "{T}"],
}

# ticket parameters that name a new ticket rather than an existing one
NOT_A_REFERENCE = {
    ("ticket create", "ticket"): "the id of the ticket being created",
    ("ticket rename", "new_ticket"): "the id the ticket is renamed to",
}


def _ticket_params(command: click.Command) -> list[str]:
    return [
        p.name
        for p in command.params
        if p.name
        and (
            (isinstance(p, click.Option) and any("ticket" in opt for opt in p.opts))
            or (isinstance(p, click.Argument) and "ticket" in p.name)
        )
    ]


def test_every_ticket_parameter_of_every_verb_is_in_the_table() -> None:
    load_all()
    by_callback: dict[object, list[str]] = {}  # aliases share their command's callback
    params: dict[object, list[str]] = {}
    for path, command in leaf_commands():
        by_callback.setdefault(command.callback, []).append(path)
        params[command.callback] = _ticket_params(command)
    missing = []
    for callback, paths in by_callback.items():
        for param in params[callback]:
            keys = [(path, param) for path in paths]
            if not any(k in TABLE or k in NOT_A_REFERENCE for k in keys):
                missing.append(f"{paths[0]} ({param})")
    assert missing == [], "add these to TABLE in tests/test_ticket_refs.py"
    every_path = {path for paths in by_callback.values() for path in paths}
    assert {path for path, _ in TABLE} <= every_path  # no stale rows


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with ticket VM-004-… (docs, tasks, a diary step) and AMB-1, AMB-2."""
    import os
    import subprocess

    from click.testing import CliRunner

    from docmgr.cli._common import App
    from docmgr.seams.clock import FixedClock

    repo = tmp_path_factory.mktemp("refs") / "repo"
    repo.mkdir()
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)

    git("init", "-q", "-b", "main")
    git("config", "user.name", "Test User")
    git("config", "user.email", "test@example.com")
    (repo / "README.md").write_text("# repo\n", encoding="utf-8")
    cache = tmp_path_factory.mktemp("refs-cache")

    def run(*args: str) -> None:
        out = CliRunner().invoke(
            cli,
            list(args),
            obj=App(clock=FixedClock(datetime(2026, 2, 8, 10, 47, tzinfo=UTC)), cwd=repo),
            env={"DOCMGR_CONFIG": "", "DOCMGR_NOW": "", "DOCMGR_CACHE_DIR": str(cache)},
            catch_exceptions=False,
        )
        assert out.exit_code == 0, (args, out.stdout, out.stderr)

    run("init")
    run("ticket", "create", "--ticket", FULL, "--title", "Expand e2e coverage")
    run("ticket", "create", "--ticket", "AMB-1", "--title", "First of two")
    run("ticket", "create", "--ticket", "AMB-2", "--title", "Second of two")
    run("doc", "add", "--ticket", FULL, "--doc-type", "design-doc", "--title", "Plan")
    run("doc", "add", "--ticket", "AMB-1", "--doc-type", "reference", "--title", "Notes")
    run("task", "add", "--ticket", FULL, "--text", "Write the tests")
    run("task", "add", "--ticket", FULL, "--text", "Run them")
    run("diary", "create", "--ticket", FULL)
    run("diary", "step", "add", "--ticket", FULL, "--title", "First step")
    plan = next((repo / "ttmp").rglob(f"{FULL}--*")) / "skills" / "ticket-skill" / "skill.yaml"
    plan.parent.mkdir(parents=True)
    plan.write_text(
        "skill:\n  name: ticket-skill\n  description: A skill of the ticket.\n"
        "  what_for: Testing references.\n  when_to_use: Always.\n  topics: [testing]\n",
        encoding="utf-8",
    )
    (repo / "skill-src").mkdir()
    (repo / "skill-src" / "SKILL.md").write_text(
        "---\nname: imported\ndescription: An imported skill.\n---\n# Imported\n",
        encoding="utf-8",
    )
    git("add", "-A")
    git("commit", "-q", "-m", "Workspace")
    return repo


def _copy(base: Path, where: Path) -> Path:
    shutil.copytree(base, where, symlinks=True)
    return where


# a new task's stable id is random: the only difference allowed between two runs
_NEW_TASK_ID = re.compile(rb"(?<=<!-- t:)[0-9a-z]+(?= -->)|(?<=^Task )[0-9a-z]+(?= added)", re.M)


def _files(repo: Path) -> dict[str, bytes]:
    return {
        p.relative_to(repo).as_posix(): _NEW_TASK_ID.sub(b"*", p.read_bytes())
        for p in sorted((repo / "ttmp").rglob("*"))
        if p.is_file()
    }


def _argv(key: tuple[str, str], ref: str) -> list[str]:
    return [*key[0].split(), *(a.replace("{T}", ref) for a in TABLE[key])]


def _same(text: str, repo: Path) -> str:
    """Output with the copy's location, the reference as typed and new task ids taken out
    (and the graph's node names, which hash the absolute path)."""
    text = text.replace(str(repo), "<REPO>").replace(FULL, "<T>").replace(PREFIX, "<T>")
    text = _GRAPH_NODE.sub("N_*", text)
    return _NEW_TASK_ID.sub(b"*", text.encode()).decode()


_GRAPH_NODE = re.compile(r"\b[DF]_[0-9a-f]{10}\b")


@pytest.mark.parametrize("key", sorted(TABLE), ids=lambda k: f"{k[0]}:{k[1]}")
def test_a_unique_prefix_does_what_the_full_id_does(
    invoke: Callable[..., Any], base: Path, tmp_path: Path, key: tuple[str, str]
) -> None:
    full = _copy(base, tmp_path / "full")
    prefix = _copy(base, tmp_path / "prefix")
    by_id = invoke(_argv(key, FULL), cwd=full)
    by_prefix = invoke(_argv(key, PREFIX), cwd=prefix)
    assert by_id.stdout.strip()  # the verb did something to compare
    assert _same(by_prefix.stdout, prefix) == _same(by_id.stdout, full)
    assert _same(by_prefix.stderr, prefix) == _same(by_id.stderr, full)
    assert _files(prefix) == _files(full)


@pytest.fixture(scope="module")
def probe(base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy for the failing runs (they must not write anything)."""
    return _copy(base, tmp_path_factory.mktemp("probe") / "repo")


@pytest.mark.parametrize("key", sorted(TABLE), ids=lambda k: f"{k[0]}:{k[1]}")
def test_an_unknown_id_is_an_error_naming_it(
    invoke: Callable[..., Any], probe: Path, key: tuple[str, str]
) -> None:
    before = _files(probe)
    out = invoke(_argv(key, UNKNOWN), cwd=probe, expect=1)
    assert out.stderr == (
        f'Error: ticket not found: "{UNKNOWN}" — '
        "run 'docmgr ticket list' to see available tickets\n"
    )
    assert out.stdout == ""
    assert _files(probe) == before


@pytest.mark.parametrize("key", sorted(TABLE), ids=lambda k: f"{k[0]}:{k[1]}")
def test_an_ambiguous_prefix_names_every_candidate(
    invoke: Callable[..., Any], probe: Path, key: tuple[str, str]
) -> None:
    before = _files(probe)
    out = invoke(_argv(key, AMBIGUOUS), cwd=probe, expect=1)
    assert out.stderr.startswith(f'Error: ticket ambiguous: "{AMBIGUOUS}" matches multiple')
    assert all(f"({d})" in out.stderr for d in AMB_DIRS), out.stderr
    assert out.stderr.count("\n") == 1
    assert _files(probe) == before


def test_a_near_miss_names_the_closest_id(invoke: Callable[..., Any], probe: Path) -> None:
    out = invoke(["doc", "list", "--ticket", "VM-040"], cwd=probe, expect=1)
    assert out.stderr == (
        f'Error: ticket not found: "VM-040" — did you mean {FULL}? '
        "(run 'docmgr ticket list' to see available tickets)\n"
    )
