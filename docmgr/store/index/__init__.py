"""The persistent SQLite/FTS5 index of the workspace: the only code that speaks SQL.

The package, one idea per module:

- ``schema``: where the cache file lives, its tables, opening and resetting a connection;
- ``records``: what one row holds (a parsed document, packed metadata, sort keys);
- ``freshness``: what the last refresh saw and the check that nothing changed since;
- ``handle``: ``Index``, an open index, and its no-change check (all a warm command loads);
- ``refresh``: its writing half, loaded on a change: incremental refresh, the first build's
  writes (``build``);
- ``stamp`` / ``watch``: the watcher's generation stamp (what commands read) / the watcher;
- ``queries``: typed reads (documents, tickets, listings, search, facts for reports);
- ``export``: the standalone file ``export-sqlite`` writes;
- ``hooks``: progress and notices for the caller (the library never prints).

This face opens the index, keeps a damaged cache from ever reaching the user (it is
dropped and rebuilt, with one notice), and serves the reads most verbs need.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from docmgr.errors import DocmgrError, IndexBusy, IndexDamaged, WatcherRunning
from docmgr.model import Doc
from docmgr.seams import touched
from docmgr.store.index import queries
from docmgr.store.index.freshness import RefreshStats
from docmgr.store.index.handle import Index
from docmgr.store.index.hooks import notice
from docmgr.store.index.queries import DocRow, TicketRow, tickets, trusted_index_docs
from docmgr.store.index.records import key_minute, sort_key, unpack_meta, utc_key
from docmgr.store.index.schema import (
    SCHEMA_VERSION,
    cache_disabled,
    cache_file,
    cache_path,
    connect,
    drop_file,
    is_busy,
    prepare,
)
from docmgr.store.index.stamp import (
    drop_stamp,
    live_stamp,
    log_path,
    pid_path,
    read_stamp,
    stamp_path,
    write_stamp,
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
    "cache_file",
    "cache_path",
    "doc_listing",
    "index_docs",
    "info",
    "key_minute",
    "load_docs",
    "open_index",
    "rebuild",
    "sync_own_writes",
    "recovering",
    "refreshed_info",
    "sort_key",
    "tickets",
    "unpack_meta",
    "utc_key",
    "watch",
    "watch_detached",
]

P = ParamSpec("P")
T = TypeVar("T")


def damaged(exc: BaseException) -> bool:
    """True when ``exc`` says the cache file is unusable (any SQLite error but "busy")."""
    if isinstance(exc, IndexDamaged):
        return True
    import sqlite3

    return isinstance(exc, sqlite3.DatabaseError) and not is_busy(exc)


def _discard(path: str, exc: BaseException) -> None:
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

    root_s = os.path.abspath(ws.require_root_str())
    path = cache_file(ws)
    for attempt in range(0 if memory else 2):
        con: sqlite3.Connection | None = None
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
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
                if isinstance(exc, sqlite3.DatabaseError) and os.path.exists(path):
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
            _discard(cache_file(ws), exc)
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
            _discard(cache_file(ws), exc)
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
def ticket_listing(
    ws: Workspace, *, ticket: str = "", status: str = ""
) -> tuple[list[TicketRow], list[Doc]]:
    """(tickets, unparseable index.md docs) straight from SQL, for ``ticket list``: the
    tickets with this exact id and status (when given), most recently updated first."""
    with open_index(ws, memory=cache_disabled(ws)) as index:
        found, broken = queries.tickets(index), queries.broken_index_files(index)
    found = [
        t for t in found if (not ticket or t.id == ticket) and (not status or t.status == status)
    ]
    found.sort(key=lambda t: t.last_updated, reverse=True)
    return found, broken


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
        if index.large():  # every row is read once (20,000 tickets: 138 -> 121 MiB peak)
            index.read_through()
        rows = queries.doc_rows(
            index, ticket=ticket, status=status, doc_type=doc_type, topics=topics
        )
        return rows, queries.broken_docs(index)


def _watcher_info(index: Index) -> dict[str, Any]:
    """Whether a watcher keeps this index, and how fresh its stamp is."""
    if index.path_s is None:
        return {"alive": False, "pid": None, "generation": None, "heartbeat_age_s": None}
    stamp = index.stamp or read_stamp(index.path_s)
    alive = index.stamp is not None
    return {
        "alive": alive,
        "pid": stamp.pid if stamp else None,
        "generation": stamp.generation if stamp else None,
        "heartbeat_age_s": round(time.time() - stamp.mtime, 3) if stamp else None,
        "pid_file": pid_path(index.path_s),
        "stamp_file": stamp_path(index.path_s),
    }


def info(index: Index) -> dict[str, Any]:
    """Counts and location of the index (``index info``).

    ``mode`` says what proved the answer fresh: ``watcher`` (a live watcher's stamp, as of
    its last batch or heartbeat; ``watcher.heartbeat_age_s``), ``watcher + own writes``, or
    ``full check`` (every known folder and file stat'ed just now).
    """
    facts = queries.facts(index)
    return {
        "path": index.path_s or ":memory:",
        "root": index.root_s,
        "docs": facts.docs,
        "parse_errors": facts.parse_errors,
        "folders": facts.folders,
        "version": SCHEMA_VERSION,
        "size_bytes": _size(index.path_s),
        "last_refresh": {
            "parsed": index.last_refresh.parsed,
            "removed": index.last_refresh.removed,
            "rescanned_dirs": index.last_refresh.rescanned_dirs,
            "full": index.last_refresh.full,
        },
        "mode": index.last_refresh.mode,
        "generation": index.generation(),
        "watcher": _watcher_info(index),
    }


def _size(path: str | None) -> int:
    try:
        return os.stat(path).st_size if path else 0
    except OSError:
        return 0


@recovering
def refreshed_info(ws: Workspace) -> dict[str, Any]:
    """Refresh the index, then describe it (``index refresh`` and ``index info``)."""
    with open_index(ws) as index:
        return info(index)


def rebuild(ws: Workspace) -> RefreshStats:
    """Throw the cache away and build it again from the files.

    Waits for a build under way in another process first (never deletes its file under it).
    """
    from docmgr.store.index.build import build_lock

    path = cache_path(ws)
    os.makedirs(path.parent, exist_ok=True)
    with build_lock(path):
        drop_file(path)
    with open_index(ws) as index:
        return index.last_refresh


def sync_own_writes(ws: Workspace) -> None:
    """Apply this process's own file changes to the index now when a live watcher keeps it.

    Other processes trust the watcher's stamp; without this they could answer from the index
    before the watcher has seen our writes. A no-op (no cost) when no watcher runs: the next
    command's full check sees the changes. Never fails the command (the index is a cache):
    when the changes cannot be applied (the index stayed locked, say), the stamp is dropped,
    so that readers make the full check until the watcher's next batch or heartbeat, and a
    notice says so.
    """
    if not touched.paths or cache_disabled(ws):
        return
    path = cache_file(ws)
    if live_stamp(path) is None:
        return
    problem = ""
    try:
        with open_index(ws, busy_fallback=False) as index:
            if index.path_s is None:  # the cache could not be opened: a private copy answered
                problem = "the cache could not be opened"
    except Exception as exc:  # noqa: BLE001 - a cache problem must not fail a write that succeeded
        problem = str(exc) or type(exc).__name__
    if problem:
        touched.paths.clear()
        drop_stamp(path)
        notice(
            f"Note: this command's changes are not in the search index yet ({problem});"
            " the next command checks every file instead of trusting the watcher"
        )


def watch(
    ws: Workspace,
    *,
    on_ready: Callable[[int], None],
    on_batch: Callable[[list[str], int], None] | None = None,
) -> None:
    """Keep the index true as files change, until SIGTERM/SIGINT (``docmgr index watch``).

    Refuses to start when another watcher keeps this index (WatcherRunning). ``on_ready``
    gets the generation once the watch is in place and the index caught up; ``on_batch``
    the rel paths of each batch applied and the new generation.
    """
    if cache_disabled(ws):
        raise DocmgrError(
            "DOCMGR_NO_CACHE is set: there is no index to watch", "unset DOCMGR_NO_CACHE"
        )
    from docmgr.store.index.watch import run as run_watch
    from docmgr.store.index.watch import watcher_lock

    path = cache_file(ws)
    with watcher_lock(path) as pid, open_index(ws, busy_fallback=False) as index:
        index.stat_workers = 1  # the watcher runs threads: it never forks a stat worker

        def ready() -> None:
            index.refresh()  # catch up with what changed before the OS watch existed
            write_stamp(path, pid, index.generation())
            on_ready(index.generation())

        def apply(rels: list[str]) -> None:
            index.apply_paths(rels)
            write_stamp(path, pid, index.generation())
            if on_batch is not None:
                on_batch(rels, index.generation())

        def heartbeat() -> None:
            write_stamp(path, pid, index.generation())

        run_watch(index.root_s, apply, heartbeat, ready=ready)


DETACH_WAIT_S = 60.0  # how long ``--detach`` waits for the watcher's first stamp


def watch_detached(ws: Workspace) -> tuple[int, str]:
    """Start ``docmgr index watch`` in the background (its own session); return (pid, log).

    The watcher writes its pid file and log under the cache folder; this waits (bounded)
    until its stamp shows it is live, and refuses when a watcher already keeps the index.
    """
    import subprocess

    from docmgr.store.index.watch import watcher_held

    path = cache_file(ws)
    if watcher_held(path):
        with open(pid_path(path), encoding="ascii", errors="replace") as handle:
            other = handle.read().strip()
        raise WatcherRunning(
            f"a watcher already keeps this index (pid {other or '?'}, {pid_path(path)})",
            "stop it first (kill that pid), or check it with: docmgr index info",
        )
    os.makedirs(os.path.dirname(path), exist_ok=True)
    log = log_path(path)
    env = dict(ws.env) if ws.env is not None else None
    argv = [sys.executable, "-m", "docmgr", "index", "watch", "--root", ws.root_str]
    with open(log, "ab") as out:
        child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    deadline = time.monotonic() + DETACH_WAIT_S
    while time.monotonic() < deadline:
        stamp = read_stamp(path)
        if stamp is not None and stamp.pid == child.pid:
            return child.pid, log
        if child.poll() is not None:
            with open(log, encoding="utf-8", errors="replace") as handle:
                tail = handle.read().strip().splitlines()
            raise WatcherRunning(
                f"the watcher exited at start: {tail[-1] if tail else child.returncode}",
                f"see its log {log}",
            )
        time.sleep(0.05)  # bounded poll on a condition (the stamp), not a synchronisation
    return child.pid, log
