"""``changelog update``, ``meta update``, ``import file`` and the ticket/doc edit verbs."""

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
from docmgr.cli.doc import doc_group
from docmgr.cli.ticket import ticket_group


@click.group("changelog")
def changelog_group() -> None:
    """Append entries to a ticket's changelog.md."""


@click.group("meta")
def meta_group() -> None:
    """Change front-matter fields of documents."""


@click.group("import")
def import_group() -> None:
    """Import outside files into a ticket."""


# --------------------------------------------------------------------------- doc relate


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
@output_options
def relate_cmd(
    ticket: str,
    doc: str,
    file_notes: tuple[str, ...],
    remove_files: tuple[str, ...],
    output: str | None,
    glaze: bool,
) -> None:
    """Relate code files to a document (RelatedFiles), each with a note saying why.

    Paths are stored anchored (repo://, ws://, docs://, abs://); relating the same file
    again merges the note; LastUpdated is not changed.

    \b
    Example:
      docmgr doc relate --ticket VM-004 \\
          --file-note "pkg/daemon/api.go:HTTP handlers under test" \\
          --remove-files pkg/old.go
    """
    from docmgr.formats import related as related_format
    from docmgr.ops import relate

    ws = app().workspace()
    notes = related_format.parse_file_notes(file_notes)
    target = relate.target_doc(ws, doc=doc, ticket=ticket)
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


# --------------------------------------------------------------------------- changelog update


@changelog_group.command("update")
@common_options
@ticket_option(required=False)
@click.option(
    "--changelog-file", default="", help="Explicit changelog.md path (overrides --ticket)."
)
@click.option("--entry", default="", help="Entry text (required).")
@click.option("--title", default="", help="Heading title: '## <date> - <title>'.")
@click.option(
    "--file-note",
    "file_notes",
    multiple=True,
    help="'path:note' listed under 'Related Files' (path written as given); repeatable.",
)
@output_options
def changelog_update_cmd(
    ticket: str,
    changelog_file: str,
    entry: str,
    title: str,
    file_notes: tuple[str, ...],
    output: str | None,
    glaze: bool,
) -> None:
    """Append a dated entry to the ticket's changelog.md (safe with concurrent writers).

    \b
    Example:
      docmgr changelog update --ticket VM-004 --title "Exec coverage" \\
          --entry "Added e2e tests for /v1/exec" --file-note "tests/exec_test.go:new suite"
    """
    from docmgr.formats import related as related_format
    from docmgr.ops import changelog

    ws = app().workspace()
    notes = related_format.parse_file_notes(file_notes)
    path = changelog.locate(ws, ticket=ticket, changelog_file=changelog_file)
    done = changelog.update(ws, path, entry=entry, title=title, file_notes=notes)
    row = {
        "file": str(done.path),
        "status": "updated",
        "date": done.date,
        "files_count": done.files_count,
    }

    def human() -> str:
        line = f"changelog updated: {ws.display(done.path)}"
        if app().verbose:
            line += "\nReminder: relate changed files to the ticket with 'docmgr doc relate'."
        return line

    emit([row], output, glaze, human)


# --------------------------------------------------------------------------- meta update


@meta_group.command("update")
@common_options
@click.option("--doc", default="", help="Document to update (path or unique suffix).")
@ticket_option(required=False, help_text="Update this ticket's index.md (or its --doc-type docs).")
@click.option("--doc-type", "doc_type", default="", help="With --ticket: every doc of this type.")
@click.option(
    "--field",
    required=True,
    help="Title, Ticket, Status, DocType, Intent, Summary, Topics, "
    "Owners, ExternalSources or RelatedFiles.",
)
@click.option("--value", required=True, help="New value (lists: comma-separated).")
@output_options
def meta_update_cmd(
    doc: str, ticket: str, doc_type: str, field: str, value: str, output: str | None, glaze: bool
) -> None:
    """Set one front-matter field (and LastUpdated); every other byte stays as it was.

    \b
    Example:
      docmgr meta update --ticket VM-004 --field Status --value review
      docmgr meta update --ticket VM-004 --doc-type design-doc \\
          --field Topics --value backend,testing
    """
    from docmgr.errors import DocmgrError
    from docmgr.ops import meta

    ws = app().workspace()
    meta.canonical_field(field)
    results = meta.update(
        ws, meta.targets(ws, doc=doc, ticket=ticket, doc_type=doc_type), field=field, value=value
    )
    rows: list[dict[str, Any]] = []
    for r in results:
        if r.ok:
            rows.append(
                {"doc": str(r.doc), "field": r.field, "value": r.value, "status": "updated"}
            )
        else:
            rows.append({"doc": str(r.doc), "field": r.field, "status": "error", "error": r.error})

    def human() -> str:
        if len(results) == 1 and results[0].ok:
            return f"updated {results[0].field} in {ws.display(results[0].doc)}"
        lines = ["## Metadata Updates", ""]
        for r in results:
            if r.ok:
                lines.append(f"- `{ws.display(r.doc)}`: {r.field} → {r.value}")
            else:
                lines.append(f"- `{ws.display(r.doc)}`: error updating {r.field} ({r.error})")
        return "\n".join(lines)

    emit(rows, output, glaze, human)
    failed = [r for r in results if not r.ok]
    if failed:
        raise DocmgrError(
            f"metadata update failed for {len(failed)} document(s)",
            f"first: {ws.display(failed[0].doc)}: {failed[0].error}",
        )


# ----------------------------------------------------------------- ticket close/rename/move


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
        from docmgr.seams.clock import format_rfc3339

        row["time"] = format_rfc3339(ws.clock.now())

    def human() -> str:
        if dry_run:
            return f"Would rename ticket {done.old} -> {done.new}: {done.source} -> {done.dest}"
        count = len(done.updated_docs)
        return f"renamed {done.old} -> {done.new} ({count} docs updated) at {done.dest}"

    emit([row], output, glaze, human)


ticket_group.add_command(hidden_alias(rename_cmd, "rename-ticket"))


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
    from docmgr.seams.clock import format_rfc3339

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


# ----------------------------------------------------------------- doc move/renumber/layout-fix


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


# --------------------------------------------------------------------------- import file


@import_group.command("file")
@common_options
@ticket_option()
@click.option("--file", "file", required=True, help="File to import.")
@click.option("--name", default="", help="Destination name (the original extension is kept).")
@output_options
def import_file_cmd(ticket: str, file: str, name: str, output: str | None, glaze: bool) -> None:
    """Copy a file into <ticket>/sources/local/ and record it in .meta/sources.yaml and the index.

    \b
    Example:
      docmgr import file --ticket VM-004 --file ~/Downloads/spec.pdf --name daemon-spec
    """
    from docmgr.ops import importer

    ws = app().workspace()
    done = importer.import_file(ws, ticket, file=file, name=name)
    row = {
        "ticket": done.ticket,
        "source_file": done.source,
        "destination": str(done.dest),
        "type": "local",
        "status": "imported",
    }

    def human() -> str:
        lines = [
            f"File imported into {ws.display(done.dest.parent)}",
            f"- Source: {done.source}",
            f"- Destination: {done.dest}",
            f"- Metadata: {ws.display(done.sources_yaml)}",
        ]
        if done.index_updated:
            lines.append(f"- Index updated: {ws.display(done.index)}")
        return "\n".join(lines)

    emit([row], output, glaze, human)


def register_aliases(root: click.Group) -> None:
    """Register the Nov-2025 top-level spellings as hidden aliases (spec §1.1 allows them)."""
    for command, name in (
        (relate_cmd, "relate"),
        (renumber_cmd, "renumber"),
        (layout_fix_cmd, "layout-fix"),
    ):
        if name not in root.commands:
            root.add_command(hidden_alias(command, name))
