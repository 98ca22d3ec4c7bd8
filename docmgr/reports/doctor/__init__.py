"""doctor: walk the tickets in scope, run every rule over them, collect a Report.

The rules (one per finding) live in ``rules/``; ``repairs`` makes ``--fix`` changes and
``render`` turns a Report into text. Row order follows spec §7.2: missing_index, then the
workspace-level rows (orphan_markdown, no_vocabulary), then per ticket in the order of its
first document.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from docmgr.errors import DocmgrError
from docmgr.model import Doc, Finding, Severity
from docmgr.reports.doctor import scope
from docmgr.reports.doctor.report import Report
from docmgr.reports.doctor.rules import (
    diary,
    frontmatter,
    identity,
    index_docs,
    links,
    naming,
    orphans,
    related,
    staleness,
    vocabulary,
)
from docmgr.seams.paths import confine
from docmgr.store import index as index_store
from docmgr.store import lookup
from docmgr.store import vocabulary as vocabulary_store
from docmgr.store.index import queries
from docmgr.store.index.records import DiaryFacts, is_diary, path_maker
from docmgr.store.vocabulary import Vocabulary
from docmgr.store.workspace import Workspace, parse_doc
from docmgr.tuples import NamedTuple

__all__ = ["Finding", "Report", "Severity", "check", "check_doc"]


_ROOT_CONTROL = ("readme.md", "tasks.md", "changelog.md")


class GroupFacts(NamedTuple):
    """What the index stored for doctor about some ticket folders' documents (by rel path)."""

    related: dict[str, list[queries.RelatedEntry]]
    diaries: dict[str, DiaryFacts]


def _check_group(
    ws: Workspace,
    group: scope.TicketGroup,
    *,
    vocab: Vocabulary | None,
    stale_after: float,
    now: datetime,
    include_sources: bool,
    resolver: related.Resolver,
    facts: GroupFacts,
    check_commits: bool = False,
) -> list[Finding]:
    """Every rule of one ticket folder, in row order; ``none`` when nothing was found."""
    out: list[Finding] = []
    ticket = group.ticket
    ticket_dir = str(ws.root / group.dir) if group.dir else str(ws.root)
    several = index_docs.multiple_index(group.docs, ticket, ticket_dir)
    if several is not None:
        out.append(several)
    mismatch = identity.ticket_id_mismatch(group.docs, group.dir, ws.root)
    if mismatch is not None:
        out.append(mismatch)
    for doc in group.docs:
        bad = frontmatter.invalid_frontmatter(doc, ticket)
        if bad is not None:
            out.append(bad)
            continue
        if doc.meta is None:
            continue
        if not include_sources and "sources" in doc.rel.split("/")[:-1]:
            continue  # sources/ holds imported material: only its front matter is checked
        if doc.rel == f"{group.dir}/index.md":
            out.extend(frontmatter.missing_required_fields(doc.meta, ticket, doc.path))
            out.extend(frontmatter.missing_field(doc.meta, ticket, doc.path))
        out.extend(related.related_files(doc, ticket, facts.related.get(doc.rel, ()), resolver))
        unnumbered = naming.missing_numeric_prefix(doc, ticket, group.dir)
        if unnumbered is not None:
            out.append(unnumbered)
        if is_diary(doc):
            found = facts.diaries.get(doc.rel)
            out.extend(diary.steps(doc, ticket, found))
            if check_commits:
                out.extend(diary.commits(ws, doc, ticket, found))
    if vocab is not None and vocab.exists:
        out.extend(vocabulary.unknown_values(ticket, ticket_dir, group.docs, vocab))
    old = staleness.stale(group.docs, ticket, ticket_dir, now=now, stale_after=stale_after)
    if old is not None:
        out.append(old)
    if not out:
        out.append(
            Finding(
                ticket=ticket,
                issue="none",
                severity=Severity.OK,
                message="All checks passed",
                path=ticket_dir,
            )
        )
    return out


def _root_docs(docs: Sequence[Doc]) -> list[Finding]:
    """Documents lying directly in the docs root: only their front matter is checked."""
    out: list[Finding] = []
    for doc in docs:
        bad = frontmatter.invalid_frontmatter(doc, "")
        if bad is not None and doc.path.name.lower() not in _ROOT_CONTROL:
            out.append(bad)
    return out


@index_store.recovering
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

    Documents are read from the index a few hundred at a time (whole ticket folders), so
    memory stays flat on very large workspaces. Diary commits are checked against git for
    one ticket by default (``check_commits=None``), for the whole workspace only when asked
    (it runs git).
    """
    if check_commits is None:
        check_commits = bool(ticket and not all_tickets)

    ws.require_root()
    vocab = vocabulary_store.load(ws.vocabulary_path)
    if doc:
        single = Report([], [], True)
        single.add(check_doc(ws, doc, vocab=vocab))
        return single
    report = Report([], [], details or bool(ticket and not all_tickets))
    report.keep_all = report.detail or not rollup_only
    root_s = str(ws.root)
    with index_store.open_index(ws, memory=index_store.cache_disabled(ws)) as index:
        folders = index.folders()
        index.trim()
        index.read_through()
        rows = queries.outline(index)
        if ignore_dirs or ignore_globs:
            rows = [
                r for r in rows if scope.kept(r.rel, f"{root_s}/{r.rel}", ignore_dirs, ignore_globs)
            ]
        groups = scope.group(rows)
        ref = ""
        if ticket and not all_tickets:
            found = lookup.resolve_ticket(ws, ticket, docs=queries.ticket_index_docs(index))
            ref = found.id
            groups = [g for g in groups if g.ticket == found.id or g.dir == found.rel_dir]
            if not groups:
                raise DocmgrError(
                    f'doctor checked zero documents for ticket "{ticket}"',
                    "check the ticket folder with 'docmgr ticket show'",
                )
        with_index = [
            rel.rsplit("/", 1)[0] if "/" in rel else "" for rel in queries.index_file_rels(index)
        ]
        unindexed = index_docs.missing_index(ws.root, with_index, folders, ref=ref)
        report.add(unindexed)
        report.add(_escaping_links(ws, groups, queries.md_links(index), scoped=bool(ref)))
        del folders
        if not ref:  # a file outside every ticket is no single ticket's business
            report.add(
                orphans.orphan_markdown(
                    ws.root,
                    [rel for rel, _tid, _ok in rows],
                    index_dirs=scope.index_dirs([rel for rel, _tid, _ok in rows]),
                    skip_dirs=[ws.rel(Path(f.path)) for f in unindexed],
                )
            )
        del rows
        if not vocab.exists:
            report.add([vocabulary.no_vocabulary("")])
        now = ws.clock.now()
        resolver = related.Resolver(ws)
        for batch in _batches(groups):
            child = path_maker(index.root)  # per batch: its folder memo stays small
            resolver.trim()
            rels = [rel for group in batch for rel in group.rels]
            by_rel = {d.rel: d for d in queries.docs_at(index, rels, child)}
            facts = GroupFacts(
                queries.related_entries(index, rels), queries.diary_facts(index, rels)
            )
            del rels
            for group in batch:
                group.docs = [d for d in map(by_rel.get, sorted(group.rels)) if d is not None]
                if not group.dir:
                    report.add(_root_docs(group.docs))
                else:
                    report.add(
                        _check_group(
                            ws,
                            group,
                            vocab=vocab,
                            stale_after=stale_after,
                            now=now,
                            include_sources=include_sources,
                            resolver=resolver,
                            facts=facts,
                            check_commits=check_commits,
                        )
                    )
                group.docs = []
    report.tickets = [g.ticket for g in groups if g.dir]
    return report


_BATCH = 400  # documents read from the index at a time (memory stays flat; few queries)


def _batches(groups: Sequence[scope.TicketGroup]) -> Iterator[list[scope.TicketGroup]]:
    """Consecutive ticket folders holding about ``_BATCH`` documents together."""
    batch: list[scope.TicketGroup] = []
    size = 0
    for group in groups:
        batch.append(group)
        size += len(group.rels)
        if size >= _BATCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _escaping_links(
    ws: Workspace,
    groups: Sequence[scope.TicketGroup],
    walked: Sequence[tuple[str, bool]],
    *,
    scoped: bool,
) -> list[Finding]:
    """The symlinks-leaving-the-root rule (``links``), as findings of their ticket."""
    ids = {g.dir: g.ticket for g in groups if g.dir}
    return [
        Finding(
            ticket=ids.get(link.ticket_dir, ""),
            issue=links.ISSUE,
            severity=links.SEVERITY,
            message=link.message,
            path=str(link.path),
        )
        for link in links.escaping_links(ws, walked, under=list(ids) if scoped else None)
    ]


def check_doc(ws: Workspace, ref: str, *, vocab: Vocabulary) -> list[Finding]:
    """Single-document mode (spec §7.3): parse, required fields, Status/Topics, vocabulary."""
    path = confine(ws.root, lookup.resolve_ref(ws, ref), cwd=ws.cwd, what="document")
    doc = parse_doc(path, ws.rel(path))
    ticket = doc.ticket
    if doc.meta is None:
        return [frontmatter.parse_error(doc, ticket)]
    meta = doc.meta
    out = frontmatter.missing_required_fields(meta, ticket, path)
    out.extend(frontmatter.missing_field(meta, ticket, path))
    if not vocab.exists:
        out.append(vocabulary.no_vocabulary(ticket, with_remedy=False))
    else:
        out.extend(vocabulary.unknown_values_of_doc(meta, ticket, path, vocab))
    if not any(f.severity.rank > 0 for f in out):
        out.append(
            Finding(
                ticket=ticket,
                issue="none",
                severity=Severity.OK,
                message="All checks passed",
                path=str(path),
            )
        )
    return out
