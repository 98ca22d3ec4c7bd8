"""Search over the index (spec §6): safe FTS5 queries, filters, reverse lookup, snippets.

User text never reaches FTS5 raw: each word becomes a quoted string (``foo-bar``, ``api.go``,
``C++``, stray quotes and parentheses are searched for what they say), a trailing ``*`` keeps
prefix search, ``"a b"`` stays a phrase and upper-case ``OR``/``NOT`` between terms stay
operators. Words holding punctuation are also required literally (case-insensitively) in the
title or body, so ``api.go`` does not match "api" next to "go". ``fts=`` passes an expert's
raw FTS5 expression instead."""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from docmgr.errors import DocmgrError, UsageProblem
from docmgr.formats import related as related_format
from docmgr.store import index as index_store
from docmgr.store import related_paths
from docmgr.store.index import sort_key
from docmgr.store.workspace import Workspace

ORDERS = ("path", "last_updated", "rank")


_TOKEN = re.compile(r'(?:^|(?<=\s))"[^"]*(?:"|$)|\S+')


_OPERATORS = {"OR", "NOT", "AND"}


SNIPPET_BYTES = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class Query:
    """Everything ``search`` can filter on (all optional, AND-combined)."""

    text: str = ""
    fts: str = ""
    ticket: str = ""
    topics: list[str] = field(default_factory=list)
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


@dataclass(frozen=True, slots=True)
class Hit:
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


@dataclass(frozen=True, slots=True)
class Results:
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


@dataclass(frozen=True, slots=True)
class _Target:
    path: Path | None  # resolved absolute path of the query
    suffix: str  # cleaned relative query for whole-segment suffix matching ('' when not usable)
    base: str  # last segment (SQL pre-filter)


def _target(ws: Workspace, raw: str) -> _Target | None:

    text = raw.strip().rstrip("/")
    if not text:
        return None
    bases = related_paths.Bases(
        repo_root=Path(os.path.abspath(ws.repo_root)),
        docs_root=Path(os.path.abspath(ws.root)),
        config_dir=Path(os.path.abspath(ws.config_dir)),
        doc_dir=Path(os.path.abspath(ws.cwd)),
        gowork_dir=related_paths.find_gowork(ws.repo_root),
    )
    resolved = related_paths.resolve(text, bases)
    suffix = ""
    if related_format.parse_anchor(text) is None and not text.startswith(("/", "~")):
        cleaned = posixpath.normpath(text.replace("\\", "/"))
        if cleaned not in (".", "") and not cleaned.startswith(".."):
            suffix = cleaned
    if resolved.path is None and not suffix:
        return None  # quirk kept from Go: an unusable query applies no filter
    base = (suffix or (str(resolved.path) if resolved.path else "")).rsplit("/", 1)[-1]
    return _Target(resolved.path, suffix, base)


def _file_match(stored: Path | None, target: _Target) -> bool:
    if stored is None:
        return False
    if target.path is not None and stored == target.path:
        return True
    return bool(target.suffix) and stored.as_posix().endswith("/" + target.suffix)


def _dir_match(stored: Path | None, target: _Target) -> bool:
    if stored is None:
        return False
    text = stored.as_posix()
    if target.path is not None and text.startswith(target.path.as_posix().rstrip("/") + "/"):
        return True
    return bool(target.suffix) and ("/" + target.suffix + "/") in text


def _display(raw: str, resolved: Path | None, repo_root: Path) -> str:

    if related_format.parse_anchor(raw) is not None:
        return related_format.canonical(raw)
    if resolved is not None:
        try:
            return resolved.relative_to(repo_root).as_posix()
        except ValueError:
            return resolved.as_posix()
    return raw.strip()


def _utc(at: datetime) -> str:

    return sort_key(at)


def _head(body: str) -> str:
    text = body.lstrip("\r\n")
    raw = text.encode("utf-8")
    if len(raw) <= SNIPPET_BYTES:
        return text
    return raw[:SNIPPET_BYTES].decode("utf-8", errors="ignore") + "..."


def search(ws: Workspace, query: Query, *, use_cache: bool = True) -> Results:
    """Run a search over the (refreshed) index; results carry ticket, title, path and a snippet."""

    if not query.has_filter() and not query.allow_empty:
        raise UsageProblem(
            "must provide at least a query or filter",
            "pass --query TEXT or a filter such as --ticket, --topics or --file",
        )
    order = query.order_by or ("rank" if (query.text.strip() or query.fts.strip()) else "path")
    if order not in ORDERS:
        raise UsageProblem(
            f'unsupported OrderBy: "{order}"', "use --order-by path, last_updated or rank"
        )
    if order == "rank" and not (query.text.strip() or query.fts.strip()):
        raise UsageProblem(
            "OrderByRank requires a non-empty TextQuery", "pass --query or another --order-by"
        )
    if use_cache and not index_store.cache_disabled(ws):
        index = index_store.open_index(ws)
    else:
        index = index_store.open_index(ws, memory=True)
    with index:
        return _run(ws, index, query, order)


def _run(ws: Workspace, index: Any, query: Query, order: str) -> Results:
    import sqlite3

    con = index.con
    where = ["d.parse_ok = 1"]
    params: list[Any] = []
    match = ""
    if query.fts.strip():
        match = query.fts.strip()
    elif query.text.strip():
        match, literals = fts_expression(query.text)
        if not match:
            return Results([], 0)
        for literal in literals:
            where.append("instr(lower(docs_fts.title || char(10) || docs_fts.body), ?) > 0")
            params.append(literal)
    if query.ticket:
        where.append("d.ticket = ?")
        params.append(query.ticket)
    if query.doc_type:
        where.append("d.doc_type = ?")
        params.append(query.doc_type)
    if query.status:
        where.append("d.status = ?")
        params.append(query.status)
    if query.topics:
        marks = ",".join("?" * len(query.topics))
        where.append(
            "EXISTS (SELECT 1 FROM doc_topics t WHERE t.doc_id = d.id"
            f" AND t.topic_lower IN ({marks}))"
        )
        params.extend(t.lower() for t in query.topics)
    if query.external_source:
        where.append(
            "EXISTS (SELECT 1 FROM doc_sources s WHERE s.doc_id = d.id AND "
            "(instr(s.source, ?) > 0 OR instr(?, s.source) > 0))"
        )
        params += [query.external_source, query.external_source]
    for stamp, op in ((query.since, ">="), (query.updated_since, ">="), (query.until, "<=")):
        if stamp is not None:
            where.append(f"d.last_updated != '' AND d.last_updated {op} ?")
            params.append(_utc(stamp))
    if query.created_since is not None:
        where.append("d.mtime_ns >= ?")
        params.append(int(query.created_since.timestamp() * 1_000_000_000))
    file_target = _target(ws, query.file) if query.file else None
    dir_target = _target(ws, query.dir) if query.dir else None
    if file_target is not None and file_target.base:
        where.append("EXISTS (SELECT 1 FROM related_files r WHERE r.doc_id = d.id AND r.base = ?)")
        params.append(file_target.base)
    if dir_target is not None and dir_target.base:
        where.append(
            "EXISTS (SELECT 1 FROM related_files r WHERE r.doc_id = d.id AND instr(r.raw, ?) > 0)"
        )
        params.append(dir_target.base)
    order_sql = {"path": "d.rel", "last_updated": "d.last_updated, d.rel", "rank": "score, d.rel"}[
        order
    ]
    if match:
        sql = (
            "SELECT d.id, d.rel, d.ticket, d.title, d.doc_type, d.status, d.last_updated,"
            " bm25(docs_fts, 10.0, 1.0, 5.0, 2.0, 5.0) AS score"
            " FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid"
            f" WHERE docs_fts MATCH ? AND {' AND '.join(where)} ORDER BY {order_sql}"
        )
        params.insert(0, match)
    else:
        sql = (
            "SELECT d.id, d.rel, d.ticket, d.title, d.doc_type, d.status, d.last_updated,"
            " 0 AS score"
            f" FROM docs d WHERE {' AND '.join(where)} ORDER BY {order_sql}"
        )
    try:
        rows = con.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        raise DocmgrError(
            f"invalid full-text query {match!r}: {exc}",
            "check the FTS5 syntax, or use --query (it quotes words for you)",
        ) from None
    notes: dict[int, tuple[str, str]] = {}
    matches: dict[int, tuple[tuple[str, str], ...]] = {}
    if file_target is not None or dir_target is not None:
        kept = []
        repo_root = Path(os.path.abspath(ws.repo_root))
        for row in rows:
            doc_path = index.root / row[1]
            bases = related_paths.Bases.for_doc(ws, doc_path)
            matched: list[tuple[str, str]] = []
            for raw, note in con.execute(
                "SELECT raw, note FROM related_files WHERE doc_id = ? ORDER BY rowid", (row[0],)
            ):
                stored = related_paths.resolve(raw, bases).path
                ok = (file_target is None or _file_match(stored, file_target)) and (
                    dir_target is None or _dir_match(stored, dir_target)
                )
                if ok:
                    matched.append((_display(raw, stored, repo_root), note.strip()))
            if matched:
                kept.append(row)
                matches[row[0]] = tuple(matched)
                notes[row[0]] = (
                    ", ".join(m[0] for m in matched),
                    " | ".join(m[1] for m in matched if m[1]),
                )
        rows = kept
    total = len(rows)
    if query.limit > 0:
        rows = rows[: query.limit]
    ids = [r[0] for r in rows]
    snippets = _snippets(con, ids, match)
    topics: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for doc_id, topic in con.execute(
            "SELECT doc_id, topic_original FROM doc_topics"
            f" WHERE doc_id IN ({','.join('?' * len(chunk))})"
            " ORDER BY rowid",
            chunk,
        ):
            topics.setdefault(doc_id, []).append(topic)
    hits = [
        Hit(
            ticket,
            title,
            doc_type,
            status,
            topics.get(doc_id, []),
            rel,
            snippets.get(doc_id, ""),
            notes.get(doc_id, ("", ""))[0],
            notes.get(doc_id, ("", ""))[1],
            lu,
            matches.get(doc_id, ()),
        )
        for doc_id, rel, ticket, title, doc_type, status, lu, _score in rows
    ]
    return Results(hits, total)


def _snippets(con: Any, ids: list[int], match: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        if match:
            rows = con.execute(
                "SELECT rowid, snippet(docs_fts, 1, '', '', '...', 24), body FROM docs_fts"
                f" WHERE docs_fts MATCH ? AND rowid IN ({marks})",
                [match, *chunk],
            )
        else:
            rows = con.execute(
                f"SELECT rowid, '', body FROM docs_fts WHERE rowid IN ({marks})", chunk
            )
        for doc_id, snip, body in rows:
            out[doc_id] = snip.strip() if snip and snip.strip() else _head(body or "")
    return out
