"""index refresh | rebuild | info: the persistent search index."""

from __future__ import annotations

import click

from docmgr.cli._common import app, common_options, emit, output_options
from docmgr.store import index as index_store


@click.group("index")
def index_group() -> None:
    """Inspect or rebuild the persistent search index (a cache outside the repository)."""


@index_group.command("refresh")
@common_options
@output_options
def index_refresh_cmd(output: str | None, glaze: bool) -> None:
    """Bring the index up to date with the files (every read verb does this first).

    \b
    Example:
      docmgr index refresh
    """

    ws = app().workspace()
    info = index_store.refreshed_info(ws)
    emit(
        [info],
        output,
        glaze,
        lambda: (
            f"index {info['path']}: {info['docs']} docs "
            f"(re-parsed {info['last_refresh']['parsed']})"
        ),
    )


@index_group.command("rebuild")
@common_options
@output_options
def index_rebuild_cmd(output: str | None, glaze: bool) -> None:
    """Throw the index away and build it again from the files.

    \b
    Example:
      docmgr index rebuild
    """

    ws = app().workspace()
    stats = index_store.rebuild(ws)
    row = {"path": str(index_store.cache_path(ws)), "parsed": stats.parsed, "status": "rebuilt"}
    emit([row], output, glaze, lambda: f"rebuilt {row['path']} ({stats.parsed} docs)")


@index_group.command("info")
@common_options
@output_options
def index_info_cmd(output: str | None, glaze: bool) -> None:
    """Show where the index lives and what it holds.

    \b
    Example:
      docmgr index info --output json
    """

    ws = app().workspace()
    info = index_store.refreshed_info(ws)
    emit([info], output, glaze, lambda: "\n".join(f"{k}: {v}" for k, v in info.items()))


COMMANDS = (index_group,)
