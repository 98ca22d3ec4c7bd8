"""api serve: the Go tool's HTTP API under /api/v1 and a web UI for auditors."""

from __future__ import annotations

import os
import sys

import click

from docmgr.cli._common import app, common_options, emit, output_options
from docmgr.errors import DocmgrError
from docmgr.web.guard import is_loopback
from docmgr.web.state import WebState


def parse_addr(addr: str) -> tuple[str, int]:
    """``host:port``, ``[v6]:port`` or ``:port`` (an empty host means 127.0.0.1)."""
    text = addr.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
    else:
        host, sep, port_text = text.rpartition(":")
        if not sep:
            raise click.BadParameter(f"{addr!r} is not host:port", param_hint="--addr")
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise click.BadParameter(f"{addr!r} has no valid port", param_hint="--addr")
    return host or "127.0.0.1", int(port_text)


@click.group("api")
def api_group() -> None:
    """Serve the HTTP API and the web UI for auditors."""


@api_group.command("serve")
@common_options
@click.option(
    "--addr",
    default="127.0.0.1:8787",
    show_default=True,
    help="host:port to listen on (port 0 picks a free one); other hosts than loopback are "
    "reachable from the network.",
)
@click.option(
    "--cors-origin",
    "cors_origin",
    default="",
    help="Allow this browser origin to call the API (and to write through it).",
)
@click.option(
    "--rev", default="HEAD", show_default=True, help="Revision diary commits are checked against."
)
@output_options
def serve_cmd(addr: str, cors_origin: str, rev: str, output: str | None, glaze: bool) -> None:
    """Serve the Go tool's JSON API under /api/v1 and a web UI at / until Ctrl-C.

    The UI shows tickets, documents, tasks (check and add), changelogs, related files, the
    doctor's findings and each diary step next to the commit it cites, checked against git.
    It reads the same index as the CLI and writes with the same locks; writes from another
    browser origin are refused. SIGINT or SIGTERM stops it (exit 0).

    \b
    Example:
      docmgr api serve
      docmgr api serve --addr 127.0.0.1:0 --root ttmp
    """
    from docmgr.web import server

    host, port = parse_addr(addr)
    ws = app().workspace()
    state = WebState(ws, rev=rev)
    try:
        state.snapshot()  # brings the shared index up to date now, not on the first request
    except DocmgrError as exc:
        raise DocmgrError(f"failed to build index on startup: {exc.message}", exc.hint) from None
    if not is_loopback(host):
        click.echo(
            f"Warning: listening on {host}, not on 127.0.0.1: anyone who can reach this "
            "machine can read the docs (writes still need the server's own origin).",
            err=True,
        )

    def ready(url: str) -> None:
        click.echo(f"docmgr api serve: {url}/ (docs root {ws.root}); Ctrl-C stops", err=True)
        if output or glaze:
            row = {"url": url, "root": str(ws.root), "pid": os.getpid()}
            emit([row], output, glaze, lambda: "")
            sys.stdout.flush()

    try:
        server.serve(state, host=host, port=port, cors_origin=cors_origin, ready=ready)
    except OSError as exc:
        raise DocmgrError(
            f"cannot listen on {addr}: {exc.strerror or exc}",
            "pick another --addr (port 0 picks a free one)",
        ) from None


COMMANDS = (api_group,)
