"""``docmgr doc …``: add, list and describe documents.

The write verbs' modules (document and relate ops, the ticket resolver, templates) are
imported inside the commands that use them: ``doc list`` is a warm read verb, and loading
the transactional write path (the journal, shutil with bz2 and lzma) cost it ~10 ms.
"""

from __future__ import annotations

from typing import Any

import click

from docmgr.cli._common import (
    app,
    common_options,
    count_label,
    doc_type_option,
    emit,
    hidden_alias,
    limit_option,
    output_options,
    pager_option,
    split_list,
    ticket_option,
)
from docmgr.cli._report import report_skipped
from docmgr.cli._template_flags import render_verb_template, template_options
from docmgr.cli.search import search_cmd
from docmgr.errors import DocmgrError, UsageProblem
from docmgr.store import index as index_store


@click.group("doc")
def doc_group() -> None:
    """Add, list, relate and move documents."""


@doc_group.command("add")
@common_options
@ticket_option()
@doc_type_option()
@click.option("--title", required=True, help="Document title (also its file name slug).")
@click.option("--topics", multiple=True, help="Topics (default: the ticket's).")
@click.option("--owners", multiple=True, help="Owners (default: the ticket's).")
@click.option("--status", default="", help="Status (default: the ticket's).")
@click.option("--intent", default="", help="Intent (default: the ticket's, else long-term).")
@click.option("--summary", default="", help="One-line summary.")
@click.option("--external-sources", multiple=True, help="URLs or other sources (comma list).")
@click.option("--related-files", multiple=True, help="Related file paths (comma list).")
@output_options
def add_cmd(
    ticket: str,
    doc_type: str,
    title: str,
    topics: tuple[str, ...],
    owners: tuple[str, ...],
    status: str,
    intent: str,
    summary: str,
    external_sources: tuple[str, ...],
    related_files: tuple[str, ...],
    output: str | None,
    glaze: bool,
) -> None:
    """Add a numbered document: <ticket>/<doc-type>/NN-<slug>.md from its template.

    \b
    Example:
      docmgr doc add --ticket VM-004 --doc-type design-doc \\
          --title "Daemon API test coverage matrix and expansion plan"
    """

    from docmgr.ops import document as document_ops
    from docmgr.store import lookup, templates

    ws = app().workspace()
    found = lookup.resolve_ticket(ws, ticket)
    added = document_ops.add(
        ws,
        found,
        doc_type=doc_type,
        title=title,
        topics=split_list(topics),
        owners=split_list(owners),
        status=status,
        intent=intent,
        summary=summary,
        external_sources=split_list(external_sources),
        related_files=split_list(related_files),
    )
    row = {
        "ticket": added.ticket,
        "doc_type": added.doc_type,
        "title": added.title,
        "path": str(added.path),
        "status": "created",
    }

    def human() -> str:
        if not app().verbose:
            return f"created {ws.display(added.path)}"
        return created_report(ws, added, templates.guideline(ws.root, doc_type))

    emit([row], output, glaze, human)


def created_report(ws: Any, added: Any, guide: tuple[str, str] | None) -> str:
    """The Go tool's ``--verbose`` report of ``doc add`` (spec §5.12)."""
    lines = [f"Docs root: `{ws.root}`"]
    if ws.config is not None:
        lines.append(f"Config: `{ws.config.path}`")
    lines.append(f"Vocabulary: `{ws.vocabulary_path}`")
    lines += [
        "",
        "## Document Created",
        "",
        f"- Ticket: {added.ticket}",
        f"- Doc type: {added.doc_type}",
        f"- Title: {added.title}",
        f"- Status: {added.status}",
        f"- Intent: {added.intent}",
        f"- Topics: {', '.join(added.topics) or '—'}",
        f"- Owners: {', '.join(added.owners) or '—'}",
        f"- Path: `{ws.rel(added.path)}`",
        "",
    ]
    if guide:
        lines += [f"### Guidelines for {added.doc_type}", "", guide[0]]
    else:
        lines.append(
            f"(No guidelines found for doc-type {added.doc_type}. Use "
            "`docmgr doc guidelines --list` to view available types.)"
        )
    return "\n".join(lines).rstrip("\n") + "\n"


def _doc_row(d: Any) -> dict[str, Any]:
    """What ``doc list`` shows of one ``DocRow``."""
    return {
        "ticket": d.ticket,
        "doc_type": d.doc_type,
        "title": d.title,
        "status": d.status,
        "topics": ", ".join(d.topics),
        "path": d.rel,
        "last_updated": index_store.key_minute(d.last_updated),
    }


@doc_group.command("list")
@common_options
@ticket_option(
    required=False, help_text="Only docs of this ticket (forgiving: prefix, folder name)."
)
@click.option("--status", default="", help="Only docs with this status.")
@click.option("--doc-type", "doc_type", default="", help="Only docs of this type.")
@click.option("--topics", multiple=True, help="Docs with any of these topics.")
@limit_option
@pager_option
@output_options
@template_options("doc list")
def list_cmd(
    ticket: str,
    status: str,
    doc_type: str,
    topics: tuple[str, ...],
    limit: int | None,
    output: str | None,
    glaze: bool,
) -> None:
    """List documents (index.md files excluded), grouped by ticket.

    \b
    Example:
      docmgr doc list --ticket VM-004
      docmgr doc list --doc-type design-doc --output json
      docmgr doc list --limit 20 --output csv
    """

    ws = app().workspace()
    only = ""
    if ticket:
        from docmgr.store import lookup

        only = lookup.resolve_ticket(ws, ticket).id
    found, skipped = index_store.doc_listing(  # straight from the index's SQL
        ws, ticket=only, status=status, doc_type=doc_type, topics=split_list(topics)
    )
    report_skipped(ws, skipped, structured=bool(output or glaze))
    from docmgr.cli.output import Rows

    rows = Rows(found, _doc_row)  # each row made as it is written

    shown = rows[:limit]

    def human() -> str:
        if not shown:
            return "No documents found."
        groups: dict[str, list[dict[str, str]]] = {}
        for r in shown:
            groups.setdefault(r["ticket"], []).append(r)
        ordered = sorted(
            groups.items(), key=lambda kv: max(r["last_updated"] for r in kv[1]), reverse=True
        )
        out = [f"## Documents ({count_label(shown, rows)})", ""]
        for tid, items in ordered:
            out += [f"### {tid} ({len(items)} docs)", ""]
            for r in sorted(items, key=lambda r: (r["doc_type"], r["title"])):
                out += [
                    f"- **{r['doc_type'] or 'doc'}** — {r['title']}",
                    f"  - Status: **{r['status']}**",
                    f"  - Topics: {r['topics'] or '—'}",
                    f"  - Updated: {r['last_updated'] or 'unknown'}",
                    f"  - Path: `{r['path']}`",
                    "",
                ]
        return "\n".join(out) + "\n"

    emit(rows, output, glaze, human, banner=True, limit=limit, paged=True)
    render_verb_template("doc list", shown, structured=bool(output or glaze))


doc_group.add_command(hidden_alias(list_cmd, "docs"))


@doc_group.command("guidelines")
@common_options
@doc_type_option(required=False)
@click.option("--list", "list_types", is_flag=True, help="List the doc types that have guidelines.")
@output_options
@template_options("doc guidelines")
def guidelines_cmd(doc_type: str, list_types: bool, output: str | None, glaze: bool) -> None:
    """Show how to write a document of a given type.

    \b
    Example:
      docmgr doc guidelines --doc-type design-doc
      docmgr doc guidelines --list
    """

    from docmgr.store import templates

    ws = app().workspace()
    if list_types:
        names = sorted(
            set(templates.GUIDELINE_TYPES)
            | {p.stem for p in (ws.root / "_guidelines").glob("*.md")}
        )
        emit([{"doc_type": n} for n in names], output, glaze, lambda: "\n".join(names))
        return
    if not doc_type:
        raise UsageProblem("must specify --doc-type or use --list to see available types")
    found = templates.guideline(ws.root, doc_type)
    if found is None:
        raise DocmgrError(
            f"no guideline found for document type: {doc_type}",
            f"use --list to see available types, or create one at "
            f"{ws.root / '_guidelines' / (doc_type + '.md')}",
        )
    text, source = found
    emit([{"doc_type": doc_type, "content": text}], output, glaze, lambda: text)
    data = {"doc_type": doc_type, "text": text, "source": source, "path": source}
    render_verb_template("doc guidelines", data, structured=bool(output or glaze))


@doc_group.command("relate")
@common_options
@ticket_option(required=False, help_text="Relate files to this ticket's index.md.")
@click.option("--doc", default="", help="Relate files to this document instead.")
@click.option(
    "--file-note",
    "file_notes",
    multiple=True,
    help="'path:note' (or 'path=note'); repeatable, commas are kept.",
)
@click.option("--remove-files", multiple=True, help="Paths to remove (comma list or repeated).")
@click.option(
    "--suggest", is_flag=True, help="List files worth relating (git, the ticket's docs, content)."
)
@click.option(
    "--apply-suggestions",
    "apply_suggestions",
    is_flag=True,
    help="With --suggest: relate them, the reasons as the note.",
)
@click.option(
    "--from-git",
    "from_git",
    is_flag=True,
    help="With --suggest: only modified, staged and untracked code files.",
)
@click.option("--query", default="", help="With --suggest: code files containing this word.")
@click.option(
    "--topics", multiple=True, help="With --suggest: only docs with these topics; else a word."
)
@output_options
def relate_cmd(
    ticket: str,
    doc: str,
    file_notes: tuple[str, ...],
    remove_files: tuple[str, ...],
    suggest: bool,
    apply_suggestions: bool,
    from_git: bool,
    query: str,
    topics: tuple[str, ...],
    output: str | None,
    glaze: bool,
) -> None:
    """Relate code files to a document (RelatedFiles), each with a note saying why.

    Paths are stored anchored (repo://, ws://, docs://, abs://); relating the same file
    again merges the note; LastUpdated is not changed.

    --suggest lists files worth relating, each with its reasons: files of the ticket's other
    docs, of the last 30 commits, of the working tree, and code files containing --query (or
    the first topic); --from-git keeps the working tree only. --apply-suggestions relates
    them, the reasons as the note.

    \b
    Example:
      docmgr doc relate --ticket VM-004 \\
          --file-note "pkg/daemon/api.go:HTTP handlers under test" \\
          --remove-files pkg/old.go
      docmgr doc relate --ticket VM-004 --suggest --from-git --apply-suggestions
    """

    from docmgr.formats import related as related_format
    from docmgr.ops import relate

    ws = app().workspace()
    notes = related_format.parse_file_notes(file_notes)
    target = relate.target_doc(ws, doc=doc, ticket=ticket)
    suggested: list[Any] = []
    if suggest:
        from docmgr.reports import relate_suggestions  # git only when asked

        suggested = relate_suggestions.suggest(
            ws,
            target=target,
            from_git=from_git,
            query=query,
            topics=split_list(topics),
            exclude=[path for path, _note in notes],
        )
    elif apply_suggestions or from_git:
        raise click.UsageError("--apply-suggestions and --from-git need --suggest")
    if suggest and not apply_suggestions:
        _list_suggestions(ws, target, notes, split_list(remove_files), suggested, output, glaze)
        return
    notes += [(s.file, s.note) for s in suggested]
    result = relate.relate(ws, target, file_notes=notes, remove=split_list(remove_files))
    row: dict[str, Any] = {
        "doc": str(result.doc),
        "added": result.added,
        "updated": result.updated,
        "removed": result.removed,
        "total": result.total,
        "status": result.status,
    }
    if result.reason:
        row["reason"] = result.reason
    row["unchanged"] = result.unchanged

    def human() -> str:
        where = ws.display(result.doc)
        if result.status == "noop":
            line = f"no related file changes for {where} ({result.reason})"
        else:
            line = (
                f"related {result.changed} file(s) to {where} (added {result.added}, "
                f"updated {result.updated}, removed {result.removed})"
            )
        if app().verbose and result.unchanged:
            line += "\n- Unchanged (already present with same note): " + ", ".join(result.unchanged)
        return line

    emit([row], output, glaze, human)


def _list_suggestions(
    ws: Any,
    target: Any,
    notes: list[tuple[str, str]],
    remove: list[str],
    suggested: list[Any],
    output: str | None,
    glaze: bool,
) -> None:
    """``--suggest`` without ``--apply-suggestions``: apply the explicit edits, list the rest."""
    from docmgr.ops import relate

    rows: list[dict[str, Any]] = []
    lines: list[str] = []
    if notes or remove:
        done = relate.relate(ws, target, file_notes=notes, remove=remove)
        if done.status != "noop":
            rows.append(
                {
                    "doc": str(done.doc),
                    "added": done.added,
                    "updated": done.updated,
                    "removed": done.removed,
                    "total": done.total,
                    "status": done.status,
                }
            )
            lines.append(
                f"related {done.changed} file(s) to {ws.display(done.doc)} (added "
                f"{done.added}, updated {done.updated}, removed {done.removed})"
            )
    rows += [s.row() for s in suggested]
    if suggested:
        lines.append("Suggested related files:")
        lines += [f"- {s.file} — {s.note}" for s in suggested]
    emit(rows, output, glaze, lambda: "\n".join(lines) or "No related files updated or suggested.")


@doc_group.command("move")
@common_options
@click.option("--doc", required=True, help="Document to move (path or unique suffix).")
@click.option("--dest-ticket", required=True, help="Ticket to move it into.")
@click.option(
    "--dest-dir", default="", help="Folder inside the destination ticket (default: same as now)."
)
@click.option("--overwrite", is_flag=True, help="Replace an existing destination file.")
@output_options
def doc_move_cmd(
    doc: str, dest_ticket: str, dest_dir: str, overwrite: bool, output: str | None, glaze: bool
) -> None:
    """Move a document to another ticket; its Ticket field becomes the destination's id.

    \b
    Example:
      docmgr doc move --doc design-doc/01-plan.md --dest-ticket VM-005 --dest-dir design-doc
    """

    from docmgr.ops import document as document_ops
    from docmgr.seams.clock import format_rfc3339

    ws = app().workspace()
    done = document_ops.move(
        ws, doc, dest_ticket=dest_ticket, dest_dir=dest_dir, overwrite=overwrite
    )
    row = {
        "source_ticket": done.source_ticket,
        "dest_ticket": done.dest_ticket,
        "source_path": str(done.source),
        "dest_path": str(done.dest),
        "status": "moved",
        "time": format_rfc3339(done.time),
    }
    emit(
        [row],
        output,
        glaze,
        lambda: (
            f"moved {ws.display(done.source)} -> {ws.display(done.dest)} "
            f"(ticket {done.source_ticket} -> {done.dest_ticket})"
        ),
    )


@doc_group.command("renumber")
@common_options
@ticket_option()
@output_options
def renumber_cmd(ticket: str, output: str | None, glaze: bool) -> None:
    """Renumber a ticket's docs 01-, 02-, … per folder (current order kept) and fix references.

    \b
    Example:
      docmgr doc renumber --ticket VM-004
    """

    from docmgr.ops import document as document_ops
    from docmgr.seams.clock import format_rfc3339

    ws = app().workspace()
    done = document_ops.renumber(ws, ticket)
    row = {
        "ticket": done.ticket,
        "renamed": len(done.renames),
        "status": "completed",
        "path": str(done.path),
        "time": format_rfc3339(done.time),
    }
    emit(
        [row],
        output,
        glaze,
        lambda: (
            f"Ticket {ticket} renumbered.\n- Files renamed: {len(done.renames)}\n"
            f"- Path: {done.path}\n- Completed: {format_rfc3339(done.time)}"
        ),
    )


@doc_group.command("layout-fix")
@common_options
@ticket_option(required=False, help_text="Only this ticket (default: every ticket).")
@click.option("--dry-run", is_flag=True, help="Only show the planned moves.")
@output_options
def layout_fix_cmd(ticket: str, dry_run: bool, output: str | None, glaze: bool) -> None:
    """Move docs into the folder named after their DocType; never overwrites (clashes are skipped).

    \b
    Example:
      docmgr doc layout-fix --ticket VM-004 --dry-run
    """

    from docmgr.ops import document as document_ops

    ws = app().workspace()
    fixes = document_ops.layout_fix(ws, ticket=ticket, dry_run=dry_run)
    rows = [
        {
            "ticket": f.ticket,
            "from": f.source.relative_to(f.ticket_dir).as_posix(),
            "to": f.dest.relative_to(f.ticket_dir).as_posix(),
            "status": f.status,
        }
        for f in fixes
    ]

    def human() -> str:
        if not fixes:
            return "No moves planned." if dry_run else "No layout issues detected."
        lines = [f"## Layout Fix ({'dry-run' if dry_run else 'executed'})", ""]
        for f, r in zip(fixes, rows, strict=True):
            lines.append(f"- {f.ticket_dir.name}: {r['from']} → {r['to']} ({r['status']})")
        return "\n".join(lines)

    emit(rows, output, glaze, human)


doc_group.add_command(search_cmd, "search")

COMMANDS = (doc_group,)
ALIASES = (
    (add_cmd, "add"),
    (guidelines_cmd, "guidelines"),
    (relate_cmd, "relate"),
    (renumber_cmd, "renumber"),
    (layout_fix_cmd, "layout-fix"),
)
LISTED_AS = (list_cmd, "docs")
