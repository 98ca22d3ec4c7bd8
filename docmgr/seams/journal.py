"""All-or-nothing multi-file operations that survive ``kill -9``: a redo/undo journal.

Why: a ticket rename rewrites ``Ticket:`` in every document *and* renames the ticket folder;
a doc move rewrites references in other documents; renumbering renames many files. If the
process dies half way, the workspace is left inconsistent. Every such operation stages its
changes in a :class:`Transaction`; nothing touches the targets until the commit point, and
the next docmgr command calls :func:`recover`, which finishes (rolls forward) a committed
operation or discards an uncommitted one.

Use::

    with Transaction(ws.root, f"ticket rename {old} -> {new}") as tx:
        for doc in docs:
            tx.write(doc.path, rewritten(doc))     # paths as they are at this point
        tx.rename(old_folder, new_folder)          # later ops see the renamed folder
        tx.write(new_folder / "changelog.md", tx.read_text(new_folder / "changelog.md") + entry)
    # clean exit = commit; an exception in the block = nothing changed

Staging (``write``, ``rename``, ``mkdir``, ``remove``, ``rmdir``) validates each operation
against a *virtual view* of the tree: the disk as it is, with the operations staged so far
applied. So ops may be staged in any order that makes sense (rewrite a file, then rename its
folder, or rename the folder and then rewrite the file under its new path), a rename must
have an existing source and an absent destination, and ``read_bytes``/``read_text``/
``exists`` show what earlier ops will have produced. Each file that will be overwritten or
removed gets a pre-image (its bytes and mode, or "absent") so the operation can be undone.

On disk, ``<root>/.docmgr-journal/<txid>/`` (``txid`` = ``<UTC time>-<pid>-<random>``)::

    manifest.json  {"format": 1, "txid", "label", "pid", "created", "state", "ops": [...]}
    data           every new content and pre-image, appended; ops refer to [offset, length]
    progress       append-only lines "a N" (op N applied) and "u N" (op N undone)
    .gitignore     "*": git ignores the journal (and this file), so a journal left behind
                   by a killed process never shows in ``git status``

``state`` is ``staging`` (written when the transaction opens, ops empty), ``committed``
(the commit point: written atomically with fsync after ``data`` and the folder are fsynced)
or ``rolling-back`` (with ``undo``: how many ops to undo, and ``error``). Ops, in order, with
root-relative POSIX paths::

    {"op": "write",  "path": p, "data": [o, n], "pre": [o, n] | null, "mode": m | null}
    {"op": "remove", "path": p, "pre": [o, n], "mode": m}
    {"op": "rename", "path": src, "to": dst}
    {"op": "mkdir",  "path": p}
    {"op": "rmdir",  "path": p, "mode": m | null}

``pre: null`` means the file did not exist. One ``data`` file instead of a file per blob:
staging costs one fsync in total rather than one per blob and pre-image, and no journal file
name ends in ``.md`` (nothing in the journal is a document to docmgr's walk).

After the commit point the ops are applied in order, each durably (``fsio.atomic_write``,
then an fsync of every folder a rename/mkdir/rmdir/unlink changed) and then recorded in
``progress`` (fdatasync). Each op is idempotent with respect to itself (a rename whose
source is gone and destination present is done; mkdir of an existing folder, rmdir/unlink of
a missing one are done), so a crash between applying op N and recording it is harmless:
recovery resumes at the first op not recorded. Ops are *not* re-run from the start, because
earlier ops need not be idempotent once later ones ran (rewriting ``A/x`` after ``A`` was
renamed to ``B`` would fail). When all ops are applied the journal folder is renamed to
``<txid>.trash`` (one atomic step: it is no longer a journal) and deleted.

If an op fails (EACCES, EFBIG, ENOSPC, ...), the manifest becomes ``rolling-back`` and the
ops already applied are undone in reverse order from the pre-images (each undo idempotent and
recorded as ``u N``), the journal is deleted and a :class:`DocmgrError` names the operation,
the file and the cause. If undoing fails too, the journal is kept (``rolling-back``) and the
error says so: the next docmgr command retries the rollback.

Locking: the transaction holds ``fsio.folder_lock`` (an ``flock``) on its own journal folder
from creation to deletion. ``recover`` only touches a journal whose lock it can take without
waiting, so a running transaction in another process is never recovered, two processes never
recover the same journal, and a process killed with ``-9`` releases its lock with its file
descriptors. A journal folder without a manifest (its creator died between ``mkdir`` and
taking the lock) is removed only when the pid in its name is not alive.

An interrupt (``KeyboardInterrupt``) while applying is treated like ``kill -9``: the
journal is left committed and the next ``recover`` finishes it.

Guarantees: after ``recover``, every operation is either wholly applied or wholly absent,
whether the process raised, was killed or the machine lost power (ops and journal records
are fsynced in order, on a local file system). When neither finishing nor undoing is
possible, ``recover`` raises :class:`JournalStuck` and keeps the journal for the next try.
``recover`` is cheap when there is nothing to do: one failed ``scandir``.
Limits:

* Isolation is not provided: another process can see the tree half-way through an
  operation while it is being applied, and a file changed by someone else between
  ``commit()`` and the apply step is overwritten (and restored to its pre-image by a
  rollback). Every path staging looked at (files, folders, names found absent) is
  re-checked at commit (type, inode, and for files size and mtime), so a concurrent change
  *during staging* makes the commit fail with nothing changed; an edit that keeps inode,
  size and mtime (same clock tick) goes unnoticed (docmgr's own writes replace the inode, so
  they are always seen). Callers should still hold the locks an operation needs for its
  whole duration.
* A crash followed by a user editing the half-updated files by hand before the next docmgr
  command: the roll forward (or rollback) overwrites those edits.
* Symlinks are refused as targets and as folders on the way to a target; a case-only
  rename on a case-insensitive file system is refused (the destination "exists").
* Not thread-safe; one ``Transaction`` per thread of control. ``flock`` on network file
  systems is not relied on to work.
* Cost per op applied: the op's own fsyncs (file + folder) plus one fdatasync of
  ``progress``; per transaction: about four more fsyncs.

Fault injection (tests only), like ``fsio``: ``DOCMGR_FAULT_INJECT`` =

* ``txn-before-commit``: exit after staging, just before the commit point;
* ``txn-after-op:N``: exit as soon as N ops are applied (N=0: right after the commit point),
  before the Nth op is recorded in ``progress``;
* ``txn-after-undo:N``: during a rollback, exit as soon as only N ops remain applied;
* ``txn-before-cleanup``: exit after every op is applied and recorded.

Each exits with ``os._exit(70)``: no ``finally``, no ``atexit``, like ``kill -9``.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import json
import os
import shutil
import stat
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Literal, cast

from docmgr.errors import DocmgrError, JournalStuck, LockTimeout
from docmgr.model import JOURNAL_DIR
from docmgr.seams.fsio import atomic_write, folder_lock, fsync_dir, pid_alive
from docmgr.seams.touched import note as note_touched

FORMAT = 1
_MANIFEST = "manifest.json"
_DATA = "data"
_PROGRESS = "progress"
_GITIGNORE = ".gitignore"
_TRASH = ".trash"
_FAULT_ENV = "DOCMGR_FAULT_INJECT"
_RETRY_HINT = "fix the cause (permissions, disk space, a file in the way) and run it again"

_live: set[str] = set()  # journal folders of this process's open transactions: never recovered

Kind = Literal["write", "rename", "mkdir", "rmdir", "remove"]
_KINDS: frozenset[str] = frozenset({"write", "rename", "mkdir", "rmdir", "remove"})
Span = tuple[int, int]  # (offset, length) in the journal's data file


@dataclass(frozen=True, slots=True)
class _Op:
    """One staged step. ``path`` is root-relative POSIX (the source for a rename)."""

    kind: Kind
    path: str
    to: str = ""  # rename destination
    data: Span | None = None  # write: new content
    pre: Span | None = None  # write/remove: the bytes before this op (None: absent)
    mode: int | None = None  # write/remove: the file's mode before; rmdir: the folder's

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"op": self.kind, "path": self.path}
        if self.kind == "rename":
            out["to"] = self.to
        if self.kind == "write":
            out["data"] = list(self.data or (0, 0))
        if self.kind in ("write", "remove"):
            out["pre"] = None if self.pre is None else list(self.pre)
        if self.kind in ("write", "remove", "rmdir"):
            out["mode"] = self.mode
        return out

    @classmethod
    def from_json(cls, raw: object) -> _Op:
        if not isinstance(raw, dict):
            raise ValueError("op is not an object")
        kind = raw.get("op")
        path = raw.get("path")
        to = raw.get("to", "")
        mode = raw.get("mode")
        if (
            kind not in _KINDS
            or not _plain_rel(path)
            or not isinstance(to, str)
            or (to and not _plain_rel(to))
            or (mode is not None and not isinstance(mode, int))
        ):
            raise ValueError(f"bad op {raw!r}")
        assert isinstance(path, str)
        if kind == "rename" and not to:
            raise ValueError(f"rename without destination: {raw!r}")
        data = _span(raw.get("data"))
        if kind == "write" and data is None:
            raise ValueError(f"write without data: {raw!r}")
        pre = _span(raw.get("pre"))
        if kind == "remove" and pre is None:
            raise ValueError(f"remove without pre-image: {raw!r}")
        return cls(cast(Kind, kind), path, to, data, pre, mode)


def _plain_rel(path: object) -> bool:
    """A manifest path must be root-relative and plain (no ``..``), never into the journal."""
    if not isinstance(path, str) or not path or path.startswith("/"):
        return False
    parts = path.split("/")
    return parts[0] != JOURNAL_DIR and all(p not in ("", ".", "..") for p in parts)


def _span(raw: object) -> Span | None:
    if raw is None:
        return None
    if isinstance(raw, list) and len(raw) == 2 and all(isinstance(v, int) and v >= 0 for v in raw):
        return (raw[0], raw[1])
    raise ValueError(f"bad data reference {raw!r}")


@dataclass(frozen=True, slots=True)
class _Origin:
    """Where the virtual node at a path comes from: a disk path, a staged blob, a new folder."""

    kind: Literal["disk", "blob", "newdir", "absent"]
    rel: str = ""  # disk: the path on disk now
    op: int = -1  # blob: index of the write op


_ABSENT = _Origin("absent")
_NEWDIR = _Origin("newdir")


def _fault(point: str) -> None:
    if os.environ.get(_FAULT_ENV) == point:
        os._exit(70)


def _within(path: str, top: str) -> bool:
    return path == top or path.startswith(top + "/")


def _parent(rel: str) -> str:
    return rel.rpartition("/")[0]


def _lineage(rel: str) -> list[str]:
    """``a/b/c`` -> ``[a, a/b, a/b/c]``."""
    parts = rel.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _cause(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class Transaction:
    """Stage several file changes, then apply them all or none (see the module docstring).

    ``root`` is the docs root; every path must lie inside it (relative paths are taken as
    relative to ``root``). ``label`` names the operation in errors and recovery messages,
    e.g. ``"ticket rename VM-1 -> VM-2"``. Use it as a context manager: a clean exit
    commits, an exception discards. Call :meth:`commit` to commit earlier, or
    :meth:`abort` to discard without raising.
    """

    def __init__(self, root: Path, label: str) -> None:
        self.root = Path(os.path.abspath(root))
        self.label = label
        self._real_root = os.path.realpath(self.root)
        self._ops: list[_Op] = []
        self._touch: dict[str, list[int]] = {}  # path -> indices of ops naming it
        self._seen: dict[str, tuple[int, ...]] = {}  # disk rel -> lstat signature at staging
        self._pre_cache: dict[str, tuple[Span, int]] = {}
        self._state: Literal["new", "staging", "done"] = "new"
        self._stack = ExitStack()
        self._txdir = Path()
        self._data_fd = -1
        self._size = 0
        self._created = ""

    # -- lifecycle ----------------------------------------------------------------------

    def __enter__(self) -> Transaction:
        if self._state != "new":
            raise RuntimeError("a Transaction can be entered once")
        if not self.root.is_dir():
            raise DocmgrError(f"root directory does not exist: {self.root}")
        now = datetime.now(UTC)
        self._created = now.isoformat(timespec="seconds")
        stamp = now.strftime("%Y%m%dT%H%M%S")
        txid = f"{stamp}-{os.getpid()}-{os.urandom(4).hex()}"
        journal = self.root / JOURNAL_DIR
        try:
            self._txdir = _make_txdir(self.root, journal, txid)
            self._stack.enter_context(folder_lock(self._txdir))
            _live.add(str(self._txdir))
            self._stack.callback(_live.discard, str(self._txdir))
            fsync_dir(journal)
            _write_gitignore(self._txdir)
            flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_APPEND
            self._data_fd = os.open(self._txdir / _DATA, flags, 0o600)
            self._stack.callback(os.close, self._data_fd)
            os.close(os.open(self._txdir / _PROGRESS, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            self._write_manifest("staging")
        except BaseException as exc:
            self._discard()
            if isinstance(exc, OSError):
                raise DocmgrError(
                    f"cannot start '{self.label}': {_cause(exc)} ({exc.filename})",
                    _RETRY_HINT,
                ) from exc
            raise
        self._state = "staging"
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._state != "staging":
            return
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def abort(self) -> None:
        """Discard everything staged; the targets were never touched."""
        self._need_staging()
        self._state = "done"
        self._discard()

    def commit(self) -> None:
        """Apply every staged op, or none: on failure, undo and raise :class:`DocmgrError`."""
        self._need_staging()
        self._state = "done"
        if not self._ops:
            self._discard()
            return
        try:
            self._verify_unchanged()
            os.fsync(self._data_fd)
            fsync_dir(self._txdir)
            _fault("txn-before-commit")
            self._write_manifest("committed")  # <- the commit point
        except BaseException as exc:
            self._discard()
            if isinstance(exc, OSError):
                raise DocmgrError(
                    f"'{self.label}' was not done: cannot write its journal: {_cause(exc)}",
                    _RETRY_HINT,
                ) from exc
            raise
        _fault("txn-after-op:0")
        journal = _Journal(self.root, self._txdir, self.label, self._ops, self._data_fd)
        try:
            journal.manifest = self._manifest("committed")
            journal.roll_forward(0, first_uncertain=False)
        except BaseException:
            # DocmgrError after a complete rollback: the journal is gone; JournalStuck or
            # an interrupt (KeyboardInterrupt): the journal stays for the next recover().
            journal.close()
            self._stack.close()
            raise
        journal.close()
        _fault("txn-before-cleanup")
        _remove_journal(self._txdir)
        self._stack.close()

    # -- staging ------------------------------------------------------------------------

    def write(self, path: Path | str, data: str | bytes) -> None:
        """Stage replacing (or creating) the file ``path`` with ``data`` (str: UTF-8)."""
        rel = self._rel(path)
        self._need_parent_dir(rel, "write")
        origin = self._origin(rel)
        kind = self._kind(origin)
        if kind not in ("file", "absent"):
            raise DocmgrError(f"cannot write {rel}: it is a {kind}", "pick a file path")
        pre, mode = self._pre_image(origin) if kind == "file" else (None, None)
        payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        self._add(_Op("write", rel, data=self._append(payload), pre=pre, mode=mode))

    def rename(self, src: Path | str, dst: Path | str) -> None:
        """Stage renaming the file or folder ``src`` to ``dst``, which must not exist."""
        s, d = self._rel(src), self._rel(dst)
        self._need_parent_dir(s, "rename")
        kind = self._kind(self._origin(s))
        if kind not in ("file", "dir"):
            raise DocmgrError(
                f"cannot rename {s}: "
                + ("it does not exist" if kind == "absent" else f"it is a {kind}")
            )
        if _within(d, s):
            raise DocmgrError(f"cannot rename {s} to {d}: that is inside itself")
        if self._kind(self._origin(d)) != "absent":
            raise DocmgrError(f"cannot rename {s} to {d}: {d} already exists", "pick another name")
        self._need_parent_dir(d, "rename to")
        self._add(_Op("rename", s, to=d))

    def mkdir(self, path: Path | str) -> None:
        """Stage creating the folder ``path`` (its parent must exist at that point)."""
        rel = self._rel(path)
        self._need_parent_dir(rel, "create")
        kind = self._kind(self._origin(rel))
        if kind != "absent":
            raise DocmgrError(f"cannot create folder {rel}: a {kind} is already there")
        self._add(_Op("mkdir", rel))

    def remove(self, path: Path | str) -> None:
        """Stage deleting the file ``path``."""
        rel = self._rel(path)
        self._need_parent_dir(rel, "remove")
        origin = self._origin(rel)
        kind = self._kind(origin)
        if kind != "file":
            raise DocmgrError(
                f"cannot remove {rel}: "
                + ("it does not exist" if kind == "absent" else f"it is a {kind}")
            )
        pre, mode = self._pre_image(origin)
        self._add(_Op("remove", rel, pre=pre, mode=mode))

    def rmdir(self, path: Path | str) -> None:
        """Stage deleting the folder ``path``, which must be empty at that point."""
        rel = self._rel(path)
        self._need_parent_dir(rel, "remove folder")
        origin = self._origin(rel)
        kind = self._kind(origin)
        if kind != "dir":
            raise DocmgrError(
                f"cannot remove folder {rel}: "
                + ("it does not exist" if kind == "absent" else f"it is a {kind}")
            )
        names = {t.rpartition("/")[2] for op in self._ops for t in (op.path, op.to) if t}
        mode: int | None = None
        if origin.kind == "disk":
            try:
                st = os.lstat(self.root / origin.rel)
                mode = stat.S_IMODE(st.st_mode)
                names.update(os.listdir(self.root / origin.rel))
            except OSError as exc:
                raise DocmgrError(f"cannot read folder {origin.rel}: {_cause(exc)}") from exc
        for name in sorted(names):
            if self._kind(self._origin(f"{rel}/{name}")) != "absent":
                raise DocmgrError(f"cannot remove folder {rel}: it is not empty ({name})")
        self._add(_Op("rmdir", rel, mode=mode))

    # -- the virtual view ---------------------------------------------------------------

    def exists(self, path: Path | str) -> bool:
        """Whether ``path`` exists once the ops staged so far are applied."""
        return self._kind(self._origin(self._rel(path))) != "absent"

    def read_bytes(self, path: Path | str) -> bytes:
        """The content ``path`` will have once the ops staged so far are applied."""
        rel = self._rel(path)
        origin = self._origin(rel)
        if origin.kind == "blob":
            span = self._ops[origin.op].data
            assert span is not None
            return _pread(self._data_fd, span)
        kind = self._kind(origin)
        if kind != "file":
            what = "does not exist" if kind == "absent" else f"is a {kind}"
            raise DocmgrError(f"cannot read {rel}: it {what} at that point")
        try:
            return (self.root / origin.rel).read_bytes()
        except OSError as exc:
            raise DocmgrError(f"cannot read {origin.rel}: {_cause(exc)}") from exc

    def read_text(self, path: Path | str) -> str:
        """Like :meth:`read_bytes`, decoded as UTF-8 with newlines kept as stored."""
        raw = self.read_bytes(path)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocmgrError(
                f"{self._rel(path)} is not UTF-8 text ({exc.reason} at byte {exc.start})",
                "convert the file to UTF-8 before editing it with docmgr",
            ) from None

    def __len__(self) -> int:
        return len(self._ops)

    # -- internals ----------------------------------------------------------------------

    def _need_staging(self) -> None:
        if self._state != "staging":
            raise RuntimeError("stage and commit inside 'with Transaction(...)' only, once")

    def _rel(self, path: Path | str) -> str:
        self._need_staging()
        full = os.path.normpath(os.path.join(self.root, path))
        rel = os.path.relpath(full, self.root)
        if rel == "." or rel == ".." or rel.startswith("../") or os.path.isabs(rel):
            raise DocmgrError(
                f"refusing to change {full}: it is not inside the docs root {self.root}",
                "pass a path below the docs root",
            )
        rel = Path(rel).as_posix()
        if rel.split("/", 1)[0] == JOURNAL_DIR:
            raise DocmgrError(f"refusing to change {rel}: it is docmgr's journal")
        return rel

    def _add(self, op: _Op) -> None:
        index = len(self._ops)
        self._ops.append(op)
        for target in (op.path, op.to):
            if target:
                self._touch.setdefault(target, []).append(index)

    def _append(self, payload: bytes) -> Span:
        offset = self._size
        view = memoryview(payload)
        while view:
            view = view[os.write(self._data_fd, view) :]
        self._size += len(payload)
        return (offset, len(payload))

    def _origin(self, rel: str) -> _Origin:
        """Trace ``rel`` back through the staged ops to what produces it."""
        path, limit = rel, len(self._ops)
        while True:
            index = -1
            for prefix in _lineage(path):
                hits = self._touch.get(prefix)
                if hits:
                    pos = bisect.bisect_left(hits, limit)
                    if pos:
                        index = max(index, hits[pos - 1])
            if index < 0:
                return _Origin("disk", path)
            op = self._ops[index]
            if op.kind == "rename":
                if _within(path, op.to):
                    path, limit = op.path + path[len(op.to) :], index
                    continue
                return _ABSENT  # moved away
            if path == op.path:
                if op.kind == "write":
                    return _Origin("blob", op=index)
                return _NEWDIR if op.kind == "mkdir" else _ABSENT
            return _ABSENT  # below a file, a removed folder, or a folder created empty

    def _kind(self, origin: _Origin) -> str:
        if origin.kind == "blob":
            return "file"
        if origin.kind == "newdir":
            return "dir"
        if origin.kind == "absent":
            return "absent"
        try:
            st = os.lstat(self.root / origin.rel)
        except (FileNotFoundError, NotADirectoryError):
            self._seen.setdefault(origin.rel, ())
            return "absent"
        except OSError as exc:
            raise DocmgrError(f"cannot inspect {origin.rel}: {_cause(exc)}") from exc
        self._seen.setdefault(origin.rel, _signature(st))
        if stat.S_ISREG(st.st_mode):
            return "file"
        if stat.S_ISDIR(st.st_mode):
            return "dir"
        return "symlink" if stat.S_ISLNK(st.st_mode) else "special file"

    def _need_parent_dir(self, rel: str, verb: str) -> None:
        parent = _parent(rel)
        if not parent:
            return
        origin = self._origin(parent)
        kind = self._kind(origin)
        if kind != "dir":
            what = "does not exist" if kind == "absent" else f"is a {kind}"
            raise DocmgrError(f"cannot {verb} {rel}: its folder {parent} {what} at that point")
        if origin.kind == "disk":
            real = os.path.realpath(self.root / origin.rel)
            if real != os.path.join(self._real_root, origin.rel):
                raise DocmgrError(
                    f"refusing to {verb} {rel}: {origin.rel} goes through a symlink",
                    "docmgr changes files inside the docs root only",
                )

    def _pre_image(self, origin: _Origin) -> tuple[Span | None, int | None]:
        """The bytes and mode a file op will replace: a staged blob, or a copy of the disk file."""
        if origin.kind == "blob":
            earlier = self._ops[origin.op]
            return earlier.data, earlier.mode
        cached = self._pre_cache.get(origin.rel)
        if cached is None:
            try:
                with open(self.root / origin.rel, "rb") as handle:
                    content = handle.read()
                    mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
            except OSError as exc:
                raise DocmgrError(f"cannot read {origin.rel}: {_cause(exc)}") from exc
            cached = (self._append(content), mode)
            self._pre_cache[origin.rel] = cached
        return cached

    def _verify_unchanged(self) -> None:
        for rel, before in self._seen.items():
            try:
                now = _signature(os.lstat(self.root / rel))
            except (FileNotFoundError, NotADirectoryError):
                now = ()
            if now != before:
                raise DocmgrError(
                    f"'{self.label}' was not done: {rel} changed while it was being prepared",
                    "another process is editing the workspace; run the command again",
                )

    def _manifest(self, state: str) -> dict[str, object]:
        return {
            "format": FORMAT,
            "txid": self._txdir.name,
            "label": self.label,
            "pid": os.getpid(),
            "created": self._created,
            "state": state,
            "ops": [op.to_json() for op in self._ops] if state != "staging" else [],
        }

    def _write_manifest(self, state: str) -> None:
        atomic_write(self._txdir / _MANIFEST, json.dumps(self._manifest(state), indent=1) + "\n")

    def _discard(self) -> None:
        try:
            if self._txdir.name:
                _remove_journal(self._txdir)
        finally:
            self._stack.close()


def _signature(st: os.stat_result) -> tuple[int, ...]:
    if stat.S_ISDIR(st.st_mode):
        return (stat.S_IFMT(st.st_mode), st.st_ino)
    return (stat.S_IFMT(st.st_mode), st.st_ino, st.st_size, st.st_mtime_ns)


def _write_gitignore(txdir: Path) -> None:
    """``*`` in the journal's own ``.gitignore``: git ignores it and itself, so a journal left
    by a killed process never shows in ``git status`` (no setup in the user's repo needed)."""
    fd = os.open(txdir / _GITIGNORE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, b"*\n")
    finally:
        os.close(fd)


def _make_txdir(root: Path, journal: Path, txid: str) -> Path:
    """Create ``journal/txid``; retry if another process removed an empty journal meanwhile."""
    txdir = journal / txid
    for _ in range(20):
        try:
            os.mkdir(journal)
            fsync_dir(root)
        except FileExistsError:
            pass
        try:
            os.mkdir(txdir)
            return txdir
        except FileNotFoundError:
            continue
    raise DocmgrError(f"cannot create {txdir}: the folder keeps disappearing")


def _remove_journal(txdir: Path) -> None:
    """Rename the journal to ``<txid>.trash`` (one atomic step: no longer a journal), delete it."""
    trash = txdir.with_name(txdir.name + _TRASH)
    try:
        os.rename(txdir, trash)
    except FileNotFoundError:
        return
    except OSError:
        return  # left whole: the next recover() sees it is complete (or uncommitted) again
    fsync_dir(txdir.parent)
    shutil.rmtree(trash, ignore_errors=True)
    _remove_empty_journal(txdir.parent)


def _remove_empty_journal(journal: Path) -> None:
    try:
        os.rmdir(journal)
    except OSError:
        return
    fsync_dir(journal.parent)


def _pread(fd: int, span: Span) -> bytes:
    offset, length = span
    chunks: list[bytes] = []
    while length:
        chunk = os.pread(fd, length, offset)
        if not chunk:
            raise DocmgrError("the journal's data file is truncated", "restore it from a backup")
        chunks.append(chunk)
        offset += len(chunk)
        length -= len(chunk)
    return b"".join(chunks)


class _Journal:
    """A committed journal being applied or undone (by its transaction, or by recover)."""

    def __init__(self, root: Path, txdir: Path, label: str, ops: list[_Op], data_fd: int) -> None:
        self.root = root
        self.txdir = txdir
        self.label = label
        self.ops = ops
        self.data_fd = data_fd
        self.manifest: dict[str, object] = {}
        self._progress_fd = -1

    def close(self) -> None:
        if self._progress_fd >= 0:
            os.close(self._progress_fd)
            self._progress_fd = -1

    def record(self, tag: str, index: int) -> None:
        if self._progress_fd < 0:
            self._progress_fd = os.open(self.txdir / _PROGRESS, os.O_WRONLY | os.O_APPEND)
        os.write(self._progress_fd, f"{tag} {index}\n".encode())
        (getattr(os, "fdatasync", None) or os.fsync)(self._progress_fd)

    def roll_forward(self, start: int, *, first_uncertain: bool) -> None:
        """Apply ops ``start..``; on failure undo and raise (DocmgrError or JournalStuck).

        ``first_uncertain``: op ``start`` may already be applied (a crash happened between
        applying it and recording it), so a rollback must undo it too.
        """
        for index in range(start, len(self.ops)):
            op = self.ops[index]
            try:
                _apply(self, op)
            except Exception as exc:
                applied = index + 1 if first_uncertain and index == start else index
                self.fail(applied, f"cannot {_verb(op)} {_target(op)}: {_cause(exc)}", exc)
            _fault(f"txn-after-op:{index + 1}")
            self.record("a", index)

    def fail(self, applied: int, error: str, exc: BaseException | None) -> None:
        """Switch to rolling back the first ``applied`` ops, undo them and raise."""
        try:
            self.manifest = {**self.manifest, "state": "rolling-back", "undo": applied}
            self.manifest["error"] = error
            atomic_write(self.txdir / _MANIFEST, json.dumps(self.manifest, indent=1) + "\n")
            self.roll_back(applied, done=set())
        except Exception as undo_exc:
            self.close()
            raise JournalStuck(
                f"'{self.label}' failed ({error}) and undoing it failed too "
                f"({_cause(undo_exc)}); the journal {self.txdir} is kept and the next docmgr "
                "command will retry the rollback"
            ) from undo_exc
        self.close()
        _remove_journal(self.txdir)
        raise DocmgrError(
            f"'{self.label}' failed: {error}; every change was rolled back", _RETRY_HINT
        ) from exc

    def roll_back(self, applied: int, *, done: set[int]) -> None:
        for index in reversed(range(applied)):
            if index in done:
                continue
            _undo(self, self.ops[index])
            _fault(f"txn-after-undo:{index}")
            self.record("u", index)


def _verb(op: _Op) -> str:
    return {
        "write": "write",
        "rename": "rename",
        "mkdir": "create folder",
        "rmdir": "remove folder",
        "remove": "remove",
    }[op.kind]


def _target(op: _Op) -> str:
    return f"{op.path} to {op.to}" if op.kind == "rename" else op.path


def _apply(journal: _Journal, op: _Op) -> None:
    """Apply one op durably; applying it again right after is a no-op."""
    path = journal.root / op.path
    _note(journal, op)
    if op.kind == "write":
        assert op.data is not None
        atomic_write(path, _pread(journal.data_fd, op.data))
    elif op.kind == "rename":
        _move(path, journal.root / op.to)
    elif op.kind == "mkdir":
        with contextlib.suppress(FileExistsError):
            os.mkdir(path)
        fsync_dir(path.parent)
    elif op.kind == "rmdir":
        with contextlib.suppress(FileNotFoundError):
            os.rmdir(path)
        fsync_dir(path.parent)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        fsync_dir(path.parent)


def _undo(journal: _Journal, op: _Op) -> None:
    """Undo one op durably; idempotent, and a no-op if the op was never applied."""
    path = journal.root / op.path
    _note(journal, op)
    if op.kind in ("write", "remove"):
        _restore(path, None if op.pre is None else _pread(journal.data_fd, op.pre), op.mode)
    elif op.kind == "rename":
        _move(journal.root / op.to, path)
    elif op.kind == "mkdir":
        with contextlib.suppress(FileNotFoundError):
            os.rmdir(path)
        fsync_dir(path.parent)
    elif op.kind == "rmdir":
        with contextlib.suppress(FileExistsError):
            os.mkdir(path)
        if op.mode is not None and stat.S_IMODE(os.stat(path).st_mode) != op.mode:
            os.chmod(path, op.mode)
        fsync_dir(path.parent)


def _note(journal: _Journal, op: _Op) -> None:
    """Tell fsio which paths this op changes (the search index applies them)."""
    note_touched(journal.root / op.path)
    if op.kind == "rename":
        note_touched(journal.root / op.to)


def _move(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst`` unless that already happened; never replaces ``dst``."""
    src_there, dst_there = os.path.lexists(src), os.path.lexists(dst)
    if src_there and not dst_there:
        os.rename(src, dst)
        fsync_dir(src.parent)
        if dst.parent != src.parent:
            fsync_dir(dst.parent)
    elif src_there:
        raise FileExistsError(errno.EEXIST, "both the old and the new name exist", str(dst))
    elif not dst_there:
        raise FileNotFoundError(errno.ENOENT, "neither the old nor the new name exists", str(src))


def _restore(path: Path, content: bytes | None, mode: int | None) -> None:
    try:
        current: bytes | None = path.read_bytes()
    except FileNotFoundError:
        current = None
    if content is None:
        if current is not None:
            os.unlink(path)
            fsync_dir(path.parent)
        return
    if current != content:
        atomic_write(path, content)
    if mode is not None and stat.S_IMODE(os.stat(path).st_mode) != mode:
        os.chmod(path, mode)


# -- recovery ---------------------------------------------------------------------------


def recover(root: Path) -> list[str]:
    """Finish or roll back every operation a dead docmgr process left half done.

    Call at the start of every command. When there is no journal this costs one failed
    ``scandir``. Returns one line per journal dealt with, for the CLI to print on stderr.
    Journals of live transactions (their lock is held) are left alone. Raises
    :class:`JournalStuck` when an operation can be neither finished nor undone.
    """
    journal = Path(os.path.abspath(root)) / JOURNAL_DIR
    try:
        with os.scandir(journal) as scan:
            names = sorted(entry.name for entry in scan if entry.is_dir(follow_symlinks=False))
    except (FileNotFoundError, NotADirectoryError):
        return []
    done: list[str] = []
    stuck: list[str] = []
    for name in names:
        txdir = journal / name
        if str(txdir) in _live:
            continue
        try:
            with folder_lock(txdir, timeout=0):
                line = _recover_one(journal.parent, txdir)
        except (LockTimeout, FileNotFoundError):
            continue  # a live transaction, or another process got there first
        except JournalStuck as exc:
            stuck.append(exc.message)
            continue
        if line:
            done.append(line)
    _remove_empty_journal(journal)
    if stuck:
        raise JournalStuck("; ".join(stuck), done)
    return done


def _recover_one(root: Path, txdir: Path) -> str:
    """Deal with one journal whose lock we hold; returns a description ('' if silent)."""
    if txdir.name.endswith(_TRASH):
        shutil.rmtree(txdir, ignore_errors=True)
        return ""
    try:
        raw = (txdir / _MANIFEST).read_bytes()
    except FileNotFoundError:
        if not txdir.is_dir():
            return ""  # finished and deleted by its owner just before we locked it
        pid_text = txdir.name.split("-")[1] if txdir.name.count("-") >= 2 else ""
        if pid_text.isdigit() and pid_alive(int(pid_text)):
            return ""  # its creator may be between mkdir and taking the lock
        _remove_journal(txdir)
        return ""
    try:
        manifest = json.loads(raw)
        if not isinstance(manifest, dict):
            raise ValueError("manifest is not an object")
        if manifest.get("format") != FORMAT:
            raise ValueError(f"unknown journal format {manifest.get('format')!r}")
        label = str(manifest.get("label", "?"))
        state = manifest.get("state")
        raw_ops = manifest.get("ops")
        ops = [_Op.from_json(item) for item in raw_ops] if isinstance(raw_ops, list) else []
    except ValueError as exc:
        raise JournalStuck(f"cannot read the journal {txdir}: {exc}") from exc
    if state == "staging":
        _remove_journal(txdir)
        return f"discarded an unfinished '{label}' (it was never committed; nothing had changed)"
    if state not in ("committed", "rolling-back"):
        raise JournalStuck(f"cannot read the journal {txdir}: unknown state {state!r}")
    applied, undone = _read_progress(txdir / _PROGRESS)
    fd = os.open(txdir / _DATA, os.O_RDONLY)
    try:
        journal = _Journal(root, txdir, label, ops, fd)
        journal.manifest = manifest
        if state == "rolling-back":
            count = manifest.get("undo")
            if not isinstance(count, int) or not 0 <= count <= len(ops):
                raise JournalStuck(f"cannot read the journal {txdir}: bad 'undo' {count!r}")
            try:
                journal.roll_back(count, done=undone)
            except Exception as exc:
                journal.close()
                raise JournalStuck(
                    f"could not roll back an interrupted '{label}' "
                    f"({_cause(exc)}); the journal {txdir} is kept"
                ) from exc
            journal.close()
            _remove_journal(txdir)
            return f"rolled back an interrupted '{label}' ({manifest.get('error', 'it failed')})"
        start = max(applied) + 1 if applied else 0
        try:
            journal.roll_forward(start, first_uncertain=True)
        except JournalStuck:
            raise
        except DocmgrError as exc:
            return f"rolled back an interrupted '{label}': finishing it failed ({exc.message})"
        journal.close()
        _remove_journal(txdir)
        return f"finished an interrupted '{label}' ({_plural(len(ops), 'change')})"
    finally:
        os.close(fd)


def _read_progress(path: Path) -> tuple[set[int], set[int]]:
    """The op indices recorded as applied and as undone (a torn last line is ignored)."""
    applied: set[int] = set()
    undone: set[int] = set()
    try:
        text = path.read_bytes().decode("ascii", errors="replace")
    except FileNotFoundError:
        return applied, undone
    for line in text.split("\n")[:-1]:  # only newline-terminated records count
        tag, _, number = line.partition(" ")
        if number.isdigit():
            (applied if tag == "a" else undone if tag == "u" else set()).add(int(number))
    return applied, undone
