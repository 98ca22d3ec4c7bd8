"""``docmgr task …``: list, add, check, uncheck, edit, remove and migrate tasks."""

from __future__ import annotations

import click


@click.group("task")
def task_group() -> None:
    """Work with a ticket's tasks.md (stable ids, sections)."""
