"""Report documents that were skipped because their front matter does not parse."""

from __future__ import annotations

from typing import Any

import click


def report_skipped(ws: Any, skipped: list[Any], *, structured: bool) -> None:
    """One stderr line per skipped doc for scripts; a single summary line for humans."""
    if not skipped:
        return
    if structured or len(skipped) <= 3:
        for doc in skipped:
            where = f"{doc.rel}:{doc.error_line}" if doc.error_line else doc.rel
            click.echo(f"Warning: skipped {where}: {doc.error}", err=True)
        return
    first = skipped[0]
    click.echo(
        f"Warning: skipped {len(skipped)} documents whose front matter does not parse "
        f"(first: {first.rel}: {first.error}) — run 'docmgr doctor' for the list",
        err=True,
    )
