"""``docmgr index watch``: a real watcher process keeps the index true (bounded waits only)."""

from __future__ import annotations

import json
import os
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from docmgr.store import index as index_store
from docmgr.store.index import schema
from docmgr.store.index.stamp import stamp_path
from docmgr.store.workspace import Workspace

DEADLINE_S = 60.0  # generous: the machine may be busy; every wait below ends on a condition


def _read_line(proc: subprocess.Popen[bytes], deadline_s: float) -> str:
    """One line of the process's stdout, or fail when none comes before the deadline."""
    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    end = time.monotonic() + deadline_s
    buf = b""
    try:
        while time.monotonic() < end:
            if not sel.select(timeout=max(0.0, end - time.monotonic())):
                continue
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            if b"\n" in buf:
                return buf.split(b"\n", 1)[0].decode()
    finally:
        sel.close()
    raise AssertionError(f"no line from the watcher within {deadline_s} s (got {buf!r})")


def _until(condition: Callable[[], Any], what: str, deadline_s: float = DEADLINE_S) -> Any:
    """Poll ``condition`` until it returns something truthy; fail at the deadline."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def docs(invoke: Any, git_repo: Any) -> Path:
    cwd: Path = git_repo.path
    invoke(["init"], cwd=cwd)
    invoke(["ticket", "create", "--ticket", "W-1", "--title", "Watched"], cwd=cwd)
    invoke(["doc", "add", "--ticket", "W-1", "--doc-type", "design", "--title", "Plan"], cwd=cwd)
    return cwd


def _watcher(root: Path) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "docmgr", "index", "watch", "--root", str(root)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root.parent)


@pytest.fixture
def watcher(docs: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    proc = _watcher(docs / "ttmp")
    try:
        line = _read_line(proc, DEADLINE_S)
        yield proc, line
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=DEADLINE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _info(root: Path) -> dict[str, Any]:
    ws = Workspace.open(str(root), cwd=root.parent)
    return index_store.refreshed_info(ws)


@pytest.mark.slow
def test_watcher_applies_edits_and_commands_trust_its_stamp(
    invoke: Any, docs: Path, watcher: tuple[subprocess.Popen[bytes], str]
) -> None:
    proc, ready = watcher
    root = docs / "ttmp"
    assert ready.startswith(f"watching {root} (generation ")
    start = _info(root)
    assert start["mode"] in ("watcher", "watcher + own writes")  # the fixture wrote files
    assert start["watcher"]["alive"] is True
    assert start["watcher"]["pid"] == proc.pid
    plan = next(root.rglob("01-plan.md"))
    with open(plan, "a", encoding="utf-8") as fh:  # an editor's in-place write, not docmgr's
        fh.write("\nquokkaword appears here\n")
    done = _until(
        lambda: (i := _info(root))["watcher"]["generation"] > start["generation"] and i,
        "the watcher to apply the edit",
    )
    assert done["mode"] == "watcher"  # answered without the stat walk
    text = invoke(["index", "info"], cwd=docs).stdout  # people read the same facts
    assert f"watcher:      alive (pid {proc.pid}, generation " in text
    assert "mode:         watcher" in text
    out = invoke(["search", "--query", "quokkaword", "--output", "json"], cwd=docs)
    assert "01-plan.md" in json.dumps(json.loads(out.stdout))
    # a new file in a new folder
    (plan.parent.parent / "notes").mkdir()
    fresh = plan.parent.parent / "notes" / "01-n.md"
    fresh.write_text("---\nTitle: N\nTicket: W-1\nDocType: notes\n---\nwombatword\n")
    _until(
        lambda: "01-n.md" in invoke(["search", "--query", "wombatword"], cwd=docs).stdout,
        "the watcher to index a new file in a new folder",
    )
    # a deleted file leaves the index
    fresh.unlink()
    _until(
        lambda: "01-n.md" not in invoke(["search", "--query", "wombatword"], cwd=docs).stdout,
        "the watcher to drop a deleted file",
    )


@pytest.mark.slow
def test_own_writes_are_applied_before_the_command_ends(
    invoke: Any, docs: Path, watcher: tuple[subprocess.Popen[bytes], str]
) -> None:
    proc, _ready = watcher
    root = docs / "ttmp"
    stamp = Path(stamp_path(index_store.cache_path(Workspace.open(str(root), cwd=docs))))
    _info(root)  # applies what the fixture wrote before the watcher started
    before = int(stamp.read_text().split()[1])
    # a frozen watcher: its stamp stays live, but only the command itself can apply its write
    proc.send_signal(signal.SIGSTOP)
    try:
        invoke(
            ["doc", "add", "--ticket", "W-1", "--doc-type", "design", "--title", "Numbat plan"],
            cwd=docs,
        )
        assert int(stamp.read_text().split()[1]) > before
        out = invoke(["search", "--query", "Numbat", "--output", "json"], cwd=docs)
        assert "02-numbat-plan.md" in out.stdout
    finally:
        proc.send_signal(signal.SIGCONT)


@pytest.mark.slow
def test_own_writes_that_cannot_be_applied_drop_the_stamp(
    invoke: Any,
    docs: Path,
    watcher: tuple[subprocess.Popen[bytes], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proc, _ready = watcher
    root = docs / "ttmp"
    cache = index_store.cache_path(Workspace.open(str(root), cwd=docs))
    _info(root)
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_S", 0.2)
    proc.send_signal(signal.SIGSTOP)
    holder = sqlite3.connect(cache, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer keeps the index locked
        added = invoke(
            ["doc", "add", "--ticket", "W-1", "--doc-type", "design", "--title", "Numbat plan"],
            cwd=docs,
        )
        assert "this command's changes are not in the search index yet" in added.stderr
        assert not os.path.exists(stamp_path(cache))  # nobody trusts the frozen watcher now
        holder.execute("ROLLBACK")
        out = invoke(["search", "--query", "Numbat", "--output", "json"], cwd=docs)
        assert "02-numbat-plan.md" in out.stdout
        assert _info(root)["mode"] == "full check"
    finally:
        holder.close()
        proc.send_signal(signal.SIGCONT)
    _until(lambda: os.path.exists(stamp_path(cache)), "the watcher to stamp again")


@pytest.mark.slow
def test_second_watcher_refused_and_stop_falls_back_to_the_full_check(
    docs: Path, watcher: tuple[subprocess.Popen[bytes], str]
) -> None:
    proc, _ready = watcher
    root = docs / "ttmp"
    second = subprocess.run(
        [sys.executable, "-m", "docmgr", "index", "watch", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=DEADLINE_S,
        check=False,
    )
    assert second.returncode == 1
    assert second.stderr.startswith("Error: a watcher already keeps this index")
    assert str(proc.pid) in second.stderr
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=DEADLINE_S) == 0
    info = _info(root)
    assert info["watcher"]["alive"] is False
    assert info["mode"] == "full check"
    stamp = Path(stamp_path(index_store.cache_path(Workspace.open(str(root), cwd=docs))))
    assert not stamp.exists()
