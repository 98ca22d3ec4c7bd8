"""The HTML pages of the UI and the site: what each page shows, rendered with its template.

Each function takes the snapshot and a ``Links`` object and returns the page's HTML; the
live UI (ui.py) and the static site (site.py) call the same functions, so they show the same
thing. Data comes from views.py, the same dicts the JSON API returns."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docmgr.formats import diary as diary_format
from docmgr.formats import front_matter
from docmgr.model import Ticket
from docmgr.reports import diary_timeline
from docmgr.web import markdown, views
from docmgr.web.links import Links
from docmgr.web.render import markup, render_page
from docmgr.web.state import Snapshot, WebState

Json = dict[str, Any]


def _base(state: WebState, links: Links, title: str, nav: str) -> Json:
    return {
        "links": links,
        "title": title,
        "nav": nav,
        "workspace": os.path.basename(state.repo_root) or str(state.repo_root),
        "root_rel": os.path.relpath(state.root, state.repo_root),
    }


def _md(state: WebState, links: Links, text: str, rel: str, *, anchors: bool = True) -> Any:
    context = markdown.LinkContext(
        links, doc_rel=rel, docs_root=state.root, repo_root=state.repo_root
    )
    return markup(markdown.render(text, context, anchors=anchors))


def _body(text: str) -> str:
    parts = front_matter.split(text)
    return text[parts.body_start :] if parts is not None else text


def _without_title(body: str, title: str) -> str:
    """Drop a leading ``# Title`` the page already shows as its heading."""
    stripped = body.lstrip("\r\n")
    first, _, rest = stripped.partition("\n")
    heading = first.strip()
    if heading.startswith("# ") and heading[2:].strip().lower() == title.strip().lower():
        return rest
    return body


_NA_SECTION = re.compile(r"^#{3,6}[ \t]+[^\n]*\n(?:[ \t]*\n)*[ \t]*N/A[ \t]*\n?", re.MULTILINE)


def step_markdown(text: str) -> str:
    """A step's body as shown under its card: without the commit lines (the card shows
    them, checked) and without sub-sections that only say N/A."""
    kept = [
        line
        for line in text.splitlines(keepends=True)
        if not diary_format.BOLD_COMMIT.match(line.rstrip("\r\n"))
    ]
    return _NA_SECTION.sub("", "".join(kept))


# ---------------------------------------------------------------------------- overview pages


def home(state: WebState, snap: Snapshot, links: Links) -> str:
    summary = views.workspace_summary(state, snap)
    docs_total = sum(1 for d in snap.docs if d.meta is not None)
    return render_page(
        "home.html",
        **_base(state, links, "Overview", "home"),
        summary=summary,
        docs_total=docs_total,
        broken=[d.rel for d in snap.docs if d.meta is None and not d.is_control],
    )


@dataclass(frozen=True, slots=True)
class TicketFilters:
    status: str = ""
    topic: str = ""
    owner: str = ""
    q: str = ""
    order: str = "last_updated"


def tickets(state: WebState, snap: Snapshot, links: Links, filters: TicketFilters) -> str:
    orders = ("last_updated", "ticket", "title")
    order = filters.order if filters.order in orders else "last_updated"
    query = views.TicketQuery(
        q=filters.q,
        status=filters.status,
        topics=[filters.topic] if filters.topic else [],
        owners=[filters.owner] if filters.owner else [],
        order_by=order,
        reverse=order == "last_updated",
        include_stats=True,
    )
    items, stats = views.ticket_list(snap, query)
    all_items, _ = views.ticket_list(snap, views.TicketQuery())
    return render_page(
        "tickets.html",
        **_base(state, links, "Tickets", "tickets"),
        items=items,
        stats=stats,
        filters=filters,
        status_choices=sorted({i["status"] for i in all_items if i["status"]}),
        topic_choices=sorted({t for i in all_items for t in i["topics"]}, key=str.lower),
        owner_choices=sorted({o for i in all_items for o in i["owners"]}, key=str.lower),
        total=len(all_items),
    )


# ---------------------------------------------------------------------------- one ticket


def _is_diary_doc(rel: str, title: str) -> bool:
    return "diary" in os.path.basename(rel).lower() or "diary" in title.lower()


def ticket(state: WebState, snap: Snapshot, links: Links, ref: str) -> str:
    found: Ticket = snap.ticket(ref)
    info = views.ticket_get(snap, found.id)
    docs = views.ticket_docs(snap, found.id, page_size=100_000)["results"]
    for doc in docs:
        doc["isDiary"] = _is_diary_doc(doc["path"], doc["title"])
    tasks = views.ticket_tasks(snap, found.id)
    changelog = views.ticket_changelog(snap, found.id)
    entries = [
        {**e, "html": _md(state, links, e["body"], changelog["path"], anchors=False)}
        for e in reversed(changelog["entries"])
    ]
    _, graph = views.graph_of(snap, found.id)
    graph_json = views.graph_json(found, graph)
    related = views.ticket_related(snap, found)
    with open(found.doc.path, encoding="utf-8", errors="replace") as handle:
        index_body = _without_title(_body(handle.read()), info["title"])
    overview = _md(state, links, index_body, found.doc.rel)
    edges = [
        {
            "doc": os.path.relpath(e.from_path, state.root).replace(os.sep, "/"),
            "title": e.from_title,
            "file": e.to_path,
            "note": e.label,
        }
        for e in graph.edges
    ]
    return render_page(
        "ticket.html",
        **_base(state, links, f"{found.id} — {info['title']}", "tickets"),
        t=info,
        docs=[d for d in docs if d["path"] != found.doc.rel],
        index_path=found.doc.rel,
        tasks=tasks,
        changelog=changelog,
        entries=entries,
        related=related,
        edges=edges,
        mermaid=graph_json["mermaid"],
        graph_stats=graph_json["stats"],
        overview=overview,
    )


# ---------------------------------------------------------------------------- one document


def doc(state: WebState, snap: Snapshot, links: Links, raw_path: str) -> str:
    read = views.read_doc(state, snap, raw_path)
    rel = read.found.rel
    meta = read.json.get("doc")
    owner = next(
        (t for t in snap.tickets if rel.startswith(t.rel_dir + "/") or t.doc.rel == rel), None
    )
    if meta and meta.get("ticket"):
        try:
            owner = snap.ticket(meta["ticket"])
        except Exception:  # noqa: BLE001 - a doc may name a ticket that does not exist
            pass
    timeline = None
    if read.meta is not None and diary_timeline.is_diary(read.found.path, read.text):
        timeline = diary_timeline.timeline(snap.ws, read.found.path, rev=state.rev, docs=snap.docs)
    title = (meta or {}).get("title") or ""
    context: Json = {
        **_base(state, links, title or rel, "tickets"),
        "path": rel,
        "meta": meta,
        "related": read.json["relatedFiles"],
        "stats": read.json["stats"],
        "diagnostic": read.json.get("diagnostic"),
        "owner": owner,
        "timeline": None,
        "body": None,
    }
    if timeline is not None:
        body_start = len(read.text) - len(_body(read.text))
        steps = []
        for step in timeline.steps:
            steps.append(
                {
                    "step": step,
                    "html": _md(
                        state,
                        links,
                        step_markdown(read.text[step.body_start : step.end]),
                        rel,
                        anchors=False,
                    ),
                }
            )
        counts: dict[str, int] = {}
        for step in timeline.steps:
            for commit in step.commits or []:
                counts[commit.status] = counts.get(commit.status, 0) + 1
            if not step.commits:
                counts["none"] = counts.get("none", 0) + 1
        context["timeline"] = {
            "rev": timeline.rev,
            "git_error": timeline.git_error,
            "preamble": _md(
                state,
                links,
                _without_title(read.text[body_start : timeline.preamble_end], title),
                rel,
            ),
            "steps": steps,
            "counts": counts,
        }
    else:
        context["body"] = _md(state, links, _without_title(read.json["body"], title), rel)
    return render_page("doc.html", **context)


def file(state: WebState, links: Links, root: str, raw_path: str) -> str:
    shown = views.file_get(state, root, raw_path)
    return render_page(
        "file.html",
        **_base(state, links, shown["path"], ""),
        f=shown,
        raw=links.raw(shown["root"], shown["path"]),
    )


# ---------------------------------------------------------------------------- search, health


def search(
    state: WebState, snap: Snapshot, links: Links, *, q: str = "", mode: str = "docs"
) -> str:
    mode = mode if mode in ("docs", "reverse", "files") else "docs"
    results: Sequence[Json] = []
    error = ""
    if q.strip() and not links.site:
        try:
            if mode == "files":
                results = views.search_files(snap, ticket="", topics=[], query=q, limit=200)[
                    "results"
                ]
            else:
                params = views.DocSearch(
                    query=q.strip(),
                    reverse=mode == "reverse",
                    order_by="rank" if mode == "docs" else "path",
                    page_size=200,
                )
                results = views.search_docs(snap, params)["results"]
        except Exception as exc:  # noqa: BLE001 - shown on the page, e.g. a bad path filter
            error = getattr(exc, "message", str(exc))
    return render_page(
        "search.html",
        **_base(state, links, "Search", "search"),
        q=q,
        mode=mode,
        results=results,
        error=error,
    )


def health(state: WebState, snap: Snapshot, links: Links, ticket_ref: str = "") -> str:
    report = views.workspace_doctor(snap, ticket_ref, 30)
    root = str(state.root) + os.sep
    for finding in report["findings"]:
        finding["rel"] = finding["path"].removeprefix(root) if finding["path"] else ""
    ordered = sorted(
        report["findings"],
        key=lambda f: ({"error": 0, "warning": 1, "info": 2}.get(f["severity"], 3), f["ticket"]),
    )
    return render_page(
        "health.html",
        **_base(state, links, "Health", "health"),
        report=report,
        findings=[f for f in ordered if f["severity"] != "ok"],
        known={t.id for t in snap.tickets},
    )


def error(state: WebState, links: Links, status: int, message: str) -> str:
    return render_page(
        "error.html", **_base(state, links, f"{status}", ""), status=status, message=message
    )
