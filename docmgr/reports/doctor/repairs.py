"""doctor --fix: plan and apply repairs of findings."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docmgr.formats import front_matter
from docmgr.formats import related as related_format
from docmgr.model import Finding, RelatedFile, Severity
from docmgr.reports import validate
from docmgr.reports.doctor.rules.frontmatter import NO_DELIMITERS
from docmgr.seams.fsio import atomic_write, file_lock, read_text
from docmgr.store import lookup, related_paths
from docmgr.store.index import load_docs
from docmgr.store.workspace import Workspace


@dataclass(frozen=True, slots=True, kw_only=True)
class Repair:
    """One safe repair doctor can make: a front-matter fix or an anchor migration."""

    kind: str  # "frontmatter" | "anchors"
    path: Path
    ticket: str
    description: str
    labels: list[str] = field(default_factory=list)
    entries: list[tuple[str, str]] = field(default_factory=list)  # (old, new) for anchors
    skipped: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        return {
            "ticket": self.ticket,
            "fix": self.kind,
            "path": str(self.path),
            "description": self.description,
        }


def plan_repairs(ws: Workspace, *, ticket: str = "", anchors_only: bool = False) -> list[Repair]:
    """List the repairs ``--fix`` would make, without writing anything."""

    docs = load_docs(ws)
    scope = docs
    if ticket:
        found = lookup.resolve_ticket(ws, ticket, docs=docs)
        prefix = found.rel_dir + "/" if found.rel_dir != "." else ""
        scope = [d for d in docs if d.rel.startswith(prefix)]
    out: list[Repair] = []
    for doc in scope:
        if not doc.ok and not anchors_only and not (doc.is_control and doc.error == NO_DELIMITERS):
            try:
                text = doc.path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            fix = validate.suggest_fix(text)
            if fix is not None:
                out.append(
                    Repair(
                        kind="frontmatter",
                        path=doc.path,
                        ticket=doc.ticket,
                        labels=fix.labels,
                        description="; ".join(fix.labels),
                    )
                )
            continue
        if doc.meta is None or not doc.meta.related_files:
            continue
        bases = related_paths.Bases.for_doc(ws, doc.path)
        moves: list[tuple[str, str]] = []
        skipped: list[str] = []
        for entry in doc.meta.related_files:
            if related_format.parse_anchor(entry.path) is not None:
                continue
            resolved = related_paths.resolve(entry.path, bases)
            target = resolved.path if resolved.exists else None
            if target is None:
                rescue = Path(os.path.abspath(doc.path.parent / entry.path.strip()))
                target = rescue if rescue.exists() else None
            if target is None:
                skipped.append(entry.path)
                continue
            moves.append((entry.path, related_paths.anchor_for(target, bases)))
        if moves or skipped:
            desc = (
                f"migrate {len(moves)} related file path(s) to explicit anchors"
                if moves
                else f"{len(skipped)} legacy related file(s) do not resolve; left as-is"
            )
            out.append(
                Repair(
                    kind="anchors",
                    path=doc.path,
                    ticket=doc.ticket,
                    description=desc,
                    entries=moves,
                    skipped=skipped,
                )
            )
    out.sort(key=lambda r: r.kind != "frontmatter")  # front-matter fixes first (spec row order)
    return out


def apply_repairs(ws: Workspace, repairs: Sequence[Repair]) -> list[Finding]:
    """Make the planned repairs (each under the file's lock, re-reading first); return fix rows."""

    out: list[Finding] = []
    for repair in repairs:
        path = repair.path
        with file_lock(path):
            try:
                text = read_text(path)
            except OSError:
                continue
            if repair.kind == "frontmatter":
                fix = validate.suggest_fix(text)
                if fix is None:
                    continue
                backup = path.with_name(path.name + ".bak")
                atomic_write(backup, text)
                atomic_write(path, fix.text)
                after = validate.check_text(fix.text, path, ws.rel(path))
                if after.meta is not None:
                    out.append(
                        Finding(
                            ticket=repair.ticket,
                            issue="frontmatter_fixed",
                            severity=Severity.OK,
                            path=str(path),
                            message=f"auto-fixed frontmatter ({'; '.join(fix.labels)}); "
                            f"backup written to {backup.name}",
                        )
                    )
                else:
                    problem = after.error.problem if after.error else ""
                    out.append(
                        Finding(
                            ticket=repair.ticket,
                            issue="frontmatter_fix_failed",
                            severity=Severity.WARNING,
                            path=str(path),
                            message=f"auto-fix did not produce parseable frontmatter: {problem}",
                        )
                    )
                continue
            for raw in repair.skipped:
                out.append(
                    Finding(
                        ticket=repair.ticket,
                        issue="anchor_migration_skipped",
                        severity=Severity.WARNING,
                        path=str(path),
                        message="legacy related file left as-is "
                        f"(does not resolve to an existing file): {raw}",
                    )
                )
            if not repair.entries:
                continue
            try:
                meta, _ = front_matter.read(text, path=ws.rel(path))
            except Exception:  # noqa: BLE001 - the file changed under us; skip it
                continue
            mapping = dict(repair.entries)
            entries = [RelatedFile(mapping.get(r.path, r.path), r.note) for r in meta.related_files]
            changed = sum(1 for r in meta.related_files if r.path in mapping)
            if not changed:
                continue
            atomic_write(
                path, front_matter.update_fields(text, {"RelatedFiles": entries}, path=ws.rel(path))
            )
            out.append(
                Finding(
                    ticket=repair.ticket,
                    issue="anchors_migrated",
                    severity=Severity.OK,
                    path=str(path),
                    message=f"migrated {changed} related file path(s) to explicit anchors",
                )
            )
    return out
