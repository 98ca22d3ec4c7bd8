"""``search``, ``doctor``, ``status``, ``validate``, ``export-sqlite``, ``ignore`` and ``ticket graph``."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    """Attach the read-side verbs to the root group (and their aliases)."""
