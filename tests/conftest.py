"""Shared fixtures: the CLI invoker, a fixed clock, real git repositories, real-world workspaces.

Real-world workspaces: ``quirky_workspace`` is built from string literals (tests/quirks.py)
and is always there; ``corpus`` copies the Go tool's own workspace from ``../shared/corpus``
(or ``$DOCMGR_TEST_CORPUS``, the folder to copy as ``ttmp``) and skips when it is absent, as
in a fresh clone; ``real_world`` runs a test on both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
import pytest
import quirks
from click.testing import CliRunner

from docmgr.cli import cli, load_all
from docmgr.cli._common import App
from docmgr.seams.clock import FixedClock

CORPUS = Path(
    os.environ.get("DOCMGR_TEST_CORPUS")
    or Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "docmgr-ttmp" / "ttmp"
)
CORPUS_ABSENT = "../shared/corpus is absent (a fresh clone); CI provides it — see README"
FROZEN = datetime(2026, 2, 8, 10, 47, 0, tzinfo=timezone(timedelta(hours=-5)))


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return (
            f"<Result exit={self.exit_code}\n--stdout--\n{self.stdout}\n--stderr--\n{self.stderr}>"
        )


@pytest.fixture(autouse=True, scope="session")
def _no_user_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Safety net: whatever a test forgets, the suite never writes the user's ~/.cache."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the persistent search index of every test inside its own tmp_path."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("DOCMGR_CACHE_DIR", str(cache))
    monkeypatch.delenv("DOCMGR_NO_CACHE", raising=False)
    return cache


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FROZEN)


@pytest.fixture
def invoke(clock: FixedClock) -> Callable[..., Result]:
    """Run the CLI in-process with a fixed clock; ``cwd`` is passed explicitly (no chdir)."""

    def run(
        args: list[str],
        *,
        cwd: Path,
        expect: int = 0,
        input: str | None = None,
        env: dict[str, str] | None = None,
    ) -> Result:
        runner = CliRunner()
        base_env = {"DOCMGR_CONFIG": "", "DOCMGR_NOW": ""}
        base_env.update(env or {})
        outcome = runner.invoke(
            cli,
            args,
            obj=App(clock=clock, cwd=cwd),
            input=input,
            env=base_env,
            catch_exceptions=False,
        )
        result = Result(outcome.exit_code, outcome.stdout, outcome.stderr)
        assert result.exit_code == expect, result
        return result

    return run


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env
    ).stdout.strip()


@dataclass
class GitRepo:
    path: Path

    def git(self, *args: str) -> str:
        return _git(self.path, *args)

    def commit(self, message: str, files: dict[str, str] | None = None) -> str:
        """Write ``files``, commit them (or an empty commit), return the full hash."""
        for name, content in (files or {}).items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
            self.git("add", name)
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    """A real git repository with one commit on ``main``."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    for key, value in (
        ("user.name", "Test User"),
        ("user.email", "test@example.com"),
        ("commit.gpgsign", "false"),
    ):
        _git(repo, "config", key, value)
    handle = GitRepo(repo)
    handle.commit("Initial commit", {"README.md": "# repo\n"})
    return handle


@pytest.fixture
def quirky_workspace(tmp_path: Path) -> Path:
    """A synthetic workspace with real-world quirks (tests/quirks.py), laid out like ``corpus``."""
    return quirks.build(tmp_path / "work")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the Go tool's real workspace (the original is never written).

    ``$DOCMGR_TEST_CORPUS`` names the folder to copy instead. Skipped when the corpus is
    absent (a fresh clone); tests using it carry ``needs_corpus``.
    """
    if not CORPUS.is_dir():
        pytest.skip(CORPUS_ABSENT)
    target = tmp_path / "work"
    target.mkdir()
    shutil.copytree(CORPUS, target / "ttmp")
    (target / ".git").mkdir()  # makes `target` the repository root for resolution
    return target


@pytest.fixture(
    params=[
        pytest.param("quirky_workspace", id="quirks"),
        pytest.param("corpus", id="corpus", marks=pytest.mark.needs_corpus),
    ]
)
def real_world(request: pytest.FixtureRequest) -> Path:
    """The synthetic quirks workspace and, when present, the Go tool's real one.

    A test that needs facts about one of them parametrizes this fixture indirectly with
    ``"quirky_workspace"`` or ``"corpus"`` (marked ``needs_corpus``) and the facts beside it.
    """
    folder: Path = request.getfixturevalue(request.param)
    return folder


def leaf_commands() -> list[tuple[str, click.Command]]:
    """Every verb of the whole command tree, ``("ticket list", command)``, sorted by path.

    For the tests that must cover every verb (a new verb cannot slip past their tables).
    """
    load_all()
    found: list[tuple[str, click.Command]] = []

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                walk(command.commands[name], (*path, name))
        else:
            found.append((" ".join(path), command))

    walk(cli, ())
    return found


def age_tree(root: Path, seconds: int = 60) -> None:
    """Move every mtime under ``root`` into the past: older than the index's racy window, so
    its stats are trusted (stats within the last second are re-checked on purpose)."""
    past = os.stat(root).st_mtime_ns - seconds * 1_000_000_000
    for folder, _dirs, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), ns=(past, past))
        os.utime(folder, ns=(past, past))
