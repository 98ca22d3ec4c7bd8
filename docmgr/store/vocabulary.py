"""The vocabulary file: advisory lists of topics, doc types, intents and statuses (spec §2.4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docmgr.errors import DocmgrError, Param, UsageProblem
from docmgr.formats.yaml_scalar import scalar
from docmgr.seams.fsio import atomic_write, file_lock

CATEGORIES = ("topics", "docTypes", "intent", "status")


_ALIASES = {
    "topics": "topics",
    "doctypes": "docTypes",
    "doc-types": "docTypes",
    "intent": "intent",
    "status": "status",
}


DEFAULT_SEED: dict[str, list[tuple[str, str]]] = {
    "topics": [
        ("chat", "Chat backend and frontend surfaces"),
        ("backend", "Backend services"),
        ("websocket", "WebSocket lifecycle & events"),
    ],
    "docTypes": [
        ("design-doc", "Structured rationale and architecture notes"),
        ("reference", "Reference docs and API contracts"),
        ("playbook", "Operational procedures and QA/Smoke steps"),
        ("index", "Ticket landing page"),
        ("skill", "Skill documentation (what it's for and when to use it)"),
    ],
    "intent": [
        ("long-term", "Likely to persist"),
        ("short-term", "Short-term documentation for active work"),
        ("throwaway", "Temporary/experimental documentation"),
    ],
    "status": [
        ("draft", "Initial draft state"),
        ("active", "Active work in progress"),
        ("review", "Ready for review"),
        ("complete", "Work completed"),
        ("archived", "Archived/completed work"),
    ],
}


BUILTIN_DOC_TYPES = (
    "index",
    "design-doc",
    "reference",
    "playbook",
    "analysis",
    "til",
    "skill",
    "log",
    "code-review",
    "script",
    "task-list",
    "tutorial",
    "working-note",
)


BUILTIN_INTENTS = ("long-term", "ticket-specific", "only-during-ticket", "throwaway", "short-term")


BUILTIN_STATUSES = ("draft", "active", "review", "complete", "archived")


@dataclass(frozen=True, slots=True)
class Entry:
    slug: str
    description: str


@dataclass(slots=True)
class Vocabulary:
    path: Path
    exists: bool
    entries: dict[str, list[Entry]] = field(default_factory=lambda: {c: [] for c in CATEGORIES})

    def slugs(self, category: str) -> list[str]:
        return [e.slug for e in self.entries.get(category, [])]


def category_name(text: str) -> str:
    """Normalise a category spelling (``doctypes`` → ``docTypes``); raise on unknown ones."""
    name = _ALIASES.get(text.strip().lower())
    if name is None:
        raise UsageProblem(
            f"invalid category: {text}", "must be topics, docTypes, intent, or status"
        )
    return name


def load(path: Path) -> Vocabulary:
    """Load a vocabulary file; a missing file is an empty vocabulary."""
    vocab = Vocabulary(path=path, exists=path.is_file())
    if not vocab.exists:
        return vocab
    import yaml

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DocmgrError(
            f"failed to load vocabulary: failed to parse vocabulary file: "
            f"{str(exc).splitlines()[0]}",
            f"fix the YAML in {path}",
        ) from None
    if not isinstance(data, dict):
        raise DocmgrError("failed to load vocabulary: not a mapping", f"fix the YAML in {path}")
    for category in CATEGORIES:
        for item in data.get(category) or []:
            if isinstance(item, dict) and item.get("slug"):
                vocab.entries[category].append(
                    Entry(str(item["slug"]), str(item.get("description") or ""))
                )
    return vocab


def render(vocab: Vocabulary) -> str:
    """Serialise the vocabulary in docmgr's layout (4-space indentation, fixed category order)."""

    lines: list[str] = []
    for category in CATEGORIES:
        entries = vocab.entries.get(category, [])
        if not entries:
            lines.append(f"{category}: []")
            continue
        lines.append(f"{category}:")
        for entry in entries:
            lines.append(f"    - slug: {scalar(entry.slug)}")
            lines.append(f"      description: {scalar(entry.description)}")
    return "\n".join(lines) + "\n"


def seed(vocab: Vocabulary) -> int:
    """Add the default entries that are missing; return how many were added."""
    added = 0
    for category, items in DEFAULT_SEED.items():
        have = set(vocab.slugs(category))
        for slug, description in items:
            if slug not in have:
                vocab.entries[category].append(Entry(slug, description))
                added += 1
    return added


def add(vocab: Vocabulary, category: str, slug: str, description: str) -> Entry:
    """Add one entry; raise if the slug already exists in that category."""
    slug = slug.strip().lower()
    if not slug:
        raise UsageProblem("slug is empty", ("pass ", Param("slug", "backend")))
    if slug in vocab.slugs(category):
        raise DocmgrError(
            f"slug '{slug}' already exists in category '{category}'",
            "pick another slug, or leave the existing entry as it is",
        )
    entry = Entry(slug, description)
    vocab.entries[category].append(entry)
    return entry


def save(vocab: Vocabulary) -> None:

    vocab.path.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(vocab.path):
        atomic_write(vocab.path, render(vocab))
