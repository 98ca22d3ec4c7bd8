"""The workspace: docs root, repository, config, and the walk that finds every document."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from docmgr.errors import FrontMatterError, RootNotFound, RootRefused
from docmgr.model import CONTROL_NAMES, IGNORE_FILE, JOURNAL_DIR, Doc
from docmgr.seams.clock import Clock, SystemClock
from docmgr.store import config as configmod
from docmgr.tuples import NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

    from docmgr.model import DocMeta
    from docmgr.store.ignore import Matcher

ROOT_SCAN_LIMIT = 5000
"""How many folder entries the docs-root sanity check looks at before it gives up on finding
a ticket: a bigger folder without a ticket in that many entries is not a docs root."""


_TICKET_INDEX = re.compile(r"(?m)^DocType:[ \t]*['\"]?index['\"]?[ \t]*\r?$")


class Workspace:
    """Everything a command needs to find and write files; built once per invocation.

    A plain class (no ``@dataclass``): it is built on every command's start, where a
    dataclass pays for generating its methods at import. The root, the cwd and the
    repository root are held as strings (``root_str``…) and offered as ``Path`` objects
    (``root``…) made on first use: the warm read verbs never import ``pathlib``.
    """

    __slots__ = (
        "root_str",
        "cwd_str",
        "_repo_root_str",
        "_paths",
        "config",
        "resolution",
        "clock",
        "env",
        "root_checked",
        "repos",
    )

    def __init__(
        self,
        *,
        root: str | os.PathLike[str],
        cwd: str | os.PathLike[str],
        repo_root: str | os.PathLike[str] | None = None,
        config: configmod.Config | None,
        resolution: configmod.Resolution,
        clock: Clock | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.root_str = os.fspath(root)
        self.cwd_str = os.fspath(cwd)
        # None: worked out on first use (git root, else a folder with go.mod or doc)
        self._repo_root_str = None if repo_root is None else os.fspath(repo_root)
        self._paths: dict[str, Path] = {}
        self.config = config
        self.resolution = resolution
        self.clock: Clock = clock or SystemClock()
        self.env: Mapping[str, str] = {} if env is None else env
        self.root_checked = False  # check_root_fit ran (once per workspace)
        # Git repositories opened by this command (``store.diaries.open_repo``): one
        # GitPython ``Repo`` per repository and command, however many steps ask for it.
        self.repos: dict[Path, Any] = {}

    def __repr__(self) -> str:
        return f"Workspace(root={self.root_str!r}, cwd={self.cwd_str!r})"

    def _path(self, name: str, text: str) -> Path:
        path = self._paths.get(name)
        if path is None:
            from pathlib import Path

            path = self._paths[name] = Path(text)
        return path

    @property
    def root(self) -> Path:
        """The docs root (absolute)."""
        return self._path("root", self.root_str)

    @property
    def cwd(self) -> Path:
        """The folder the command runs in (absolute)."""
        return self._path("cwd", self.cwd_str)

    @property
    def repo_root_str(self) -> str:
        """The repository root: the git root, else the nearest folder with ``go.mod`` or
        ``doc``, else the cwd."""
        if self._repo_root_str is None:
            git_root = self.resolution.git_root
            self._repo_root_str = configmod.repo_root_for(self.cwd_str, git_root)
        return self._repo_root_str

    @property
    def repo_root(self) -> Path:
        return self._path("repo_root", self.repo_root_str)

    @classmethod
    def open(
        cls,
        root_flag: str | None = None,
        *,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        clock: Clock | None = None,
    ) -> Workspace:
        """Resolve the docs root (spec §2.1) without requiring it to exist."""
        here = os.path.abspath(cwd or os.getcwd())
        environ = os.environ if env is None else env
        res = configmod.resolve(root_flag, cwd=here, env=environ)
        return cls(
            root=res.root,
            cwd=here,
            config=res.config,
            resolution=res,
            clock=clock or SystemClock(),
            env=environ,
        )

    def require_root(self) -> Path:
        """Return the docs root, or raise RootNotFound when it does not exist.

        The first call also refuses a root that cannot be a docs root (``check_root_fit``),
        before anything walks it or builds an index of it.
        """
        self.require_root_str()
        return self.root

    def require_root_str(self) -> str:
        """``require_root`` as a string (what the warm read paths use)."""
        if not os.path.isdir(self.root_str):
            raise RootNotFound(f"root directory does not exist: {self.root_str}")
        self.check_root()
        return self.root_str

    def check_root(self) -> None:
        """Refuse, once per workspace, a root that cannot be a docs root (``check_root_fit``)."""
        if not self.root_checked:
            check_root_fit(self.root_str, home=self.env.get("HOME", ""))
            self.root_checked = True

    @property
    def config_dir(self) -> Path:
        if self.config:
            return self._path("config_dir", self.config.folder)
        return self.root.parent

    @property
    def vocabulary_path(self) -> Path:
        """The vocabulary file: the config's ``vocabulary:``, else ``<root>/vocabulary.yaml``."""
        if self.config and self.config.vocabulary:
            return self.config_dir / self.config.vocabulary  # an absolute one replaces it
        return self.root / "vocabulary.yaml"

    def rel(self, path: str | os.PathLike[str]) -> str:
        """Path relative to the docs root, slash-separated."""
        return os.path.relpath(path, self.root_str).replace(os.sep, "/")

    def display(self, path: str | os.PathLike[str]) -> str:
        """Path relative to the cwd when below it, else absolute (how the Go tool prints paths)."""
        text = os.fspath(path)
        rel = configmod.relative_below(text, self.cwd_str)
        return text if rel is None else rel


def check_root_fit(root: str | os.PathLike[str], *, home: str = "") -> None:
    """Refuse a docs root that is ``/``, the home folder, or a big folder holding no ticket.

    A missing or small folder may still become a docs root (``init``). A folder is "big" when
    a depth-first scan (hidden and ``_`` folders skipped) meets more than ``ROOT_SCAN_LIMIT``
    entries before it finds an ``index.md`` with ``DocType: index``. This keeps a stray
    ``--root /`` from walking the whole file system and filling the index cache.
    """
    real = os.path.realpath(root)
    if os.path.dirname(real) == real:
        raise RootRefused(f"docs root {os.fspath(root)} is the file-system root")
    if home and real == os.path.realpath(home):
        raise RootRefused(f"docs root {os.fspath(root)} is the home folder")
    if os.path.isdir(real) and not _small_or_holds_ticket(real):
        raise RootRefused(
            f"docs root {os.fspath(root)} holds more than {ROOT_SCAN_LIMIT} files and folders "
            "but no ticket"
        )


def _small_or_holds_ticket(root: str) -> bool:
    seen = 0
    stack = [root]
    while stack:
        folder = stack.pop()
        subdirs: list[str] = []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    seen += 1
                    if entry.name == "index.md" and _is_ticket_index(entry.path):
                        return True
                    if seen > ROOT_SCAN_LIMIT:
                        return False
                    if entry.is_dir(follow_symlinks=False) and not entry.name.startswith(
                        (".", "_")
                    ):
                        subdirs.append(entry.path)
        except OSError:
            continue
        stack.extend(sorted(subdirs, reverse=True))  # depth first, in name order
    return True


def _is_ticket_index(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return head.startswith("---") and bool(_TICKET_INDEX.search(head))


def leaves_root(path: str | os.PathLike[str], real_root: str | os.PathLike[str]) -> bool:
    """Tell whether the symlink ``path`` resolves to a place outside ``real_root``."""
    real = os.path.realpath(path)
    base = os.fspath(real_root)
    return real != base and not real.startswith(base.rstrip(os.sep) + os.sep)


def walk_markdown(root: Path, matcher: Matcher) -> Iterator[tuple[Path, str, os.stat_result, bool]]:
    """Yield (path, rel, stat, is_control) for every ``.md`` under ``root`` that is not skipped:
    ``stat_markdown`` with a Path per file (for callers that open the files)."""
    from pathlib import Path

    base = str(root).rstrip("/") + "/"
    for rel, st, control in stat_markdown(root, matcher):
        yield Path(base + rel), rel, st, control


def stat_markdown(
    root: str | os.PathLike[str],
    matcher: Matcher,
    *,
    start: str = "",
    dirs: dict[str, tuple[int, int]] | None = None,
    watch: dict[str, tuple[int, int, int]] | None = None,
    links: list[tuple[str, bool]] | None = None,
) -> Iterator[tuple[str, os.stat_result, bool]]:
    """Yield (rel, stat, is_control) for every ``.md`` under ``root`` that is not skipped.

    Skips what ``markdown_entries`` skips, and a ``.md`` that is a symlink leading outside
    the root: it is never read (``outside_links`` lists those, for doctor). ``links``
    collects (rel, is_control) of every walked ``.md`` that is a symlink, leading out or not.
    """
    real_root = ""
    for entry, rel, control in markdown_entries(root, matcher, start=start, dirs=dirs, watch=watch):
        if entry.is_symlink():
            if links is not None:
                links.append((rel, control))
            real_root = real_root or os.path.realpath(root)
            if leaves_root(entry.path, real_root):
                continue
        try:
            st = entry.stat()
        except OSError:
            continue
        yield rel, st, control


def outside_links(root: Path, matcher: Matcher) -> list[tuple[Path, str, bool]]:
    """(path, rel, is_control) of every walked ``.md`` that is a symlink leading out of the root."""
    from pathlib import Path

    real_root = os.path.realpath(root)
    return [
        (Path(entry.path), rel, control)
        for entry, rel, control in markdown_entries(root, matcher)
        if entry.is_symlink() and leaves_root(entry.path, real_root)
    ]


def markdown_entries(
    root: str | os.PathLike[str],
    matcher: Matcher,
    *,
    start: str = "",
    dirs: dict[str, tuple[int, int]] | None = None,
    watch: dict[str, tuple[int, int, int]] | None = None,
) -> Iterator[tuple[os.DirEntry[str], str, bool]]:
    """The one walk: (entry, rel, is_control) for every ``.md`` under ``root`` not skipped.

    Skips folders named ``.meta``, docmgr's journal (``.docmgr-journal``), folders starting
    with ``_`` and ignored paths; nested ``.docmgrignore`` files apply to their own subtree;
    symlinked folders are not followed. ``start`` walks one subfolder only; ``dirs`` and
    ``watch`` (for the search index) record each folder's (mtime, ctime) and the
    (mtime, size, ctime) of each nested ignore file.
    """
    top = os.fspath(root)
    stack: list[tuple[str, str]] = [(os.path.join(top, start) if start else top, start)]
    while stack:
        folder, rel_folder = stack.pop()
        try:
            if dirs is not None:
                folder_st = os.stat(folder)
                dirs[rel_folder] = (folder_st.st_mtime_ns, folder_st.st_ctime_ns)
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            if dirs is not None:
                dirs.pop(rel_folder, None)
            continue
        names = {e.name for e in entries}
        if rel_folder and IGNORE_FILE in names:
            ignore_path = os.path.join(folder, IGNORE_FILE)
            matcher.add_file(rel_folder, ignore_path)
            if watch is not None:
                try:
                    st = os.stat(ignore_path)
                    watch[ignore_path] = (st.st_mtime_ns, st.st_size, st.st_ctime_ns)
                except OSError:
                    watch[ignore_path] = (-1, -1, -1)  # gone: the next check sees a change
        has_index = "index.md" in names
        check_files = not matcher.names_only  # else a file here is never ignored on its own
        subdirs: list[tuple[str, str]] = []
        for entry in entries:
            rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name.startswith("_") or entry.name in (".meta", JOURNAL_DIR):
                    continue
                if matcher.ignored(rel, is_dir=True):
                    continue
                subdirs.append((entry.path, rel))
            elif entry.name.lower().endswith(".md"):
                if check_files and matcher.ignored(rel, is_dir=False):
                    continue
                yield entry, rel, has_index and entry.name.lower() in CONTROL_NAMES
        stack.extend(reversed(subdirs))


class DocText(NamedTuple):
    """A document read and parsed, with its text (for callers that look past the header)."""

    doc: Doc
    text: str  # the whole file ("" when it could not be read)
    body_start: int  # offset of the body in ``text``; -1 when the header did not parse

    @property
    def body(self) -> str:
        return self.text[self.body_start :] if self.body_start >= 0 else ""


def read_bytes(path: str | os.PathLike[str], size: int) -> bytes:
    """A file's bytes, read in one ``read`` when it still has ``size`` bytes (the walk's stat).

    Three system calls where ``open(path, "rb").read()`` makes nine (two ``fstat``, an
    ``ioctl`` and two ``lseek`` for the buffered reader it builds): a first build opens
    every file. A file grown since it was stat'ed is read to its end all the same.
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        data = os.read(fd, size + 1)  # a short read is the end of a regular file
        if len(data) > size:
            parts = [data]
            while chunk := os.read(fd, 1 << 16):  # below malloc's mmap threshold
                parts.append(chunk)
            data = b"".join(parts)
    finally:
        os.close(fd)
    return data


class HeaderRead(NamedTuple):
    """One file read and its header parsed, without a ``Doc`` (what the index's rows need)."""

    meta: DocMeta | None
    error: str  # why ``meta`` is None ("" when it is not)
    error_line: int
    text: str  # the whole file ("" when it could not be read)
    body_start: int  # offset of the body in ``text``; -1 when the header did not parse


def read_header(path: str | os.PathLike[str], rel: str, size: int) -> HeaderRead:
    """Read one file and parse its front matter: the one reader of the walk and the index.

    Never raises: a file that cannot be read or whose header does not parse comes back with
    ``error`` (and ``error_line``) set. Undecodable bytes are replaced and line endings
    kept, so offsets match the file as edits see it.
    """
    # only when a file is parsed (not warm)
    from docmgr.formats.delimiters import split
    from docmgr.formats.front_matter import NO_DELIMITERS, read_parts

    try:
        # decoding the whole at once: cheaper than text mode
        text = read_bytes(path, size).decode("utf-8", "replace")
    except OSError as exc:
        return HeaderRead(None, f"cannot read: {exc.strerror}", 0, "", -1)
    parts = split(text)
    if parts is None:  # no exception (nor its snippet): a third of a generated workspace
        return HeaderRead(None, NO_DELIMITERS, 1, text, -1)
    try:
        meta = read_parts(text, parts, path=rel)
    except FrontMatterError as exc:
        return HeaderRead(None, exc.problem, exc.line, text, -1)
    return HeaderRead(meta, "", 0, text, parts.body_start)


def read_doc(path: Path, rel: str, *, mtime_ns: int, size: int, control: bool) -> DocText:
    """``read_header`` as a ``Doc`` with the file's text (never raises)."""
    meta, error, line, text, body_start = read_header(path, rel, size)
    return DocText(Doc(path, rel, meta, error, line, mtime_ns, size, control), text, body_start)


def parse_doc(
    path: Path, rel: str, st: os.stat_result | None = None, *, control: bool = False
) -> Doc:
    """Read and parse one document (``read_doc`` without the text); never raises."""
    if st is None:
        st = path.stat()
    return read_doc(path, rel, mtime_ns=st.st_mtime_ns, size=st.st_size, control=control).doc


def scan_docs(ws: Workspace) -> list[Doc]:
    """Parse every document under the root (sorted by path); no cache."""
    root = ws.require_root()
    from docmgr.store.ignore import Matcher  # the walk's: not on the warm path

    matcher = Matcher.for_root(root, ws.repo_root)
    docs = [parse_doc(p, rel, st, control=c) for p, rel, st, c in walk_markdown(root, matcher)]
    docs.sort(key=lambda d: d.rel)
    return docs
