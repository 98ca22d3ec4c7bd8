"""changelog update: append dated entries to a ticket's changelog.md."""

from __future__ import annotations

import click

from docmgr.cli._common import (
    app,
    common_options,
    emit,
    output_options,
    split_list,
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
@click.option("--suggest", is_flag=True, help="List files worth noting (git, docs, content).")
@click.option(
    "--apply-suggestions",
    "apply_suggestions",
    is_flag=True,
    help="With --suggest: list them under 'Related Files' of the entry.",
)
@click.option("--query", default="", help="With --suggest: code files containing this word.")
@click.option(
    "--topics", multiple=True, help="With --suggest: only docs with these topics; else a word."
)
@output_options
def changelog_update_cmd(
    ticket: str,
    changelog_file: str,
    entry: str,
    title: str,
    file_notes: tuple[str, ...],
    suggest: bool,
    apply_suggestions: bool,
    query: str,
    topics: tuple[str, ...],
    output: str | None,
    glaze: bool,
) -> None:
    """Append a dated entry to the ticket's changelog.md (safe with concurrent writers).

    \b
    Example:
      docmgr changelog update --ticket VM-004 --title "Exec coverage" \\
          --entry "Added e2e tests for /v1/exec" --file-note "tests/exec_test.go:new suite"
      docmgr changelog update --ticket VM-004 --suggest
      docmgr changelog update --ticket VM-004 --entry "Exec suite" --suggest --apply-suggestions

    \b
    --suggest alone lists the files worth noting ('suggested: <file> (<reasons>)'): files of
    the ticket's docs, of the last 30 commits, of the working tree, and code files containing
    --query (or the first topic). With --apply-suggestions they are listed under the entry's
    'Related Files', the reasons as notes.
    """

    ws = app().workspace()
    notes = related_format.parse_file_notes(file_notes)
    path = changelog.locate(ws, ticket=ticket, changelog_file=changelog_file)
    if suggest:
        from docmgr.reports import relate_suggestions  # git only when asked

        found = relate_suggestions.suggest(
            ws, ticket_dir=path.parent, query=query, topics=split_list(topics)
        )
        if not apply_suggestions and not notes:
            emit(
                [s.row() for s in found],
                output,
                glaze,
                lambda: "\n".join(f"suggested: {s.file} ({s.note})" for s in found),
            )
            return
        if apply_suggestions:
            notes += [(s.file, s.note) for s in found]
    elif apply_suggestions:
        raise click.UsageError("--apply-suggestions needs --suggest")
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
