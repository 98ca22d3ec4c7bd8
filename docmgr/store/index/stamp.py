"""The watcher's generation stamp: how a command trusts a live watcher instead of the stat walk.

``<cache>.stamp`` holds ``"<pid> <generation>"``; its mtime is a heartbeat, touched by the
watcher (``watch``) at least every ``HEARTBEAT_S`` seconds. A command trusts the watcher
when the stamp exists, its heartbeat is recent, and the pid in it is alive: one ``stat``,
one small read, one ``kill(pid, 0)`` (``live_stamp``). Otherwise it makes the full check.
"""

from __future__ import annotations

import contextlib
import os
import time

from docmgr.tuples import NamedTuple

HEARTBEAT_S = 5.0  # the watcher touches the stamp at least this often
STALE_S = 3 * HEARTBEAT_S  # a stamp older than this is a dead (or frozen) watcher's


Cache = str | os.PathLike[str]  # the index file (``schema.cache_file``)


def _beside(cache: Cache, suffix: str) -> str:
    """The cache's file name with its suffix replaced (``Path.with_suffix``, as a string)."""
    return os.path.splitext(os.fspath(cache))[0] + suffix


def stamp_path(cache: Cache) -> str:
    """The generation stamp of the index at ``cache``."""
    return _beside(cache, ".stamp")


def pid_path(cache: Cache) -> str:
    """The watcher lock / pid file of the index at ``cache``."""
    return _beside(cache, ".watch.pid")


def log_path(cache: Cache) -> str:
    """Where a detached watcher writes its log."""
    return _beside(cache, ".watch.log")


class Stamp(NamedTuple):
    """What the stamp says: the watcher's pid, the generation, and the last heartbeat."""

    pid: int
    generation: int
    mtime: float


def read_stamp(cache: Cache) -> Stamp | None:
    """The stamp of the index at ``cache`` (None when absent or unreadable)."""
    try:
        with open(stamp_path(cache), "rb") as fh:
            mtime = os.fstat(fh.fileno()).st_mtime
            pid_s, gen_s = fh.read(64).decode("ascii").split()[:2]
        return Stamp(int(pid_s), int(gen_s), mtime)
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def pid_alive(pid: int) -> bool:
    """True when a process with this pid exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid > 0


def live_stamp(cache: Cache | None) -> Stamp | None:
    """The stamp when a live watcher keeps this index (else None: do the full check)."""
    if cache is None:
        return None
    stamp = read_stamp(cache)
    if stamp is None or time.time() - stamp.mtime > STALE_S or not pid_alive(stamp.pid):
        return None
    return stamp


def write_stamp(cache: Cache, pid: int, generation: int) -> None:
    """Replace the stamp atomically (readers see the old or the new one)."""
    target = stamp_path(cache)
    tmp = f"{target}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="ascii") as handle:
        handle.write(f"{pid} {generation}\n")
    os.replace(tmp, target)


def bump_stamp(cache: Cache, generation: int) -> None:
    """After docmgr's own writes were applied: move a live watcher's stamp to ``generation``."""
    stamp = read_stamp(cache)
    if stamp is not None and generation > stamp.generation:
        with contextlib.suppress(OSError):
            write_stamp(cache, stamp.pid, generation)


def drop_stamp(cache: Cache) -> None:
    """Remove the stamp: every reader makes the full check until the watcher writes it again."""
    with contextlib.suppress(OSError):
        os.unlink(stamp_path(cache))
