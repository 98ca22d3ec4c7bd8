"""Document body templates and guideline texts: built-in package data, overridable per workspace."""

from __future__ import annotations

from pathlib import Path

from docmgr.formats.delimiters import split

# package data sits next to this module (importlib.resources would cost ~10 ms of imports)
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


TEMPLATE_TYPES = (
    "code-review",
    "design-doc",
    "index",
    "log",
    "playbook",
    "reference",
    "script",
    "skill",
    "task-list",
    "tutorial",
    "working-note",
)


GUIDELINE_TYPES = TEMPLATE_TYPES


def builtin_text(folder: str, name: str) -> str | None:
    """Return a packaged file (``templates/x.md`` or ``guidelines/x.md``), or None."""
    try:
        return (_PACKAGE_DIR / folder / name).read_text(encoding="utf-8")
    except OSError:
        return None


def template_body(root: Path, doc_type: str) -> str | None:
    """The body of the template for ``doc_type``: ``<root>/_templates`` first, then built-in.

    The template's own front matter is discarded; only the text after it is used.
    """

    local = root / "_templates" / f"{doc_type}.md"
    text = (
        local.read_text(encoding="utf-8")
        if local.is_file()
        else builtin_text("templates", f"{doc_type}.md")
    )
    if text is None:
        return None
    parts = split(text)
    if parts is None:
        return text
    body = text[parts.body_start :]
    return body[1:] if body.startswith("\n") else body


def guideline(root: Path, doc_type: str) -> tuple[str, str] | None:
    """Return (text, source) of the guideline for ``doc_type``; workspace copy wins."""
    local = root / "_guidelines" / f"{doc_type}.md"
    if local.is_file():
        return local.read_text(encoding="utf-8"), str(local)
    text = builtin_text("guidelines", f"{doc_type}.md")
    return (text, "built-in") if text is not None else None


def fill(
    body: str,
    *,
    title: str,
    ticket: str,
    status: str,
    date: str,
    summary: str,
    topics: list[str],
    owners: list[str],
) -> str:
    """Replace the ``{{…}}`` placeholders of a template body."""
    values = {
        "{{TITLE}}": title,
        "{{TICKET}}": ticket,
        "{{STATUS}}": status,
        "{{DATE}}": date,
        "{{SUMMARY}}": summary,
        "{{TOPICS_LIST}}": "\n".join(f"- {t}" for t in topics),
        "{{TOPICS}}": "\n".join(f"  - {t}" for t in topics) if topics else "[]",
        "{{OWNERS}}": "\n".join(f"  - {o}" for o in owners) if owners else "[]",
    }
    for key, value in values.items():
        body = body.replace(key, value)
    return body
