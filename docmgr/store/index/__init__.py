"""The persistent SQLite/FTS5 index of the workspace: the only code that speaks SQL.

The package, one idea per module:

- ``schema``: where the cache file lives, its tables, opening and resetting a connection;
- ``records``: what one row holds (a parsed document, packed metadata, sort keys);
- ``freshness``: what the last refresh saw and the check that nothing changed since;
- ``refresh``: ``Index``, an open index, and its incremental refresh / full build;
- ``queries``: typed reads (documents, tickets, listings, search, facts for reports);
- ``export``: the standalone file ``export-sqlite`` writes;
- ``hooks``: progress and notices for the caller (the library never prints).

This face opens the index, keeps a damaged cache from ever reaching the user (it is
dropped and rebuilt, with one notice), and serves the reads most verbs need.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from docmgr.errors import IndexBusy, IndexDamaged
from docmgr.model import Doc
from docmgr.store.index import queries
from docmgr.store.index.hooks import notice
from docmgr.store.index.queries import DocRow, TicketRow, tickets, trusted_index_docs
from docmgr.store.index.records import key_minute, sort_key, unpack_meta, utc_key
from docmgr.store.index.refresh import Index, RefreshStats
from docmgr.store.index.schema import (
    SCHEMA_VERSION,
    cache_disabled,
    cache_path,
    connect,
    drop_file,
    is_busy,
    prepare,
)
from docmgr.store.workspace import Workspace, scan_docs

if TYPE_CHECKING:
    import sqlite3

__all__ = [
    "DocRow",
    "Index",
    "RefreshStats",
    "SCHEMA_VERSION",
    "TicketRow",
    "cache_disabled",
    "cache_path",
    "doc_listing",
    "index_docs",
    "info",
    "key_minute",
    "load_docs",
    "open_index",
    "rebuild",
    "recovering",
    "refreshed_info",
    "sort_key",
    "tickets",
    "unpack_meta",
    "utc_key",
]

P = ParamSpec("P")
T = TypeVar("T")


def damaged(exc: BaseException) -> bool:
    """True when ``exc`` says the cache file is unusable (any SQLite error but "busy")."""
    if isinstance(exc, IndexDamaged):
        return True
    import sqlite3

    return isinstance(exc, sqlite3.DatabaseError) and not is_busy(exc)


def _discard(path: Path, exc: BaseException) -> None:
    """Delete a damaged cache and say so (once: the caller then builds a new one)."""
    drop_file(path)
    notice(f"Note: the search index {path} was damaged ({exc}); rebuilding it from the files")


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
        con: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            con = connect(path)
            prepare(con, root_s)
            index = Index(ws, con, path)
            index.refresh()
            return index
        except (sqlite3.DatabaseError, OSError, ValueError, EOFError) as exc:
            if con is not None:
                con.close()
            if is_busy(exc):
                if not busy_fallback:
                    raise IndexBusy(str(exc)) from None
                break  # another process holds it for long: never delete a healthy cache
            if attempt == 0:
                if isinstance(exc, sqlite3.DatabaseError) and path.exists():
                    _discard(path, exc)
                else:
                    drop_file(path)
    # last resort: a private in-memory index (slow, but never fatal)
    con = connect(None)
    prepare(con, root_s)
    index = Index(ws, con, None)
    index.refresh()
    return index


def recovering(
    func: Callable[Concatenate[Workspace, P], T],
) -> Callable[Concatenate[Workspace, P], T]:
    """Run a read-only function of a workspace again on a rebuilt index if the cache fails.

    ``open_index`` repairs what it notices while opening; damage that only shows during a
    query (a dropped table, a corrupt page) surfaces as an exception from ``func``: the cache
    is then dropped, a notice given, and ``func`` runs once more (building a new cache).
    ``func`` must be safe to repeat (it reads, or writes only after its reads succeeded).
    """

    @functools.wraps(func)
    def run(ws: Workspace, /, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return func(ws, *args, **kwargs)
        except Exception as exc:
            if cache_disabled(ws) or not damaged(exc):
                raise
            _discard(cache_path(ws), exc)
        return func(ws, *args, **kwargs)

    return run


def _read_or_scan(ws: Workspace, read: Callable[[Index], T], scan: Callable[[], T]) -> T:
    """``read`` on the refreshed index; a damaged cache is rebuilt once; else ``scan``."""
    if cache_disabled(ws):
        return scan()
    for attempt in range(2):
        try:
            with open_index(ws, busy_fallback=False) as index:
                return read(index)
        except IndexBusy:
            break  # a plain scan is cheaper than building a private index
        except Exception as exc:
            if not damaged(exc):
                raise
            if is_busy(exc) or attempt == 1:
                break
            _discard(cache_path(ws), exc)
    return scan()


def load_docs(ws: Workspace) -> list[Doc]:
    """Every document of the workspace, served from the refreshed index (``scan_docs`` order)."""
    return _read_or_scan(ws, queries.all_docs, lambda: scan_docs(ws))


def index_docs(ws: Workspace, *, ticket_id: str = "") -> list[Doc]:
    """Only the parseable ``DocType: index`` documents (what ticket resolution needs), by rel path.

    With ``ticket_id`` (an exact id), unchanged index docs of that ticket are returned from
    the cache without a refresh; otherwise the index is refreshed first.
    """
    if cache_disabled(ws):
        return [d for d in scan_docs(ws) if d.is_index]
    trusted = trusted_index_docs(ws, ticket_id.strip())
    if trusted:
        return trusted
    return _read_or_scan(
        ws, queries.ticket_index_docs, lambda: [d for d in scan_docs(ws) if d.is_index]
    )


@recovering
def ticket_listing(ws: Workspace) -> tuple[list[TicketRow], list[Doc]]:
    """(tickets, unparseable index.md docs) straight from SQL, for ``ticket list``."""
    with open_index(ws, memory=cache_disabled(ws)) as index:
        return queries.tickets(index), queries.broken_index_files(index)


@recovering
def doc_listing(
    ws: Workspace,
    *,
    ticket: str = "",
    status: str = "",
    doc_type: str = "",
    topics: Sequence[str] = (),
) -> tuple[list[DocRow], list[Doc]]:
    """(parseable non-index docs matching the filters, unparseable non-control docs) by rel path."""
    with open_index(ws, memory=cache_disabled(ws)) as index:
        index.trim()
        rows = queries.doc_rows(
            index, ticket=ticket, status=status, doc_type=doc_type, topics=topics
        )
        return rows, queries.broken_docs(index)


def info(index: Index) -> dict[str, Any]:
    """Counts and location of the index (``index info``)."""
    facts = queries.facts(index)
    return {
        "path": str(index.path) if index.path else ":memory:",
        "root": index.root_s,
        "docs": facts.docs,
        "parse_errors": facts.parse_errors,
        "folders": facts.folders,
        "version": SCHEMA_VERSION,
        "size_bytes": index.path.stat().st_size if index.path and index.path.exists() else 0,
        "last_refresh": {
            "parsed": index.last_refresh.parsed,
            "removed": index.last_refresh.removed,
            "rescanned_dirs": index.last_refresh.rescanned_dirs,
            "full": index.last_refresh.full,
        },
    }


@recovering
def refreshed_info(ws: Workspace) -> dict[str, Any]:
    """Refresh the index, then describe it (``index refresh`` and ``index info``)."""
    with open_index(ws) as index:
        return info(index)


def rebuild(ws: Workspace) -> RefreshStats:
    """Throw the cache away and build it again from the files."""
    drop_file(cache_path(ws))
    with open_index(ws) as index:
        return index.last_refresh
