"""What every endpoint and page shows, built from the library as JSON-ready dicts.

The HTTP API serialises these dicts (keys as in the Go tool, spec §9); the web UI and the
static site render the same dicts with templates, so a page never shows something the API
would not. Reads go through one ``Snapshot`` of the shared index; writes go through ops/."""

from __future__ import annotations

import base64
import json
import mimetypes
import os
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docmgr.errors import (
    DocmgrError,
    FrontMatterError,
    RequestRefused,
    TaskNotFound,
    UnknownField,
    spell,
)
from docmgr.formats import changelog as changelog_format
from docmgr.formats import front_matter
from docmgr.formats import related as related_format
from docmgr.formats import tasks as tasks_format
from docmgr.model import Doc, DocMeta, Ticket
from docmgr.ops import changelog as changelog_ops
from docmgr.ops import meta as meta_ops
from docmgr.ops import relate as relate_ops
from docmgr.ops import tasks as tasks_ops
from docmgr.reports import doctor as doctor_report
from docmgr.reports import file_suggestions
from docmgr.reports import graph as graph_report
from docmgr.reports import search as search_report
from docmgr.seams import dates, paths
from docmgr.seams.clock import format_rfc3339
from docmgr.seams.fsio import read_text
from docmgr.store import related_paths, vocabulary
from docmgr.store.ticket_files import task_counts
from docmgr.web.gate import Confined, confine, read_limited
from docmgr.web.state import MAX_DOC_BYTES, MAX_RAW_BYTES, MAX_TEXT_BYTES, Snapshot, WebState

Json = dict[str, Any]


# ---------------------------------------------------------------------------- small helpers


def refuse(status: int, code: str, message: str, **details: object) -> RequestRefused:
    """An API error (status, code, message, details) for the JSON error envelope."""
    return RequestRefused(status, code, message, dict(details) if details else None)


def iso(at: datetime | None) -> str:
    """RFC 3339 in UTC, as the Go tool writes ``updatedAt``."""
    return format_rfc3339(at.astimezone(UTC)) if at is not None else ""


def mtime(doc: Doc) -> datetime:
    return datetime.fromtimestamp(doc.mtime_ns / 1e9, UTC)


def updated_at(doc: Doc) -> str:
    """LastUpdated when the document has one, else its file's modification time."""
    if doc.meta is not None and doc.meta.last_updated is not None:
        return iso(doc.meta.last_updated)
    return iso(mtime(doc))


def _segments(rel: str) -> list[str]:
    return rel.split("/")[:-1]


def is_archived(rel: str) -> bool:
    return "archive" in _segments(rel)


def is_scripts(rel: str) -> bool:
    return "scripts" in _segments(rel)


def encode_cursor(offset: int) -> str:
    """Opaque cursor: base64url (no padding) of ``{"v":1,"o":<offset>}``; '' for offset 0."""
    if offset <= 0:
        return ""
    raw = json.dumps({"v": 1, "o": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(raw: str) -> int:
    raw = raw.strip()
    if not raw:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, TypeError):
        raise refuse(400, "invalid_cursor", "invalid cursor") from None
    if not isinstance(data, dict) or data.get("v") != 1:
        raise refuse(400, "invalid_cursor", "invalid cursor version")
    offset = data.get("o")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise refuse(400, "invalid_cursor", "invalid cursor offset")
    return offset


def paginate(items: Sequence[Any], cursor: str, size: int) -> tuple[list[Any], str]:
    """(the page at ``cursor``, the next cursor or '')."""
    offset = min(decode_cursor(cursor), len(items))
    end = min(offset + size, len(items))
    return list(items[offset:end]), encode_cursor(end) if end < len(items) else ""


def _ticket_or_refuse(snap: Snapshot, ref: str) -> Ticket:
    ref = ref.strip()
    if not ref:
        raise refuse(400, "invalid_argument", "missing ticket", field="ticket")
    return snap.ticket(ref)  # TicketNotFound → 404, TicketAmbiguous → 400 (api maps them)


def doc_json(meta: DocMeta) -> Json:
    """A document's front matter under its JSON names (spec §3.1)."""
    out = meta.as_json()
    if meta.last_updated is not None:
        out["lastUpdated"] = format_rfc3339(meta.last_updated)
    return out


# ---------------------------------------------------------------------------- tickets


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketQuery:
    q: str = ""
    status: str = ""
    ticket: str = ""
    topics: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    intent: str = ""
    order_by: str = "last_updated"
    reverse: bool = False
    include_archived: bool = True
    include_stats: bool = False
    page_size: int = 200
    cursor: str = ""

    def echo(self) -> Json:
        return {
            "q": self.q,
            "status": self.status,
            "ticket": self.ticket,
            "topics": self.topics or None,
            "owners": self.owners or None,
            "intent": self.intent,
            "orderBy": self.order_by,
            "reverse": self.reverse,
            "includeArchived": self.include_archived,
            "includeStats": self.include_stats,
            "pageSize": self.page_size,
            "cursor": self.cursor,
        }


def related_total(snap: Snapshot, docs: Sequence[Doc]) -> int:
    """Distinct related files of these documents (identity: the resolved path)."""
    keys: set[str] = set()
    for doc in docs:
        if doc.meta is None:
            continue
        bases = related_paths.Bases.for_doc(snap.ws, doc.path)
        for entry in doc.meta.related_files:
            key = related_paths.resolve(entry.path, bases).key or entry.path.strip()
            if key:
                keys.add(key)
    return len(keys)


def ticket_stats(snap: Snapshot, ticket: Ticket) -> Json:
    docs = snap.ticket_docs(ticket)
    open_, done = task_counts(ticket.dir)
    return {
        "docsTotal": len(docs),
        "tasksTotal": open_ + done,
        "tasksDone": done,
        "relatedFilesTotal": related_total(snap, docs),
    }


def ticket_item(snap: Snapshot, ticket: Ticket, *, stats: bool = False, snippet: str = "") -> Json:
    meta = ticket.doc.meta
    assert meta is not None
    return {
        "ticket": ticket.id,
        "title": meta.title.strip(),
        "status": meta.status.strip(),
        "topics": list(meta.topics),
        "owners": list(meta.owners),
        "intent": meta.intent.strip(),
        "createdAt": ticket.created_at,
        "updatedAt": updated_at(ticket.doc),
        "ticketDir": ticket.rel_dir,
        "indexPath": ticket.doc.rel,
        "snippet": snippet,
        "stats": ticket_stats(snap, ticket) if stats else None,
    }


def _lower(values: Sequence[str]) -> set[str]:
    return {v.strip().lower() for v in values if v.strip()}


def ticket_list(snap: Snapshot, query: TicketQuery) -> tuple[list[Json], Json]:
    """Tickets matching the filters in the requested order, and counts by status."""
    snippets: dict[str, str] | None = None
    if query.q.strip():
        found = search_report.search(
            snap.ws, search_report.Query(text=query.q, doc_type="index", order_by="path")
        )
        snippets = {hit.path: hit.snippet for hit in found.hits}
    topics, owners = _lower(query.topics), _lower(query.owners)
    items: list[Json] = []
    stats = {
        "ticketsTotal": 0,
        "ticketsActive": 0,
        "ticketsComplete": 0,
        "ticketsReview": 0,
        "ticketsDraft": 0,
    }
    for ticket in snap.tickets:
        meta = ticket.doc.meta
        assert meta is not None
        if (
            (query.status and meta.status.strip() != query.status)
            or (query.ticket and ticket.id != query.ticket)
            or (query.intent and meta.intent.strip() != query.intent)
            or (topics and not topics & _lower(meta.topics))
            or (owners and not owners & _lower(meta.owners))
            or (not query.include_archived and is_archived(ticket.doc.rel))
            or (snippets is not None and ticket.doc.rel not in snippets)
        ):
            continue
        item = ticket_item(
            snap,
            ticket,
            stats=query.include_stats,
            snippet=snippets.get(ticket.doc.rel, "") if snippets else "",
        )
        items.append(item)
        stats["ticketsTotal"] += 1
        key = {
            "active": "ticketsActive",
            "review": "ticketsReview",
            "complete": "ticketsComplete",
            "draft": "ticketsDraft",
        }.get(item["status"].lower())
        if key:
            stats[key] += 1
    if query.order_by == "ticket":
        items.sort(key=lambda i: (i["ticket"], i["indexPath"]), reverse=query.reverse)
    elif query.order_by == "title":
        items.sort(key=lambda i: (i["title"].lower(), i["ticket"]), reverse=query.reverse)
    else:
        items.sort(key=lambda i: (i["updatedAt"], i["ticket"]), reverse=query.reverse)
    return items, stats


def _doc_item(doc: Doc) -> Json:
    meta = doc.meta
    assert meta is not None
    return {
        "path": doc.rel,
        "ticket": meta.ticket.strip(),
        "title": meta.title.strip(),
        "docType": meta.doc_type.strip(),
        "status": meta.status.strip(),
        "topics": list(meta.topics),
        "updatedAt": updated_at(doc),
    }


def recent_docs(snap: Snapshot, limit: int, include_archived: bool, topic: str = "") -> list[Json]:
    items = [
        _doc_item(d)
        for d in snap.docs
        if d.meta is not None
        and not d.is_control
        and (include_archived or not is_archived(d.rel))
        and (not topic or topic.lower() in _lower(d.meta.topics))
    ]
    items.sort(key=lambda i: i["path"])
    items.sort(key=lambda i: i["updatedAt"], reverse=True)
    return items[:limit]


def workspace_status(state: WebState, snap: Snapshot) -> Json:
    ws = snap.ws
    config = ws.config
    return {
        "root": str(state.root),
        "configDir": str(ws.config_dir),
        "repoRoot": str(state.repo_root),
        "configPath": str(config.path) if config is not None else "",
        "vocabularyPath": str(state.root / "vocabulary.yaml"),
        "indexedAt": format_rfc3339(snap.at),
        "docsIndexed": len(snap.docs),
        "ftsAvailable": True,
    }


def workspace_summary(state: WebState, snap: Snapshot) -> Json:
    tickets, stats = ticket_list(snap, TicketQuery(reverse=True))
    return {
        "root": str(state.root),
        "repoRoot": str(state.repo_root),
        "indexedAt": format_rfc3339(snap.at),
        "docsIndexed": len(snap.docs),
        "stats": stats,
        "recent": {"tickets": tickets[:10], "docs": recent_docs(snap, 10, True)},
    }


def workspace_facets(snap: Snapshot, include_archived: bool) -> Json:
    try:
        vocab = vocabulary.load(snap.ws.vocabulary_path)
    except DocmgrError:
        vocab = None
    docs = [d.meta for d in snap.docs if d.meta and (include_archived or not is_archived(d.rel))]

    def derived(values: Sequence[str]) -> list[str]:
        return sorted({v.strip() for v in values if v.strip()})

    def pick(category: str, values: Sequence[str]) -> list[str]:
        slugs = vocab.slugs(category) if vocab is not None else []
        return sorted(s for s in slugs if s.strip()) or derived(values)

    return {
        "statuses": pick("status", [m.status for m in docs]),
        "docTypes": pick("docTypes", [m.doc_type for m in docs]),
        "intents": pick("intent", [m.intent for m in docs]),
        "topics": pick("topics", [t for m in docs for t in m.topics]),
        "owners": derived([o for m in docs for o in m.owners]),
    }


def workspace_recent(
    snap: Snapshot, tickets_limit: int, docs_limit: int, include_archived: bool
) -> Json:
    tickets, _ = ticket_list(snap, TicketQuery(reverse=True, include_archived=include_archived))
    return {
        "tickets": tickets[:tickets_limit],
        "docs": recent_docs(snap, docs_limit, include_archived),
    }


def workspace_topics(snap: Snapshot, include_archived: bool) -> Json:
    groups: dict[str, dict[str, Any]] = {}
    for doc in snap.docs:
        if doc.meta is None or (not include_archived and is_archived(doc.rel)):
            continue
        for topic in doc.meta.topics:
            key = topic.strip().lower()
            if not key:
                continue
            group = groups.setdefault(
                key, {"names": [], "docs": 0, "tickets": set(), "updated": ""}
            )
            group["names"].append(topic.strip())
            group["docs"] += 1
            group["tickets"].add(doc.meta.ticket.strip())
            group["updated"] = max(group["updated"], updated_at(doc))
    results = [
        {
            "topic": min(g["names"]),
            "docsTotal": g["docs"],
            "ticketsTotal": len(g["tickets"]),
            "updatedAt": g["updated"],
        }
        for g in groups.values()
    ]
    results.sort(key=lambda r: (-r["ticketsTotal"], -r["docsTotal"], r["topic"].lower()))
    return {"total": len(results), "results": results}


def workspace_topic(snap: Snapshot, topic: str, include_archived: bool, docs_limit: int) -> Json:
    if not topic.strip():
        raise refuse(400, "invalid_argument", "missing topic", field="topic")
    tickets, stats = ticket_list(
        snap, TicketQuery(topics=[topic], include_archived=include_archived, order_by="ticket")
    )
    return {
        "topic": topic,
        "stats": stats,
        "tickets": tickets,
        "docs": recent_docs(snap, docs_limit, include_archived, topic=topic),
    }


def workspace_doctor(snap: Snapshot, ticket_ref: str, stale_after: int) -> Json:
    """The doctor's findings (read-only: never ``--fix``), with a per-ticket rollup."""
    ticket_id = snap.ticket(ticket_ref).id if ticket_ref.strip() else ""
    report = doctor_report.check(
        snap.ws,
        ticket=ticket_id,
        all_tickets=not ticket_id,
        stale_after=stale_after,
        check_commits=bool(ticket_id),
    )
    findings = []
    rollup: dict[str, Json] = {}
    totals = {"findings": 0, "errors": 0, "warnings": 0, "infos": 0, "ticketsChecked": 0}
    for f in report.findings:
        findings.append(
            {
                "ticket": f.ticket,
                "issue": f.issue,
                "severity": str(f.severity),
                "message": f.message,
                "path": f.path,
            }
        )
        totals["findings"] += 1
        item = rollup.setdefault(
            f.ticket, {"ticket": f.ticket, "errors": 0, "warnings": 0, "infos": 0, "status": "ok"}
        )
        if f.severity == "error":
            totals["errors"] += 1
            item["errors"] += 1
            item["status"] = "error"
        elif f.severity == "warning":
            totals["warnings"] += 1
            item["warnings"] += 1
            if item["status"] != "error":
                item["status"] = "warning"
        elif f.severity == "info":
            totals["infos"] += 1
            item["infos"] += 1
    ordered = [rollup[k] for k in sorted(rollup)]
    totals["ticketsChecked"] = len(ordered)
    return {"ticket": ticket_id, "totals": totals, "rollup": ordered, "findings": findings}


# ---------------------------------------------------------------------------- search


@dataclass(frozen=True, slots=True, kw_only=True)
class DocSearch:
    query: str = ""
    ticket: str = ""
    topics: list[str] = field(default_factory=list)
    doc_type: str = ""
    status: str = ""
    file: str = ""
    dir: str = ""
    external_source: str = ""
    since: str = ""
    until: str = ""
    created_since: str = ""
    updated_since: str = ""
    order_by: str = "path"
    reverse: bool = False
    include_archived: bool = True
    include_scripts: bool = True
    include_control_docs: bool = True
    include_diagnostics: bool = True
    include_errors: bool = False
    page_size: int = 200
    cursor: str = ""

    def echo(self) -> Json:
        return {
            "query": self.query,
            "ticket": self.ticket,
            "topics": self.topics or None,
            "docType": self.doc_type,
            "status": self.status,
            "file": self.file,
            "dir": self.dir,
            "externalSource": self.external_source,
            "since": self.since,
            "until": self.until,
            "createdSince": self.created_since,
            "updatedSince": self.updated_since,
            "orderBy": self.order_by,
            "reverse": self.reverse,
            "pageSize": self.page_size,
            "cursor": self.cursor,
        }


_DRIVE = re.compile(r"^[A-Za-z]:[/\\]")


def check_path_filter(value: str, name: str) -> None:
    """Reverse-lookup filters must be plain relative paths inside the workspace (spec §9)."""
    if not value:
        return
    if len(value) > 4096 or "\x00" in value or "://" in value:
        raise refuse(400, "invalid_argument", "invalid path filter", field=name, value=value)
    if value.startswith(("/", "\\")) or _DRIVE.match(value):
        raise refuse(400, "invalid_argument", "path filter must be relative", field=name)
    cleaned = posixpath.normpath(value.replace("\\", "/"))
    if cleaned == ".." or cleaned.startswith("../") or "/../" in f"/{cleaned}/":
        raise refuse(
            400, "invalid_argument", "path filter must stay within the workspace", field=name
        )


def _date(snap: Snapshot, value: str, name: str) -> datetime | None:
    if not value:
        return None
    try:
        return dates.parse(value, snap.ws.clock.now())
    except ValueError as exc:
        raise refuse(
            400, "invalid_argument", f"invalid {name} date: {exc}", field=name, value=value
        ) from None


def prepare_doc_search(params: DocSearch) -> DocSearch:
    """Validate filters and apply the Go tool's conveniences (reverse moves query to file)."""
    check_path_filter(params.file, "file")
    check_path_filter(params.dir, "dir")
    if params.order_by not in search_report.ORDERS:
        raise refuse(
            400, "invalid_argument", "invalid orderBy", field="orderBy", value=params.order_by
        )
    query, file = params.query, params.file
    if params.reverse and not params.file and not params.dir:
        if not params.query:
            raise refuse(
                400, "invalid_argument", "reverse search requires file or dir", field="reverse"
            )
        query, file = "", params.query
        check_path_filter(file, "file")
    order = params.order_by
    if order == "rank" and not query:
        order = "path"
    return DocSearch(
        **{
            **{name: getattr(params, name) for name in params.__dataclass_fields__},
            "query": query,
            "file": file,
            "order_by": order,
        }
    )


def _related_pairs(doc: Doc | None) -> list[Json]:
    if doc is None or doc.meta is None:
        return []
    return [{"path": r.path, "note": r.note} for r in doc.meta.related_files]


def search_docs(snap: Snapshot, params: DocSearch) -> Json:
    """Full-text and filtered search (spec §6) with the API's paging and visibility flags."""
    params = prepare_doc_search(params)
    query = search_report.Query(
        text=params.query,
        ticket=params.ticket,
        topics=params.topics,
        doc_type=params.doc_type,
        status=params.status,
        file=params.file,
        dir=params.dir,
        external_source=params.external_source,
        since=_date(snap, params.since, "since"),
        until=_date(snap, params.until, "until"),
        created_since=_date(snap, params.created_since, "createdSince"),
        updated_since=_date(snap, params.updated_since, "updatedSince"),
        order_by=params.order_by,
        allow_empty=True,
    )
    hits = search_report.search(snap.ws, query).hits
    results: list[Json] = []
    for hit in hits:
        doc = snap.by_rel.get(hit.path)
        if (
            (not params.include_archived and is_archived(hit.path))
            or (not params.include_scripts and is_scripts(hit.path))
            or (not params.include_control_docs and doc is not None and doc.is_control)
        ):
            continue
        item: Json = {
            "ticket": hit.ticket,
            "title": hit.title,
            "docType": hit.doc_type,
            "status": hit.status,
            "topics": list(hit.topics),
            "path": hit.path,
            "snippet": hit.snippet,
            "relatedFiles": _related_pairs(doc),
            "matchedFiles": [m[0] for m in hit.matched],
            "matchedNotes": [m[1] for m in hit.matched if m[1]],
        }
        if doc is not None and doc.meta is not None and doc.meta.last_updated is not None:
            item["lastUpdated"] = format_rfc3339(doc.meta.last_updated)
        results.append(item)
    broken = [d for d in snap.docs if d.meta is None and not d.is_control]
    if params.include_errors and not query.has_filter():
        for doc in broken:
            results.append(
                {
                    "ticket": doc.ticket,
                    "title": "",
                    "docType": "",
                    "status": "",
                    "topics": [],
                    "path": doc.rel,
                    "snippet": "",
                    "relatedFiles": [],
                    "matchedFiles": [],
                    "matchedNotes": [],
                    "error": doc.error,
                }
            )
    page, next_cursor = paginate(results, params.cursor, params.page_size)
    diagnostics = (
        [
            {
                "path": d.rel,
                "severity": "error",
                "reason": "invalid_frontmatter",
                "message": d.error,
                "line": d.error_line,
            }
            for d in broken
        ]
        if params.include_diagnostics
        else []
    )
    return {
        "query": params.echo(),
        "total": len(results),
        "results": page,
        "diagnostics": diagnostics,
        "nextCursor": next_cursor,
    }


def search_files(snap: Snapshot, *, ticket: str, topics: list[str], query: str, limit: int) -> Json:
    found = file_suggestions.search_files(
        snap.ws, ticket=ticket, topics=topics, query=query, limit=limit, docs=snap.docs
    )
    return {"total": len(found), "results": [s.row() for s in found]}


# ---------------------------------------------------------------------------- docs and files


def resolve_related(snap: Snapshot, doc_path: Path, meta: DocMeta | None) -> list[Json]:
    """RelatedFiles entries resolved for viewers: anchor, root repo|docs|abs, exists."""
    if meta is None:
        return []
    bases = related_paths.Bases.for_doc(snap.ws, doc_path)
    repo, docs = bases.repo_root, bases.docs_root
    out = []
    for entry in meta.related_files:
        item: Json = {"path": entry.path}
        if entry.note:
            item["note"] = entry.note
        anchor = related_format.parse_anchor(entry.path)
        if anchor is not None:
            item["anchor"] = anchor[0]
        resolved = related_paths.resolve(entry.path, bases)
        target = resolved.path
        if target is not None:
            if paths.is_inside(repo, target):
                item["root"], base = "repo", repo
            elif paths.is_inside(docs, target):
                item["root"], base = "docs", docs
            else:
                item["root"], base = "abs", None
            item["resolvedPath"] = (
                Path(os.path.relpath(target, base)).as_posix() if base else target.as_posix()
            )
        item["exists"] = resolved.exists
        out.append(item)
    return out


def _file_stats(found: Confined) -> Json:
    return {
        "sizeBytes": found.size,
        "modTime": format_rfc3339(datetime.fromtimestamp(found.mtime_ns / 1e9, UTC)),
    }


@dataclass(frozen=True, slots=True)
class DocRead:
    """A document as read for viewing: the API's dict plus the full text."""

    json: Json
    text: str
    found: Confined
    meta: DocMeta | None


def read_doc(state: WebState, snap: Snapshot, raw_path: str) -> DocRead:
    found = confine(state.root, raw_path)
    data, truncated = read_limited(found, MAX_DOC_BYTES)
    if truncated:
        raise refuse(
            413, "too_large", f"document is larger than {MAX_DOC_BYTES} bytes", field="path"
        )
    text = data.decode("utf-8", errors="replace")
    meta: DocMeta | None = None
    diagnostic: Json | None = None
    try:
        meta, parts = front_matter.read(text, path=found.rel)
        body = text[parts.body_start :]
    except FrontMatterError as exc:
        split = front_matter.split(text)
        body = text[split.body_start :] if split is not None else text
        diagnostic = {
            "severity": "error",
            "reason": "invalid_frontmatter",
            "message": exc.problem,
            "line": exc.line,
            "path": found.rel,
        }
    out: Json = {"path": found.rel}
    if meta is not None:
        out["doc"] = doc_json(meta)
    out["relatedFiles"] = resolve_related(snap, found.path, meta)
    out["body"] = body
    out["stats"] = _file_stats(found)
    if diagnostic is not None:
        out["diagnostic"] = diagnostic
    return DocRead(out, text, found, meta)


_LANGUAGES = {
    "go": "go",
    "ts": "typescript",
    "tsx": "typescript",
    "js": "javascript",
    "jsx": "javascript",
    "json": "json",
    "yaml": "yaml",
    "yml": "yaml",
    "md": "markdown",
    "sh": "bash",
    "bash": "bash",
    "py": "python",
    "rb": "ruby",
    "rs": "rust",
    "java": "java",
    "c": "c",
    "h": "c",
    "cpp": "cpp",
    "cc": "cpp",
    "cxx": "cpp",
    "hpp": "cpp",
    "html": "html",
    "htm": "html",
    "css": "css",
    "toml": "toml",
    "sql": "sql",
}


def file_root(state: WebState, root: str) -> Path:
    root = (root or "repo").strip().lower()
    if root == "repo":
        return state.repo_root
    if root == "docs":
        return state.root
    raise refuse(400, "invalid_argument", "invalid root", field="root", value=root)


def content_type(path: Path, head: bytes = b"") -> str:
    """By extension, else sniffed from the first bytes, else octet-stream."""
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed:
        return guessed
    for magic, kind in (
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"%PDF-", "application/pdf"),
    ):
        if head.startswith(magic):
            return kind
    if head[:12].startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if b"\x00" not in head[:512]:
        try:
            head[:512].decode("utf-8")
            return "text/plain; charset=utf-8"
        except UnicodeDecodeError:
            pass
    return "application/octet-stream"


def file_get(state: WebState, root: str, raw_path: str) -> Json:
    """A text file for the viewer (truncated at 2 MiB; binary or non-UTF-8 → 415)."""
    found = confine(file_root(state, root), raw_path)
    data, truncated = read_limited(found, MAX_TEXT_BYTES)
    if b"\x00" in data:
        raise refuse(415, "unsupported_media_type", "binary file not supported", field="path")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not truncated or exc.start < len(data) - 3:
            raise refuse(
                415, "unsupported_media_type", "file is not valid UTF-8", field="path"
            ) from None
        text = data[: exc.start].decode("utf-8")  # the limit cut a character in two
    ext = found.path.suffix.lower().lstrip(".")
    guessed, _ = mimetypes.guess_type(found.path.name)
    return {
        "path": found.rel,
        "root": (root or "repo").strip().lower(),
        "language": _LANGUAGES.get(ext, ""),
        "contentType": guessed or "text/plain; charset=utf-8",
        "truncated": truncated,
        "content": text,
        "stats": _file_stats(found),
    }


def file_raw(state: WebState, root: str, raw_path: str) -> tuple[bytes, str]:
    """Raw bytes and their content type (over 20 MiB → 413)."""
    found = confine(file_root(state, root), raw_path)
    if found.size > MAX_RAW_BYTES:
        raise refuse(413, "too_large", f"file is larger than {MAX_RAW_BYTES} bytes", field="path")
    data, truncated = read_limited(found, MAX_RAW_BYTES)
    if truncated:
        raise refuse(413, "too_large", f"file is larger than {MAX_RAW_BYTES} bytes", field="path")
    return data, content_type(found.path, data[:512])


# ---------------------------------------------------------------------------- one ticket


def ticket_get(snap: Snapshot, ref: str) -> Json:
    ticket = _ticket_or_refuse(snap, ref)
    meta = ticket.doc.meta
    assert meta is not None
    return {
        "ticket": ticket.id,
        "title": meta.title.strip(),
        "status": meta.status.strip(),
        "intent": meta.intent.strip(),
        "owners": list(meta.owners),
        "topics": list(meta.topics),
        "createdAt": ticket.created_at,
        "updatedAt": updated_at(ticket.doc),
        "ticketDir": ticket.rel_dir,
        "indexPath": ticket.doc.rel,
        "stats": ticket_stats(snap, ticket),
    }


def ticket_docs(
    snap: Snapshot,
    ref: str,
    *,
    order_by: str = "path",
    include_archived: bool = True,
    include_scripts: bool = True,
    include_control_docs: bool = True,
    page_size: int = 200,
    cursor: str = "",
) -> Json:
    if order_by not in ("path", "last_updated"):
        raise refuse(400, "invalid_argument", "invalid orderBy", field="orderBy", value=order_by)
    decode_cursor(cursor)
    ticket = _ticket_or_refuse(snap, ref)
    docs = [
        d
        for d in snap.ticket_docs(ticket)
        if (include_archived or not is_archived(d.rel))
        and (include_scripts or not is_scripts(d.rel))
        and (include_control_docs or not d.is_control)
    ]
    if order_by == "last_updated":
        docs.sort(key=lambda d: (updated_at(d), d.rel))
    items = []
    for doc in docs:
        meta = doc.meta
        assert meta is not None
        item: Json = {
            "path": doc.rel,
            "title": meta.title.strip(),
            "docType": meta.doc_type.strip(),
            "status": meta.status.strip(),
            "topics": list(meta.topics),
            "summary": meta.summary.strip(),
            "relatedFiles": [{"path": r.path, "note": r.note} for r in meta.related_files],
        }
        if meta.last_updated is not None:
            item["lastUpdated"] = format_rfc3339(meta.last_updated)
        items.append(item)
    page, next_cursor = paginate(items, cursor, page_size)
    return {"ticket": ticket.id, "total": len(items), "results": page, "nextCursor": next_cursor}


def _control_file(ticket: Ticket, name: str) -> Path:
    """The ticket's tasks.md / changelog.md, confined to the docs root (writes: .md only)."""
    return paths.resolve_inside(ticket.dir, name)


def ticket_tasks(snap: Snapshot, ref: str) -> Json:
    ticket = _ticket_or_refuse(snap, ref)
    path = _control_file(ticket, "tasks.md")
    rel = snap.ws.rel(path)
    if not path.is_file():
        return {
            "ticket": ticket.id,
            "exists": False,
            "tasksPath": rel,
            "stats": {"total": 0, "done": 0},
            "sections": [],
        }
    text = tasks_ops.read_file(path)
    sections = []
    total = done = 0
    for title, items in tasks_format.sections(text):
        rows = []
        for task in items:
            row: Json = {"id": task.position, "checked": task.checked, "text": task.text}
            if task.stable_id:
                row["stableId"] = task.stable_id
            rows.append(row)
            total += 1
            done += int(task.checked)
        sections.append({"title": title, "items": rows})
    return {
        "ticket": ticket.id,
        "exists": True,
        "tasksPath": rel,
        "stats": {"total": total, "done": done},
        "sections": sections,
    }


def graph_of(
    snap: Snapshot,
    ref: str,
    *,
    direction: str = "TD",
    include_archived: bool = False,
    include_scripts: bool = False,
    include_control_docs: bool = True,
) -> tuple[Ticket, graph_report.Graph]:
    """The ticket's documents and the files they relate (what ``ticket graph`` draws)."""
    ticket = _ticket_or_refuse(snap, ref)
    if direction not in graph_report.DIRECTIONS:
        raise refuse(400, "invalid_argument", f"invalid direction: {direction}", field="direction")
    graph = graph_report.build(
        snap.ws,
        ticket=ticket.id,
        include_control_docs=include_control_docs,
        include_archived=include_archived,
        include_scripts=include_scripts,
    )
    return ticket, graph


def ticket_graph(snap: Snapshot, ref: str, *, direction: str = "TD", **flags: bool) -> Json:
    ticket, graph = graph_of(snap, ref, direction=direction, **flags)
    return graph_json(ticket, graph, direction)


def graph_json(ticket: Ticket, graph: graph_report.Graph, direction: str = "TD") -> Json:
    return {
        "ticket": ticket.id,
        "direction": direction,
        "mermaid": graph_report.render(graph, fmt="mermaid", direction=direction),
        "stats": {"nodes": len(graph.docs) + len(graph.files), "edges": len(graph.edges)},
    }


def ticket_changelog(snap: Snapshot, ref: str) -> Json:
    ticket = _ticket_or_refuse(snap, ref)
    path = _control_file(ticket, "changelog.md")
    rel = snap.ws.rel(path)
    if not path.is_file():
        return {"ticket": ticket.id, "exists": False, "path": rel, "entries": []}
    entries = changelog_format.parse(read_text(path))
    return {
        "ticket": ticket.id,
        "exists": True,
        "path": rel,
        "entries": [
            {"date": e.date, "title": e.title, "heading": e.heading, "body": e.body}
            for e in entries
        ],
    }


def ticket_related(snap: Snapshot, ticket: Ticket) -> list[Json]:
    """Every related file of the ticket's documents, once, with the documents that cite it."""
    merged: dict[str, Json] = {}
    for doc in snap.ticket_docs(ticket):
        for item in resolve_related(snap, doc.path, doc.meta):
            key = f"{item.get('root', '')}:{item.get('resolvedPath', item['path'])}"
            entry = merged.setdefault(key, {**item, "notes": [], "docs": []})
            if item.get("note") and item["note"] not in entry["notes"]:
                entry["notes"].append(item["note"])
            if doc.rel not in entry["docs"]:
                entry["docs"].append(doc.rel)
    return sorted(merged.values(), key=lambda e: str(e.get("resolvedPath", e["path"])))


# ---------------------------------------------------------------------------- writes


def _text(body: Json, key: str) -> str:
    value = body.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise refuse(400, "invalid_argument", f"{key} must be a string", field=key)
    return value


def tasks_check(state: WebState, snap: Snapshot, body: Json) -> Json:
    ticket = _ticket_or_refuse(snap, _text(body, "ticket"))
    refs_raw = body.get("refs") or []
    ids_raw = body.get("ids") or []
    if not isinstance(refs_raw, list) or not isinstance(ids_raw, list):
        raise refuse(400, "invalid_argument", "refs and ids must be lists", field="refs")
    refs = [str(r).strip() for r in refs_raw if str(r).strip()]
    if not refs:
        refs = [str(i) for i in ids_raw if isinstance(i, int) and not isinstance(i, bool)]
    if not refs:
        raise refuse(400, "invalid_argument", "missing refs", field="refs")
    checked = body.get("checked", False)
    if not isinstance(checked, bool):
        raise refuse(400, "invalid_argument", "checked must be true or false", field="checked")
    path = confine(state.root, snap.ws.rel(_control_file(ticket, "tasks.md")), markdown_only=True)
    try:
        with state.write_lock:
            tasks_ops.check_tasks(path.path, ids=refs, checked=checked)
    except TaskNotFound as exc:
        raise refuse(
            400, "invalid_argument", spell(exc.message), field="refs", tasks=spell(exc.hint)
        ) from None
    return {"ok": True}


def tasks_add(state: WebState, snap: Snapshot, body: Json) -> Json:
    ticket = _ticket_or_refuse(snap, _text(body, "ticket"))
    text = _text(body, "text").strip()
    if not text:
        raise refuse(400, "invalid_argument", "missing text", field="text")
    section = _text(body, "section").strip() or "TODO"
    path = _control_file(ticket, "tasks.md")
    with state.write_lock:
        tasks_ops.add_task(path, text=text, section=section)
    return {"ok": True}


def changelog_add(state: WebState, snap: Snapshot, body: Json) -> Json:
    ticket = _ticket_or_refuse(snap, _text(body, "ticket"))
    entry = _text(body, "entry")
    if not entry.strip():
        raise refuse(400, "invalid_argument", "missing entry", field="entry")
    path = _control_file(ticket, "changelog.md")
    with state.write_lock:
        done = changelog_ops.update(snap.ws, path, entry=entry, title=_text(body, "title"))
    return {"ok": True, "ticket": ticket.id, "path": snap.ws.rel(path), "date": done.date}


def _frontmatter_ok(found: Confined) -> None:
    try:
        front_matter.read(read_text(found.path), path=found.rel)
    except FrontMatterError as exc:
        raise refuse(422, "invalid_frontmatter", str(exc), path=found.rel) from None


def doc_meta(state: WebState, snap: Snapshot, body: Json) -> Json:
    raw = _text(body, "path").strip()
    field_name = _text(body, "field").strip()
    if not raw:
        raise refuse(400, "invalid_argument", "missing path", field="path")
    if not field_name:
        raise refuse(400, "invalid_argument", "missing field", field="field")
    value_raw = body.get("value", "")
    if isinstance(value_raw, list):
        value = ",".join(str(v) for v in value_raw)
    elif isinstance(value_raw, (str, int, float)) and not isinstance(value_raw, bool):
        value = str(value_raw)
    else:
        raise refuse(400, "invalid_argument", "value must be a string", field="value")
    try:
        meta_ops.canonical_field(field_name)
    except UnknownField as exc:
        raise refuse(400, "invalid_argument", str(exc), field="field", value=field_name) from None
    found = confine(state.root, raw, markdown_only=True)
    _frontmatter_ok(found)
    with state.write_lock:
        outcome = meta_ops.update_doc(snap.ws, found.path, field=field_name, value=value)
    if not outcome.ok:
        raise refuse(500, "internal", outcome.error)
    return {"path": found.rel, "field": field_name, "value": value, "status": "updated"}


def doc_relate(state: WebState, snap: Snapshot, body: Json) -> Json:
    raw = _text(body, "path").strip()
    if not raw:
        raise refuse(400, "invalid_argument", "missing path", field="path")
    add = body.get("add") or []
    remove = body.get("remove") or []
    if not isinstance(add, list) or not isinstance(remove, list):
        raise refuse(400, "invalid_argument", "add and remove must be lists", field="add")
    if not add and not remove:
        raise refuse(
            400, "invalid_argument", "nothing to do: provide add and/or remove", field="add"
        )
    pairs: list[tuple[str, str]] = []
    for item in add:
        if not isinstance(item, dict) or not str(item.get("path") or "").strip():
            raise refuse(400, "invalid_argument", "add entries need a non-empty path", field="add")
        pairs.append((str(item["path"]).strip(), str(item.get("note") or "")))
    removals = [str(r) for r in remove if str(r).strip()]
    found = confine(state.root, raw, markdown_only=True)
    _frontmatter_ok(found)
    try:
        with state.write_lock:
            result = relate_ops.relate(
                snap.ws, found.path, file_notes=pairs, remove=removals, require_notes=False
            )
    except FrontMatterError as exc:
        raise refuse(422, "invalid_frontmatter", str(exc), path=found.rel) from None
    return {
        "path": found.rel,
        "added": result.added,
        "updated": result.updated,
        "removed": result.removed,
        "total": result.total,
        "status": result.status,
    }
