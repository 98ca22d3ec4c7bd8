"""Startup stays light: ``docmgr --help`` loads none of the heavy libraries, and only
``api serve`` / ``site build`` load the web stack (Starlette, uvicorn, Jinja2, markdown-it)."""

from __future__ import annotations

import ast
import os
import site
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GitRepo, age_tree

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


_SOURCE_PATHS = [str(Path(__file__).resolve().parents[1]), *site.getsitepackages()]


def test_help_loads_no_pathlib() -> None:
    """pathlib brings urllib.parse and ipaddress: ~3 ms of a ~60 ms ``--help``; shutil (click's
    way to the terminal width, ``_common.help_width``) bz2, lzma and fnmatch: ~3 ms more."""
    probe = (
        "import sys; from docmgr.cli import cli; cli(['--help'], standalone_mode=False); "
        "print(sorted(m for m in ('pathlib', 'urllib.parse', 'ipaddress', 'shutil', 'bz2')"
        " if m in sys.modules))"
    )
    # without site: an editable install's import hook (a .pth file) loads pathlib itself
    done = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(_SOURCE_PATHS)},
    )
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


# The docmgr modules each warm read verb loads (measured when the index API was split; the
# index package's own modules included). A verb may load fewer, never more: a new import on
# these paths costs every agent call (issue 10). Update the list only with a reason.
_WARM_COMMON = {
    "docmgr",
    "docmgr.cli",
    "docmgr.cli._common",
    # --print-template-schema on the read verbs (the template data and machinery load only
    # when a schema is asked for or <root>/templates exists)
    "docmgr.cli._template_flags",
    "docmgr.cli._hints",  # spells library hints as flags at the error boundary
    "docmgr.cli.output",
    "docmgr.errors",
    "docmgr.model",
    "docmgr.slotted",  # the records' equality and repr (model, errors: no dataclasses)
    "docmgr.tuples",  # NamedTuple classes made without compiling anything
    "docmgr.reports",
    "docmgr.seams",
    "docmgr.seams.clock",
    "docmgr.store",
    "docmgr.store.config",
    "docmgr.store.index",
    "docmgr.store.index.freshness",
    "docmgr.store.index.handle",  # the open index and its no-change check (not its writes)
    "docmgr.store.index.hooks",
    "docmgr.store.index.queries",
    "docmgr.store.index.records",
    "docmgr.store.index.schema",
    "docmgr.store.index.stamp",  # the watcher's stamp: one stat instead of the stat walk
    "docmgr.seams.touched",  # this process's own writes, applied first while a watcher runs
    "docmgr.store.workspace",
}
_WARM_SEARCH = _WARM_COMMON | {
    "docmgr.formats",
    "docmgr.formats.delimiters",  # the shown documents' bodies, for their snippets
    "docmgr.cli.search",
    "docmgr.reports.search",
    "docmgr.reports.snippet",  # cuts the hits' snippets
}  # the ticket resolver (lookup, seams.paths) loads only for --ticket, dates only for --since…
# ticket list reads its rows straight from SQL: no ticket resolver (only with --ticket), and
# none of the write verbs' modules (journal, staging, changelog). No verb reads a header
# (front_matter), renders YAML scalars or resolves related files (search --file/--dir only)
# while nothing changed.
_WARM_TICKET_LIST = _WARM_COMMON | {
    "docmgr.cli._report",
    "docmgr.cli.ticket",
}
_WARM_DOC_LIST = _WARM_COMMON | {
    # the write verbs of the same module (doc add, relate, move…) import their ops inside
    # the commands: no journal, staging or header writer here
    "docmgr.cli._report",
    "docmgr.cli.doc",
    "docmgr.cli.search",  # `doc search`, an alias of search
    "docmgr.reports.search",
}


_WARM_DOC = """---
Title: {title}
Ticket: WM-1
Status: active
Topics:
    - backend
DocType: {doc_type}
LastUpdated: 2026-02-01T10:00:00Z
---
# {title}

warm path
"""

# Standard-library modules the write verbs need (shutil pulls bz2 and lzma; secrets pulls
# hashlib, random and base64) or only some outputs need (csv): not on these warm paths.
_NOT_WARM_STDLIB = {
    *("shutil", "bz2", "lzma", "secrets", "hashlib", "random", "csv", "tempfile"),
    *("signal", "fcntl"),  # the watcher's own (a warm command reads only its stamp)
    # paths are strings on the warm path (``Workspace.root_str``): pathlib brings
    # urllib.parse and ipaddress, ~5 % of a warm verb on a real workspace
    *("pathlib", "urllib.parse", "ipaddress"),
    # shared libraries to load: the cache's name is a crc32 computed in Python, and the
    # snapshot's stamps are read through memoryview.cast
    *("zlib", "array"),
}

_WARM_PROBE = (
    "import sys\n"
    "from docmgr.cli import cli\n"
    "try:\n"
    "    cli(sys.argv[1:], standalone_mode=False)\n"
    "except SystemExit:\n"
    "    pass\n"
    "print(sorted(m for m in sys.modules if m == 'docmgr' or m.startswith('docmgr.')))\n"
    f"print(sorted(m for m in sys.modules if m in {sorted(_NOT_WARM_STDLIB)!r}))\n"
)


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["search", "--query", "warm"], _WARM_SEARCH),
        (["ticket", "list"], _WARM_TICKET_LIST),
        (["ticket", "list", "--output", "json"], _WARM_TICKET_LIST),
        (["doc", "list"], _WARM_DOC_LIST),
    ],
    ids=["search", "ticket list", "ticket list json", "doc list"],
)
def test_warm_read_verbs_load_no_more_docmgr_modules(
    tmp_path: Path, args: list[str], allowed: set[str]
) -> None:
    root = tmp_path / "repo" / "ttmp"
    folder = root / "2026/02/01/WM-1--warm"
    (folder / "design").mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    (folder / "index.md").write_text(_WARM_DOC.format(title="Warm", doc_type="index"))
    (folder / "design" / "01-plan.md").write_text(
        _WARM_DOC.format(title="Plan", doc_type="design-doc")
    )
    age_tree(root)  # every stat older than the racy window: warm means nothing rescanned
    # without site, as in test_help_loads_no_pathlib (an editable install's hook loads pathlib)
    command = [sys.executable, "-S", "-c", _WARM_PROBE, "--root", str(root), *args]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(_SOURCE_PATHS)}
    subprocess.run(command, capture_output=True, text=True, check=True, env=env)  # the cache
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    *_, docmgr_line, stdlib_line = done.stdout.strip().splitlines()
    loaded = set(ast.literal_eval(docmgr_line))
    assert "docmgr.store.index" in loaded  # the probe really ran the verb
    assert loaded - allowed == set(), "a warm read verb loads new docmgr modules"
    assert ast.literal_eval(stdlib_line) == [], "a warm read verb loads write-path modules"


def test_a_step_without_a_commit_does_not_load_gitpython(tmp_path: Path, git_repo: GitRepo) -> None:
    """GitPython links commits; the author of a step without one comes from git itself."""
    env = {**os.environ, "DOCMGR_CONFIG": "", "DOCMGR_CACHE_DIR": str(tmp_path / "cache")}
    for args in (
        ["init"],
        ["ticket", "create", "--ticket", "GP-1", "--title", "No git"],
        ["diary", "create", "--ticket", "GP-1"],
    ):
        subprocess.run(
            [sys.executable, "-m", "docmgr", *args],
            cwd=git_repo.path,
            env=env,
            check=True,
            capture_output=True,
        )
    probe = (
        "import sys, json\nfrom docmgr.cli import cli\n"
        "try:\n"
        "    cli(['diary', 'step', 'add', '--ticket', 'GP-1', '--title', 'Plain',"
        " '--intro', 'i', '--did', 'd', '--output', 'json'], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'git'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=git_repo.path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    *rows, modules = done.stdout.strip().splitlines()
    assert ast.literal_eval(modules) == []
    assert '"author": "Test User"' in "".join(rows)


def test_other_verbs_do_not_load_the_web_stack(tmp_path: Path) -> None:
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
    assert _probe(probe, env, tmp_path)[1] == []


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


def test_task_add_loads_no_random_hashlib_or_dataclasses(tmp_path: Path) -> None:
    """The commonest write verb: a task id comes from os.urandom (``secrets`` pulls random
    and OpenSSL's hashlib), and no record on its path is a dataclass."""
    (tmp_path / ".git").mkdir()
    env = {"DOCMGR_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    docmgr = [sys.executable, "-m", "docmgr"]
    for args in (["init"], ["ticket", "create", "--ticket", "TA-1", "--title", "t"]):
        subprocess.run([*docmgr, *args], cwd=tmp_path, env=env, check=True, capture_output=True)
    for folder, _dirs, files in os.walk(tmp_path / "ttmp"):  # old: not racy, so not re-parsed
        for path in [folder, *(os.path.join(folder, name) for name in files)]:
            os.utime(path, (1_700_000_000, 1_700_000_000))
    subprocess.run(
        [*docmgr, "ticket", "list"], cwd=tmp_path, env=env, check=True, capture_output=True
    )
    probe = (
        "import sys\nfrom docmgr.cli import cli\n"
        "try:\n"
        "    cli(['task', 'add', '--ticket', 'TA-1', '--text', 'x'], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m in "
        "{'secrets', 'random', 'hashlib', 'dataclasses', 'shutil', 'json'}))\n"
    )
    output, loaded = _probe(probe, env, tmp_path)
    assert "added to" in output  # the probe really ran the verb
    assert loaded == []


def _probe(probe: str, env: dict[str, str], cwd: Path) -> tuple[str, list[str]]:
    """Run a probe in a fresh interpreter: (its output, the module list of its last line)."""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env, cwd=cwd
    )
    return done.stdout, list(ast.literal_eval(done.stdout.strip().splitlines()[-1]))


_NOT_ON_STEP_ADD = {
    "dataclasses",  # (shutil and tempfile come with GitPython: its floor)
    *("docmgr.reports.diary_verify", "docmgr.reports.diary_coverage"),  # other diary verbs
    *("docmgr.ops.document", "docmgr.ops.relate", "docmgr.ops.changelog"),  # create, options
    "docmgr.seams.journal",
}


def test_step_add_commit_loads_only_the_step_path(tmp_path: Path) -> None:
    """``diary step add --commit HEAD`` pays GitPython's import (its floor) and little more:
    no dataclass and none of the other diary verbs' modules."""
    env = {
        "DOCMGR_CACHE_DIR": str(tmp_path / "cache"),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.com",
    }
    docmgr = [sys.executable, "-m", "docmgr"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, env=env, check=True)
    for args in (["init"], ["ticket", "create", "--ticket", "DA-1", "--title", "t"]):
        subprocess.run([*docmgr, *args], cwd=tmp_path, env=env, check=True, capture_output=True)
    subprocess.run(
        [*docmgr, "diary", "create", "--ticket", "DA-1"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, env=env, check=True)
    subprocess.run(["git", "commit", "-qm", "first"], cwd=tmp_path, env=env, check=True)
    probe = (
        "import sys\nfrom docmgr.cli import cli\n"
        "try:\n"
        "    cli(['diary', 'step', 'add', '--ticket', 'DA-1', '--title', 'One', '--commit',"
        " 'HEAD'], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in sys.modules if m in {sorted(_NOT_ON_STEP_ADD)!r}))\n"
    )
    output, loaded = _probe(probe, env, tmp_path)
    assert "Step 1" in output  # the probe really ran the verb
    assert loaded == []
