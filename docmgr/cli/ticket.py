"""``docmgr ticket …``: create, list and show tickets."""

from __future__ import annotations

from typing import Any

import click

from docmgr.cli._common import (
    app,
    common_options,
    count_label,
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
from docmgr.errors import UsageProblem
from docmgr.seams.clock import format_rfc3339, utc_minute
from docmgr.store import index as index_store

# The write verbs (ops.ticket: journal, staging, changelog), the reports (graph, summary) and
# the ticket resolver are imported inside the verbs that use them: ``ticket list`` is on
# every agent's warm path and loads none of them (tests/test_imports.py).


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
@click.option(
    "--scaffold-dirs",
    is_flag=True,
    default=None,
    help="Also make the Go tool's eight empty folders (design, reference, playbooks, …); "
    "default: scaffoldDirs in .ttmp.yaml, else only when a first doc needs one.",
)
@output_options
def create_cmd(
    ticket: str,
    title: str,
    topics: tuple[str, ...],
    path_template: str,
    force: bool,
    scaffold_dirs: bool | None,
    output: str | None,
    glaze: bool,
) -> None:
    """Create a ticket workspace: index.md, README.md, tasks.md, changelog.md.

    \b
    Example:
      docmgr ticket create --ticket VM-004-EXPAND-E2E-COVERAGE \\
          --title "Expand vm-system daemon API e2e coverage" --topics backend,testing
    """

    from docmgr.ops import ticket as ticket_ops

    ws = app().workspace()
    made = ticket_ops.create(
        ws,
        ticket=ticket,
        title=title,
        topics=split_list(topics),
        path_template=path_template,
        force=force,
        scaffold_dirs=scaffold_dirs or None,
    )
    row = {"ticket": made.ticket, "path": str(made.path), "title": made.title, "status": "created"}

    def human() -> str:
        if app().verbose:
            return created_report(ws.root, made)
        return (
            f"created {made.ticket} at {ws.display(made.path)} "
            f"({len(made.dirs)} dirs, {len(made.files)} files)"
        )

    emit([row], output, glaze, human)


def created_report(root: Any, made: Any) -> str:
    """The Go tool's ``--verbose`` report of ``ticket create`` (spec §5.4)."""
    lines = [
        f"Docs root: `{root}`",
        "",
        "## Ticket Workspace Created",
        "",
        f"- Ticket: {made.ticket}",
        f"- Title: {made.title}",
        f"- Path: `{made.dirs[0] if made.dirs else made.path}`",
        f"- Directories: {len(made.dirs)}",
        f"- Files: {len(made.files)}",
        "",
        "### Created Directories",
        *(f"- `{d}`" for d in made.dirs),
        "",
        "### Created Files",
        *(f"- `{f}`" for f in made.files),
    ]
    return "\n".join(lines) + "\n"


ticket_group.add_command(hidden_alias(create_cmd, "create-ticket"))


def _list_row(summary: Any) -> dict[str, Any]:

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


def _ticket_row(t: Any) -> dict[str, Any]:
    """What ``ticket list`` shows of one ``TicketRow``."""
    return {
        "ticket": t.id,
        "title": t.title,
        "status": t.status,
        "topics": ", ".join(t.topics),
        "tasks_open": t.tasks_open,
        "tasks_done": t.tasks_done,
        "path": t.rel_dir,
        "last_updated": index_store.key_minute(t.last_updated),
    }


@ticket_group.command("list")
@common_options
@ticket_option(required=False, help_text="Only this ticket (forgiving: prefix, folder name).")
@click.option("--status", default="", help="Only tickets with this status.")
@limit_option
@pager_option
@output_options
@template_options("ticket list")
def list_cmd(ticket: str, status: str, limit: int | None, output: str | None, glaze: bool) -> None:
    """List tickets, most recently updated first, with task counts.

    \b
    Example:
      docmgr ticket list
      docmgr ticket list --status active --output json
      docmgr ticket list --ticket VM-004
      docmgr ticket list --limit 10 --no-pager
    """

    ws = app().workspace()
    only = ""
    if ticket:
        from docmgr.store import lookup

        only = lookup.resolve_ticket(ws, ticket).id
    # straight from the index's SQL
    found, skipped = index_store.ticket_listing(ws, ticket=only, status=status)
    report_skipped(ws, skipped, structured=bool(output or glaze))
    from docmgr.cli.output import Rows

    rows = Rows(found, _ticket_row)  # each row made as it is written

    shown = rows[:limit]

    def human() -> str:
        if not shown:
            return "No tickets found."
        out = [f"## Tickets ({count_label(shown, rows)})", ""]
        for r in shown:
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

    emit(rows, output, glaze, human, banner=True, limit=limit, paged=True)
    render_verb_template("ticket list", shown, structured=bool(output or glaze))


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

    ref = ticket or ticket_ref
    if not ref:
        raise UsageProblem(
            "specify a ticket", "docmgr ticket show --ticket <ID> (or a positional reference)"
        )
    from docmgr.reports import summary
    from docmgr.store import lookup

    ws = app().workspace()
    docs = index_store.load_docs(ws)
    found = lookup.resolve_ticket(ws, ref, docs=docs)
    shown = summary.summarize(ws, found, docs)
    prefix = found.rel_dir + "/" if found.rel_dir != "." else ""
    doc_rows = [(d.rel[len(prefix) :], d.meta.doc_type if d.meta else "") for d in shown.docs]
    row = _list_row(shown)
    row["docs"] = [rel for rel, _ in doc_rows]
    row["changelog_head"] = shown.changelog_head

    def human() -> str:
        lines = [
            f"{found.id} — {found.title}",
            f"status: {found.status}  topics: {', '.join(found.topics) or '—'}  "
            f"updated: {utc_minute(found.last_updated)}",
            f"path: {found.rel_dir}",
            f"tasks: {shown.tasks_open} open / {shown.tasks_done} done",
            f"docs ({len(doc_rows)}):",
        ]
        lines += [f"  - {rel} ({kind})" for rel, kind in doc_rows]
        if shown.changelog_head:
            lines.append(f"changelog: {shown.changelog_head}")
        return "\n".join(lines)

    emit([row], output, glaze, human, banner=True)


@ticket_group.command("close")
@common_options
@ticket_option()
@click.option("--status", default="complete", show_default=True, help="Status to set.")
@click.option("--intent", default="", help="Intent to set (unchanged when empty).")
@click.option(
    "--changelog-entry", default="Ticket closed", show_default=True, help="Changelog entry text."
)
@output_options
def close_cmd(
    ticket: str, status: str, intent: str, changelog_entry: str, output: str | None, glaze: bool
) -> None:
    """Close a ticket: set Status (default complete), LastUpdated, and log it in changelog.md.

    Open tasks only produce a warning.

    \b
    Example:
      docmgr ticket close --ticket VM-004 --changelog-entry "Coverage matrix complete"
    """

    from docmgr.ops import ticket as ticket_ops

    ws = app().workspace()
    done = ticket_ops.close(ws, ticket, status=status, intent=intent, entry=changelog_entry)
    structured = bool(output or glaze)
    if done.open_tasks and not structured:
        click.echo(
            f"Warning: Not all tasks are done ({done.open_tasks} open, {done.done_tasks} done). "
            "Closing anyway.",
            err=True,
        )
    row = {
        "ticket": done.ticket,
        "all_tasks_done": done.all_tasks_done,
        "open_tasks": done.open_tasks,
        "done_tasks": done.done_tasks,
        "status": done.status,
        "intent": done.intent,
        "operations": {
            "status_updated": True,
            "intent_updated": done.intent_updated,
            "changelog_updated": True,
        },
        "status_updated": True,
        "intent_updated": done.intent_updated,
        "changelog_updated": True,
    }

    def human() -> str:
        changes = [f"Status: {done.old_status or '(none)'} → {done.status}"]
        if done.intent_updated:
            changes.append(f"Intent: {done.old_intent or '(none)'} → {done.intent}")
        changes += ["Changelog updated", "LastUpdated refreshed"]
        return (
            f"Ticket {ticket} closed successfully.\nChanges: {', '.join(changes)}\n"
            f"Changelog: {done.changelog}"
        )

    emit([row], output, glaze, human)


@ticket_group.command("rename")
@common_options
@ticket_option()
@click.option("--new-ticket", required=True, help="The new ticket id.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@output_options
def rename_cmd(
    ticket: str, new_ticket: str, dry_run: bool, output: str | None, glaze: bool
) -> None:
    """Rename a ticket: new id in every doc's Ticket field, folder renamed to match.

    The target folder is checked first: on a clash nothing is changed.

    \b
    Example:
      docmgr ticket rename --ticket VM-004 --new-ticket VM-005 --dry-run
    """

    from docmgr.ops import ticket as ticket_ops

    ws = app().workspace()
    done = ticket_ops.rename(ws, ticket, new_ticket=new_ticket, dry_run=dry_run)
    row: dict[str, Any] = {
        "ticket_old": done.old,
        "ticket_new": done.new,
        "from": str(done.source),
        "to": str(done.dest),
    }
    if not dry_run:
        row["updated_docs"] = [str(p) for p in done.updated_docs]
    row["status"] = "dry-run" if dry_run else "renamed"
    if not dry_run:
        row["time"] = format_rfc3339(ws.clock.now())

    def human() -> str:
        if dry_run:
            return f"Would rename ticket {done.old} -> {done.new}: {done.source} -> {done.dest}"
        count = len(done.updated_docs)
        return f"renamed {done.old} -> {done.new} ({count} docs updated) at {done.dest}"

    emit([row], output, glaze, human)


@ticket_group.command("move")
@common_options
@ticket_option()
@click.option(
    "--path-template",
    default="",
    help="Folder template (default {{YYYY}}/{{MM}}/{{DD}}/{{TICKET}}--{{SLUG}}).",
)
@click.option("--overwrite", is_flag=True, help="Replace an existing empty destination folder.")
@output_options
def move_cmd(
    ticket: str, path_template: str, overwrite: bool, output: str | None, glaze: bool
) -> None:
    """Move a ticket's folder to where the path template puts it today.

    \b
    Example:
      docmgr ticket move --ticket VM-004 --path-template "archive/{{TICKET}}--{{SLUG}}"
    """

    from docmgr.ops import ticket as ticket_ops

    ws = app().workspace()
    done = ticket_ops.move(ws, ticket, path_template=path_template, overwrite=overwrite)
    row = {
        "ticket": done.ticket,
        "source_path": str(done.source),
        "dest_path": str(done.dest),
        "status": "moved",
        "time": format_rfc3339(done.time),
    }
    emit(
        [row],
        output,
        glaze,
        lambda: f"moved {done.ticket}: {ws.display(done.source)} -> {ws.display(done.dest)}",
    )


@ticket_group.command("graph")
@common_options
@ticket_option()
@click.option("--format", "fmt", default="markdown", show_default=True, help="markdown | mermaid")
@click.option("--direction", default="TD", show_default=True, help="TD | LR")
@click.option("--label", default="both", show_default=True, help="title | path | both")
@click.option("--edge-notes", "edge_notes", default="short", show_default=True, help="none | short")
@click.option("--include-control-docs/--no-include-control-docs", "include_control", default=True)
@click.option("--include-archived", is_flag=True)
@click.option("--include-scripts-path", "include_scripts", is_flag=True)
@click.option(
    "--depth",
    default=0,
    show_default=True,
    type=int,
    help="Rounds of reverse lookup: docs anywhere relating the graph's files (needs --scope repo).",
)
@click.option("--scope", default="ticket", show_default=True, help="ticket | repo")
@click.option(
    "--expand-files/--no-expand-files",
    "expand_files",
    default=False,
    help="Docs found by --depth bring all their files, and the next round follows them.",
)
@click.option("--max-nodes", "max_nodes", default=500, show_default=True, type=int)
@click.option("--max-edges", "max_edges", default=2000, show_default=True, type=int)
@click.option(
    "--batch-size",
    "batch_size",
    default=50,
    show_default=True,
    type=int,
    help="Accepted for compatibility (the Go tool's query batch).",
)
@output_options
def graph_cmd(
    ticket: str,
    fmt: str,
    direction: str,
    label: str,
    edge_notes: str,
    include_control: bool,
    include_archived: bool,
    include_scripts: bool,
    depth: int,
    scope: str,
    expand_files: bool,
    max_nodes: int,
    max_edges: int,
    batch_size: int,
    output: str | None,
    glaze: bool,
) -> None:
    """Draw a ticket's documents and the files they relate as a Mermaid graph.

    With --scope repo --depth N, N rounds of reverse lookup add the docs of any ticket that
    relate the graph's files (with --expand-files, all their files too, followed in the next
    round); --max-nodes and --max-edges stop a graph that grows too large.

    \b
    Example:
      docmgr ticket graph --ticket MEN-4242 --direction LR
      docmgr ticket graph --ticket MEN-4242 --scope repo --depth 2 --expand-files
    """

    from docmgr.reports import graph

    ws = app().workspace()
    g = graph.build(
        ws,
        ticket=ticket,
        include_control_docs=include_control,
        include_archived=include_archived,
        include_scripts=include_scripts,
        depth=depth,
        scope=scope,
        expand_files=expand_files,
        limits=graph.Limits(max_nodes=max_nodes, max_edges=max_edges, batch_size=batch_size),
    )
    text = graph.render(g, fmt=fmt, direction=direction, label=label, edge_notes=edge_notes)
    emit([e.row() for e in g.edges], output, glaze, lambda: text)


ticket_group.add_command(hidden_alias(rename_cmd, "rename-ticket"))

COMMANDS = (ticket_group,)
ALIASES = ((create_cmd, "create-ticket"),)
LISTED_AS = (list_cmd, "tickets")
