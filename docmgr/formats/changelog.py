"""The changelog.md grammar: dated headings and their entries, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
