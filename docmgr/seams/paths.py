"""Path safety and naming: ticket-id validation, slugs, path templates, and ``confine``,
the one gate every path a user passes goes through."""

from __future__ import annotations

import os
import posixpath
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Literal

from docmgr.errors import Param, PathOutsideRoot, SymlinkWrite, UnsafePath, UsageProblem

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


_ANY_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")


PLACEHOLDERS = "{{YYYY}}, {{MM}}, {{DD}}, {{DATE}}, {{TICKET}}, {{SLUG}}, {{TITLE}}"


NAME_MAX_FALLBACK = 255  # bytes: ext4, APFS, NTFS (in UTF-16 units) and most others


def _is_control(ch: str) -> bool:
    return ord(ch) < 32 or ord(ch) == 127 or unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def validate_line(value: str, *, what: Param, multi_line: bool = False) -> str:
    """Refuse a one-line text (a title) with a newline or another control character.

    A title lands in a heading (``## 2026-02-08 - <title>``) or a header line: a newline
    would start a heading or a key of its own. ``multi_line`` texts (a changelog entry)
    may hold newlines and tabs, but no other control character.
    """
    allowed = "\n\t\r" if multi_line else ""
    bad = next((ch for ch in value if _is_control(ch) and ch not in allowed), None)
    if bad is not None:
        kind = "a newline" if bad in "\r\n\u2028\u2029" else f"the control character {bad!r}"
        raise UsageProblem(
            (what, f" contains {kind}"),
            ("pass ", what, " as one line of printable text"),
        )
    return value


def name_max(near: Path) -> int:
    """The longest file name (in bytes) the file system at ``near`` (or its nearest
    existing parent) accepts; 255 when the system does not say."""
    probe = near
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return int(os.pathconf(probe, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows) or no answer
        return NAME_MAX_FALLBACK


def check_name_lengths(root: Path, rel: str, *, what: Param) -> None:
    """Refuse a relative path one of whose names is too long for the file system, before
    anything is written (otherwise mkdir fails half-way and leaves empty folders)."""
    limit = name_max(root)
    for segment in rel.replace("\\", "/").split("/"):
        size = len(segment.encode("utf-8"))
        if size > limit:
            raise UsageProblem(
                f"name too long for the file system ({size} bytes, at most {limit}): "
                f"{segment[:40]}…",
                ("pass a shorter ", what),
            )


def validate_ticket_id(ticket: str) -> str:
    """Return the ticket id unchanged, or raise UnsafePath if it could escape a folder."""
    if not ticket or not ticket.strip():
        raise UnsafePath("ticket id is empty", "choose an id such as ABC-123")
    if ticket != ticket.strip():
        raise UnsafePath(f"ticket id {ticket!r} has leading or trailing whitespace")
    if "/" in ticket or "\\" in ticket:
        raise UnsafePath(f"ticket id {ticket!r} contains a path separator")
    if ".." in ticket or ticket == ".":
        raise UnsafePath(f"ticket id {ticket!r} contains '..'")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in ticket):
        raise UnsafePath(f"ticket id {ticket!r} contains NUL or control characters")
    return ticket


def validate_segment(value: str, *, what: str | Param) -> str:
    """Check a single path component (doc type, file name) supplied by a user.

    ``what`` names it in messages: a description, or the input it came from.
    """
    if not value or not value.strip():
        raise UnsafePath((what, " is empty"))
    if "/" in value or "\\" in value or value in (".", "..") or ".." in value:
        raise UnsafePath((what, f" {value!r} must be a single folder name"))
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise UnsafePath((what, f" {value!r} contains NUL or control characters"))
    return value


def slugify(text: str) -> str:
    """Transliterate to ASCII (NFKD, accents dropped), lower-case, and turn every run of
    characters other than ``a-z0-9`` into ``-``: "Ñoño café" → "nono-cafe"."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
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
    unknown = [m for m in _ANY_PLACEHOLDER.findall(template) if not _PLACEHOLDER.fullmatch(m)]
    if unknown:
        raise UsageProblem(
            f"unknown placeholder {unknown[0]} in the path template",
            f"use only {PLACEHOLDERS}",
        )
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


Purpose = Literal["read", "write"]


def confine(
    root: Path,
    user_path: str | os.PathLike[str],
    *,
    cwd: Path,
    purpose: Purpose = "read",
    what: str = "path",
) -> Path:
    """The one path gate: resolve a path a user passed and refuse it unless it stays inside.

    ``user_path`` is taken as is when absolute, else joined to ``cwd``; the result (with
    ``..`` folded) must lie under ``root``. Every symlink on the way below the root is resolved
    and must lead back inside the root; the final real path is checked the same way. A
    ``"write"`` never goes through a symlink, even one pointing inside: ``os.replace`` would
    turn a linked file into a regular one, and a linked folder makes two names for one file.
    Returns the absolute, normalised path (under ``root`` as spelled, links not resolved).
    ``what`` names the path in messages ("tasks file", "document", ...).
    """
    text = os.fspath(user_path)
    if not text:
        raise UnsafePath(f"{what} is empty", "pass a path inside the docs root")
    if "\x00" in text:
        raise UnsafePath(f"{what} {text!r} contains NUL")
    root_abs = Path(os.path.abspath(root))
    real_root = Path(os.path.realpath(root_abs))
    target = Path(os.path.abspath(Path(os.path.abspath(cwd)) / text))
    # a root reached through a symlink (say /tmp -> /private/tmp) may be spelled either way
    base = next((b for b in (root_abs, real_root) if _under(b, target)), None)
    if base is None:
        raise PathOutsideRoot(f"{what} {target} is outside the docs root {root_abs}")
    rel = target.relative_to(base)
    current = base
    for part in rel.parts:
        current = current / part
        if not os.path.islink(current):
            if not os.path.lexists(current):
                break
            continue
        _check_real(current, real_root, what=what, target=target, root_abs=root_abs)
        if purpose == "write":
            raise SymlinkWrite(f"{what} {target} would be written through a symlink ({current})")
    _check_real(target, real_root, what=what, target=target, root_abs=root_abs)
    return root_abs / rel


def _check_real(path: Path, real_root: Path, *, what: str, target: Path, root_abs: Path) -> None:
    real = Path(os.path.realpath(path))
    if not _under(real_root, real):
        raise PathOutsideRoot(
            f"{what} {target} leaves the docs root {root_abs} through a symlink (to {real})"
        )


def _under(root: Path, path: Path) -> bool:
    return path == root or root in path.parents


def resolve_inside(root: Path, rel: str | os.PathLike[str]) -> Path:
    """Join ``rel`` to ``root`` for a write: ``confine`` with the root as the base folder."""
    return confine(root, rel, cwd=root, purpose="write")


def is_inside(root: Path, path: Path) -> bool:
    """Tell whether ``path`` (made absolute) is ``root`` or below it."""
    root_abs = Path(os.path.abspath(root))
    target = Path(os.path.abspath(path))
    return target == root_abs or root_abs in target.parents
