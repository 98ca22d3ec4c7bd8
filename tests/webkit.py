"""A real workspace in a real git repository for the web tests, and helpers to talk to it.

``build_workspace`` drives the CLI (never writes docs by hand, except the one diary step
that must cite a commit git has never seen) and returns what the tests assert on."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

T1 = "WEB-1-AUDIT"
T2 = "WEB-2-REVIEW"
T3 = "OPS-3"


@dataclass
class Built:
    cwd: Path
    root: Path
    t1_dir: Path
    diary: Path
    design: Path
    code_commit: str  # cited by step 1, reachable: ok
    rewritten_old: str  # cited by step 2, then amended: unreachable
    rewritten_new: str  # its replacement on main (same patch)
    lost: str  # cited by step 4, never existed: missing


def build_workspace(invoke: Callable[..., Any], git_repo: Any) -> Built:
    cwd: Path = git_repo.path
    git_repo.git("remote", "add", "origin", "git@github.com:acme/widgets.git")
    invoke(["init"], cwd=cwd)
    invoke(
        [
            "ticket",
            "create",
            "--ticket",
            T1,
            "--title",
            "Audit trail for widgets",
            "--topics",
            "web,backend",
        ],
        cwd=cwd,
    )
    invoke(
        ["ticket", "create", "--ticket", T2, "--title", "Review queue", "--topics", "web"], cwd=cwd
    )
    invoke(
        ["ticket", "create", "--ticket", T3, "--title", "Operations runbook", "--topics", "ops"],
        cwd=cwd,
    )
    invoke(["meta", "update", "--ticket", T2, "--field", "Status", "--value", "review"], cwd=cwd)
    invoke(["meta", "update", "--ticket", T1, "--field", "Owners", "--value", "alice,bob"], cwd=cwd)
    invoke(
        [
            "doc",
            "add",
            "--ticket",
            T1,
            "--doc-type",
            "design-doc",
            "--title",
            "Widget audit design",
        ],
        cwd=cwd,
    )
    for text in ("Write the audit log", "Show it in the UI", "Publish the site"):
        invoke(["task", "add", "--ticket", T1, "--text", text], cwd=cwd)
    invoke(
        [
            "changelog",
            "update",
            "--ticket",
            T1,
            "--entry",
            "Decided on an append-only log",
            "--title",
            "Design",
        ],
        cwd=cwd,
    )
    root = cwd / "ttmp"
    t1_dir = next(root.glob(f"*/*/*/{T1}--*"))
    design = next(t1_dir.glob("design-doc/*.md"))
    body = (
        "\n## Plan\n\nSee the [index](../index.md) and the"
        " [code](../../../../../../src/app.py).\n\n"
        "| Part | Owner |\n|---|---|\n| log | alice |\n| ui | bob |\n\n"
        "![diagram](diagram.png)\n\n<script>alert('x')</script>\n\n"
        "[bad](javascript:alert(1))\n"
    )
    design.write_text(design.read_text(encoding="utf-8") + body, encoding="utf-8")
    (design.parent / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)

    # the code the diary cites
    invoke(["diary", "create", "--ticket", T1, "--goal", "Record the audit work."], cwd=cwd)
    diary = next(t1_dir.glob("reference/*diary*.md"))
    git_repo.git("add", "-A")
    git_repo.git("commit", "-q", "-m", "docs: ticket paperwork")
    code = git_repo.commit(
        "Add the audit log writer",
        {"src/app.py": "def log(event):\n    return event\n", "src/util.py": "X = 1\n"},
    )
    invoke(
        ["doc", "relate", "--ticket", T1, "--file-note", "src/app.py:writes the audit log"], cwd=cwd
    )
    invoke(
        [
            "diary",
            "step",
            "add",
            "--ticket",
            T1,
            "--title",
            "Audit log writer",
            "--intro",
            "Wrote the writer.",
            "--did",
            "Added src/app.py",
            "--commit",
            code,
        ],
        cwd=cwd,
    )
    old = git_repo.commit("Render the audit view", {"src/view.py": "VIEW = 'audit'\n"})
    invoke(
        [
            "diary",
            "step",
            "add",
            "--ticket",
            T1,
            "--title",
            "Audit view",
            "--intro",
            "Rendered the view.",
            "--commit",
            old,
        ],
        cwd=cwd,
    )
    git_repo.git("commit", "-q", "--amend", "-m", "Render the audit view (reworded)")
    new = git_repo.git("rev-parse", "HEAD")
    invoke(
        [
            "diary",
            "step",
            "add",
            "--ticket",
            T1,
            "--title",
            "Thinking only",
            "--intro",
            "No code in this step.",
            "--no-commit",
        ],
        cwd=cwd,
    )
    lost = "deadbeefcafe1234567890abcdef1234567890ab"
    text = diary.read_text(encoding="utf-8")
    text += (
        "\n## Step 4: Lost work\n\nThis commit was never pushed.\n\n"
        f'**Commit (code):** {lost} — "Lost experiment"\n'
        "\n## Step 5: Next\n\nTo be committed.\n\n**Commit (code):** pending\n"
    )
    diary.write_text(text, encoding="utf-8")
    return Built(cwd, root, t1_dir, diary, design, code, old, new, lost)


def client(root_cwd: Path, *, cors_origin: str = "", rev: str = "HEAD") -> Any:
    """A Starlette TestClient on the app for the workspace at ``root_cwd`` (loopback Host)."""
    from starlette.testclient import TestClient

    from docmgr.store.workspace import Workspace
    from docmgr.web.guard import Guard
    from docmgr.web.server import create_app
    from docmgr.web.state import WebState

    ws = Workspace.open(None, cwd=root_cwd, env={**os.environ, "DOCMGR_CONFIG": ""})
    app = create_app(WebState(ws, rev=rev), Guard(cors_origin=cors_origin))
    return TestClient(app, base_url="http://127.0.0.1:8787", raise_server_exceptions=True)


def rel(built: Built, path: Path) -> str:
    return path.relative_to(built.root).as_posix()


# ---------------------------------------------------------------------------- module-wide builds


class _Repo:
    """A git repository like conftest's ``git_repo`` (for fixtures wider than one test)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str) -> str:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
        return subprocess.run(
            ["git", *args], cwd=self.path, check=True, capture_output=True, text=True, env=env
        ).stdout.strip()

    def commit(self, message: str, files: dict[str, str] | None = None) -> str:
        for name, content in (files or {}).items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
            self.git("add", name)
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


def build_in(folder: Path) -> Built:
    """``build_workspace`` in a new repository under ``folder``, driving the CLI in-process."""
    from click.testing import CliRunner
    from conftest import FROZEN

    from docmgr.cli import cli
    from docmgr.cli._common import App
    from docmgr.seams.clock import FixedClock

    repo = _Repo(folder / "repo")
    repo.path.mkdir(parents=True)
    repo.git("init", "-q", "-b", "main")
    for key, value in (
        ("user.name", "Test User"),
        ("user.email", "test@example.com"),
        ("commit.gpgsign", "false"),
    ):
        repo.git("config", key, value)
    repo.commit("Initial commit", {"README.md": "# repo\n"})

    def invoke(args: list[str], *, cwd: Path, expect: int = 0) -> Any:
        outcome = CliRunner().invoke(
            cli,
            args,
            obj=App(clock=FixedClock(FROZEN), cwd=cwd),
            env={"DOCMGR_CONFIG": "", "DOCMGR_NOW": ""},
            catch_exceptions=False,
        )
        assert outcome.exit_code == expect, (outcome.stdout, outcome.stderr)
        return outcome

    return build_workspace(invoke, repo)


def copy_built(built: Built, folder: Path) -> Built:
    """A private copy (repository and all) for a test that writes."""
    target = folder / "copy"
    shutil.copytree(built.cwd, target, symlinks=True)

    def moved(path: Path) -> Path:
        return target / path.relative_to(built.cwd)

    return Built(
        target,
        moved(built.root),
        moved(built.t1_dir),
        moved(built.diary),
        moved(built.design),
        built.code_commit,
        built.rewritten_old,
        built.rewritten_new,
        built.lost,
    )


# ---------------------------------------------------------------------------- a real server


def docmgr_env() -> dict[str, str]:
    return {
        **os.environ,
        "DOCMGR_CONFIG": "",
        "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }


@contextmanager
def running_server(cwd: Path, *extra: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``docmgr api serve --addr 127.0.0.1:0`` as a subprocess; yields (base URL, process).

    The URL comes from the JSON row the server prints once it listens; healthz is then
    polled (bounded) before the caller runs; the server is stopped with SIGTERM."""
    import json

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "docmgr",
            "api",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--output",
            "json",
            *extra,
        ],
        cwd=cwd,
        env=docmgr_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        if not first:
            raise AssertionError(f"server did not start: {proc.communicate(timeout=30)}")
        lines = [first]
        while not lines[-1].rstrip().endswith("]"):
            lines.append(proc.stdout.readline())
        url = json.loads("".join(lines))[0]["url"]
        wait_healthy(url)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_healthy(url: str, attempts: int = 100) -> None:
    """Poll /api/v1/healthz until it answers (each try waits on the socket, not a sleep)."""
    last: Exception | None = None
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url + "/api/v1/healthz", timeout=5) as res:
                if res.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = exc
    raise AssertionError(f"healthz never answered: {last}")


# ---------------------------------------------------------------------------- the browser


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_args(binary: str, profile: Path) -> list[str]:
    return [
        binary,
        "--headless",
        "--no-sandbox",  # CI runs as root in a container
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=5000",
    ]


def dump_dom(binary: str, profile: Path, url: str) -> str:
    done = subprocess.run(
        [*browser_args(binary, profile), "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def screenshot(binary: str, profile: Path, url: str, target: Path, size: str = "1280,1600") -> None:
    done = subprocess.run(
        [*browser_args(binary, profile), f"--window-size={size}", f"--screenshot={target}", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and target.is_file(), done.stderr


def visible_text(html: str) -> str:
    """The text a person sees: tags, scripts and styles dropped, whitespace collapsed."""
    import re
    from html import unescape

    html = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", html)
    html = re.sub(r"(?is)<details\b[^>]*>\s*<summary\b", "<summary", html)
    text = re.sub(r"(?s)<[^>]+>", " ", html)
    return " ".join(unescape(text).split())
