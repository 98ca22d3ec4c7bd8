"""missing_numeric_prefix: a document below the ticket folder without an ``NN-`` name."""

from __future__ import annotations

from docmgr.model import Doc, Finding, Severity
from docmgr.seams.paths import numeric_prefix


def missing_numeric_prefix(doc: Doc, ticket: str, ticket_dir: str) -> Finding | None:
    """A warning for a doc in a sub-folder of its ticket whose name has no ``NN-`` prefix.

    Documents directly in the ticket folder (index.md, README.md) and control files are
    exempt.
    """
    parent = doc.rel.rsplit("/", 1)[0] if "/" in doc.rel else ""
    if parent == ticket_dir or doc.is_control or numeric_prefix(doc.path.name) is not None:
        return None
    return Finding(
        ticket=ticket,
        issue="missing_numeric_prefix",
        severity=Severity.WARNING,
        message="file without numeric prefix",
        path=str(doc.path),
    )
