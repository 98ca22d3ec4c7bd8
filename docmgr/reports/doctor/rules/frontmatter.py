"""Front-matter findings: invalid_frontmatter, missing_required_fields, missing_field."""

from __future__ import annotations

from pathlib import Path

from docmgr.formats.front_matter import NO_DELIMITERS, missing_required, missing_warned
from docmgr.model import Doc, DocMeta, Finding, Severity


def snippet(path: Path, line: int) -> str:
    """The lines around ``line`` (1-based), numbered, for a parse error."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    lo, hi = max(1, line - 1), min(len(lines), line + 1)
    return "\n".join(f"{n:4d} | {lines[n - 1]}" for n in range(lo, hi + 1))


def parse_error(doc: Doc, ticket: str) -> Finding:
    """``invalid_frontmatter`` (error) for a document whose header does not parse."""
    where = f"line {doc.error_line}: " if doc.error_line else ""
    return Finding(
        ticket=ticket,
        issue="invalid_frontmatter",
        severity=Severity.ERROR,
        message=f"Failed to parse frontmatter: {where}{doc.error}",
        path=str(doc.path),
        extra={"line": doc.error_line, "snippet": snippet(doc.path, doc.error_line or 1)},
    )


def invalid_frontmatter(doc: Doc, ticket: str) -> Finding | None:
    """The invalid_frontmatter finding of one doc (control files without any header are exempt)."""
    if doc.ok or (doc.is_control and doc.error == NO_DELIMITERS):
        return None
    return parse_error(doc, ticket)


def missing_required_fields(meta: DocMeta, ticket: str, path: Path) -> list[Finding]:
    """``missing_required_fields`` (error) when Title, Ticket or DocType is blank."""
    missing = missing_required(meta)
    if not missing:
        return []
    return [
        Finding(
            ticket=ticket,
            issue="missing_required_fields",
            severity=Severity.ERROR,
            message=f"missing required fields: {', '.join(missing)}",
            path=str(path),
        )
    ]


def missing_field(meta: DocMeta, ticket: str, path: Path) -> list[Finding]:
    """``missing_field`` warnings for an empty Status and for no Topics."""
    return [
        Finding(
            ticket=ticket,
            issue="missing_field",
            severity=Severity.WARNING,
            message=f"missing {name}",
            path=str(path),
        )
        for name in missing_warned(meta)
    ]
