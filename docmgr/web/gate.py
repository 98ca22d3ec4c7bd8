"""The one confinement gate of the web layer: every path a request names passes here.

Rules (spec §9 ``path_safety``, stricter where the Go tool was loose): empty → 400, NUL →
400, a path that leaves the root (``..``, absolute, or through a symlink) → 403, the root
itself or a folder → 400, missing → 404, anything but a regular file → 400; writes accept
only ``.md`` files and never through a symlink. It maps the library's one path gate,
``seams.paths.confine``, to HTTP status codes."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from docmgr.errors import RequestRefused, UnsafePath
from docmgr.seams import paths


@dataclass(frozen=True, slots=True)
class Confined:
    """A regular file inside the root: its real path, slash path relative to the root, stat."""

    path: Path  # symlinks resolved: what is read or written
    rel: str
    size: int
    mtime_ns: int


def _refuse(status: int, code: str, message: str, raw: str | None = None) -> RequestRefused:
    details: dict[str, object] = {"field": "path"}
    if raw is not None:
        details["value"] = raw
    return RequestRefused(status, code, message, details)


def _inside(root: str, target: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def confine(root: Path, raw: str, *, markdown_only: bool = False) -> Confined:
    """Resolve ``raw`` (relative to ``root``, or absolute inside it) to a regular file."""
    raw = raw.strip()
    if not raw:
        raise _refuse(400, "invalid_argument", "missing path")
    if "\x00" in raw:
        raise _refuse(400, "invalid_argument", "invalid path")
    root_abs = Path(os.path.abspath(root))
    try:
        target = paths.confine(
            root_abs, raw, cwd=root_abs, purpose="write" if markdown_only else "read"
        )
    except UnsafePath:
        raise _refuse(403, "forbidden", "path escapes allowed root") from None
    if target == root_abs:
        raise _refuse(400, "invalid_argument", "path refers to a directory", raw)
    real = os.path.realpath(target)
    if not _inside(os.path.realpath(root_abs), real):
        raise _refuse(403, "forbidden", "path escapes allowed root")
    try:
        info = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        raise _refuse(404, "not_found", "file not found", raw) from None
    except OSError:
        raise _refuse(403, "forbidden", "file cannot be read", raw) from None
    if stat.S_ISDIR(info.st_mode):
        raise _refuse(400, "invalid_argument", "path is a directory", raw)
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(400, "invalid_argument", "path is not a regular file", raw)
    rel = Path(os.path.relpath(target, root_abs)).as_posix()
    if markdown_only and not rel.lower().endswith(".md"):
        raise _refuse(400, "invalid_argument", "path is not a markdown document", raw)
    return Confined(Path(real), rel, info.st_size, info.st_mtime_ns)


def read_limited(found: Confined, limit: int) -> tuple[bytes, bool]:
    """Read at most ``limit`` bytes of a confined file; tell whether it was longer."""
    fd = os.open(found.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    return (data[:limit], True) if len(data) > limit else (data, False)
