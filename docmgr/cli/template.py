"""``docmgr template validate``: check the verb output templates under <root>/templates."""

from __future__ import annotations

import click

from docmgr.cli._common import app, common_options, emit, output_options
from docmgr.errors import DocmgrError
from docmgr.store import verb_templates


@click.group("template")
def template_group() -> None:
    """Check the verb output templates under <root>/templates."""


@template_group.command("validate")
@common_options
@click.option(
    "--path",
    default="",
    help="One template (absolute, or relative to the root or to <root>/templates).",
)
@output_options
def validate_cmd(path: str, output: str | None, glaze: bool) -> None:
    """Parse every *.templ under <root>/templates (Go text/template syntax); report errors.

    With --verbose, every template that parses is listed as 'OK: <path>'.

    \b
    Example:
      docmgr template validate
      docmgr template validate --path templates/doctor.templ --verbose
    """

    ws = app().workspace()
    folder, checked = verb_templates.validate(ws.root, path)
    structured = bool(output or glaze)
    rows = [
        {"path": str(c.path), "status": "error" if c.error else "ok", "error": c.error}
        for c in checked
    ]
    if not checked:
        click.echo(f"No templates found in {folder}", err=True)
    bad = [c for c in checked if c.error]
    if not structured:
        for c in bad:
            click.echo(f"ERROR: {c.path}: {c.error}", err=True)

    def human() -> str:
        if not checked:
            return ""
        lines = [f"OK: {c.path}" for c in checked if not c.error] if app().verbose else []
        if not bad:
            lines.append(f"All {len(checked)} template(s) validated successfully")
        return "\n".join(lines)

    emit(rows, output, glaze, human)
    if bad:
        raise DocmgrError(
            f"validation failed: {len(bad)} template(s) had errors",
            "fix the templates listed above (syntax: 'docmgr help skills-and-templates')",
        )


COMMANDS = (template_group,)
