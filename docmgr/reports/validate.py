"""Validate one document's front matter and repair the usual breakages (spec §5.25)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docmgr.errors import DocmgrError, FrontMatterError
from docmgr.formats import front_matter
from docmgr.formats.front_matter import read
from docmgr.model import DocMeta
from docmgr.seams.fsio import atomic_write, file_lock, read_text
from docmgr.seams.paths import Purpose, confine
from docmgr.store import lookup
from docmgr.store.workspace import Workspace

FIX_DELIMITERS = "Normalize frontmatter delimiters (add missing closing ---)"


FIX_QUOTES = "Quote unsafe scalars (colons, hashes, special leading chars)"


FIX_STRAY = "Remove stray delimiter lines inside frontmatter"


FIX_MOVE = "Move non key/value lines out of frontmatter"


FIX_DUPLICATES = "Remove duplicate keys (keep the last value, the one docmgr used to read)"


_KEY_LINE = re.compile(r"^\s*(-\s|[^\s:#][^:]*:(\s|$))")


@dataclass(frozen=True, slots=True)
class Fix:
    """A proposed repair: the new text and what it changes."""

    text: str
    labels: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What ``validate frontmatter`` found (and did)."""

    path: Path
    meta: DocMeta | None
    error: FrontMatterError | None = None
    missing: list[str] = field(default_factory=list)
    fix: Fix | None = None
    fixed: bool = False
    backup: Path | None = None

    @property
    def ok(self) -> bool:
        return self.meta is not None and not self.missing


def _is_kv_or_item(line: str) -> bool:
    stripped = line.strip()
    return (
        not stripped or stripped.startswith("#") or bool(_KEY_LINE.match(line)) or line[:1] in " \t"
    )


def suggest_fix(text: str) -> Fix | None:
    """Propose a repaired text for a document whose front matter does not parse; None if none."""

    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    parts = front_matter.split(text)
    labels: list[str] = []
    if parts is None:
        start = next((i for i, ln in enumerate(lines) if ln.strip() == "---"), None)
        if start is None:
            return None
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("---")), None)
        if end is None:
            end = next(
                (i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines)
            )
        header = lines[start + 1 : end]
        rest = (
            lines[end + 1 :] if end < len(lines) and lines[end].startswith("---") else lines[end:]
        )
        moved: list[str] = []
        while header and ":" not in header[-1]:
            moved.insert(0, header.pop())
        body = "".join(moved + rest)
        header_text = "".join(h if h.endswith(("\n", "\r")) else h + newline for h in header)
        labels.append(FIX_DELIMITERS)
        new_header = front_matter.quote_prepass(header_text)
        if new_header != header_text:
            labels.append(FIX_QUOTES)
        return Fix(
            "".join(lines[:start]) + "---" + newline + new_header + "---" + newline + body, labels
        )
    header_lines = parts.yaml.splitlines(keepends=True)
    kept = [ln for ln in header_lines if not ln.startswith("---")]
    if len(kept) != len(header_lines):
        labels.append(FIX_STRAY)
    moved = []
    while kept and not _is_kv_or_item(kept[-1]):
        moved.insert(0, kept.pop())
    if moved:
        labels.append(FIX_MOVE)
    header_text = "".join(kept)
    quoted = front_matter.quote_prepass(header_text)
    if quoted != header_text:
        labels.append(FIX_QUOTES)
    fixed = text
    if labels:
        head = text[: parts.yaml_start]
        closing_end = parts.body_start
        closing = text[parts.yaml_end : closing_end]
        body = "".join(moved) + text[closing_end:]
        fixed = head + quoted + closing + body
    deduplicated = front_matter.drop_duplicate_keys(fixed)
    if deduplicated is not None:
        labels.append(FIX_DUPLICATES)
        fixed = deduplicated
    return Fix(fixed, labels) if labels else None


def check_text(text: str, path: Path, rel: str) -> Outcome:
    """Parse and check required fields; never raises for bad front matter."""

    try:
        meta, _ = read(text, path=rel)
    except FrontMatterError as exc:
        return Outcome(path, None, exc, fix=suggest_fix(text))
    return Outcome(path, meta, missing=front_matter.missing_required(meta))


def validate(ws: Workspace, doc_ref: str, *, auto_fix: bool = False) -> Outcome:
    """Validate one ``--doc`` reference; with ``auto_fix`` write the repair and a ``.bak``."""

    purpose: Purpose = "write" if auto_fix else "read"
    path = confine(
        ws.root, lookup.resolve_ref(ws, doc_ref), cwd=ws.cwd, purpose=purpose, what="document"
    )
    rel = ws.rel(path)
    with file_lock(path):
        text = read_text(path)
        outcome = check_text(text, path, rel)
        if outcome.meta is not None or not auto_fix:
            return outcome
        if outcome.fix is None:
            raise DocmgrError(
                f"{rel}: no auto-fix available for: "
                f"{outcome.error.problem if outcome.error else ''}",
                "fix the front matter by hand",
            )
        backup = confine(ws.root, path.with_name(path.name + ".bak"), cwd=ws.cwd, purpose="write")
        atomic_write(backup, text)
        atomic_write(path, outcome.fix.text)
        after = check_text(outcome.fix.text, path, rel)
    if after.meta is None:
        problem = after.error.problem if after.error else "unknown error"
        raise DocmgrError(
            f"auto-fix applied but re-parse failed: {problem}",
            f"the original is in {backup.name}; fix the front matter by hand",
        )
    return Outcome(path, after.meta, None, after.missing, outcome.fix, True, backup)
