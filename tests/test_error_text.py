"""The error gate (issue 9, gate 6): one exception module, library text free of CLI flags.

- every exception class is defined in ``docmgr/errors.py``;
- no module outside ``docmgr/cli/`` imports click;
- string literals of the library name no command-line flag (docstrings aside): an error
  names an input as ``Param("ticket")`` and a command as ``Command("doc list", ...)``, and the
  CLI spells them (``docmgr/cli/_hints.py``);
- every Param and Command the library writes spells to a flag and a verb that exist.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from conftest import leaf_commands

from docmgr.cli import _hints, load_all
from docmgr.errors import Command, DocmgrError, Param, TicketNotFound, UsageProblem

PACKAGE = Path(__file__).resolve().parents[1] / "docmgr"

# (module relative to docmgr/, flag) -> why a flag may be written there. A module listed with
# the flag "*" may name any flag.
ALLOWED_FLAGS: dict[tuple[str, str], str] = {
    **{
        ("seams/gitlink.py", flag): "the argv of a git command: git's own flag, not docmgr's"
        for flag in (
            "--no-color",
            "--format",
            "--no-commit-id",
            "--name-only",
            "--root",
            "--no-renames",
            "--stable",
            "--no-ext-diff",
            "--cached",
            "--others",
            "--exclude-standard",
            "--no-merges",
            "--since",
            "--git-path",
            "--get",
            "--local",
            "--remove-section",
            "--is-inside-work-tree",
            "--get-regexp",
        )
    },
    ("errors.py", "--oneline"): "a git command the user can run: git's own flag",
    ("store/index/__init__.py", "--root"): (
        "the argv of the detached watcher process docmgr starts, not a message to the user"
    ),
    ("store/config.py", "--root"): (
        "'--root flag' names a source of the docs root in 'config show', as the Go tool does"
    ),
    **{
        ("reports/doctor/rules/vocabulary.py", flag): (
            "finding text of spec §7.4 (Go parity): report data, not an error"
        )
        for flag in ("--category", "--slug", "--description")
    },
    # Doctor findings are report data whose message is a plain string (model.Finding); the
    # two rules below are docmgr's own (issue 9, gate 7) and suggest the repairing command.
    # A structured suggestion on Finding (like errors.Command) would let the CLI spell them.
    **{
        ("reports/doctor/rules/identity.py", flag): (
            "finding text naming the repairing commands (Finding.message is a plain string)"
        )
        for flag in ("--ticket", "--field", "--value", "--new-ticket", "--doc")
    },
    **{
        ("reports/doctor/rules/orphans.py", flag): (
            "finding text naming the repairing command (Finding.message is a plain string)"
        )
        for flag in ("--doc", "--dest-ticket")
    },
    ("reports/skills.py", "--root"): (
        "the load command of spec §11.2 is report output: a command line to copy"
    ),
    ("reports/skills.py", "--ticket"): (
        "the load command of spec §11.2 is report output: a command line to copy"
    ),
    ("reports/doctor/render.py", "*"): (
        "doctor's report: the roll-up footer of spec §7.5 and the suggested commands of the "
        "diagnostics JSON (spec §7.6), written as argv; report output, not error text"
    ),
}

_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


@functools.cache
def _parsed() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_bytes(), filename=str(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def _modules() -> Iterator[tuple[str, ast.Module]]:
    return iter(_parsed())


def _library() -> Iterator[tuple[str, ast.Module]]:
    return ((rel, tree) for rel, tree in _modules() if not rel.startswith("cli/"))


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the Constant nodes that are docstrings (module, class, function)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
        ):
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _strings(tree: ast.Module) -> Iterator[tuple[int, str]]:
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def _exception_names() -> set[str]:
    tree = ast.parse((PACKAGE / "errors.py").read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.ClassDef)}


def test_every_exception_class_lives_in_errors_py() -> None:
    ours = _exception_names()
    outside = []
    for rel, tree in _modules():
        if rel == "errors.py":
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases}
            if any(b in ours or re.search(r"(Error|Exception|Warning|Exit)$", b) for b in bases):
                outside.append(f"{rel}:{node.lineno} {node.name}")
    assert outside == [], "move these to docmgr/errors.py"


def test_no_module_outside_cli_imports_click() -> None:
    found = []
    for rel, tree in _library():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            if any(n == "click" or n.startswith("click.") for n in names):
                found.append(f"{rel}:{node.lineno}")
    assert found == []


def test_library_strings_name_no_cli_flags() -> None:
    found = []
    for rel, tree in _library():
        if (rel, "*") in ALLOWED_FLAGS:
            continue
        for line, text in _strings(tree):
            for flag in _FLAG.findall(text):
                if (rel, flag) not in ALLOWED_FLAGS:
                    found.append(f"{rel}:{line} {flag} in {text!r}")
    assert found == [], "name the input with errors.Param / errors.Command instead"


def test_the_allow_list_has_no_stale_entries() -> None:
    used = set()
    for rel, tree in _library():
        for _line, text in _strings(tree):
            used |= {(rel, flag) for flag in _FLAG.findall(text)} | {(rel, "*")}
    assert set(ALLOWED_FLAGS) <= used


def _flags_of(command: click.Command) -> set[str]:
    return {
        opt
        for p in command.params
        if isinstance(p, click.Option)
        for opt in (*p.opts, *p.secondary_opts)
    }


def _library_parts() -> Iterator[tuple[str, int, ast.Call]]:
    for rel, tree in _modules():
        if rel.startswith("cli/"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id in ("Param", "Command"):
                    yield rel, node.lineno, node


def test_every_param_and_command_spells_to_a_real_flag() -> None:
    load_all()
    verbs = dict(leaf_commands())
    every_flag = set().union(*(_flags_of(c) for c in verbs.values()))
    problems = []
    seen = 0
    for rel, line, call in _library_parts():
        seen += 1
        where = f"{rel}:{line}"
        first = call.args[0] if call.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            problems.append(f"{where}: name the parameter or verb with a string literal")
            continue
        assert isinstance(call.func, ast.Name)
        if call.func.id == "Param":
            if _hints.flag(first.value) not in every_flag:
                problems.append(f"{where}: no verb has {_hints.flag(first.value)}")
            continue
        command = verbs.get(first.value)
        if command is None:
            problems.append(f"{where}: no verb 'docmgr {first.value}'")
            continue
        for keyword in call.keywords:
            if keyword.arg is None or _hints.flag(keyword.arg) not in _flags_of(command):
                problems.append(f"{where}: 'docmgr {first.value}' has no --{keyword.arg}")
    assert problems == []
    assert seen > 10  # the scan does find them


# --------------------------------------------------------------------------- rendering


def test_the_cli_spells_params_and_commands() -> None:
    assert _hints.spelling(Param("dest_dir")) == "--dest-dir"
    assert _hints.spelling(Param("ticket", "<ID>")) == "--ticket <ID>"
    assert _hints.spelling(Command("init")) == "'docmgr init'"
    assert (
        _hints.spelling(Command("validate frontmatter", doc="a b.md", auto_fix=True))
        == "'docmgr validate frontmatter --doc \"a b.md\" --auto-fix'"
    )


def test_an_error_reads_in_library_terms_and_renders_with_flags() -> None:
    error = UsageProblem(
        ("must specify either ", Param("doc"), " or ", Param("ticket")),
        ("pass ", Param("ticket", "<ID>"), " or run ", Command("doc list", ticket="X")),
    )
    assert str(error) == (
        "must specify either doc or ticket — pass ticket=<ID> or run 'doc list' (ticket=X)"
    )
    assert error.message == "must specify either doc or ticket"
    assert _hints.render(error) == (
        "must specify either --doc or --ticket — pass --ticket <ID> or run "
        "'docmgr doc list --ticket X'"
    )


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (
            ["meta", "update", "--field", "Status", "--value", "x"],
            "Error: must specify either --doc or --ticket — pass --doc <path> or --ticket <ID>\n",
        ),
        (
            ["search"],
            "Error: must provide at least a query or filter — pass --query TEXT or a filter "
            "such as --ticket, --topics or --file\n",
        ),
        (
            ["ticket", "graph", "--ticket", "T-1", "--format", "svg"],
            "Error: invalid --format: svg — use one of markdown, mermaid\n",
        ),
    ],
)
def test_the_boundary_prints_one_line_with_flags(
    invoke: Callable[..., Any], tmp_path: Path, args: list[str], stderr: str
) -> None:
    invoke(["init", "--root", str(tmp_path / "ttmp")], cwd=tmp_path)
    invoke(["ticket", "create", "--ticket", "T-1", "--title", "One"], cwd=tmp_path)
    out = invoke(args, cwd=tmp_path, expect=2)
    assert out.stderr == stderr


def test_ticket_not_found_keeps_its_structure() -> None:
    error = TicketNotFound("VM-40", ["VM-004-X"])
    assert isinstance(error, DocmgrError)
    assert (error.ref, error.closest) == ("VM-40", ["VM-004-X"])
