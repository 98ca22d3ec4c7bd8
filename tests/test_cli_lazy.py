"""The root group loads verbs lazily; its --help summaries must match the real verbs."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys

import click

from docmgr.cli import _SOURCES, SUMMARIES, cli


def _first_paragraph(command: click.Command) -> str:
    return inspect.cleandoc(command.help or "").split("\n\n")[0].replace("\n", " ")


def test_summaries_match_the_registered_verbs() -> None:
    visible = {name: c for name, c in cli.commands.items() if not c.hidden}
    assert set(SUMMARIES) == set(visible)
    for name, command in visible.items():
        assert SUMMARIES[name] == _first_paragraph(command), name


def test_every_registered_verb_has_a_source() -> None:
    assert set(_SOURCES) == set(cli.commands)


def test_help_imports_no_verb_module() -> None:
    probe = (
        "import sys\nfrom docmgr.cli import cli\n"
        "try:\n    cli(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('docmgr.cli.')"
        " and m not in ('docmgr.cli._common', 'docmgr.cli._hints')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_verb_imports_only_its_own_modules() -> None:
    probe = (
        "import sys\nfrom docmgr.cli import cli\n"
        "try:\n    cli(['task', 'add', '--help'], standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('docmgr.cli.')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    # shared plumbing (private helper modules) may load; no other verb's module may
    assert [m for m in loaded if not m.rsplit(".", 1)[1].startswith("_")] == ["docmgr.cli.task"]
    assert set(loaded) <= {
        "docmgr.cli.task",
        "docmgr.cli._common",
        "docmgr.cli._hints",
        "docmgr.cli._report",
        "docmgr.cli._template_flags",
    }


def test_workspace_aliases_load_after_an_earlier_verb_in_the_same_process() -> None:
    """`init` registers `workspace` with its own verbs; later `workspace export-sqlite` works."""
    probe = (
        "import sys\nfrom docmgr.cli import cli\n"
        "for args in (['init', '--help'], ['workspace', 'export-sqlite', '--help']):\n"
        "    try:\n"
        "        cli(args, prog_name='docmgr', standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Usage: docmgr workspace export-sqlite" in done.stdout
