"""status: tickets, document counts and stale tickets at a glance."""

from __future__ import annotations

from typing import Any

import click

from docmgr.cli._common import app, common_options, emit, output_options, ticket_option
from docmgr.cli._template_flags import render_verb_template, template_options
from docmgr.reports import status


@click.command("status")
@common_options
@ticket_option(required=False, help_text="Only this ticket (forgiving: prefix, folder name).")
@click.option(
    "--stale-after",
    "stale_after",
    default=30,
    show_default=True,
    type=int,
    help="Days since LastUpdated before a ticket counts as stale.",
)
@click.option("--summary-only", "summary_only", is_flag=True, help="Only the summary line.")
@output_options
@template_options("status")
def status_cmd(
    ticket: str, stale_after: int, summary_only: bool, output: str | None, glaze: bool
) -> None:
    """Summarise the workspace: tickets, doc counts, stale tickets.

    \b
    Example:
      docmgr status
      docmgr status --summary-only --output json
    """

    ws = app().workspace()
    result = status.status(ws, ticket=ticket, stale_after=stale_after)
    rows: list[dict[str, Any]] = [] if summary_only else [t.row() for t in result.tickets]
    rows += [{"level": "warning", "message": w, "root": str(result.root)} for w in result.warnings]
    rows.append(result.summary_row())
    for warning in result.warnings if not (output or glaze) else []:
        click.echo(f"Warning: {warning}", err=True)
    emit(rows, output, glaze, lambda: status.render(result, summary_only=summary_only))
    data = {"summary": result.summary_row(), "tickets": [t.row() for t in result.tickets]}
    render_verb_template("status", data, structured=bool(output or glaze))


COMMANDS = (status_cmd,)
WORKSPACE_VERBS = (status_cmd,)
