"""File suggestions (spec §6.7): which code files a ticket is probably about.

Sources, first one wins for a file: the RelatedFiles of the documents in scope, files of the
last 30 commits, the working tree (modified, staged, untracked), and a content match of the
first query word (or topic) in code files under the search folder. Git trouble (no
repository) silently contributes nothing, as in the Go tool."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docmgr.errors import GitLinkError
from docmgr.model import Doc
from docmgr.store import diaries
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


def suggest(
    ws: Workspace,
    docs: Sequence[Doc],
    *,
    ticket_dir: Path | None = None,
    topics: Sequence[str] = (),
    query: str = "",
) -> list[Suggestion]:
    """Suggest files for the docs root (or one ticket's folder), deduplicated and sorted."""
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
    found += _git(ws)
    term = query.split()[0] if query.split() else (topics[0] if topics else "")
    if term:
        folder = ticket_dir if ticket_dir is not None else ws.root
        found += _content(folder, term, ws.repo_root)
    unique: dict[str, Suggestion] = {}
    for item in found:
        unique.setdefault(item.file, item)
    return sorted(unique.values(), key=lambda s: (s.source, s.file))
