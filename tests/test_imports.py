"""Startup stays light: ``docmgr --help`` loads none of the heavy libraries, and only
``api serve`` / ``site build`` load the web stack (Starlette, uvicorn, Jinja2, markdown-it)."""

from __future__ import annotations

import ast
import subprocess
import sys

WEB = {"starlette", "uvicorn", "jinja2", "markupsafe", "markdown_it", "mdit_py_plugins", "httpx"}
HEAVY = {"git", "ruamel", "pendulum", "frontmatter", "yaml"} | WEB
PROBE = (
    "import sys; from docmgr.cli import cli; cli(['--help'], standalone_mode=False); "
    f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(HEAVY)!r}))"
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


def test_other_verbs_do_not_load_the_web_stack(tmp_path) -> None:
    """A real verb run (not just --help) of a non-web verb imports no web library."""
    probe = (
        "import sys\nfrom docmgr.cli import cli\n"
        f"for args in (['init', '--root', {str(tmp_path / 'ttmp')!r}],\n"
        f"             ['ticket', 'list', '--root', {str(tmp_path / 'ttmp')!r}],\n"
        "             ['api', 'serve', '--help'], ['site', 'build', '--help']):\n"
        "    try:\n"
        "        cli(args, standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(WEB)!r}))\n"
    )
    env = {"DOCMGR_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,
    )
    assert ast.literal_eval(done.stdout.strip().splitlines()[-1]) == []


def test_the_web_modules_import_no_web_library_at_module_level() -> None:
    probe = (
        "import sys, importlib\n"
        "for name in ('api', 'gate', 'guard', 'links', 'markdown', 'pages', 'render', 'server',\n"
        "             'site', 'state', 'ui', 'views'):\n"
        "    importlib.import_module('docmgr.web.' + name)\n"
        "import docmgr.cli.api, docmgr.cli.site\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(WEB)!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert ast.literal_eval(done.stdout.strip().splitlines()[-1]) == []
