"""Path safety and naming: ticket-id validation, slugs, path templates, containment checks."""

from __future__ import annotations

import os
import posixpath
import re
from datetime import datetime
from pathlib import Path

from docmgr.errors import UnsafePath, UsageProblem

DEFAULT_PATH_TEMPLATE = "{{YYYY}}/{{MM}}/{{DD}}/{{TICKET}}--{{SLUG}}"


_NON_SLUG = re.compile(r"[^a-z0-9]+")


# The one "NN-" rule: a document file name may start with a 2- or 3-digit number and a dash
# ("01-plan.md", "100-notes.md"); numbering writes 2 digits, 3 from 100 on.
_NUMERIC_PREFIX = re.compile(r"^(\d{2,3})-")


def numeric_prefix(name: str) -> int | None:
    """The number of a file name's ``NN-``/``NNN-`` prefix (``01-plan.md`` → 1), else None."""
    match = _NUMERIC_PREFIX.match(name)
    return int(match.group(1)) if match else None


def strip_numeric_prefix(name: str) -> str:
    """``name`` without its ``NN-``/``NNN-`` prefix (unchanged when it has none)."""
    return _NUMERIC_PREFIX.sub("", name, count=1)


def with_numeric_prefix(number: int, rest: str) -> str:
    """``rest`` behind a ``NN-`` prefix (``NNN-`` from 100 on): (3, "plan.md") → "03-plan.md"."""
    return f"{number:02d}-{rest}" if number < 100 else f"{number:03d}-{rest}"


_TICKET_LEADIN = " \t-–—:_"


_PLACEHOLDER = re.compile(r"\{\{(?:YYYY|MM|DD|DATE|TICKET|SLUG|TITLE)\}\}")


def validate_ticket_id(ticket: str) -> str:
    """Return the ticket id unchanged, or raise UnsafePath if it could escape a folder."""
    if not ticket or not ticket.strip():
        raise UnsafePath("ticket id is empty", "pass --ticket with a name such as ABC-123")
    if ticket != ticket.strip():
        raise UnsafePath(f"ticket id {ticket!r} has leading or trailing whitespace")
    if "/" in ticket or "\\" in ticket:
        raise UnsafePath(f"ticket id {ticket!r} contains a path separator")
    if ".." in ticket or ticket == ".":
        raise UnsafePath(f"ticket id {ticket!r} contains '..'")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in ticket):
        raise UnsafePath(f"ticket id {ticket!r} contains NUL or control characters")
    return ticket


def validate_segment(value: str, *, what: str) -> str:
    """Check a single path component (doc type, file name) supplied by a user."""
    if not value or not value.strip():
        raise UnsafePath(f"{what} is empty")
    if "/" in value or "\\" in value or value in (".", "..") or ".." in value:
        raise UnsafePath(f"{what} {value!r} must be a single folder name")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise UnsafePath(f"{what} {value!r} contains NUL or control characters")
    return value


def slugify(text: str) -> str:
    """Lower-case and turn every run of characters other than ``a-z0-9`` into ``-``."""
    slug = _NON_SLUG.sub("-", text.lower()).strip("-")
    return slug or "document"


def ticket_slug(ticket: str, title: str) -> str:
    """Slug for a ticket folder: the title without a leading copy of the ticket id."""
    if not title.strip():
        return slugify(ticket)
    rest = title
    if ticket and title.lower().startswith(ticket.lower()):
        rest = title[len(ticket) :].lstrip(_TICKET_LEADIN)
    if not rest.strip():
        return slugify(ticket)
    return slugify(rest)


def doc_slug(title: str) -> str:
    """Slug for a document file name: slugified title without a leading ``NN-`` number."""
    return strip_numeric_prefix(slugify(title)) or "document"


def render_path_template(
    template: str, *, ticket: str, title: str, slug: str, when: datetime
) -> str:
    """Fill a ticket path template and return a clean relative path inside the root."""
    values = {
        "{{YYYY}}": f"{when.year:04d}",
        "{{MM}}": f"{when.month:02d}",
        "{{DD}}": f"{when.day:02d}",
        "{{DATE}}": when.strftime("%Y-%m-%d"),
        "{{TICKET}}": ticket,
        "{{SLUG}}": slug,
        "{{TITLE}}": title,
    }
    # one pass, so a ticket id or title that contains "{{TITLE}}" is not expanded again
    rendered = _PLACEHOLDER.sub(lambda m: values[m.group(0)], template or DEFAULT_PATH_TEMPLATE)
    if "\x00" in rendered:
        raise UnsafePath("path template resolved to a path containing NUL")
    rel = posixpath.normpath(rendered.replace("\\", "/"))
    while rel.startswith("./"):
        rel = rel[2:]
    rel = rel.lstrip("/")
    if rel in ("", "."):
        raise UsageProblem("path template resolved to empty path", "include {{TICKET}} in it")
    if rel == ".." or rel.startswith("../"):
        raise UnsafePath(f"path template resolves outside root: {rel}", "remove '..' from it")
    return rel


def resolve_inside(root: Path, rel: str | os.PathLike[str]) -> Path:
    """Join ``rel`` to ``root`` and refuse any result that is not inside ``root``."""
    text = os.fspath(rel)
    if "\x00" in text:
        raise UnsafePath("path contains NUL")
    root_abs = Path(os.path.abspath(root))
    target = Path(os.path.abspath(root_abs / text))
    if target != root_abs and root_abs not in target.parents:
        raise UnsafePath(f"path {text!r} escapes the docs root {root_abs}")
    # a symlink inside the root may point outside it: check where the deepest existing part
    # of the path really is, since writes would follow the link
    existing = target
    while existing != root_abs and not os.path.lexists(existing):
        existing = existing.parent
    real_root = Path(os.path.realpath(root_abs))
    real = Path(os.path.realpath(existing))
    if real != real_root and real_root not in real.parents:
        raise UnsafePath(
            f"path {text!r} leaves the docs root {root_abs} through a symlink",
            "replace the symlink by a folder, or write somewhere else",
        )
    return target


def is_inside(root: Path, path: Path) -> bool:
    """Tell whether ``path`` (made absolute) is ``root`` or below it."""
    root_abs = Path(os.path.abspath(root))
    target = Path(os.path.abspath(path))
    return target == root_abs or root_abs in target.parents
