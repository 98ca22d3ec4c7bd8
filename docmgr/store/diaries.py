"""Finding diaries: which documents of a ticket are diaries, and the repository they cite."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from docmgr.errors import Command, DocmgrError, DocNotFound, Param, UsageProblem
from docmgr.seams import paths
from docmgr.seams.gitlink import open_repository
from docmgr.store import lookup
from docmgr.store.index import load_docs
from docmgr.store.lookup import resolve_ref

if TYPE_CHECKING:
    from docmgr.seams.gitlink import Commit, Repository
    from docmgr.store.workspace import Workspace


def _is_diary_name(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(".md") and "diary" in lowered


def diaries_in(folder: Path) -> list[Path]:
    """List the diaries of one ticket folder: ``*diary*.md`` (else docs titled "…diary…")."""
    found: list[Path] = []
    others: list[Path] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
        if Path(current) != folder and "index.md" in files:
            dirs[:] = []  # a nested ticket keeps its own diary
            continue
        for name in sorted(files):
            if not name.lower().endswith(".md") or name.lower() in (
                "index.md",
                "tasks.md",
                "changelog.md",
                "readme.md",
            ):
                continue
            path = Path(current) / name
            (found if _is_diary_name(name) else others).append(path)
    return found or [p for p in others if _title_says_diary(p)]


def _title_says_diary(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    match = re.search(r"(?m)^Title:[ \t]*(.*)$", head) if head.startswith("---") else None
    return bool(match and "diary" in match.group(1).lower())


def resolve_diary(
    ws: Workspace, *, ticket: str = "", diary: str = "", purpose: paths.Purpose = "write"
) -> Path:
    """Find the diary: ``--diary PATH`` (inside the docs root) or the ticket's only diary.

    The path goes through ``paths.confine`` for ``purpose`` (a reader may follow a symlink
    that stays inside the root; a writer never goes through one).
    """

    if diary.strip():
        ref = diary.strip()
        direct = [Path(ref)] if os.path.isabs(ref) else [ws.cwd / ref, ws.root / ref]
        path = next((p for p in direct if p.is_file()), None)
        if path is None:  # the forgiving --doc rules (repo-relative, suffix match, …)
            path = resolve_ref(ws, ref)
        return paths.confine(ws.root, path, cwd=ws.cwd, purpose=purpose, what="diary")
    if not ticket.strip():
        raise UsageProblem(
            "no diary given", ("pass ", Param("ticket", "<ID>"), " or ", Param("diary", "<path>"))
        )

    found = lookup.resolve_ticket(ws, ticket)
    candidates = diaries_in(found.dir)
    if not candidates:
        raise DocNotFound(
            f"ticket {found.id} has no diary", ("run ", Command("diary create", ticket=found.id))
        )
    if len(candidates) > 1:
        listing = ", ".join(ws.rel(p) for p in candidates)
        raise DocmgrError(
            f"ticket {found.id} has {len(candidates)} diaries: {listing}",
            ("pass ", Param("diary", "<path>"), " to pick one"),
        )
    return paths.confine(ws.root, candidates[0], cwd=ws.cwd, purpose=purpose, what="diary")


def all_diaries(ws: Workspace) -> list[Path]:
    """List every diary of the workspace: documents named ``*diary*.md`` or titled "…diary…"."""

    out = []
    for doc in load_docs(ws):
        if doc.is_control or doc.is_index:
            continue
        title = doc.meta.title if doc.meta else ""
        if _is_diary_name(doc.path.name) or "diary" in title.lower():
            out.append(doc.path)
    return out


def ticket_dir_of(ws: Workspace, path: Path) -> Path | None:
    """Return the ticket folder holding ``path``: the nearest parent with an ``index.md``."""

    current = path.parent
    while paths.is_inside(ws.root, current):
        if (current / "index.md").is_file():
            return current
        if current == ws.root:
            break
        current = current.parent
    return None


def repo_path(ws: Workspace, explicit: str = "") -> Path:
    """Choose the commits' repository: ``--repo``, ``repo:`` in .ttmp.yaml, else the root's."""
    if explicit.strip():
        path = Path(explicit)
        return path if path.is_absolute() else ws.cwd / path
    if ws.config is not None and ws.config.repo:
        path = Path(ws.config.repo)
        return path if path.is_absolute() else ws.config.folder / path
    return ws.root if ws.root.is_dir() else ws.cwd


def open_repo(ws: Workspace, explicit: str) -> Repository:
    """Open the commits' repository once per command: later calls get the same handle.

    Discovery (and GitPython's ``Repo``) is paid once; ``close`` on the handle only stops
    its helper processes, which the next use starts again.
    """
    where = repo_path(ws, explicit)
    handle: Repository | None = ws.repos.get(where)
    if handle is None:
        handle = open_repository(where)
        ws.repos[where] = handle
    return handle


def commit_urls(
    ws: Workspace, repo: Repository | None, commits: Iterable[Commit]
) -> dict[str, str]:
    if repo is None or ws.config is None or not ws.config.commit_links:
        return {}
    out = {}
    for commit in commits:
        url = repo.commit_url(commit.hash)
        if url:
            out[commit.hash] = url
    return out
