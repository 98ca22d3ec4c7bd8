"""Which documents doctor looks at and how they group into ticket folders (spec §7.1)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from docmgr.model import Doc

_DATED = re.compile(r"^\d{4}/\d{2}/\d{2}/[^/]+")


@dataclass(slots=True)
class TicketGroup:
    """The documents of one ticket folder (``dir`` relative to the root, "" for the root)."""

    ticket: str
    dir: str
    rels: list[str] = field(default_factory=list)
    docs: list[Doc] = field(default_factory=list)


def ticket_dir(rel: str, index_dirs: set[str]) -> str:
    """The folder a document is checked with: ``YYYY/MM/DD/<dir>``, else its nearest folder
    with an index.md, else its first path segment ("" for documents in the root)."""
    match = _DATED.match(rel)
    if match and "/" in rel[match.end() :]:
        return match.group(0)
    parts = rel.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        candidate = "/".join(parts[:depth])
        if candidate in index_dirs:
            return candidate
    return parts[0] if parts else ""


def index_dirs(rels: Sequence[str]) -> set[str]:
    """The folders holding an ``index.md`` (relative to the root)."""
    return {rel.rsplit("/", 1)[0] for rel in rels if rel.endswith("/index.md")}


def group(rows: Sequence[tuple[str, str, int]]) -> list[TicketGroup]:
    """Group (rel, ticket, parse_ok) rows into ticket folders, in order of their first doc."""
    with_index = index_dirs([rel for rel, _t, _ok in rows])
    groups: dict[str, TicketGroup] = {}
    named: dict[str, str] = {}
    for rel, tid, ok in rows:
        folder = ticket_dir(rel, with_index)
        found = groups.get(folder)
        if found is None:
            found = groups[folder] = TicketGroup("", folder)
        found.rels.append(rel)
        if ok and tid and (rel == f"{folder}/index.md" or folder not in named):
            named[folder] = tid  # the ticket's own index.md wins over the first other doc
    for folder, item in groups.items():
        name = folder.rsplit("/", 1)[-1]
        item.ticket = named.get(folder) or (name.split("--", 1)[0] if "--" in name else name)
    return list(groups.values())


def kept(rel: str, full: str, ignore_dirs: Sequence[str], ignore_globs: Sequence[str]) -> bool:
    """False when ``--ignore-dir`` names a folder of ``rel`` or an ``--ignore-glob`` matches
    its base name, absolute path or root-relative path (``*`` does not cross ``/``)."""
    if ignore_dirs and any(seg in ignore_dirs for seg in rel.split("/")[:-1]):
        return False
    if ignore_globs:
        name = rel.rsplit("/", 1)[-1]
        for pattern in ignore_globs:
            regex = re.compile(fnmatch.translate(pattern).replace(".*", "[^/]*"))
            if any(regex.match(value) for value in (name, full, rel)):
                return False
    return True
