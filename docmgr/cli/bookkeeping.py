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
