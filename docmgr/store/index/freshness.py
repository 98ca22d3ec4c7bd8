"""Whether the index still matches the files: what the last refresh saw, and the checks.

The rule (like git's index): a file is unchanged when its mtime, size **and** ctime are what
the last refresh stored; a folder when its mtime and ctime are. ctime is set by the kernel on
every change of content or metadata and cannot be set back, so an in-place edit of the same
size that restores the mtime (``os.utime``, ``touch -r``, some editors and sync tools) is
still seen. Stats taken within ``RACY_WINDOW_NS`` of a refresh are not trusted (a change in
the same clock tick keeps the mtime): they are stored as ``RACY`` and checked again.
The cheapest check runs first: ignore files, then folders, then files, stopping at the
first difference.
"""

from __future__ import annotations

import marshal
import os
from array import array
from typing import NamedTuple

RACY = -1  # a stat we do not trust (see mark_racy)


RACY_WINDOW_NS = 1_000_000_000  # coarse file-system clocks; 1 s also covers 1 s-resolution ones


MISSING = (-1, -1, -1)  # the stamp of a path that is not there


DirStamp = tuple[int, int]  # (mtime_ns, ctime_ns)
FileStamp = tuple[int, int, int]  # (mtime_ns, size, ctime_ns)


def file_stamp(st: os.stat_result) -> FileStamp:
    return (st.st_mtime_ns, st.st_size, st.st_ctime_ns)


def dir_stamp(st: os.stat_result) -> DirStamp:
    return (st.st_mtime_ns, st.st_ctime_ns)


def path_stamp(path: str) -> FileStamp:
    """The stamp of a file by path (``MISSING`` when it cannot be stat'ed)."""
    try:
        return file_stamp(os.stat(path))
    except OSError:
        return MISSING


class Snapshot(NamedTuple):
    """What the last refresh saw: folder and file stamps, and the ignore files to watch.

    The dicts are updated in place while a refresh works out the changes.
    """

    dirs: dict[str, DirStamp]
    files: dict[str, FileStamp]
    watch: dict[str, FileStamp]

    def dump(self) -> bytes:
        # version 2: no reference table (v3+ tracks every object written: ~40 MB more at peak
        # for 130k files), the same size and load time here
        return marshal.dumps((list(self.dirs.items()), list(self.files.items()), self.watch), 2)

    @classmethod
    def load(cls, blob: bytes) -> Snapshot:
        dirs, files, watch = marshal.loads(blob)
        return cls(dict(dirs), dict(files), watch)


def mark_racy(snap: Snapshot, started: int) -> None:
    """Forget stats too close to the scan: a change within the same clock tick keeps the mtime.

    Like git's "racy clean" entries, such folders are rescanned and files re-parsed at the
    next refresh (once they are older than the window they are trusted again).
    """
    limit = started - RACY_WINDOW_NS
    for rel, (mtime, ctime) in snap.dirs.items():
        if mtime >= limit:
            snap.dirs[rel] = (RACY, ctime)
    for rel, (mtime, size, ctime) in snap.files.items():
        if mtime >= limit:
            snap.files[rel] = (RACY, size, ctime)


def changes(
    snap: Snapshot, root_s: str, base_watch: dict[str, FileStamp]
) -> tuple[bool, list[str], list[str]]:
    """(ignore files changed, folders whose stamp changed, files whose stamp changed)."""
    if any(path_stamp(p) != v for p, v in snap.watch.items()) or set(base_watch) - set(snap.watch):
        return True, [], []
    prefix = root_s + "/"
    stat = os.stat
    changed_dirs: list[str] = []
    for rel, stamp in snap.dirs.items():
        try:
            if dir_stamp(stat(prefix + rel if rel else root_s)) != stamp:
                changed_dirs.append(rel)
        except OSError:
            changed_dirs.append(rel)
    changed_files: list[str] = []
    for rel, fstamp in snap.files.items():
        try:
            if file_stamp(stat(prefix + rel)) != fstamp:
                changed_files.append(rel)
        except OSError:
            changed_files.append(rel)
    return False, changed_dirs, changed_files


_CHUNK = 8192  # bounded memory for the stat results of huge workspaces


class Flat(NamedTuple):
    """The snapshot in the shape the no-change check reads fastest: parallel arrays."""

    dirs: list[str]
    dir_mtimes: array[int]
    dir_ctimes: array[int]
    files: list[str]
    file_mtimes: array[int]
    file_sizes: array[int]
    file_ctimes: array[int]
    watch: dict[str, list[int]]

    @staticmethod
    def dump(snap: Snapshot, root_s: str) -> bytes:
        prefix = root_s + "/"  # absolute paths: the check maps os.stat over them in C
        dirs = snap.dirs.values()
        files = snap.files.values()
        return marshal.dumps(
            (
                "\0".join(prefix + rel for rel in snap.dirs),
                array("q", (v[0] for v in dirs)).tobytes(),
                array("q", (v[1] for v in dirs)).tobytes(),
                "\0".join(prefix + rel for rel in snap.files),
                array("q", (v[0] for v in files)).tobytes(),
                array("q", (v[1] for v in files)).tobytes(),
                array("q", (v[2] for v in files)).tobytes(),
                {k: list(v) for k, v in snap.watch.items()},
            )
        )

    @classmethod
    def load(cls, blob: bytes) -> Flat:
        dirs, dmt, dct, files, fmt, fsz, fct, watch = marshal.loads(blob)
        arrays = []
        for raw in (dmt, dct, fmt, fsz, fct):
            values = array("q")
            values.frombytes(raw)
            arrays.append(values)
        return cls(
            dirs.split("\0") if dirs or arrays[0] else [],
            arrays[0],
            arrays[1],
            files.split("\0") if files else [],
            arrays[2],
            arrays[3],
            arrays[4],
            watch,
        )

    def unchanged(self) -> bool:
        """True when no watched ignore file, known folder or known file changed.

        Stops at the first difference (checked chunk by chunk, folders before files: a
        folder's stamp changes whenever a file is added, removed or renamed in it).
        """
        for path, value in self.watch.items():
            if list(path_stamp(path)) != value:
                return False
        stat = os.stat
        try:
            dirs = self.dirs
            for start in range(0, len(dirs), _CHUNK):
                end = start + _CHUNK
                stats = list(map(stat, dirs[start:end]))
                if [st.st_mtime_ns for st in stats] != self.dir_mtimes[start:end].tolist():
                    return False
                if [st.st_ctime_ns for st in stats] != self.dir_ctimes[start:end].tolist():
                    return False
            files = self.files
            for start in range(0, len(files), _CHUNK):
                end = start + _CHUNK
                stats = list(map(stat, files[start:end]))
                if [st.st_mtime_ns for st in stats] != self.file_mtimes[start:end].tolist():
                    return False
                if [st.st_size for st in stats] != self.file_sizes[start:end].tolist():
                    return False
                if [st.st_ctime_ns for st in stats] != self.file_ctimes[start:end].tolist():
                    return False
        except OSError:
            return False
        return True

    def folders(self, root_s: str) -> list[str]:
        """Every folder the walk visited (rel paths; '' is the root)."""
        cut = len(root_s) + 1
        return [path[cut:] for path in self.dirs]
