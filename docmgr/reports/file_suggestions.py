"""File suggestions (spec §6.7): which code files a ticket is probably about.

Sources, first one wins for a file: the RelatedFiles of the documents in scope, files of the
last 30 commits, the working tree (modified, staged, untracked), and a content match of the
first query word (or topic) in the repository's code files. Git trouble (no repository)
silently contributes nothing, as in the Go tool.

Two places where we do the right thing rather than the Go tool's: the content search looks
through the repository (the Go tool greps the ticket's docs folder, where code rarely lives),
and ``repo://a.go`` and git's ``a.go`` count as one file."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docmgr.errors import GitLinkError
from docmgr.formats import related as related_format
from docmgr.model import Doc
from docmgr.store import diaries, index, lookup
from docmgr.store.workspace import Workspace

CODE_EXTENSIONS = frozenset(
    {".go", ".ts", ".tsx", ".js", ".jsx", ".py", ".rs", ".java", ".kt", ".scala"}
)


_SKIP_DIRS = frozenset({".git", "node_modules", "vendor", ".venv", "__pycache__", "dist"})


_MAX_SCANNED = 5000  # content search stops after this many code files


_MAX_BYTES = 1 << 20  # and reads at most this much of each


@dataclass(frozen=True, slots=True)
class Suggestion:
    file: str
    source: str
    reason: str

    def row(self) -> dict[str, str]:
        return {"file": self.file, "source": self.source, "reason": self.reason}


def _is_code(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in CODE_EXTENSIONS


def _git(ws: Workspace) -> list[Suggestion]:
    try:
        repo = diaries.open_repo(ws, "")
    except GitLinkError:
        return []
    try:
        out = [
            Suggestion(name, "git_history", "recent commit activity")
            for name in repo.recent_files(30)
            if _is_code(name)
        ]
        reasons = {
            "modified": "working tree modified",
            "staged": "staged for commit",
            "untracked": "untracked new file",
        }
        for kind, names in repo.worktree_files().items():
            out += [Suggestion(n, f"git_{kind}", reasons[kind]) for n in names if _is_code(n)]
        return out
    except Exception:  # noqa: BLE001 - any git failure contributes nothing (spec §6.7)
        return []
    finally:
        repo.close()


def _content(folder: Path, term: str, base: Path) -> list[Suggestion]:
    needle = term.encode("utf-8")
    out: list[Suggestion] = []
    scanned = 0
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if not _is_code(name):
                continue
            scanned += 1
            if scanned > _MAX_SCANNED:
                return out
            path = Path(current) / name
            try:
                with open(path, "rb") as handle:
                    data = handle.read(_MAX_BYTES)
            except OSError:
                continue
            if needle in data:
                rel = os.path.relpath(path, base).replace(os.sep, "/")
                out.append(Suggestion(rel, "ripgrep", f"content match: {term}"))
    return out


def same_file_key(file: str) -> str:
    """What makes two suggestions the same file: ``repo://a.go`` and git's ``a.go`` are one.

    (The Go tool deduplicates by the literal string and lists such a file twice.)"""
    anchored = related_format.parse_anchor(file)
    if anchored is not None and anchored[0] == "repo":
        return anchored[1]
    return posixpath.normpath(file.strip()) if file.strip() else file


def first_term(query: str, topics: Sequence[str]) -> str:
    """The word a content search looks for: the query's first word, else the first topic."""
    words = query.split()
    return words[0] if words else (topics[0] if topics else "")


def referenced(
    docs: Sequence[Doc], *, ticket_dir: Path | None = None, topics: Sequence[str] = ()
) -> list[Suggestion]:
    """RelatedFiles of the parseable docs in scope (one ticket's folder, or all), any topic."""
    wanted = {t.lower() for t in topics}
    found: list[Suggestion] = []
    for doc in docs:
        if doc.meta is None:
            continue
        if ticket_dir is not None and not str(doc.path).startswith(str(ticket_dir) + os.sep):
            continue
        if wanted and not wanted & {t.lower() for t in doc.meta.topics}:
            continue
        found += [
            Suggestion(r.path, "related_files", "referenced by documents")
            for r in doc.meta.related_files
            if r.path.strip()
        ]
    return found


def collect(
    ws: Workspace,
    docs: Sequence[Doc],
    *,
    ticket_dir: Path | None = None,
    topics: Sequence[str] = (),
    query: str = "",
) -> list[Suggestion]:
    """Every suggestion of every source, in source order, duplicates kept (relate merges
    the reasons of one file; ``suggest`` keeps the first)."""
    found = referenced(docs, ticket_dir=ticket_dir, topics=topics)
    found += _git(ws)
    term = first_term(query, topics)
    if term:
        found += _content(ws.repo_root, term, ws.repo_root)
    return found


def suggest(
    ws: Workspace,
    docs: Sequence[Doc],
    *,
    ticket_dir: Path | None = None,
    topics: Sequence[str] = (),
    query: str = "",
) -> list[Suggestion]:
    """Suggest files for the docs root (or one ticket's folder), deduplicated and sorted."""
    found = collect(ws, docs, ticket_dir=ticket_dir, topics=topics, query=query)
    unique: dict[str, Suggestion] = {}
    for item in found:
        unique.setdefault(same_file_key(item.file), item)
    return sorted(unique.values(), key=lambda s: (s.source, s.file))


def search_files(
    ws: Workspace,
    *,
    ticket: str = "",
    topics: Sequence[str] = (),
    query: str = "",
    limit: int = 0,
    docs: Sequence[Doc] | None = None,
) -> list[Suggestion]:
    """``search --files`` and ``GET /api/v1/search/files`` (spec §6.7): the one entry point.

    A forgiving ``ticket`` reference narrows the scope to that ticket's folder (unknown or
    ambiguous references raise, as everywhere); ``docs`` are the documents the caller
    already holds (the web server's snapshot), else the index is read. ``limit`` 0 = all.
    """
    if docs is None:
        docs = index.load_docs(ws)
    ticket_dir = lookup.resolve_ticket(ws, ticket, docs=list(docs)).dir if ticket.strip() else None
    found = suggest(ws, docs, ticket_dir=ticket_dir, topics=topics, query=query)
    return found[:limit] if limit > 0 else found
