"""RelatedFiles entries as text: anchors (repo:, ws:, …) and file notes."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from pathlib import Path

from docmgr.errors import Param, UsageProblem

SCHEMES = ("repo", "ws", "docs", "doc", "abs")

_EXAMPLE = ("pass ", Param("file_note", '"path/to/file.go:why it matters"'))


def parse_anchor(raw: str) -> tuple[str, str] | None:
    """Split ``scheme://rest`` for a known scheme into (scheme, cleaned rest); else None."""
    head, sep, rest = raw.strip().partition("://")
    scheme = head.lower()
    if not sep or scheme not in SCHEMES:
        return None
    rest = rest.strip().replace("\\", "/")
    if scheme == "abs":
        cleaned = posixpath.normpath("/" + rest.lstrip("/"))
    else:
        cleaned = posixpath.normpath(rest.lstrip("/")) if rest.lstrip("/") else ""
        cleaned = "" if cleaned == "." else cleaned
    return scheme, cleaned


def canonical(raw: str) -> str:
    """The canonical spelling of an anchored path (``repo://a/../b.go`` → ``repo://b.go``)."""
    parsed = parse_anchor(raw)
    if parsed is None:
        return raw.strip()
    scheme, rest = parsed
    return f"{scheme}://{rest}"


def stored_target(raw: str) -> tuple[str, str]:
    """(kind, target): the part of resolving an entry that depends on the text alone.

    ``kind`` is an anchor scheme with its cleaned rest (``ws`` keeps the raw text: its base
    comes from go.work), ``path`` an absolute bare path, ``rel`` a relative bare path
    (normalised; the bases to try depend on where docmgr runs), ``home`` a bare path under
    ``~`` (the text after ``~``), ``none`` an entry naming nothing.
    """
    parsed = parse_anchor(raw)
    if parsed is not None:
        return (parsed[0], raw) if parsed[0] == "ws" else parsed
    text = raw.strip().replace("\\", "/")
    if text == "~" or text.startswith("~/"):
        return "home", text[1:]
    cleaned = posixpath.normpath(text) if text else ""
    if not cleaned or cleaned == ".":
        return "none", ""
    return ("path" if cleaned.startswith("/") else "rel"), cleaned


def _clean_legacy(raw: str) -> str:
    text = raw.strip().replace("\\", "/")
    if text == "~" or text.startswith("~/"):
        text = str(Path.home()) + text[1:]
    cleaned = posixpath.normpath(text) if text else ""
    return "" if cleaned == "." else cleaned


def parse_file_note(value: str) -> tuple[str, str] | None:
    """Split one ``--file-note`` value into (path, note); None for a blank value.

    The separator is the first ``:`` or ``=`` (after ``://`` for an anchored path), so notes
    may hold colons and commas.
    """
    if not value.strip():
        return None
    start = 0
    head, sep, _rest = value.partition("://")
    if sep and head.strip().lower() in SCHEMES:
        start = len(head) + 3
    positions = [p for p in (value.find(":", start), value.find("=", start)) if p >= 0]
    if not positions:
        raise UsageProblem(
            (
                "malformed ",
                Param("file_note"),
                f" value {value!r}: expected 'path:note' (or 'path=note')",
            ),
            _EXAMPLE,
        )
    cut = min(positions)
    path, note = value[:cut].strip(), value[cut + 1 :].strip()
    if not path:
        raise UsageProblem(
            (
                "malformed ",
                Param("file_note"),
                f" value {value!r}: empty path (expected 'path:note')",
            ),
            _EXAMPLE,
        )
    if not note:
        raise UsageProblem(
            (Param("file_note"), f" requires a non-empty note for {path}"), f"use '{path}:reason'"
        )
    return path, note


def parse_file_notes(values: Iterable[str]) -> list[tuple[str, str]]:
    """Parse every ``--file-note`` value (blank ones skipped)."""
    out: list[tuple[str, str]] = []
    for value in values:
        parsed = parse_file_note(value)
        if parsed is not None:
            out.append(parsed)
    return out


def merge_note(existing: str, addition: str) -> str:
    """Merge a note into an existing one (spec §3.4): append a new line unless already there."""
    added = addition.strip()
    if not added:
        return existing
    if not existing.strip():
        return added
    if any(line.strip() == added for line in existing.splitlines()):
        return existing
    return existing + added if existing.endswith("\n") else existing + "\n" + added
