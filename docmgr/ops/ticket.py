"""Ticket verbs that write: create, close, rename, move."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docmgr.errors import DocmgrError, Param, TicketExists, UsageProblem
from docmgr.formats import front_matter
from docmgr.formats.changelog import render_entry
from docmgr.ops import changelog
from docmgr.seams import paths
from docmgr.seams.journal import Transaction
from docmgr.store import lookup, templates
from docmgr.store.index import load_docs
from docmgr.store.lookup import tickets_from_docs
from docmgr.store.staging import Plan, folders_under, locked, stage_dirs
from docmgr.store.ticket_files import task_counts
from docmgr.store.workspace import Workspace

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
"""The Go tool's eight scaffold folders. docmgr makes them only when asked (``scaffold_dirs``,
or the ``scaffoldDirs`` setting of ``.ttmp.yaml``): most stay empty
for life, git does not keep empty folders, and every folder is one more stat for the index's
freshness check. A doc-type folder is made when its first document is added."""


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
    scaffold_dirs: bool | None = None,
) -> Created:
    """Create a ticket workspace: index.md, README.md, tasks.md, changelog.md.

    ``scaffold_dirs`` (default: the ``scaffoldDirs`` setting of ``.ttmp.yaml``, else False)
    also makes the Go tool's eight empty sub-folders.
    """

    paths.validate_ticket_id(ticket)
    if not title.strip():
        raise UsageProblem(
            "title is empty", ("pass ", Param("title", '"What this ticket is about"'))
        )
    paths.validate_line(title, what=Param("title"))
    now = ws.clock.now()
    slug = paths.ticket_slug(ticket, title)
    rel = paths.render_path_template(path_template, ticket=ticket, title=title, slug=slug, when=now)
    paths.check_name_lengths(ws.root, ticket, what=Param("ticket"))
    paths.check_name_lengths(ws.root, rel, what=Param("title"))
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
            (
                "use a ",
                Param("path_template"),
                " that includes {{TICKET}}, or pass ",
                Param("force"),
            ),
        )
    ws.root.mkdir(parents=True, exist_ok=True)
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
    made_dirs: list[str] = []
    written: list[str] = []
    with Transaction(ws.root, f"ticket create {ticket}") as tx:  # a whole workspace or none
        if scaffold_dirs is None:
            scaffold_dirs = bool(ws.config and ws.config.scaffold_dirs)
        for sub in ("", *(SCAFFOLD_DIRS if scaffold_dirs else ())):
            folder = target / sub if sub else target
            stage_dirs(tx, folder)
            made_dirs.append(ws.rel(folder))
        for name, content in files.items():
            path = target / name
            if tx.exists(path) and not force:
                continue
            tx.write(path, content)
            written.append(ws.rel(path))
    return Created(ticket, title, target, made_dirs, written)


@dataclass(frozen=True, slots=True)
class Closed:
    ticket: str
    index: Path
    changelog: Path
    open_tasks: int
    done_tasks: int
    old_status: str
    status: str
    old_intent: str
    intent: str
    intent_updated: bool

    @property
    def all_tasks_done(self) -> bool:
        return self.open_tasks == 0 and self.done_tasks > 0


def close(
    ws: Workspace,
    ref: str,
    *,
    status: str = "complete",
    intent: str = "",
    entry: str = "Ticket closed",
) -> Closed:
    """Set Status (and Intent when given) plus LastUpdated on index.md; append a changelog entry.

    Open tasks do not stop the close; the caller warns about them.
    """

    if not status.strip():
        raise UsageProblem(
            "status is empty", ("pass ", Param("status", "complete"), " (or another status)")
        )
    found = lookup.resolve_ticket(ws, ref)
    open_, done = task_counts(found.dir)
    meta = found.doc.meta
    old_status = meta.status if meta else ""
    old_intent = meta.intent if meta else ""
    now = ws.clock.now()
    updates: dict[str, object] = {"Status": status, "LastUpdated": now}
    if intent:
        updates["Intent"] = intent
    index = found.doc.path
    log = found.dir / "changelog.md"
    block = render_entry(date=now.strftime("%Y-%m-%d"), entry=entry or "Ticket closed")
    with locked([index.parent, log.parent]):
        plan = Plan(ws, f"close ticket {found.id}")
        new_index = plan.edit(index, updates)
        current = plan.read_text(log) if log.exists() else None
        plan.check()
        assert new_index is not None
        with Transaction(ws.root, f"ticket close {found.id}") as tx:
            if plan.changed(index, new_index):
                tx.write(index, new_index)
            tx.write(log, changelog.with_block(current, block))
    return Closed(
        found.id,
        found.doc.path,
        log,
        open_,
        done,
        old_status,
        status,
        old_intent,
        intent or old_intent,
        bool(intent) and intent != old_intent,
    )


@dataclass(frozen=True, slots=True)
class Renamed:
    old: str
    new: str
    source: Path
    dest: Path
    updated_docs: list[Path] = field(default_factory=list)
    dry_run: bool = False


def _walk_md(folder: Path) -> list[Path]:
    found: list[Path] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("_"))
        found.extend(Path(current) / f for f in sorted(files) if f.lower().endswith(".md"))
    return found


def rename(ws: Workspace, ref: str, *, new_ticket: str, dry_run: bool = False) -> Renamed:
    """Give a ticket a new id: rewrite ``Ticket`` in its docs and rename its folder, or nothing.

    Every document is read and rewritten in memory first: one that has front matter docmgr
    cannot edit (not UTF-8, a header that does not parse, a key written twice) stops the
    rename before anything is written, naming it. A destination folder that exists stops it
    too (the Go tool rewrote the docs first and then failed). The rewrites and the folder
    rename are then committed as one transaction.
    """

    if ref == new_ticket:
        raise UsageProblem(
            "new ticket is identical to current ticket",
            ("pass a different ", Param("new_ticket")),
        )
    paths.validate_ticket_id(new_ticket)
    found = lookup.resolve_ticket(ws, ref)
    base = found.dir.name
    if base.startswith(found.id):
        rest = base[len(found.id) :]
    else:
        rest = "--" + base.split("--", 1)[1] if "--" in base else ""
    dest = found.dir.parent / (new_ticket + rest)
    if dest.exists():
        raise DocmgrError(
            f"target directory already exists: {dest}", "pick another id or move that folder away"
        )
    if dry_run:
        return Renamed(found.id, new_ticket, found.dir, dest, [], True)
    now = ws.clock.now()
    updates = {"Ticket": new_ticket, "LastUpdated": now}
    with locked(folders_under(found.dir)):
        plan = Plan(ws, f"rename ticket {found.id} to {new_ticket}")
        edits: list[tuple[Path, str]] = []
        for path in _walk_md(found.dir):
            text = plan.edit(path, updates, docs_only=True)
            if text is not None and plan.changed(path, text):
                edits.append((path, text))
        plan.check()
        with Transaction(ws.root, f"ticket rename {found.id} -> {new_ticket}") as tx:
            for path, text in edits:
                tx.write(path, text)
            tx.rename(found.dir, dest)
    updated = [dest / path.relative_to(found.dir) for path, _ in edits]
    return Renamed(found.id, new_ticket, found.dir, dest, updated, False)


@dataclass(frozen=True, slots=True)
class Moved:
    ticket: str
    source: Path
    dest: Path
    time: datetime


def move(ws: Workspace, ref: str, *, path_template: str = "", overwrite: bool = False) -> Moved:
    """Move a ticket folder to where the path template puts it today ({{TICKET}} = canonical id)."""

    found = lookup.resolve_ticket(ws, ref)
    now = ws.clock.now()
    title = found.title or found.id
    rel = paths.render_path_template(
        path_template or paths.DEFAULT_PATH_TEMPLATE,
        ticket=found.id,
        title=title,
        slug=paths.ticket_slug(found.id, title),
        when=now,
    )
    dest = paths.resolve_inside(ws.root, rel)
    source = Path(os.path.abspath(found.dir))
    if dest == source:
        raise DocmgrError(
            f"ticket {found.id} is already at {dest}", ("pass another ", Param("path_template"))
        )
    if paths.is_inside(source, dest):
        raise DocmgrError(
            "destination cannot be nested inside source", "pick a path template outside the ticket"
        )
    if dest.exists():
        if not overwrite:
            raise DocmgrError(
                ("destination already exists (use ", Param("overwrite"), f" to replace): {dest}"),
                ("pass ", Param("overwrite"), " or another ", Param("path_template")),
            )
        if not dest.is_dir() or any(dest.iterdir()):
            raise DocmgrError(
                f"destination is not an empty folder: {dest}",
                ("remove it first; ", Param("overwrite"), " never deletes documents"),
            )
    index = found.doc.path
    with locked([source, index.parent]):
        # best effort, like the Go tool: an index it cannot edit keeps its LastUpdated
        plan = Plan(ws, f"move ticket {found.id}")
        text = plan.edit(index, {"LastUpdated": now})
        with Transaction(ws.root, f"ticket move {found.id} -> {ws.rel(dest)}") as tx:
            if tx.exists(dest):
                tx.rmdir(dest)
            stage_dirs(tx, dest.parent)
            tx.rename(source, dest)
            if text is not None and plan.changed(index, text):
                tx.write(dest / index.name, text)
    return Moved(found.id, source, dest, now)
