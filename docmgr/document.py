"""Documents: add them to a ticket (numbered, typed, templated) and resolve ``--doc`` refs."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from docmgr import paths, templates
from docmgr.errors import DocmgrError, DocNotFound, FrontMatterError
from docmgr.ticket import Ticket
from docmgr.workspace import Doc, Workspace, load_docs

_PREFIX = re.compile(r"^(\d{2,3})-")


def next_number(folder: Path) -> int:
    """1 + the largest ``NN-``/``NNN-`` prefix among ``.md`` files directly in ``folder``."""
    highest = 0
    if folder.is_dir():
        for name in os.listdir(folder):
            match = _PREFIX.match(name)
            if match and name.lower().endswith(".md"):
                highest = max(highest, int(match.group(1)))
    return highest + 1


def numbered_name(number: int, slug: str) -> str:
    return f"{number:02d}-{slug}.md" if number < 100 else f"{number:03d}-{slug}.md"


@dataclass(frozen=True, slots=True)
class Added:
    ticket: str
    doc_type: str
    title: str
    path: Path


def add(
    ws: Workspace,
    ticket: Ticket,
    *,
    doc_type: str,
    title: str,
    topics: list[str] | None = None,
    owners: list[str] | None = None,
    status: str = "",
    intent: str = "",
    summary: str = "",
    external_sources: list[str] | None = None,
    related_files: list[str] | None = None,
    body: str | None = None,
) -> Added:
    """Write ``<ticket>/<doc-type>/NN-<slug>.md`` with metadata inherited from the ticket."""
    from docmgr import front_matter
    from docmgr.front_matter import RelatedFile
    from docmgr.fsio import atomic_write, folder_lock

    paths.validate_segment(doc_type, what="doc type")
    if not title.strip():
        raise DocmgrError("title is empty", 'pass --title "What this document is"')
    index = ticket.doc.meta
    if index is None:
        raise FrontMatterError("failed to read ticket metadata", path=ticket.doc.rel)
    folder = paths.resolve_inside(ws.root, ticket.rel_dir + "/" + doc_type)
    folder.mkdir(parents=True, exist_ok=True)
    now = ws.clock.now()
    doc_topics = [t.strip() for t in topics if t.strip()] if topics else list(index.topics)
    doc_owners = [o.strip() for o in owners if o.strip()] if owners else list(index.owners)
    doc_status = status or index.status
    doc_intent = intent or index.intent or "long-term"
    header = {
        "Title": title,
        "Ticket": ticket.id,
        "Status": doc_status,
        "Topics": doc_topics,
        "DocType": doc_type,
        "Intent": doc_intent,
        "Owners": doc_owners,
        "RelatedFiles": [RelatedFile(p.strip()) for p in related_files or [] if p.strip()],
        "ExternalSources": [e.strip() for e in external_sources or [] if e.strip()],
        "Summary": summary,
        "LastUpdated": now,
        "WhatFor": "",
        "WhenToUse": "",
    }
    if body is None:
        template = templates.template_body(ws.root, doc_type)
        body = (
            templates.fill(
                template,
                title=title,
                ticket=ticket.id,
                status=doc_status,
                date=now.strftime("%Y-%m-%d"),
                summary=summary,
                topics=doc_topics,
                owners=doc_owners,
            )
            if template
            else ""
        )
    slug = paths.doc_slug(title)
    with folder_lock(folder):  # two `doc add` at once must not pick the same number
        number = next_number(folder)
        for _ in range(1000):
            target = folder / numbered_name(number, slug)
            if not target.exists():
                break
            number += 1
        else:  # pragma: no cover - needs 1000 colliding files
            raise DocmgrError(f"document already exists: {target}")
        atomic_write(target, front_matter.new_document(header, body))
    return Added(ticket.id, doc_type, title, target)


def resolve_ref(ws: Workspace, ref: str, docs: list[Doc] | None = None) -> Path:
    """Resolve a ``--doc`` reference (spec §1.7): abs, cwd, repo, docs root, suffix match."""
    ref = ref.strip()
    if not ref or "\x00" in ref:
        raise DocNotFound("doc reference is empty", "pass --doc <path to the .md file>")
    candidate = Path(ref)
    if candidate.is_absolute():
        if candidate.is_file():
            return candidate
        raise DocNotFound(f"doc not found: {candidate}")
    for base in (ws.cwd, ws.repo_root, ws.root):
        path = base / ref
        if path.is_file():
            return Path(os.path.abspath(path))
    stripped = ref.replace("\\", "/")
    prefix = ws.root.name + "/"
    while stripped.startswith(prefix):
        stripped = stripped[len(prefix) :]
        path = ws.root / stripped
        if path.is_file():
            return path
    suffix = stripped.strip("/")
    pool = docs if docs is not None else (load_docs(ws) if ws.root.is_dir() else [])
    matches = [d.path for d in pool if d.rel == suffix or d.rel.endswith("/" + suffix)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        listing = ", ".join(ws.rel(m) for m in matches)
        raise DocmgrError(
            f'doc reference "{ref}" is ambiguous; candidates: {listing}', "pass more of the path"
        )
    raise DocNotFound(
        f'doc not found: "{ref}" (tried absolute, cwd-relative, repo-relative, and '
        "docs-root-relative paths)"
    )


def ticket_of(ws: Workspace, path: Path, tickets: list[Ticket]) -> Ticket | None:
    """The ticket whose folder contains ``path`` (deepest match)."""
    best: Ticket | None = None
    for t in tickets:
        if paths.is_inside(t.dir, path) and (best is None or len(str(t.dir)) > len(str(best.dir))):
            best = t
    return best
