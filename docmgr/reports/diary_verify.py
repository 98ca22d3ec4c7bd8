"""diary verify: check every cited commit against git and propose repairs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docmgr.errors import Command
from docmgr.formats.diary import parse, refresh_index, render_commit_ref
from docmgr.model import CommitRef, DiaryStep, Finding, Severity
from docmgr.seams.fsio import atomic_write, file_lock, read_text
from docmgr.store.diaries import commit_urls, open_repo

if TYPE_CHECKING:
    from docmgr.seams.gitlink import Commit, Proposal, Repository
    from docmgr.store.workspace import Workspace


# How bad each commit status is; a numbering note (duplicate or missing step) makes any
# status at least a warning.
SEVERITY = {
    "ok": Severity.OK,
    "na": Severity.OK,
    "none": Severity.INFO,
    "pending": Severity.WARNING,
    "unreachable": Severity.WARNING,
    "missing": Severity.ERROR,
}


def audited(
    *,
    diary: str,
    step: str,
    commit: str,
    status: str,
    path: Path,
    line: int,
    proposed: str | None = None,
    match: str = "",
    note: str = "",
) -> Finding:
    """The finding for one audited commit reference (or a step without one).

    ``issue`` is the status (one of ``diary.STATUSES``); ``extra`` holds the diary (relative
    to the docs root), the step and commit as written, the proposal and how it was found
    (``patch-id`` | ``subject``), the numbering note and the 1-based line.
    """
    severity = SEVERITY.get(status, Severity.INFO)
    if note and severity.rank < Severity.WARNING.rank:
        severity = Severity.WARNING
    return Finding(
        issue=status,
        severity=severity,
        path=str(path),
        message=f"step {step}: {status}" + (f" ({note})" if note else ""),
        extra={
            "diary": diary,
            "step": step,
            "commit": commit,
            "proposed": proposed,
            "match": match,
            "note": note,
            "line": line,
        },
    )


def row(finding: Finding) -> dict[str, object]:
    """The ``diary verify`` row: ``diary, step, commit, status, proposed, note``."""
    extra = finding.extra
    return {
        "diary": extra["diary"],
        "step": extra["step"],
        "commit": extra["commit"],
        "status": finding.issue,
        "proposed": extra["proposed"],
        "note": extra["note"],
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class Fixed:
    diary: str
    step: str
    old: str
    new: str
    line: int


@dataclass(slots=True)
class Audit:
    findings: list[Finding] = field(default_factory=list)
    fixed: list[Fixed] = field(default_factory=list)


def _numbering_notes(steps: Sequence[DiaryStep]) -> dict[int, str]:
    notes: dict[int, list[str]] = {}
    seen: dict[str, int] = {}
    for step in steps:
        seen[step.label.lower()] = seen.get(step.label.lower(), 0) + 1
    for i, step in enumerate(steps):
        if seen[step.label.lower()] > 1:
            notes.setdefault(i, []).append(f"duplicate step number {step.label}")
    covered: set[int] = set()
    for step in steps:
        covered.update(range(step.number, step.last + 1))
    highest = max(covered, default=0)
    missing = [n for n in range(1, highest + 1) if n not in covered]
    for n in missing:
        after = next((i for i, s in enumerate(steps) if s.number > n), None)
        if after is not None:
            notes.setdefault(after, []).append(f"step {n} missing")
    return {i: "; ".join(v) for i, v in notes.items()}


class _Auditor:
    def __init__(self, ws: Workspace, *, rev: str, repo: str) -> None:
        self.ws = ws
        self.rev = rev
        self.repo_arg = repo
        self.handle: Repository | None = None

    def repo(self) -> Repository:
        if self.handle is None:
            self.handle = open_repo(self.ws, self.repo_arg)
            self.handle.resolve(self.rev)  # an unknown --rev fails once, clearly
        return self.handle

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()

    def audit_text(self, text: str, *, rel: str, path: Path) -> list[_Checked]:
        steps = parse(text)
        notes = _numbering_notes(steps)
        out: list[_Checked] = []
        for i, step in enumerate(steps):

            def finding(
                *,
                commit: str,
                status: str,
                line: int,
                proposal: Proposal | None = None,
                step: DiaryStep = step,
                note: str = notes.get(i, ""),
            ) -> Finding:
                return audited(
                    diary=rel,
                    step=step.label,
                    commit=commit,
                    status=status,
                    proposed=proposal.commit.hash if proposal else None,
                    match=proposal.match if proposal else "",
                    note=note,
                    line=line,
                    path=path,
                )

            if not step.refs:
                out.append(_Checked(finding(commit="", status="none", line=step.line)))
                continue
            for ref in step.refs:
                if ref.kind != "hash":
                    out.append(
                        _Checked(finding(commit=ref.written, status=ref.kind, line=ref.line), ref)
                    )
                    continue
                status, proposal = self._check(ref)
                out.append(
                    _Checked(
                        finding(
                            commit=ref.written, status=status, line=ref.line, proposal=proposal
                        ),
                        ref,
                        proposal.commit if proposal else None,
                    )
                )
        return out

    def _check(self, ref: CommitRef) -> tuple[str, Proposal | None]:
        handle = self.repo()
        found = handle.lookup(ref.hash)
        if found is not None and handle.is_reachable(found.hash, self.rev):
            return "ok", None
        status = "missing" if found is None else "unreachable"
        return status, handle.find_rewritten(old=found, subject=ref.subject, rev=self.rev)


class _Checked:
    __slots__ = ("finding", "ref", "replacement")

    def __init__(
        self, finding: Finding, ref: CommitRef | None = None, replacement: Commit | None = None
    ) -> None:
        self.finding = finding
        self.ref = ref
        self.replacement = replacement


def verify(
    ws: Workspace, diaries: Sequence[Path], *, rev: str = "HEAD", repo: str = "", fix: bool = False
) -> Audit:
    """Audit every step's commit: exists, reachable from ``rev``, N/A, pending or absent.

    Lost or unreachable commits get a proposal (same patch-id on ``rev``, else same
    subject). With ``fix``, proposals are written into the commit lines under the diary's
    lock and the diary is audited again, so the findings describe the repaired file.
    """

    auditor = _Auditor(ws, rev=rev, repo=repo)
    audit = Audit()
    try:
        for path in diaries:
            rel = ws.rel(path)
            if not fix:
                text = read_text(path)
                checked = auditor.audit_text(text, rel=rel, path=path)
                audit.findings.extend(c.finding for c in checked)
                continue
            with file_lock(path):
                text = read_text(path)
                results = auditor.audit_text(text, rel=rel, path=path)
                edits = [
                    (c.ref, c.replacement, c.finding)
                    for c in results
                    if c.ref is not None and c.replacement is not None
                ]
                updated = text
                for ref, new, finding in sorted(edits, key=lambda e: e[0].start, reverse=True):
                    urls = commit_urls(ws, auditor.handle, [new])
                    rendered = render_commit_ref(new, url=urls.get(new.hash))
                    updated = updated[: ref.start] + rendered + updated[ref.end :]
                    audit.fixed.append(
                        Fixed(
                            diary=rel,
                            step=finding.extra["step"],
                            old=ref.written,
                            new=new.hash,
                            line=ref.line,
                        )
                    )
                if edits:
                    updated = refresh_index(updated)
                    atomic_write(path, updated)
                    results = auditor.audit_text(updated, rel=rel, path=path)
                audit.findings.extend(c.finding for c in results)
    finally:
        auditor.close()
    audit.fixed.reverse()
    return audit


def failing(findings: Sequence[Finding], fail_on: Iterable[str]) -> list[Finding]:
    """Select the findings whose status (or note: ``duplicate``, ``gap``) is in ``fail_on``."""
    wanted = {w.strip().lower() for w in fail_on if w.strip()}
    out = []
    for finding in findings:
        note = finding.extra.get("note", "")
        if finding.issue in wanted:
            out.append(finding)
        elif "duplicate" in wanted and "duplicate" in note:
            out.append(finding)
        elif "gap" in wanted and "missing" in note:
            out.append(finding)
    return out


def fix_commands(
    finding: Finding, *, ticket: str = "", diary: str = "", rev: str = "HEAD"
) -> list[tuple[str, Command]]:
    """Return the commands that fix one audited row, each with what it fixes.

    ``("numbering", renumber)`` for duplicate or missing numbers; ``("status", …)``: ``verify``
    with ``fix`` only where a proposal exists, ``step link`` for a pending, absent or
    unresolvable commit. The diary is named by ``ticket`` when one is given, else by the
    ``diary`` path. Empty for a row that needs nothing.
    """
    about = finding.extra
    step = str(about.get("step", ""))
    out: list[tuple[str, Command]] = []
    if about.get("note"):
        renumber = (
            Command("diary renumber", ticket=ticket)
            if ticket
            else Command("diary renumber", diary=diary)
        )
        out.append(("numbering", renumber))
    if finding.issue in ("unreachable", "missing") and about.get("proposed"):
        if ticket and rev != "HEAD":
            fix = Command("diary verify", ticket=ticket, rev=rev, fix=True)
        elif ticket:
            fix = Command("diary verify", ticket=ticket, fix=True)
        elif rev != "HEAD":
            fix = Command("diary verify", diary=diary, rev=rev, fix=True)
        else:
            fix = Command("diary verify", diary=diary, fix=True)
        out.append(("status", fix))
    elif finding.issue in ("unreachable", "missing", "pending", "none"):
        link = (
            Command("diary step link", ticket=ticket, step=step, commit="<REV>")
            if ticket
            else Command("diary step link", diary=diary, step=step, commit="<REV>")
        )
        out.append(("status", link))
    return out


def failing_reasons(finding: Finding, fail_on: Iterable[str]) -> set[str]:
    """Why a row fails the audit: ``status`` and/or ``numbering`` (empty: it passes)."""
    wanted = {w.strip().lower() for w in fail_on if w.strip()}
    note = str(finding.extra.get("note", ""))
    reasons = set()
    if finding.issue in wanted:
        reasons.add("status")
    if ("duplicate" in wanted and "duplicate" in note) or ("gap" in wanted and "missing" in note):
        reasons.add("numbering")
    return reasons
