"""``changelog update``, ``meta update``, ``import file`` and the ticket/doc edit verbs."""

from __future__ import annotations

import click


@click.group("changelog")
def changelog_group() -> None:
    """Append entries to a ticket's changelog.md."""


@click.group("meta")
def meta_group() -> None:
    """Change front-matter fields of documents."""


@click.group("import")
def import_group() -> None:
    """Import outside files into a ticket."""
