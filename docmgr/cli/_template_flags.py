"""The read verbs' template flags and hook: ``--print-template-schema`` / ``--schema-format``,
and the render after the human output when the docs root has a template.

Only this small module loads on a read verb's path: the template data and schemas
(``_verb_templates``) load when a schema is asked for or ``<root>/templates`` exists.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def template_options(verb: str) -> Callable[[F], F]:
    """Add ``--print-template-schema`` and ``--schema-format`` (both eager: the schema is
    printed before anything else is parsed, so no required flag or workspace is needed)."""

    def remember(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        ctx.meta[f"docmgr.template.{param.name}"] = value
        wanted = ctx.meta.get("docmgr.template.print_template_schema")
        fmt = ctx.meta.get("docmgr.template.schema_format")
        if wanted and fmt is not None:
            from docmgr.cli._verb_templates import schema_data
            from docmgr.formats import template_schema

            click.echo(template_schema.render(schema_data(verb), fmt), nl=False)
            ctx.exit(0)

    def decorate(func: F) -> F:
        func = click.option(
            "--schema-format",
            "schema_format",
            type=click.Choice(["json", "yaml"]),
            default="json",
            show_default=True,
            is_eager=True,
            expose_value=False,
            callback=remember,
            help="Format of --print-template-schema.",
        )(func)
        func = click.option(
            "--print-template-schema",
            "print_template_schema",
            is_flag=True,
            is_eager=True,
            expose_value=False,
            callback=remember,
            help="Print the schema of this verb's template data and exit.",
        )(func)
        return func

    return decorate


def render_verb_template(verb: str, source: Any, *, structured: bool) -> None:
    """After the human output: render the verb's template if the docs root has one.

    A blank line, then the rendering on stdout; a broken template is a warning on stderr.
    """
    if structured:
        return
    from docmgr.cli._common import app

    obj = app()
    ws = obj.workspace()
    if not os.path.isdir(os.path.join(ws.root_str, "templates")):
        return  # the common case, decided without loading the template machinery
    from docmgr.cli._verb_templates import render

    render(verb, source, ws)
