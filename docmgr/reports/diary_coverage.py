"""diary coverage: which commits on the ticket's files no diary step explains.

The commits reachable from ``--rev`` since the ticket was created (or ``--since``) that
changed the ticket's related files (or ``--path``), each with the steps that cite it. An
auditor reads the uncited ones; CI fails on them with ``--fail-on-uncited``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from docmgr.errors import Command, DocmgrError, Param, UsageProblem
from docmgr.formats import diary as diary_format
from docmgr.seams import paths as path_rules
from docmgr.seams.fsio import read_text
from docmgr.store import lookup, related_paths
from docmgr.store.diaries import diaries_in, open_repo
from docmgr.store.index import load_docs

if TYPE_CHECKING:
    from docmgr.store.workspace import Workspace


@dataclass(frozen=True, slots=True, kw_only=True)
class CoveredCommit:
    """One commit on the ticket's files and the diary steps that cite it."""

    commit: str
    date: datetime
    subject: str
    steps: tuple[str, ...]  # "<diary rel>#<step label>" of each citing step

    @property
    def cited(self) -> bool:
        return bool(self.steps)

    def row(self) -> dict[str, object]:
        return {
            "commit": self.commit,
            "short": self.commit[:7],
            "date": self.date.isoformat(),
            "subject": self.subject,
            "cited": self.cited,
            "steps": list(self.steps),
        }


@dataclass(slots=True)
class Coverage:
    ticket: str
    rev: str
    since: datetime | None
    paths: list[str]  # repository-relative
    commits: list[CoveredCommit] = field(default_factory=list)

    @property
    def uncited(self) -> list[CoveredCommit]:
        return [c for c in self.commits if not c.cited]


def _ticket_paths(ws: Workspace, folder: Path) -> list[Path]:
    """The files the ticket's documents relate (resolved, deduplicated, in order)."""
    out: dict[str, Path] = {}
    for doc in load_docs(ws):
        if doc.meta is None or not path_rules.is_inside(folder, doc.path):
            continue
        bases = related_paths.Bases.for_doc(ws, doc.path)
        for related in doc.meta.related_files:
            resolved = related_paths.resolve(related.path, bases)
            if resolved.path is not None:
                out.setdefault(str(resolved.path), resolved.path)
    return list(out.values())


def _given_paths(ws: Workspace, given: Sequence[str], repo_root: Path) -> list[Path]:
    out = []
    for raw in given:
        candidate = Path(raw)
        if candidate.is_absolute():
            out.append(Path(os.path.abspath(candidate)))
            continue
        here = Path(os.path.abspath(ws.cwd / candidate))
        there = Path(os.path.abspath(repo_root / candidate))
        out.append(here if here.exists() or not there.exists() else there)
    return out


def coverage(
    ws: Workspace,
    *,
    ticket: str,
    rev: str = "HEAD",
    since: datetime | None = None,
    paths: Sequence[str] = (),
    repo: str = "",
) -> Coverage:
    """Audit which commits on the ticket's files the ticket's diaries cite."""
    found = lookup.resolve_ticket(ws, ticket)
    if since is None and found.created_at:
        day = datetime.fromisoformat(found.created_at)
        since = day.replace(tzinfo=ws.clock.now().tzinfo)
    handle = open_repo(ws, repo)
    try:
        handle.resolve(rev)  # an unknown --rev fails once, clearly
        wanted = _given_paths(ws, paths, handle.root) if paths else _ticket_paths(ws, found.dir)
        inside = [p for p in wanted if path_rules.is_inside(handle.root, p)]
        if not inside:
            if paths:
                raise UsageProblem(
                    f"no path given lies inside the repository {handle.root}",
                    ("pass ", Param("path", "P"), " of a file in the repository"),
                )
            raise DocmgrError(
                f"ticket {found.id} relates no file of the repository {handle.root}",
                (
                    "pass ",
                    Param("path", "P"),
                    ", or relate files with ",
                    Command("doc relate", ticket=found.id),
                ),
            )
        history = handle.commits_touching(rev, paths=inside, since=since)
    finally:
        handle.close()
    cited: dict[str, list[str]] = {}
    for diary in diaries_in(found.dir):
        rel = ws.rel(diary)
        for step in diary_format.parse(read_text(diary)):
            for ref in step.commits:
                cited.setdefault(ref.hash, []).append(f"{rel}#{step.label}")
    result = Coverage(
        ticket=found.id,
        rev=rev,
        since=since,
        paths=[os.path.relpath(p, handle.root) for p in inside],
    )
    for commit, when in history:
        steps: list[str] = []
        for written, where in cited.items():
            if commit.hash.startswith(written):
                steps.extend(w for w in where if w not in steps)
        result.commits.append(
            CoveredCommit(commit=commit.hash, date=when, subject=commit.subject, steps=tuple(steps))
        )
    return result
