"""Resolving RelatedFiles anchors against the repository, the workspace and the docs root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from docmgr.formats import related as related_format
from docmgr.store.workspace import Workspace


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


def _inside(base: Path, path: Path) -> bool:
    return path == base or base in path.parents


def resolve(raw: str, bases: Bases) -> Resolved:
    """Resolve a stored or typed path to an absolute path (spec §3.5 read rules)."""
    parsed = related_format.parse_anchor(raw)
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
            return Resolved(raw, None, False, related_format.canonical(raw))
        return Resolved(raw, target, target.exists(), str(target))
    cleaned = related_format._clean_legacy(raw)
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
