"""Ticket index findings: missing_index and multiple_index."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docmgr.model import Doc, Finding, Severity

SCAFFOLD_DIRS = frozenset(
    {"design", "reference", "playbooks", "scripts", "sources", "various", "archive", ".meta"}
)


def missing_index(
    root: Path, index_dirs: Sequence[str], dirs: Sequence[str], *, ref: str
) -> list[Finding]:
    """Folders that look like ticket workspaces (scaffold sub-folders) but have no index.md.

    ``index_dirs`` are the folders with an index.md, ``dirs`` every folder the walk saw;
    with a ticket ``ref`` only folders named for it are reported.
    """
    with_index = set(index_dirs)
    scaffolded: set[str] = set()  # folders holding a scaffold sub-folder
    for folder in dirs:
        parent, _, name = folder.rpartition("/")
        if parent and name in SCAFFOLD_DIRS:
            scaffolded.add(parent)
    out: list[Finding] = []
    for folder in sorted(scaffolded):
        if folder in with_index or _below_index(folder, with_index):
            continue
        name = folder.rsplit("/", 1)[-1]
        if ref and not (name == ref or name.startswith(ref + "--") or name.startswith(ref + "-")):
            continue
        out.append(
            Finding(
                ticket=name,
                issue="missing_index",
                severity=Severity.ERROR,
                message="index.md not found",
                path=str(root / folder),
            )
        )
    return out


def _below_index(folder: str, with_index: set[str]) -> bool:
    """Whether a proper ancestor of ``folder`` (the docs root aside) holds an index.md.

    One set lookup per ancestor, so the rule costs the depth of the folder, not the
    number of tickets."""
    at = folder.find("/")
    while at > 0:
        if folder[:at] in with_index:
            return True
        at = folder.find("/", at + 1)
    return False


def multiple_index(docs: Sequence[Doc], ticket: str, ticket_dir: str) -> Finding | None:
    """A warning when a ticket folder holds more than one index.md (at any depth)."""
    indexes = [d for d in docs if d.path.name == "index.md"]
    if len(indexes) <= 1:
        return None
    return Finding(
        ticket=ticket,
        issue="multiple_index",
        severity=Severity.WARNING,
        message=f"Multiple index.md files found ({len(indexes)}), should be only one",
        path=ticket_dir,
        extra={"index_files": [str(d.path) for d in indexes]},
    )
