"""export-sqlite: the workspace index as a standalone SQLite file."""

from __future__ import annotations

import click

from docmgr.cli._common import app, common_options, emit, output_options
from docmgr.reports import export


@click.command("export-sqlite")
@common_options
@click.option("--out", default="", help="Where to write the SQLite file.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@click.option(
    "--include-body", "include_body", is_flag=True, help="Also store each document's body."
)
@output_options
def export_cmd(out: str, force: bool, include_body: bool, output: str | None, glaze: bool) -> None:
    """Export the workspace index as a standalone SQLite database.

    \b
    Example:
      docmgr export-sqlite --out /tmp/workspace.sqlite --include-body
    """

    ws = app().workspace()
    target = export.export(ws, out, force=force, include_body=include_body)
    row = {"out": str(target), "include_body": include_body, "status": "exported"}
    emit([row], output, glaze, lambda: f"Exported workspace index to {out}")


COMMANDS = (export_cmd,)
WORKSPACE_VERBS = (export_cmd,)
