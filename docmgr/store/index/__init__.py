"""The persistent SQLite/FTS5 index of the workspace: the only code that speaks SQL."""

from __future__ import annotations

import marshal
import os
import sys
import time
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docmgr.errors import IndexBusy
from docmgr.formats import diary as diary_format
from docmgr.formats import tasks as tasksmod
from docmgr.model import CONTROL_NAMES, Doc, DocMeta, RelatedFile
from docmgr.seams.clock import utc_minute
from docmgr.seams.journal import JOURNAL_DIR
from docmgr.store.ignore import IGNORE_FILE, Matcher
from docmgr.store.workspace import Workspace, read_doc, scan_docs, walk_markdown

if TYPE_CHECKING:
    import sqlite3


SCHEMA_VERSION = "docmgr-index-6"


# marshal's format and our row layout both belong to the version key
_VERSION_KEY = f"{SCHEMA_VERSION}/py{sys.version_info[0]}.{sys.version_info[1]}/m{marshal.version}"


RACY = -1  # a stat we do not trust (see _mark_racy)


RACY_WINDOW_NS = 1_000_000_000  # coarse file-system clocks; 1 s also covers 1 s-resolution ones


PROGRESS_THRESHOLD = 300  # parse this many files or more → report progress


_BUSY_TIMEOUT_S = 15.0  # how long to wait for another process's refresh before falling back


# The CLI installs a callback (label, done, total) that draws a bar when stderr is a TTY;
# the library itself never prints.
progress_hook: Callable[[str, int, int], None] | None = None


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS docs(
  id INTEGER PRIMARY KEY,
  rel TEXT NOT NULL UNIQUE,
  dir TEXT NOT NULL,
  name TEXT NOT NULL,
  mtime_ns INTEGER NOT NULL,
  size INTEGER NOT NULL,
  is_control INTEGER NOT NULL,
  parse_ok INTEGER NOT NULL,
  error TEXT NOT NULL,
  error_line INTEGER NOT NULL,
  ticket TEXT NOT NULL,
  meta_ticket TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  doc_type TEXT NOT NULL,
  intent TEXT NOT NULL,
  summary TEXT NOT NULL,
  last_updated TEXT NOT NULL,
  tasks_open INTEGER NOT NULL,
  tasks_done INTEGER NOT NULL,
  diary_steps INTEGER NOT NULL,
  meta BLOB
);
CREATE INDEX IF NOT EXISTS docs_ticket ON docs(ticket);
CREATE INDEX IF NOT EXISTS docs_dir ON docs(dir);
CREATE INDEX IF NOT EXISTS docs_doc_type ON docs(doc_type);
CREATE TABLE IF NOT EXISTS doc_topics(doc_id INTEGER NOT NULL, topic_lower TEXT NOT NULL,
                                      topic_original TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS doc_topics_doc ON doc_topics(doc_id);
CREATE INDEX IF NOT EXISTS doc_topics_topic ON doc_topics(topic_lower);
CREATE TABLE IF NOT EXISTS doc_owners(doc_id INTEGER NOT NULL, owner_lower TEXT NOT NULL,
                                      owner_original TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS doc_owners_doc ON doc_owners(doc_id);
CREATE TABLE IF NOT EXISTS doc_sources(doc_id INTEGER NOT NULL, source TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS doc_sources_doc ON doc_sources(doc_id);
CREATE TABLE IF NOT EXISTS related_files(doc_id INTEGER NOT NULL, raw TEXT NOT NULL,
                                         note TEXT NOT NULL, base TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS related_files_doc ON related_files(doc_id);
CREATE INDEX IF NOT EXISTS related_files_base ON related_files(base);
"""


_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5("
    "title, body, topics, doc_type, ticket_id, tokenize='unicode61')"
)


def _progress() -> Callable[[str, int, int], None] | None:
    """The progress callback: the one set here, else the CLI's (only if the CLI is loaded)."""
    if progress_hook is not None:
        return progress_hook
    cli = sys.modules.get("docmgr.cli.inspect")
    return getattr(cli, "tty_progress", None) if cli is not None else None


def cache_path(ws: Workspace) -> Path:
    """Where the index of this docs root lives (outside the repository by default)."""
    env = ws.env if ws.env is not None else os.environ
    folder = env.get("DOCMGR_CACHE_DIR", "").strip()
    if folder:
        base = Path(folder).expanduser()
    elif ws.config is not None and ws.config.cache_dir:
        base = Path(ws.config.cache_dir).expanduser()
        if not base.is_absolute():
            base = ws.config.folder / base
    else:
        xdg = env.get("XDG_CACHE_HOME", "").strip()
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "docmgr"
    # crc32, not hashlib: hashlib's OpenSSL import costs ~4 ms per command; a collision is
    # harmless because _prepare resets a cache written for another root
    root = str(Path(os.path.abspath(ws.root)))
    digest = f"{zlib.crc32(root.encode()):08x}{len(root):04x}"
    return base / f"{digest}.sqlite"


def cache_disabled(ws: Workspace) -> bool:
    """True when ``DOCMGR_NO_CACHE`` asks every verb to scan the files directly."""
    env = ws.env if ws.env is not None else os.environ
    return env.get("DOCMGR_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no")


@dataclass(slots=True)
class Parsed:
    """One document as the index stores it."""

    doc: Doc
    body: str = ""
    tasks: tuple[int, int] = (0, 0)
    diary_steps: int = 0


def parse_file(path: Path, rel: str, *, mtime_ns: int, size: int, control: bool) -> Parsed:
    """Read and parse one file (never raises: failures are stored on the Doc)."""
    doc, text, body_start = read_doc(path, rel, mtime_ns=mtime_ns, size=size, control=control)
    if not text:
        return Parsed(doc)
    tasks = tasksmod.counts(text) if path.name.lower() == "tasks.md" else (0, 0)
    steps = len(diary_format.step_labels(text))
    return Parsed(doc, text[body_start:] if body_start >= 0 else "", tasks, steps)


def _plain(value: Any) -> Any:
    """Make a YAML value marshal-safe (explicit tags may yield dates or other objects)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _pack(meta: DocMeta) -> bytes:
    return marshal.dumps(
        (
            meta.title,
            meta.ticket,
            meta.status,
            meta.topics,
            meta.doc_type,
            meta.intent,
            meta.owners,
            [(r.path, r.note) for r in meta.related_files],
            meta.external_sources,
            meta.summary,
            meta.last_updated_raw,
            meta.what_for,
            meta.when_to_use,
            _plain(meta.extra),
            meta.problems,
            meta.last_updated.isoformat() if meta.last_updated is not None else "",
        )
    )


_from_iso = datetime.fromisoformat  # C speed; the string is our own isoformat() output


def unpack_meta(blob: bytes) -> DocMeta:
    """Rebuild a DocMeta from its stored form."""
    (
        title,
        ticket,
        status,
        topics,
        doc_type,
        intent,
        owners,
        related,
        sources,
        summary,
        raw_ts,
        what_for,
        when_to_use,
        extra,
        problems,
        stamp,
    ) = marshal.loads(blob)
    return DocMeta(
        title=title,
        ticket=ticket,
        status=status,
        topics=topics,
        doc_type=doc_type,
        intent=intent,
        owners=owners,
        related_files=[RelatedFile(p, n) for p, n in related],
        external_sources=sources,
        summary=summary,
        last_updated=_from_iso(stamp) if stamp else None,
        last_updated_raw=raw_ts,
        what_for=what_for,
        when_to_use=when_to_use,
        extra=extra,
        problems=problems,
    )


def sort_key(at: datetime) -> str:
    """A fixed-width, sortable UTC string of an instant (years zero-padded, unlike strftime)."""
    if at.tzinfo is None:
        at = at.astimezone()
    try:
        u = at.astimezone(UTC)
    except (OverflowError, ValueError):  # e.g. 0001-01-01T00:00:00+05:00
        u = at.replace(tzinfo=UTC)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:"
        f"{u.second:02d}.{u.microsecond:06d}Z"
    )


def utc_key(meta: DocMeta | None) -> str:
    """LastUpdated as a sortable UTC string ('' when absent)."""
    if meta is None or meta.last_updated is None:
        return ""
    return sort_key(meta.last_updated)


def key_minute(key: str) -> str:
    """A stored key shown as ``clock.utc_minute`` shows the instant ('' when absent)."""
    if not key:
        return ""

    return utc_minute(datetime.fromisoformat(key))


def related_base(raw: str) -> str:
    """The last path segment of a stored RelatedFiles path (what --file pre-filters on)."""
    text = raw.strip().replace("\\", "/").rstrip("/")
    return text.rsplit("/", 1)[-1]


def _stat_pair(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


def _mark_racy(snap: Snapshot, started: int) -> None:
    """Forget stats too close to the scan: a change within the same clock tick keeps the mtime.

    Like git's "racy clean" entries, such folders are rescanned and files re-parsed at the
    next refresh (once they are older than the window they are trusted again).
    """
    limit = started - RACY_WINDOW_NS
    for rel, mtime in snap.dirs.items():
        if mtime >= limit:
            snap.dirs[rel] = RACY
    for rel, (mtime, size) in snap.files.items():
        if mtime >= limit:
            snap.files[rel] = (RACY, size)


def _path_maker(root: Path) -> Callable[[str], Path]:
    """``root / rel`` for many rels, fast: each folder's Path is built once.

    Uses pathlib's child constructor (what ``iterdir`` uses) when this Python has it.
    """
    make_child = getattr(Path, "_make_child_relpath", None)
    folders: dict[str, Path] = {"": root}

    def child(rel: str) -> Path:
        folder, _, name = rel.rpartition("/")
        base = folders.get(folder)
        if base is None:
            base = folders[folder] = root / folder
        return make_child(base, name) if make_child is not None else base / name

    return child


def _parent(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else ""


def _under(rel: str, folder: str) -> bool:
    return not folder or rel == folder or rel.startswith(folder + "/")


@dataclass(slots=True)
class Snapshot:
    """What the last refresh saw: folder mtimes, file stats and the ignore files to watch."""

    dirs: dict[str, int] = field(default_factory=dict)
    files: dict[str, tuple[int, int]] = field(default_factory=dict)
    watch: dict[str, tuple[int, int]] = field(default_factory=dict)

    def dump(self) -> bytes:
        return marshal.dumps(
            (
                list(self.dirs),
                list(self.dirs.values()),
                list(self.files),
                [v[0] for v in self.files.values()],
                [v[1] for v in self.files.values()],
                self.watch,
            )
        )

    @classmethod
    def load(cls, blob: bytes) -> Snapshot:
        drels, dmt, frels, fmt, fsz, watch = marshal.loads(blob)
        return cls(
            dict(zip(drels, dmt, strict=True)),
            dict(zip(frels, zip(fmt, fsz, strict=True), strict=True)),
            watch,
        )


@dataclass(slots=True)
class _Flat:
    """The snapshot in the shape the no-change check reads fastest: parallel arrays."""

    dirs: list[str]
    dir_mtimes: array[int]
    files: list[str]
    file_mtimes: array[int]
    file_sizes: array[int]
    watch: dict[str, list[int]]

    @staticmethod
    def dump(snap: Snapshot, root_s: str) -> bytes:
        prefix = root_s + "/"  # absolute paths: the check maps os.stat over them in C
        return marshal.dumps(
            (
                "\0".join(prefix + rel for rel in snap.dirs),
                array("q", snap.dirs.values()).tobytes(),
                "\0".join(prefix + rel for rel in snap.files),
                array("q", (v[0] for v in snap.files.values())).tobytes(),
                array("q", (v[1] for v in snap.files.values())).tobytes(),
                {k: list(v) for k, v in snap.watch.items()},
            )
        )

    @classmethod
    def load(cls, blob: bytes) -> _Flat:
        dirs, dmt, files, fmt, fsz, watch = marshal.loads(blob)
        arrays = []
        for raw in (dmt, fmt, fsz):
            values = array("q")
            values.frombytes(raw)
            arrays.append(values)
        return cls(
            dirs.split("\0") if dirs or arrays[0] else [],
            arrays[0],
            files.split("\0") if files else [],
            arrays[1],
            arrays[2],
            watch,
        )


@dataclass(slots=True)
class RefreshStats:
    """What a refresh did (for ``index info`` and tests)."""

    parsed: int = 0
    removed: int = 0
    rescanned_dirs: int = 0
    full: bool = False


class Index:
    """An open, fresh index of one docs root."""

    def __init__(self, ws: Workspace, con: sqlite3.Connection, path: Path | None) -> None:
        self.ws = ws
        self.con = con
        self.path = path
        self.root = Path(os.path.abspath(ws.root))
        self.root_s = str(self.root)
        self.last_refresh = RefreshStats()
        self._flat: _Flat | None = None
        self._flat_version = -1

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- refresh

    def _snapshot(self) -> Snapshot | None:
        row = self.con.execute("SELECT value FROM meta WHERE key='snapshot'").fetchone()
        if row is None:
            return None
        try:
            return Snapshot.load(row[0])
        except (ValueError, EOFError, TypeError):
            return None

    def _matcher(self, snap: Snapshot) -> Matcher:
        matcher = Matcher.for_root(self.root, self.ws.repo_root)
        for path in sorted(snap.watch):
            folder = os.path.dirname(path)
            if folder in (self.root_s, str(self.ws.repo_root)) or not os.path.isfile(path):
                continue
            rel = os.path.relpath(folder, self.root_s).replace(os.sep, "/")
            matcher.add_file(rel, Path(path))
        return matcher

    def _base_watch(self) -> dict[str, tuple[int, int]]:
        paths = {str(self.root / IGNORE_FILE), str(Path(self.ws.repo_root) / IGNORE_FILE)}
        return {p: _stat_pair(p) for p in sorted(paths)}

    def _changes(self, snap: Snapshot) -> tuple[bool, list[str], list[str]]:
        """(ignore files changed, folders whose mtime changed, files whose stat changed)."""
        if any(_stat_pair(p) != v for p, v in snap.watch.items()) or set(self._base_watch()) - set(
            snap.watch
        ):
            return True, [], []
        root_s = self.root_s + "/"
        stat = os.stat
        changed_dirs: list[str] = []
        for rel, mtime in snap.dirs.items():
            try:
                if stat(root_s + rel if rel else self.root_s).st_mtime_ns != mtime:
                    changed_dirs.append(rel)
            except OSError:
                changed_dirs.append(rel)
        changed_files: list[str] = []
        for rel, (mtime, size) in snap.files.items():
            try:
                st = stat(root_s + rel)
                if st.st_mtime_ns != mtime or st.st_size != size:
                    changed_files.append(rel)
            except OSError:
                changed_files.append(rel)
        return False, changed_dirs, changed_files

    def _unchanged(self) -> bool | None:
        """Fast path: True when no known folder or file changed (None: no snapshot yet).

        Reads a compact copy of the snapshot (kept in memory while no other process
        commits) and stops at the first difference; the locked slow path works out what.
        """
        version = self.con.execute("PRAGMA data_version").fetchone()[0]
        if self._flat is None or self._flat_version != version:
            row = self.con.execute("SELECT value FROM meta WHERE key='fastcheck2'").fetchone()
            if row is None:
                return None
            try:
                self._flat = _Flat.load(row[0])
            except (ValueError, EOFError, TypeError):
                return None
            self._flat_version = version
        flat = self._flat
        for path, value in flat.watch.items():
            if _stat_pair(path) != tuple(value):
                return False
        stat = os.stat
        step = 8192  # bounded memory for the stat results of huge workspaces
        try:
            for start in range(0, len(flat.dirs), step):
                stats = list(map(stat, flat.dirs[start : start + step]))
                if [st.st_mtime_ns for st in stats] != flat.dir_mtimes[
                    start : start + step
                ].tolist():
                    return False
            for start in range(0, len(flat.files), step):
                stats = list(map(stat, flat.files[start : start + step]))
                if [st.st_mtime_ns for st in stats] != flat.file_mtimes[
                    start : start + step
                ].tolist():
                    return False
                if [st.st_size for st in stats] != flat.file_sizes[start : start + step].tolist():
                    return False
        except OSError:
            return False
        return True

    def refresh(self) -> RefreshStats:
        """Bring the index up to date with the files; no lock and no parse when nothing changed.

        Changes are computed again under the write lock from the snapshot as it is then, so
        two processes refreshing at once never interleave their views.
        """
        stats = RefreshStats()
        self.last_refresh = stats
        if self._unchanged():
            return stats
        self._flat = None
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            started = time.time_ns()
            snap = self._snapshot()
            if snap is None:
                stats.full = True
                self._full_scan(stats, None, started)
            else:
                ignore_changed, dirs, files = self._changes(snap)
                if ignore_changed:
                    stats.full = True
                    self._full_scan(stats, snap, started)
                elif dirs or files:
                    self._apply(snap, dirs, files, stats, started)
                elif con.execute("SELECT 1 FROM meta WHERE key='fastcheck2'").fetchone() is None:
                    con.execute(
                        "INSERT INTO meta(key, value) VALUES('fastcheck2', ?)",
                        (_Flat.dump(snap, self.root_s),),
                    )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return stats

    def _full_scan(self, stats: RefreshStats, old: Snapshot | None, started: int) -> None:
        """Walk everything; re-parse only files whose (mtime, size) differ from the stored rows."""
        self.ws.require_root()
        known = {
            rel: (m, s, c)
            for rel, m, s, c in self.con.execute("SELECT rel, mtime_ns, size, is_control FROM docs")
        }
        racy = {rel for rel, v in old.files.items() if v[0] == RACY} if old else set()
        snap = Snapshot(watch=self._base_watch())
        matcher = Matcher.for_root(self.root, self.ws.repo_root)
        todo: list[tuple[str, int, int, bool]] = []  # small tuples: 130k of them on big workspaces
        controls: list[tuple[str, bool]] = []
        for _path, rel, st, control in walk_markdown(
            self.root, matcher, dirs=snap.dirs, watch=snap.watch
        ):
            snap.files[rel] = (st.st_mtime_ns, st.st_size)
            row = known.pop(rel, None)
            if row is None or row[0] != st.st_mtime_ns or row[1] != st.st_size or rel in racy:
                todo.append((rel, st.st_mtime_ns, st.st_size, control))
            elif bool(row[2]) != control:
                controls.append((rel, control))
        self._write(snap, todo, list(known), controls, stats, started)

    def _apply(
        self,
        snap: Snapshot,
        changed_dirs: list[str],
        changed_files: list[str],
        stats: RefreshStats,
        started: int,
    ) -> None:
        todo: dict[str, tuple[str, int, int, bool]] = {}
        removed: set[str] = set()
        controls: list[tuple[str, bool]] = []
        matcher: Matcher | None = None
        for rel in sorted(changed_dirs):
            if rel in snap.dirs and not any(_under(rel, r) and rel != r for r in removed):
                folder = self.root / rel if rel else self.root
                if not folder.is_dir():
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
                self._rescan_dir(rel, snap, matcher, todo, removed, controls)
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
            snap.files[rel] = (st.st_mtime_ns, st.st_size)
            parent = _parent(rel)
            has_index = os.path.exists(
                root_s + parent + "/index.md" if parent else root_s + "index.md"
            )
            control = has_index and rel.rsplit("/", 1)[-1].lower() in CONTROL_NAMES
            todo[rel] = (rel, st.st_mtime_ns, st.st_size, control)
        if any(p not in snap.watch for p in self._base_watch()) or any(
            _stat_pair(p) != v for p, v in snap.watch.items()
        ):
            stats.full = True
            self._full_scan(stats, snap, started)
            return
        self._write(
            snap,
            list(todo.values()),
            sorted(r for r in removed if r not in snap.dirs),
            controls,
            stats,
            started,
        )

    def _rescan_dir(
        self,
        rel: str,
        snap: Snapshot,
        matcher: Matcher,
        todo: dict[str, tuple[str, int, int, bool]],
        removed: set[str],
        controls: list[tuple[str, bool]],
    ) -> None:
        folder = self.root / rel if rel else self.root
        try:
            snap.dirs[rel] = os.stat(folder).st_mtime_ns
            entries = list(os.scandir(folder))
        except OSError:
            return
        names = {e.name for e in entries}
        if rel and IGNORE_FILE in names and str(folder / IGNORE_FILE) not in snap.watch:
            snap.watch[str(folder / IGNORE_FILE)] = (-2, -2)  # forces a full scan
        has_index = "index.md" in names
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
                    for _path, frel, st, control in walk_markdown(
                        self.root, matcher, start=child, dirs=snap.dirs, watch=snap.watch
                    ):
                        snap.files[frel] = (st.st_mtime_ns, st.st_size)
                        todo[frel] = (frel, st.st_mtime_ns, st.st_size, control)
            elif entry.name.lower().endswith(".md") and not matcher.ignored(child, is_dir=False):
                seen_files.add(child)
                control = has_index and entry.name.lower() in CONTROL_NAMES
                try:
                    st = entry.stat()
                except OSError:
                    continue
                if snap.files.get(child) != (st.st_mtime_ns, st.st_size):
                    snap.files[child] = (st.st_mtime_ns, st.st_size)
                    todo[child] = (child, st.st_mtime_ns, st.st_size, control)
                else:
                    controls.append((child, control))
        for f in [f for f in snap.files if _parent(f) == rel and f not in seen_files]:
            del snap.files[f]
            removed.add(f)
        for d in [d for d in snap.dirs if d != rel and _parent(d) == rel and d not in seen_dirs]:
            for sub in [s for s in snap.dirs if _under(s, d)]:
                del snap.dirs[sub]
            for f in [f for f in snap.files if _under(f, d)]:
                del snap.files[f]
                removed.add(f)

    def _write(
        self,
        snap: Snapshot,
        todo: list[tuple[str, int, int, bool]],
        removed: list[str],
        controls: list[tuple[str, bool]],
        stats: RefreshStats,
        started: int,
    ) -> None:
        """Store the changes (inside the caller's transaction) and the new snapshot."""
        con = self.con
        total = len(todo)
        report = _progress() if total >= PROGRESS_THRESHOLD else None
        for rel in removed:
            self._delete(rel)
        stats.removed = len(removed)
        root_s = self.root_s + "/"
        for number, (rel, mtime_ns, size, control) in enumerate(todo, start=1):
            self._store(
                parse_file(Path(root_s + rel), rel, mtime_ns=mtime_ns, size=size, control=control)
            )
            if report is not None and (number % 200 == 0 or number == total):
                report("Indexing documents", number, total)
        stats.parsed = total
        todo.clear()  # free it before the snapshot is serialised (peak memory of big builds)
        con.executemany(
            "UPDATE docs SET is_control=? WHERE rel=?", [(int(c), rel) for rel, c in controls]
        )
        _mark_racy(snap, started)
        con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('snapshot', ?)", (snap.dump(),))
        con.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES('fastcheck2', ?)",
            (_Flat.dump(snap, self.root_s),),
        )

    def _delete(self, rel: str) -> None:
        con = self.con
        row = con.execute("SELECT id FROM docs WHERE rel=?", (rel,)).fetchone()
        if row is None:
            return
        doc_id = row[0]
        for table in ("doc_topics", "doc_owners", "doc_sources", "related_files"):
            con.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))  # noqa: S608
        con.execute("DELETE FROM docs_fts WHERE rowid=?", (doc_id,))
        con.execute("DELETE FROM docs WHERE id=?", (doc_id,))

    def _store(self, item: Parsed) -> None:
        doc, con = item.doc, self.con
        self._delete(doc.rel)
        meta = doc.meta
        name = doc.rel.rsplit("/", 1)[-1]
        cur = con.execute(
            "INSERT INTO docs(rel, dir, name, mtime_ns, size, is_control, parse_ok, error,"
            " error_line, ticket, meta_ticket, title, status, doc_type, intent, summary,"
            " last_updated, tasks_open, tasks_done,"
            " diary_steps, meta) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.rel,
                _parent(doc.rel),
                name,
                doc.mtime_ns,
                doc.size,
                int(doc.is_control),
                int(meta is not None),
                doc.error,
                doc.error_line,
                doc.ticket,
                meta.ticket if meta else "",
                meta.title if meta else "",
                meta.status if meta else "",
                meta.doc_type if meta else "",
                meta.intent if meta else "",
                meta.summary if meta else "",
                utc_key(meta),
                item.tasks[0],
                item.tasks[1],
                item.diary_steps,
                _pack(meta) if meta else None,
            ),
        )
        doc_id = cur.lastrowid
        if meta is None:
            return
        con.executemany(
            "INSERT INTO doc_topics VALUES(?,?,?)", [(doc_id, t.lower(), t) for t in meta.topics]
        )
        con.executemany(
            "INSERT INTO doc_owners VALUES(?,?,?)", [(doc_id, o.lower(), o) for o in meta.owners]
        )
        con.executemany(
            "INSERT INTO doc_sources VALUES(?,?)", [(doc_id, s) for s in meta.external_sources]
        )
        con.executemany(
            "INSERT INTO related_files VALUES(?,?,?,?)",
            [(doc_id, r.path, r.note, related_base(r.path)) for r in meta.related_files],
        )
        con.execute(
            "INSERT INTO docs_fts(rowid, title, body, topics, doc_type, ticket_id)"
            " VALUES(?,?,?,?,?,?)",
            (doc_id, meta.title, item.body, " ".join(meta.topics), meta.doc_type, doc.ticket),
        )

    # ----------------------------------------------------------------- reads

    def docs(self, where: str = "", params: Sequence[Any] = ()) -> list[Doc]:
        """Documents sorted by rel path; every one by default (what ``scan_docs`` returns)."""
        out: list[Doc] = []
        append = out.append
        child = _path_maker(self.root)
        clause = f" WHERE {where}" if where else ""
        for rel, mtime, size, control, error, line, blob in self.con.execute(
            "SELECT rel, mtime_ns, size, is_control, error, error_line, meta FROM docs"
            f"{clause} ORDER BY rel",
            params,
        ):
            meta = unpack_meta(blob) if blob is not None else None
            append(Doc(child(rel), rel, meta, error, line, mtime, size, bool(control)))
        return out

    def docs_for(self, rels: Sequence[str]) -> list[Doc]:
        """The documents with these rel paths, sorted by rel path."""
        out: list[Doc] = []
        for start in range(0, len(rels), 500):
            chunk = list(rels[start : start + 500])
            out += self.docs(f"rel IN ({','.join('?' * len(chunk))})", chunk)
        out.sort(key=lambda d: d.rel)
        return out

    def trim(self) -> None:
        """Free the in-memory copy of the snapshot (single-pass verbs on huge workspaces)."""
        self._flat = None

    def folders(self) -> list[str]:
        """Every folder the walk visited (rel paths; '' is the root)."""
        flat = self._flat
        if flat is None:
            row = self.con.execute("SELECT value FROM meta WHERE key='fastcheck2'").fetchone()
            if row is None:
                snap = self._snapshot()
                return list(snap.dirs) if snap else []
            flat = _Flat.load(row[0])
        cut = len(self.root_s) + 1
        return [path[cut:] for path in flat.dirs]

    def body(self, rel: str) -> str:
        """The stored body text of a document ('' for unparseable ones)."""
        row = self.con.execute(
            "SELECT f.body FROM docs d JOIN docs_fts f ON f.rowid = d.id WHERE d.rel=?", (rel,)
        ).fetchone()
        return row[0] if row else ""


def _connect(path: Path | None) -> sqlite3.Connection:
    import sqlite3

    target = ":memory:" if path is None else str(path)
    con = sqlite3.connect(
        target, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    con.execute(f"PRAGMA busy_timeout={int(_BUSY_TIMEOUT_S * 1000)}")
    if path is not None:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
    return con


def _prepare(con: sqlite3.Connection, root: str) -> None:
    """Create the schema, or reset it when it was written by another version."""
    version = None
    try:
        row = con.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        version = row[0] if row else None
    except Exception:  # noqa: BLE001 - no meta table yet, or garbage: both mean "reset"
        version = None
    expected = f"{_VERSION_KEY}|{root}"
    if version == expected:
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        row = None
        try:
            row = con.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        except Exception:  # noqa: BLE001
            row = None
        if row is None or row[0] != expected:
            tables = [
                r[0]
                for r in con.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                    " AND name NOT LIKE 'docs_fts_%'"
                )
            ]
            for table in tables:
                con.execute(f'DROP TABLE IF EXISTS "{table}"')
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    con.execute(statement)
            con.execute(_FTS)
            con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('version', ?)", (expected,))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _drop_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(str(path) + suffix)
        except OSError:
            pass


def open_index(ws: Workspace, *, memory: bool = False, busy_fallback: bool = True) -> Index:
    """Open the workspace's index and refresh it; a broken cache is rebuilt, else held in memory.

    ``memory=True`` builds a private, throw-away index (``--no-cache``). When another process
    holds the lock too long, a private in-memory index is built, or with
    ``busy_fallback=False`` IndexBusy is raised (callers that can scan instead do so).
    """
    import sqlite3

    root = ws.require_root()
    root_s = str(Path(os.path.abspath(root)))
    path = cache_path(ws)
    for attempt in range(0 if memory else 2):
        con = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            con = _connect(path)
            _prepare(con, root_s)
            index = Index(ws, con, path)
            index.refresh()
            return index
        except (sqlite3.DatabaseError, OSError, ValueError, EOFError) as exc:
            if con is not None:
                con.close()
            if "locked" in str(exc) or "busy" in str(exc):
                if not busy_fallback:
                    raise IndexBusy(str(exc)) from None
                break  # another process holds it for long: never delete a healthy cache
            if attempt == 0:
                _drop_file(path)
    # last resort: a private in-memory index (slow, but never fatal)
    con = _connect(None)
    _prepare(con, root_s)
    index = Index(ws, con, None)
    index.refresh()
    return index


def load_docs(ws: Workspace) -> list[Doc]:
    """Every document of the workspace, served from the refreshed index (``scan_docs`` order)."""
    if cache_disabled(ws):
        return scan_docs(ws)
    import sqlite3

    try:
        with open_index(ws, busy_fallback=False) as index:
            return index.docs()
    except (sqlite3.Error, IndexBusy):
        return scan_docs(ws)  # a plain scan is cheaper than building a private index


@dataclass(frozen=True, slots=True)
class TicketRow:
    """What ``ticket list`` needs about one index document, read straight from SQL."""

    id: str
    title: str
    status: str
    topics: list[str]
    rel: str
    rel_dir: str
    last_updated: str  # UTC sortable key ('' when absent)
    tasks_open: int
    tasks_done: int


def tickets(index: Index) -> list[TicketRow]:
    """One row per parseable ``DocType: index`` document, with its folder's task counts."""
    rows = index.con.execute(
        "SELECT d.id, d.ticket, d.title, d.status, d.rel, d.dir, d.last_updated,"
        " COALESCE(t.tasks_open, 0), COALESCE(t.tasks_done, 0)"
        " FROM docs d LEFT JOIN docs t ON t.dir = d.dir AND t.name = 'tasks.md'"
        " WHERE d.parse_ok = 1 AND d.doc_type = 'index' ORDER BY d.rel"
    ).fetchall()
    topics: dict[int, list[str]] = {}
    if rows:
        for doc_id, topic in index.con.execute(
            "SELECT t.doc_id, t.topic_original FROM doc_topics t JOIN docs d ON d.id = t.doc_id"
            " WHERE d.doc_type = 'index' ORDER BY t.rowid"
        ):
            topics.setdefault(doc_id, []).append(topic)
    return [
        TicketRow(
            ticket, title, status, topics.get(doc_id, []), rel, rel_dir or ".", lu, t_open, t_done
        )
        for doc_id, ticket, title, status, rel, rel_dir, lu, t_open, t_done in rows
    ]


def _trusted_index_docs(ws: Workspace, ticket_id: str) -> list[Doc]:
    """Index docs of exactly ``ticket_id`` from the cache as it is, if their files are unchanged.

    Write verbs resolve their ticket this way without refreshing the whole index: one
    indexed SQL lookup plus one ``stat`` per match. Anything doubtful returns [] (and the
    caller refreshes).
    """
    import sqlite3

    path = cache_path(ws)
    if not ticket_id or not path.is_file():
        return []
    root_s = str(Path(os.path.abspath(ws.root)))
    try:
        con = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=1.0)
        try:
            row = con.execute("SELECT value FROM meta WHERE key='version'").fetchone()
            if row is None or row[0] != f"{_VERSION_KEY}|{root_s}":
                return []
            rows = con.execute(
                "SELECT rel, mtime_ns, size, is_control, meta FROM docs"
                " WHERE ticket = ? AND parse_ok = 1 AND doc_type = 'index' ORDER BY rel",
                (ticket_id,),
            ).fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return []
    out: list[Doc] = []
    for rel, mtime, size, control, blob in rows:
        try:
            st = os.stat(f"{root_s}/{rel}")
        except OSError:
            return []
        if (
            st.st_mtime_ns != mtime
            or st.st_size != size
            or st.st_mtime_ns >= time.time_ns() - RACY_WINDOW_NS
        ):
            return []
        meta = unpack_meta(blob)
        if meta.ticket != ticket_id:
            return []
        out.append(Doc(Path(f"{root_s}/{rel}"), rel, meta, "", 0, mtime, size, bool(control)))
    return out


def index_docs(ws: Workspace, *, ticket_id: str = "") -> list[Doc]:
    """Only the parseable ``DocType: index`` documents (what ticket resolution needs), by rel path.

    With ``ticket_id`` (an exact id), unchanged index docs of that ticket are returned from
    the cache without a refresh; otherwise the index is refreshed first.
    """
    if cache_disabled(ws):
        return [d for d in scan_docs(ws) if d.is_index]
    trusted = _trusted_index_docs(ws, ticket_id.strip())
    if trusted:
        return trusted
    import sqlite3

    try:
        with open_index(ws, busy_fallback=False) as index:
            return index.docs("parse_ok = 1 AND doc_type = 'index'")
    except (sqlite3.Error, IndexBusy):
        return [d for d in scan_docs(ws) if d.is_index]


def ticket_listing(ws: Workspace) -> tuple[list[TicketRow], list[Doc]]:
    """(tickets, unparseable index.md docs) straight from SQL, for ``ticket list``."""
    with open_index(ws, memory=cache_disabled(ws)) as index:
        rows = tickets(index)
        broken = [
            Doc(index.root / rel, rel, None, error, line, mtime, size, bool(control))
            for rel, error, line, mtime, size, control in index.con.execute(
                "SELECT rel, error, error_line, mtime_ns, size, is_control FROM docs"
                " WHERE parse_ok = 0 AND name = 'index.md' ORDER BY rel"
            )
        ]
    return rows, broken


@dataclass(frozen=True, slots=True)
class DocRow:
    """What ``doc list`` shows about one document, read straight from SQL."""

    ticket: str  # the front matter's Ticket, as written
    doc_type: str
    title: str
    status: str
    topics: list[str]
    rel: str
    last_updated: str  # UTC sortable key ('' when absent)


def doc_listing(
    ws: Workspace,
    *,
    ticket: str = "",
    status: str = "",
    doc_type: str = "",
    topics: Sequence[str] = (),
) -> tuple[list[DocRow], list[Doc]]:
    """(parseable non-index docs matching the filters, unparseable non-control docs) by rel path."""
    where = ["d.parse_ok = 1", "d.name != 'index.md'"]
    params: list[Any] = []
    for column, value in (
        ("d.meta_ticket", ticket),
        ("d.status", status),
        ("d.doc_type", doc_type),
    ):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    wanted = sorted({t.lower() for t in topics})
    if wanted:
        where.append(
            "EXISTS (SELECT 1 FROM doc_topics t WHERE t.doc_id = d.id"
            f" AND t.topic_lower IN ({','.join('?' * len(wanted))}))"
        )
        params += wanted
    with open_index(ws, memory=cache_disabled(ws)) as index:
        index.trim()
        con = index.con
        found = con.execute(
            "SELECT d.id, d.meta_ticket, d.doc_type, d.title, d.status, d.rel, d.last_updated"
            f" FROM docs d WHERE {' AND '.join(where)} ORDER BY d.rel",
            params,
        ).fetchall()
        topic_map: dict[int, list[str]] = {}
        for doc_id, topic in con.execute(
            "SELECT doc_id, topic_original FROM doc_topics ORDER BY rowid"
        ):
            topic_map.setdefault(doc_id, []).append(topic)
        rows = [
            DocRow(tid, kind, title, state, topic_map.get(doc_id, []), rel, lu)
            for doc_id, tid, kind, title, state, rel, lu in found
        ]
        broken = [
            Doc(index.root / rel, rel, None, error, line, mtime, size, bool(control))
            for rel, error, line, mtime, size, control in con.execute(
                "SELECT rel, error, error_line, mtime_ns, size, is_control FROM docs"
                " WHERE parse_ok = 0 AND is_control = 0 ORDER BY rel"
            )
        ]
    return rows, broken


def info(index: Index) -> dict[str, Any]:
    """Counts and location of the index (``index info``)."""
    con = index.con
    docs, broken = con.execute(
        "SELECT COUNT(*), COALESCE(SUM(1 - parse_ok), 0) FROM docs"
    ).fetchone()
    snap = index._snapshot()
    return {
        "path": str(index.path) if index.path else ":memory:",
        "root": index.root_s,
        "docs": docs,
        "parse_errors": broken,
        "folders": len(snap.dirs) if snap else 0,
        "version": SCHEMA_VERSION,
        "size_bytes": index.path.stat().st_size if index.path and index.path.exists() else 0,
        "last_refresh": {
            "parsed": index.last_refresh.parsed,
            "removed": index.last_refresh.removed,
            "rescanned_dirs": index.last_refresh.rescanned_dirs,
            "full": index.last_refresh.full,
        },
    }


def rebuild(ws: Workspace) -> RefreshStats:
    """Throw the cache away and build it again from the files."""
    path = cache_path(ws)
    _drop_file(path)
    with open_index(ws) as index:
        return index.last_refresh
