"""Tickets: find them (forgiving references), create their workspaces, summarise them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docmgr import paths, templates
from docmgr.errors import TicketAmbiguous, TicketExists, TicketNotFound, UsageProblem
from docmgr.workspace import Doc, Workspace, load_docs

SCAFFOLD_DIRS = (
    "design",
    "reference",
    "playbooks",
    "scripts",
    "sources",
    ".meta",
    "various",
    "archive",
)
_DATE_PREFIX = re.compile(r"^(\d{4})/(\d{2})/(\d{2})/")


@dataclass(slots=True)
class Ticket:
    """A ticket: a parseable document with ``DocType: index``; its folder is the workspace."""

    id: str
    doc: Doc
    others: list[Doc] = field(default_factory=list)  # further index docs with the same id

    @property
    def dir(self) -> Path:
        return self.doc.path.parent

    @property
    def rel_dir(self) -> str:
        rel = self.doc.rel.rsplit("/", 1)
        return rel[0] if len(rel) == 2 else "."

    @property
    def title(self) -> str:
        return self.doc.meta.title if self.doc.meta else ""

    @property
    def status(self) -> str:
        return self.doc.meta.status if self.doc.meta else ""

    @property
    def topics(self) -> list[str]:
        return list(self.doc.meta.topics) if self.doc.meta else []

    @property
    def last_updated(self) -> datetime | None:
        return self.doc.meta.last_updated if self.doc.meta else None

    @property
    def created_at(self) -> str:
        match = _DATE_PREFIX.match(self.doc.rel)
        return f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else ""


def tickets_from_docs(docs: list[Doc]) -> list[Ticket]:
    """Group index documents by ticket id (duplicates are kept and marked)."""
    by_id: dict[str, Ticket] = {}
    order: list[Ticket] = []
    for doc in docs:
        if not doc.is_index or doc.meta is None:
            continue
        tid = doc.meta.ticket
        if tid in by_id:
            by_id[tid].others.append(doc)
            continue
        ticket = Ticket(tid, doc)
        by_id[tid] = ticket
        order.append(ticket)
    return order


def _unique(found: list[Ticket]) -> list[Ticket]:
    seen: dict[str, Ticket] = {}
    for t in found:
        seen.setdefault(t.id, t)
    return list(seen.values())


def resolve(ref: str, tickets: list[Ticket]) -> Ticket:
    """Resolve a forgiving ticket reference (spec §1.6): id, prefix, folder name, substring."""
    ref = ref.strip()
    if not ref:
        raise UsageProblem("missing ticket id", "pass --ticket <ID>")
    lowered = ref.lower()
    stages: list[Callable[[], list[Ticket]]] = [
        lambda: (
            [t for t in tickets if t.id == ref] or [t for t in tickets if t.id.lower() == lowered]
        ),
        lambda: [t for t in tickets if t.id.lower().startswith(lowered)],
        lambda: _by_folder(ref, tickets),
        lambda: [t for t in tickets if lowered in t.id.lower()],
    ]
    for stage in stages:
        found = _unique(stage())
        if len(found) == 1:
            return _single(ref, found[0])
        if len(found) > 1:
            ids = ", ".join(sorted(t.id for t in found))
            raise TicketAmbiguous(f'ticket ambiguous: "{ref}" matches multiple tickets: {ids}')
    raise TicketNotFound(f'ticket not found: "{ref}"')


def _by_folder(ref: str, tickets: list[Ticket]) -> list[Ticket]:
    segment = ref.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].lower()
    found = [t for t in tickets if t.dir.name.lower() == segment]
    if found or "--" not in segment:
        return found
    head = segment.split("--", 1)[0]
    return [t for t in tickets if t.id.lower() == head] or [
        t for t in tickets if t.id.lower().startswith(head)
    ]


def _single(ref: str, ticket: Ticket) -> Ticket:
    if ticket.others:
        listing = ", ".join(d.rel for d in [ticket.doc, *ticket.others])
        raise TicketAmbiguous(
            f'ticket ambiguous: "{ticket.id}" has multiple index docs: {listing}',
            "remove or rename the duplicate workspace",
        )
    return ticket


def find(ws: Workspace, ref: str, docs: list[Doc] | None = None) -> Ticket:
    """Resolve ``ref`` against the workspace's tickets."""
    if docs is None:
        from docmgr.search_index import index_docs  # only the index docs, straight from SQL

        docs = index_docs(ws, ticket_id=ref)
    return resolve(ref, tickets_from_docs(docs))


# --------------------------------------------------------------------------- create


@dataclass(frozen=True, slots=True)
class Created:
    ticket: str
    title: str
    path: Path
    dirs: list[str]
    files: list[str]


def create(
    ws: Workspace,
    *,
    ticket: str,
    title: str,
    topics: list[str],
    path_template: str = paths.DEFAULT_PATH_TEMPLATE,
    force: bool = False,
) -> Created:
    """Create a ticket workspace: index.md, README.md, tasks.md, changelog.md and folders."""
    from docmgr import front_matter
    from docmgr.fsio import atomic_write

    paths.validate_ticket_id(ticket)
    if not title.strip():
        raise UsageProblem("title is empty", 'pass --title "What this ticket is about"')
    now = ws.clock.now()
    slug = paths.ticket_slug(ticket, title)
    rel = paths.render_path_template(path_template, ticket=ticket, title=title, slug=slug, when=now)
    target = paths.resolve_inside(ws.root, rel)
    if ws.root.is_dir() and not force:
        for existing in tickets_from_docs(load_docs(ws)):
            if existing.id.lower() == ticket.lower():
                raise TicketExists(f"ticket {existing.id} already exists at {existing.dir}")
    if (target / "index.md").exists() and not force:
        # another ticket's folder (a --path-template without {{TICKET}}): keeping its files
        # and reporting success would leave the new ticket without an index
        raise TicketExists(
            f"{target / 'index.md'} already exists (another ticket's workspace)",
            "use a --path-template that includes {{TICKET}}, or pass --force",
        )
    ws.root.mkdir(parents=True, exist_ok=True)
    made_dirs: list[str] = []
    for sub in ("", *SCAFFOLD_DIRS):
        folder = target / sub if sub else target
        folder.mkdir(parents=True, exist_ok=True)
        made_dirs.append(ws.rel(folder))
    owners = list(ws.config.owners) if ws.config else []
    intent = (ws.config.intent if ws.config else "") or "long-term"
    date = now.strftime("%Y-%m-%d")
    body = templates.template_body(ws.root, "index")
    if body is None:
        body = f"# {title}\n\nDocument workspace for {ticket}.\n"
    body = templates.fill(
        body,
        title=title,
        ticket=ticket,
        status="active",
        date=date,
        summary="",
        topics=topics,
        owners=owners,
    )
    header = {
        "Title": title,
        "Ticket": ticket,
        "Status": "active",
        "Topics": topics,
        "DocType": "index",
        "Intent": intent,
        "Owners": owners,
        "RelatedFiles": [],
        "ExternalSources": [],
        "Summary": "",
        "LastUpdated": now,
        "WhatFor": "",
        "WhenToUse": "",
    }
    readme = templates.builtin_text("templates", "README.md.tmpl") or "# {{TITLE}}\n"
    readme = readme.replace("{{TITLE}}", title).replace("{{TICKET}}", ticket)
    files = {
        "index.md": front_matter.new_document(header, body),
        "README.md": readme,
        "tasks.md": "# Tasks\n\n## TODO\n\n",
        "changelog.md": f"# Changelog\n\n## {date}\n\n- Initial workspace created\n\n",
    }
    written: list[str] = []
    for name, content in files.items():
        path = target / name
        if path.exists() and not force:
            continue
        atomic_write(path, content)
        written.append(ws.rel(path))
    return Created(ticket, title, target, made_dirs, written)


# --------------------------------------------------------------------------- summaries


@dataclass(slots=True)
class Summary:
    ticket: Ticket
    tasks_open: int
    tasks_done: int
    docs: list[Doc] = field(default_factory=list)
    changelog_head: str = ""


def task_counts(ticket_dir: Path) -> tuple[int, int]:
    """(open, done) from the ticket's tasks.md; (0, 0) when it is missing."""
    from docmgr import tasks

    try:
        with open(ticket_dir / "tasks.md", encoding="utf-8", errors="replace") as handle:
            return tasks.counts(handle.read())
    except OSError:
        return 0, 0


def summarize(ws: Workspace, ticket: Ticket, docs: list[Doc] | None = None) -> Summary:
    """Everything ``ticket show`` prints: counts, documents, last changelog heading."""
    from docmgr import changelog

    open_, done = task_counts(ticket.dir)
    prefix = ticket.rel_dir + "/" if ticket.rel_dir != "." else ""
    all_docs = docs if docs is not None else load_docs(ws)
    mine = [d for d in all_docs if d.ok and d.rel.startswith(prefix)]
    head = ""
    try:
        with open(ticket.dir / "changelog.md", encoding="utf-8", errors="replace") as handle:
            head = changelog.last_heading(handle.read())
    except OSError:
        pass
    return Summary(ticket, open_, done, sorted(mine, key=lambda d: d.rel), head)
