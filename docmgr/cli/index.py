"""index refresh | rebuild | info | watch: the persistent search index."""

from __future__ import annotations

import sys
from typing import Any

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

    The build commits every 4,000 documents: if it is interrupted (Ctrl-C, a kill), the next
    command goes on where it stopped. Commands started meanwhile wait for the build.

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
    emit([info], output, glaze, lambda: info_text(info))


def info_text(info: dict[str, Any]) -> str:
    """``index info`` for people: one aligned ``key: value`` line per fact."""
    refresh = info["last_refresh"]
    how = "full scan" if refresh["full"] else "incremental"
    lines = [
        ("path", info["path"]),
        ("root", info["root"]),
        ("docs", info["docs"]),
        ("parse errors", info["parse_errors"]),
        ("folders", info["folders"]),
        ("version", info["version"]),
        ("size", f"{info['size_bytes']} bytes"),
        (
            "last refresh",
            f"{how}: {refresh['parsed']} parsed, {refresh['removed']} removed, "
            f"{refresh['rescanned_dirs']} folders rescanned",
        ),
        ("mode", f"{info['mode']} (generation {info['generation']})"),
        ("watcher", _watcher_text(info["watcher"])),
    ]
    width = max(len(key) for key, _ in lines) + 1
    return "\n".join(f"{key + ':':<{width}} {value}" for key, value in lines)


def _watcher_text(watcher: dict[str, Any]) -> str:
    if not watcher["alive"]:
        return "none (start one: docmgr index watch --detach)"
    return (
        f"alive (pid {watcher['pid']}, generation {watcher['generation']}, "
        f"last heard {watcher['heartbeat_age_s']:.1f} s ago)"
    )


@index_group.command("watch")
@common_options
@click.option(
    "--detach",
    is_flag=True,
    help="Run in the background; pid file and log go next to the index in the cache folder.",
)
@output_options
def index_watch_cmd(detach: bool, output: str | None, glaze: bool) -> None:
    """Keep the index true as files change, so commands skip the freshness check.

    A long-lived watcher (inotify on Linux, FSEvents on macOS) applies every change to the
    index and keeps a generation stamp that each command reads instead of stat-ing every
    file. Without a live watcher, commands fall back to the full check. Stop it with
    SIGTERM or Ctrl-C; a second watcher on the same root is refused.

    \b
    Example:
      docmgr index watch
      docmgr index watch --detach && docmgr index info --output json
    """

    ws = app().workspace()
    if detach:
        pid, log = index_store.watch_detached(ws)
        row = {"pid": pid, "log": str(log), "status": "started"}
        emit([row], output, glaze, lambda: f"watcher started (pid {pid}); log: {log}")
        return

    def ready(generation: int) -> None:
        click.echo(f"watching {ws.root} (generation {generation})")
        sys.stdout.flush()

    def batch(rels: list[str], generation: int) -> None:
        click.echo(f"applied {len(rels)} changed path(s) (generation {generation})")
        sys.stdout.flush()

    index_store.watch(ws, on_ready=ready, on_batch=batch)


COMMANDS = (index_group,)
