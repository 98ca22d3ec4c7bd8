"""What doctor checks, stored when a document is indexed: diary facts and related-file targets.

A diary's step facts (duplicate step labels, steps with a pending commit line, whether it
mentions a commit at all) and the text-only part of resolving each RelatedFiles entry
(``formats.related.stored_target``) depend on the file's text alone, so they are worked out
once, when the refresh parses the file, and doctor reads them back here instead of reading
diaries and re-parsing entries. Whether a related file *exists* is never stored: files come
and go without any document changing, so doctor still asks the disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from docmgr.model import Doc

if TYPE_CHECKING:
    import sqlite3

    from docmgr.store.index.records import Parsed
    from docmgr.store.index.refresh import Index

_CHUNK = 500  # rels per "IN (...)"

_SEP = "\n"  # step labels never hold a line break


class DiaryFacts(NamedTuple):
    """What doctor's diary rules need of one diary (a parsed doc named ``*diary*``)."""

    duplicates: list[str]  # step labels used more than once, in order of first use
    pending: list[str]  # the step label of each pending commit line, in file order
    mentions_commit: bool  # False: no commit line can be in it (no git check needed)


class RelatedEntry(NamedTuple):
    """One RelatedFiles entry with its stored target (``formats.related.stored_target``)."""

    raw: str
    note: str
    kind: str
    target: str


def is_diary(doc: Doc) -> bool:
    """A parsed document whose file name says diary (``01-diary.md``, ``02-impl-diary.md``)."""
    return doc.meta is not None and "diary" in doc.rel.rsplit("/", 1)[-1].lower()


def diary_facts_of(text: str) -> tuple[int, DiaryFacts]:
    """(number of steps, facts) of a diary's text; a text the grammar chokes on has none."""
    from docmgr.formats.diary import step_facts, step_labels

    try:
        facts = step_facts(text)
    except Exception:  # noqa: BLE001 - a diary we cannot parse is not a refresh crash
        return len(step_labels(text)), DiaryFacts([], [], True)
    return len(facts.labels), DiaryFacts(facts.duplicates, facts.pending, "ommit" in text.lower())


def store(con: sqlite3.Connection, doc_id: int | None, item: Parsed) -> None:
    """Write a parsed document's related-file rows and diary facts (inside the refresh's
    transaction, after its ``docs`` row)."""
    from docmgr.formats.related import stored_target
    from docmgr.store.index.records import related_base

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
                _SEP.join(facts.duplicates),
                _SEP.join(facts.pending),
                int(facts.mentions_commit),
            ),
        )


def _split(value: str) -> list[str]:
    return value.split(_SEP) if value else []


def _chunks(rels: Sequence[str]) -> list[list[str]]:
    return [list(rels[i : i + _CHUNK]) for i in range(0, len(rels), _CHUNK)]


def diary_facts(index: Index, rels: Sequence[str]) -> dict[str, DiaryFacts]:
    """The stored facts of the diaries among these documents, by rel path."""
    out: dict[str, DiaryFacts] = {}
    for chunk in _chunks(rels):
        for rel, duplicates, pending, mentions in index.con.execute(
            "SELECT d.rel, f.duplicates, f.pending, f.mentions_commit FROM diary_facts f"
            f" JOIN docs d ON d.id = f.doc_id WHERE d.rel IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            out[rel] = DiaryFacts(_split(duplicates), _split(pending), bool(mentions))
    return out


def related_entries(index: Index, rels: Sequence[str]) -> dict[str, list[RelatedEntry]]:
    """The RelatedFiles entries of these documents (in entry order), by rel path."""
    out: dict[str, list[RelatedEntry]] = {}
    for chunk in _chunks(rels):
        for rel, raw, note, kind, target in index.con.execute(
            "SELECT d.rel, r.raw, r.note, r.kind, r.target FROM related_files r"
            f" JOIN docs d ON d.id = r.doc_id WHERE d.rel IN ({','.join('?' * len(chunk))})"
            " ORDER BY r.rowid",
            chunk,
        ):
            out.setdefault(rel, []).append(RelatedEntry(raw, note, kind, target))
    return out
