"""Page long human output through a pager on a terminal, the way git does.

Only the CLI prints, so only the CLI pages. The pager is ``DOCMGR_PAGER``, else ``PAGER``,
else ``less -FRX``; an empty value or ``cat`` means no pager. ``LESS=FRX`` is set when
``LESS`` is unset (quit when the text fits one screen, keep colours, leave the screen as it
was). Nothing is paged unless stdout is a terminal, so pipes, files and agents get the
plain text.
"""

from __future__ import annotations

import os
import subprocess
import sys

import click

DEFAULT_PAGER = "less -FRX"


def pager_command() -> str:
    """The configured pager command, or ``""`` when paging is switched off."""
    for name in ("DOCMGR_PAGER", "PAGER"):
        value = os.environ.get(name)
        if value is not None:
            command = value.strip()
            return "" if command == "cat" else command
    return DEFAULT_PAGER


def wants_pager() -> bool:
    """Whether output to stdout would be paged: a terminal and a pager configured."""
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty is not None and isatty()) and bool(pager_command())


def show(text: str) -> None:
    """Print ``text``, through the pager when stdout is a terminal and a pager is set.

    A pager that cannot be started falls back to printing; quitting the pager early (a
    closed pipe) is not an error.
    """
    command = pager_command() if wants_pager() else ""
    if not command:
        click.echo(text, nl=not text.endswith("\n"))
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    sys.stdout.flush()
    try:
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        click.echo(text, nl=not text.endswith("\n"))
        return
    assert proc.stdin is not None
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    data = text if text.endswith("\n") else text + "\n"
    try:
        proc.stdin.write(data.encode(encoding, errors="replace"))
        proc.stdin.close()
    except BrokenPipeError:
        pass
    while True:
        try:
            proc.wait()
            break
        except KeyboardInterrupt:  # like git: Ctrl-C belongs to the pager while it runs
            continue
