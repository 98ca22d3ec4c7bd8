"""A ticket's control files read as facts: open and done tasks, the last changelog heading."""

from __future__ import annotations

from pathlib import Path

from docmgr.formats import changelog as changelog_format
from docmgr.formats import tasks as tasks_format


def _read(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def task_counts(ticket_dir: Path) -> tuple[int, int]:
    """(open, done) from the ticket's tasks.md; (0, 0) when it is missing."""
    text = _read(ticket_dir / "tasks.md")
    return (0, 0) if text is None else tasks_format.counts(text)


def changelog_head(ticket_dir: Path) -> str:
    """The last dated heading of the ticket's changelog.md; empty when it is missing."""
    text = _read(ticket_dir / "changelog.md")
    return "" if text is None else changelog_format.last_heading(text)
