"""What the index writes for one file: the SQL parameters of every table, but its row id.

``row_of`` turns a parsed document (``records.parse_file``) into plain tuples of strings,
numbers and bytes; the refresh gives it its row id and writes it. Building the rows is work
the parse side can do, so a build's worker process (``parse_worker``) sends these tuples
(``marshal`` dumps them) rather than the parsed objects. Loaded only when files are parsed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docmgr.formats.related import stored_target
from docmgr.model import ticket_of
from docmgr.store.index.records import (
    SEP,
    pack_meta,
    parent,
    parse_file,
    related_base,
    utc_key,
)
from docmgr.tuples import NamedTuple

if TYPE_CHECKING:
    from docmgr.store.index.freshness import Todo


class Row(NamedTuple):
    """One file's rows, each without the leading row id (``doc_id``) the refresh adds."""

    rel: str
    doc: tuple[object, ...]  # ``docs`` columns after ``id``, in the table's order
    topics: list[tuple[str, str]]  # ``doc_topics``: (lowered, as written)
    owners: list[tuple[str, str]]  # ``doc_owners``: (lowered, as written)
    sources: list[str]  # ``doc_sources``
    related: list[tuple[str, str, str, str, str]]  # ``related_files``: raw … target
    diary: tuple[str, str, int] | None  # ``diary_facts``: duplicates, pending, mentions
    text: tuple[str, str, str, str, str] | None  # ``docs_fts``; None: the file did not parse


def row_of(rel: str, path: str, mtime_ns: int, size: int, ctime_ns: int, control: bool) -> Row:
    """Read and parse one file into its rows (never raises: a failure is stored as such)."""
    item = parse_file(path, rel, size)
    meta = item.meta
    ticket = ticket_of(meta, rel)
    columns = (
        rel,
        parent(rel),
        rel.rsplit("/", 1)[-1],
        mtime_ns,
        size,
        ctime_ns,
        int(control),
        int(meta is not None),
        item.error,
        item.error_line,
        ticket,
        meta.ticket if meta else "",
        meta.title if meta else "",
        meta.status if meta else "",
        meta.doc_type if meta else "",
        meta.intent if meta else "",
        meta.summary if meta else "",
        utc_key(meta),
        item.tasks[0],
        item.tasks[1],
        item.diary_steps,
        pack_meta(meta) if meta else None,
    )
    if meta is None:
        return Row(rel, columns, [], [], [], [], None, None)
    facts = item.diary
    return Row(
        rel,
        columns,
        [(t.lower(), t) for t in meta.topics],
        [(o.lower(), o) for o in meta.owners],
        list(meta.external_sources),
        [
            (r.path, r.note, related_base(r.path), *stored_target(r.path))
            for r in meta.related_files
        ],
        (
            None
            if facts is None
            else (SEP.join(facts.duplicates), SEP.join(facts.pending), int(facts.mentions_commit))
        ),
        (meta.title, item.body, " ".join(meta.topics), meta.doc_type, ticket),
    )


def rows_of(root_s: str, todo: list[Todo]) -> list[Row]:
    """The rows of these files, in order."""
    base = root_s.rstrip("/") + "/"
    return [
        row_of(rel, base + rel, mtime_ns, size, ctime_ns, control)
        for rel, mtime_ns, size, ctime_ns, control in todo
    ]
