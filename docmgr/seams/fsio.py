"""Safe file I/O: atomic replace-writes, per-folder locks, and exact (newline-keeping) reads."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from docmgr.errors import DocmgrError, LockTimeout, SymlinkWrite
from docmgr.seams import touched

LOCK_TIMEOUT_SECONDS = 60.0


_TMP_MARK = ".docmgr-tmp-"


# Test hook: DOCMGR_FAULT_INJECT=before-replace makes a writer die after its temp file is
# written and fsynced but before os.replace, so crash safety can be tested without sleeps.
_FAULT_ENV = "DOCMGR_FAULT_INJECT"


_held: dict[str, tuple[int, int]] = {}  # folder -> (fd, depth): locks are re-entrant per process


def read_text(path: Path) -> str:
    """Read a UTF-8 file keeping its newlines exactly as stored."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise DocmgrError(
            f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})",
            "convert the file to UTF-8 before editing it with docmgr",
        ) from None


def atomic_write(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data``: temp file in the same folder, fsync, ``os.replace``.

    Readers see the old or the new file, never a mix; a temp file left by a writer that
    died is removed by the next successful write of the same file. A symlink is refused:
    ``os.replace`` would silently turn it into a regular file and leave its target stale.
    """
    refuse_symlink(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent
    tmp = folder / f".{path.name}{_TMP_MARK}{os.getpid()}-{os.urandom(4).hex()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        try:
            with contextlib.suppress(FileNotFoundError):
                os.fchmod(fd, os.stat(path).st_mode & 0o7777)
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if os.environ.get(_FAULT_ENV) == "before-replace":
            os._exit(70)
        os.replace(tmp, path)
        touched.note(path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)
    _remove_stale_temps(path)


def refuse_symlink(path: Path) -> None:
    """Raise SymlinkWrite when ``path`` is a symlink (writes replace files, never links)."""
    if os.path.islink(path):
        raise SymlinkWrite(
            f"{path} is a symlink (to {os.readlink(path)}); docmgr does not write through links"
        )


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _remove_stale_temps(path: Path) -> None:
    prefix = f".{path.name}{_TMP_MARK}"
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if not name.startswith(prefix):
            continue
        pid_text = name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and pid_alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(path.parent / name)


def pid_alive(pid: int) -> bool:
    """True when another process with this pid exists (never this process: its own
    leftovers are not a live owner's)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def folder_lock(folder: Path, *, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (flock on the directory itself; no lock files).

    Locking the folder rather than the file matters: ``atomic_write`` swaps the file's
    inode, so a lock on the old inode would not exclude a writer that opened the new one.
    """
    key = os.path.abspath(folder)
    if key in _held:
        fd, depth = _held[key]
        _held[key] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _held[key]
            _held[key] = (fd, depth - 1)
        return
    fd = os.open(key, os.O_RDONLY)
    try:
        _acquire(fd, key, timeout)
        _held[key] = (fd, 1)
        try:
            yield
        finally:
            del _held[key]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, key: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
        if time.monotonic() >= deadline:
            raise LockTimeout(f"timed out after {timeout:.0f}s waiting for the lock on {key}")
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


@contextlib.contextmanager
def file_lock(path: Path, *, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Lock the folder holding ``path`` for a read-modify-write of that file."""
    with folder_lock(path.parent, timeout=timeout):
        yield


def update_file(path: Path, change: Callable[[str], str | None]) -> str | None:
    """Under the file's lock, re-read ``path``, apply ``change`` and write the result atomically.

    ``change`` returns the new text, or None to leave the file untouched. Returns what was
    written (or None).
    """
    refuse_symlink(path)
    with file_lock(path):
        current = read_text(path)
        updated = change(current)
        if updated is not None and updated != current:
            atomic_write(path, updated)
        return updated
