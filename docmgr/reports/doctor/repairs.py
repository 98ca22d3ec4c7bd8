"""doctor --fix: plan and apply repairs of findings."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docmgr.errors import FrontMatterError, JournalStuck
from docmgr.formats import front_matter
from docmgr.formats import related as related_format
from docmgr.model import JOURNAL_DIR, Finding, RelatedFile, Severity
from docmgr.reports import validate
from docmgr.seams.journal import Transaction
from docmgr.store import lookup, related_paths
from docmgr.store.index import load_docs
from docmgr.store.staging import Plan, locked
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


def stuck_journal(ws: Workspace, stuck: JournalStuck) -> Finding:
    """The finding for an interrupted operation that opening the workspace could not finish.

    Every command (``doctor --fix`` too) finishes or rolls back what a killed docmgr left
    half done; what is left is a journal that can be neither applied nor undone.
    """
    return Finding(
        ticket="",
        issue="journal_stuck",
        severity=Severity.ERROR,
        path=str(ws.root / JOURNAL_DIR),
        message=f"{stuck.message} — {stuck.hint}",
    )


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
        if (
            not doc.ok
            and not anchors_only
            and not (doc.is_control and doc.error == front_matter.NO_DELIMITERS)
        ):
            try:
                text = doc.path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # not UTF-8: a fix would have to guess the encoding
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
    """Make the planned repairs through the journal; return the fix rows.

    Every repaired file is first read and its new text computed; a file that cannot be read
    as UTF-8 any more stops ``--fix`` before anything is written, naming it. Then each
    ticket's repairs (the fixed docs and their ``.bak`` backups) are committed as one
    transaction while that ticket's folders are locked, re-reading every file under the
    locks, so a kill at any moment leaves each ticket wholly repaired or untouched. (One
    transaction per ticket keeps the number of folder locks held at once small.)
    """

    dry = Plan(ws, "repair the workspace")
    _prepare(ws, list(enumerate(repairs)), dry)
    dry.check()
    by_ticket: dict[str, list[tuple[int, Repair]]] = {}
    for number, repair in enumerate(repairs):
        by_ticket.setdefault(repair.ticket, []).append((number, repair))
    rows: list[tuple[int, Finding]] = []
    for ticket, group in by_ticket.items():
        with locked(r.path.parent for _, r in group):
            plan = Plan(ws, f"repair ticket {ticket}" if ticket else "repair the workspace")
            prepared = _prepare(ws, group, plan)
            plan.check()
            label = f"doctor repairs of {ticket}" if ticket else "doctor repairs"
            with Transaction(ws.root, label) as tx:
                for writes, _ in prepared:
                    for path, text in writes:
                        tx.write(path, text)
        rows.extend(row for _, found in prepared for row in found)
    rows.sort(key=lambda item: item[0])
    return [finding for _, finding in rows]


_Prepared = tuple[list[tuple[Path, str]], list[tuple[int, Finding]]]


def _prepare(ws: Workspace, repairs: list[tuple[int, Repair]], plan: Plan) -> list[_Prepared]:
    """Read each repaired file and compute its new text and the fix rows (nothing is written)."""
    out: list[_Prepared] = []
    for number, repair in repairs:
        path = repair.path
        if not path.exists():
            continue  # gone since the plan was made
        text = plan.read_text(path)
        if text is None:
            continue
        writes: list[tuple[Path, str]] = []
        found: list[tuple[int, Finding]] = []
        out.append((writes, found))
        if repair.kind == "frontmatter":
            fix = validate.suggest_fix(text)
            if fix is None:
                continue
            backup = path.with_name(path.name + ".bak")
            writes += [(backup, text), (path, fix.text)]
            after = validate.check_text(fix.text, path, ws.rel(path))
            if after.meta is not None:
                finding = Finding(
                    ticket=repair.ticket,
                    issue="frontmatter_fixed",
                    severity=Severity.OK,
                    path=str(path),
                    message=f"auto-fixed frontmatter ({'; '.join(fix.labels)}); "
                    f"backup written to {backup.name}",
                )
            else:
                problem = after.error.problem if after.error else ""
                finding = Finding(
                    ticket=repair.ticket,
                    issue="frontmatter_fix_failed",
                    severity=Severity.WARNING,
                    path=str(path),
                    message=f"auto-fix did not produce parseable frontmatter: {problem}",
                )
            found.append((number, finding))
            continue
        for raw in repair.skipped:
            found.append(
                (
                    number,
                    Finding(
                        ticket=repair.ticket,
                        issue="anchor_migration_skipped",
                        severity=Severity.WARNING,
                        path=str(path),
                        message="legacy related file left as-is "
                        f"(does not resolve to an existing file): {raw}",
                    ),
                )
            )
        if not repair.entries:
            continue
        try:
            meta, _ = front_matter.read(text, path=ws.rel(path))
        except FrontMatterError:
            continue  # the file changed since the plan was made; nothing to migrate
        mapping = dict(repair.entries)
        entries = [RelatedFile(mapping.get(r.path, r.path), r.note) for r in meta.related_files]
        changed = sum(1 for r in meta.related_files if r.path in mapping)
        if not changed:
            continue
        new_text = plan.edit(path, {"RelatedFiles": entries})
        if new_text is None:
            continue
        writes.append((path, new_text))
        found.append(
            (
                number,
                Finding(
                    ticket=repair.ticket,
                    issue="anchors_migrated",
                    severity=Severity.OK,
                    path=str(path),
                    message=f"migrated {changed} related file path(s) to explicit anchors",
                ),
            )
        )
    return out
