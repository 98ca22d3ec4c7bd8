"""The workspace: docs root, repository, config, and the walk that finds every document."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from docmgr import config as configmod
from docmgr.clock import Clock, SystemClock
from docmgr.errors import RootNotFound
from docmgr.front_matter import DocMeta
from docmgr.ignore import IGNORE_FILE, Matcher

CONTROL_NAMES = frozenset({"readme.md", "tasks.md", "changelog.md"})
_DATED = re.compile(r"^(\d{4})/(\d{2})/(\d{2})/")


@dataclass(slots=True)
class Workspace:
    """Everything a command needs to find and write files; built once per invocation."""

    root: Path
    cwd: Path
    repo_root: Path
    config: configmod.Config | None
    resolution: configmod.Resolution
    clock: Clock = field(default_factory=SystemClock)
    env: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def open(
        cls,
        root_flag: str | None = None,
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        clock: Clock | None = None,
    ) -> Workspace:
        """Resolve the docs root (spec §2.1) without requiring it to exist."""
        here = Path(os.path.abspath(cwd or os.getcwd()))
        environ = os.environ if env is None else env
        res = configmod.resolve(root_flag, cwd=here, env=environ)
        return cls(
            root=res.root,
            cwd=here,
            repo_root=configmod.repo_root_for(here, res.git_root),
            config=res.config,
            resolution=res,
            clock=clock or SystemClock(),
            env=environ,
        )

    def require_root(self) -> Path:
        """Return the docs root, or raise RootNotFound when it does not exist."""
        if not self.root.is_dir():
            raise RootNotFound(f"root directory does not exist: {self.root}")
        return self.root

    @property
    def config_dir(self) -> Path:
        return self.config.folder if self.config else self.root.parent

    @property
    def vocabulary_path(self) -> Path:
        """The vocabulary file: the config's ``vocabulary:``, else ``<root>/vocabulary.yaml``."""
        if self.config and self.config.vocabulary:
            path = Path(self.config.vocabulary)
            return path if path.is_absolute() else self.config.folder / path
        return self.root / "vocabulary.yaml"

    def rel(self, path: Path) -> str:
        """Path relative to the docs root, slash-separated."""
        return Path(os.path.relpath(path, self.root)).as_posix()

    def display(self, path: Path) -> str:
        """Path relative to the cwd when below it, else absolute (how the Go tool prints paths)."""
        try:
            return path.relative_to(self.cwd).as_posix()
        except ValueError:
            return str(path)


@dataclass(slots=True)
class Doc:
    """One ``.md`` file under the root, parsed or not."""

    path: Path
    rel: str
    meta: DocMeta | None
    error: str = ""
    error_line: int = 0
    mtime_ns: int = 0
    size: int = 0
    is_control: bool = False

    @property
    def ok(self) -> bool:
        return self.meta is not None

    @property
    def ticket(self) -> str:
        if self.meta is not None and self.meta.ticket:
            return self.meta.ticket
        return infer_ticket(self.rel)

    @property
    def is_index(self) -> bool:
        return self.meta is not None and self.meta.doc_type == "index"


def infer_ticket(rel: str) -> str:
    """Best-effort ticket id from a path like ``YYYY/MM/DD/<ID>--slug/…``."""
    match = _DATED.match(rel)
    if not match:
        return ""
    folder = rel[match.end() :].split("/", 1)[0]
    return folder.split("--", 1)[0] if "--" in folder else folder


def walk_markdown(
    root: Path,
    matcher: Matcher,
    *,
    start: str = "",
    dirs: dict[str, int] | None = None,
    watch: dict[str, tuple[int, int]] | None = None,
) -> Iterator[tuple[Path, str, os.stat_result, bool]]:
    """Yield (path, rel, stat, is_control) for every ``.md`` under ``root`` that is not skipped.

    Skips folders named ``.meta``, folders starting with ``_`` and ignored paths; nested
    ``.docmgrignore`` files apply to their own subtree. ``start`` walks one subfolder only;
    ``dirs`` and ``watch`` (for the search index) record each folder's mtime and the
    (mtime, size) of each nested ignore file.
    """
    stack: list[tuple[Path, str]] = [(root / start if start else root, start)]
    while stack:
        folder, rel_folder = stack.pop()
        try:
            if dirs is not None:
                dirs[rel_folder] = os.stat(folder).st_mtime_ns
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            if dirs is not None:
                dirs.pop(rel_folder, None)
            continue
        names = {e.name for e in entries}
        if rel_folder and IGNORE_FILE in names:
            ignore_path = folder / IGNORE_FILE
            matcher.add_file(rel_folder, ignore_path)
            if watch is not None:
                try:
                    st = os.stat(ignore_path)
                    watch[str(ignore_path)] = (st.st_mtime_ns, st.st_size)
                except OSError:
                    watch[str(ignore_path)] = (-1, -1)  # gone: the next check sees a change
        has_index = "index.md" in names
        subdirs: list[tuple[Path, str]] = []
        for entry in entries:
            rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name.startswith("_") or entry.name == ".meta":
                    continue
                if matcher.ignored(rel, is_dir=True):
                    continue
                subdirs.append((Path(entry.path), rel))
            elif entry.name.lower().endswith(".md"):
                if matcher.ignored(rel, is_dir=False):
                    continue
                try:
                    st = entry.stat()
                except OSError:
                    continue
                control = has_index and entry.name.lower() in CONTROL_NAMES
                yield Path(entry.path), rel, st, control
        stack.extend(reversed(subdirs))


def parse_doc(
    path: Path, rel: str, st: os.stat_result | None = None, *, control: bool = False
) -> Doc:
    """Read and parse one document; failures become a Doc with ``error`` set, never an exception."""
    from docmgr.errors import FrontMatterError
    from docmgr.front_matter import read

    if st is None:
        st = path.stat()
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            text = handle.read()
        meta, _ = read(text, path=rel)
        return Doc(path, rel, meta, mtime_ns=st.st_mtime_ns, size=st.st_size, is_control=control)
    except FrontMatterError as exc:
        return Doc(path, rel, None, exc.problem, exc.line, st.st_mtime_ns, st.st_size, control)
    except OSError as exc:
        return Doc(
            path, rel, None, f"cannot read: {exc.strerror}", 0, st.st_mtime_ns, st.st_size, control
        )


def scan_docs(ws: Workspace) -> list[Doc]:
    """Parse every document under the root (sorted by path); no cache."""
    root = ws.require_root()
    matcher = Matcher.for_root(root, ws.repo_root)
    docs = [parse_doc(p, rel, st, control=c) for p, rel, st, c in walk_markdown(root, matcher)]
    docs.sort(key=lambda d: d.rel)
    return docs


def load_docs(ws: Workspace) -> list[Doc]:
    """Return every document of the workspace, parsed: the one entry point for read verbs.

    Served from the persistent index (refreshed incrementally first); ``DOCMGR_NO_CACHE=1``
    scans the files instead.
    """
    from docmgr import search_index

    return search_index.load_docs(ws)
