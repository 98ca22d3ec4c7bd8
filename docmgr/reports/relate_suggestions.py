"""Which files a document (or a changelog entry) should relate: ``doc relate --suggest`` and
``changelog update --suggest`` (spec §5.16, §5.21).

The sources are those of ``search --files`` (reports/file_suggestions), with every reason of
a file kept: the RelatedFiles of the ticket's documents ("referenced by documents", plus the
notes they carry), files of the last 30 commits, the working tree, and a content match of the
first query word or topic. ``from_git`` keeps the working tree only. Files the target already
relates are left out. Read-only: ops/relate and ops/changelog apply what the user accepts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docmgr.formats import related as related_format
from docmgr.model import Doc
from docmgr.reports import file_suggestions
from docmgr.store import index, lookup, related_paths
from docmgr.store.workspace import Workspace

_WORKTREE = frozenset({"git_modified", "git_staged", "git_untracked"})


@dataclass(frozen=True, slots=True)
class Suggested:
    """One file to relate, with every reason found for it (sorted)."""

    file: str  # repo://… for files git or the content search found; stored form otherwise
    reasons: tuple[str, ...]

    @property
    def note(self) -> str:
        """The note written when the suggestion is applied: the reasons joined by ``; ``."""
        return "; ".join(self.reasons)

    def row(self) -> dict[str, str]:
        return {"file": self.file, "source": "suggested", "reason": self.note}


def _spelling(item: file_suggestions.Suggestion) -> str:
    """RelatedFiles strings stay as stored; git and content paths (repo-relative) anchored."""
    if item.source == "related_files":
        return item.file
    return f"repo://{item.file}"


def suggest(
    ws: Workspace,
    *,
    target: Path | None = None,
    ticket_dir: Path | None = None,
    from_git: bool = False,
    query: str = "",
    topics: Sequence[str] = (),
    docs: Sequence[Doc] | None = None,
    exclude: Sequence[str] = (),
) -> list[Suggested]:
    """Suggestions for ``target`` (a document; its own RelatedFiles are left out, and the
    repo-relative or ``repo://`` paths in ``exclude``), from the docs of ``ticket_dir``
    (default: the target's ticket; the whole workspace when it has none). Sorted by file."""
    if docs is None:
        docs = index.load_docs(ws)
    if ticket_dir is None and target is not None:
        found = lookup.ticket_of(ws, target, lookup.tickets_from_docs(list(docs)))
        ticket_dir = found.dir if found is not None else None
    if from_git:
        raw = [s for s in file_suggestions.collect(ws, []) if s.source in _WORKTREE]
    else:
        raw = file_suggestions.collect(ws, docs, ticket_dir=ticket_dir, topics=topics, query=query)
    notes = _known_notes(docs, ticket_dir)
    already = _related_keys(ws, target, docs) if target is not None else set()
    already |= {file_suggestions.same_file_key(path) for path in exclude}
    merged: dict[str, tuple[str, set[str]]] = {}
    for item in raw:
        key = file_suggestions.same_file_key(item.file)
        if key in already:
            continue
        spelling, reasons = merged.setdefault(key, (_spelling(item), set()))
        reasons.add(item.reason)
        reasons.update(f"note: {n}" for n in notes.get(key, ()))
    return sorted(
        (Suggested(spelling, tuple(sorted(reasons))) for spelling, reasons in merged.values()),
        key=lambda s: s.file,
    )


def _known_notes(docs: Sequence[Doc], ticket_dir: Path | None) -> dict[str, set[str]]:
    """The notes the docs in scope give each file (what "note: …" reasons repeat)."""
    out: dict[str, set[str]] = {}
    for suggestion_doc in docs:
        meta = suggestion_doc.meta
        if meta is None:
            continue
        if ticket_dir is not None and ticket_dir not in suggestion_doc.path.parents:
            continue
        for entry in meta.related_files:
            first = entry.note.strip().splitlines()[0] if entry.note.strip() else ""
            if first:
                out.setdefault(file_suggestions.same_file_key(entry.path), set()).add(first)
    return out


def _related_keys(ws: Workspace, target: Path, docs: Sequence[Doc]) -> set[str]:
    """The files ``target`` already relates, as suggestion keys."""
    meta = next((d.meta for d in docs if d.path == target), None)
    if meta is None:
        return set()
    bases = related_paths.Bases.for_doc(ws, target)
    keys: set[str] = set()
    for entry in meta.related_files:
        keys.add(file_suggestions.same_file_key(entry.path))
        resolved = related_paths.resolve(entry.path, bases).path
        if resolved is not None and related_format.parse_anchor(entry.path) is None:
            try:
                keys.add(resolved.relative_to(ws.repo_root).as_posix())
            except ValueError:
                pass
    return keys
