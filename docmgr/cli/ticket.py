"""``docmgr ticket …``: create, list and show tickets."""

from __future__ import annotations

from typing import Any

import click

from docmgr.cli._common import (
    app,
    common_options,
    emit,
    hidden_alias,
    output_options,
    split_list,
    ticket_option,
)
from docmgr.cli._report import report_skipped


@click.group("ticket")
def ticket_group() -> None:
    """Create, list, show and manage tickets."""


@ticket_group.command("create")
@common_options
@click.option("--ticket", required=True, help="Ticket id, e.g. VM-004-EXPAND-E2E-COVERAGE.")
@click.option("--title", required=True, help="One-line title.")
@click.option("--topics", multiple=True, help="Topics (comma list or repeated).")
@click.option(
    "--path-template",
    default="{{YYYY}}/{{MM}}/{{DD}}/{{TICKET}}--{{SLUG}}",
    show_default=True,
    help="Folder layout under the root.",
)
@click.option(
    "--force", is_flag=True, help="Create even if the id exists; overwrite control files."
)
@output_options
def create_cmd(
    ticket: str,
    title: str,
    topics: tuple[str, ...],
    path_template: str,
    force: bool,
    output: str | None,
    glaze: bool,
) -> None:
    """Create a ticket workspace: index.md, README.md, tasks.md, changelog.md.

    \b
    Example:
      docmgr ticket create --ticket VM-004-EXPAND-E2E-COVERAGE \\
          --title "Expand vm-system daemon API e2e coverage" --topics backend,testing
    """
    from docmgr.ops import ticket as ticketmod

    ws = app().workspace()
    made = ticketmod.create(
        ws,
        ticket=ticket,
        title=title,
        topics=split_list(topics),
        path_template=path_template,
        force=force,
    )
    row = {"ticket": made.ticket, "path": str(made.path), "title": made.title, "status": "created"}
    emit(
        [row],
        output,
        glaze,
        lambda: (
            f"created {made.ticket} at {ws.display(made.path)} "
            f"({len(made.dirs)} dirs, {len(made.files)} files)"
        ),
        banner=True,
    )


ticket_group.add_command(hidden_alias(create_cmd, "create-ticket"))


def _list_row(summary: Any) -> dict[str, Any]:
    from docmgr.seams.clock import utc_minute

    t = summary.ticket
    return {
        "ticket": t.id,
        "title": t.title,
        "status": t.status,
        "topics": ", ".join(t.topics),
        "tasks_open": summary.tasks_open,
        "tasks_done": summary.tasks_done,
        "path": t.rel_dir,
        "last_updated": utc_minute(t.last_updated),
    }


@ticket_group.command("list")
@common_options
@click.option("--ticket", "ticket_filter", default="", help="Only this exact ticket id.")
@click.option("--status", default="", help="Only tickets with this status.")
@output_options
def list_cmd(ticket_filter: str, status: str, output: str | None, glaze: bool) -> None:
    """List tickets, most recently updated first, with task counts.

    \b
    Example:
      docmgr ticket list
      docmgr ticket list --status active --output json
    """
    from docmgr.store import index as index_store

    ws = app().workspace()
    found, skipped = index_store.ticket_listing(ws)  # straight from the index's SQL
    report_skipped(ws, skipped, structured=bool(output or glaze))
    found = [
        t
        for t in found
        if (not ticket_filter or t.id == ticket_filter) and (not status or t.status == status)
    ]
    found.sort(key=lambda t: t.last_updated, reverse=True)
    rows = [
        {
            "ticket": t.id,
            "title": t.title,
            "status": t.status,
            "topics": ", ".join(t.topics),
            "tasks_open": t.tasks_open,
            "tasks_done": t.tasks_done,
            "path": t.rel_dir,
            "last_updated": index_store.key_minute(t.last_updated),
        }
        for t in found
    ]

    def human() -> str:
        if not rows:
            return "No tickets found."
        out = [f"## Tickets ({len(rows)})", ""]
        for r in rows:
            out += [
                f"### {r['ticket']} — {r['title']}",
                f"- Status: **{r['status']}**",
                f"- Topics: {r['topics'] or '—'}",
                f"- Tasks: {r['tasks_open']} open / {r['tasks_done']} done",
                f"- Updated: {r['last_updated']}",
                f"- Path: `{r['path']}`",
                "",
            ]
        return "\n".join(out) + "\n"

    emit(rows, output, glaze, human, banner=True)


ticket_group.add_command(hidden_alias(list_cmd, "tickets"))


@ticket_group.command("show")
@common_options
@click.argument("ticket_ref", required=False, default="")
@ticket_option(required=False)
@output_options
def show_cmd(ticket_ref: str, ticket: str, output: str | None, glaze: bool) -> None:
    """Show one ticket: status, topics, task counts, documents, last changelog entry.

    \b
    Example:
      docmgr ticket show VM-004
      docmgr ticket show --ticket VM-004-EXPAND-E2E-COVERAGE --output json
    """
    from docmgr.errors import UsageProblem
    from docmgr.reports import summary
    from docmgr.seams.clock import utc_minute
    from docmgr.store import lookup
    from docmgr.store.index import load_docs

    ref = ticket or ticket_ref
    if not ref:
        raise UsageProblem(
            "specify a ticket", "docmgr ticket show --ticket <ID> (or a positional reference)"
        )
    ws = app().workspace()
    docs = load_docs(ws)
    found = lookup.find(ws, ref, docs)
    summary = summary.summarize(ws, found, docs)
    prefix = found.rel_dir + "/" if found.rel_dir != "." else ""
    doc_rows = [(d.rel[len(prefix) :], d.meta.doc_type if d.meta else "") for d in summary.docs]
    row = _list_row(summary)
    row["docs"] = [rel for rel, _ in doc_rows]
    row["changelog_head"] = summary.changelog_head

    def human() -> str:
        lines = [
            f"{found.id} — {found.title}",
            f"status: {found.status}  topics: {', '.join(found.topics) or '—'}  "
            f"updated: {utc_minute(found.last_updated)}",
            f"path: {found.rel_dir}",
            f"tasks: {summary.tasks_open} open / {summary.tasks_done} done",
            f"docs ({len(doc_rows)}):",
        ]
        lines += [f"  - {rel} ({kind})" for rel, kind in doc_rows]
        if summary.changelog_head:
            lines.append(f"changelog: {summary.changelog_head}")
        return "\n".join(lines)

    emit([row], output, glaze, human, banner=True)
