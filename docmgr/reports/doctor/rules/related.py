"""RelatedFiles findings: missing_related_file and missing_related_file_note."""

from __future__ import annotations

import os
from pathlib import Path

from docmgr.formats import related as related_format
from docmgr.model import Doc, Finding, Severity
from docmgr.store import related_paths
from docmgr.store.workspace import Workspace


class Resolver:
    """Existence of RelatedFiles entries, with anchored paths resolved by plain string joins.

    ``related_paths.resolve`` is the reference; anchored entries (the common case) only need
    a join, and the same folder related from many docs is stat-ed once.
    """

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.repo = os.path.abspath(ws.repo_root)
        self.docs = os.path.abspath(ws.root)
        self.config = os.path.abspath(ws.config_dir)
        self.docs_parent = os.path.dirname(self.docs)
        self.gowork = related_paths.find_gowork(ws.repo_root)
        self.exists_cache: dict[str, bool] = {}

    def _exists(self, path: str) -> bool:
        return os.path.exists(path)

    def _folder_exists(self, path: str) -> bool:
        """Cached: folders are few, while related file paths can be hundreds of thousands."""
        known = self.exists_cache.get(path)
        if known is None:
            known = self.exists_cache[path] = os.path.isdir(path)
        return known

    def exists(self, raw: str, doc_path: Path) -> bool:
        """Whether the entry ``raw`` of the doc at ``doc_path`` names an existing file."""
        parsed = related_format.parse_anchor(raw)
        if parsed is not None and parsed[0] in ("repo", "docs", "abs", "doc"):
            scheme, rest = parsed
            base = {"repo": self.repo, "docs": self.docs, "abs": "/", "doc": str(doc_path.parent)}[
                scheme
            ]
            return self._exists(os.path.abspath(os.path.join(base, rest)))
        if parsed is not None:  # ws:// needs the go.work rules
            bases = related_paths.Bases(
                repo_root=Path(self.repo),
                docs_root=Path(self.docs),
                config_dir=Path(self.config),
                doc_dir=Path(os.path.abspath(doc_path.parent)),
                gowork_dir=self.gowork,
            )
            return related_paths.resolve(raw, bases).exists
        # legacy bare string (spec §3.5): first base that keeps it inside its fence and exists
        text = raw.strip().replace("\\", "/")
        if text == "~" or text.startswith("~/"):
            text = str(Path.home()) + text[1:]
        cleaned = os.path.normpath(text) if text else ""
        if not cleaned or cleaned == ".":
            return False
        if cleaned.startswith("/"):
            return self._exists(cleaned)
        # "exists" does not depend on which base wins: any existing candidate will do
        return any(
            self._candidate(base, fence, cleaned)
            for base, fence in (
                (self.repo, self.repo),
                (os.path.dirname(str(doc_path)), self.repo),
                (self.config, self.config),
                (self.docs, self.docs),
                (self.docs_parent, self.docs_parent),
            )
        )

    def _candidate(self, base: str, fence: str, cleaned: str) -> bool:
        candidate = os.path.normpath(os.path.join(base, cleaned))
        if not (candidate == fence or candidate.startswith(fence.rstrip("/") + "/")):
            return False
        parent = os.path.dirname(candidate)  # one stat per missing folder, not per file in it
        return self._folder_exists(parent) and self._exists(candidate)


def related_files(doc: Doc, ticket: str, resolver: Resolver) -> list[Finding]:
    """A warning per entry that names no existing file, then one for entries without a Note."""
    meta = doc.meta
    if meta is None or not meta.related_files:
        return []
    out: list[Finding] = []
    for entry in meta.related_files:
        if not resolver.exists(entry.path, doc.path):
            out.append(
                Finding(
                    ticket=ticket,
                    issue="missing_related_file",
                    severity=Severity.WARNING,
                    message=f"related file not found: {entry.path}",
                    path=str(doc.path),
                )
            )
    bare = [e.path for e in meta.related_files if not e.note.strip()]
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
