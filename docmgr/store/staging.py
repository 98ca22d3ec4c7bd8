"""The transaction gate of the verbs that write several files: prepare all, then commit once.

A multi-file operation (ticket rename, move and close; doc move, renumber and layout-fix;
import file; doctor --fix) works in three steps:

1. It locks the folders it will change (:func:`locked`) and computes every new file in
   memory. A :class:`Plan` collects each document it cannot edit (not UTF-8, a header that
   does not parse, a key written twice, a symlink) instead of stopping at the first one.
2. :meth:`Plan.check` raises one error naming every such document and why, before
   anything is written.
3. It stages every change into one :class:`docmgr.seams.journal.Transaction` and commits:
   all or nothing, and a kill at any moment is finished or rolled back by the next docmgr
   command (the CLI calls ``journal.recover`` when it opens the workspace).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from docmgr.errors import DocmgrError, FrontMatterError
from docmgr.formats import front_matter
from docmgr.model import JOURNAL_DIR
from docmgr.seams.fsio import folder_lock
from docmgr.seams.journal import Transaction
from docmgr.store.workspace import Workspace

_FIX_HINT = (
    "fix that document by hand (convert it to UTF-8, repair its front matter), "
    "then run the command again"
)


@contextlib.contextmanager
def locked(folders: Iterable[Path]) -> Iterator[None]:
    """Hold ``fsio.folder_lock`` on every folder that exists (in sorted order: no deadlock).

    Every single-file writer locks the folder of the file it changes, so holding the
    folders of all the files an operation changes excludes them for its whole duration.
    """
    unique = sorted({Path(os.path.abspath(f)) for f in folders})
    with contextlib.ExitStack() as stack:
        for folder in unique:
            if folder.is_dir():
                stack.enter_context(folder_lock(folder))
        yield


def folders_under(top: Path) -> list[Path]:
    """``top`` and every folder below it, except ``_*`` folders and the journal."""
    found = [top]
    for current, dirs, _files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("_") and d != JOURNAL_DIR)
        found.extend(Path(current) / d for d in dirs)
    return found


def stage_dirs(tx: Transaction, folder: Path) -> None:
    """Stage creating ``folder`` and its missing parents (each below the transaction's root)."""
    missing: list[Path] = []
    current = Path(os.path.abspath(folder))
    while tx.root in current.parents and not tx.exists(current):
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        tx.mkdir(path)


class Plan:
    """The new content of the files an operation changes, prepared before anything is written.

    ``action`` says what the operation does, for the error (``"rename ticket A-1 to A-2"``).
    Reading or editing a document it cannot handle records a problem and returns None;
    :meth:`check` then refuses the whole operation.
    """

    def __init__(self, ws: Workspace, action: str) -> None:
        self.ws = ws
        self.action = action
        self.problems: list[tuple[Path, str]] = []
        self.read: dict[Path, bytes] = {}  # what each file held when it was read

    def changed(self, path: Path, text: str | bytes) -> bool:
        """Whether ``text`` differs from what ``path`` held when this plan read it."""
        data = text.encode("utf-8") if isinstance(text, str) else text
        return self.read.get(path) != data

    def refuse(self, path: Path, why: str) -> None:
        """Record that ``path`` cannot be changed, and why."""
        self.problems.append((path, why))

    def read_bytes(self, path: Path) -> bytes | None:
        """The bytes of a regular file, or None (problem recorded) for a link or read error."""
        if path.is_symlink():
            self.refuse(path, "it is a symbolic link, and docmgr never writes through one")
            return None
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.refuse(path, f"cannot read it: {exc.strerror or exc}")
            return None
        self.read[path] = raw
        return raw

    def read_text(self, path: Path) -> str | None:
        """The file as UTF-8 text (newlines kept), or None with the problem recorded."""
        raw = self.read_bytes(path)
        if raw is None:
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.refuse(path, f"it is not UTF-8 text ({exc.reason} at byte {exc.start})")
            return None

    def edit(
        self, path: Path, updates: Mapping[str, Any], *, docs_only: bool = False
    ) -> str | None:
        """The text of ``path`` with front-matter ``updates`` applied (only their lines change).

        Returns None with a problem recorded when the document cannot be edited. With
        ``docs_only`` a file that has no front matter at all (its first line is not ``---``:
        README.md, tasks.md, a plain note) is not a document and is skipped silently (None,
        no problem).
        """
        if docs_only:
            raw = self.read_bytes(path)
            if raw is None:
                return None
            if raw.split(b"\n", 1)[0].strip() != b"---":
                return None
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.refuse(path, f"it is not UTF-8 text ({exc.reason} at byte {exc.start})")
                return None
        else:
            found = self.read_text(path)
            if found is None:
                return None
            text = found
        rel = self.ws.rel(path)
        try:
            front_matter.read(text, path=rel)
            return front_matter.update_fields(text, dict(updates), path=rel)
        except FrontMatterError as exc:
            self.refuse(path, _why(text, exc))
            return None

    def check(self) -> None:
        """Raise one error naming every document that cannot be changed (nothing is written)."""
        if not self.problems:
            return
        listed = "; ".join(f"{self.ws.display(p)}: {why}" for p, why in self.problems)
        what = "a document" if len(self.problems) == 1 else f"{len(self.problems)} documents"
        raise DocmgrError(
            f"cannot {self.action}: {what} cannot be edited, so nothing was changed ({listed})",
            _FIX_HINT if len(self.problems) == 1 else _FIX_HINT.replace("that", "those", 1),
        )


def _why(text: str, exc: FrontMatterError) -> str:
    """Say why a header cannot be edited, naming a duplicated key when that is the cause."""
    where = f" (line {exc.line})" if exc.line else ""
    duplicate = _duplicate_key(text)
    if duplicate:
        return f"its front matter has the key {duplicate} twice"
    return f"its front matter cannot be edited: {exc.problem}{where}"


def _duplicate_key(text: str) -> str:
    """The first top-level key written twice in the header (quoted, with its line), or ''."""
    import yaml

    parts = front_matter.split(text)
    if parts is None:
        return ""
    try:
        node = yaml.compose(front_matter.quote_prepass(parts.yaml), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return ""
    if not isinstance(node, yaml.MappingNode):
        return ""
    seen: set[str] = set()
    for key, _value in node.value:
        name = str(key.value)
        if name in seen:
            return f"'{name}' (line {parts.first_yaml_line + key.start_mark.line})"
        seen.add(name)
    return ""
