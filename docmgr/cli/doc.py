"""``docmgr doc …``: add, list and describe documents."""

from __future__ import annotations

import click

from docmgr.cli._common import (
    app,
    common_options,
    doc_type_option,
    emit,
    hidden_alias,
    output_options,
    split_list,
    ticket_option,
)
from docmgr.cli._report import report_skipped


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
    found = lookup.find(ws, ticket)
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
        line = f"created {ws.display(added.path)}"
        if not app().verbose:
            return line
        guide = templates.guideline(ws.root, doc_type)
        extra = (
            guide[0]
            if guide
            else (
                f"(No guidelines found for doc-type {doc_type}. Use "
                "`docmgr doc guidelines --list` to view available types.)"
            )
        )
        return f"{line}\n\n### Guidelines for {doc_type}\n\n{extra}"

    emit([row], output, glaze, human, banner=True)


@doc_group.command("list")
@common_options
@click.option("--ticket", "ticket_filter", default="", help="Only docs of this exact ticket id.")
@click.option("--status", default="", help="Only docs with this status.")
@click.option("--doc-type", "doc_type", default="", help="Only docs of this type.")
@click.option("--topics", multiple=True, help="Docs with any of these topics.")
@output_options
def list_cmd(
    ticket_filter: str,
    status: str,
    doc_type: str,
    topics: tuple[str, ...],
    output: str | None,
    glaze: bool,
) -> None:
    """List documents (index.md files excluded), grouped by ticket.

    \b
    Example:
      docmgr doc list --ticket VM-004-EXPAND-E2E-COVERAGE
      docmgr doc list --doc-type design-doc --output json
    """
    from docmgr.store import index as index_store

    ws = app().workspace()
    found, skipped = index_store.doc_listing(  # straight from the index's SQL
        ws, ticket=ticket_filter, status=status, doc_type=doc_type, topics=split_list(topics)
    )
    report_skipped(ws, skipped, structured=bool(output or glaze))
    rows = [
        {
            "ticket": d.ticket,
            "doc_type": d.doc_type,
            "title": d.title,
            "status": d.status,
            "topics": ", ".join(d.topics),
            "path": d.rel,
            "last_updated": index_store.key_minute(d.last_updated),
        }
        for d in found
    ]

    def human() -> str:
        if not rows:
            return "No documents found."
        groups: dict[str, list[dict[str, str]]] = {}
        for r in rows:
            groups.setdefault(r["ticket"], []).append(r)
        ordered = sorted(
            groups.items(), key=lambda kv: max(r["last_updated"] for r in kv[1]), reverse=True
        )
        out = [f"## Documents ({len(rows)})", ""]
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

    emit(rows, output, glaze, human, banner=True)


doc_group.add_command(hidden_alias(list_cmd, "docs"))


@doc_group.command("guidelines")
@common_options
@doc_type_option(required=False)
@click.option("--list", "list_types", is_flag=True, help="List the doc types that have guidelines.")
@output_options
def guidelines_cmd(doc_type: str, list_types: bool, output: str | None, glaze: bool) -> None:
    """Show how to write a document of a given type.

    \b
    Example:
      docmgr doc guidelines --doc-type design-doc
      docmgr doc guidelines --list
    """
    from docmgr.errors import DocmgrError, UsageProblem
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
    text, _source = found
    emit([{"doc_type": doc_type, "content": text}], output, glaze, lambda: text)
