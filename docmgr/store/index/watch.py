"""The change feed: a long-lived watcher that keeps the index true (``docmgr index watch``).

Without a watcher every command proves the index fresh by stat-ing every known folder and
file (``Flat.unchanged``). A watcher holds the watcher lock (``<cache>.watch.pid``, flocked,
holding its pid), applies every batch of file events to the index through the same refresh
code, and keeps the generation stamp current (``stamp``: how commands trust it). A command
that itself changed files (``seams.touched``) applies exactly those paths to the index and
bumps the stamp before it answers, so its own writes never wait for the watcher.

watchfiles (inotify on Linux, FSEvents on macOS) is imported only in ``run``; this module
only where a watcher starts or is asked about, never on a warm command's path.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator

from docmgr.errors import WatcherRunning
from docmgr.store.index.stamp import HEARTBEAT_S, Cache, drop_stamp, pid_path

DEBOUNCE_MS = 30  # events are grouped this long before a batch is applied


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
