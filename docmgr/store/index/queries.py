"""Typed reads of an open index: every question the verbs ask, answered from SQL.

Each function takes an open ``Index`` (fresh: ``open_index`` refreshed it) and returns model
objects or small row records; callers never see SQL or a cursor.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from docmgr.errors import IndexDamaged, InvalidFullTextQuery
from docmgr.model import Doc
from docmgr.store.index.freshness import RACY_WINDOW_NS, file_stamp
from docmgr.store.index.handle import Index
from docmgr.store.index.records import (
    COLUMN_FIELDS,
    SEP,
    DiaryFacts,
    body_from_file,
    file_with_body,
    path_maker,
    unpack_meta,
)
from docmgr.store.index.schema import FTS_COLUMNS, cache_file, connect_readonly
from docmgr.store.workspace import Workspace
from docmgr.tuples import NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

_CHUNK = 500  # ids per "IN (...)" (SQLite's bound-parameter limit is far above)


# ----------------------------------------------------------------- documents


def _docs(
    index: Index,
    where: str = "",
    params: Sequence[Any] = (),
    child: Callable[[str], Path] | None = None,
) -> list[Doc]:
    out: list[Doc] = []
    append = out.append
    child = child or path_maker(index.root)
    clause = f" WHERE {where}" if where else ""
    for rel, mtime, size, control, error, line, blob, *fields in index.con.execute(
        f"SELECT rel, mtime_ns, size, is_control, error, error_line, meta, {COLUMN_FIELDS}"
        f" FROM docs{clause} ORDER BY rel",
        params,
    ):
        try:
            meta = unpack_meta(blob, *fields) if blob is not None else None
        except (ValueError, EOFError, TypeError) as exc:
            raise IndexDamaged(f"unreadable metadata of {rel}: {exc}") from None
        append(Doc(child(rel), rel, meta, error, line, mtime, size, bool(control)))
    return out


def all_docs(index: Index) -> list[Doc]:
    """Every document sorted by rel path (what ``scan_docs`` returns)."""
    return _docs(index)


def ticket_index_docs(index: Index) -> list[Doc]:
    """The parseable ``DocType: index`` documents (what ticket resolution needs), by rel path."""
    return _docs(index, "parse_ok = 1 AND doc_type = 'index'")


def docs_at(
    index: Index, rels: Sequence[str], child: Callable[[str], Path] | None = None
) -> list[Doc]:
    """The documents with these rel paths, sorted by rel path (``child``: a ``path_maker``
    shared by many calls)."""
    out: list[Doc] = []
    for start in range(0, len(rels), _CHUNK):
        chunk = list(rels[start : start + _CHUNK])
        out += _docs(index, f"rel IN ({','.join('?' * len(chunk))})", chunk, child)
    out.sort(key=lambda d: d.rel)
    return out


def _broken(index: Index, where: str) -> list[Doc]:
    """The unparseable non-control documents (``docs_broken``) meeting ``where``, by rel."""
    return [
        Doc(index.root / rel, rel, None, error, line, mtime, size, bool(control))
        for rel, error, line, mtime, size, control in index.con.execute(
            "SELECT rel, error, error_line, mtime_ns, size, is_control FROM docs"
            f" WHERE parse_ok = 0 AND is_control = 0{where} ORDER BY rel"
        )
    ]


def broken_index_files(index: Index) -> list[Doc]:
    """Every ``index.md`` whose front matter cannot be parsed, by rel path (never a control
    file: ``model.CONTROL_NAMES``)."""
    return _broken(index, " AND name = 'index.md'")


def broken_docs(index: Index) -> list[Doc]:
    """Every unparseable document that is not a control file, by rel path."""
    return _broken(index, "")


def body(index: Index, rel: str) -> str:
    """The body text of a document, read from its file ('' for unparseable ones).

    The index keeps no copy of the bodies (its full-text table is contentless).
    """
    row = index.con.execute("SELECT parse_ok FROM docs WHERE rel=?", (rel,)).fetchone()
    if not row or not row[0]:
        return ""
    return body_from_file(f"{index.root_s}/{rel}") or ""


def _topics(index: Index, where: str = "", params: Sequence[Any] = ()) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for doc_id, topic in index.con.execute(
        f"SELECT doc_id, topic_original FROM doc_topics{where} ORDER BY rowid", params
    ):
        out.setdefault(doc_id, []).append(topic)
    return out


def topics_of(index: Index, ids: Sequence[int]) -> dict[int, list[str]]:
    """Topics (as written, in order) of the documents with these row ids."""
    out: dict[int, list[str]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        out.update(_topics(index, f" WHERE doc_id IN ({','.join('?' * len(chunk))})", chunk))
    return out


def related_of(index: Index, doc_id: int) -> list[tuple[str, str]]:
    """(path as written, note) of each RelatedFiles entry of one document, in order."""
    return index.con.execute(
        "SELECT raw, note FROM related_files WHERE doc_id = ? ORDER BY rowid", (doc_id,)
    ).fetchall()


# ----------------------------------------------------------------- tickets and listings


class TicketRow(NamedTuple):
    """What ``ticket list`` needs about one index document, read straight from SQL."""

    id: str
    title: str
    status: str
    topics: list[str]
    rel: str
    rel_dir: str
    last_updated: str  # UTC sortable key ('' when absent)
    tasks_open: int
    tasks_done: int


TICKETS_SQL = (
    "SELECT d.id, d.ticket, d.title, d.status, d.rel, d.dir, d.last_updated,"
    " COALESCE(t.tasks_open, 0), COALESCE(t.tasks_done, 0)"
    # both sides from covering partial indexes (schema: docs_tickets, docs_tasks), in rel
    # order: the planner, without statistics, would pick docs_doc_type and sort
    " FROM docs d INDEXED BY docs_tickets"
    " LEFT JOIN docs t ON t.dir = d.dir AND t.name = 'tasks.md'"
    " WHERE d.parse_ok = 1 AND d.doc_type = 'index' ORDER BY d.rel"
)


def tickets(index: Index) -> list[TicketRow]:
    """One row per parseable ``DocType: index`` document, with its folder's task counts."""
    rows = index.con.execute(TICKETS_SQL).fetchall()
    topics: dict[int, list[str]] = {}
    if rows:
        for doc_id, topic in index.con.execute(
            # IN (...) rather than a join: the index docs' ids from docs_doc_type, then each
            # one's topics from doc_topics_doc (2,000 tickets: 6 -> 4 ms)
            "SELECT doc_id, topic_original FROM doc_topics WHERE doc_id IN"
            " (SELECT id FROM docs WHERE doc_type = 'index') ORDER BY rowid"
        ):
            topics.setdefault(doc_id, []).append(topic)
    return [
        TicketRow(
            ticket, title, status, topics.get(doc_id, []), rel, rel_dir or ".", lu, t_open, t_done
        )
        for doc_id, ticket, title, status, rel, rel_dir, lu, t_open, t_done in rows
    ]


class DocRow(NamedTuple):
    """What ``doc list`` shows about one document, read straight from SQL."""

    ticket: str  # the front matter's Ticket, as written
    doc_type: str
    title: str
    status: str
    topics: list[str]
    rel: str
    last_updated: str  # UTC sortable key ('' when absent)


def doc_rows(
    index: Index,
    *,
    ticket: str = "",
    status: str = "",
    doc_type: str = "",
    topics: Sequence[str] = (),
) -> list[DocRow]:
    """Parseable documents other than ``index.md`` matching every filter given, by rel path.

    ``ticket`` compares the front matter's Ticket as written; topics match case-insensitively
    (any of them).
    """
    where = ["d.parse_ok = 1", "d.name != 'index.md'"]
    params: list[Any] = []
    for column, value in (
        ("d.meta_ticket", ticket),
        ("d.status", status),
        ("d.doc_type", doc_type),
    ):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    wanted = sorted({t.lower() for t in topics})
    if wanted:
        where.append(
            "EXISTS (SELECT 1 FROM doc_topics t WHERE t.doc_id = d.id"
            f" AND t.topic_lower IN ({','.join('?' * len(wanted))}))"
        )
        params += wanted
    found = index.con.execute(
        "SELECT d.id, d.meta_ticket, d.doc_type, d.title, d.status, d.rel, d.last_updated"
        f" FROM docs d WHERE {' AND '.join(where)} ORDER BY d.rel",
        params,
    ).fetchall()
    topic_map = _topics(index)
    return [
        DocRow(tid, kind, title, state, topic_map.get(doc_id, []), rel, lu)
        for doc_id, tid, kind, title, state, rel, lu in found
    ]


# ----------------------------------------------------------------- facts for reports


class DocOutline(NamedTuple):
    """The least doctor needs to group documents: where, which ticket, parseable or not."""

    rel: str
    ticket: str
    parse_ok: bool


def outline(index: Index) -> list[DocOutline]:
    """Every document's (rel, ticket, parse_ok), by rel path."""
    return [
        DocOutline(rel, ticket, bool(ok))
        for rel, ticket, ok in index.con.execute(
            "SELECT rel, ticket, parse_ok FROM docs ORDER BY rel"
        )
    ]


def index_file_rels(index: Index) -> list[str]:
    """The rel path of every file named ``index.md`` (parseable or not), by rowid."""
    return [rel for (rel,) in index.con.execute("SELECT rel FROM docs WHERE name = 'index.md'")]


class RelatedEntry(NamedTuple):
    """One RelatedFiles entry with its stored target (``formats.related.stored_target``)."""

    raw: str
    note: str
    kind: str
    target: str


def _labels(value: str) -> list[str]:
    return value.split(SEP) if value else []


def _rel_chunks(rels: Sequence[str]) -> list[list[str]]:
    return [list(rels[i : i + _CHUNK]) for i in range(0, len(rels), _CHUNK)]


def diary_facts(index: Index, rels: Sequence[str]) -> dict[str, DiaryFacts]:
    """The stored facts of the diaries among these documents, by rel path."""
    out: dict[str, DiaryFacts] = {}
    for chunk in _rel_chunks(rels):
        for rel, duplicates, pending, mentions in index.con.execute(
            "SELECT d.rel, f.duplicates, f.pending, f.mentions_commit FROM diary_facts f"
            f" JOIN docs d ON d.id = f.doc_id WHERE d.rel IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            out[rel] = DiaryFacts(_labels(duplicates), _labels(pending), bool(mentions))
    return out


def related_entries(index: Index, rels: Sequence[str]) -> dict[str, list[RelatedEntry]]:
    """The RelatedFiles entries of these documents (in entry order), by rel path."""
    out: dict[str, list[RelatedEntry]] = {}
    for chunk in _rel_chunks(rels):
        for rel, raw, note, kind, target in index.con.execute(
            "SELECT d.rel, r.raw, r.note, r.kind, coalesce(r.target, r.raw) FROM related_files r"
            f" JOIN docs d ON d.id = r.doc_id WHERE d.rel IN ({','.join('?' * len(chunk))})"
            " ORDER BY r.rowid",
            chunk,
        ):
            out.setdefault(rel, []).append(RelatedEntry(raw, note, kind, target))
    return out


def _walk_order(rel: str) -> list[tuple[int, str]]:
    """Sort key of the walk's order: a folder's files by name, then its subfolders by name."""
    parts = rel.split("/")
    return [(1, part) for part in parts[:-1]] + [(0, parts[-1])]


def md_links(index: Index) -> list[tuple[str, bool]]:
    """(rel, is_control) of every walked ``.md`` that is a symlink (leading out of the root
    or not), in the order the walk meets them (``checks.store_links`` records them)."""
    rows = [(rel, bool(c)) for rel, c in index.con.execute("SELECT rel, is_control FROM md_links")]
    rows.sort(key=lambda row: _walk_order(row[0]))
    return rows


class StatusRow(NamedTuple):
    """One parseable document as ``status`` counts it (title and status of index docs only)."""

    ticket: str
    rel: str
    name: str
    doc_type: str
    title: str | None  # None unless the doc is an index.md or has DocType index
    status: str | None  # likewise
    last_updated: str  # UTC sortable key ('' when absent)


def status_rows(index: Index) -> Iterator[StatusRow]:
    """Every parseable document by rel path, streamed (flat memory on very large workspaces)."""
    for row in index.con.execute(
        "SELECT ticket, rel, name, doc_type,"
        " CASE WHEN name = 'index.md' OR doc_type = 'index' THEN title END,"
        " CASE WHEN name = 'index.md' OR doc_type = 'index' THEN status END, last_updated"
        " FROM docs WHERE parse_ok = 1 ORDER BY rel"
    ):
        yield StatusRow(*row)


class Facts(NamedTuple):
    """What ``index info`` reports about the stored documents."""

    docs: int
    parse_errors: int
    folders: int


def facts(index: Index) -> Facts:
    """Counts for ``index info``. A control file (README.md, tasks.md, changelog.md) without
    front matter is normal, not a parse error; an unparseable index.md or document is one
    (the same documents listings and doctor report as broken)."""
    docs, broken = index.con.execute(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN parse_ok = 0"
        " AND (is_control = 0 OR name = 'index.md') THEN 1 ELSE 0 END), 0) FROM docs"
    ).fetchone()
    return Facts(docs, broken, len(index.folders()))


# ----------------------------------------------------------------- search


class SearchFilter(NamedTuple):
    """What ``search`` asks of the index; every given field must hold (AND).

    (A NamedTuple, not a dataclass: it is created once per command and costs less to define.)
    """

    match: str = ""  # an FTS5 MATCH expression ('' → no full-text condition)
    literals: Sequence[str] = ()  # lower-case strings the title or body must contain
    ticket: str = ""
    doc_type: str = ""
    status: str = ""
    topics: Sequence[str] = ()  # any of them, case-insensitively
    external_source: str = ""  # a source containing it, or contained in it
    since: str = ""  # sort keys (see records.sort_key): LastUpdated >= since
    updated_since: str = ""
    until: str = ""  # LastUpdated <= until
    created_since_ns: int | None = None  # file mtime >= this
    related_base: str = ""  # a RelatedFiles entry whose last segment is this
    related_containing: str = ""  # a RelatedFiles entry whose path contains this
    order: str = "path"  # path | last_updated | rank (rank needs match)


class SearchRow(NamedTuple):
    id: int
    rel: str
    ticket: str
    title: str
    doc_type: str
    status: str
    last_updated: str  # UTC sortable key ('' when absent)
    score: float


_ORDER_SQL = {"path": "d.rel", "last_updated": "d.last_updated, d.rel", "rank": "score, d.rel"}


def search(index: Index, wanted: SearchFilter) -> list[SearchRow]:
    """Parseable documents matching the filter, in the order asked for.

    An unparseable ``match`` expression raises InvalidFullTextQuery; any other SQLite error
    propagates (the index is damaged: the caller rebuilds it).
    """
    import sqlite3

    where = ["d.parse_ok = 1"]
    params: list[Any] = []
    if wanted.ticket:
        where.append("d.ticket = ?")
        params.append(wanted.ticket)
    if wanted.doc_type:
        # with a ticket, through docs_ticket (its few rows), not every doc of the type
        where.append("+d.doc_type = ?" if wanted.ticket else "d.doc_type = ?")
        params.append(wanted.doc_type)
    if wanted.status:
        where.append("d.status = ?")
        params.append(wanted.status)
    if wanted.topics:
        marks = ",".join("?" * len(wanted.topics))
        where.append(
            "EXISTS (SELECT 1 FROM doc_topics t WHERE t.doc_id = d.id"
            f" AND t.topic_lower IN ({marks}))"
        )
        params.extend(t.lower() for t in wanted.topics)
    if wanted.external_source:
        where.append(
            "EXISTS (SELECT 1 FROM doc_sources s WHERE s.doc_id = d.id AND "
            "(instr(s.source, ?) > 0 OR instr(?, s.source) > 0))"
        )
        params += [wanted.external_source, wanted.external_source]
    for key, op in ((wanted.since, ">="), (wanted.updated_since, ">="), (wanted.until, "<=")):
        if key:
            where.append(f"d.last_updated != '' AND d.last_updated {op} ?")
            params.append(key)
    if wanted.created_since_ns is not None:
        where.append("d.mtime_ns >= ?")
        params.append(wanted.created_since_ns)
    if wanted.related_base:
        where.append("EXISTS (SELECT 1 FROM related_files r WHERE r.doc_id = d.id AND r.base = ?)")
        params.append(wanted.related_base)
    if wanted.related_containing:
        where.append(
            "EXISTS (SELECT 1 FROM related_files r WHERE r.doc_id = d.id AND instr(r.raw, ?) > 0)"
        )
        params.append(wanted.related_containing)
    order_sql = _ORDER_SQL[wanted.order]
    if wanted.match:
        sql = (
            "SELECT d.id, d.rel, d.ticket, d.title, d.doc_type, d.status, d.last_updated,"
            " bm25(docs_fts, 10.0, 1.0, 5.0, 2.0, 5.0) AS score"
            " FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid"
            f" WHERE docs_fts MATCH ? AND {' AND '.join(where)} ORDER BY {order_sql}"
        )
        params.insert(0, wanted.match)
    else:
        sql = (
            "SELECT d.id, d.rel, d.ticket, d.title, d.doc_type, d.status, d.last_updated,"
            " 0 AS score"
            f" FROM docs d WHERE {' AND '.join(where)} ORDER BY {order_sql}"
        )
    try:
        rows = index.con.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if wanted.match and not _valid_match(wanted.match):
            raise InvalidFullTextQuery(f"invalid full-text query {wanted.match!r}: {exc}") from None
        raise
    found = [SearchRow(*row) for row in rows]
    if wanted.literals:
        found = _with_literals(index, found, wanted.literals)
    return found


# SQLite's lower() folds ASCII letters only; the literal test keeps its meaning
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _with_literals(index: Index, rows: list[SearchRow], literals: Sequence[str]) -> list[SearchRow]:
    """The rows whose title or body (read from the file) holds every literal."""
    prefix = index.root_s + "/"
    kept = []
    for row in rows:
        text = f"{row.title}\n{body_from_file(prefix + row.rel) or ''}".translate(_ASCII_LOWER)
        if all(literal in text for literal in literals):
            kept.append(row)
    return kept


def _valid_match(expression: str) -> bool:
    """Whether FTS5 accepts the expression: asked of an empty table, so a damaged index
    cannot pass for a user's syntax error."""
    import sqlite3

    scratch = sqlite3.connect(":memory:")
    try:
        scratch.execute(f"CREATE VIRTUAL TABLE t USING fts5({FTS_COLUMNS})")
        scratch.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()
    except sqlite3.Error:
        return False
    finally:
        scratch.close()
    return True


def bodies(index: Index, ids: Sequence[int]) -> Iterator[tuple[int, bytes, int]]:
    """The parseable documents among ``ids``, read from their files one at a time: (id,
    the file's bytes, where its body starts: ``records.file_with_body``).

    The index keeps no copy of the text (its full-text table is contentless); a file that
    can no longer be read gives (id, b'', 0). A caller that drops each file before the next
    reuses the same memory (a real search's 25 files: ~200 fewer page faults than all of
    them held at once).
    """
    prefix = index.root_s + "/"
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        found = index.con.execute(
            "SELECT id, rel, size FROM docs WHERE parse_ok = 1"
            f" AND id IN ({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
        for doc_id, rel, size in found:
            data, body_start = file_with_body(prefix + rel, size) or (b"", 0)
            yield doc_id, data, body_start


# ----------------------------------------------------------------- without a refresh


# One ticket's index documents through docs_ticket (the ticket's few rows), not through
# docs_doc_type (every ticket's index row, read and sorted: ~5 ms at 2,000 tickets with the
# pages cached), which the planner, without statistics, picked: ``+doc_type`` rules it out.
TRUSTED_INDEX_SQL = (
    f"SELECT rel, mtime_ns, size, ctime_ns, is_control, meta, {COLUMN_FIELDS}"
    " FROM docs WHERE ticket = ? AND parse_ok = 1 AND +doc_type = 'index'"
    " AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'build')"
    " ORDER BY rel"
)


def trusted_index_docs(ws: Workspace, ticket_id: str) -> list[Doc]:
    """Index docs of exactly ``ticket_id`` from the cache as it is, if their files are unchanged.

    Write verbs resolve their ticket this way without refreshing the whole index: one
    indexed SQL lookup plus one ``stat`` per match. Anything doubtful returns [] (and the
    caller refreshes), a cache whose first build is not finished included.
    """
    import sqlite3

    path = cache_file(ws)
    if not ticket_id or not os.path.isfile(path):
        return []
    root_s = os.path.abspath(ws.root_str)
    try:
        con = connect_readonly(path, root_s)
        if con is None:
            return []
        try:
            rows = con.execute(TRUSTED_INDEX_SQL, (ticket_id,)).fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return []
    from pathlib import Path

    out: list[Doc] = []
    for rel, mtime, size, ctime, control, blob, *fields in rows:
        try:
            st = os.stat(f"{root_s}/{rel}")
        except OSError:
            return []
        if file_stamp(st) != (mtime, size, ctime) or mtime >= time.time_ns() - RACY_WINDOW_NS:
            return []
        try:
            meta = unpack_meta(blob, *fields)
        except (ValueError, EOFError, TypeError):
            return []  # unreadable: the refreshing path rebuilds the cache
        if meta.ticket != ticket_id:
            return []
        out.append(Doc(Path(f"{root_s}/{rel}"), rel, meta, "", 0, mtime, size, bool(control)))
    return out
