"""RelatedFiles findings: missing_related_file and missing_related_file_note."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from docmgr.model import Doc, Finding, Severity
from docmgr.store import related_paths
from docmgr.store.index.queries import RelatedEntry
from docmgr.store.workspace import Workspace

_MEMO_LIMIT = 32_768  # folders remembered at most; past it the memo starts afresh


class Resolver:
    """Existence of RelatedFiles entries, from the targets the index stored.

    The index stores what depends on an entry's text alone (``stored_target``: its anchor
    scheme or bare-path kind, cleaned); the bases a bare path is tried against depend on
    where docmgr runs (repository, config folder), so they are worked out once per run,
    duplicates dropped; whether a file exists is asked of the disk every time, one ``stat``
    per missing folder rather than per file in it. ``related_paths.resolve`` is the
    reference these shortcuts agree with.
    """

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.repo = os.path.abspath(ws.repo_root)
        self.docs = os.path.abspath(ws.root)
        self.config = os.path.abspath(ws.config_dir)
        self.docs_parent = os.path.dirname(self.docs)
        self.gowork = related_paths.find_gowork(ws.repo_root)
        self.exists_cache: dict[str, bool] = {}
        self.down_cache: dict[str, list[str]] = {}  # folder -> "base/folder/" where it exists
        # the bases that are their own fence (the doc's folder, fenced by the repository,
        # is added per document), each once
        self.fenced_bases = list(
            dict.fromkeys((self.repo, self.config, self.docs, self.docs_parent))
        )
        self.prefixes = [base.rstrip("/") for base in self.fenced_bases]  # "" for "/"
        self.repo_prefix = self.repo.rstrip("/") + "/"
        self.anchor_bases = {"repo": self.repo, "docs": self.docs, "abs": "/"}

    def trim(self) -> None:
        """Forget the folders seen once there are more than ``_MEMO_LIMIT`` of them.

        Called between batches of tickets: the memo only saves stats, and a workspace's
        related paths can name hundreds of thousands of folders, so memory stays flat.
        """
        if len(self.exists_cache) > _MEMO_LIMIT:
            self.exists_cache.clear()
        if len(self.down_cache) > _MEMO_LIMIT:
            self.down_cache.clear()

    def _folder_exists(self, path: str) -> bool:
        """Cached: folders are few, while related file paths can be hundreds of thousands.

        ``path`` is normalised and absolute (no ``..``): a folder whose parent is missing
        (or is not a folder) is missing too, so only the topmost missing folder of a
        branch is stat-ed.
        """
        known = self.exists_cache.get(path)
        if known is None:
            up = path.rpartition("/")[0] or "/"
            known = (up == path or self._folder_exists(up)) and os.path.isdir(path)
            self.exists_cache[path] = known
        return known

    def _down(self, folder: str) -> list[str]:
        """The fenced bases holding ``folder`` (a normalised path going down), each as
        ``"<base>/<folder>/"``: worked out once per folder."""
        found = self.down_cache.get(folder)
        if found is None:
            found = self.down_cache[folder] = []
            for prefix in self.prefixes:
                where = f"{prefix}/{folder}" if folder else (prefix or "/")
                if self._folder_exists(where):
                    found.append(where.rstrip("/") + "/")
        return found

    def exists(self, kind: str, target: str, raw: str, doc_path: Path, doc_dir: str = "") -> bool:
        """Whether the entry (``raw``, stored as ``kind``/``target``) of the doc at
        ``doc_path`` (in the folder ``doc_dir``, worked out when not given) names an
        existing file."""
        doc_dir = doc_dir or os.path.dirname(str(doc_path))
        if kind == "rel":
            return self._bare(target, doc_dir)
        if kind == "none":
            return False
        if kind == "path":
            return os.path.exists(target)
        if kind in ("repo", "docs", "abs", "doc"):
            base = self.anchor_bases.get(kind) or doc_dir
            return os.path.exists(os.path.abspath(os.path.join(base, target)))
        if kind == "home":
            cleaned = os.path.normpath(str(Path.home()) + target)
            if cleaned.startswith("/"):
                return os.path.exists(cleaned)
            return cleaned != "." and self._bare(cleaned, doc_dir)
        # ws:// needs the go.work rules
        bases = related_paths.Bases(
            repo_root=Path(self.repo),
            docs_root=Path(self.docs),
            config_dir=Path(self.config),
            doc_dir=Path(os.path.abspath(doc_path.parent)),
            gowork_dir=self.gowork,
        )
        return related_paths.resolve(raw, bases).exists

    def _bare(self, cleaned: str, doc_dir: str) -> bool:
        """A relative bare path (spec §3.5): any base keeping it inside its fence where it
        exists ("exists" does not depend on which base wins)."""
        if cleaned == ".." or cleaned.startswith("../"):  # may leave its base: fence it
            return any(
                self._candidate(os.path.normpath(os.path.join(base, cleaned)), fence)
                for base, fence in (
                    *((b, b) for b in self.fenced_bases),
                    (doc_dir, self.repo),
                )
            )
        return self._down_exists(cleaned, doc_dir.rstrip("/"), inside=False)

    def _down_exists(self, cleaned: str, local_base: str, *, inside: bool) -> bool:
        """A normalised relative path going down: it stays inside every base, so a plain
        join and no fence, except for the doc's own folder (``local_base``, without its
        trailing slash), fenced by the repository unless known to be ``inside`` it."""
        folder, _, name = cleaned.rpartition("/")
        wheres = self.down_cache.get(folder)
        if wheres is None:
            wheres = self._down(folder)
        for where in wheres:
            if os.path.exists(where + name):
                return True
        candidate = f"{local_base}/{cleaned}"
        if not (inside or candidate == self.repo or candidate.startswith(self.repo_prefix)):
            return False
        local = candidate[: -len(name) - 1] or "/"  # its dirname, without splitting it again
        return self._folder_exists(local) and os.path.exists(candidate)

    def missing(self, entries: Sequence[RelatedEntry], doc_path: Path, doc_dir: str) -> list[str]:
        """The raw paths of the entries of the doc at ``doc_path`` (in the folder
        ``doc_dir``) naming no existing file, in entry order: ``exists`` for each, with the
        commonest kind (a relative path going down) worked out inline."""
        out: list[str] = []
        local_base = doc_dir.rstrip("/")
        # a path going down from a folder inside the repository stays inside it
        inside = doc_dir == self.repo or doc_dir.startswith(self.repo_prefix)
        for raw, _note, kind, target in entries:
            if kind == "rel" and target != ".." and not target.startswith("../"):
                found = self._down_exists(target, local_base, inside=inside)
            else:
                found = self.exists(kind, target, raw, doc_path, doc_dir)
            if not found:
                out.append(raw)
        return out

    def _candidate(self, candidate: str, fence: str) -> bool:
        if not (candidate == fence or candidate.startswith(fence.rstrip("/") + "/")):
            return False
        parent = os.path.dirname(candidate)  # one stat per missing folder, not per file in it
        return self._folder_exists(parent) and os.path.exists(candidate)


def related_files(
    doc: Doc, ticket: str, entries: Sequence[RelatedEntry], resolver: Resolver
) -> list[Finding]:
    """A warning per entry that names no existing file, then one for entries without a Note."""
    if not entries:
        return []
    out: list[Finding] = []
    path = str(doc.path)
    doc_dir = os.path.dirname(path)
    # the index just saw the document there; a folder said to exist only costs the stat
    # of the file in it, so this can never hide a missing file
    resolver.exists_cache.setdefault(doc_dir, True)
    for raw in resolver.missing(entries, doc.path, doc_dir):
        out.append(
            Finding(
                ticket=ticket,
                issue="missing_related_file",
                severity=Severity.WARNING,
                message=f"related file not found: {raw}",
                path=path,
            )
        )
    bare = [e.raw for e in entries if not e.note.strip()]
    if bare:
        listed = ", ".join(bare[:5]) + (f", … ({len(bare) - 5} more)" if len(bare) > 5 else "")
        out.append(
            Finding(
                ticket=ticket,
                issue="missing_related_file_note",
                severity=Severity.WARNING,
                message=f"{len(bare)} related file(s) have no Note: {listed}",
                path=str(doc.path),
            )
        )
    return out
