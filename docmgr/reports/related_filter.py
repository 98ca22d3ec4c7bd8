"""``search --file`` / ``--dir``: which documents relate to a file or a folder.

A stored RelatedFiles entry matches when it resolves (like ``relate`` resolves it, from the
document's own folder) to the named file, or below the named folder, or ends with the
named relative path on whole segments. Loaded only when one of the two options is given."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from docmgr.formats import related as related_format
from docmgr.store import related_paths
from docmgr.store.index import Index, queries
from docmgr.store.workspace import Workspace
from docmgr.tuples import NamedTuple


class Target(NamedTuple):
    """What ``--file`` / ``--dir`` name, resolved once for every stored entry."""

    path: Path | None  # resolved absolute path of the query
    suffix: str  # cleaned relative query for whole-segment suffix matching ('' when not usable)
    base: str  # last segment (SQL pre-filter)


def target(ws: Workspace, raw: str) -> Target | None:
    """Resolve a ``--file`` / ``--dir`` value; None when it names nothing usable."""
    text = raw.strip().rstrip("/")
    if not text:
        return None
    bases = related_paths.Bases(
        repo_root=Path(os.path.abspath(ws.repo_root)),
        docs_root=Path(os.path.abspath(ws.root)),
        config_dir=Path(os.path.abspath(ws.config_dir)),
        doc_dir=Path(os.path.abspath(ws.cwd)),
        gowork_dir=related_paths.find_gowork(ws.repo_root),
    )
    resolved = related_paths.resolve(text, bases)
    suffix = ""
    if related_format.parse_anchor(text) is None and not text.startswith(("/", "~")):
        cleaned = posixpath.normpath(text.replace("\\", "/"))
        if cleaned not in (".", "") and not cleaned.startswith(".."):
            suffix = cleaned
    if resolved.path is None and not suffix:
        return None  # quirk kept from Go: an unusable query applies no filter
    base = (suffix or (str(resolved.path) if resolved.path else "")).rsplit("/", 1)[-1]
    return Target(resolved.path, suffix, base)


def _file_match(stored: Path | None, target: Target) -> bool:
    if stored is None:
        return False
    if target.path is not None and stored == target.path:
        return True
    return bool(target.suffix) and stored.as_posix().endswith("/" + target.suffix)


def _dir_match(stored: Path | None, target: Target) -> bool:
    if stored is None:
        return False
    text = stored.as_posix()
    if target.path is not None and text.startswith(target.path.as_posix().rstrip("/") + "/"):
        return True
    return bool(target.suffix) and ("/" + target.suffix + "/") in text


def _display(raw: str, resolved: Path | None, repo_root: Path) -> str:
    if related_format.parse_anchor(raw) is not None:
        return related_format.canonical(raw)
    if resolved is not None:
        try:
            return resolved.relative_to(repo_root).as_posix()
        except ValueError:
            return resolved.as_posix()
    return raw.strip()


def keep(
    ws: Workspace,
    index: Index,
    rows: list[queries.SearchRow],
    file_target: Target | None,
    dir_target: Target | None,
) -> tuple[
    list[queries.SearchRow], dict[int, tuple[str, str]], dict[int, tuple[tuple[str, str], ...]]
]:
    """Keep the rows with a related-file entry that matches; with their (paths, notes) and
    each matched entry's (display path, note)."""
    notes: dict[int, tuple[str, str]] = {}
    matches: dict[int, tuple[tuple[str, str], ...]] = {}
    kept = []
    repo_root = Path(os.path.abspath(ws.repo_root))
    for row in rows:
        doc_path = index.root / row.rel
        bases = related_paths.Bases.for_doc(ws, doc_path)
        matched: list[tuple[str, str]] = []
        for raw, note in queries.related_of(index, row.id):
            stored = related_paths.resolve(raw, bases).path
            ok = (file_target is None or _file_match(stored, file_target)) and (
                dir_target is None or _dir_match(stored, dir_target)
            )
            if ok:
                matched.append((_display(raw, stored, repo_root), note.strip()))
        if matched:
            kept.append(row)
            matches[row.id] = tuple(matched)
            notes[row.id] = (
                ", ".join(m[0] for m in matched),
                " | ".join(m[1] for m in matched if m[1]),
            )
    rows = kept
    return kept, notes, matches
