"""Search over the index (spec §6): safe FTS5 queries, filters, reverse lookup, snippets.

User text never reaches FTS5 raw: each word becomes a quoted string (``foo-bar``, ``api.go``,
``C++``, stray quotes and parentheses are searched for what they say), a trailing ``*`` keeps
prefix search, ``"a b"`` stays a phrase and upper-case ``OR``/``NOT`` between terms stay
operators. Words holding punctuation are also required literally (case-insensitively) in the
title or body, so ``api.go`` does not match "api" next to "go". ``fts=`` passes an expert's
raw FTS5 expression instead."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from docmgr.errors import Param, UsageProblem
from docmgr.store import index as index_store
from docmgr.store.index import Index, queries, sort_key
from docmgr.store.workspace import Workspace
from docmgr.tuples import NamedTuple

ORDERS = ("path", "last_updated", "rank")


_TOKEN = re.compile(r'(?:^|(?<=\s))"[^"]*(?:"|$)|\S+')


_OPERATORS = {"OR", "NOT", "AND"}


class Query(NamedTuple):
    """Everything ``search`` can filter on (all optional, AND-combined)."""

    text: str = ""
    fts: str = ""
    ticket: str = ""
    topics: Sequence[str] = ()
    doc_type: str = ""
    status: str = ""
    file: str = ""
    dir: str = ""
    external_source: str = ""
    since: datetime | None = None
    until: datetime | None = None
    created_since: datetime | None = None
    updated_since: datetime | None = None
    order_by: str = ""
    limit: int = 0
    allow_empty: bool = False  # the HTTP API lists every document for an empty query

    def has_filter(self) -> bool:
        return any(
            (
                self.text.strip(),
                self.fts.strip(),
                self.ticket,
                self.topics,
                self.doc_type,
                self.status,
                self.file,
                self.dir,
                self.external_source,
                self.since,
                self.until,
                self.created_since,
                self.updated_since,
            )
        )


class Hit(NamedTuple):
    """One search result (glaze columns of spec §5.14)."""

    ticket: str
    title: str
    doc_type: str
    status: str
    topics: list[str]
    path: str
    snippet: str
    file: str = ""
    file_note: str = ""
    last_updated: str = ""
    matched: tuple[tuple[str, str], ...] = ()  # (display path, note) of each matched entry

    def row(self, *, with_file: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ticket": self.ticket,
            "title": self.title,
            "doc_type": self.doc_type,
            "status": self.status,
            "topics": list(self.topics),
            "path": self.path,
            "snippet": self.snippet,
        }
        if with_file:
            out["file"] = self.file
            out["file_note"] = self.file_note
        return out


class Results(NamedTuple):
    hits: list[Hit]
    total: int  # before --limit


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_expression(text: str) -> tuple[str, list[str]]:
    """Turn user text into (a safe FTS5 MATCH expression, literals to require in the text)."""
    parts: list[str] = []
    literals: list[str] = []
    tokens = _TOKEN.findall(text)
    for index, token in enumerate(tokens):
        if token.startswith('"'):
            inner = token[1:-1] if token.endswith('"') and len(token) > 1 else token[1:]
            if _has_word(inner):
                parts.append(_quote(inner.strip()))
            continue
        if token in _OPERATORS:
            if parts and parts[-1] not in _OPERATORS and index + 1 < len(tokens):
                parts.append(token)
            continue
        prefix = token.endswith("*") and _has_word(token.rstrip("*"))
        word = token.rstrip("*") if prefix else token
        if not _has_word(word):
            continue
        parts.append(_quote(word) + ("*" if prefix else ""))
        if not prefix and not re.fullmatch(r"\w+", word):
            literals.append(word.lower())
    while parts and parts[-1] in _OPERATORS:
        parts.pop()
    return " ".join(parts), literals


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _utc(at: datetime) -> str:

    return sort_key(at)


@index_store.recovering
def search(ws: Workspace, query: Query, *, use_cache: bool = True) -> Results:
    """Run a search over the (refreshed) index; results carry ticket, title, path and a snippet.

    ``query.ticket`` is a forgiving ticket reference (unknown or ambiguous: an error).
    """

    if not query.has_filter() and not query.allow_empty:
        raise UsageProblem(
            "must provide at least a query or filter",
            (
                "pass ",
                Param("query", "TEXT"),
                " or a filter such as ",
                Param("ticket"),
                ", ",
                Param("topics"),
                " or ",
                Param("file"),
            ),
        )
    order = query.order_by or ("rank" if (query.text.strip() or query.fts.strip()) else "path")
    if order not in ORDERS:
        raise UsageProblem(
            f'unsupported OrderBy: "{order}"',
            ("use ", Param("order_by", "path"), ", last_updated or rank"),
        )
    if order == "rank" and not (query.text.strip() or query.fts.strip()):
        raise UsageProblem(
            "OrderByRank requires a non-empty TextQuery",
            ("pass ", Param("query"), " or another ", Param("order_by")),
        )
    if use_cache and not index_store.cache_disabled(ws):
        index = index_store.open_index(ws)
    else:
        index = index_store.open_index(ws, memory=True)
    with index:
        if query.ticket:  # a forgiving reference; the filter takes the ticket's exact id
            from docmgr.store import lookup  # the resolver and its path rules: only here

            found = lookup.resolve_ticket(ws, query.ticket, docs=queries.ticket_index_docs(index))
            query = query._replace(ticket=found.id)
        return _run(ws, index, query, order)


def _run(ws: Workspace, index: Index, query: Query, order: str) -> Results:
    match = ""
    literals: list[str] = []
    if query.fts.strip():
        match = query.fts.strip()
    elif query.text.strip():
        match, literals = fts_expression(query.text)
        if not match:
            return Results([], 0)
    file_target = dir_target = None
    if query.file or query.dir:  # reverse lookup: its path machinery loads only here
        from docmgr.reports import related_filter

        file_target = related_filter.target(ws, query.file) if query.file else None
        dir_target = related_filter.target(ws, query.dir) if query.dir else None
    wanted = queries.SearchFilter(
        match=match,
        literals=literals,
        ticket=query.ticket,
        doc_type=query.doc_type,
        status=query.status,
        topics=list(query.topics),
        external_source=query.external_source,
        since=_utc(query.since) if query.since is not None else "",
        updated_since=_utc(query.updated_since) if query.updated_since is not None else "",
        until=_utc(query.until) if query.until is not None else "",
        created_since_ns=(
            int(query.created_since.timestamp() * 1_000_000_000)
            if query.created_since is not None
            else None
        ),
        related_base=file_target.base if file_target is not None else "",
        related_containing=dir_target.base if dir_target is not None else "",
        order=order,
    )
    rows = queries.search(index, wanted)
    notes: dict[int, tuple[str, str]] = {}
    matches: dict[int, tuple[tuple[str, str], ...]] = {}
    if file_target is not None or dir_target is not None:
        rows, notes, matches = related_filter.keep(ws, index, rows, file_target, dir_target)
    total = len(rows)
    if query.limit > 0:
        rows = rows[: query.limit]
    ids = [r.id for r in rows]
    from docmgr.reports import snippet  # here, not at the top: doc list imports this module

    terms = snippet.patterns(match)
    snippets = {
        doc_id: snippet.of(data, terms, start) for doc_id, data, start in queries.bodies(index, ids)
    }
    topics = queries.topics_of(index, ids)
    hits = [
        Hit(
            row.ticket,
            row.title,
            row.doc_type,
            row.status,
            topics.get(row.id, []),
            row.rel,
            snippets.get(row.id, ""),
            notes.get(row.id, ("", ""))[0],
            notes.get(row.id, ("", ""))[1],
            row.last_updated,
            matches.get(row.id, ()),
        )
        for row in rows
    ]
    return Results(hits, total)
