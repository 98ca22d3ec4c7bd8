"""Verb output templates under ``<root>/templates/`` (spec §5.23–5.24): find, render, check.

``docmgr doc list`` looks for ``templates/doc/list.templ`` (then ``templates/list/docs.templ``),
``docmgr doctor`` for ``templates/doctor.templ``, and renders the first one found after its
normal output. Templates use Go's text/template syntax (formats/gotemplate.py).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from docmgr.errors import DocmgrError
from docmgr.formats import gotemplate
from docmgr.seams import paths
from docmgr.seams.fsio import read_text

TEMPLATES_DIR = "templates"
SUFFIX = ".templ"


def template_path(root: Path, verbs: Sequence[str]) -> Path:
    """``templates/<verb>.templ`` for a single verb, ``templates/<group>/<verb>.templ`` else."""
    if len(verbs) == 1:
        return root / TEMPLATES_DIR / f"{verbs[0]}{SUFFIX}"
    return root / TEMPLATES_DIR / verbs[-2] / f"{verbs[-1]}{SUFFIX}"


def find(root: Path, candidates: Sequence[Sequence[str]]) -> tuple[Path, list[str]] | None:
    """The first existing template among the candidate verb paths, with its verb path."""
    for verbs in candidates:
        path = template_path(root, verbs)
        if path.is_file():
            return path, ["docmgr", *verbs]
    return None


def render(
    root: Path,
    candidates: Sequence[Sequence[str]],
    *,
    data: dict[str, Any],
    settings: dict[str, Any],
    now: datetime,
) -> str | None:
    """Render the verb's template, or None when there is none; TemplateError/OSError on failure.

    The data is the envelope ``Verbs, Root, Now, Settings`` plus the verb's own keys.
    """
    found = find(root, candidates)
    if found is None:
        return None
    path, verbs = found
    envelope: dict[str, Any] = {"Verbs": verbs, "Root": str(root), "Now": now, "Settings": settings}
    envelope.update(data)
    return gotemplate.render(path.name, read_text(path), envelope)


@dataclass(frozen=True, slots=True)
class Checked:
    """One template checked by ``template validate``: its path and the error ('' if fine)."""

    path: Path
    error: str


def validate(root: Path, path: str = "") -> tuple[Path, list[Checked]]:
    """Parse every ``*.templ`` under ``<root>/templates`` (or the one file ``path``)."""
    folder = root / TEMPLATES_DIR
    if path:
        # absolute, else relative to the root, else to templates/; never outside the root
        bases = (root,) if os.path.isabs(path) else (root, folder)
        options = [paths.confine(root, path, cwd=base, what="template") for base in bases]
        target = next((p for p in options if p.is_file()), None)
        if target is None:
            raise DocmgrError(
                f"template not found: {path}",
                f"pass a path relative to {root} or {folder}, or an absolute one",
            )
        files = [target]
    else:
        if not folder.is_dir():
            raise DocmgrError(
                f"templates directory does not exist: {folder}",
                f"create templates under {folder} (e.g. {folder}/doctor.templ)",
            )
        files = sorted(p for p in folder.rglob(f"*{SUFFIX}") if p.is_file())
    checked = []
    for file in files:
        try:
            gotemplate.check(file.name, read_text(file))
            checked.append(Checked(file, ""))
        except gotemplate.TemplateError as exc:
            checked.append(Checked(file, str(exc)))
        except (OSError, UnicodeDecodeError) as exc:
            checked.append(Checked(file, f"cannot read: {exc}"))
    return folder, checked
