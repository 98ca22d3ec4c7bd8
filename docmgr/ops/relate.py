"""doc relate: add, update and remove RelatedFiles entries of a document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docmgr.errors import FrontMatterError, Param, UsageProblem
from docmgr.formats import front_matter
from docmgr.formats.related import merge_note
from docmgr.model import RelatedFile
from docmgr.seams.fsio import atomic_write, file_lock, read_text
from docmgr.seams.paths import confine
from docmgr.store import lookup, related_paths
from docmgr.store.workspace import Workspace


@dataclass(frozen=True, slots=True)
class RelateResult:
    """What ``relate`` did to one document."""

    doc: Path
    added: int
    updated: int
    removed: int
    total: int
    status: str  # "updated" | "noop"
    reason: str = ""
    unchanged: list[str] = field(default_factory=list)
    skipped_removals: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.removed


@dataclass(slots=True)
class _Entry:
    path: str
    note: str


def collapse(entries: Sequence[RelatedFile], bases: related_paths.Bases) -> dict[str, _Entry]:
    """Key entries by identity; duplicates collapse into the first, notes merged."""
    keyed: dict[str, _Entry] = {}
    for item in entries:
        key = related_paths.resolve(item.path, bases).key or item.path.strip()
        if key in keyed:
            keyed[key].note = merge_note(keyed[key].note, item.note)
        else:
            keyed[key] = _Entry(item.path, item.note)
    return keyed


def relate(
    ws: Workspace,
    doc_path: Path,
    *,
    file_notes: list[tuple[str, str]],
    remove: Sequence[str] = (),
    require_notes: bool = True,
) -> RelateResult:
    """Add, update (merge notes) or remove RelatedFiles of one document, under its lock.

    Paths are stored anchored (``repo://…``); existing entries keep their stored string. Only
    the ``RelatedFiles`` lines change; ``LastUpdated`` is left alone (Go behaviour). The CLI
    requires a note per file; the HTTP API (``require_notes=False``) accepts bare paths.
    """

    doc_path = related_paths._abs(doc_path)
    bases = related_paths.Bases.for_doc(ws, doc_path)
    wanted: dict[str, tuple[str, str]] = {}  # key -> (stored form, note); last one wins
    for path, note in file_notes:
        if not path.strip():
            raise UsageProblem(
                "related file path is empty", ("pass ", Param("file_note", '"path:note"'))
            )
        if require_notes and not note.strip():
            raise UsageProblem(
                (Param("file_note"), f" requires a non-empty note for {path}"),
                f"use '{path}:reason'",
            )
        stored, key = related_paths.stored_form(path, bases)
        wanted[key or stored] = (stored, note.strip())
    with file_lock(doc_path):
        text = read_text(doc_path)
        try:
            meta, _ = front_matter.read(text, path=ws.rel(doc_path))
        except FrontMatterError as exc:
            raise FrontMatterError(
                f"document has invalid frontmatter (fix before relating files): {exc}",
                path="",
            ) from None
        current = collapse(meta.related_files, bases)
        collapsed = len(current) != len(meta.related_files) or any(
            e.note != r.note for e, r in zip(current.values(), meta.related_files, strict=False)
        )
        removed = 0
        skipped: list[str] = []
        for raw in remove:
            if not raw.strip():
                continue
            key = related_paths.resolve(raw, bases).key or raw.strip()
            if current.pop(key, None) is not None:
                removed += 1
            else:
                skipped.append(raw)
        added = updated = 0
        unchanged: list[str] = []
        for key, (stored, note) in wanted.items():
            if key in current:
                merged = merge_note(current[key].note, note)
                if merged != current[key].note:
                    current[key].note = merged
                    updated += 1
                else:
                    unchanged.append(current[key].path)
            else:
                current[key] = _Entry(stored, note)
                added += 1
        total = len(current)
        if added + updated + removed == 0 and not collapsed:
            if unchanged:
                reason = "file-note entries matched existing notes"
            elif remove and not file_notes:
                reason = "remove targets were not present"
            else:
                reason = "no changes requested"
            return RelateResult(doc_path, 0, 0, 0, total, "noop", reason, unchanged, skipped)
        ordered = sorted(current.values(), key=lambda e: e.path.encode("utf-8"))
        new_text = front_matter.update_fields(
            text,
            {"RelatedFiles": [RelatedFile(e.path, e.note) for e in ordered]},
            path=ws.rel(doc_path),
        )
        if new_text != text:
            atomic_write(doc_path, new_text)
    return RelateResult(doc_path, added, updated, removed, total, "updated", "", unchanged, skipped)


def target_doc(ws: Workspace, *, doc: str = "", ticket: str = "") -> Path:
    """The document ``doc relate`` edits: ``--doc`` ref, else the ticket's index.md."""

    if doc:
        path = lookup.resolve_ref(ws, doc)
        return confine(ws.root, path, cwd=ws.cwd, purpose="write", what="document")
    if ticket:
        return lookup.resolve_ticket(ws, ticket).doc.path
    raise UsageProblem(
        ("must specify either ", Param("doc"), " or ", Param("ticket")),
        ("pass ", Param("ticket", "<ID>"), " or ", Param("doc", "<path>")),
    )
