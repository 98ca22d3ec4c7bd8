"""After ``git commit --amend`` or ``git rebase``: point the docs at the rewritten commits.

git's ``post-rewrite`` hook receives one ``<old> <new>`` line per rewritten commit. Every
mention of an old hash in the docs root, full or abbreviated, becomes the new hash in the
same length: diary commit lines (whose subject follows a reworded commit), the step index,
``RelatedFiles`` notes, changelog entries, prose. Nothing else changes. Dropped commits have
no new hash and are left for ``diary verify``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docmgr.errors import GitLinkError
from docmgr.formats import diary as diary_format
from docmgr.formats.merge import kind_of
from docmgr.seams.fsio import update_file
from docmgr.store.diaries import open_repo
from docmgr.store.ignore import Matcher
from docmgr.store.workspace import walk_markdown

if TYPE_CHECKING:
    from docmgr.seams.gitlink import Repository
    from docmgr.store.workspace import Workspace


_FULL = re.compile(r"^[0-9a-f]{40}$")


_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{7,40}(?![0-9A-Za-z])")


def parse_rewrite_map(text: str) -> dict[str, str]:
    """Read git's ``<old> <new> [<extra>]`` lines; a commit rewritten twice keeps its last."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and _FULL.match(parts[0].lower()) and _FULL.match(parts[1].lower()):
            out[parts[0].lower()] = parts[1].lower()
    for old, new in list(out.items()):  # a -> b, b -> c: a -> c
        seen = {old}
        while new in out and new not in seen:
            seen.add(new)
            new = out[new]
        out[old] = new
    return {old: new for old, new in out.items() if old != new}


@dataclass(frozen=True, slots=True)
class Rewritten:
    path: Path
    hashes: int  # mentions replaced
    subjects: int  # commit-line subjects updated


class _Mapper:
    """Maps a written hash (full or abbreviated) to its replacement, refusing ambiguity."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping
        self.olds = sorted(mapping)

    def old_of(self, token: str) -> str | None:
        if len(token) == 40:
            return token if token in self.mapping else None
        found = [o for o in self.olds if o.startswith(token)]
        return found[0] if len(found) == 1 else None

    def new_of(self, token: str) -> str | None:
        old = self.old_of(token)
        if old is None:
            return None
        return self.mapping[old][: len(token)]

    def mentions(self, text: str) -> bool:
        return any(self.old_of(m.group(0)) for m in _TOKEN.finditer(text))


def rewrite_text(
    text: str, mapper: _Mapper, subjects: dict[str, tuple[str, str]], *, diary: bool
) -> tuple[str, int, int]:
    """Return (new text, hashes replaced, subjects updated).

    ``subjects`` maps an old full hash to (old subject, new subject); a diary commit line
    whose written subject is the old one gets the new one.
    """
    updated_subjects = 0
    if diary:
        edits: list[tuple[int, int, str]] = []
        for step in diary_format.parse(text):
            for ref in step.commits:
                old = mapper.old_of(ref.hash)
                if old is None or not ref.subject or old not in subjects:
                    continue
                before, after = subjects[old]
                if ref.subject != before or before == after:
                    continue
                span = text[ref.start : ref.end]
                at = span.find(ref.subject, len(ref.written))
                if at < 0:
                    continue
                edits.append((ref.start + at, ref.start + at + len(ref.subject), after))
        for start, end, value in sorted(edits, reverse=True):
            text = text[:start] + value + text[end:]
            updated_subjects += 1
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        new = mapper.new_of(match.group(0))
        if new is None:
            return match.group(0)
        count += 1
        return new

    text = _TOKEN.sub(swap, text)
    if diary and (count or updated_subjects):
        text = diary_format.refresh_index(text)
    return text, count, updated_subjects


def rewrite_docs(
    ws: Workspace,
    mapping: dict[str, str],
    *,
    repo: str = "",
    files: Iterable[Path] | None = None,
) -> list[Rewritten]:
    """Replace every mention of a rewritten commit in the docs root (each file under its lock).

    ``files`` limits the walk (tests); by default every Markdown file of the docs root is
    read. The old and new subjects come from the repository (a commit that cannot be read
    keeps its written subject).
    """
    if not mapping or not ws.root.is_dir():
        return []
    mapper = _Mapper(mapping)
    subjects = _subjects(ws, repo, mapping)
    if files is None:
        matcher = Matcher.for_root(ws.root, ws.repo_root)
        files = [path for path, _rel, _st, _control in walk_markdown(ws.root, matcher)]
    out: list[Rewritten] = []
    for path in files:
        try:
            probe = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if not mapper.mentions(probe):
            continue
        is_diary = kind_of(path.name, probe) == "diary"
        counts = [0, 0]

        def change(current: str, is_diary: bool = is_diary, counts: list[int] = counts) -> str:
            text, hashes, subjects_done = rewrite_text(current, mapper, subjects, diary=is_diary)
            counts[0], counts[1] = hashes, subjects_done
            return text

        update_file(path, change)
        if counts[0] or counts[1]:
            out.append(Rewritten(path, counts[0], counts[1]))
    return out


def _subjects(ws: Workspace, repo: str, mapping: dict[str, str]) -> dict[str, tuple[str, str]]:
    try:
        handle: Repository = open_repo(ws, repo)
    except GitLinkError:
        return {}
    out = {}
    try:
        for old, new in mapping.items():
            before, after = handle.lookup(old), handle.lookup(new)
            if before is not None and after is not None:
                out[old] = (before.subject, after.subject)
    finally:
        handle.close()
    return out
