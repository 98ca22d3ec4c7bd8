"""import file: copy an outside file into a ticket and record its source."""

from __future__ import annotations

import click

from docmgr.cli._common import (
    app,
    common_options,
    emit,
    output_options,
    ticket_option,
)
from docmgr.ops import importer


@click.group("import")
def import_group() -> None:
    """Import outside files into a ticket."""


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


COMMANDS = (import_group,)
