"""``changelog update``, ``meta update``, ``import file`` and the ticket/doc edit verbs."""

from __future__ import annotations

from typing import Any

import click

from docmgr.cli._common import app, common_options, emit, output_options, split_list, ticket_option
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
@click.option("--file-note", "file_notes", multiple=True,
              help="'path:note' (or 'path=note'); repeatable, commas are kept.")
@click.option("--remove-files", multiple=True, help="Paths to remove (comma list or repeated).")
@output_options
def relate_cmd(ticket: str, doc: str, file_notes: tuple[str, ...], remove_files: tuple[str, ...],
               output: str | None, glaze: bool) -> None:
    """Relate code files to a document (RelatedFiles), each with a note saying why.

    Paths are stored anchored (repo://, ws://, docs://, abs://); relating the same file
    again merges the note; LastUpdated is not changed.

    \b
    Example:
      docmgr doc relate --ticket VM-004 \\
          --file-note "pkg/daemon/api.go:HTTP handlers under test" \\
          --remove-files pkg/old.go
    """
    from docmgr import relate

    ws = app().workspace()
    notes = relate.parse_file_notes(file_notes)
    target = relate.target_doc(ws, doc=doc, ticket=ticket)
    result = relate.relate(ws, target, file_notes=notes, remove=split_list(remove_files))
    row: dict[str, Any] = {"doc": str(result.doc), "added": result.added, "updated": result.updated,
                           "removed": result.removed, "total": result.total, "status": result.status}
    if result.reason:
        row["reason"] = result.reason
    row["unchanged"] = result.unchanged

    def human() -> str:
        where = ws.display(result.doc)
        if result.status == "noop":
            line = f"no related file changes for {where} ({result.reason})"
        else:
            line = (f"related {result.changed} file(s) to {where} (added {result.added}, "
                    f"updated {result.updated}, removed {result.removed})")
        if app().verbose and result.unchanged:
            line += "\n- Unchanged (already present with same note): " + ", ".join(result.unchanged)
        return line

    emit([row], output, glaze, human)


# --------------------------------------------------------------------------- changelog update


@changelog_group.command("update")
@common_options
@ticket_option(required=False)
@click.option("--changelog-file", default="", help="Explicit changelog.md path (overrides --ticket).")
@click.option("--entry", default="", help="Entry text (required).")
@click.option("--title", default="", help="Heading title: '## <date> - <title>'.")
@click.option("--file-note", "file_notes", multiple=True,
              help="'path:note' listed under 'Related Files' (path written as given); repeatable.")
@output_options
def changelog_update_cmd(ticket: str, changelog_file: str, entry: str, title: str,
                         file_notes: tuple[str, ...], output: str | None, glaze: bool) -> None:
    """Append a dated entry to the ticket's changelog.md (safe with concurrent writers).

    \b
    Example:
      docmgr changelog update --ticket VM-004 --title "Exec coverage" \\
          --entry "Added e2e tests for /v1/exec" --file-note "tests/exec_test.go:new suite"
    """
    from docmgr import changelog, relate

    ws = app().workspace()
    notes = relate.parse_file_notes(file_notes)
    path = changelog.locate(ws, ticket=ticket, changelog_file=changelog_file)
    done = changelog.update(ws, path, entry=entry, title=title, file_notes=notes)
    row = {"file": str(done.path), "status": "updated", "date": done.date, "files_count": done.files_count}

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
@click.option("--field", required=True, help="Title, Ticket, Status, DocType, Intent, Summary, Topics, "
                                             "Owners, ExternalSources or RelatedFiles.")
@click.option("--value", required=True, help="New value (lists: comma-separated).")
@output_options
def meta_update_cmd(doc: str, ticket: str, doc_type: str, field: str, value: str,
                    output: str | None, glaze: bool) -> None:
    """Set one front-matter field (and LastUpdated); every other byte stays as it was.

    \b
    Example:
      docmgr meta update --ticket VM-004 --field Status --value review
      docmgr meta update --ticket VM-004 --doc-type design-doc --field Topics --value backend,testing
    """
    from docmgr import meta
    from docmgr.errors import DocmgrError

    ws = app().workspace()
    meta.canonical_field(field)
    results = meta.update(ws, meta.targets(ws, doc=doc, ticket=ticket, doc_type=doc_type),
                          field=field, value=value)
    rows: list[dict[str, Any]] = []
    for r in results:
        if r.ok:
            rows.append({"doc": str(r.doc), "field": r.field, "value": r.value, "status": "updated"})
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
        raise DocmgrError(f"metadata update failed for {len(failed)} document(s)",
                          f"first: {ws.display(failed[0].doc)}: {failed[0].error}")
