"""Whether the index still matches the files: what the last refresh saw, and the checks.

The rule (like git's index): a file is unchanged when its mtime, size **and** ctime are what
the last refresh stored; a folder when its mtime and ctime are. ctime is set by the kernel on
every change of content or metadata and cannot be set back, so an in-place edit of the same
size that restores the mtime (``os.utime``, ``touch -r``, some editors and sync tools) is
still seen. Stats taken within ``RACY_WINDOW_NS`` of a refresh are not trusted (a change in
the same clock tick keeps the mtime): they are stored as ``RACY`` and checked again.
The cheapest check runs first: ignore files, then folders, then files, stopping at the
first difference.

On a big workspace (``PARALLEL_PART`` entries or more per extra process) the no-change check
is split between this process and forked children, one per spare core (Linux only): each
stats its share of the stored paths and answers through its exit status. ``os.stat``
releases the GIL, but building the results holds it, so threads do not help; git does the
same with threads (``core.preloadIndex``) for the same reason in C.

``RefreshStats`` says what a refresh found and did (for ``index info`` and tests).
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Iterable, Iterator
from itertools import chain, islice

from docmgr.tuples import NamedTuple

RACY = -1  # a stat we do not trust (see mark_racy)


RACY_WINDOW_NS = 1_000_000_000  # coarse file-system clocks; 1 s also covers 1 s-resolution ones


MISSING = (-1, -1, -1)  # the stamp of a path that is not there


DirStamp = tuple[int, int]  # (mtime_ns, ctime_ns)
# a stored piece, decoded, or a share of one: its absolute paths are text[lo:hi], separated
# by NUL (split a batch at a time as they are stat-ed: never a string object per path for a
# whole snapshot), and the parallel mtimes, sizes (None: folders) and ctimes
Piece = tuple[str, int, int, memoryview, memoryview | None, memoryview]
FileStamp = tuple[int, int, int]  # (mtime_ns, size, ctime_ns)
# a file to (re-)parse: rel, mtime_ns, size, ctime_ns, is_control (small tuples: 130k of
# them on big workspaces)
Todo = tuple[str, int, int, int, bool]


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


class RefreshStats:
    """What a refresh did (for ``index info`` and tests).

    A plain class rather than a dataclass: defining one costs ~0.5 ms at import, on the
    path of every warm command.
    """

    __slots__ = ("parsed", "removed", "rescanned_dirs", "full", "mode")

    def __init__(self) -> None:
        self.parsed = 0  # files (re-)parsed
        self.removed = 0  # documents dropped from the index
        self.rescanned_dirs = 0  # folders listed again
        self.full = False  # a full walk was needed
        # what proved the index fresh: "watcher" (a live watcher's stamp, no stat walk),
        # "watcher + own writes" (this process applied its own changes first), or
        # "full check" (every known folder and file stat'ed)
        self.mode = "full check"

    def __repr__(self) -> str:
        return (
            f"RefreshStats(parsed={self.parsed}, removed={self.removed}, "
            f"rescanned_dirs={self.rescanned_dirs}, full={self.full})"
        )


class Snapshot(NamedTuple):
    """What the last refresh saw: folder and file stamps, and the ignore files to watch.

    The dicts are updated in place while a refresh works out the changes. It is stored in
    pieces (``pieces``, ``header``) and read back whole (``load``) or as a ``Flat``.
    """

    dirs: dict[str, DirStamp]
    files: dict[str, FileStamp]
    watch: dict[str, FileStamp]

    @classmethod
    def load(cls, header: bytes, blobs: Iterable[bytes], root_s: str) -> Snapshot:
        """The snapshot stored as ``header`` and its pieces (ValueError if they disagree)."""
        count, watch = marshal.loads(header)
        cut = len(root_s) + 1
        dirs: dict[str, DirStamp] = {}
        files: dict[str, FileStamp] = {}
        seen = 0
        for blob in blobs:
            piece = _decode(blob)
            _text, _lo, _hi, mtimes, sizes, ctimes = piece
            rels = [path[cut:] for path in piece_paths(piece)]
            if sizes is None:
                dirs.update(zip(rels, zip(mtimes, ctimes, strict=True), strict=True))
            else:
                files.update(zip(rels, zip(mtimes, sizes, ctimes, strict=True), strict=True))
            seen += 1
        if seen != count:
            raise ValueError("snapshot pieces missing")
        return cls(dirs, files, dict(watch))


PIECE = 8192  # entries per stored piece: bounded memory for writing, reading and stat'ing


def pieces(snap: Snapshot, root_s: str) -> Iterator[bytes]:
    """The snapshot's folders, then its files, ``PIECE`` entries at a time, serialised.

    Each piece holds absolute paths (the check maps ``os.stat`` over them in C) and parallel
    arrays of their stamps; only one piece is ever built at a time.
    """
    from array import array  # writing only: a reader casts the bytes (``_decode``)

    prefix = root_s + "/"
    for table, is_file in ((snap.dirs, False), (snap.files, True)):
        items = iter(table.items())
        while chunk := list(islice(items, PIECE)):
            stamps = [stamp for _rel, stamp in chunk]
            yield marshal.dumps(
                (
                    "\0".join([prefix + rel for rel, _stamp in chunk]),
                    array("q", [v[0] for v in stamps]).tobytes(),
                    array("q", [v[1] for v in stamps]).tobytes() if is_file else None,
                    array("q", [v[-1] for v in stamps]).tobytes(),
                )
            )


# a snapshot of more pieces than this is read past the memory map (``refresh._flat_row``):
# 20,000 tickets store 24 pieces, 25 MB whose mapped pages would stay in a warm command's RSS
# (search: 88 -> 65 MiB); 2,000 tickets store 3, which the queries after it read as fast mapped
MAPPED_PIECES = 4


def piece_count(head: bytes) -> int:
    """How many pieces the snapshot stored with this header has (ValueError if unreadable)."""
    count = marshal.loads(head)[0]
    if not isinstance(count, int):
        raise ValueError("not a snapshot header")
    return count


def header(snap: Snapshot, count: int) -> bytes:
    """What says a stored snapshot is complete: how many pieces it has, and the watch list."""
    return marshal.dumps((count, snap.watch))


def _decode(blob: bytes) -> Piece:
    """A stored piece: (its NUL-separated absolute paths, 0, their length, mtimes, sizes or
    None for folders, ctimes).

    The stamps are the stored bytes seen as signed 64-bit integers (``memoryview.cast``: no
    copy, and no ``array`` module on the warm path).
    """
    paths, *raws = marshal.loads(blob)
    mtimes, sizes, ctimes = (None if raw is None else memoryview(raw).cast("q") for raw in raws)
    if mtimes is None or ctimes is None or not isinstance(paths, str):
        raise ValueError("not a snapshot piece")
    return paths, 0, len(paths), mtimes, sizes, ctimes


def piece_paths(piece: Piece) -> list[str]:
    """The absolute paths of a piece (or share), all at once."""
    text, lo, hi, *_stamps = piece
    return text[lo:hi].split("\0") if lo < hi else []


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


class Flat(NamedTuple):
    """The stored snapshot in the shape the no-change check reads fastest: its pieces, each
    absolute paths with parallel arrays of stamps (folders first, then files)."""

    pieces: list[Piece]
    watch: dict[str, FileStamp]

    @classmethod
    def load(cls, header: bytes, blobs: Iterable[bytes]) -> Flat:
        """The snapshot stored as ``header`` and its pieces (ValueError if they disagree)."""
        count, watch = marshal.loads(header)
        decoded = [_decode(blob) for blob in blobs]
        if len(decoded) != count:
            raise ValueError("snapshot pieces missing")
        return cls(decoded, watch)

    def unchanged(self, *, workers: int | None = None) -> bool:
        """True when no watched ignore file, known folder or known file changed.

        Stops at the first difference (checked piece by piece, folders before files: a
        folder's stamp changes whenever a file is added, removed or renamed in it).
        ``workers``: how many processes share the stat walk (None: ``stat_workers``).
        """
        for path, value in self.watch.items():
            if path_stamp(path) != value:
                return False
        if workers is None:
            workers = stat_workers(sum(len(piece[3]) for piece in self.pieces))
        if workers < 2:
            return _pieces_unchanged(self.pieces)
        shares = _split(self.pieces, workers)
        return _forked_unchanged(shares[1:], shares[0])

    def folders(self, root_s: str) -> list[str]:
        """Every folder the walk visited (rel paths; '' is the root)."""
        cut = len(root_s) + 1
        return [
            path[cut:] for piece in self.pieces if piece[4] is None for path in piece_paths(piece)
        ]


def streamed_unchanged(
    header: bytes, blobs: Iterator[bytes], *, workers: int | None = None
) -> bool:
    """``Flat.load(header, blobs).unchanged(workers=workers)`` without holding the snapshot.

    For a process that checks once (a command), on a big workspace: the forked children's
    shares (whole pieces, the first ones) are read and handed over at the fork; this
    process's own share, the rest, is read, checked and let go a piece at a time. Raises
    ValueError (or EOFError, TypeError) when the stored pieces cannot be read; pieces fewer
    or more than the header says never read as unchanged.
    """
    count, watch = marshal.loads(header)
    if not isinstance(count, int) or not isinstance(watch, dict):
        raise ValueError("not a snapshot header")
    for path, value in watch.items():
        if path_stamp(path) != value:
            return False
    if workers is None:
        workers = stat_workers(count * PIECE)  # at most PIECE entries a piece
    workers = max(1, min(workers, count))
    per = count // workers  # each child's pieces; this process takes the rest
    shares = [[_decode(blob) for blob in islice(blobs, per)] for _ in range(workers - 1)]
    read = [sum(map(len, shares))]

    def mine() -> Iterator[Piece]:
        for blob in blobs:
            read[0] += 1
            yield _decode(blob)

    same = _forked_unchanged(shares, mine()) if shares else _pieces_unchanged(mine())
    return same and read[0] == count


PARALLEL_PART = 4096  # fewest entries worth a forked process (fork and exit: ~1–2 ms)
MAX_WORKERS = 4
STAT_WORKERS_ENV = "DOCMGR_STAT_WORKERS"  # 1: never fork; 2-4: that many, whatever the size


def stat_workers(entries: int) -> int:
    """How many processes should share a no-change check of ``entries`` paths (1: no fork).

    ``DOCMGR_STAT_WORKERS`` sets the number (``1`` for a sandbox that forbids ``fork``);
    either way only Linux forks, and never a process that runs threads.
    """
    if sys.platform != "linux":
        return 1
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return 1  # never fork a process that runs threads
    wanted = os.environ.get(STAT_WORKERS_ENV, "").strip()
    if wanted.isdigit():
        return max(1, min(int(wanted), MAX_WORKERS, entries))
    if entries < 2 * PARALLEL_PART:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except OSError:
        return 1
    return max(1, min(cores, MAX_WORKERS, entries // PARALLEL_PART))


# characters of paths split and stat-ed at a time (~120 paths): the strings and results of a
# whole piece (thousands) took fresh memory pages, and in a forked worker every page it
# touches is a fault (a copy when the parent's); a batch at a time reuses the same few pages
# (2,000 tickets: ~1,300 fewer faults than splitting whole pieces, ~2,000 fewer than
# stat-ing them whole; 16 KiB rather than 64 KiB: ~75 fewer in a real workspace's warm
# search, ~300 fewer at 2,000 tickets, the same at 20,000)
STAT_BATCH_CHARS = 16_384


def _pieces_unchanged(pieces: Iterable[Piece]) -> bool:
    stat = os.stat
    try:
        for text, lo, hi, mtimes, sizes, ctimes in pieces:
            a = 0  # entries done
            while lo < hi:
                cut = text.find("\0", min(lo + STAT_BATCH_CHARS, hi), hi)
                if cut < 0:
                    cut = hi
                stats = list(map(stat, text[lo:cut].split("\0")))
                b = a + len(stats)
                if [st.st_mtime_ns for st in stats] != mtimes[a:b].tolist():
                    return False
                if sizes is not None and [st.st_size for st in stats] != sizes[a:b].tolist():
                    return False
                if [st.st_ctime_ns for st in stats] != ctimes[a:b].tolist():
                    return False
                a, lo = b, cut + 1
            if a != len(mtimes):  # fewer paths than stamps: not the snapshot it claims
                return False
    except OSError:
        return False
    return True


def _split(pieces: list[Piece], parts: int) -> list[list[Piece]]:
    """The pieces cut into ``parts`` shares of (nearly) equal lengths of path text.

    A share is a view (``text``, ``lo``, ``hi`` and slices of the stamps): nothing is copied.
    """
    shares: list[list[Piece]] = [[] for _ in range(parts)]
    for text, lo, hi, mtimes, sizes, ctimes in pieces:
        start, first = lo, 0  # this share's first character and first entry
        for i, share in enumerate(shares):
            end = -1
            if i < parts - 1:
                end = text.find("\0", max(start, lo + (hi - lo) * (i + 1) // parts), hi)
            if end < 0:  # the last share, or no NUL left: the rest of the text and stamps
                end, stop = hi, len(mtimes)
            else:
                stop = first + text.count("\0", start, end) + 1
            if start < end or first < stop:  # stamps without paths go too: they never match
                cut = sizes[first:stop] if sizes is not None else None
                share.append((text, start, end, mtimes[first:stop], cut, ctimes[first:stop]))
            start, first = end + 1, stop
    return shares


def _forked_unchanged(shares: list[list[Piece]], mine: Iterable[Piece]) -> bool:
    """``_pieces_unchanged`` of ``mine`` here (it may be read as it is checked), of each
    share in a forked child.

    A child runs no Python clean-up (``os._exit``): it inherits the parent's open files and
    SQLite connection and must not touch them. A child still running when the answer is
    known (this process saw a change, or failed) is killed. A share whose answer cannot be
    had is checked here: when a fork fails (a process limit, no memory), or when the exit
    status is lost (a parent that set SIGCHLD to "ignore" makes the kernel reap children
    at once, and ``waitpid`` then fails). Neither ever reads as a changed, let alone a
    damaged, index.
    """
    children: dict[int, list[Piece]] = {}
    try:
        for at, share in enumerate(shares):
            try:
                pid = os.fork()
            except (OSError, RuntimeError):  # RuntimeError: where fork is not allowed
                mine = chain(*shares[at:], mine)
                break
            if pid == 0:  # the child
                code = 2
                try:
                    code = 0 if _pieces_unchanged(share) else 1
                finally:
                    os._exit(code)
            children[pid] = share
        same = _pieces_unchanged(mine)
        while same and children:
            pid, share = children.popitem()
            try:
                _pid, status = os.waitpid(pid, 0)
            except ChildProcessError:  # reaped by the kernel: the answer is lost
                same = _pieces_unchanged(share)
                continue
            same = os.waitstatus_to_exitcode(status) == 0
        return same
    finally:
        for pid in children:  # the answer is known: the rest need not finish
            try:
                os.kill(pid, 9)  # SIGKILL (no import of signal on the warm path)
                os.waitpid(pid, 0)
            except OSError:
                pass
