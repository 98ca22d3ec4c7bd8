"""Changelog verbs: append a dated entry to a ticket's changelog under its lock."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docmgr.errors import Param, UsageProblem
from docmgr.formats.changelog import render_entry
from docmgr.seams.fsio import atomic_write, file_lock, read_text
from docmgr.seams.paths import confine, validate_line
from docmgr.store import lookup


def append_entry(
    path: Path,
    *,
    date: str,
    entry: str,
    title: str = "",
    file_notes: list[tuple[str, str]] | None = None,
) -> None:
    """Append an entry under the file's lock (re-read first), creating the file if missing."""

    block = render_entry(date=date, entry=entry, title=title, file_notes=file_notes)
    with file_lock(path):
        atomic_write(path, with_block(read_text(path) if path.exists() else None, block))


def with_block(current: str | None, block: str) -> str:
    """The changelog text ``current`` (None: no file yet) with a rendered entry appended."""
    text = "# Changelog\n\n" if current is None else current
    if text and not text.endswith("\n"):
        text += "\n"
    return text + block


@dataclass(frozen=True, slots=True)
class Updated:
    """What ``changelog update`` appended, and where."""

    path: Path
    date: str
    title: str
    files_count: int


def locate(ws: Any, *, ticket: str = "", changelog_file: str = "") -> Path:
    """The changelog path from ``--changelog-file`` (cwd-relative) or the ticket's folder,
    confined to the docs root for a write (``paths.confine``)."""

    if changelog_file:
        return confine(ws.root, changelog_file, cwd=ws.cwd, purpose="write", what="changelog")
    if not ticket:
        raise UsageProblem(
            ("must specify ", Param("ticket"), " or ", Param("changelog_file")),
            ("pass ", Param("ticket", "<ID>")),
        )
    path = lookup.resolve_ticket(ws, ticket).dir / "changelog.md"
    return confine(ws.root, path, cwd=ws.cwd, purpose="write", what="changelog")


def update(
    ws: Any,
    path: Path,
    *,
    entry: str,
    title: str = "",
    file_notes: list[tuple[str, str]] | None = None,
) -> Updated:
    """Append a dated entry (local date from the workspace clock) to ``path``."""

    if not entry.strip():
        raise UsageProblem(
            (Param("entry"), " is required and must not be empty"),
            ("pass ", Param("entry", '"What changed"')),
        )
    validate_line(title, what=Param("title"))
    validate_line(entry, what=Param("entry"), multi_line=True)
    date = ws.clock.now().strftime("%Y-%m-%d")
    append_entry(path, date=date, entry=entry, title=title.strip(), file_notes=file_notes)
    return Updated(path, date, title.strip(), len(file_notes or []))
