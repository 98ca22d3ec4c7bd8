"""doctor: the checks over tickets and documents, and the findings they report."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from docmgr.errors import DocmgrError
from docmgr.formats import diary as diary_format
from docmgr.formats import related as related_format
from docmgr.model import Doc, DocMeta
from docmgr.reports import diary_verify
from docmgr.store import index as index_store
from docmgr.store import lookup, related_paths, vocabulary
from docmgr.store.workspace import Workspace, parse_doc

SEVERITY_RANK = {"ok": 0, "info": 0, "warning": 1, "error": 2}


SCAFFOLD_DIRS = frozenset(
    {"design", "reference", "playbooks", "scripts", "sources", "various", "archive", ".meta"}
)


_DATED = re.compile(r"^\d{4}/\d{2}/\d{2}/[^/]+")


_PREFIX = re.compile(r"^\d{2,3}-")


_STEP_LABEL = re.compile(r"^#{1,3}[ \t]+[Ss]tep[ \t]+(\d+[a-z]?(?:-\d+)?)", re.MULTILINE)


NO_DELIMITERS = "frontmatter delimiters '---' not found"


_VOCAB_HINT = (
    "add via 'docmgr vocab add --category {cat} --slug <slug> --description \"TODO\"' "
    "(valid categories: topics, docTypes, intent, status)"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One doctor row: ``ticket, issue, severity, message, path`` plus issue-specific keys."""

    ticket: str
    issue: str
    severity: str  # error | warning | info | ok
    message: str
    path: str
    extra: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        return {
            "ticket": self.ticket,
            "issue": self.issue,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            **self.extra,
        }


@dataclass(slots=True)
class Report:
    """Findings in spec order, which tickets were checked, and per-ticket counts.

    With ``keep_all=False`` (the rollup of a big workspace) only info rows are kept and the
    rest is counted, so memory does not grow with the number of findings.
    """

    findings: list[Finding]
    tickets: list[str]
    detail: bool
    keep_all: bool = True
    tally: dict[str, list[Any]] = field(
        default_factory=dict
    )  # ticket -> [errors, warnings, {issue: n}]
    worst: int = 0

    def add(self, items: Sequence[Finding]) -> None:
        """Record findings (counted always, kept when ``keep_all`` or informational)."""
        for f in items:
            self._count(f)
            if self.keep_all or f.severity == "info":
                self.findings.append(f)

    def prepend(self, items: Sequence[Finding]) -> None:
        """Record findings that come first in the report (``--fix`` rows)."""
        old = self.tally
        self.tally = {}
        for f in items:
            self._count(f)
        for key, value in old.items():
            if key in self.tally:
                mine = self.tally[key]
                mine[0] += value[0]
                mine[1] += value[1]
                for issue, n in value[2].items():
                    mine[2][issue] = mine[2].get(issue, 0) + n
            else:
                self.tally[key] = value
        self.findings[0:0] = [f for f in items if self.keep_all or f.severity == "info"]

    def _count(self, f: Finding) -> None:
        rank = SEVERITY_RANK.get(f.severity, 0)
        self.worst = max(self.worst, rank)
        if f.severity not in ("error", "warning"):
            return
        entry = self.tally.setdefault(f.ticket or "(unknown)", [0, 0, {}])
        entry[0 if f.severity == "error" else 1] += 1
        entry[2][f.issue] = entry[2].get(f.issue, 0) + 1


@dataclass(slots=True)
class _Group:
    ticket: str
    dir: str  # rel dir of the ticket
    rels: list[str] = field(default_factory=list)
    docs: list[Doc] = field(default_factory=list)


def _ticket_dir(rel: str, index_dirs: set[str]) -> str:
    match = _DATED.match(rel)
    if match and "/" in rel[match.end() :]:
        return match.group(0)
    parts = rel.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        candidate = "/".join(parts[:depth])
        if candidate in index_dirs:
            return candidate
    return parts[0] if parts else ""


def _group(rows: Sequence[tuple[str, str, int]]) -> list[_Group]:
    """Group (rel, ticket, parse_ok) rows into ticket folders, in order of their first doc."""
    index_dirs = {rel.rsplit("/", 1)[0] for rel, _t, _ok in rows if rel.endswith("/index.md")}
    groups: dict[str, _Group] = {}
    named: dict[str, str] = {}
    for rel, tid, ok in rows:
        folder = _ticket_dir(rel, index_dirs)
        group = groups.get(folder)
        if group is None:
            group = groups[folder] = _Group("", folder)
        group.rels.append(rel)
        if ok and tid and (rel == f"{folder}/index.md" or folder not in named):
            named[folder] = tid  # the ticket's own index.md wins over the first other doc
    for folder, group in groups.items():
        name = folder.rsplit("/", 1)[-1]
        group.ticket = named.get(folder) or (name.split("--", 1)[0] if "--" in name else name)
    return list(groups.values())


def _snippet(path: Path, line: int) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    lo, hi = max(1, line - 1), min(len(lines), line + 1)
    return "\n".join(f"{n:4d} | {lines[n - 1]}" for n in range(lo, hi + 1))


def invalid_frontmatter(ws: Workspace, doc: Doc, ticket: str) -> Finding | None:
    """The invalid_frontmatter finding of one doc (control files without any header are exempt)."""
    if doc.ok or (doc.is_control and doc.error == NO_DELIMITERS):
        return None
    where = f"line {doc.error_line}: " if doc.error_line else ""
    return Finding(
        ticket=ticket,
        issue="invalid_frontmatter",
        severity="error",
        message=f"Failed to parse frontmatter: {where}{doc.error}",
        path=str(doc.path),
        extra={"line": doc.error_line, "snippet": _snippet(doc.path, doc.error_line or 1)},
    )


def _vocab_findings(ticket: str, path: str, docs: Sequence[Doc], vocab: Any) -> list[Finding]:

    known = {
        "topics": set(vocab.slugs("topics")),
        "docTypes": set(vocab.slugs("docTypes")) | set(vocabulary.BUILTIN_DOC_TYPES),
        "intent": set(vocab.slugs("intent")) | set(vocabulary.BUILTIN_INTENTS),
        "status": set(vocab.slugs("status")) | set(vocabulary.BUILTIN_STATUSES),
    }
    issue = {
        "topics": "unknown_topics",
        "docTypes": "unknown_doc_type",
        "intent": "unknown_intent",
        "status": "unknown_status",
    }
    seen: dict[str, dict[str, int]] = {}
    for doc in docs:
        meta = doc.meta
        if meta is None:
            continue
        values = {
            "topics": list(dict.fromkeys(meta.topics)),
            "docTypes": [meta.doc_type],
            "intent": [meta.intent],
            "status": [meta.status],
        }
        for category, items in values.items():
            for value in items:
                if value and value not in known[category]:
                    seen.setdefault(category, {})
                    seen[category][value] = seen[category].get(value, 0) + 1
    out = []
    for category, counts in seen.items():
        listing = ", ".join(f"{v} ({n} doc{'s' if n != 1 else ''})" for v, n in counts.items())
        out.append(
            Finding(
                ticket=ticket,
                issue=issue[category],
                severity="warning",
                message=f"unknown {category} value(s): {listing}; "
                + _VOCAB_HINT.format(cat=category),
                path=path,
                extra={"values": list(counts)},
            )
        )
    return out


class _Resolver:
    """Existence of RelatedFiles entries, with anchored paths resolved by plain string joins.

    ``relate.resolve`` is the reference; anchored entries (the common case) only need a join,
    and the same file related from many docs is stat-ed once.
    """

    def __init__(self, ws: Workspace) -> None:

        self.ws = ws
        self.repo = os.path.abspath(ws.repo_root)
        self.docs = os.path.abspath(ws.root)
        self.config = os.path.abspath(ws.config_dir)
        self.docs_parent = os.path.dirname(self.docs)
        self.gowork = related_paths.find_gowork(ws.repo_root)
        self.exists_cache: dict[str, bool] = {}

    def _exists(self, path: str) -> bool:
        return os.path.exists(path)

    def _folder_exists(self, path: str) -> bool:
        """Cached: folders are few, while related file paths can be hundreds of thousands."""
        known = self.exists_cache.get(path)
        if known is None:
            known = self.exists_cache[path] = os.path.isdir(path)
        return known

    def exists(self, raw: str, doc_path: Path) -> bool:

        parsed = related_format.parse_anchor(raw)
        if parsed is not None and parsed[0] in ("repo", "docs", "abs", "doc"):
            scheme, rest = parsed
            base = {"repo": self.repo, "docs": self.docs, "abs": "/", "doc": str(doc_path.parent)}[
                scheme
            ]
            return self._exists(os.path.abspath(os.path.join(base, rest)))
        if parsed is not None:  # ws:// needs the go.work rules
            bases = related_paths.Bases(
                repo_root=Path(self.repo),
                docs_root=Path(self.docs),
                config_dir=Path(self.config),
                doc_dir=Path(os.path.abspath(doc_path.parent)),
                gowork_dir=self.gowork,
            )
            return related_paths.resolve(raw, bases).exists
        # legacy bare string (spec §3.5): first base that keeps it inside its fence and exists
        text = raw.strip().replace("\\", "/")
        if text == "~" or text.startswith("~/"):
            text = str(Path.home()) + text[1:]
        cleaned = os.path.normpath(text) if text else ""
        if not cleaned or cleaned == ".":
            return False
        if cleaned.startswith("/"):
            return self._exists(cleaned)
        # "exists" does not depend on which base wins: any existing candidate will do
        return any(
            self._candidate(base, fence, cleaned)
            for base, fence in (
                (self.repo, self.repo),
                (os.path.dirname(str(doc_path)), self.repo),
                (self.config, self.config),
                (self.docs, self.docs),
                (self.docs_parent, self.docs_parent),
            )
        )

    def _candidate(self, base: str, fence: str, cleaned: str) -> bool:
        candidate = os.path.normpath(os.path.join(base, cleaned))
        if not (candidate == fence or candidate.startswith(fence.rstrip("/") + "/")):
            return False
        parent = os.path.dirname(candidate)  # one stat per missing folder, not per file in it
        return self._folder_exists(parent) and self._exists(candidate)


def _missing_field_findings(meta: DocMeta, ticket: str, path: Path) -> list[Finding]:
    """``missing_field`` warnings for an empty Status and for no Topics."""
    return [
        Finding(
            ticket=ticket,
            issue="missing_field",
            severity="warning",
            message=f"missing {name}",
            path=str(path),
        )
        for name, missing in (("Status", not meta.status.strip()), ("Topics", not meta.topics))
        if missing
    ]


def _related_findings(doc: Doc, ticket: str, resolver: _Resolver) -> list[Finding]:
    meta = doc.meta
    if meta is None or not meta.related_files:
        return []
    out: list[Finding] = []
    for entry in meta.related_files:
        if not resolver.exists(entry.path, doc.path):
            out.append(
                Finding(
                    ticket=ticket,
                    issue="missing_related_file",
                    severity="warning",
                    message=f"related file not found: {entry.path}",
                    path=str(doc.path),
                )
            )
    bare = [e.path for e in meta.related_files if not e.note.strip()]
    if bare:
        listed = ", ".join(bare[:5]) + (f", … ({len(bare) - 5} more)" if len(bare) > 5 else "")
        out.append(
            Finding(
                ticket=ticket,
                issue="missing_related_file_note",
                severity="warning",
                message=f"{len(bare)} related file(s) have no Note: {listed}",
                path=str(doc.path),
            )
        )
    return out


def _diary_findings(doc: Doc, ticket: str) -> list[Finding]:
    """Duplicate step numbers and pending commit lines."""
    try:
        text = doc.path.read_text(encoding="utf-8", errors="replace")
        labels = _STEP_LABEL.findall(text)
        if len(set(labels)) == len(labels) and "pending" not in text.lower():
            return []  # nothing diary.parse could report: skip the full parse
        steps = diary_format.parse(text)
    except Exception:  # noqa: BLE001 - a diary we cannot parse is not a doctor crash
        return []
    out: list[Finding] = []
    counts: dict[str, int] = {}
    for step in steps:
        counts[step.label] = counts.get(step.label, 0) + 1
    dupes = [label for label, n in counts.items() if n > 1]
    if dupes:
        out.append(
            Finding(
                ticket=ticket,
                issue="diary_duplicate_step",
                severity="warning",
                message=f"duplicate diary step number(s): {', '.join(dupes)}",
                path=str(doc.path),
            )
        )
    pending = [step.label for step in steps for ref in step.refs if ref.kind == "pending"]
    if pending:
        out.append(
            Finding(
                ticket=ticket,
                issue="diary_pending_commit",
                severity="warning",
                message=f"step(s) with a pending commit line: {', '.join(pending)}",
                path=str(doc.path),
            )
        )
    return out


def _commit_findings(ws: Workspace, doc: Doc, ticket: str) -> list[Finding]:
    """Diary commit lines whose hash is missing from the repository or unreachable from HEAD."""

    try:
        text = doc.path.read_text(encoding="utf-8", errors="replace")
        if not any(step.commits for step in diary_format.parse(text)):
            return []
        audit = diary_verify.verify(ws, [doc.path])
    except (DocmgrError, OSError):
        return []  # no repository here: nothing to check against
    bad = [f for f in audit.findings if f.status in ("missing", "unreachable")]
    return [
        Finding(
            ticket=ticket,
            issue="diary_unresolved_commit",
            severity="warning",
            path=str(doc.path),
            message=f"step {f.step}: commit {f.commit} is {f.status}"
            + (f" (maybe {f.proposed[:12]})" if f.proposed else ""),
            extra={"line": f.line},
        )
        for f in bad
    ]


def _is_diary(doc: Doc) -> bool:
    name = doc.path.name.lower()
    return doc.meta is not None and "diary" in name


def _check_group(
    ws: Workspace,
    group: _Group,
    *,
    vocab: Any,
    stale_after: float,
    now: datetime,
    include_sources: bool,
    resolver: _Resolver,
    check_commits: bool = False,
) -> list[Finding]:
    out: list[Finding] = []
    ticket_dir = str(ws.root / group.dir) if group.dir else str(ws.root)
    indexes = [d for d in group.docs if d.path.name == "index.md"]
    if len(indexes) > 1:
        out.append(
            Finding(
                ticket=group.ticket,
                issue="multiple_index",
                severity="warning",
                message=f"Multiple index.md files found ({len(indexes)}), should be only one",
                path=ticket_dir,
                extra={"index_files": [str(d.path) for d in indexes]},
            )
        )
    for doc in group.docs:
        bad = invalid_frontmatter(ws, doc, group.ticket)
        if bad is not None:
            out.append(bad)
            continue
        if doc.meta is None:
            continue
        if not include_sources and "sources" in doc.rel.split("/")[:-1]:
            continue  # sources/ holds imported material: only its front matter is checked
        if doc.rel == f"{group.dir}/index.md":
            meta = doc.meta
            missing = [
                n
                for n, v in (
                    ("Title", meta.title),
                    ("Ticket", meta.ticket),
                    ("DocType", meta.doc_type),
                )
                if not v.strip()
            ]
            if missing:
                out.append(
                    Finding(
                        ticket=group.ticket,
                        issue="missing_required_fields",
                        severity="error",
                        message=f"missing required fields: {', '.join(missing)}",
                        path=str(doc.path),
                    )
                )
            out.extend(_missing_field_findings(meta, group.ticket, doc.path))
        out.extend(_related_findings(doc, group.ticket, resolver))
        parent = doc.rel.rsplit("/", 1)[0] if "/" in doc.rel else ""
        if parent != group.dir and not _PREFIX.match(doc.path.name) and not doc.is_control:
            out.append(
                Finding(
                    ticket=group.ticket,
                    issue="missing_numeric_prefix",
                    severity="warning",
                    message="file without numeric prefix",
                    path=str(doc.path),
                )
            )
        if _is_diary(doc):
            out.extend(_diary_findings(doc, group.ticket))
            if check_commits:
                out.extend(_commit_findings(ws, doc, group.ticket))
    if vocab is not None and vocab.exists:
        out.extend(_vocab_findings(group.ticket, ticket_dir, group.docs, vocab))
    stamps = [d.meta.last_updated for d in group.docs if d.meta is not None and d.meta.last_updated]
    if stamps:
        newest = max(stamps)
        age = (now - newest).total_seconds() / 86400
        if age > stale_after:
            out.append(
                Finding(
                    ticket=group.ticket,
                    issue="stale",
                    severity="warning",
                    message=f"no document updated in {int(age)} days "
                    f"(threshold: {int(stale_after)} days)",
                    path=ticket_dir,
                    extra={"last_updated": newest.strftime("%Y-%m-%d")},
                )
            )
    if not out:
        out.append(
            Finding(
                ticket=group.ticket,
                issue="none",
                severity="ok",
                message="All checks passed",
                path=ticket_dir,
            )
        )
    return out


def _missing_index(
    ws: Workspace, index_dirs: Sequence[str], dirs: Sequence[str], *, ref: str
) -> list[Finding]:
    """Folders that look like ticket workspaces (scaffold sub-folders) but have no index.md."""
    with_index = set(index_dirs)
    children: dict[str, set[str]] = {}
    for folder in dirs:
        if folder:
            parent, _, name = folder.rpartition("/")
            children.setdefault(parent, set()).add(name)
    out: list[Finding] = []
    for folder in sorted(children):
        if folder in with_index or not (children[folder] & SCAFFOLD_DIRS):
            continue
        if any(folder.startswith(ix + "/") for ix in with_index if ix):
            continue
        name = folder.rsplit("/", 1)[-1]
        if ref and not (name == ref or name.startswith(ref + "--") or name.startswith(ref + "-")):
            continue
        if not folder:
            continue
        out.append(
            Finding(
                ticket=name,
                issue="missing_index",
                severity="error",
                message="index.md not found",
                path=str(ws.root / folder),
            )
        )
    return out


def check(
    ws: Workspace,
    *,
    ticket: str = "",
    doc: str = "",
    all_tickets: bool = False,
    stale_after: float = 30,
    ignore_dirs: Sequence[str] = (),
    ignore_globs: Sequence[str] = (),
    include_sources: bool = False,
    details: bool = False,
    check_commits: bool | None = None,
    rollup_only: bool = False,
) -> Report:
    """Run every check over the scope (workspace, one ticket, or one document).

    Documents are read from the index one ticket at a time, so memory stays flat on very
    large workspaces. Diary commits are checked against git for one ticket by default
    (``check_commits=None``), for the whole workspace only when asked (it runs git).
    """
    if check_commits is None:
        check_commits = bool(ticket and not all_tickets)

    ws.require_root()
    vocab = vocabulary.load(ws.vocabulary_path)
    if doc:
        single = Report([], [], True)
        single.add(check_doc(ws, doc, vocab=vocab))
        return single
    report = Report([], [], details or bool(ticket and not all_tickets))
    report.keep_all = report.detail or not rollup_only
    findings = report
    with index_store.open_index(ws, memory=index_store.cache_disabled(ws)) as index:
        folders = index.folders()
        index.trim()
        rows = [
            (rel, tid, ok)
            for rel, tid, ok in index.con.execute(
                "SELECT rel, ticket, parse_ok FROM docs ORDER BY rel"
            )
            if _kept(ws, rel, ignore_dirs, ignore_globs)
        ]
        groups = _group(rows)
        del rows
        ref = ""
        if ticket and not all_tickets:
            found = lookup.resolve_ticket(
                ws, ticket, docs=index.docs("parse_ok = 1 AND doc_type = 'index'")
            )
            ref = found.id
            groups = [g for g in groups if g.ticket == found.id or g.dir == found.rel_dir]
            if not groups:
                raise DocmgrError(
                    f'doctor checked zero documents for ticket "{ticket}"',
                    "check the ticket folder with 'docmgr ticket show'",
                )
        with_index = [
            rel.rsplit("/", 1)[0] if "/" in rel else ""
            for (rel,) in index.con.execute("SELECT rel FROM docs WHERE name = 'index.md'")
        ]
        findings.add(_missing_index(ws, with_index, folders, ref=ref))
        del folders
        if not vocab.exists:
            findings.add(
                [
                    Finding(
                        ticket="",
                        issue="no_vocabulary",
                        severity="info",
                        path="",
                        message="no vocabulary configured; skipping unknown-value checks (run "
                        "'docmgr init' to seed defaults or 'docmgr vocab add --category "
                        '<topics|docTypes|intent|status> --slug <slug> --description "TODO"\')',
                    )
                ]
            )
        now = ws.clock.now()
        resolver = _Resolver(ws)
        for group in groups:
            group.docs = index.docs_for(group.rels)
            if not group.dir:
                for root_doc in group.docs:  # documents lying directly in the docs root
                    bad = invalid_frontmatter(ws, root_doc, "")
                    if bad is not None and root_doc.path.name.lower() not in (
                        "readme.md",
                        "tasks.md",
                        "changelog.md",
                    ):
                        findings.add([bad])
            else:
                findings.add(
                    _check_group(
                        ws,
                        group,
                        vocab=vocab,
                        stale_after=stale_after,
                        now=now,
                        include_sources=include_sources,
                        resolver=resolver,
                        check_commits=check_commits,
                    )
                )
            group.docs = []
    report.tickets = [g.ticket for g in groups if g.dir]
    return report


def _kept(ws: Workspace, rel: str, ignore_dirs: Sequence[str], ignore_globs: Sequence[str]) -> bool:
    if ignore_dirs and any(seg in ignore_dirs for seg in rel.split("/")[:-1]):
        return False
    if ignore_globs:
        name, full = rel.rsplit("/", 1)[-1], str(ws.root / rel)
        for pattern in ignore_globs:
            regex = re.compile(fnmatch.translate(pattern).replace(".*", "[^/]*"))
            if any(regex.match(value) for value in (name, full, rel)):
                return False
    return True


def check_doc(ws: Workspace, ref: str, *, vocab: Any) -> list[Finding]:
    """Single-document mode (spec §7.3): parse, required fields, Status/Topics, vocabulary."""

    path = lookup.resolve_ref(ws, ref)
    doc = parse_doc(path, ws.rel(path))
    ticket = doc.ticket
    if not doc.ok:
        where = f"line {doc.error_line}: " if doc.error_line else ""
        return [
            Finding(
                ticket=ticket,
                issue="invalid_frontmatter",
                severity="error",
                message=f"Failed to parse frontmatter: {where}{doc.error}",
                path=str(path),
                extra={"line": doc.error_line, "snippet": _snippet(path, doc.error_line or 1)},
            )
        ]
    meta = doc.meta
    assert meta is not None
    out: list[Finding] = []
    missing = [
        n
        for n, v in (("Title", meta.title), ("Ticket", meta.ticket), ("DocType", meta.doc_type))
        if not v.strip()
    ]
    if missing:
        out.append(
            Finding(
                ticket=ticket,
                issue="missing_required_fields",
                severity="error",
                message=f"missing required fields: {', '.join(missing)}",
                path=str(path),
            )
        )
    out.extend(_missing_field_findings(meta, ticket, path))
    if not vocab.exists:
        out.append(
            Finding(
                ticket=ticket,
                issue="no_vocabulary",
                severity="info",
                path="",
                message="no vocabulary configured; skipping unknown-value checks",
            )
        )
    else:
        topics = set(vocab.slugs("topics"))
        unknown = [t for t in meta.topics if t not in topics]
        if unknown:
            out.append(
                Finding(
                    ticket=ticket,
                    issue="unknown_topics",
                    severity="warning",
                    path=str(path),
                    message=f"unknown topics: [{' '.join(unknown)}]; "
                    + _VOCAB_HINT.format(cat="topics"),
                )
            )
        checks = (
            (
                "doc_type",
                "docType",
                meta.doc_type,
                set(vocab.slugs("docTypes")) | set(vocabulary.BUILTIN_DOC_TYPES),
                "docTypes",
            ),
            (
                "intent",
                "intent",
                meta.intent,
                set(vocab.slugs("intent")) | set(vocabulary.BUILTIN_INTENTS),
                "intent",
            ),
            (
                "status",
                "status",
                meta.status,
                set(vocab.slugs("status")) | set(vocabulary.BUILTIN_STATUSES),
                "status",
            ),
        )
        for issue, label, value, known, cat in checks:
            if value and value not in known:
                extra = (
                    f" (valid values: {', '.join(sorted(known))}; "
                    "list via 'docmgr vocab list --category status')"
                    if issue == "status"
                    else ""
                )
                out.append(
                    Finding(
                        ticket=ticket,
                        issue=f"unknown_{issue}",
                        severity="warning",
                        path=str(path),
                        message=f"unknown {label}: {value}{extra}; " + _VOCAB_HINT.format(cat=cat),
                    )
                )
    if not any(SEVERITY_RANK[f.severity] > 0 for f in out):
        out.append(
            Finding(
                ticket=ticket,
                issue="none",
                severity="ok",
                message="All checks passed",
                path=str(path),
            )
        )
    return out
