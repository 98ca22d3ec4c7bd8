"""The change feed: a long-lived watcher that keeps the index true, and how commands trust it.

Without a watcher every command proves the index fresh by stat-ing every known folder and
file (``Flat.unchanged``). ``docmgr index watch`` runs a watcher instead: it holds the
watcher lock (``<cache>.watch.pid``, flocked, holding its pid), applies every batch of file
events to the index through the same refresh code, and keeps the generation stamp
``<cache>.stamp`` (``"<pid> <generation>"``) current. The stamp's mtime is a heartbeat:
the watcher touches it at least every ``HEARTBEAT_S`` seconds.

A command trusts the watcher (no stat walk) when the stamp exists, its heartbeat is recent,
and the pid in it is alive: one ``stat``, one small read, one ``kill(pid, 0)``. Otherwise it
falls back to the full check. A command that itself changed files (``fsio.touched``) applies
exactly those paths to the index and bumps the stamp before it answers, so its own writes
never wait for the watcher.

watchfiles (inotify on Linux, FSEvents on macOS) is imported only in ``run``.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator

from docmgr.errors import WatcherRunning
from docmgr.tuples import NamedTuple

HEARTBEAT_S = 5.0  # the watcher touches the stamp at least this often
STALE_S = 3 * HEARTBEAT_S  # a stamp older than this is a dead (or frozen) watcher's
DEBOUNCE_MS = 30  # events are grouped this long before a batch is applied


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


@contextlib.contextmanager
def watcher_lock(cache: Cache) -> Iterator[int]:
    """Hold the watcher lock of this index for the life of the watcher (refuse a second one)."""
    import fcntl  # the watcher's and ``index info``'s: warm commands read only the stamp

    path = pid_path(cache)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.read(fd, 32).decode("ascii", "replace").strip()
            raise WatcherRunning(
                f"a watcher already keeps this index (pid {other or '?'}, {path})",
                "stop it first (kill that pid), or check it with: docmgr index info",
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        drop_stamp(cache)  # a killed watcher's: never trust it
        try:
            yield os.getpid()
        finally:
            drop_stamp(cache)
            with contextlib.suppress(OSError):
                os.unlink(path)
    finally:
        os.close(fd)


def watcher_held(cache: Cache) -> bool:
    """True when some process holds the watcher lock of this index."""
    import fcntl

    try:
        fd = os.open(pid_path(cache), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def rel_paths(root_s: str, changed: set[str]) -> list[str]:
    """The slash paths under the docs root among ``changed`` absolute paths ('' = the root)."""
    prefix = root_s + os.sep
    out = []
    for path in changed:
        if path == root_s:
            out.append("")
        elif path.startswith(prefix):
            out.append(path[len(prefix) :].replace(os.sep, "/"))
    return sorted(set(out))


def run(
    root: str | os.PathLike[str],
    apply: Callable[[list[str]], None],
    heartbeat: Callable[[], None],
    *,
    ready: Callable[[], None],
    debounce_ms: int = DEBOUNCE_MS,
) -> None:
    """Watch ``root`` until SIGTERM/SIGINT: each batch of events goes to ``apply`` (rel paths).

    ``ready`` runs once the OS watch is in place (it should catch up with a full refresh:
    from then on no change is missed); ``heartbeat`` runs at least every ``HEARTBEAT_S``.
    """
    import signal
    import threading

    import watchfiles

    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    root_s = os.path.abspath(root)
    is_ready = False
    beat = time.monotonic()
    for changes in watchfiles.watch(
        root_s,
        watch_filter=None,
        debounce=debounce_ms,
        step=10,
        stop_event=stop,
        rust_timeout=_WAKE_MS,
        yield_on_timeout=True,
        raise_interrupt=False,
    ):
        if stop.is_set():
            break
        if not is_ready:  # the OS watch exists once watch() yields for the first time
            is_ready = True
            ready()
            beat = time.monotonic()
            continue
        rels = rel_paths(root_s, {path for _change, path in changes})
        if rels:
            apply(rels)
            beat = time.monotonic()
        elif time.monotonic() - beat >= HEARTBEAT_S:
            heartbeat()
            beat = time.monotonic()


_WAKE_MS = 500  # how long one wait for events lasts (the first one ends the start-up)
