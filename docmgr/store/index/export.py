"""The standalone SQLite file of ``export-sqlite`` (spec §2.11): its tables and its writer.

The file is a snapshot for other tools (its own schema, not the cache's); the report
(``reports/export.py``) decides what goes in, this module only writes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docmgr.errors import DocmgrError

if TYPE_CHECKING:
    import sqlite3


ABOUT = """# docmgr workspace export

This SQLite file is a snapshot of a docmgr workspace index.

Tables: docs (one row per Markdown file), doc_topics, doc_owners, related_files,
docs_fts (FTS5 over title, body, topics, doc_type, ticket_id) and README.

README holds this page and docmgr's own manual, one row per page (getting-started.md,
cli.md, file-formats.md, …); docmgr-how-to-use.md is the getting-started page under the name
the Go tool gives its tutorial.

Sample queries:

    SELECT ticket_id, title, path FROM docs WHERE doc_type = 'index' ORDER BY ticket_id;
    SELECT d.path FROM doc_topics t JOIN docs d USING (doc_id) WHERE t.topic_lower = 'backend';
    SELECT d.path, r.raw_path FROM related_files r JOIN docs d USING (doc_id);
    SELECT d.path FROM docs_fts f JOIN docs d ON d.doc_id = f.rowid
      WHERE docs_fts MATCH 'websocket';
    SELECT name FROM README ORDER BY name;
    SELECT content FROM README WHERE name = 'cli.md';
"""


_SCHEMA = """
CREATE TABLE docs(doc_id INTEGER PRIMARY KEY, path TEXT UNIQUE, ticket_id TEXT, doc_type TEXT,
  status TEXT, intent TEXT, title TEXT, last_updated TEXT, what_for TEXT, when_to_use TEXT,
  parse_ok INTEGER,
  parse_err TEXT, is_index INTEGER, is_archived_path INTEGER, is_scripts_path INTEGER,
  is_sources_path INTEGER, is_control_doc INTEGER, body TEXT);
CREATE TABLE doc_topics(doc_id INTEGER, topic_lower TEXT, topic_original TEXT);
CREATE TABLE doc_owners(doc_id INTEGER, owner_lower TEXT, owner_original TEXT);
CREATE TABLE related_files(rf_id INTEGER PRIMARY KEY, doc_id INTEGER, note TEXT, anchor TEXT,
  norm_abs TEXT, norm_repo_rel TEXT, raw_path TEXT);
CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, topics, doc_type, ticket_id,
  tokenize='unicode61');
CREATE TABLE README(name TEXT PRIMARY KEY, content TEXT);
"""


@dataclass(frozen=True, slots=True)
class ExportRelated:
    """One RelatedFiles entry as exported."""

    note: str
    anchor: str
    norm_abs: str  # resolved absolute path ('' when it cannot be resolved)
    norm_repo_rel: str  # the same relative to the repository ('' when outside it)
    raw_path: str  # as written in the front matter


@dataclass(frozen=True, slots=True)
class ExportDoc:
    """One row of the export's ``docs`` table with its topics, owners and related files."""

    path: str
    ticket: str
    doc_type: str
    status: str
    intent: str
    title: str
    last_updated: str
    what_for: str
    when_to_use: str
    parse_ok: bool
    parse_err: str
    is_index: bool
    is_archived_path: bool
    is_scripts_path: bool
    is_sources_path: bool
    is_control_doc: bool
    stored_body: str | None  # the ``body`` column (None unless bodies are included)
    search_body: str  # what the export's full-text table indexes
    topics: Sequence[str] = ()
    owners: Sequence[str] = ()
    related: Sequence[ExportRelated] = ()


def write(path: Path, docs: Iterable[ExportDoc], readme: Mapping[str, str] | None = None) -> None:
    """Create ``path`` (which must not exist) holding ``docs``; a failure leaves no file.

    ``readme`` (file name -> text) fills the README table; ``__about__.md`` is always there.

    Errors raised while ``docs`` is consumed propagate as they are; a failure to write the
    file itself becomes a DocmgrError naming it.
    """
    import sqlite3

    con: sqlite3.Connection | None = None
    try:
        try:
            con = sqlite3.connect(str(path))
            con.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise _cannot_write(path, exc) from None
        for doc_id, doc in enumerate(docs, start=1):
            try:
                _insert(con, doc_id, doc)
            except sqlite3.Error as exc:
                raise _cannot_write(path, exc) from None
        try:
            pages = {"__about__.md": ABOUT, **(readme or {})}
            con.executemany("INSERT INTO README VALUES(?, ?)", sorted(pages.items()))
            con.commit()
        except sqlite3.Error as exc:
            raise _cannot_write(path, exc) from None
    except BaseException:
        if con is not None:
            con.close()
        path.unlink(missing_ok=True)
        raise
    con.close()


def _cannot_write(path: Path, exc: Exception) -> DocmgrError:
    return DocmgrError(
        f"cannot write the export {path}: {exc}", "check free space and that the folder is writable"
    )


def _insert(con: sqlite3.Connection, doc_id: int, doc: ExportDoc) -> None:
    con.execute(
        "INSERT INTO docs VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            doc_id,
            doc.path,
            doc.ticket,
            doc.doc_type,
            doc.status,
            doc.intent,
            doc.title,
            doc.last_updated,
            doc.what_for,
            doc.when_to_use,
            int(doc.parse_ok),
            doc.parse_err,
            int(doc.is_index),
            int(doc.is_archived_path),
            int(doc.is_scripts_path),
            int(doc.is_sources_path),
            int(doc.is_control_doc),
            doc.stored_body,
        ),
    )
    if not doc.parse_ok:
        return
    con.executemany(
        "INSERT INTO doc_topics VALUES(?,?,?)", [(doc_id, t.lower(), t) for t in doc.topics]
    )
    con.executemany(
        "INSERT INTO doc_owners VALUES(?,?,?)", [(doc_id, o.lower(), o) for o in doc.owners]
    )
    con.executemany(
        "INSERT INTO related_files(doc_id, note, anchor, norm_abs, norm_repo_rel, raw_path)"
        " VALUES(?,?,?,?,?,?)",
        [(doc_id, r.note, r.anchor, r.norm_abs, r.norm_repo_rel, r.raw_path) for r in doc.related],
    )
    con.execute(
        "INSERT INTO docs_fts(rowid, title, body, topics, doc_type, ticket_id) VALUES(?,?,?,?,?,?)",
        (doc_id, doc.title, doc.search_body, " ".join(doc.topics), doc.doc_type, doc.ticket),
    )
