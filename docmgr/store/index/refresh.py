"""Bringing an open index up to date (``Writer``): find what changed and store it.

Loaded only when ``handle.Index``'s no-change check finds a change (or a watcher, a write
verb or a build writes). Under SQLite's write lock the changed folders are rescanned and the
changed files re-parsed; a missing snapshot or a changed ignore file means a full walk (which
still re-parses only files whose stamp differs).
"""

from __future__ import annotations

import os
import time
from collections.abc import Container, Iterable
from typing import TYPE_CHECKING, Protocol

from docmgr.model import CONTROL_NAMES, IGNORE_FILE, JOURNAL_DIR
from docmgr.seams import touched
from docmgr.store.index.freshness import (
    RACY,
    FileStamp,
    RefreshStats,
    Snapshot,
    Todo,
    changes,
    file_stamp,
    header,
    mark_racy,
    path_stamp,
    pieces,
)
from docmgr.store.index.hooks import progress_for
from docmgr.store.index.records import parent
from docmgr.store.index.schema import write_transaction
from docmgr.store.index.stamp import bump_stamp
from docmgr.store.index.watch import rel_paths
from docmgr.store.workspace import Workspace, leaves_root, stat_markdown

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    from docmgr.store.ignore import Matcher
    from docmgr.store.index.rows import Row


STORE_BATCH = 200  # documents written per executemany (a few hundred KB of text)


def _under(rel: str, folder: str) -> bool:
    return not folder or rel == folder or rel.startswith(folder + "/")


class Opened(Protocol):
    """What the writing half needs of an open index (``handle.Index``)."""

    ws: Workspace
    con: sqlite3.Connection
    root_s: str
    path_s: str | None

    @property
    def path(self) -> Path | None: ...

    def snapshot(self) -> Snapshot | None: ...

    def generation(self) -> int: ...

    def trim(self) -> None: ...


class Writer:
    """The writing half of an open index (``Index.writer``); what a first build writes
    through too (``build.Builder``)."""

    def __init__(self, index: Opened) -> None:
        self.index = index
        self.ws = index.ws
        self.con = index.con
        self.root_s = index.root_s

    @property
    def path(self) -> Path | None:
        return self.index.path

    def snapshot(self) -> Snapshot | None:
        return self.index.snapshot()

    def generation(self) -> int:
        return self.index.generation()

    def own_writes(self, stats: RefreshStats) -> None:
        """Apply the paths this process wrote (``touched``) while a live watcher keeps the
        index, and move its stamp on: our own writes never wait for the watcher."""
        rels = rel_paths(self.root_s, touched.paths)
        touched.paths.clear()
        if rels:
            self.apply_paths(rels, stats)
            bump_stamp(self.index.path_s, self.generation())  # type: ignore[arg-type]

    def catch_up(self, stats: RefreshStats) -> None:
        """Store whatever changed since the stored snapshot (the check saw a change)."""
        self.index.trim()
        if self._needs_build() and self._build(stats):
            return
        con = self.con
        with write_transaction(con):
            started = time.time_ns()
            snap = self.snapshot()
            if snap is None:
                stats.full = True
                self._full_scan(stats, None, started)
            else:
                ignore_changed, dirs, files = changes(snap, self.root_s, self._base_watch())
                if ignore_changed:
                    stats.full = True
                    self._full_scan(stats, snap, started)
                elif dirs or files:
                    self._apply(snap, dirs, files, stats, started)

    def apply_paths(self, rels: list[str], stats: RefreshStats) -> None:
        """Bring exactly these changed paths (files or folders, rel; '' = root) up to date.

        What a watcher (or a command that wrote files) knows changed: each path's folder is
        listed again (finding added, removed and renamed entries), each known file re-stat'ed.
        """
        self.index.trim()
        if self._needs_build() and self._build(stats):
            return
        con = self.con
        with write_transaction(con):
            started = time.time_ns()
            snap = self.snapshot()
            if snap is None:
                stats.full = True
                self._full_scan(stats, None, started)
            else:
                dirs: set[str] = set()
                files: list[str] = []
                for rel in rels:
                    if rel in snap.files:
                        files.append(rel)
                    if rel in snap.dirs:
                        dirs.add(rel)
                    folder = parent(rel) if rel else ""
                    while folder and folder not in snap.dirs:  # a new nested folder
                        folder = parent(folder)
                    dirs.add(folder)
                self._apply(snap, sorted(dirs), files, stats, started)

    def _needs_build(self) -> bool:
        """True when no snapshot is stored: the index was never (completely) built."""
        return self.con.execute("SELECT 1 FROM meta WHERE key='snapshot'").fetchone() is None

    def _build(self, stats: RefreshStats) -> bool:
        """The first build, in chunks (``build``); False when another process did it."""
        from docmgr.store.index.build import build

        done = build(self)
        if done is None:
            return False
        stats.full = True
        stats.parsed, stats.removed = done
        return True

    def store_snapshot(self, snap: Snapshot, started: int) -> bytes:
        """Store the snapshot's pieces (inside the caller's transaction), racy stamps marked;
        returns the header that ``finish`` stores to say the snapshot is complete.

        One piece is serialised at a time: a full copy of the snapshot in one blob (twice,
        plus SQLite's copies) was the peak of the memory of a big first build.
        """
        mark_racy(snap, started)
        con = self.con
        con.execute("DELETE FROM snapshot_pieces")
        count = 0
        for count, blob in enumerate(pieces(snap, self.root_s), start=1):
            con.execute("INSERT INTO snapshot_pieces(seq, piece) VALUES(?, ?)", (count, blob))
        return header(snap, count)

    def _matcher(self, snap: Snapshot) -> Matcher:
        from docmgr.store.ignore import Matcher  # only when something changed

        repo_root = self.ws.repo_root_str
        matcher = Matcher.for_root(self.root_s, repo_root)
        for path in sorted(snap.watch):
            folder = os.path.dirname(path)
            if folder in (self.root_s, repo_root) or not os.path.isfile(path):
                continue
            rel = os.path.relpath(folder, self.root_s).replace(os.sep, "/")
            matcher.add_file(rel, path)
        return matcher

    def _base_watch(self) -> dict[str, FileStamp]:
        paths = {
            os.path.join(self.root_s, IGNORE_FILE),
            os.path.join(self.ws.repo_root_str, IGNORE_FILE),
        }
        return {p: path_stamp(p) for p in sorted(paths)}

    def _full_scan(self, stats: RefreshStats, old: Snapshot | None, started: int) -> None:
        """Walk everything; re-parse only files whose stamp differs from the stored row."""
        snap, todo, removed, controls, links = self.walk(old)
        self._store_links(links, None, snap.dirs)
        self._write(snap, todo, removed, controls, stats, started)

    def walk(
        self, old: Snapshot | None, *, racy_since: int | None = None
    ) -> tuple[Snapshot, list[Todo], list[str], list[tuple[str, bool]], list[tuple[str, bool]]]:
        """Walk everything: (new snapshot, files to parse, rels to drop, is_control changes,
        symlinked ``.md`` files).

        A file is parsed when its stamp differs from its stored row, when ``old`` marks it
        racy, or when its stored mtime is ``racy_since`` or later.
        """
        self.ws.require_root_str()
        known = {
            rel: ((m, s, ct), c)
            for rel, m, s, ct, c in self.con.execute(
                "SELECT rel, mtime_ns, size, ctime_ns, is_control FROM docs"
            )
        }
        racy = {rel for rel, v in old.files.items() if v[0] == RACY} if old else set()
        if racy_since is not None:
            racy.update(rel for rel, (stamp, _c) in known.items() if stamp[0] >= racy_since)
        from docmgr.store.ignore import Matcher  # only when something changed

        snap = Snapshot({}, {}, self._base_watch())
        matcher = Matcher.for_root(self.root_s, self.ws.repo_root_str)
        todo: list[Todo] = []
        controls: list[tuple[str, bool]] = []
        links: list[tuple[str, bool]] = []
        for rel, st, control in stat_markdown(
            self.root_s, matcher, dirs=snap.dirs, watch=snap.watch, links=links
        ):
            stamp = snap.files[rel] = file_stamp(st)
            row = known.pop(rel, None)
            if row is None or row[0] != stamp or rel in racy:
                todo.append((rel, stamp[0], stamp[1], stamp[2], control))
            elif bool(row[1]) != control:
                controls.append((rel, control))
        return snap, todo, list(known), controls, links

    def _apply(
        self,
        snap: Snapshot,
        changed_dirs: list[str],
        changed_files: list[str],
        stats: RefreshStats,
        started: int,
    ) -> None:
        todo: dict[str, Todo] = {}
        removed: set[str] = set()
        controls: list[tuple[str, bool]] = []
        links: list[tuple[str, bool]] = []
        listed: set[str] = set()
        matcher: Matcher | None = None
        for rel in sorted(changed_dirs):
            if rel in snap.dirs and not any(_under(rel, r) and rel != r for r in removed):
                folder = os.path.join(self.root_s, rel) if rel else self.root_s
                if not os.path.isdir(folder):
                    for d in [d for d in snap.dirs if _under(d, rel)]:
                        del snap.dirs[d]
                    for f in [f for f in snap.files if _under(f, rel)]:
                        del snap.files[f]
                        removed.add(f)
                    removed.add(rel)
                    continue
                if matcher is None:
                    matcher = self._matcher(snap)
                stats.rescanned_dirs += 1
                listed.add(rel)
                self._rescan_dir(rel, snap, matcher, todo, removed, controls, links)
        root_s = self.root_s + "/"
        for rel in changed_files:
            if rel in removed or rel in todo or rel not in snap.files:
                continue
            try:
                st = os.stat(root_s + rel)
            except OSError:
                del snap.files[rel]
                removed.add(rel)
                continue
            stamp = snap.files[rel] = file_stamp(st)
            folder_rel = parent(rel)
            has_index = os.path.exists(
                root_s + folder_rel + "/index.md" if folder_rel else root_s + "index.md"
            )
            control = has_index and rel.rsplit("/", 1)[-1].lower() in CONTROL_NAMES
            todo[rel] = (rel, stamp[0], stamp[1], stamp[2], control)
        if any(p not in snap.watch for p in self._base_watch()) or any(
            path_stamp(p) != v for p, v in snap.watch.items()
        ):
            stats.full = True
            self._full_scan(stats, snap, started)
            return
        self._store_links(links, listed, snap.dirs)
        self._write(
            snap,
            list(todo.values()),
            sorted(r for r in removed if r not in snap.dirs),
            controls,
            stats,
            started,
        )

    def _store_links(
        self, links: list[tuple[str, bool]], listed: set[str] | None, dirs: Container[str]
    ) -> None:
        """Doctor's rows of symlinked ``.md`` files (``checks.store_links``), when there is
        a row to write or one that may go (most workspaces have none)."""
        if links or self.con.execute("SELECT 1 FROM md_links LIMIT 1").fetchone():
            from docmgr.store.index import checks  # doctor's facts: loaded only when needed

            checks.store_links(self.con, links, listed=listed, dirs=dirs)

    def _rescan_dir(
        self,
        rel: str,
        snap: Snapshot,
        matcher: Matcher,
        todo: dict[str, Todo],
        removed: set[str],
        controls: list[tuple[str, bool]],
        links: list[tuple[str, bool]],
    ) -> None:
        folder = os.path.join(self.root_s, rel) if rel else self.root_s
        try:
            folder_st = os.stat(folder)
            snap.dirs[rel] = (folder_st.st_mtime_ns, folder_st.st_ctime_ns)
            entries = list(os.scandir(folder))
        except OSError:
            return
        names = {e.name for e in entries}
        ignore_path = os.path.join(folder, IGNORE_FILE)
        if rel and IGNORE_FILE in names and ignore_path not in snap.watch:
            snap.watch[ignore_path] = (-2, -2, -2)  # forces a full scan
        has_index = "index.md" in names
        check_files = not matcher.names_only  # else a file here is never ignored on its own
        seen_files: set[str] = set()
        seen_dirs: set[str] = set()
        for entry in entries:
            child = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_dir(follow_symlinks=False):
                if (
                    entry.name.startswith("_")
                    or entry.name in (".meta", JOURNAL_DIR)
                    or matcher.ignored(child, is_dir=True)
                ):
                    continue
                seen_dirs.add(child)
                if child not in snap.dirs:
                    for frel, st, control in stat_markdown(
                        self.root_s,
                        matcher,
                        start=child,
                        dirs=snap.dirs,
                        watch=snap.watch,
                        links=links,
                    ):
                        stamp = snap.files[frel] = file_stamp(st)
                        todo[frel] = (frel, stamp[0], stamp[1], stamp[2], control)
            elif entry.name.lower().endswith(".md") and not (
                check_files and matcher.ignored(child, is_dir=False)
            ):
                control = has_index and entry.name.lower() in CONTROL_NAMES
                if entry.is_symlink():
                    links.append((child, control))
                    if leaves_root(entry.path, os.path.realpath(self.root_s)):
                        continue  # never read through a link leading out of the root
                seen_files.add(child)
                try:
                    st = entry.stat()
                except OSError:
                    continue
                stamp = file_stamp(st)
                if snap.files.get(child) != stamp:
                    snap.files[child] = stamp
                    todo[child] = (child, stamp[0], stamp[1], stamp[2], control)
                else:
                    controls.append((child, control))
        for f in [f for f in snap.files if parent(f) == rel and f not in seen_files]:
            del snap.files[f]
            removed.add(f)
        for d in [d for d in snap.dirs if d != rel and parent(d) == rel and d not in seen_dirs]:
            for sub in [s for s in snap.dirs if _under(s, d)]:
                del snap.dirs[sub]
            for f in [f for f in snap.files if _under(f, d)]:
                del snap.files[f]
                removed.add(f)

    def _write(
        self,
        snap: Snapshot,
        todo: list[Todo],
        removed: list[str],
        controls: list[tuple[str, bool]],
        stats: RefreshStats,
        started: int,
    ) -> None:
        """Store the changes (inside the caller's transaction) and the new snapshot."""
        total = len(todo)
        report = progress_for(total)
        self.drop_docs(removed)
        stats.removed = len(removed)
        if todo or removed:
            from docmgr.store.index import fulltext  # only a refresh that re-indexes needs it

            step = 200
            with fulltext.bulk_load(self.con, total):
                for start in range(0, total, step):
                    self.store_docs(self.parse(todo[start : start + step]))
                    if report is not None:
                        report("Indexing documents", min(start + step, total), total)
            fulltext.settle(self.con, self.root_s)
        stats.parsed = total
        todo.clear()  # free it before the snapshot is serialised (peak memory of big builds)
        self.finish(self.store_snapshot(snap, started), controls)

    def parse(self, todo: list[Todo]) -> list[Row]:
        """Read and parse these files into their rows (in order)."""
        from docmgr.store.index.rows import rows_of  # only when files are parsed

        return rows_of(self.root_s, todo)

    def store_docs(self, rows: Iterable[Row], *, fresh: bool = False) -> None:
        """Store parsed documents' rows (inside the caller's transaction), replacing theirs.

        Rows are written ``STORE_BATCH`` documents at a time, one ``executemany`` per table.
        ``fresh``: the caller knows none of them has a row yet (a build that started on an
        empty table), so no row is looked up to be replaced.
        """
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= STORE_BATCH:
                self._store(batch, fresh)
                batch = []
        if batch:
            self._store(batch, fresh)

    def drop_docs(self, rels: list[str]) -> None:
        """Drop the rows of these documents (inside the caller's transaction)."""
        for rel in rels:
            self._delete(rel)

    def finish(
        self,
        head: bytes,
        controls: list[tuple[str, bool]],
        links: list[tuple[str, bool]] | None = None,
    ) -> None:
        """Store is_control changes (and ``links``, doctor's symlink rows of a full walk, when
        given) and the header of the snapshot ``store_snapshot`` stored; count one more
        generation."""
        con = self.con
        if links is not None:
            self._store_links(links, None, ())
        con.executemany(
            "UPDATE docs SET is_control=? WHERE rel=?", [(int(c), rel) for rel, c in controls]
        )
        con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('snapshot', ?)", (head,))
        con.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES('generation', ?)",
            (self.generation() + 1,),
        )

    def _delete(self, rel: str) -> None:
        from docmgr.store.index import fulltext

        con = self.con
        row = con.execute("SELECT id, parse_ok FROM docs WHERE rel=?", (rel,)).fetchone()
        if row is None:
            return
        doc_id, indexed = row
        for table in ("doc_topics", "doc_owners", "doc_sources", "related_files", "diary_facts"):
            con.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))  # noqa: S608
        if indexed:
            fulltext.forget(con)
        con.execute("DELETE FROM docs WHERE id=?", (doc_id,))

    def _store(self, batch: list[Row], fresh: bool) -> None:
        from docmgr.store.index import fulltext

        con = self.con
        if not fresh:
            for row in batch:
                self._delete(row.rel)
        # the ids AUTOINCREMENT would give, one by one (never reused: see fulltext)
        doc_id = con.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'docs'), 0),"
            " coalesce((SELECT max(id) FROM docs), 0))"
        ).fetchone()[0]
        docs: list[tuple[object, ...]] = []
        topics: list[tuple[object, ...]] = []
        owners: list[tuple[object, ...]] = []
        sources: list[tuple[int, str]] = []
        related: list[tuple[object, ...]] = []
        diaries: list[tuple[object, ...]] = []
        texts: list[tuple[object, ...]] = []
        for row in batch:
            doc_id += 1
            docs.append((doc_id, *row.doc))
            if row.text is None:  # unparseable: no other row
                continue
            topics += [(doc_id, *t) for t in row.topics]
            owners += [(doc_id, *o) for o in row.owners]
            sources += [(doc_id, s) for s in row.sources]
            related += [(doc_id, *r) for r in row.related]
            if row.diary is not None:
                diaries.append((doc_id, *row.diary))
            texts.append((doc_id, *row.text))
        con.executemany(
            "INSERT INTO docs(id, rel, dir, name, mtime_ns, size, ctime_ns, is_control, parse_ok,"
            " error, error_line, ticket, meta_ticket, title, status, doc_type, intent, summary,"
            " last_updated, tasks_open, tasks_done,"
            " diary_steps, meta) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            docs,
        )
        con.executemany("INSERT INTO doc_topics VALUES(?,?,?)", topics)
        con.executemany("INSERT INTO doc_owners VALUES(?,?,?)", owners)
        con.executemany("INSERT INTO doc_sources VALUES(?,?)", sources)
        if related or diaries:
            from docmgr.store.index import checks  # doctor's facts: loaded only when writing

            checks.store(con, related, diaries)
        fulltext.insert(con, texts)
