"""ignore explain: which rule ignores a path, and from which file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from docmgr.model import IGNORE_FILE
from docmgr.store.ignore import Matcher
from docmgr.store.workspace import Workspace


@dataclass(frozen=True, slots=True)
class IgnoreSource:
    """One source of ignore rules, evaluated on its own (``ignore explain --trace``)."""

    source: str  # "builtin" or the ignore file's path
    kind: str  # "builtin" | "file"
    matched: bool
    ignored: bool
    pattern: str
    line: int


@dataclass(frozen=True, slots=True)
class IgnoreExplanation:
    """Whether the ignore policy (spec §7.5) skips a path, and which rule decides."""

    path: Path
    is_dir: bool
    ignored: bool
    source: str
    kind: str
    pattern: str
    line: int
    trace: list[IgnoreSource]


def explain_ignore(ws: Workspace, path: str, *, is_dir: bool = False) -> IgnoreExplanation:
    """Evaluate the ignore matcher for ``path`` (``ttmp/…``: repo-relative, else root-relative)."""

    root = ws.require_root()
    given = Path(path)
    if given.is_absolute():
        target = given
    elif path.split("/", 1)[0] == root.name:
        target = ws.repo_root / path
    else:
        target = root / path
    target = Path(os.path.abspath(target))
    rel = os.path.relpath(target, root).replace(os.sep, "/")
    matcher = Matcher.for_root(root, ws.repo_root)
    parts = rel.split("/")
    for depth in range(1, len(parts)):
        nested = root.joinpath(*parts[:depth]) / IGNORE_FILE
        if nested.is_file():
            matcher.add_file("/".join(parts[:depth]), nested)
    verdict = matcher.verdict(rel, is_dir=is_dir)
    trace: list[IgnoreSource] = []
    for source in dict.fromkeys(r.source for r in matcher.rules):
        alone = Matcher(root, [r for r in matcher.rules if r.source == source]).verdict(
            rel, is_dir=is_dir
        )
        hit = alone.rule
        trace.append(
            IgnoreSource(
                source,
                "builtin" if source == "builtin" else "file",
                hit is not None,
                alone.ignored,
                hit.pattern if hit else "",
                hit.line if hit else 0,
            )
        )
    rule = verdict.rule
    kind = "" if rule is None else ("builtin" if rule.source == "builtin" else "file")
    return IgnoreExplanation(
        target,
        is_dir,
        verdict.ignored,
        rule.source if rule else "",
        kind,
        rule.pattern if rule else "",
        rule.line if rule else 0,
        trace,
    )
