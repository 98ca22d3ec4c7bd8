"""What doctor checks, stored when the index is refreshed: diary facts, related-file targets
and which ``.md`` files are symlinks.

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
    from collections.abc import Collection, Container, Sequence


def store(
    con: sqlite3.Connection,
    related: Sequence[tuple[object, ...]],
    diaries: Sequence[tuple[object, ...]],
) -> None:
    """Write the related-file rows and diary facts of parsed documents (``rows.Row``, each
    under its row id; inside the refresh's transaction, after their ``docs`` rows).

    A target the same as its raw text (most relative paths) is stored as NULL.
    """
    con.executemany(
        "INSERT INTO related_files(doc_id, raw, note, base, kind, target) VALUES(?,?,?,?,?,?)",
        [
            (doc_id, raw, note, base, kind, None if target == raw else target)
            for doc_id, raw, note, base, kind, target in related
        ],
    )
    con.executemany(
        "INSERT INTO diary_facts(doc_id, duplicates, pending, mentions_commit) VALUES(?,?,?,?)",
        diaries,
    )


def store_links(
    con: sqlite3.Connection,
    found: Sequence[tuple[str, bool]],
    *,
    listed: Collection[str] | None,
    dirs: Container[str],
) -> None:
    """Record the symlinked ``.md`` files a refresh's listings saw (rel, is_control), so that
    doctor asks where links lead only of those, without walking the tree again.

    ``listed=None`` means a full walk (every row replaced); otherwise ``listed`` holds the
    folders listed again (their rows are replaced by what ``found`` says) and rows of
    folders no longer walked (not in ``dirs``) are dropped. Adding, removing or replacing a
    link changes its folder's mtime, so the refresh lists that folder again; where a link
    leads is never stored (it can change without the folder changing).
    """
    from docmgr.store.index.records import parent

    if listed is None:
        con.execute("DELETE FROM md_links")
    else:
        stale = [
            (rel,)
            for rel, folder in con.execute("SELECT rel, dir FROM md_links")
            if folder in listed or folder not in dirs
        ]
        con.executemany("DELETE FROM md_links WHERE rel=?", stale)
    con.executemany(
        "INSERT OR REPLACE INTO md_links(rel, dir, is_control) VALUES(?,?,?)",
        [(rel, parent(rel), int(control)) for rel, control in found],
    )
