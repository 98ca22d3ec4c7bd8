"""Diary findings: diary_duplicate_step, diary_pending_commit, diary_unresolved_commit."""

from __future__ import annotations

from docmgr.errors import DocmgrError
from docmgr.formats import diary as diary_format
from docmgr.model import Doc, Finding, Severity
from docmgr.store.index.records import DiaryFacts
from docmgr.store.workspace import Workspace


def steps(doc: Doc, ticket: str, facts: DiaryFacts | None) -> list[Finding]:
    """Duplicate step numbers and pending commit lines, from the facts the index stored when
    it parsed the diary (the step grammar of formats.diary)."""
    if facts is None:
        return []
    out: list[Finding] = []
    if facts.duplicates:
        out.append(
            Finding(
                ticket=ticket,
                issue="diary_duplicate_step",
                severity=Severity.WARNING,
                message=f"duplicate diary step number(s): {', '.join(facts.duplicates)}",
                path=str(doc.path),
            )
        )
    if facts.pending:
        out.append(
            Finding(
                ticket=ticket,
                issue="diary_pending_commit",
                severity=Severity.WARNING,
                message=f"step(s) with a pending commit line: {', '.join(facts.pending)}",
                path=str(doc.path),
            )
        )
    return out


def commits(ws: Workspace, doc: Doc, ticket: str, facts: DiaryFacts | None) -> list[Finding]:
    """Diary commit lines whose hash is missing from the repository or unreachable from HEAD.

    Git answers at check time (the repository changes without the diary changing); a diary
    the index saw mention no commit is not read at all.
    """
    if facts is not None and not facts.mentions_commit:
        return []
    from docmgr.reports import diary_verify  # git: only when a diary mentions a commit

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
