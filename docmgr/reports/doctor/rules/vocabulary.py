"""Vocabulary findings: no_vocabulary and unknown_topics / doc_type / intent / status."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docmgr.model import Doc, DocMeta, Finding, Severity
from docmgr.store import vocabulary
from docmgr.store.vocabulary import Vocabulary

HINT = (
    "add via 'docmgr vocab add --category {cat} --slug <slug> --description \"TODO\"' "
    "(valid categories: topics, docTypes, intent, status)"
)


_ISSUE = {
    "topics": "unknown_topics",
    "docTypes": "unknown_doc_type",
    "intent": "unknown_intent",
    "status": "unknown_status",
}


def known_values(vocab: Vocabulary) -> dict[str, set[str]]:
    """Every accepted value per category: the vocabulary's slugs and the built-ins (§2.4)."""
    return {
        "topics": set(vocab.slugs("topics")),
        "docTypes": set(vocab.slugs("docTypes")) | set(vocabulary.BUILTIN_DOC_TYPES),
        "intent": set(vocab.slugs("intent")) | set(vocabulary.BUILTIN_INTENTS),
        "status": set(vocab.slugs("status")) | set(vocabulary.BUILTIN_STATUSES),
    }


def no_vocabulary(ticket: str, *, with_remedy: bool = True) -> Finding:
    """The info row for a workspace without a vocabulary file (emitted once)."""
    message = "no vocabulary configured; skipping unknown-value checks"
    if with_remedy:
        message += (
            " (run 'docmgr init' to seed defaults or 'docmgr vocab add --category "
            '<topics|docTypes|intent|status> --slug <slug> --description "TODO"\')'
        )
    return Finding(
        ticket=ticket, issue="no_vocabulary", severity=Severity.INFO, path="", message=message
    )


def unknown_values(ticket: str, path: str, docs: Sequence[Doc], vocab: Vocabulary) -> list[Finding]:
    """Unknown values of a ticket's docs, one warning per category (first-seen order)."""
    known = known_values(vocab)
    seen: dict[str, dict[str, int]] = {}
    for doc in docs:
        meta = doc.meta
        if meta is None:
            continue
        values = {
            "topics": list(dict.fromkeys(meta.topics)),
            "docTypes": [meta.doc_type],
            "intent": [meta.intent],
            "status": [meta.status],
        }
        for category, items in values.items():
            for value in items:
                if value and value not in known[category]:
                    seen.setdefault(category, {})
                    seen[category][value] = seen[category].get(value, 0) + 1
    out = []
    for category, counts in seen.items():
        listing = ", ".join(f"{v} ({n} doc{'s' if n != 1 else ''})" for v, n in counts.items())
        out.append(
            Finding(
                ticket=ticket,
                issue=_ISSUE[category],
                severity=Severity.WARNING,
                message=f"unknown {category} value(s): {listing}; " + HINT.format(cat=category),
                path=path,
                extra={"values": list(counts)},
            )
        )
    return out


def unknown_values_of_doc(
    meta: DocMeta, ticket: str, path: Path, vocab: Vocabulary
) -> list[Finding]:
    """Single-document mode (spec §7.3): one warning per unknown topic list or value."""
    known = known_values(vocab)
    out: list[Finding] = []
    unknown = [t for t in meta.topics if t not in known["topics"]]
    if unknown:
        out.append(
            Finding(
                ticket=ticket,
                issue="unknown_topics",
                severity=Severity.WARNING,
                path=str(path),
                message=f"unknown topics: [{' '.join(unknown)}]; " + HINT.format(cat="topics"),
            )
        )
    for category, label, value in (
        ("docTypes", "docType", meta.doc_type),
        ("intent", "intent", meta.intent),
        ("status", "status", meta.status),
    ):
        if not value or value in known[category]:
            continue
        listing = (
            f" (valid values: {', '.join(sorted(known[category]))}; "
            "list via 'docmgr vocab list --category status')"
            if category == "status"
            else ""
        )
        out.append(
            Finding(
                ticket=ticket,
                issue=_ISSUE[category],
                severity=Severity.WARNING,
                path=str(path),
                message=f"unknown {label}: {value}{listing}; " + HINT.format(cat=category),
            )
        )
    return out
