"""changelog update: append dated entries to a ticket's changelog.md."""

from __future__ import annotations

import click

from docmgr.cli._common import (
    app,
    common_options,
    emit,
    output_options,
    ticket_option,
)
from docmgr.formats import related as related_format
from docmgr.ops import changelog


@click.group("changelog")
def changelog_group() -> None:
    """Append entries to a ticket's changelog.md."""


@changelog_group.command("update")
@common_options
@ticket_option(required=False)
@click.option(
    "--changelog-file",
    default="",
    help="A changelog file inside the docs root (overrides --ticket).",
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


COMMANDS = (changelog_group,)
