"""Document verbs that write: doc add, move, renumber, layout-fix."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docmgr.errors import Command, DocmgrError, FrontMatterError, Param, UsageProblem
from docmgr.formats import front_matter
from docmgr.model import RelatedFile, Ticket
from docmgr.seams import paths
from docmgr.seams.fsio import atomic_write, folder_lock, read_text
from docmgr.seams.journal import Transaction
from docmgr.store import lookup, templates
from docmgr.store.index import load_docs
from docmgr.store.staging import Plan, folders_under, locked, stage_dirs
from docmgr.store.workspace import Workspace


def next_number(folder: Path) -> int:
    """1 + the largest ``NN-``/``NNN-`` prefix among ``.md`` files directly in ``folder``."""
    highest = 0
    if folder.is_dir():
        for name in os.listdir(folder):
            number = paths.numeric_prefix(name)
            if number is not None and name.lower().endswith(".md"):
                highest = max(highest, number)
    return highest + 1


def numbered_name(number: int, slug: str) -> str:
    return paths.with_numeric_prefix(number, f"{slug}.md")


@dataclass(frozen=True, slots=True)
class Added:
    ticket: str
    doc_type: str
    title: str
    path: Path
    status: str = ""
    intent: str = ""
    topics: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()


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

    paths.validate_segment(doc_type, what="doc type")
    if not title.strip():
        raise DocmgrError("title is empty", ("pass ", Param("title", '"What this document is"')))
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
    return Added(
        ticket.id,
        doc_type,
        title,
        target,
        status=doc_status,
        intent=doc_intent,
        topics=tuple(doc_topics),
        owners=tuple(doc_owners),
    )


_CONTROL = frozenset({"index.md", "readme.md", "tasks.md", "changelog.md"})


# Folders layout-fix leaves alone: archived docs, scripts and sources live there on purpose.
_LAYOUT_EXEMPT = frozenset({"archive", "scripts", "sources", ".meta"})


@dataclass(frozen=True, slots=True)
class DocMoved:
    source_ticket: str
    dest_ticket: str
    source: Path
    dest: Path
    time: datetime


def move(
    ws: Workspace, doc_ref: str, *, dest_ticket: str, dest_dir: str = "", overwrite: bool = False
) -> DocMoved:
    """Move a document into another ticket, setting its ``Ticket`` to the destination's id.

    A document that lies in no ticket folder at all (doctor's ``orphan_markdown``) may be
    moved too: it lands in the destination ticket's folder (or ``dest_dir``), whatever its
    ``Ticket`` said.
    """

    docs = load_docs(ws)
    source = paths.confine(
        ws.root, lookup.resolve_ref(ws, doc_ref, docs), cwd=ws.cwd, purpose="write", what="document"
    )
    meta, _ = front_matter.read(read_text(source), path=str(source))
    orphan = not any(paths.is_inside(t.dir, source) for t in lookup.tickets_from_docs(docs))
    if not meta.ticket and not orphan:
        raise DocmgrError(
            f"source document missing Ticket in frontmatter: {source}",
            ("set it with ", Command("meta update", doc=str(source), field="Ticket", value="<ID>")),
        )
    src_dir: Path | None = None
    src_id = meta.ticket
    if not orphan:
        src_ticket = lookup.resolve_ticket(ws, meta.ticket, docs=docs)
        if not paths.is_inside(src_ticket.dir, source):
            raise DocmgrError(
                "document is not inside its ticket directory",
                f"expected it under {src_ticket.dir}",
            )
        src_dir, src_id = src_ticket.dir, src_ticket.id
    dst_ticket = lookup.resolve_ticket(
        ws, dest_ticket, docs=docs, param=Param("dest_ticket", "<ID>")
    )
    if dest_dir:
        rel = dest_dir.strip().replace("\\", "/").strip("/") + "/" + source.name
    elif src_dir is None:
        rel = source.name
    else:
        rel = source.relative_to(src_dir).as_posix()
    dest = Path(os.path.abspath(dst_ticket.dir / rel))
    if "\x00" in rel or not paths.is_inside(dst_ticket.dir, dest) or dest == dst_ticket.dir:
        raise UsageProblem(
            "dest-dir must stay within the ticket", "pass a relative folder such as design-doc"
        )
    dest = paths.confine(ws.root, dest, cwd=ws.cwd, purpose="write", what="destination")
    if dest == source:
        raise DocmgrError(
            f"document is already at {dest}",
            ("pass another ", Param("dest_ticket"), " or ", Param("dest_dir")),
        )
    if dest.exists() and not overwrite:
        raise DocmgrError(
            ("destination file already exists (use ", Param("overwrite"), f" to replace): {dest}"),
            ("pass ", Param("overwrite"), " or another ", Param("dest_dir")),
        )
    with locked([source.parent, _nearest_folder(dest)]):
        plan = Plan(ws, f"move {ws.display(source)}")
        text = plan.edit(source, {"Ticket": dst_ticket.id})
        plan.check()
        assert text is not None
        label = f"doc move {ws.rel(source)} -> {ws.rel(dest)}"
        with Transaction(ws.root, label) as tx:
            stage_dirs(tx, dest.parent)
            tx.write(dest, text)
            tx.remove(source)
    return DocMoved(src_id, dst_ticket.id, source, dest, ws.clock.now())


def _nearest_folder(path: Path) -> Path:
    """The deepest existing folder on the way to ``path`` (what a lock can be taken on)."""
    folder = path.parent
    while not folder.is_dir() and folder.parent != folder:
        folder = folder.parent
    return folder


@dataclass(frozen=True, slots=True)
class Rename:
    source: Path
    dest: Path
    status: str  # "renamed" | "would-move" | "moved" | "skipped: …"


def _rel(ticket_dir: Path, path: Path) -> str:
    return path.relative_to(ticket_dir).as_posix()


def _stage_renames(tx: Transaction, pairs: list[tuple[Path, Path]]) -> None:
    """Stage renames in two phases (via temporary names) so swaps and chains cannot collide."""
    staged: list[tuple[Path, Path]] = []
    for index, (src, dst) in enumerate(pairs):
        tmp = src.with_name(f".docmgr-renumber-{os.getpid()}-{index}-{src.name}")
        tx.rename(src, tmp)
        staged.append((tmp, dst))
    for tmp, dst in staged:
        stage_dirs(tx, dst.parent)
        tx.rename(tmp, dst)


def _reference_rewrites(
    plan: Plan, ticket_dir: Path, mapping: dict[str, str]
) -> list[tuple[Path, bytes]]:
    """The ticket's ``.md`` files with each old ticket-relative path replaced by its new one.

    A plain substring replacement on the bytes, so a file in another encoding that keeps
    ASCII as is (Latin-1) is rewritten too; an unreadable file is recorded in ``plan``.
    """

    if not mapping:
        return []
    table = {k.encode("utf-8"): v.encode("utf-8") for k, v in mapping.items()}
    pattern = re.compile(b"|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
    out: list[tuple[Path, bytes]] = []
    for current, dirs, files in os.walk(ticket_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("_"))
        for name in sorted(files):
            if not name.lower().endswith(".md"):
                continue
            path = Path(current) / name
            if path.is_symlink():
                continue  # never written through: the walk and doctor deal with links
            raw = plan.read_bytes(path)
            if raw is None:
                continue
            updated = pattern.sub(lambda m: table[m.group(0)], raw)
            if updated != raw:
                out.append((path, updated))
    return out


def _move_docs(ws: Workspace, ticket_dir: Path, pairs: list[tuple[Path, Path]], label: str) -> None:
    """Rename ``pairs`` inside one ticket and rewrite references to them, as one transaction."""
    with locked(folders_under(ticket_dir)):
        plan = Plan(ws, label)
        mapping = {_rel(ticket_dir, s): _rel(ticket_dir, d) for s, d in pairs}
        rewrites = _reference_rewrites(plan, ticket_dir, mapping)
        plan.check()
        with Transaction(ws.root, label) as tx:
            for path, data in rewrites:  # at the old paths: the renames carry them along
                tx.write(path, data)
            _stage_renames(tx, pairs)


def _sort_key(path: Path) -> tuple[int, str, str]:
    number = paths.numeric_prefix(path.name)
    if number is None:
        number = 10**6  # unnumbered files go after numbered ones
    return number, paths.strip_numeric_prefix(path.name), path.as_posix()


def _numbered(number: int, name: str) -> str:
    return paths.with_numeric_prefix(number, paths.strip_numeric_prefix(name))


@dataclass(frozen=True, slots=True)
class Renumbered:
    ticket: str
    path: Path
    renames: list[Rename]
    time: datetime


def renumber(ws: Workspace, ref: str) -> Renumbered:
    """Renumber docs 01-, 02-, … per first-level folder, keeping their current numeric order."""

    found = lookup.resolve_ticket(ws, ref)
    pairs: list[tuple[Path, Path]] = []
    for sub in sorted(p for p in found.dir.iterdir() if p.is_dir()):
        if sub.name.startswith("_") or sub.name == ".meta":
            continue
        files = sorted(
            (p for p in sub.rglob("*.md") if p.is_file() and not p.name.startswith(".")),
            key=_sort_key,
        )
        for number, path in enumerate(files, start=1):
            target = path.with_name(_numbered(number, path.name))
            if target != path:
                pairs.append((path, target))
    moving = {src for src, _ in pairs}
    for _src, dst in pairs:
        if dst.exists() and dst not in moving:
            raise DocmgrError(
                f"cannot renumber: {dst} already exists", "rename or remove that file first"
            )
    if pairs:
        _move_docs(ws, found.dir, pairs, f"doc renumber {found.id}")
    renames = [Rename(s, d, "renamed") for s, d in pairs]
    return Renumbered(found.id, found.dir, renames, ws.clock.now())


@dataclass(frozen=True, slots=True)
class LayoutFix:
    ticket: str
    ticket_dir: Path
    source: Path
    dest: Path
    status: str


def layout_fix(ws: Workspace, *, ticket: str = "", dry_run: bool = False) -> list[LayoutFix]:
    """Move docs whose folder is not their DocType to ``<DocType>/<name>``; never overwrite.

    A move whose destination exists is reported as skipped. Docs under archive/, scripts/,
    sources/ and .meta/ are left where they are.
    """

    docs = load_docs(ws)
    if ticket:
        chosen = [lookup.resolve_ticket(ws, ticket, docs=docs)]
    else:
        chosen = [
            t
            for t in lookup.tickets_from_docs(docs)
            if not ({"archive", "scripts"} & set(t.rel_dir.split("/")))
        ]
    results: list[LayoutFix] = []
    for tk in chosen:
        planned: list[tuple[Path, Path]] = []
        claimed: set[Path] = set()
        for doc in docs:
            if doc.meta is None or not paths.is_inside(tk.dir, doc.path) or doc.path == tk.doc.path:
                continue
            rel = _rel(tk.dir, doc.path)
            parts = rel.split("/")
            doc_type = doc.meta.doc_type.strip()
            if not doc_type or doc_type == "index" or parts[0] in _LAYOUT_EXEMPT:
                continue
            if len(parts) == 1 and parts[0].lower() in _CONTROL:
                continue
            if parts[0] == doc_type:
                continue
            try:
                paths.validate_segment(doc_type, what="DocType")
            except DocmgrError:
                results.append(
                    LayoutFix(
                        tk.id, tk.dir, doc.path, doc.path, "skipped: DocType is not a folder name"
                    )
                )
                continue
            dest = tk.dir / doc_type / doc.path.name
            if dest.exists() or dest in claimed:
                results.append(
                    LayoutFix(tk.id, tk.dir, doc.path, dest, "skipped: destination exists")
                )
                continue
            claimed.add(dest)
            planned.append((doc.path, dest))
        if not dry_run and planned:
            _move_docs(ws, tk.dir, planned, f"doc layout-fix {tk.id}")
        status = "would-move" if dry_run else "moved"
        results.extend(LayoutFix(tk.id, tk.dir, s, d, status) for s, d in planned)
    return results
