"""The diary as an auditor reads it: each step next to the commits it cites, checked against git.

For every step: its commit references with the ``diary verify`` status (ok, unreachable with
the proposed replacement, missing, N/A, pending, none), the commit's author, date and subject
as git knows them, a link to the commit on the remote (GitHub, GitLab, Gitea) and the files
the commit changed, those the ticket relates marked. Read-only; git is optional (without a
repository every cited hash is "unknown" and the timeline says why)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docmgr.errors import GitLinkError
from docmgr.formats import diary as diary_format
from docmgr.model import CommitRef, DiaryStep, Finding
from docmgr.reports import diary_verify
from docmgr.seams.fsio import read_text
from docmgr.store import diaries, related_paths
from docmgr.store.index import load_docs

if TYPE_CHECKING:
    from docmgr.model import Doc
    from docmgr.seams.gitlink import Repository
    from docmgr.store.workspace import Workspace


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangedFile:
    """One file a commit changed (repository-relative) and whether the ticket relates it."""

    path: str
    related: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class StepCommit:
    """One commit reference of a step, audited."""

    written: str  # as written in the diary (hash, "N/A", "pending", "" for none)
    kind: str  # hash | na | pending | none
    status: str  # ok | unreachable | missing | na | pending | none | unknown
    label: str = ""  # "code", "docs" from "**Commit (code):**"
    hash: str = ""  # full hash when git knows it, else as written
    subject: str = ""  # git's subject, else the one written in the diary
    author: str = ""
    date: str = ""  # ISO 8601 author date
    url: str | None = None
    proposed: str | None = None  # full hash of the replacement on the audited revision
    proposed_subject: str = ""
    proposed_url: str | None = None
    match: str = ""  # how the replacement was found: "patch-id" | "subject"
    files: list[ChangedFile] = field(default_factory=list)

    @property
    def short(self) -> str:
        return self.hash[:7] if self.kind == "hash" else self.written

    @property
    def related_count(self) -> int:
        return sum(1 for f in self.files if f.related)


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineStep:
    """One step: its heading, where it is in the text, and its audited commits."""

    label: str
    title: str
    heading: str
    anchor: str
    start: int  # character span of the step in the diary text
    end: int
    body_start: int  # first character after the heading line
    commits: list[StepCommit]
    note: str = ""  # numbering problems (duplicate / missing step numbers)


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    """A diary's steps in file order, the revision they were checked against, and git trouble."""

    diary: str  # relative to the docs root
    text: str
    rev: str
    steps: list[TimelineStep]
    git_error: str = ""  # why hashes could not be checked ("" when git answered)

    @property
    def preamble_end(self) -> int:
        return self.steps[0].start if self.steps else len(self.text)


def is_diary(path: Path, text: str) -> bool:
    """A document reads as a diary when it is named or titled so and has numbered steps."""
    name = path.name.lower()
    if not text.strip() or "step" not in text.lower():
        return False
    steps = diary_format.parse(text)
    if not steps:
        return False
    return "diary" in name or "diary" in text[:2000].lower()


def _related_set(ws: Workspace, ticket_dir: Path | None, docs: list[Doc]) -> set[Path]:
    """Absolute paths of every RelatedFiles entry of the ticket's documents."""
    if ticket_dir is None:
        return set()
    found: set[Path] = set()
    for doc in docs:
        if doc.meta is None or not _inside(ticket_dir, doc.path):
            continue
        bases = related_paths.Bases.for_doc(ws, doc.path)
        for entry in doc.meta.related_files:
            resolved = related_paths.resolve(entry.path, bases).path
            if resolved is not None:
                found.add(resolved)
    return found


def _inside(folder: Path, path: Path) -> bool:
    folder_s = os.path.abspath(folder)
    return os.path.abspath(path).startswith(folder_s + os.sep)


_Key = tuple[int, str]


def _audit(ws: Workspace, path: Path, rev: str) -> tuple[dict[_Key, Finding], str]:
    """Findings keyed by (line, reference as written); a step without commit: (heading line, "")."""
    try:
        audit = diary_verify.verify(ws, [path], rev=rev)
    except GitLinkError as exc:
        return {}, str(exc)
    return {(f.extra["line"], f.extra["commit"]): f for f in audit.findings}, ""


def _describe(
    ref: CommitRef,
    finding: Finding | None,
    repo: Repository | None,
    related: set[Path],
) -> StepCommit:
    if ref.kind != "hash":
        return StepCommit(written=ref.written, kind=ref.kind, status=ref.kind, label=ref.label)
    status = finding.issue if finding is not None else "unknown"
    commit = StepCommit(
        written=ref.written,
        kind="hash",
        status=status,
        label=ref.label,
        hash=ref.hash,
        subject=ref.subject,
    )
    if repo is None:
        return commit
    info = repo.info(ref.hash) if status in ("ok", "unreachable") else None
    files: list[ChangedFile] = []
    values: dict[str, object] = {}
    if info is not None:
        changed = repo.changed_files(info.hash)
        files = [
            ChangedFile(
                path=os.path.relpath(p, repo.root).replace(os.sep, "/"), related=p in related
            )
            for p in changed
        ]
        values = {
            "hash": info.hash,
            "subject": info.subject,
            "author": info.author,
            "date": info.date,
            "url": repo.commit_url(info.hash),
        }
    replacement = finding.extra.get("proposed") if finding is not None else None
    if finding is not None and replacement:
        proposed = repo.info(replacement)
        values.update(
            proposed=replacement,
            proposed_subject=proposed.subject if proposed else "",
            proposed_url=repo.commit_url(replacement),
            match=finding.extra.get("match", ""),
        )
    return StepCommit(
        written=commit.written,
        kind="hash",
        status=status,
        label=ref.label,
        hash=str(values.get("hash", commit.hash)),
        subject=str(values.get("subject", commit.subject)),
        author=str(values.get("author", "")),
        date=str(values.get("date", "")),
        url=_opt(values.get("url")),
        proposed=_opt(values.get("proposed")),
        proposed_subject=str(values.get("proposed_subject", "")),
        proposed_url=_opt(values.get("proposed_url")),
        match=str(values.get("match", "")),
        files=files,
    )


def _opt(value: object) -> str | None:
    return str(value) if value else None


def timeline(
    ws: Workspace, path: Path, *, rev: str = "HEAD", docs: list[Doc] | None = None
) -> Timeline:
    """Audit one diary: every step with its commits as git knows them (see module doc)."""
    text = read_text(path)
    steps = diary_format.parse(text)
    rel = ws.rel(path)
    findings, git_error = _audit(ws, path, rev) if steps else ({}, "")
    repo: Repository | None = None
    if steps and not git_error and any(s.commits for s in steps):
        try:
            repo = diaries.open_repo(ws, "")
        except GitLinkError as exc:
            git_error = str(exc)
    try:
        related = _related_set(
            ws, diaries.ticket_dir_of(ws, path), docs if docs is not None else load_docs(ws)
        )
        anchors = diary_format.heading_anchors(text)
        out: list[TimelineStep] = []
        for step in steps:
            heading_end = text.find("\n", step.start)
            commits = [
                _describe(ref, findings.get((ref.line, ref.written)), repo, related)
                for ref in step.refs
            ]
            none = findings.get((step.line, ""))
            note = str(none.extra.get("note", "")) if none is not None else _note(findings, step)
            out.append(
                TimelineStep(
                    label=step.label,
                    title=step.title,
                    heading=step.heading,
                    anchor=anchors.get(step.line, diary_format.github_anchor(step.heading)),
                    start=step.start,
                    end=step.end,
                    body_start=step.end if heading_end < 0 else min(heading_end + 1, step.end),
                    commits=commits,
                    note=note,
                )
            )
    finally:
        if repo is not None:
            repo.close()
    return Timeline(diary=rel, text=text, rev=rev, steps=out, git_error=git_error)


def _note(findings: dict[_Key, Finding], step: DiaryStep) -> str:
    for ref in step.refs:
        found = findings.get((ref.line, ref.written))
        if found is not None and found.extra.get("note"):
            return str(found.extra["note"])
    return ""
