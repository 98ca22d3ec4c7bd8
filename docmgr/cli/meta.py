"""meta update: change front-matter fields of documents."""

from __future__ import annotations

from typing import Any

import click

from docmgr.cli._common import (
    app,
    common_options,
    emit,
    output_options,
    ticket_option,
)
from docmgr.errors import DocmgrError
from docmgr.ops import meta


@click.group("meta")
def meta_group() -> None:
    """Change front-matter fields of documents."""


@meta_group.command("update")
@common_options
@click.option("--doc", default="", help="Document to update (path or unique suffix).")
@ticket_option(required=False, help_text="Update this ticket's index.md (or its --doc-type docs).")
@click.option("--doc-type", "doc_type", default="", help="With --ticket: every doc of this type.")
@click.option(
    "--field",
    required=True,
    help="Title, Ticket, Status, DocType, Intent, Summary, Topics, "
    "Owners, ExternalSources or RelatedFiles.",
)
@click.option("--value", required=True, help="New value (lists: comma-separated).")
@output_options
def meta_update_cmd(
    doc: str, ticket: str, doc_type: str, field: str, value: str, output: str | None, glaze: bool
) -> None:
    """Set one front-matter field (and LastUpdated); every other byte stays as it was.

    \b
    Example:
      docmgr meta update --ticket VM-004 --field Status --value review
      docmgr meta update --ticket VM-004 --doc-type design-doc \\
          --field Topics --value backend,testing
    """

    ws = app().workspace()
    meta.canonical_field(field)
    results = meta.update(
        ws, meta.targets(ws, doc=doc, ticket=ticket, doc_type=doc_type), field=field, value=value
    )
    rows: list[dict[str, Any]] = []
    for r in results:
        if r.ok:
            rows.append(
                {"doc": str(r.doc), "field": r.field, "value": r.value, "status": "updated"}
            )
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
        first = failed[0]
        what = f"metadata update failed for {len(failed)} document(s); first: {first.error}"
        hint = first.failure.hint if first.failure is not None else ""
        raise DocmgrError(what, hint or "check that the file is readable and writable")


COMMANDS = (meta_group,)
