"""Writing the full-text table: FTS5 without a copy of the text, its tombstones, and its
bulk-load policy.

The table stores no text (its content is a view over the files, see ``schema``): a search
reads the few bodies it shows from their files (``queries.bodies``). Without the old
text a row cannot be deleted, so a replaced or removed document's row stays behind as a
tombstone. It is never found: document ids are never reused (AUTOINCREMENT) and every query
joins ``docs``. It still counts in bm25's statistics, so once tombstones pile up
(``settle``) the table is rebuilt from the live documents' files, and ranking is again
exactly that of a fresh build.

SQLite 3.43's ``contentless_delete=1`` was measured and not used: it hides deleted rows
from matching, but bm25's statistics keep counting them (scores after 30 replacements were
far from a fresh build's), so it would need the same rebuild, on one SQLite version only.

Loaded only by a refresh that re-indexes something (never on the warm path).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from docmgr.store.index.schema import read_bodies

if TYPE_CHECKING:
    import sqlite3


BULK_MIN = 1000  # documents to (re-)index in one refresh before the bulk-load settings apply


# FTS5's defaults (restored after a bulk load)
_AUTOMERGE = 4
_CRISISMERGE = 16
_HASHSIZE = 1024 * 1024

# during a bulk load: no incremental merging, and an 8 MiB in-memory term table (FTS5's
# default is 1 MiB), so that a 2,000-ticket build writes a few large segments instead of
# merging hundreds of small ones. Measured on the full-text inserts of that build: about
# 0.6 x the CPU of FTS5's defaults, 28 MiB of index against 31 (no free pages left behind),
# for ~10 MiB more peak memory (16 MiB saved only 0.6 MiB more, for ~23 MiB of memory)
_BULK_HASHSIZE = 8 * 1024 * 1024
_BULK_CRISISMERGE = 1000


_INSERT = (
    "INSERT INTO docs_fts(rowid, title, body, topics, doc_type, ticket_id) VALUES(?,?,?,?,?,?)"
)


def insert(con: sqlite3.Connection, rows: Sequence[tuple[object, ...]]) -> None:
    """Index these rows, in order: (row id, *``rows.Row.text``), the content view's columns."""
    con.executemany(_INSERT, rows)


def forget(con: sqlite3.Connection) -> None:
    """Count a replaced or removed document's full-text row as a tombstone."""
    con.execute(
        "INSERT INTO meta(key, value) VALUES('fts_stale', 1)"
        " ON CONFLICT(key) DO UPDATE SET value = value + 1"
    )


def stale(con: sqlite3.Connection) -> int:
    """How many tombstones the full-text table holds."""
    row = con.execute("SELECT value FROM meta WHERE key='fts_stale'").fetchone()
    return int(row[0]) if row else 0


def settle(con: sqlite3.Connection, root_s: str) -> bool:
    """Rebuild the full-text table when tombstones pile up (inside the caller's transaction).

    The threshold keeps bm25's statistics within about an eighth of the live documents'
    and the rebuild rare (it re-reads every body). Returns whether it rebuilt.
    """
    count = stale(con)
    if not count:
        return False
    live = con.execute("SELECT COUNT(*) FROM docs WHERE parse_ok = 1").fetchone()[0]
    if count <= max(64, live // 8):
        return False
    rebuild(con, root_s)
    return True


def rebuild(con: sqlite3.Connection, root_s: str) -> None:
    """Index every parseable document again from its file (drops all tombstones).

    FTS5's own ``rebuild`` reads the content view (``schema.read_bodies``): the one
    definition of what a document's full-text row holds.
    """
    live = con.execute("SELECT COUNT(*) FROM docs WHERE parse_ok = 1").fetchone()[0]
    read_bodies(con, root_s)
    with bulk_load(con, live):
        con.execute("INSERT INTO docs_fts(docs_fts) VALUES('rebuild')")
    con.execute("DELETE FROM meta WHERE key='fts_stale'")


def _config(con: sqlite3.Connection, automerge: int, crisismerge: int, hashsize: int) -> None:
    for key, value in (
        ("automerge", automerge),
        ("crisismerge", crisismerge),
        ("hashsize", hashsize),
    ):
        con.execute("INSERT INTO docs_fts(docs_fts, rank) VALUES(?, ?)", (key, value))


@contextlib.contextmanager
def bulk_load(con: sqlite3.Connection, count: int) -> Iterator[None]:
    """Bulk-load settings while ``count`` documents are indexed (when there are many).

    Inside the caller's transaction; the normal merge policy is restored at the end (a
    rolled-back transaction takes the settings back with it). No ``optimize``: merging
    everything into one segment frees the old segments' pages, which a fresh build never
    reuses (the file grew by about a quarter when it was tried).
    """
    if count < BULK_MIN:
        yield
        return
    _config(con, 0, _BULK_CRISISMERGE, _BULK_HASHSIZE)
    try:
        yield
    finally:
        _config(con, _AUTOMERGE, _CRISISMERGE, _HASHSIZE)
