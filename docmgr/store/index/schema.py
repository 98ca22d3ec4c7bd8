"""Where the index file lives, its tables, and how a connection to it is opened and reset.

A cache written by another docmgr version (or for another docs root) is reset on open;
a cache that SQLite cannot read is deleted (``drop_file``) and built again by the caller.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from docmgr.store.workspace import Workspace

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path


SCHEMA_VERSION = "docmgr-index-14"


# marshal's format and our row layout both belong to the version key
VERSION_KEY = f"{SCHEMA_VERSION}/py{sys.version_info[0]}.{sys.version_info[1]}/m{marshal.version}"


BUSY_TIMEOUT_S = 15.0  # how long to wait for another process's refresh before falling back


# Pages are mapped as they are read, and mapped pages count in the process's RSS: a cap
# of 1 GiB let a 20,000-ticket build and doctor --all reach 450-590 MiB of RSS. 64 MiB
# maps the whole cache of a 2,000-ticket workspace (~56 MiB) and bounds what larger ones add.
MMAP_BYTES = 64 << 20


# A new cache is laid out in 16 KiB pages (SQLite's default is 4 KiB): a first build of
# 20,000 tickets writes and reads back a quarter as many pages (with build.BUILD_CACHE_KIB,
# about a quarter less system time); warm reads measured the same. SQLite fixes the size
# when the first table is made, so an existing cache keeps the size it was made with.
PAGE_BYTES = 16 << 10


_TABLES = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB);
-- the freshness snapshot in pieces (freshness.pieces), its header in meta 'snapshot'
CREATE TABLE IF NOT EXISTS snapshot_pieces(seq INTEGER PRIMARY KEY, piece BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS docs(
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a stale full-text row stays stale
  rel TEXT NOT NULL UNIQUE,
  dir TEXT NOT NULL,
  name TEXT NOT NULL,
  mtime_ns INTEGER NOT NULL,
  size INTEGER NOT NULL,
  ctime_ns INTEGER NOT NULL,
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
-- ticket list reads only these two (queries.tickets): its rows, and the task counts of each
-- ticket's tasks.md, without touching the wide docs rows (2,000 tickets: 14 -> 5 ms). Both
-- cover their queries (with the columns of the partial index's WHERE, and the implied rowid)
CREATE INDEX IF NOT EXISTS docs_tickets
  ON docs(rel, ticket, title, status, dir, last_updated, parse_ok, doc_type)
  WHERE parse_ok = 1 AND doc_type = 'index';
CREATE INDEX IF NOT EXISTS docs_tasks ON docs(dir, name, tasks_open, tasks_done)
  WHERE name = 'tasks.md';
-- the unparseable documents that are not control files, in rel order (queries.broken_docs,
-- broken_index_files): control files without a header (a generated workspace's tasks.md and
-- changelog.md, 40,000 at 20,000 tickets) are not looked up one wide row at a time
CREATE INDEX IF NOT EXISTS docs_broken ON docs(is_control, rel) WHERE parse_ok = 0;
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
                                         note TEXT NOT NULL, base TEXT NOT NULL,
                                         kind TEXT NOT NULL,
                                         target TEXT  -- NULL: the same as raw
                                         );
CREATE INDEX IF NOT EXISTS related_files_doc ON related_files(doc_id);
CREATE INDEX IF NOT EXISTS related_files_base ON related_files(base);
CREATE TABLE IF NOT EXISTS diary_facts(doc_id INTEGER PRIMARY KEY, duplicates TEXT NOT NULL,
                                       pending TEXT NOT NULL, mentions_commit INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS md_links(rel TEXT PRIMARY KEY, dir TEXT NOT NULL,
                                    is_control INTEGER NOT NULL);
"""


FTS_COLUMNS = "title, body, topics, doc_type, ticket_id"


# The full-text table keeps no copy of the text: its content is the view below, whose body
# column reads each document's file (``doc_body``, registered by ``read_bodies``). FTS5 asks
# for content only to rebuild, never to match or rank (a search cuts its snippets from the
# files itself: ``reports.snippet``). A replaced document's row stays
# behind as a tombstone (see fulltext.py); the view lists only live, parseable documents.
_FTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5({FTS_COLUMNS},"
    " content='docs_fts_content', content_rowid='id', tokenize='unicode61')"
)

BODY_FUNCTION = "doc_body"

_FTS_CONTENT = f"""
CREATE VIEW IF NOT EXISTS docs_fts_content AS
SELECT d.id AS id, d.title AS title, {BODY_FUNCTION}(d.rel) AS body,
       coalesce((SELECT group_concat(t.topic_original, ' ')
                   FROM (SELECT topic_original FROM doc_topics
                          WHERE doc_id = d.id ORDER BY rowid) AS t), '') AS topics,
       d.doc_type AS doc_type, d.ticket AS ticket_id
  FROM docs AS d WHERE d.parse_ok = 1
"""


def read_bodies(con: sqlite3.Connection, root_s: str) -> None:
    """Let this connection read the full-text table's content (the bodies, from the files).

    Needed before a rebuild (or FTS5's own ``snippet()``); matching and ranking never call it.
    """
    from docmgr.store.index.records import body_from_file

    prefix = root_s + "/"

    def doc_body(rel: str) -> str:
        return body_from_file(prefix + rel) or ""

    con.create_function(BODY_FUNCTION, 1, doc_body)


def cache_file(ws: Workspace) -> str:
    """Where the index of this docs root lives (outside the repository by default)."""
    env = ws.env if ws.env is not None else os.environ
    folder = env.get("DOCMGR_CACHE_DIR", "").strip()
    if folder:
        base = os.path.expanduser(folder)
    elif ws.config is not None and ws.config.cache_dir:
        base = os.path.join(ws.config.folder, os.path.expanduser(ws.config.cache_dir))
    else:
        xdg = env.get("XDG_CACHE_HOME", "").strip()
        base = os.path.join(xdg or os.path.join(os.path.expanduser("~"), ".cache"), "docmgr")
    # crc32, not hashlib (whose OpenSSL import costs ~4 ms per command) nor zlib (a shared
    # library to load: ~0.3 ms); a collision is harmless because prepare() resets a cache
    # written for another root
    root = os.path.abspath(ws.root_str)
    digest = f"{crc32(root.encode()):08x}{len(root):04x}"
    return os.path.join(os.path.normpath(base), f"{digest}.sqlite")


def crc32(data: bytes) -> int:
    """zlib's CRC-32 (IEEE 802.3, reflected), bit by bit: for the few bytes of a path."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xEDB88320 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def cache_path(ws: Workspace) -> Path:
    """``cache_file`` as a Path."""
    from pathlib import Path

    return Path(cache_file(ws))


def cache_disabled(ws: Workspace) -> bool:
    """True when ``DOCMGR_NO_CACHE`` asks every verb to scan the files directly."""
    env = ws.env if ws.env is not None else os.environ
    return env.get("DOCMGR_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no")


def version_stamp(root_s: str) -> str:
    """What the ``version`` row of a cache built by this docmgr for ``root_s`` holds."""
    return f"{VERSION_KEY}|{root_s}"


def is_busy(exc: BaseException) -> bool:
    """True for SQLite's "another connection holds the lock" errors (never a damaged file)."""
    text = str(exc)
    return "locked" in text or "busy" in text


def connect(path: str | os.PathLike[str] | None) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit); ``None`` → in memory."""
    import sqlite3

    target = ":memory:" if path is None else os.fspath(path)
    con = sqlite3.connect(
        target, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    con.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    if path is not None:
        con.execute(f"PRAGMA page_size={PAGE_BYTES}")  # before WAL: a no-op once made
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        # read pages through a memory map: a warm ticket list of 2,000 tickets read ~5,500
        # pages with one pread() each (about 30 ms of system time on a VM)
        con.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    return con


def connect_readonly(path: str | os.PathLike[str], root_s: str) -> sqlite3.Connection | None:
    """A read-only connection to a cache built by this docmgr for ``root_s`` (else None).

    Raises sqlite3.Error when the file cannot be read at all.
    """
    import sqlite3
    from pathlib import Path

    uri = Path(os.path.abspath(path)).as_uri()
    con = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=1.0)
    try:
        row = con.execute("SELECT value FROM meta WHERE key='version'").fetchone()
    except BaseException:
        con.close()
        raise
    if row is None or row[0] != version_stamp(root_s):
        con.close()
        return None
    return con


@contextlib.contextmanager
def write_transaction(con: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taken at once (``BEGIN IMMEDIATE``); rolled back on any error."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def prepare(con: sqlite3.Connection, root_s: str) -> None:
    """Create the schema, or reset it when it was written by another version or root."""
    expected = version_stamp(root_s)
    if _stored_version(con) == expected:
        return
    # Only here, where the schema is made: on a file with tables, setting auto_vacuum is a
    # write (page 1 into the WAL, three fsyncs, a checkpoint at close) that every read-only
    # command would pay. On a new file it takes effect with the first table; on an older
    # cache the VACUUM below makes it count. Free pages are given back by
    # ``give_back_free_pages``.
    con.execute("PRAGMA auto_vacuum=INCREMENTAL")
    with write_transaction(con):
        if _stored_version(con) != expected:
            tables = [
                r[0]
                for r in con.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                    " AND name NOT LIKE 'docs_fts_%'"
                )
            ]
            con.execute("DROP VIEW IF EXISTS docs_fts_content")
            for table in tables:
                con.execute(f'DROP TABLE IF EXISTS "{table}"')
            for statement in _TABLES.split(";"):
                if statement.strip():
                    con.execute(statement)
            con.execute(_FTS)
            con.execute(_FTS_CONTENT)
            con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('version', ?)", (expected,))
    if con.execute("PRAGMA auto_vacuum").fetchone()[0] != _INCREMENTAL:
        # a cache made before auto_vacuum, now empty: VACUUM makes the mode count (cheap on
        # empty tables); busy (another docmgr reads it) leaves it as it was, which still works
        import sqlite3

        with contextlib.suppress(sqlite3.OperationalError):
            con.execute("VACUUM")


_INCREMENTAL = 2  # PRAGMA auto_vacuum's value for INCREMENTAL


def give_back_free_pages(con: sqlite3.Connection) -> None:
    """Shorten the file by its free pages (outside a transaction).

    A build leaves some behind (FTS5 merges segments as the chunks commit); a cache made
    before auto_vacuum keeps them for later writes instead.
    """
    con.executescript("PRAGMA incremental_vacuum")  # one page per step: run to the end


def _stored_version(con: sqlite3.Connection) -> object:
    try:
        row = con.execute("SELECT value FROM meta WHERE key='version'").fetchone()
    except Exception:  # noqa: BLE001 - no meta table yet, or garbage: both mean "reset"
        return None
    return row[0] if row else None


def drop_file(path: str | os.PathLike[str]) -> None:
    """Delete the cache file and its WAL companions (a missing file is fine)."""
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(os.fspath(path) + suffix)
        except OSError:
            pass
