"""Diary findings: diary_duplicate_step, diary_pending_commit, diary_unresolved_commit."""

from __future__ import annotations

from docmgr.errors import DocmgrError
from docmgr.formats import diary as diary_format
from docmgr.model import Doc, Finding, Severity
from docmgr.reports import diary_verify
from docmgr.store.workspace import Workspace


def is_diary(doc: Doc) -> bool:
    """A parsed document whose file name says diary (``01-diary.md``, ``02-impl-diary.md``)."""
    return doc.meta is not None and "diary" in doc.path.name.lower()


def steps(doc: Doc, ticket: str) -> list[Finding]:
    """Duplicate step numbers and pending commit lines (the step grammar of formats.diary)."""
    try:
        text = doc.path.read_text(encoding="utf-8", errors="replace")
        labels = diary_format.step_labels(text)
        if len(set(labels)) == len(labels) and "pending" not in text.lower():
            return []  # nothing diary.parse could report: skip the full parse
        parsed = diary_format.parse(text)
    except Exception:  # noqa: BLE001 - a diary we cannot parse is not a doctor crash
        return []
    out: list[Finding] = []
    counts: dict[str, int] = {}
    for step in parsed:
        counts[step.label] = counts.get(step.label, 0) + 1
    dupes = [label for label, n in counts.items() if n > 1]
    if dupes:
        out.append(
            Finding(
                ticket=ticket,
                issue="diary_duplicate_step",
                severity=Severity.WARNING,
                message=f"duplicate diary step number(s): {', '.join(dupes)}",
                path=str(doc.path),
            )
        )
    pending = [step.label for step in parsed for ref in step.refs if ref.kind == "pending"]
    if pending:
        out.append(
            Finding(
                ticket=ticket,
                issue="diary_pending_commit",
                severity=Severity.WARNING,
                message=f"step(s) with a pending commit line: {', '.join(pending)}",
                path=str(doc.path),
            )
        )
    return out


def commits(ws: Workspace, doc: Doc, ticket: str) -> list[Finding]:
    """Diary commit lines whose hash is missing from the repository or unreachable from HEAD."""
    try:
        text = doc.path.read_text(encoding="utf-8", errors="replace")
        if not any(step.commits for step in diary_format.parse(text)):
            return []
        audit = diary_verify.verify(ws, [doc.path])
    except (DocmgrError, OSError):
        return []  # no repository here: nothing to check against
    out: list[Finding] = []
    for f in audit.findings:
        if f.issue not in ("missing", "unreachable"):
            continue
        about = f.extra
        proposed = about["proposed"]
        out.append(
            Finding(
                ticket=ticket,
                issue="diary_unresolved_commit",
                severity=Severity.WARNING,
                path=str(doc.path),
                message=f"step {about['step']}: commit {about['commit']} is {f.issue}"
                + (f" (maybe {proposed[:12]})" if proposed else ""),
                extra={"line": about["line"]},
            )
        )
    return out
