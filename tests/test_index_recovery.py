"""A damaged index cache is dropped and rebuilt, with one notice, never a traceback.

Each case damages the cache file between two commands in a way SQLite notices at a
different moment: while opening (garbage, truncation, a broken schema) or only during a
query (a dropped table).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from docmgr.store import index as index_store
from docmgr.store.index import hooks
from docmgr.store.workspace import Workspace, scan_docs

DOC = """---
Title: {title}
Ticket: RX-1
Status: active
Topics:
    - backend
DocType: {doc_type}
LastUpdated: 2026-02-01T10:00:00Z
---
# {title}

{body}
"""

NOTICE = "was damaged"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    docs = tmp_path / "repo" / "ttmp"
    folder = docs / "2026/02/01/RX-1--recovery"
    (folder / "design").mkdir(parents=True)
    (folder / "index.md").write_text(
        DOC.format(title="Recovery", doc_type="index", body="the landing page")
    )
    (folder / "design" / "01-plan.md").write_text(
        DOC.format(title="Plan", doc_type="design-doc", body="a plan for the rebuild")
    )
    (folder / "tasks.md").write_text("# Tasks\n\n- [ ] rebuild the cache\n")
    (tmp_path / "repo" / ".git").mkdir()
    past = os.stat(docs).st_mtime_ns - 60 * 1_000_000_000  # old enough to be trusted: the
    for folder_s, _dirs, files in os.walk(docs):  # open finds nothing to refresh, so only
        for name in files:  # a query meets the damage
            os.utime(os.path.join(folder_s, name), ns=(past, past))
        os.utime(folder_s, ns=(past, past))
    return docs


def _cache(root: Path) -> Path:
    ws = Workspace.open(str(root), cwd=root.parent, env=dict(os.environ))
    return index_store.cache_path(ws)


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database" * 300)


def _truncated(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(os.path.getsize(path) // 3)


def _zeroed_middle(path: Path) -> None:
    size = os.path.getsize(path)
    with open(path, "r+b") as handle:
        handle.seek(4096)  # page 2 onwards: the tables' b-trees, not the header
        handle.write(b"\xff" * (size - 4096))


def _dropped_table(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("DROP TABLE docs")
    con.commit()
    con.close()


def _broken_schema(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA writable_schema=ON")
    con.execute("UPDATE sqlite_master SET sql='CREATE TABLE docs(' WHERE name='docs'")
    con.commit()
    con.close()


def _garbled_snapshot(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE snapshot_pieces SET piece = x'00ff00ff'")
    con.commit()
    con.close()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage": _garbage,
    "truncated": _truncated,
    "zeroed-middle": _zeroed_middle,
    "dropped-table": _dropped_table,
    "writable-schema": _broken_schema,
}

COMMANDS = [
    ["search", "--query", "rebuild"],
    ["ticket", "list", "--output", "json"],
    ["doc", "list", "--output", "json"],
    ["status", "--output", "json"],
    ["task", "list", "--ticket", "RX-1"],
    ["doctor", "--output", "json"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_an_unreadable_snapshot_is_made_again_from_the_rows(
    invoke: Callable[..., Any], root: Path, args: list[str]
) -> None:
    # the snapshot only records what the last refresh saw; each row keeps its file's stamp,
    # so the next refresh walks again and re-parses nothing unchanged (a resumed build):
    # the same answers, nothing dropped, nothing to announce
    cwd = root.parent
    expected = invoke(args, cwd=cwd)
    _garbled_snapshot(_cache(root))
    again = invoke(args, cwd=cwd)
    assert (again.stdout, again.stderr) == (expected.stdout, expected.stderr)
    invoke(["ticket", "list"], cwd=cwd)  # a refresh (``task list`` reads only its file)
    con = sqlite3.connect(_cache(root))
    try:
        pieces = con.execute("SELECT piece FROM snapshot_pieces").fetchall()
    finally:
        con.close()
    assert pieces and all(piece != b"\x00\xff\x00\xff" for (piece,) in pieces)


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_damaged_cache_is_rebuilt_with_one_notice(
    invoke: Callable[..., Any], root: Path, damage: str, args: list[str]
) -> None:
    cwd = root.parent
    expected = invoke(args, cwd=cwd)
    assert NOTICE not in expected.stderr
    path = _cache(root)
    assert path.is_file() and not Path(f"{path}-wal").exists()
    DAMAGE[damage](path)
    again = invoke(args, cwd=cwd)
    assert again.stdout == expected.stdout
    assert again.stderr.count(NOTICE) == 1, again.stderr
    assert "Traceback" not in again.stderr
    healthy = invoke(args, cwd=cwd)  # the rebuilt cache is in use and quiet
    assert healthy.stdout == expected.stdout and NOTICE not in healthy.stderr


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_the_library_reports_the_rebuild_through_the_notice_hook(
    root: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard: list[str] = []
    monkeypatch.setattr(hooks, "notice_hook", heard.append)
    ws = Workspace.open(str(root), cwd=root.parent, env=dict(os.environ))
    first = index_store.load_docs(ws)
    DAMAGE[damage](index_store.cache_path(ws))
    assert [d.rel for d in index_store.load_docs(ws)] == [d.rel for d in first]
    assert [d.rel for d in scan_docs(ws)] == [d.rel for d in first]
    assert len(heard) == 1 and NOTICE in heard[0]
    assert index_store.cache_path(ws).is_file()  # rebuilt, not left to a scan


def test_a_busy_cache_is_never_dropped(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    heard: list[str] = []
    monkeypatch.setattr(hooks, "notice_hook", heard.append)
    monkeypatch.setattr(index_store.schema, "BUSY_TIMEOUT_S", 0.05)
    ws = Workspace.open(str(root), cwd=root.parent, env=dict(os.environ))
    index_store.load_docs(ws)
    (root / "2026/02/01/RX-1--recovery/design/02-new.md").write_text(
        DOC.format(title="New", doc_type="design-doc", body="x")
    )
    holder = sqlite3.connect(index_store.cache_path(ws), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert len(index_store.load_docs(ws)) == 4  # answered by a scan
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert heard == []
    with index_store.open_index(ws) as index:
        assert not index.last_refresh.full  # the same cache, refreshed (not built anew)
