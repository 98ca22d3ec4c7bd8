"""Startup stays light: ``docmgr --help`` loads none of the heavy libraries."""

from __future__ import annotations

import ast
import subprocess
import sys

HEAVY = {"git", "ruamel", "pendulum", "frontmatter", "yaml"}
PROBE = (
    "import sys; from docmgr.cli import cli; cli(['--help'], standalone_mode=False); "
    "print(sorted(m for m in sys.modules if m.split('.')[0] in "
    "{'git','ruamel','pendulum','frontmatter','yaml'}))"
)


def test_help_loads_no_heavy_library() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert "Usage:" in done.stdout
    assert ast.literal_eval(done.stdout.strip().splitlines()[-1]) == []


def test_every_group_help_loads_no_heavy_library() -> None:
    probe = (
        "import sys\nfrom docmgr.cli import cli\n"
        "for name in sorted(cli.commands):\n"
        "    try:\n"
        "        cli([name, '--help'], standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{sorted(HEAVY)!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert ast.literal_eval(done.stdout.strip().splitlines()[-1]) == []


def test_python_dash_m_docmgr() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "docmgr", "--help"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("Usage: ")
    assert "ticket" in done.stdout


def test_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "docmgr", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("docmgr, version ")
