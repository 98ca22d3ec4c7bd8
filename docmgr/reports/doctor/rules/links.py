"""Doctor rule: documents and control files that are symlinks leading out of the docs root.

The walk never reads such a file and no verb writes through it (``paths.confine``,
``fsio.atomic_write``), so without this rule it would silently vanish from every listing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docmgr.model import Severity
from docmgr.store.workspace import Workspace, leaves_root

ISSUE = "symlink_outside_root"


SEVERITY = Severity.WARNING


@dataclass(frozen=True, slots=True)
class EscapingLink:
    """One ``.md`` under the root that is a symlink to a place outside it."""

    path: Path
    rel: str  # docs-root relative, slash-separated
    target: str  # where the link leads (resolved)
    control: bool  # index.md, tasks.md, changelog.md or README.md of a ticket
    ticket_dir: str  # rel of the nearest folder above it holding an index.md ("" if none)

    @property
    def message(self) -> str:
        kind = "control file" if self.control else "document"
        return (
            f"{kind} is a symlink leaving the docs root (to {self.target}); docmgr does not "
            "read or write it: replace the link by the real file, or move that file into "
            "the docs root"
        )


def escaping_links(
    ws: Workspace, walked: Sequence[tuple[str, bool]], *, under: Sequence[str] | None = None
) -> list[EscapingLink]:
    """The symlinks among ``walked`` (rel, is_control of each walked ``.md`` that is a
    symlink, in walk order: ``queries.md_links``) that lead out of the root; ``under`` keeps
    those below the given docs-root-relative folders (one ticket's scope)."""

    root = ws.require_root()
    real_root = ""
    found: list[EscapingLink] = []
    for rel, control in walked:
        if under is not None and not any(rel.startswith(f"{d}/") for d in under if d):
            continue
        path = root / rel
        real_root = real_root or os.path.realpath(root)
        if not leaves_root(path, real_root):
            continue
        found.append(
            EscapingLink(path, rel, os.path.realpath(path), control, _ticket_dir(root, rel))
        )
    return found


def _ticket_dir(root: Path, rel: str) -> str:
    parts = rel.split("/")[:-1]
    while parts:
        if (root.joinpath(*parts) / "index.md").is_file():
            return "/".join(parts)
        parts.pop()
    return ""
