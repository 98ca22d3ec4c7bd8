"""The first build of an index: stored in chunks, resumable, and waited for by readers.

A build is what a refresh does when no snapshot is stored yet (a new or rebuilt cache, or
one whose build was cut short). It walks the docs root, then parses and stores the
documents ``chunk_size()`` at a time, one transaction per chunk, so memory stays flat and
the write lock is let go between chunks. The ``build`` row of ``meta`` says a build is under
way (and when its first attempt started). The snapshot of the walk is stored before the
first chunk (its pieces, then freed); the last commit writes its header, which makes it
count, and deletes the ``build`` row.

Resuming: every stored row carries its file's stamp, and a build re-parses only files whose
stamp differs from their row (new, changed, or not stored yet) and drops the rows of files
that are gone. So a build that was killed goes on where it stopped, and a file or folder
changed in between is seen like any change. Rows whose mtime falls within the racy window
of the first attempt's start are parsed again (a change in the same clock tick keeps the
mtime).

Readers never answer from a partial index: every command refreshes before it reads, and a
refresh that finds no snapshot takes the build lock (``<cache>.build.lock``, flocked) before
it builds. While another process builds, it waits for that build to end, then refreshes as
usual; if the builder died (the kernel drops its lock), the waiting command resumes the
build. ``queries.trusted_index_docs``, the one read that skips the refresh, ignores a cache
with a ``build`` row.

Fault injection (tests only): ``DOCMGR_FAULT_INJECT=index-build-after-chunk:N`` exits the
process (``os._exit(70)``, like ``kill -9``) right after the Nth chunk is committed.
``DOCMGR_INDEX_CHUNK`` sets the chunk size (documents per commit).
"""

from __future__ import annotations

import contextlib
import itertools
import marshal
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from docmgr.store.index import fulltext
from docmgr.store.index.freshness import RACY_WINDOW_NS, Snapshot, Todo
from docmgr.store.index.hooks import notice, progress_for
from docmgr.store.index.parse_worker import parsed_batches, use_worker
from docmgr.store.index.schema import MMAP_BYTES, give_back_free_pages, write_transaction

if TYPE_CHECKING:
    import sqlite3

    from docmgr.store.index.rows import Row


class Builder(Protocol):
    """What a build needs of an open index (``refresh.Writer``)."""

    con: sqlite3.Connection
    root_s: str

    @property
    def path(self) -> Path | None: ...

    def snapshot(self) -> Snapshot | None: ...

    def walk(
        self, old: Snapshot | None, *, racy_since: int | None = None
    ) -> tuple[Snapshot, list[Todo], list[str], list[tuple[str, bool]], list[tuple[str, bool]]]: ...

    def parse(self, todo: list[Todo]) -> list[Row]: ...

    def store_docs(self, rows: Iterable[Row], *, fresh: bool = False) -> None: ...

    def drop_docs(self, rels: list[str]) -> None: ...

    def store_snapshot(self, snap: Snapshot, started: int) -> bytes: ...

    def finish(
        self,
        head: bytes,
        controls: list[tuple[str, bool]],
        links: list[tuple[str, bool]] | None = None,
    ) -> None: ...


PARSE_BATCH = 200  # documents per parse batch (a worker's unit of work)
# documents per commit: ~20 MB of parsed text, ~2 s of work each. Each commit flushes
# FTS5's term table into a new segment; 4,000 rather than 1,000 took a 20,000-ticket build
# from 62.4 to 58.0 s of CPU (medians of 3, interleaved) for 8 MiB more peak memory
CHUNK = 4000
# SQLite's page cache while chunks are stored (its default is 2 MB): the full-text segments a
# big build writes and merges are read back from it instead of the file
BUILD_CACHE_KIB = 16 << 10
_CHUNK_ENV = "DOCMGR_INDEX_CHUNK"
_FAULT_ENV = "DOCMGR_FAULT_INJECT"
_FAULT_POINT = "index-build-after-chunk:"


def chunk_size() -> int:
    try:
        return max(1, int(os.environ.get(_CHUNK_ENV, "") or CHUNK))
    except ValueError:
        return CHUNK


def lock_path(cache: Path) -> Path:
    """The build lock of the index at ``cache``."""
    return cache.with_suffix(".build.lock")


@contextlib.contextmanager
def build_lock(cache: Path | None) -> Iterator[None]:
    """Hold the build lock of ``cache`` (an in-memory index needs none), waiting for it."""
    if cache is None:
        yield
        return
    import fcntl

    fd = os.open(lock_path(cache), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            notice("Waiting for another docmgr to finish building the search index")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _fault_after() -> int:
    point = os.environ.get(_FAULT_ENV, "")
    if point.startswith(_FAULT_POINT):
        with contextlib.suppress(ValueError):
            return int(point[len(_FAULT_POINT) :])
    return 0


def _started(index: Builder) -> int | None:
    """When the build under way first started (None: no build row)."""
    row = index.con.execute("SELECT value FROM meta WHERE key='build'").fetchone()
    if row is None:
        return None
    try:
        return int(marshal.loads(row[0]))
    except (ValueError, EOFError, TypeError):
        return 0  # unreadable: trust no row's stamp as racy-free


def build(index: Builder) -> tuple[int, int] | None:
    """Build the index if no snapshot is stored: (files parsed, rows dropped), or None when
    another process built it meanwhile. Waits for another process's build; resumes an
    interrupted one."""
    with build_lock(index.path):
        if index.snapshot() is not None:
            return None
        started = time.time_ns()
        first = _started(index)
        if first is None:
            first = started
            with write_transaction(index.con):
                index.con.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES('build', ?)",
                    (marshal.dumps(started),),
                )
        snap, todo, removed, controls, links = index.walk(None, racy_since=first - RACY_WINDOW_NS)
        parsed = len(todo)
        # the snapshot's pieces are stored now and its dicts freed before the parse (the peak
        # memory of big builds); it counts only once ``finish`` stores its header
        with write_transaction(index.con):
            head = index.store_snapshot(snap, started)
        del snap
        # the pages a build reads back would stay mapped (and count in its RSS) for nothing
        index.con.execute("PRAGMA mmap_size=0")
        (cache_pages,) = index.con.execute("PRAGMA cache_size").fetchone()
        index.con.execute(f"PRAGMA cache_size=-{BUILD_CACHE_KIB}")
        try:
            _store_chunks(index, todo, removed)
        finally:
            index.con.execute(f"PRAGMA cache_size={cache_pages}")
            index.con.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        todo.clear()
        with write_transaction(index.con):
            fulltext.settle(index.con, index.root_s)
            index.finish(head, controls, links)
            index.con.execute("DELETE FROM meta WHERE key='build'")
        give_back_free_pages(index.con)
        return parsed, len(removed)


def _batches(todo: list[Todo], size: int) -> Iterator[list[Todo]]:
    """``todo`` in batches of ``PARSE_BATCH`` that never straddle a chunk of ``size``."""
    for start in range(0, len(todo), size):
        chunk = todo[start : start + size]
        for at in range(0, len(chunk), PARSE_BATCH):
            yield chunk[at : at + PARSE_BATCH]


def _reported(
    batches: Iterator[list[Row]], report: Callable[[str, int, int], None], total: int
) -> Iterator[list[Row]]:
    """``batches`` as they come, each reported once stored (when the next one is asked for;
    the caller reports the last): the progress moves batch by batch, not chunk by chunk."""
    done = 0
    for rows in batches:
        yield rows
        done += len(rows)
        report("Indexing documents", done, total)


def _store_chunks(index: Builder, todo: list[Todo], removed: list[str]) -> None:
    """Parse and store ``todo`` (and drop ``removed``), committing every ``chunk_size()``."""
    con = index.con
    size = chunk_size()
    total = len(todo)
    report = progress_for(total)
    die_after = _fault_after()
    if removed:
        with write_transaction(con):
            index.drop_docs(removed)
    # no row at all (a new or rebuilt cache): no document of the build has one to replace
    fresh = con.execute("SELECT 1 FROM docs LIMIT 1").fetchone() is None
    batches = parsed_batches(
        index.root_s,
        _batches(todo, size),
        index.parse,
        worker=use_worker(total),
    )
    stored = batches if report is None else _reported(batches, report, total)
    try:
        for number, start in enumerate(range(0, total, size), start=1):
            chunk = todo[start : start + size]
            # stored in turn as parsed (here or a worker's batches ahead; memory stays flat);
            # FTS5's bulk-load settings for the chunk, given the size of the whole build
            rows = itertools.chain.from_iterable(
                itertools.islice(stored, -(-len(chunk) // PARSE_BATCH))
            )
            with write_transaction(con), fulltext.bulk_load(con, total):
                index.store_docs(rows, fresh=fresh)
            if number == die_after:
                os._exit(70)
        if report is not None:
            report("Indexing documents", total, total)  # the last batch (none asks for more)
    finally:
        batches.close()  # the worker, if any, ends here
