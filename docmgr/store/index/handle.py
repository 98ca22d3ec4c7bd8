"""An open index (``Index``): its connection, what the last refresh saw, and the check that
nothing changed since.

No change → no lock, no parse, and none of the writing half: a change loads ``refresh``
(``Writer``), which works out what changed under the write lock and stores it. A warm
command imports only this half (``tests/test_imports.py``).
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import TYPE_CHECKING

from docmgr.seams import touched
from docmgr.store.index.freshness import (
    MAPPED_PIECES,
    Flat,
    RefreshStats,
    Snapshot,
    piece_count,
    streamed_unchanged,
)
from docmgr.store.index.stamp import Stamp, live_stamp
from docmgr.store.workspace import Workspace

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    from docmgr.store.index.refresh import Writer


class Index:
    """An open index of one docs root (``open_index`` returns it refreshed)."""

    def __init__(
        self, ws: Workspace, con: sqlite3.Connection, path: str | os.PathLike[str] | None
    ) -> None:
        self.ws = ws
        self.con = con
        self.path_s = None if path is None else os.fspath(path)  # the cache file; None: memory
        self.root_s = os.path.abspath(ws.root_str)
        self._root: Path | None = None
        self.last_refresh = RefreshStats()
        self._flat: Flat | None = None
        self._flat_version = -1
        self._checked = False  # the first no-change check streams a big snapshot
        self.stamp: Stamp | None = None  # the live watcher's stamp the last refresh trusted
        # processes sharing the no-change check (None: as many as pay, ``stat_workers``)
        self.stat_workers: int | None = None

    @property
    def path(self) -> Path | None:
        """The cache file (None: a private in-memory index)."""
        if self.path_s is None:
            return None
        from pathlib import Path

        return Path(self.path_s)

    @property
    def root(self) -> Path:
        """The docs root (absolute), as a Path (made on first use: warm paths use ``root_s``)."""
        if self._root is None:
            from pathlib import Path

            self._root = Path(self.root_s)
        return self._root

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- snapshot

    def snapshot(self) -> Snapshot | None:
        """What the last refresh saw (None before the first one)."""
        head = self._header()
        if head is None:
            return None
        try:
            return Snapshot.load(head, self._pieces(), self.root_s)
        except (ValueError, EOFError, TypeError):
            return None

    def _flat_row(self) -> Flat | None:
        """The stored snapshot as a ``Flat`` (None: none is stored, or it is unreadable)."""
        head = self._header()
        if head is None:
            return None
        try:
            if piece_count(head) <= MAPPED_PIECES:
                return Flat.load(head, self._pieces())
            # read, not mapped: decoded once, their pages would stay in the RSS for nothing
            (mapped,) = self.con.execute("PRAGMA mmap_size").fetchone()
            self.con.execute("PRAGMA mmap_size=0")
            try:
                return Flat.load(head, self._pieces())
            finally:
                self.con.execute(f"PRAGMA mmap_size={int(mapped)}")
        except (ValueError, EOFError, TypeError):
            return None

    def _header(self) -> bytes | None:
        """The stored snapshot's header (None: no complete snapshot is stored)."""
        row = self.con.execute("SELECT value FROM meta WHERE key='snapshot'").fetchone()
        return None if row is None else row[0]

    def _pieces(self) -> Generator[bytes, None, None]:
        for (blob,) in self.con.execute("SELECT piece FROM snapshot_pieces ORDER BY seq"):
            yield blob

    def trim(self) -> None:
        """Free the in-memory copy of the snapshot (single-pass verbs on huge workspaces)."""
        self._flat = None

    def large(self) -> bool:
        """Whether the workspace is big enough for a whole-table read to go past the memory
        map (``read_through``): its snapshot has more than ``MAPPED_PIECES`` pieces."""
        head = self._header()
        try:
            return head is not None and piece_count(head) > MAPPED_PIECES
        except (ValueError, EOFError, TypeError):
            return False

    def read_through(self) -> None:
        """Stop mapping the file: each page read from here on is read, not kept mapped.

        For a verb that reads the whole index once (``doctor --all``): pages read through the
        memory map count in the process's RSS, up to ``MMAP_BYTES`` of them.
        """
        self.con.execute("PRAGMA mmap_size=0")

    def folders(self) -> list[str]:
        """Every folder the walk visited (rel paths; '' is the root)."""
        flat = self._flat if self._flat is not None else self._flat_row()
        return flat.folders(self.root_s) if flat is not None else []

    # ----------------------------------------------------------------- refresh

    def _unchanged(self) -> bool | None:
        """Fast path: True when no known folder or file changed (None: no snapshot yet).

        Reads a compact copy of the snapshot (kept in memory while no other process
        commits) and stops at the first difference; the locked slow path works out what.
        The first check of a big snapshot keeps nothing (``streamed_unchanged``): a command
        checks once, and 20,000 tickets' snapshot is ~28 MiB; a process that checks again
        (a watcher, a server) keeps it from its second check on.
        """
        version = self.con.execute("PRAGMA data_version").fetchone()[0]
        if self._flat is None or self._flat_version != version:
            if not self._checked:
                self._checked = True
                head = self._header()
                if head is None:
                    return None
                try:
                    if piece_count(head) > MAPPED_PIECES:
                        return self._streamed(head)
                except (ValueError, EOFError, TypeError):
                    return None
            self._flat = self._flat_row()
            if self._flat is None:
                return None
            self._flat_version = version
        return self._flat.unchanged(workers=self.stat_workers)

    def _streamed(self, head: bytes) -> bool:
        """``streamed_unchanged`` over the stored pieces, read past the memory map (decoded
        once, their pages would stay in the RSS for nothing)."""
        (mapped,) = self.con.execute("PRAGMA mmap_size").fetchone()
        self.con.execute("PRAGMA mmap_size=0")
        blobs = self._pieces()
        try:
            return streamed_unchanged(head, blobs, workers=self.stat_workers)
        finally:
            blobs.close()  # an early answer: the statement is done before anything writes
            self.con.execute(f"PRAGMA mmap_size={int(mapped)}")

    def refresh(self) -> RefreshStats:
        """Bring the index up to date with the files; no lock and no parse when nothing changed.

        A change is worked out again under the write lock (``Writer.catch_up``), from the
        snapshot as it is then, so two processes refreshing at once never interleave their
        views.
        """
        stats = RefreshStats()
        self.last_refresh = stats
        self.stamp = live_stamp(self.path_s)
        if self.stamp is not None:
            if touched.paths:  # our own writes: apply them now rather than wait for the watcher
                stats.mode = "watcher + own writes"
                self.writer().own_writes(stats)
            else:
                stats.mode = "watcher"
            return stats
        touched.paths.clear()  # the full check below sees everything written before it
        if not self._unchanged():
            self.writer().catch_up(stats)
        return stats

    def writer(self) -> Writer:
        """The writing half of this index (its module loads here, on the first change)."""
        from docmgr.store.index.refresh import Writer

        return Writer(self)

    def generation(self) -> int:
        """How many times the index was written since it was created (the stamp's counter)."""
        row = self.con.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    def apply_paths(self, rels: list[str], stats: RefreshStats | None = None) -> RefreshStats:
        """Bring exactly these changed paths (files or folders, rel; '' = root) up to date
        (``Writer.apply_paths``)."""
        stats = stats or RefreshStats()
        self.writer().apply_paths(rels, stats)
        return stats
