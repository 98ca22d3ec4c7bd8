"""What doctor checks, stored when a document is indexed: diary facts and related-file targets.

A diary's step facts (duplicate step labels, steps with a pending commit line, whether it
mentions a commit at all) and the text-only part of resolving each RelatedFiles entry
(``formats.related.stored_target``) depend on the file's text alone, so they are worked out
once, when the refresh parses the file (``records.diary_facts_of``), and doctor reads them
back (``queries.diary_facts``, ``queries.related_entries``) instead of reading diaries and
re-parsing entries. Whether a related file *exists* is never stored: files come and go
without any document changing, so doctor still asks the disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

    from docmgr.store.index.records import Parsed


def store(con: sqlite3.Connection, doc_id: int | None, item: Parsed) -> None:
    """Write a parsed document's related-file rows and diary facts (inside the refresh's
    transaction, after its ``docs`` row)."""
    from docmgr.formats.related import stored_target
    from docmgr.store.index.records import SEP, related_base

    meta = item.doc.meta
    if meta is None:
        return
    con.executemany(
        "INSERT INTO related_files(doc_id, raw, note, base, kind, target) VALUES(?,?,?,?,?,?)",
        [
            (doc_id, r.path, r.note, related_base(r.path), *stored_target(r.path))
            for r in meta.related_files
        ],
    )
    facts = item.diary
    if facts is not None:
        con.execute(
            "INSERT INTO diary_facts(doc_id, duplicates, pending, mentions_commit) VALUES(?,?,?,?)",
            (
                doc_id,
                SEP.join(facts.duplicates),
                SEP.join(facts.pending),
                int(facts.mentions_commit),
            ),
        )
