"""orphan_markdown: Markdown files that belong to no ticket, one finding per folder."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from docmgr.model import CONTROL_NAMES, IGNORE_FILE, Finding, Severity

# Workspace skills live in <root>/skills/ (spec §11): they belong to the workspace, not to
# a ticket.
WORKSPACE_FOLDERS = ("skills",)


def _in_ticket(rel: str, index_dirs: Collection[str]) -> bool:
    parts = rel.split("/")[:-1]
    return any("/".join(parts[:depth]) in index_dirs for depth in range(1, len(parts) + 1))


def _exempt(rel: str, skip_dirs: Collection[str]) -> bool:
    if "/" not in rel:
        return rel.lower() in CONTROL_NAMES  # the root's own README.md, tasks.md, changelog.md
    if rel.split("/", 1)[0] in WORKSPACE_FOLDERS:
        return True
    return any(rel.startswith(folder + "/") for folder in skip_dirs)


def orphan_markdown(
    root: Path, rels: Sequence[str], *, index_dirs: Collection[str], skip_dirs: Collection[str]
) -> list[Finding]:
    """A warning per folder holding ``.md`` files outside every ticket folder.

    ``rels`` are the documents doctor examines (ignored files are already left out),
    ``index_dirs`` the folders with an index.md (a file in one of them or below belongs to
    that ticket), ``skip_dirs`` folders already reported otherwise (``missing_index``).
    """
    by_folder: dict[str, list[str]] = {}
    for rel in rels:
        if _in_ticket(rel, index_dirs) or _exempt(rel, skip_dirs):
            continue
        folder, _, name = rel.rpartition("/")
        by_folder.setdefault(folder, []).append(name)
    out: list[Finding] = []
    for folder in sorted(by_folder):
        names = by_folder[folder]
        shown = folder or "the docs root"
        listed = ", ".join(names[:5]) + (f", … ({len(names) - 5} more)" if len(names) > 5 else "")
        pattern = f"{folder}/*.md" if folder else "/*.md"
        out.append(
            Finding(
                ticket="",
                issue="orphan_markdown",
                severity=Severity.WARNING,
                message=f"{len(names)} Markdown file(s) in {shown} belong to no ticket: {listed}; "
                "move each into a ticket with 'docmgr doc move --doc <file> --dest-ticket <ID>', "
                f"or ignore them by adding the line '{pattern}' to {root / IGNORE_FILE}",
                path=str(root / folder) if folder else str(root),
                extra={"files": names},
            )
        )
    return out
