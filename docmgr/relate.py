"""RelatedFiles: path anchors (spec §3.5), ``--file-note`` parsing, note merging and ``doc relate``.

Stored paths carry an anchor (``repo://``, ``ws://``, ``docs://``, ``doc://``, ``abs://``) or
are legacy bare strings (absolute, ``../`` chains, ``~``). Two entries are the same file
when they resolve to the same absolute path. ``relate`` never rewrites existing entries'
paths, only their notes, and — like the Go tool — does not touch ``LastUpdated``: relating a
file records a pointer, it does not change what the document says.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docmgr.errors import DocmgrError, FrontMatterError, UsageProblem
from docmgr.front_matter import RelatedFile
from docmgr.workspace import Workspace

SCHEMES = ("repo", "ws", "docs", "doc", "abs")


# --------------------------------------------------------------------------- anchors


@dataclass(frozen=True, slots=True)
class Bases:
    """The folders a stored path can be relative to."""

    repo_root: Path
    docs_root: Path
    config_dir: Path
    doc_dir: Path
    gowork_dir: Path | None = None

    @classmethod
    def for_doc(cls, ws: Workspace, doc_path: Path) -> Bases:
        """Bases for paths stored in (or related to) ``doc_path``."""
        return cls(
            repo_root=_abs(ws.repo_root),
            docs_root=_abs(ws.root),
            config_dir=_abs(ws.config_dir),
            doc_dir=_abs(doc_path.parent),
            gowork_dir=find_gowork(ws.repo_root),
        )


@dataclass(frozen=True, slots=True)
class Resolved:
    """Where a stored or typed path points: ``path`` is None when it cannot be resolved."""

    raw: str
    path: Path | None
    exists: bool
    key: str  # identity: the absolute path, or the cleaned string when unresolved


def _abs(path: Path) -> Path:
    return Path(os.path.abspath(path))


def find_gowork(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding a ``go.work`` file."""
    current = _abs(start)
    while True:
        if (current / "go.work").is_file():
            return current
        if current.parent == current:
            return None
        current = current.parent


def parse_anchor(raw: str) -> tuple[str, str] | None:
    """Split ``scheme://rest`` for a known scheme into (scheme, cleaned rest); else None."""
    head, sep, rest = raw.strip().partition("://")
    scheme = head.lower()
    if not sep or scheme not in SCHEMES:
        return None
    rest = rest.strip().replace("\\", "/")
    if scheme == "abs":
        cleaned = posixpath.normpath("/" + rest.lstrip("/"))
    else:
        cleaned = posixpath.normpath(rest.lstrip("/")) if rest.lstrip("/") else ""
        cleaned = "" if cleaned == "." else cleaned
    return scheme, cleaned


def canonical(raw: str) -> str:
    """The canonical spelling of an anchored path (``repo://a/../b.go`` → ``repo://b.go``)."""
    parsed = parse_anchor(raw)
    if parsed is None:
        return raw.strip()
    scheme, rest = parsed
    return f"{scheme}://{rest}"


def _inside(base: Path, path: Path) -> bool:
    return path == base or base in path.parents


def _clean_legacy(raw: str) -> str:
    text = raw.strip().replace("\\", "/")
    if text == "~" or text.startswith("~/"):
        text = str(Path.home()) + text[1:]
    cleaned = posixpath.normpath(text) if text else ""
    return "" if cleaned == "." else cleaned


def resolve(raw: str, bases: Bases) -> Resolved:
    """Resolve a stored or typed path to an absolute path (spec §3.5 read rules)."""
    parsed = parse_anchor(raw)
    if parsed is not None:
        scheme, rest = parsed
        target: Path | None
        if scheme == "abs":
            target = Path(rest)
        elif scheme == "repo":
            target = _abs(bases.repo_root / rest)
        elif scheme == "docs":
            target = _abs(bases.docs_root / rest)
        elif scheme == "doc":
            target = _abs(bases.doc_dir / rest)
        else:  # ws://member/rest
            member = rest.split("/", 1)[0]
            base = bases.gowork_dir or bases.repo_root
            target = _abs(base / rest) if member else None
        if target is None:
            return Resolved(raw, None, False, canonical(raw))
        return Resolved(raw, target, target.exists(), str(target))
    cleaned = _clean_legacy(raw)
    if not cleaned:
        return Resolved(raw, None, False, "")
    if cleaned.startswith("/"):
        target = Path(cleaned)
        return Resolved(raw, target, target.exists(), str(target))
    candidates: list[Path] = []
    for base, fence in (
        (bases.repo_root, bases.repo_root),
        (bases.doc_dir, bases.repo_root),
        (bases.config_dir, bases.config_dir),
        (bases.docs_root, bases.docs_root),
        (bases.docs_root.parent, bases.docs_root.parent),
    ):
        candidate = _abs(base / cleaned)
        if _inside(fence, candidate):
            candidates.append(candidate)
    for candidate in candidates:
        if candidate.exists():
            return Resolved(raw, candidate, True, str(candidate))
    if candidates:
        return Resolved(raw, candidates[0], False, str(candidates[0]))
    return Resolved(raw, None, False, cleaned)


def anchor_for(path: Path, bases: Bases) -> str:
    """The tightest anchored spelling of an absolute path: repo://, ws://, docs://, else abs://."""
    target = _abs(path)
    if _inside(bases.repo_root, target):
        return "repo://" + Path(os.path.relpath(target, bases.repo_root)).as_posix()
    if (
        bases.gowork_dir is not None
        and _inside(bases.gowork_dir, target)
        and target != bases.gowork_dir
    ):
        return "ws://" + Path(os.path.relpath(target, bases.gowork_dir)).as_posix()
    if _inside(bases.docs_root, target):
        return "docs://" + Path(os.path.relpath(target, bases.docs_root)).as_posix()
    return "abs://" + target.as_posix()


def stored_form(raw: str, bases: Bases) -> tuple[str, str]:
    """(string to store, identity key) for a path typed by a user (spec §3.5 write rule)."""
    resolved = resolve(raw, bases)
    if resolved.path is None:
        return (resolved.key or raw.strip()), resolved.key
    return anchor_for(resolved.path, bases), resolved.key


# --------------------------------------------------------------------------- notes


def parse_file_note(value: str) -> tuple[str, str] | None:
    """Split one ``--file-note`` value into (path, note); None for a blank value.

    The separator is the first ``:`` or ``=`` (after ``://`` for an anchored path), so notes
    may hold colons and commas.
    """
    if not value.strip():
        return None
    start = 0
    head, sep, _rest = value.partition("://")
    if sep and head.strip().lower() in SCHEMES:
        start = len(head) + 3
    positions = [p for p in (value.find(":", start), value.find("=", start)) if p >= 0]
    if not positions:
        raise UsageProblem(
            f"malformed --file-note value {value!r}: expected 'path:note' (or 'path=note')",
            'pass --file-note "path/to/file.go:why it matters"',
        )
    cut = min(positions)
    path, note = value[:cut].strip(), value[cut + 1 :].strip()
    if not path:
        raise UsageProblem(
            f"malformed --file-note value {value!r}: empty path (expected 'path:note')",
            'pass --file-note "path/to/file.go:why it matters"',
        )
    if not note:
        raise UsageProblem(
            f"--file-note requires a non-empty note for {path}", f"use '{path}:reason'"
        )
    return path, note


def parse_file_notes(values: Iterable[str]) -> list[tuple[str, str]]:
    """Parse every ``--file-note`` value (blank ones skipped)."""
    out: list[tuple[str, str]] = []
    for value in values:
        parsed = parse_file_note(value)
        if parsed is not None:
            out.append(parsed)
    return out


def merge_note(existing: str, addition: str) -> str:
    """Merge a note into an existing one (spec §3.4): append a new line unless already there."""
    added = addition.strip()
    if not added:
        return existing
    if not existing.strip():
        return added
    if any(line.strip() == added for line in existing.splitlines()):
        return existing
    return existing + added if existing.endswith("\n") else existing + "\n" + added


# --------------------------------------------------------------------------- relate


@dataclass(frozen=True, slots=True)
class RelateResult:
    """What ``relate`` did to one document."""

    doc: Path
    added: int
    updated: int
    removed: int
    total: int
    status: str  # "updated" | "noop"
    reason: str = ""
    unchanged: list[str] = field(default_factory=list)
    skipped_removals: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.removed


@dataclass(slots=True)
class _Entry:
    path: str
    note: str


def collapse(entries: Sequence[RelatedFile], bases: Bases) -> dict[str, _Entry]:
    """Key entries by identity; duplicates collapse into the first, notes merged."""
    keyed: dict[str, _Entry] = {}
    for item in entries:
        key = resolve(item.path, bases).key or item.path.strip()
        if key in keyed:
            keyed[key].note = merge_note(keyed[key].note, item.note)
        else:
            keyed[key] = _Entry(item.path, item.note)
    return keyed


def relate(
    ws: Workspace, doc_path: Path, *, file_notes: list[tuple[str, str]], remove: Sequence[str] = ()
) -> RelateResult:
    """Add, update (merge notes) or remove RelatedFiles of one document, under its lock.

    Paths are stored anchored (``repo://…``); existing entries keep their stored string. Only
    the ``RelatedFiles`` lines change; ``LastUpdated`` is left alone (Go behaviour).
    """
    from docmgr import front_matter
    from docmgr.fsio import atomic_write, file_lock, read_text

    doc_path = _abs(doc_path)
    bases = Bases.for_doc(ws, doc_path)
    wanted: dict[str, tuple[str, str]] = {}  # key -> (stored form, note); last one wins
    for path, note in file_notes:
        if not path.strip():
            raise UsageProblem("related file path is empty", 'pass --file-note "path:note"')
        if not note.strip():
            raise UsageProblem(
                f"--file-note requires a non-empty note for {path}", f"use '{path}:reason'"
            )
        stored, key = stored_form(path, bases)
        wanted[key or stored] = (stored, note.strip())
    with file_lock(doc_path):
        text = read_text(doc_path)
        try:
            meta, _ = front_matter.read(text, path=ws.rel(doc_path))
        except FrontMatterError as exc:
            raise FrontMatterError(
                f"document has invalid frontmatter (fix before relating files): {exc}",
                path="",
            ) from None
        current = collapse(meta.related_files, bases)
        collapsed = len(current) != len(meta.related_files) or any(
            e.note != r.note for e, r in zip(current.values(), meta.related_files, strict=False)
        )
        removed = 0
        skipped: list[str] = []
        for raw in remove:
            if not raw.strip():
                continue
            key = resolve(raw, bases).key or raw.strip()
            if current.pop(key, None) is not None:
                removed += 1
            else:
                skipped.append(raw)
        added = updated = 0
        unchanged: list[str] = []
        for key, (stored, note) in wanted.items():
            if key in current:
                merged = merge_note(current[key].note, note)
                if merged != current[key].note:
                    current[key].note = merged
                    updated += 1
                else:
                    unchanged.append(current[key].path)
            else:
                current[key] = _Entry(stored, note)
                added += 1
        total = len(current)
        if added + updated + removed == 0 and not collapsed:
            if unchanged:
                reason = "file-note entries matched existing notes"
            elif remove and not file_notes:
                reason = "remove targets were not present"
            else:
                reason = "no changes requested"
            return RelateResult(doc_path, 0, 0, 0, total, "noop", reason, unchanged, skipped)
        ordered = sorted(current.values(), key=lambda e: e.path.encode("utf-8"))
        new_text = front_matter.update_fields(
            text,
            {"RelatedFiles": [RelatedFile(e.path, e.note) for e in ordered]},
            path=ws.rel(doc_path),
        )
        if new_text != text:
            atomic_write(doc_path, new_text)
    return RelateResult(doc_path, added, updated, removed, total, "updated", "", unchanged, skipped)


def target_doc(ws: Workspace, *, doc: str = "", ticket: str = "") -> Path:
    """The document ``doc relate`` edits: ``--doc`` ref, else the ticket's index.md."""
    from docmgr import document
    from docmgr import ticket as ticketmod
    from docmgr.paths import is_inside

    if doc:
        path = document.resolve_ref(ws, doc)
        if not is_inside(ws.root, path):
            raise DocmgrError(
                f'--doc "{doc}" resolved to {path}, but it is not in the docs index '
                "(is it under the docs root?)",
                "pass a document under the docs root",
            )
        return path
    if ticket:
        return ticketmod.find(ws, ticket).doc.path
    raise UsageProblem(
        "must specify either --doc or --ticket", "pass --ticket <ID> or --doc <path>"
    )
