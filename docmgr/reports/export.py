"""``export-sqlite``: snapshot the workspace index into a standalone SQLite file (spec §2.11)."""

from __future__ import annotations

import os
from datetime import UTC
from pathlib import Path

from docmgr.errors import DocmgrError, UsageProblem
from docmgr.formats import related as related_format
from docmgr.store import help_pages, related_paths
from docmgr.store import index as index_store
from docmgr.store.index import readme
from docmgr.store.workspace import Workspace

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


def readme_pages() -> dict[str, str]:
    """What the README table holds: ``__about__.md`` plus every page of docmgr's manual."""
    pages = {"__about__.md": ABOUT, **help_pages.pages()}
    if "getting-started.md" in pages:
        pages["docmgr-how-to-use.md"] = pages["getting-started.md"]
    return pages


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


def export(ws: Workspace, out: str, *, force: bool = False, include_body: bool = False) -> Path:
    """Write the export to ``out`` (no overwrite without ``force``); return its absolute path."""
    import sqlite3

    if not out:
        raise UsageProblem("--out is required", "pass --out workspace.sqlite")
    target = Path(os.path.abspath(ws.cwd / out))
    if not target.parent.is_dir():
        raise DocmgrError(f"output directory does not exist: {target.parent}", "create it first")
    if target.exists() and not force:
        raise DocmgrError(
            f"output file already exists (use --force): {target}", "pass --force to replace it"
        )
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    if tmp.exists():
        tmp.unlink()
    con = sqlite3.connect(str(tmp))
    try:
        con.executescript(_SCHEMA)
        memory = index_store.cache_disabled(ws)
        with index_store.open_index(ws, memory=memory) as index:
            docs = index.docs()
            repo = Path(os.path.abspath(ws.repo_root))
            for doc_id, doc in enumerate(docs, start=1):
                meta = doc.meta
                segs = doc.rel.split("/")[:-1]
                body = index.body(doc.rel)
                stamp = ""
                if meta is not None and meta.last_updated is not None:
                    stamp = meta.last_updated.astimezone(UTC).isoformat().replace("+00:00", "Z")
                con.execute(
                    "INSERT INTO docs VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        doc_id,
                        str(doc.path),
                        doc.ticket,
                        meta.doc_type if meta else "",
                        meta.status if meta else "",
                        meta.intent if meta else "",
                        meta.title if meta else "",
                        stamp,
                        meta.what_for if meta else "",
                        meta.when_to_use if meta else "",
                        int(meta is not None),
                        doc.error,
                        int(doc.path.name == "index.md"),
                        int("archive" in segs),
                        int("scripts" in segs),
                        int("sources" in segs),
                        int(doc.is_control),
                        body if include_body else None,
                    ),
                )
                if meta is None:
                    continue
                con.executemany(
                    "INSERT INTO doc_topics VALUES(?,?,?)",
                    [(doc_id, t.lower(), t) for t in meta.topics],
                )
                con.executemany(
                    "INSERT INTO doc_owners VALUES(?,?,?)",
                    [(doc_id, o.lower(), o) for o in meta.owners],
                )
                bases = related_paths.Bases.for_doc(ws, doc.path)
                for entry in meta.related_files:
                    resolved = related_paths.resolve(entry.path, bases).path
                    anchor = (related_format.parse_anchor(entry.path) or ("", ""))[0]
                    rel = ""
                    if resolved is not None and (resolved == repo or repo in resolved.parents):
                        rel = resolved.relative_to(repo).as_posix()
                    con.execute(
                        "INSERT INTO related_files(doc_id, note, anchor, norm_abs, norm_repo_rel,"
                        " raw_path)"
                        " VALUES(?,?,?,?,?,?)",
                        (
                            doc_id,
                            entry.note,
                            anchor,
                            str(resolved) if resolved else "",
                            rel,
                            entry.path,
                        ),
                    )
                con.execute(
                    "INSERT INTO docs_fts(rowid, title, body, topics, doc_type, ticket_id)"
                    " VALUES(?,?,?,?,?,?)",
                    (doc_id, meta.title, body, " ".join(meta.topics), meta.doc_type, doc.ticket),
                )
        readme.fill_readme(con, readme_pages())
        con.commit()
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, target)
    return target
