"""``docmgr diary …``: implementation diaries whose steps are linked to git commits."""

from __future__ import annotations

import click


@click.group("diary")
def diary_group() -> None:
    """Create diaries, append numbered steps linked to commits, and audit them."""
