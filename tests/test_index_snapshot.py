"""The freshness snapshot is stored in pieces: what a build stores reads back exactly, and
the warm check reads every piece (a change in the last one is seen)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from docmgr.store import index as index_store
from docmgr.store.index import freshness
from docmgr.store.index.freshness import Flat, Snapshot, dir_stamp, file_stamp
from docmgr.store.workspace import Workspace

DOC = """---
Title: Doc {n}
Ticket: SN-{t}
Status: active
Topics:
    - backend
DocType: design-doc
LastUpdated: 2026-02-01T10:00:00Z
---
# Doc {n}

body {n}
"""


@pytest.fixture
def ws_root(tmp_path: Path) -> Path:
    """Five tickets of four documents in two folders each, every stamp a minute old."""
    root = tmp_path / "repo" / "ttmp"
    n = 0
    for t in range(5):
        folder = root / f"2026/02/01/SN-{t}--snap"
        (folder / "design").mkdir(parents=True)
        for rel in ("index.md", "notes.md", "design/01-plan.md", "design/02-more.md"):
            n += 1
            (folder / rel).write_text(DOC.format(n=n, t=t))
    (tmp_path / "repo" / ".git").mkdir()
    past = os.stat(root).st_mtime_ns - 60 * 1_000_000_000
    for top, _dirs, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(top, name), ns=(past, past))
        os.utime(top, ns=(past, past))
    return root


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three entries a piece, so a small workspace spans several pieces of each kind."""
    monkeypatch.setattr(freshness, "PIECE", 3)


def _ws(root: Path) -> Workspace:
    return Workspace.open(str(root), cwd=root.parent, env=dict(os.environ))


def _on_disk(root: Path) -> Snapshot:
    """Every folder and ``.md`` file under ``root`` with its stamp, straight from stat."""
    dirs: dict[str, tuple[int, int]] = {}
    files: dict[str, tuple[int, int, int]] = {}
    for folder, _subdirs, names in os.walk(root):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        rel = "" if rel == "." else rel
        dirs[rel] = dir_stamp(os.stat(folder))
        for name in names:
            if name.endswith(".md"):
                files[f"{rel}/{name}" if rel else name] = file_stamp(
                    os.stat(os.path.join(folder, name))
                )
    return Snapshot(dirs, files, {})


def test_a_snapshot_round_trips_through_its_pieces(tmp_path: Path) -> None:
    root_s = str(tmp_path)
    snap = Snapshot(
        {"": (1, 2), "a": (3, 4), "a/b": (freshness.RACY, 6), "c": (7, 8)},
        {f"a/{i}.md": (10 + i, 20 + i, 30 + i) for i in range(7)},
        {f"{root_s}/.docmgrignore": (-1, -1, -1)},
    )
    blobs = list(freshness.pieces(snap, root_s))
    assert len(blobs) == 2 + 3  # four folders and seven files, three a piece
    head = freshness.header(snap, len(blobs))
    assert Snapshot.load(head, blobs, root_s) == snap
    flat = Flat.load(head, blobs)
    assert flat.folders(root_s) == ["", "a", "a/b", "c"]
    assert [p for piece in flat.pieces for p in freshness.piece_paths(piece)][-1] == (
        f"{root_s}/a/6.md"
    )
    with pytest.raises(ValueError):  # a piece missing is never read as a smaller snapshot
        Snapshot.load(head, blobs[:-1], root_s)
    with pytest.raises(ValueError):
        Flat.load(head, blobs[:-1])


def test_a_build_stores_every_piece_and_reads_them_back_exactly(ws_root: Path) -> None:
    ws = _ws(ws_root)
    with index_store.open_index(ws) as index:
        assert index.last_refresh.full
        stored = index.snapshot()
        assert stored is not None
        assert index.path is not None
        db = index.path
    expected = _on_disk(ws_root)
    assert stored.dirs == expected.dirs
    assert stored.files == expected.files
    con = sqlite3.connect(db)
    try:
        (count,) = con.execute("SELECT COUNT(*) FROM snapshot_pieces").fetchone()
    finally:
        con.close()
    # 14 folders and 20 files, three a piece
    assert (len(expected.dirs), len(expected.files)) == (14, 20)
    assert count == 5 + 7


def test_a_big_snapshot_is_read_past_the_memory_map_and_the_map_comes_back(
    ws_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More than ``MAPPED_PIECES`` pieces are read with the map off: the same pieces as a
    mapped read, and the connection's map size as it was (also when it was off)."""
    from docmgr.store.index import handle
    from docmgr.store.index.schema import MMAP_BYTES

    ws = _ws(ws_root)
    with index_store.open_index(ws) as index:
        assert freshness.piece_count(index._header() or b"") == 12 > freshness.MAPPED_PIECES
        read = index._flat_row()
        assert index.con.execute("PRAGMA mmap_size").fetchone()[0] == MMAP_BYTES
        index.read_through()
        assert index._flat_row() == read
        assert index.con.execute("PRAGMA mmap_size").fetchone()[0] == 0
        monkeypatch.setattr(handle, "MAPPED_PIECES", 12)
        mapped = index._flat_row()
    assert read is not None and mapped is not None
    assert [
        (t[lo:hi], m.tolist(), s and s.tolist(), c.tolist()) for t, lo, hi, m, s, c in read.pieces
    ] == [
        (t[lo:hi], m.tolist(), s and s.tolist(), c.tolist()) for t, lo, hi, m, s, c in mapped.pieces
    ]
    assert read.watch == mapped.watch


def test_large_says_whether_whole_table_reads_go_past_the_map(
    ws_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docmgr.store.index import handle

    ws = _ws(ws_root)
    with index_store.open_index(ws) as index:
        assert index.large()  # 12 pieces of three entries
        monkeypatch.setattr(handle, "MAPPED_PIECES", 12)
        assert not index.large()
        index.con.execute("DELETE FROM meta WHERE key='snapshot'")
        monkeypatch.setattr(handle, "MAPPED_PIECES", 0)
        assert not index.large()  # no snapshot stored


def test_a_change_in_the_last_piece_is_seen_by_the_warm_check(ws_root: Path) -> None:
    ws = _ws(ws_root)
    with index_store.open_index(ws) as index:
        stored = index.snapshot()
        assert stored is not None
        last = list(stored.files)[-1]  # the last entry of the last piece
    with index_store.open_index(ws) as index:  # warm: nothing changed, nothing parsed
        assert index.last_refresh.parsed == 0 and not index.last_refresh.full
    path = ws_root / last
    before = path.stat()
    path.write_text(path.read_text().replace("body", "BODY"))  # same size, same folder stamp
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    with index_store.open_index(ws) as index:
        assert index.last_refresh.parsed == 1
        stored = index.snapshot()
        assert stored is not None
        assert stored.files[last] == file_stamp(path.stat())


@pytest.mark.parametrize("garbage", [b"\x00", b"", b"not marshal at all"])
def test_an_unreadable_piece_means_a_full_walk_then_a_sound_snapshot(
    ws_root: Path, garbage: bytes
) -> None:
    ws = _ws(ws_root)
    with index_store.open_index(ws) as index:
        assert index.path is not None
        db = index.path
    con = sqlite3.connect(db)
    try:
        con.execute("UPDATE snapshot_pieces SET piece=? WHERE seq=3", (garbage,))
        con.commit()
    finally:
        con.close()
    with index_store.open_index(ws) as index:
        assert index.last_refresh.full and index.last_refresh.parsed == 0
        stored = index.snapshot()
        assert stored is not None and stored.files == _on_disk(ws_root).files
    with index_store.open_index(ws) as index:  # warm again
        assert not index.last_refresh.full and index.last_refresh.parsed == 0


# --------------------------------------------------------------------------- parallel check


def _children() -> set[int]:
    """This process's live children (Linux: /proc)."""
    found: set[int] = set()
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children", encoding="ascii") as handle:
            found.update(int(pid) for pid in handle.read().split())
    return found


def _flat(root: Path) -> Flat:
    snap = _on_disk(root)
    blobs = list(freshness.pieces(snap, str(root)))
    return Flat.load(freshness.header(snap, len(blobs)), blobs)


linux_only = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="forks on Linux only")


def _entries(piece: freshness.Piece) -> list[tuple[str, int, int | None, int]]:
    """A piece's (path, mtime, size or None, ctime), each path with its own stamps."""
    _text, _lo, _hi, mtimes, sizes, ctimes = piece
    paths = freshness.piece_paths(piece)
    assert len(paths) == len(mtimes) == len(ctimes) > 0
    size_list: list[int | None] = [None] * len(paths) if sizes is None else list(sizes.tolist())
    return list(zip(paths, mtimes.tolist(), size_list, ctimes.tolist(), strict=True))


def test_split_shares_keep_every_entry_once_in_order(ws_root: Path) -> None:
    flat = _flat(ws_root)
    whole = [entry for piece in flat.pieces for entry in _entries(piece)]
    for parts in (1, 2, 3, 7):
        shares = freshness._split(flat.pieces, parts)
        assert len(shares) == parts
        shared = [entry for share in shares for piece in share for entry in _entries(piece)]
        assert sorted(shared) == sorted(whole) and len(shared) == len(whole)
        for share in shares:  # within a share, the snapshot's order
            entries = [entry for piece in share for entry in _entries(piece)]
            assert [whole.index(entry) for entry in entries] == sorted(
                whole.index(entry) for entry in entries
            )


def test_a_piece_with_fewer_paths_than_stamps_is_never_unchanged(ws_root: Path) -> None:
    flat = _flat(ws_root)
    assert flat.unchanged(workers=1)
    text, lo, hi, mtimes, sizes, ctimes = flat.pieces[-1]
    short = text[lo : text.rindex("\0", lo, hi)]  # the last path gone, its stamps kept
    cut = flat._replace(pieces=[*flat.pieces[:-1], (short, 0, len(short), mtimes, sizes, ctimes)])
    assert not cut.unchanged(workers=1)
    for parts in (2, 3, len(mtimes) + 2):  # shared out, every stamp still goes to a share
        shares = freshness._split(cut.pieces[-1:], parts)
        assert sum(len(piece[3]) for share in shares for piece in share) == len(mtimes)
        assert not all(freshness._pieces_unchanged(share) for share in shares)


def test_a_change_is_seen_wherever_it_falls_among_the_stat_batches(
    ws_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces are stat-ed a batch at a time: a changed mtime of any entry, folder or file,
    first or last of a batch, is seen."""
    monkeypatch.setattr(freshness, "STAT_BATCH_CHARS", 2 * len(str(ws_root)))  # ~2 paths
    entries = [p for piece in _flat(ws_root).pieces for p in freshness.piece_paths(piece)]
    assert len(entries) > 6
    for path in entries:
        flat = _flat(ws_root)
        assert flat.unchanged(workers=1)
        st = os.stat(path)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert not flat.unchanged(workers=1), path


@linux_only
@pytest.mark.parametrize("where", ["first", "last"])
def test_forked_workers_see_a_change_in_their_share_and_leave_no_child(
    ws_root: Path, where: str
) -> None:
    """The last share is a child's, the first this process's: each change is seen."""
    flat = _flat(ws_root)
    before = _children()
    assert flat.unchanged(workers=3)
    files = [
        p for piece in flat.pieces if piece[4] is not None for p in freshness.piece_paths(piece)
    ]
    path = Path(files[0] if where == "first" else files[-1])
    stat = path.stat()
    path.write_text(path.read_text().replace("body", "BODY"))  # same size; mtime put back
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert not flat.unchanged(workers=3)  # the ctime tells
    assert not flat.unchanged(workers=2)
    assert flat.unchanged(workers=1) is False
    path.unlink()
    assert not flat.unchanged(workers=3)  # a child that cannot stat answers "changed"
    assert _children() == before  # every child reaped (killed when no longer needed)


def test_stat_workers_fork_only_for_big_checks_without_threads() -> None:
    import threading

    assert freshness.stat_workers(100) == 1
    big = 64 * freshness.PARALLEL_PART
    expected = min(len(os.sched_getaffinity(0)), freshness.MAX_WORKERS)
    assert freshness.stat_workers(big) == (expected if sys.platform == "linux" else 1)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert freshness.stat_workers(big) == 1  # never fork a process running threads
    finally:
        stop.set()
        thread.join()


@linux_only
def test_a_warm_command_with_forked_workers_sees_an_edit(
    ws_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the index: the check forked (small shares here), then a same-size edit."""
    monkeypatch.setattr(freshness, "PARALLEL_PART", 4)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2})
    ws = _ws(ws_root)
    with index_store.open_index(ws) as index:
        assert index.last_refresh.full
    assert freshness.stat_workers(34) == 3
    with index_store.open_index(ws) as index:
        assert index.last_refresh.parsed == 0 and not index.last_refresh.full
    path = ws_root / "2026/02/01/SN-4--snap/notes.md"
    stat = path.stat()
    path.write_text(path.read_text().replace("body", "BODY"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with index_store.open_index(ws) as index:
        assert index.last_refresh.parsed == 1


def test_a_failed_fork_checks_the_share_here(
    ws_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No process left to fork (EAGAIN): the shares are checked in this process instead."""
    flat = _flat(ws_root)

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert flat.unchanged(workers=3)
    files = [
        p for piece in flat.pieces if piece[4] is not None for p in freshness.piece_paths(piece)
    ]
    Path(files[-1]).unlink()  # in the share a child would have checked
    assert not flat.unchanged(workers=3)


def test_stat_workers_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    big = 64 * freshness.PARALLEL_PART
    monkeypatch.setenv(freshness.STAT_WORKERS_ENV, "1")
    assert freshness.stat_workers(big) == 1  # never fork (a sandbox without fork)
    monkeypatch.setenv(freshness.STAT_WORKERS_ENV, "3")
    assert freshness.stat_workers(10) == (3 if sys.platform == "linux" else 1)
    monkeypatch.setenv(freshness.STAT_WORKERS_ENV, "99")
    assert freshness.stat_workers(big) == (freshness.MAX_WORKERS if sys.platform == "linux" else 1)


@linux_only
def test_a_real_command_with_forked_workers_answers_once_and_sees_an_edit(ws_root: Path) -> None:
    """A whole ``docmgr search`` process whose check forks: one answer on stdout (a child
    never flushes the parent's buffers), and a same-size edit with its mtime put back."""
    env = {
        **os.environ,
        freshness.STAT_WORKERS_ENV: "3",
        "DOCMGR_CACHE_DIR": str(ws_root.parent / "cache"),
    }
    command = [sys.executable, "-m", "docmgr", "search", "--root", str(ws_root)]

    def hits(word: str) -> list[str]:
        done = subprocess.run(
            [*command, "--query", word, "--output", "json"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        return sorted(row["path"] for row in json.loads(done.stdout))

    assert len(hits("body")) == 20  # builds the index
    assert hits("bodz") == []  # warm: the forked check found nothing changed
    path = ws_root / "2026/02/01/SN-4--snap/design/02-more.md"
    stat = path.stat()
    path.write_text(path.read_text().replace("body", "bodz"))  # same size, in place
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the mtime put back
    assert hits("bodz") == ["2026/02/01/SN-4--snap/design/02-more.md"]


@linux_only
def test_children_reaped_by_the_kernel_still_give_an_answer(ws_root: Path) -> None:
    """A parent that ignores SIGCHLD (some daemons and runners pass that on) loses its
    children's exit statuses: their shares are checked here instead."""
    import signal

    flat = _flat(ws_root)
    before = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        assert flat.unchanged(workers=3)
        files = [
            p for piece in flat.pieces if piece[4] is not None for p in freshness.piece_paths(piece)
        ]
        Path(files[-1]).unlink()  # in a child's share
        assert not flat.unchanged(workers=3)
    finally:
        signal.signal(signal.SIGCHLD, before)


# --------------------------------------------------------------------------- streamed check


def _stored(root: Path) -> tuple[bytes, list[bytes]]:
    """What a refresh stores for the files as they are now: the header and the pieces."""
    snap = _on_disk(root)
    blobs = list(freshness.pieces(snap, str(root)))
    return freshness.header(snap, len(blobs)), blobs


@linux_only
@pytest.mark.parametrize("workers", [1, 2, 3, 7])
def test_the_streamed_check_answers_as_the_kept_snapshot_does(ws_root: Path, workers: int) -> None:
    """Pieces read as they come (children's shares first, then this process's a piece at a
    time): a change of the first, a middle or the last entry is seen, as by ``Flat``."""
    before = _children()
    head, blobs = _stored(ws_root)
    paths = [p for blob in blobs for p in freshness.piece_paths(freshness._decode(blob))]
    assert len(blobs) > 7
    for path in (paths[0], paths[len(paths) // 2], paths[-1]):
        head, blobs = _stored(ws_root)
        assert freshness.streamed_unchanged(head, iter(blobs), workers=workers)
        st = os.stat(path)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert not freshness.streamed_unchanged(head, iter(blobs), workers=workers), path
        assert not Flat.load(head, blobs).unchanged(workers=workers)
    assert _children() == before


@linux_only
def test_the_streamed_check_never_passes_pieces_missing_or_added(ws_root: Path) -> None:
    head, blobs = _stored(ws_root)
    for workers in (1, 2, 3):
        assert freshness.streamed_unchanged(head, iter(blobs), workers=workers)
        for wrong in (blobs[:-1], blobs[1:], [*blobs, blobs[-1]], []):
            assert not freshness.streamed_unchanged(head, iter(wrong), workers=workers)
        with pytest.raises((ValueError, EOFError, TypeError)):
            freshness.streamed_unchanged(head, iter([*blobs[:-1], b"garbage"]), workers=workers)


def test_the_streamed_check_without_fork_checks_every_share_here(
    ws_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    head, blobs = _stored(ws_root)
    assert freshness.streamed_unchanged(head, iter(blobs), workers=3)
    first = freshness.piece_paths(freshness._decode(blobs[0]))[0]  # in the first child's share
    st = os.stat(first)
    os.utime(first, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert not freshness.streamed_unchanged(head, iter(blobs), workers=3)


def _kept(index: index_store.Index) -> bool:
    return index._flat is not None


def test_a_command_checks_a_big_snapshot_once_without_keeping_it(ws_root: Path) -> None:
    """The first check of a big snapshot streams it (nothing kept); a second check of the
    same open index keeps it; an in-place edit is still seen by the streamed check."""
    ws = _ws(ws_root)
    with index_store.open_index(ws):  # the build
        pass
    with index_store.open_index(ws) as index:
        assert index.large() and not index.last_refresh.full
        assert not _kept(index)  # streamed
        index.refresh()
        assert _kept(index)  # a process that checks again keeps it
    path = ws_root / "2026/02/01/SN-0--snap/design/01-plan.md"
    stat = path.stat()
    path.write_text(path.read_text().replace("body", "BODY"))  # same size, mtime put back
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with index_store.open_index(ws) as index:
        assert index.last_refresh.parsed == 1 and index._flat is None
