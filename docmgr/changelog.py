"""changelog.md: dated ``## YYYY-MM-DD[ - Title]`` entries, appended at the end."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_HEADING = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*[-–—]\s*(.*))?$")


@dataclass(frozen=True, slots=True)
class Entry:
    heading: str
    date: str
    title: str
    body: str


def parse(text: str) -> list[Entry]:
    """Split a changelog into its ``## `` sections (file order, newest last)."""
    entries: list[Entry] = []
    heading: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith("## "):
            if heading is not None:
                entries.append(_entry(heading, body))
            heading, body = line[3:].strip(), []
        elif heading is not None:
            body.append(line)
    if heading is not None:
        entries.append(_entry(heading, body))
    return entries


def _entry(heading: str, body: list[str]) -> Entry:
    match = _HEADING.match(heading)
    date, title = (match.group(1), (match.group(2) or "").strip()) if match else ("", heading)
    return Entry(heading, date, title, "\n".join(body).strip("\n"))


def last_heading(text: str) -> str:
    """Text of the last ``## `` heading, or an empty string."""
    entries = parse(text)
    return entries[-1].heading if entries else ""


def render_entry(
    *, date: str, entry: str, title: str = "", file_notes: list[tuple[str, str]] | None = None
) -> str:
    """Render one appended block (spec §4.2): heading, entry text, optional related files."""
    heading = f"## {date} - {title}" if title else f"## {date}"
    block = f"\n{heading}\n\n{entry.strip()}\n\n"
    if file_notes:
        lines = [f"- {path} — {note}" if note else f"- {path}" for path, note in sorted(file_notes)]
        block += "### Related Files\n\n" + "\n".join(lines) + "\n\n"
    return block


def append_entry(
    path: Path,
    *,
    date: str,
    entry: str,
    title: str = "",
    file_notes: list[tuple[str, str]] | None = None,
) -> None:
    """Append an entry under the file's lock (re-read first), creating the file if missing."""
    from docmgr.fsio import atomic_write, file_lock, read_text

    block = render_entry(date=date, entry=entry, title=title, file_notes=file_notes)
    with file_lock(path):
        current = read_text(path) if path.exists() else "# Changelog\n\n"
        if current and not current.endswith("\n"):
            current += "\n"
        atomic_write(path, current + block)


@dataclass(frozen=True, slots=True)
class Updated:
    """What ``changelog update`` appended, and where."""

    path: Path
    date: str
    title: str
    files_count: int


def locate(ws: Any, *, ticket: str = "", changelog_file: str = "") -> Path:
    """The changelog path from ``--changelog-file`` (cwd-relative) or the ticket's folder."""
    import os

    from docmgr import ticket as ticketmod
    from docmgr.errors import UsageProblem

    if changelog_file:
        path = Path(changelog_file)
        return Path(os.path.abspath(path if path.is_absolute() else ws.cwd / path))
    if not ticket:
        raise UsageProblem("must specify --ticket or --changelog-file", "pass --ticket <ID>")
    return ticketmod.find(ws, ticket).dir / "changelog.md"


def update(
    ws: Any,
    path: Path,
    *,
    entry: str,
    title: str = "",
    file_notes: list[tuple[str, str]] | None = None,
) -> Updated:
    """Append a dated entry (local date from the workspace clock) to ``path``."""
    from docmgr.errors import UsageProblem

    if not entry.strip():
        raise UsageProblem(
            "--entry is required and must not be empty", 'pass --entry "What changed"'
        )
    date = ws.clock.now().strftime("%Y-%m-%d")
    append_entry(path, date=date, entry=entry, title=title.strip(), file_notes=file_notes)
    return Updated(path, date, title.strip(), len(file_notes or []))
