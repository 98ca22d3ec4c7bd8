"""Glazed-style output controls (spec §1.3) on every verb that has ``--output``.

``--fields``, ``--filter``, ``--sort-by``, ``--select``/``--select-separator``,
``--select-template`` and ``--output tsv|markdown``: the row logic is pure (cli/output.py) and
tested directly; every verb with ``--output`` in the click tree must accept the flags, and
every read verb is run with each of them on a real workspace.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from conftest import Result, leaf_commands

from docmgr.cli.output import Shaping, markdown, render, select_text, shape
from docmgr.errors import UsageProblem

ROWS: list[dict[str, Any]] = [
    {"ticket": "B-2", "title": "Beta | two", "n": 10, "topics": ["x", "y"]},
    {"ticket": "A-1", "title": "Alpha", "n": 9, "topics": []},
    {"ticket": "C-3", "title": "Gamma\nline", "n": None, "topics": ["z"]},
]


# ------------------------------------------------------------------------- pure functions


def test_fields_keep_only_these_in_this_order() -> None:
    out = shape(ROWS, Shaping(fields=("title", "ticket")))
    assert [list(r) for r in out] == [["title", "ticket"]] * 3


def test_filter_drops_columns_and_ignores_unknown_ones() -> None:
    out = shape(ROWS, Shaping(drop=("title", "topics", "missing")))
    assert out == [
        {"ticket": "B-2", "n": 10},
        {"ticket": "A-1", "n": 9},
        {"ticket": "C-3", "n": None},
    ]


def test_sort_by_ascending_descending_numbers_and_missing_last() -> None:
    assert [r["ticket"] for r in shape(ROWS, Shaping(sort_by=("ticket",)))] == ["A-1", "B-2", "C-3"]
    assert [r["ticket"] for r in shape(ROWS, Shaping(sort_by=("-ticket",)))] == [
        "C-3",
        "B-2",
        "A-1",
    ]
    # numbers compare as numbers (9 < 10), and a row without a value goes last either way
    assert [r["ticket"] for r in shape(ROWS, Shaping(sort_by=("n",)))] == ["A-1", "B-2", "C-3"]
    assert [r["ticket"] for r in shape(ROWS, Shaping(sort_by=("-n",)))] == ["B-2", "A-1", "C-3"]


def test_sort_by_several_keys_is_stable() -> None:
    rows = [{"a": 1, "b": "y"}, {"a": 2, "b": "x"}, {"a": 1, "b": "x"}]
    assert shape(rows, Shaping(sort_by=("a", "-b"))) == [
        {"a": 1, "b": "y"},
        {"a": 1, "b": "x"},
        {"a": 2, "b": "x"},
    ]


def test_unknown_fields_name_the_columns() -> None:
    with pytest.raises(UsageProblem, match="unknown field 'nope'.*ticket, title, n, topics"):
        shape(ROWS, Shaping(fields=("nope",)))
    with pytest.raises(UsageProblem, match="--sort-by"):
        shape(ROWS, Shaping(sort_by=("-nope",)))
    with pytest.raises(UsageProblem, match="--select"):
        select_text(ROWS, Shaping(select="nope"))
    assert shape([], Shaping(fields=("nope",), sort_by=("nope",))) == []


def test_select_and_separator() -> None:
    assert select_text(ROWS, Shaping(select="ticket")) == "B-2\nA-1\nC-3\n"
    assert select_text(ROWS, Shaping(select="ticket", select_separator=",")) == "B-2,A-1,C-3\n"
    assert select_text(ROWS, Shaping(select="topics")) == "x, y\n\nz\n"
    assert select_text([], Shaping(select="ticket")) == ""


def test_select_template_is_a_go_template() -> None:
    shaping = Shaping(select_template="{{.ticket}}: {{ .n }} {{.missing}}")
    assert select_text(ROWS[:2], shaping) == "B-2: 10 <no value>\nA-1: 9 <no value>\n"
    nested = Shaping(select_template="{{.a.b}}")
    assert select_text([{"a": {"b": "deep"}}], nested) == "deep\n"
    loop = Shaping(select_template="{{.ticket}}:{{range .topics}} {{.}}{{end}}")
    assert select_text(ROWS, loop) == "B-2: x y\nA-1:\nC-3: z\n"
    with pytest.raises(UsageProblem, match="invalid --select-template: template: select-template"):
        select_text(ROWS, Shaping(select_template="{{if .ticket}}unclosed"))


def test_tsv_and_markdown() -> None:
    tsv = render(ROWS, "tsv")
    table = list(csv.reader(io.StringIO(tsv), delimiter="\t"))
    assert table[0] == ["ticket", "title", "n", "topics"]
    assert table[1] == ["B-2", "Beta | two", "10", "x, y"]
    assert table[3][1] == "Gamma\nline"
    assert tsv.splitlines()[2] == "A-1\tAlpha\t9\t"
    md = markdown(ROWS).splitlines()
    assert md[0] == "| ticket | title | n | topics |"
    assert md[1] == "| --- | --- | --- | --- |"
    assert md[2] == "| B-2 | Beta \\| two | 10 | x, y |"
    assert md[4] == "| C-3 | Gamma<br>line |  | z |"
    assert render([], "tsv") == "" and render([], "markdown") == ""


# -------------------------------------------------------------------- every verb, for real


def _commands() -> Iterator[tuple[str, click.Command]]:
    for path, cmd in leaf_commands():
        if any(p.name == "output" for p in cmd.params):
            yield path, cmd


WITH_OUTPUT = dict(_commands())

TICKET = "PAR-1"

# Read verbs: run for real with every flag. Placeholders: {doc} is the design doc's path.
READ = {
    "completion": ["bash"],
    "config show": [],
    "diary coverage": ["--ticket", TICKET],
    "diary step list": ["--ticket", TICKET],
    "diary step show": ["1", "--ticket", TICKET],
    "diary verify": ["--ticket", TICKET],
    "doc docs": [],
    "doc guidelines": ["--list"],
    "doc list": [],
    "doc search": ["--query", "parity"],
    "doctor": ["--ticket", TICKET],
    "guidelines": ["--list"],
    "help": [],
    "ignore explain": ["{doc}"],
    "index info": [],
    "list docs": [],
    "list tickets": [],
    "search": ["--query", "parity"],
    "status": [],
    "task list": ["--ticket", TICKET],
    "tasks list": ["--ticket", TICKET],
    "ticket graph": ["--ticket", TICKET],
    "ticket list": [],
    "ticket show": ["--ticket", TICKET],
    "ticket tickets": [],
    "validate frontmatter": ["--doc", "{doc}"],
    "vocab list": [],
    "workspace doctor": ["--ticket", TICKET],
    "workspace status": [],
}

# Write verbs (and the server), and the verbs that need skills or verb templates the fixture
# does not hold: their flags are parsed here; running each flag on a write verb would need a
# fresh workspace per run. test_write_verb_with_select runs one of them for real.
PARSE_ONLY = {
    "skill export",
    "skill import",
    "skill list",
    "skill show",
    "template validate",
    "add",
    "api serve",
    "changelog update",
    "configure",
    "create-ticket",
    "diary create",
    "diary renumber",
    "diary step add",
    "diary step edit",
    "diary step link",
    "doc add",
    "doc layout-fix",
    "doc move",
    "doc relate",
    "doc renumber",
    "export-sqlite",
    "hooks install",
    "import file",
    "index rebuild",
    "index refresh",
    "index watch",  # a long-running process: its --output describes the watcher it started
    "init",
    "layout-fix",
    "meta update",
    "relate",
    "renumber",
    "site build",
    "task add",
    "task check",
    "task edit",
    "task migrate",
    "task remove",
    "task uncheck",
    "tasks add",
    "tasks check",
    "tasks edit",
    "tasks migrate",
    "tasks remove",
    "tasks uncheck",
    "ticket close",
    "ticket create",
    "ticket create-ticket",
    "ticket move",
    "ticket rename",
    "ticket rename-ticket",
    "vocab add",
    "workspace configure",
    "workspace export-sqlite",
    "workspace init",
}

NEW_FLAGS = (
    "--fields",
    "--filter",
    "--sort-by",
    "--select",
    "--select-separator",
    "--select-template",
)


def test_every_verb_with_output_is_classified() -> None:
    """A new verb with --output must be added to READ (run for real) or PARSE_ONLY."""
    assert set(WITH_OUTPUT) == set(READ) | PARSE_ONLY


@pytest.mark.parametrize("path", sorted(WITH_OUTPUT))
def test_every_verb_accepts_the_controls(path: str) -> None:
    cmd = WITH_OUTPUT[path]
    opts = {o for p in cmd.params for o in p.opts}
    assert set(NEW_FLAGS) <= opts
    output = next(p for p in cmd.params if p.name == "output")
    assert isinstance(output.type, click.Choice)
    assert {"table", "json", "yaml", "csv", "tsv", "markdown"} <= set(output.type.choices)
    args = ["--fields", "a,b", "--filter", "c", "--sort-by", "-a", "--select", "a"]
    ctx = cmd.make_context(path, [*args, "--output", "tsv"], resilient_parsing=True)
    assert ctx.params["fields"] == ("a,b",) and ctx.params["sort_by"] == ("-a",)
    assert ctx.params["output"] == "tsv"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """One git repository with a ticket, a doc, a task, a diary step and two more tickets."""
    import os
    import subprocess

    from click.testing import CliRunner
    from conftest import FROZEN

    from docmgr.cli import cli
    from docmgr.cli._common import App
    from docmgr.seams.clock import FixedClock

    root = tmp_path_factory.mktemp("controls")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.name", "Test User"],
        ["config", "user.email", "test@example.com"],
        ["commit", "-q", "--allow-empty", "-m", "Initial commit"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)

    def run(*args: str) -> str:
        outcome = CliRunner().invoke(
            cli,
            list(args),
            obj=App(clock=FixedClock(FROZEN), cwd=root),
            env={"DOCMGR_CONFIG": "", "DOCMGR_NOW": ""},
            catch_exceptions=False,
        )
        assert outcome.exit_code == 0, outcome.stdout + outcome.stderr
        return outcome.stdout

    run("init")
    for ticket, title in ((TICKET, "Parity controls"), ("PAR-2", "Beta"), ("PAR-0", "Zeta")):
        run("ticket", "create", "--ticket", ticket, "--title", title, "--topics", "cli,parity")
    made = json.loads(
        run(
            "doc",
            "add",
            "--ticket",
            TICKET,
            "--doc-type",
            "design-doc",
            "--title",
            "Parity design",
            "--output",
            "json",
        )
    )
    for text in ("first task", "second task"):
        run("task", "add", "--ticket", TICKET, "--text", text)
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("print('parity')\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "Add app"], cwd=root, check=True, env=env)
    run("doc", "relate", "--ticket", TICKET, "--file-note", "src/app.py:the app")
    run("diary", "create", "--ticket", TICKET)
    run("diary", "step", "add", "--ticket", TICKET, "--title", "Started", "--no-commit")
    run("diary", "step", "add", "--ticket", TICKET, "--title", "Went on", "--no-commit")
    yield root, str(made[0]["path"])


def _args(path: str, doc: str) -> list[str]:
    return [*path.split(), *(a.replace("{doc}", doc) for a in READ[path])]


@pytest.mark.parametrize("path", sorted(READ))
def test_read_verb_runs_every_control(
    invoke: Callable[..., Result], workspace: tuple[Path, str], path: str
) -> None:
    root, doc = workspace
    base = _args(path, doc)
    rows = json.loads(invoke([*base, "--output", "json"], cwd=root).stdout)
    assert isinstance(rows, list)
    cols = list(dict.fromkeys(k for row in rows for k in row))
    if not rows:
        pytest.fail(f"{path} gave no rows to shape")
    first, last = cols[0], cols[-1]

    fields = json.loads(invoke([*base, "--fields", f"{last},{first}"], cwd=root).stdout)
    assert all(list(r) == [c for c in dict.fromkeys((last, first)) if c in r] for r in fields)
    assert len(fields) == len(rows)

    filtered = json.loads(invoke([*base, "--filter", first, "--output", "json"], cwd=root).stdout)
    assert all(first not in r for r in filtered) and len(filtered) == len(rows)

    ordered = json.loads(
        invoke([*base, "--sort-by", f"-{first}", "--output", "json"], cwd=root).stdout
    )
    expected = shape(rows, Shaping(sort_by=(f"-{first}",)))
    assert [r.get(first) for r in ordered] == [r.get(first) for r in expected]

    selected = invoke([*base, "--select", first], cwd=root).stdout
    assert selected == select_text(rows, Shaping(select=first))

    templated = invoke([*base, "--select-template", f"<{{{{.{first}}}}}>"], cwd=root).stdout
    assert templated.splitlines()[0].startswith("<") and len(templated.splitlines()) >= len(rows)

    tsv = invoke([*base, "--output", "tsv"], cwd=root).stdout
    assert tsv.split("\n", 1)[0].split("\t") == cols
    md = invoke([*base, "--output", "markdown"], cwd=root).stdout.splitlines()
    assert md[0] == "| " + " | ".join(cols) + " |"
    assert md[1] == "| " + " | ".join("---" for _ in cols) + " |"


def test_sort_and_fields_on_ticket_list_as_table(
    invoke: Callable[..., Result], workspace: tuple[Path, str]
) -> None:
    root, _doc = workspace
    out = invoke(
        ["ticket", "list", "--fields", "ticket,title", "--sort-by", "-ticket", "--output", "table"],
        cwd=root,
    ).stdout.splitlines()
    assert out[0].split() == ["TICKET", "TITLE"]
    assert [line.split()[0] for line in out[1:]] == ["PAR-2", "PAR-1", "PAR-0"]
    selected = invoke(["ticket", "list", "--select", "ticket", "--sort-by", "ticket"], cwd=root)
    assert selected.stdout == "PAR-0\nPAR-1\nPAR-2\n"


def test_bad_controls_are_usage_errors(
    invoke: Callable[..., Result], workspace: tuple[Path, str]
) -> None:
    root, _doc = workspace
    out = invoke(["ticket", "list", "--fields", "nope"], cwd=root, expect=2)
    assert out.stderr.startswith("Error: --fields: unknown field 'nope' — use one of: ticket,")
    out = invoke(["ticket", "list", "--select-template", "{{if .x}}y"], cwd=root, expect=2)
    assert "invalid --select-template: template: select-template" in out.stderr
    invoke(
        ["ticket", "list", "--select", "ticket", "--select-template", "{{.ticket}}"],
        cwd=root,
        expect=2,
    )
    invoke(["ticket", "list", "--output", "excel"], cwd=root, expect=2)


def test_write_verb_with_select(invoke: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    invoke(["init"], cwd=tmp_path)
    out = invoke(
        ["ticket", "create", "--ticket", "W-1", "--title", "Write", "--select", "ticket"],
        cwd=tmp_path,
    )
    assert out.stdout == "W-1\n"
