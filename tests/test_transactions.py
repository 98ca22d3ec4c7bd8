"""The transaction gate: multi-file verbs change every file or none, even across kill -9.

Uneditable documents stop an operation before anything is written (the whole tree,
folder names included, is byte-identical afterwards). Crashes come from the journal's
DOCMGR_FAULT_INJECT hooks in a real ``python -m docmgr`` subprocess (``os._exit``, which
skips every cleanup, like kill -9) at every point of the commit; the next docmgr command
must finish or roll back the operation and say so on stderr.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from docmgr.model import JOURNAL_DIR
from docmgr.store.ignore import Matcher
from docmgr.store.index import load_docs
from docmgr.store.workspace import Workspace, walk_markdown

Invoke = Callable[..., Any]

NOW = "2026-02-08T10:47:00-05:00"
DATED = "2026/02/08"
PLAN = f"ttmp/{DATED}/KT-1--kill-test/design-doc/01-plan.md"


def tree(top: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under ``top`` except ``.git``."""
    out: dict[str, bytes | None] = {}
    for current, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d != ".git"]
        rel = Path(current).relative_to(top)
        for name in dirs:
            out[(rel / name).as_posix()] = None
        for name in files:
            out[(rel / name).as_posix()] = (Path(current) / name).read_bytes()
    return out


def run(cwd: Path, args: list[str], *, fault: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DOCMGR_CONFIG": "",
        "DOCMGR_NOW": NOW,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    env.pop("DOCMGR_FAULT_INJECT", None)
    if fault:
        env["DOCMGR_FAULT_INJECT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "docmgr", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def ws(invoke: Invoke, git_repo: Any) -> Path:
    """Two tickets; KT-1 has a design doc that references a second one by path."""
    cwd: Path = git_repo.path
    invoke(["init"], cwd=cwd)
    invoke(
        ["ticket", "create", "--ticket", "KT-1", "--title", "Kill test", "--scaffold-dirs"], cwd=cwd
    )
    invoke(["ticket", "create", "--ticket", "KT-3", "--title", "Other"], cwd=cwd)
    for title in ("Plan", "Notes"):
        invoke(
            ["doc", "add", "--ticket", "KT-1", "--doc-type", "design-doc", "--title", title],
            cwd=cwd,
        )
    notes = cwd / f"ttmp/{DATED}/KT-1--kill-test/design-doc/02-notes.md"
    notes.write_text(notes.read_text() + "See design-doc/01-plan.md.\n")
    return cwd


def _uneditable(kind: str) -> bytes:
    if kind == "duplicate-key":
        return b"---\nTitle: Odd\nTitle: Twice\nTicket: KT-1\nDocType: design-doc\n---\nbody\n"
    if kind == "not-utf8":
        return b"---\nTitle: caf\xe9\nTicket: KT-1\nDocType: design-doc\n---\nbody\n"
    return b"---\nTitle: [unclosed\nTicket: KT-1\nDocType: design-doc\n---\nbody\n"


UNEDITABLE = ["duplicate-key", "not-utf8", "broken-header"]
WHY = {
    "duplicate-key": "has the key 'Title' (line 3) twice",
    "not-utf8": "is not UTF-8 text",
    "broken-header": "front matter cannot be edited",
}


@pytest.mark.parametrize("kind", UNEDITABLE)
def test_rename_with_an_uneditable_doc_changes_nothing(invoke: Invoke, ws: Path, kind: str) -> None:
    odd = ws / f"ttmp/{DATED}/KT-1--kill-test/reference/09-odd.md"
    odd.write_bytes(_uneditable(kind))
    before = tree(ws)
    out = invoke(["ticket", "rename", "--ticket", "KT-1", "--new-ticket", "KT-2"], cwd=ws, expect=1)
    assert out.stderr.startswith("Error: cannot rename ticket KT-1 to KT-2: a document cannot be")
    assert "09-odd.md" in out.stderr and WHY[kind] in out.stderr
    assert "nothing was changed" in out.stderr
    assert tree(ws) == before


def test_rename_names_every_uneditable_doc(invoke: Invoke, ws: Path) -> None:
    folder = ws / f"ttmp/{DATED}/KT-1--kill-test/reference"
    for number, kind in enumerate(UNEDITABLE, start=7):
        (folder / f"0{number}-{kind}.md").write_bytes(_uneditable(kind))
    before = tree(ws)
    out = invoke(["ticket", "rename", "--ticket", "KT-1", "--new-ticket", "KT-2"], cwd=ws, expect=1)
    assert "3 documents cannot be edited" in out.stderr
    for kind in UNEDITABLE:
        assert f"{kind}.md" in out.stderr and WHY[kind] in out.stderr
    assert tree(ws) == before


def test_rename_leaves_files_without_front_matter_alone(invoke: Invoke, ws: Path) -> None:
    folder = ws / f"ttmp/{DATED}/KT-1--kill-test"
    (folder / "various" / "latin1.md").write_bytes(b"caf\xe9 notes, no header\n")
    invoke(["ticket", "rename", "--ticket", "KT-1", "--new-ticket", "KT-2"], cwd=ws)
    moved = ws / f"ttmp/{DATED}/KT-2--kill-test"
    assert (moved / "various" / "latin1.md").read_bytes() == b"caf\xe9 notes, no header\n"
    assert "Ticket: KT-2" in (moved / "design-doc" / "01-plan.md").read_text()
    assert not (ws / "ttmp" / JOURNAL_DIR).exists()


@pytest.mark.parametrize("kind", UNEDITABLE)
def test_doc_move_of_an_uneditable_doc_changes_nothing(invoke: Invoke, ws: Path, kind: str) -> None:
    odd = ws / f"ttmp/{DATED}/KT-1--kill-test/reference/09-odd.md"
    odd.write_bytes(_uneditable(kind))
    before = tree(ws)
    args = ["doc", "move", "--doc", str(odd), "--dest-ticket", "KT-3", "--dest-dir", "new/deep"]
    out = invoke(args, cwd=ws, expect=1)
    assert "09-odd.md" in out.stderr
    assert tree(ws) == before


def test_import_with_an_uneditable_index_changes_nothing(
    invoke: Invoke, ws: Path, tmp_path: Path
) -> None:
    index = ws / f"ttmp/{DATED}/KT-1--kill-test/index.md"
    index.write_text(index.read_text().replace("Status: active\n", "Status: active\nStatus: x\n"))
    source = tmp_path / "spec.txt"
    source.write_text("outside\n")
    before = tree(ws)
    out = invoke(["import", "file", "--ticket", "KT-1", "--file", str(source)], cwd=ws, expect=1)
    # a duplicate key makes the index unreadable (validate and doctor report it), so the
    # ticket is not found: the import is refused either way
    assert "KT-1" in out.stderr
    assert tree(ws) == before


# -- kill -9 at every point of the commit -------------------------------------------------


# after-op:N for N = 0, 1, ... until the operation has fewer ops and simply finishes
EVERY_POINT = ["txn-before-commit", "txn-before-cleanup", *[f"txn-after-op:{n}" for n in range(99)]]
SOME_POINTS = ["txn-before-commit", "txn-before-cleanup", "txn-after-op:1"]


def _kill_loop(
    base: Path, work: Path, args: list[str], label: str, points: list[str] = EVERY_POINT
) -> int:
    """Crash ``args`` at each fault point in a copy of ``base``; check the next command.

    Returns how many crashes were checked. The state after the next command must be the
    whole old tree (crash before the commit point) or the whole new tree (after it).
    """
    old = tree(base)
    done = work / "done"
    shutil.copytree(base, done, symlinks=True)
    finished = run(done, args)
    assert finished.returncode == 0, finished.stderr
    new = tree(done)
    assert new != old
    crashes = 0
    for point in points:
        copy = work / point.replace(":", "-")
        shutil.copytree(base, copy, symlinks=True)
        crashed = run(copy, args, fault=point)
        if crashed.returncode == 0:  # past the last op: the operation simply finished
            assert point.startswith("txn-after-op:") and tree(copy) == new
            break
        assert crashed.returncode == 70, (point, crashed.stderr)
        assert (copy / "ttmp" / JOURNAL_DIR).is_dir()
        crashes += 1
        nxt = run(copy, ["ticket", "list"])
        assert nxt.returncode == 0, (point, nxt.stderr)
        if point == "txn-before-commit":
            line = f"docmgr: discarded an unfinished '{label}'"
            assert tree(copy) == old, point
        else:
            line = f"docmgr: finished an interrupted '{label}'"
            assert tree(copy) == new, point
        assert line in nxt.stderr, (point, nxt.stderr)
        assert not (copy / "ttmp" / JOURNAL_DIR).exists()  # nothing left to recover
        shutil.rmtree(copy)
    return crashes


@pytest.mark.slow
def test_kill_during_ticket_rename_leaves_one_whole_state(ws: Path, tmp_path: Path) -> None:
    args = ["ticket", "rename", "--ticket", "KT-1", "--new-ticket", "KT-2"]
    crashes = _kill_loop(ws, tmp_path / "kills", args, "ticket rename KT-1 -> KT-2")
    assert crashes >= 5  # before commit, after 0..3 ops (2 docs, index, folder), cleanup


@pytest.mark.slow
def test_kill_during_doc_move_leaves_one_whole_state(ws: Path, tmp_path: Path) -> None:
    args = ["doc", "move", "--doc", PLAN, "--dest-ticket", "KT-3", "--dest-dir", "new/deep"]
    label = f"doc move {PLAN.removeprefix('ttmp/')} -> {DATED}/KT-3--other/new/deep/01-plan.md"
    crashes = _kill_loop(ws, tmp_path / "kills", args, label)
    assert crashes >= 6  # two folders, the new file, the removal


@pytest.mark.slow
def test_kill_during_renumber_leaves_one_whole_state(ws: Path, tmp_path: Path) -> None:
    folder = ws / f"ttmp/{DATED}/KT-1--kill-test/design-doc"
    (folder / "01-plan.md").rename(folder / "05-plan.md")
    (folder / "02-notes.md").rename(folder / "01-notes.md")
    notes = folder / "01-notes.md"
    notes.write_text(notes.read_text().replace("01-plan.md", "05-plan.md"))
    args = ["doc", "renumber", "--ticket", "KT-1"]
    assert _kill_loop(ws, tmp_path / "kills", args, "doc renumber KT-1", SOME_POINTS) == 3


@pytest.mark.slow
def test_kill_during_import_leaves_one_whole_state(ws: Path, tmp_path: Path) -> None:
    source = tmp_path / "outside" / "spec.txt"
    source.parent.mkdir()
    source.write_text("outside\n")
    args = ["import", "file", "--ticket", "KT-1", "--file", str(source)]
    crashes = _kill_loop(ws, tmp_path / "kills", args, "import file KT-1 spec.txt", SOME_POINTS)
    assert crashes == 3


@pytest.mark.slow
def test_kill_during_doctor_fix_leaves_one_whole_state(ws: Path, tmp_path: Path) -> None:
    broken = ws / f"ttmp/{DATED}/KT-1--kill-test/design-doc/03-broken.md"
    broken.write_text("---\nTitle: Broken\nTicket: KT-1\nDocType: design-doc\nstray line\n---\n")
    args = ["doctor", "--fix", "--yes", "--ticket", "KT-1"]
    crashes = _kill_loop(ws, tmp_path / "kills", args, "doctor repairs of KT-1", SOME_POINTS)
    assert crashes == 3  # after op 1: the backup is written, the doc not yet fixed
    assert (tmp_path / "kills" / "done" / broken.relative_to(ws)).with_suffix(".md.bak").exists()


# -- recovery on open, a journal it cannot finish, git and the walk -------------------------


def _stuck_journal(root: Path) -> Path:
    folder = root / JOURNAL_DIR / "20260101T000000-1-deadbeef"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"format": 99}))
    return folder


def test_a_journal_that_cannot_be_finished_stops_commands_and_doctor_reports_it(
    invoke: Invoke, ws: Path
) -> None:
    stuck = _stuck_journal(ws / "ttmp")
    out = invoke(["ticket", "list"], cwd=ws, expect=1)
    assert out.stderr.startswith("Error: cannot read the journal ")
    assert len(out.stderr.strip().splitlines()) == 1
    out = invoke(["doctor", "--all", "--output", "json"], cwd=ws)
    rows = [r for r in json.loads(out.stdout) if r["issue"] == "journal_stuck"]
    assert len(rows) == 1 and rows[0]["severity"] == "error"
    assert "unknown journal format" in rows[0]["message"]
    invoke(["doctor", "--all", "--fail-on", "error"], cwd=ws, expect=1)
    assert stuck.is_dir()  # kept for a later try


def test_a_leftover_journal_never_shows_in_git_status(ws: Path) -> None:
    subprocess.run(["git", "add", "-A"], cwd=ws, check=True)
    subprocess.run(["git", "commit", "-qm", "ws"], cwd=ws, check=True)
    args = ["ticket", "rename", "--ticket", "KT-1", "--new-ticket", "KT-2"]
    crashed = run(ws, args, fault="txn-before-commit")
    assert crashed.returncode == 70
    assert any((ws / "ttmp" / JOURNAL_DIR).iterdir())
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ws,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""


def test_walk_and_index_skip_the_journal(ws: Path) -> None:
    root = ws / "ttmp"
    workspace = Workspace.open(str(root), cwd=ws)
    assert load_docs(workspace)  # the index exists before the journal appears
    stray = root / JOURNAL_DIR / "x"
    stray.mkdir(parents=True)
    (stray / "note.md").write_text("---\nTitle: t\nTicket: KT-1\nDocType: index\n---\n")
    walked = [rel for _p, rel, _st, _c in walk_markdown(root, Matcher.for_root(root))]
    assert walked and not [rel for rel in walked if JOURNAL_DIR in rel]
    assert not [d.rel for d in load_docs(workspace) if JOURNAL_DIR in d.rel]
