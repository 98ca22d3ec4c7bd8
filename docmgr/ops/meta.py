"""``meta update``: set one front-matter field on documents, touching only that field's lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docmgr.errors import Command, DocmgrError, Param, UnknownField, UsageProblem
from docmgr.formats import front_matter
from docmgr.model import RelatedFile
from docmgr.seams.fsio import atomic_write, file_lock, read_text
from docmgr.seams.paths import confine, is_inside
from docmgr.store import lookup
from docmgr.store.index import load_docs
from docmgr.store.workspace import Workspace

STRING_FIELDS = ("Title", "Ticket", "Status", "DocType", "Intent", "Summary")


LIST_FIELDS = ("Topics", "Owners", "ExternalSources")


FIELDS = (*STRING_FIELDS, *LIST_FIELDS, "RelatedFiles")


@dataclass(frozen=True, slots=True)
class FieldUpdate:
    """The outcome for one document: ``error`` is empty on success."""

    doc: Path
    field: str
    value: str
    error: str = ""
    failure: DocmgrError | None = None  # the error itself, whose hint says how to fix it

    @property
    def ok(self) -> bool:
        return not self.error


def canonical_field(name: str) -> str:
    """The canonical spelling of a settable field (case-insensitive), or UnknownField."""
    for known in FIELDS:
        if known.lower() == name.strip().lower():
            return known
    raise UnknownField(f"unknown field: {name}", "use one of: " + ", ".join(FIELDS))


def typed_value(field: str, value: str) -> Any:
    """Convert ``--value`` for ``field``: strings verbatim, lists comma-split and trimmed."""

    if field in STRING_FIELDS:
        return value
    items = [part.strip() for part in value.split(",") if part.strip()]
    if field == "RelatedFiles":
        return [RelatedFile(item) for item in items]
    return items


def targets(ws: Workspace, *, doc: str = "", ticket: str = "", doc_type: str = "") -> list[Path]:
    """The documents to update: ``--doc``, else the ticket's index.md (or its docs of a type)."""

    if doc:
        path = lookup.resolve_ref(ws, doc)
        return [confine(ws.root, path, cwd=ws.cwd, purpose="write", what="document")]
    if not ticket:
        raise UsageProblem(
            ("must specify either ", Param("doc"), " or ", Param("ticket")),
            ("pass ", Param("doc", "<path>"), " or ", Param("ticket", "<ID>")),
        )
    docs = load_docs(ws)
    found = lookup.resolve_ticket(ws, ticket, docs=docs)
    if not doc_type:
        return [found.doc.path]
    picked = [
        d.path
        for d in docs
        if d.meta is not None and d.meta.doc_type == doc_type and is_inside(found.dir, d.path)
    ]
    if not picked:
        raise DocmgrError(
            f"no {doc_type} documents in ticket {found.id}",
            ("run ", Command("doc list", ticket=found.id), " to see its documents"),
        )
    return picked


def update_doc(ws: Workspace, path: Path, *, field: str, value: str) -> FieldUpdate:
    """Set ``field`` and ``LastUpdated`` in one document under its lock; errors are returned."""

    name = canonical_field(field)
    typed = typed_value(name, value)
    try:
        with file_lock(path):
            text = read_text(path)
            front_matter.read(text, path=str(path))  # refuse to edit a header that does not parse
            updated = front_matter.update_fields(
                text, {name: typed, "LastUpdated": ws.clock.now()}, path=str(path)
            )
            if updated != text:
                atomic_write(path, updated)
    except DocmgrError as exc:
        return FieldUpdate(path, name, value, exc.message, exc)
    except OSError as exc:
        return FieldUpdate(path, name, value, str(exc))
    return FieldUpdate(path, name, value)


def update(ws: Workspace, paths: list[Path], *, field: str, value: str) -> list[FieldUpdate]:
    """Update every target; the caller decides how to report per-document errors."""
    canonical_field(field)
    return [update_doc(ws, path, field=field, value=value) for path in paths]
