"""The merge driver git calls for diaries, tasks.md and changelog.md (see ``hooks install``).

git gives three temporary files (base, ours, theirs) and the path being merged; the result
goes into the "ours" file, and the exit status says whether conflicts are left.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from docmgr.errors import GitLinkError
from docmgr.formats import merge as merge_format
from docmgr.model import DiaryStep
from docmgr.seams.fsio import atomic_write, read_text
from docmgr.seams.gitlink import open_repository

if TYPE_CHECKING:
    from docmgr.seams.gitlink import Repository


def _commit_dates(repo_dir: Path) -> tuple[merge_format.DateOf | None, Repository | None]:
    """A ``date_of`` that dates a step by the newest commit it cites (None outside git)."""
    try:
        handle = open_repository(repo_dir)
    except GitLinkError:
        return None, None

    def date_of(step: DiaryStep, _text: str) -> datetime | None:
        dates = [d for d in (handle.commit_date(r.hash) for r in step.commits) if d is not None]
        return max(dates) if dates else None

    return date_of, handle


def merge_files(
    base: Path,
    ours: Path,
    theirs: Path,
    *,
    pathname: str,
    marker_size: int = 7,
    repo_dir: Path | None = None,
) -> int:
    """Merge ``theirs`` into ``ours`` (git's %O %A %B %P); return the number of conflicts.

    ``pathname`` decides the format (tasks.md, changelog.md, a diary); other files get a
    plain three-way line merge. The result replaces ``ours`` atomically.
    """
    texts = [read_text(p) for p in (base, ours, theirs)]
    kind = merge_format.kind_of(pathname, texts[1] or texts[2] or texts[0])
    handle: Repository | None = None
    try:
        if kind == "tasks":
            merged = merge_format.merge_tasks(*texts, marker_size=marker_size)
        elif kind == "changelog":
            merged = merge_format.merge_changelog(*texts, marker_size=marker_size)
        elif kind == "diary":
            date_of, handle = _commit_dates(repo_dir or Path.cwd())
            merged = merge_format.merge_diary(*texts, date_of=date_of, marker_size=marker_size)
        else:
            lines, conflicts = merge_format.merge_lines(
                *(t.splitlines(keepends=True) for t in texts), marker_size=marker_size
            )
            merged = merge_format.Merged("".join(lines), conflicts)
    finally:
        if handle is not None:
            handle.close()
    atomic_write(ours, merged.text)
    return merged.conflicts
