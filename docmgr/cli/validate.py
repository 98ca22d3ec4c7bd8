"""validate frontmatter: check one document's header and suggest or apply fixes."""

from __future__ import annotations

import click

from docmgr.cli._common import app, common_options, emit, output_options
from docmgr.errors import Command, DocmgrError, Text
from docmgr.reports import validate


@click.group("validate")
def validate_group() -> None:
    """Validate documents."""


@validate_group.command("frontmatter")
@common_options
@click.option("--doc", required=True, help="The document to check (path or unique suffix).")
@click.option(
    "--suggest-fixes", "suggest", is_flag=True, help="Show the repairs that would make it parse."
)
@click.option(
    "--auto-fix", "auto_fix", is_flag=True, help="Apply the repair (original kept as <file>.bak)."
)
@output_options
def validate_frontmatter_cmd(
    doc: str, suggest: bool, auto_fix: bool, output: str | None, glaze: bool
) -> None:
    """Check that a document's front matter parses and has Title, Ticket and DocType.

    \b
    Example:
      docmgr validate frontmatter --doc 2026/01/03/MEN-1--x/design/01-plan.md --suggest-fixes
      docmgr validate frontmatter --doc design/01-plan.md --auto-fix
    """

    ws = app().workspace()
    outcome = validate.validate(ws, doc, auto_fix=auto_fix)
    shown = ws.display(outcome.path)
    if outcome.meta is None:
        err = outcome.error
        if err is not None:
            click.echo(f"File: {shown}", err=True)
            click.echo(f"Line {err.line}: {err.problem}" if err.line else err.problem, err=True)
            if err.snippet:
                click.echo(err.snippet, err=True)
        if suggest and outcome.fix is not None:
            click.echo("Suggested fixes:", err=True)
            for label in outcome.fix.labels:
                click.echo(f"  - {label}", err=True)
        elif suggest:
            click.echo("no auto-fix available", err=True)
        raise DocmgrError(
            f"frontmatter does not parse: {shown}", _repair_hint(outcome, doc, suggest)
        )
    if outcome.fixed:
        click.echo(f"Frontmatter auto-fixed: {shown}", err=True)
    if outcome.missing:
        raise DocmgrError(
            f"schema validation failed: missing required fields: {', '.join(outcome.missing)}",
            f"docmgr meta update --doc {shown} --field {outcome.missing[0]} --value <value>",
        )
    meta = outcome.meta
    row = {
        "doc": str(outcome.path),
        "title": meta.title,
        "ticket": meta.ticket,
        "docType": meta.doc_type,
        "status": "ok",
    }
    emit(
        [row],
        output,
        glaze,
        lambda: f"Frontmatter OK: {shown} (Ticket={meta.ticket} DocType={meta.doc_type})",
    )


def _repair_hint(outcome: validate.Outcome, doc: str, suggested: bool) -> Text:
    """What to run next: see the repair, apply it, or (none exists) the line to fix by hand."""
    if outcome.fix is None:
        line = outcome.error.line if outcome.error is not None else 0
        where = f"line {line} of " if line else ""
        return f"no automatic repair exists: edit {where}the header by hand (shown above)"
    if suggested:
        return ("apply the repair with ", Command("validate frontmatter", doc=doc, auto_fix=True))
    return (
        "see the repair with ",
        Command("validate frontmatter", doc=doc, suggest_fixes=True),
        " (or apply it with --auto-fix)",
    )


COMMANDS = (validate_group,)
