"""Parsing a big build's files in a second process while this one stores them.

A first build spends about half its time reading and parsing files (Python) and half in
SQLite (inserting rows, tokenising bodies for full-text search). On a machine with more
than one core, ``parsed_batches`` hands the parsing to a worker process, so the two halves
overlap. The worker sends each file's rows (``rows.Row``: plain tuples), the same rows in
the same order as a parse here: only where the parse runs changes.

The worker is ``python -P -m docmgr.store.index.parse_worker``, a fresh interpreter, never a
fork (a forked child would inherit the open SQLite connection, which SQLite forbids). It
reads the batches from its stdin (written by a thread) and writes each batch's parsed rows
to its stdout. Both ways each message is a length-prefixed ``marshal`` dump: the rows are
strings, numbers, bytes, lists and tuples only, and ``marshal`` writes them in 0.4 x the
time ``pickle`` takes (it reads them back as fast). A pipe holds little, so the
worker runs at most a batch or two ahead of the store: memory stays flat. When the builder
dies, the worker's next read or write fails and it ends too. Starting it costs about a
tenth of a second, so small builds parse in-process; anything that goes wrong with the
worker (it cannot start, it dies, it sends garbage) falls back to parsing here, from the
first batch it did not deliver.

``DOCMGR_INDEX_WORKERS``: ``0`` never starts a worker, ``1`` always does (even for a small
build: the tests use it); unset or anything else decides by size and cores.
"""

from __future__ import annotations

import marshal
import os
import struct
import sys
from collections.abc import Callable, Generator, Iterable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docmgr.store.index.freshness import Todo
    from docmgr.store.index.rows import Row

WORKERS_ENV = "DOCMGR_INDEX_WORKERS"
PARALLEL_MIN = 2000  # files to parse: below this the worker's start-up is not repaid

Rows = list["Row"]  # one per file
Parse = Callable[[list["Todo"]], Rows]
_LENGTH = struct.Struct("<Q")


def use_worker(total: int) -> bool:
    """Whether a build that parses ``total`` files should parse in a worker process."""
    wanted = os.environ.get(WORKERS_ENV, "").strip()
    if wanted in ("0", "1"):
        return wanted == "1"
    if total < PARALLEL_MIN:
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return cores > 1


def parsed_batches(
    root_s: str, batches: Iterable[list[Todo]], parse_here: Parse, *, worker: bool
) -> Generator[Rows, None, None]:
    """Each batch parsed, in order: by a worker process when ``worker``, else (and from the
    first batch the worker fails to deliver) by ``parse_here``."""
    todo = list(batches)
    proc = _start(root_s, todo) if worker and todo else None
    try:
        for batch in todo:
            rows = _receive(proc) if proc is not None else None
            if rows is None:
                _stop(proc)
                proc = None
                rows = parse_here(batch)
            yield rows
    finally:
        _stop(proc)


def _start(root_s: str, todo: list[list[Todo]]) -> Any:
    """The worker process, fed every batch by a thread (None when it cannot start)."""
    import subprocess
    import threading

    try:
        proc = subprocess.Popen(
            [sys.executable, "-P", "-m", __name__],  # -P: not the cwd's modules
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    # from a thread: the worker reads its stdin while this process reads its stdout
    threading.Thread(target=_send, args=(proc.stdin, root_s, todo), daemon=True).start()
    return proc


def _send(pipe: IO[bytes], root_s: str, todo: list[list[Todo]]) -> None:
    """The root, then each batch (the pipe paces this to the worker)."""
    try:
        with pipe:
            _write(pipe, root_s)
            for batch in todo:
                _write(pipe, batch)
    except OSError:  # the worker ended early: the builder sees no rows and parses here
        pass


def _write(pipe: IO[bytes], value: Any) -> None:
    """One message: ``value``'s ``marshal`` dump after its length."""
    blob = marshal.dumps(value)
    pipe.write(_LENGTH.pack(len(blob)))
    pipe.write(blob)
    pipe.flush()


def _read(pipe: IO[bytes]) -> Any:
    """The next message's value (EOFError at the end of the pipe or a message cut short)."""
    head = pipe.read(_LENGTH.size)
    if len(head) != _LENGTH.size:
        raise EOFError
    (length,) = _LENGTH.unpack(head)
    blob = pipe.read(length)
    if len(blob) != length:
        raise EOFError
    return marshal.loads(blob)


def _receive(proc: Any) -> Rows | None:
    """The next batch's rows from the worker (None: it ended or sent something else)."""
    from docmgr.store.index.rows import Row

    try:
        return [Row(*row) for row in _read(proc.stdout)]
    except Exception:  # noqa: BLE001 - whatever went wrong, the builder parses here instead
        return None


def _stop(proc: Any) -> None:
    """End the worker (if any) and reap it."""
    if proc is None:
        return
    proc.kill()
    proc.stdout.close()
    proc.wait()


def _serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The worker: parse each batch it was given, in order, and write its rows."""
    from docmgr.store.index.rows import rows_of

    root_s = _read(stdin)
    while True:
        try:
            batch = _read(stdin)
        except EOFError:
            return  # every batch done
        _write(stdout, [tuple(row) for row in rows_of(root_s, batch)])


if __name__ == "__main__":
    try:
        _serve(sys.stdin.buffer, sys.stdout.buffer)
    except (BrokenPipeError, EOFError, KeyboardInterrupt):
        pass  # the builder ended (or was killed): nothing to do
