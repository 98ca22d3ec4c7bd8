"""``docmgr completion bash|zsh|fish``: print the shell completion script."""

from __future__ import annotations

import click

from docmgr.cli._common import common_options, emit, output_options

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@common_options
@click.argument("shell", type=click.Choice(SHELLS))
@output_options
def completion_cmd(shell: str, output: str | None, glaze: bool) -> None:
    """Print the shell completion script for bash, zsh or fish.

    Load it in the current shell, or save it where your shell reads completions. Ticket ids
    and doc types complete with the live values of the workspace.

    \b
    Example:
      docmgr completion zsh > "${fpath[1]}/_docmgr"
      eval "$(docmgr completion bash)"
      docmgr completion fish > ~/.config/fish/completions/docmgr.fish
    """

    from click.shell_completion import get_completion_class

    from docmgr.cli import cli

    completer = get_completion_class(shell)
    assert completer is not None  # SHELLS are click's built-in shells
    script = completer(cli, {}, "docmgr", "_DOCMGR_COMPLETE").source()
    emit([{"shell": shell, "script": script}], output, glaze, lambda: script)


COMMANDS = (completion_cmd,)
