"""The ``docmgr`` command: root options and the registration of every verb group."""

from __future__ import annotations

import click

from docmgr import __version__
from docmgr.cli import bookkeeping as bookkeeping_cli
from docmgr.cli import diary as diary_cli
from docmgr.cli import doc as doc_cli
from docmgr.cli import inspect as inspect_cli
from docmgr.cli import task as task_cli
from docmgr.cli import ticket as ticket_cli
from docmgr.cli import workspace as workspace_cli
from docmgr.cli._common import DocmgrGroup, common_options, hidden_alias


@click.group("docmgr", cls=DocmgrGroup, context_settings={"help_option_names": ["-h", "--help"]})
@common_options
@click.version_option(__version__, prog_name="docmgr")
def cli() -> None:
    """Keep each ticket's paperwork (index, tasks, changelog, diary, design docs) in the repo.

    \b
    Example:
      docmgr init
      docmgr ticket create --ticket ABC-1 --title "Add retries" --topics backend
      docmgr doc add --ticket ABC-1 --doc-type design-doc --title "Retry policy"
      docmgr ticket show ABC-1
    """


def _register() -> None:
    cli.add_command(workspace_cli.init_cmd)
    cli.add_command(workspace_cli.configure_cmd)
    cli.add_command(workspace_cli.config_group)
    cli.add_command(workspace_cli.vocab_group)
    cli.add_command(workspace_cli.workspace_group)
    cli.add_command(ticket_cli.ticket_group)
    cli.add_command(doc_cli.doc_group)
    cli.add_command(task_cli.task_group)
    cli.add_command(hidden_alias(task_cli.task_group, "tasks"))
    cli.add_command(bookkeeping_cli.changelog_group)
    cli.add_command(bookkeeping_cli.meta_group)
    cli.add_command(bookkeeping_cli.import_group)
    cli.add_command(diary_cli.diary_group)
    inspect_cli.register(cli)
    bookkeeping_cli.register_aliases(cli)
    cli.add_command(hidden_alias(ticket_cli.create_cmd, "create-ticket"))
    cli.add_command(hidden_alias(doc_cli.add_cmd, "add"))
    cli.add_command(hidden_alias(doc_cli.guidelines_cmd, "guidelines"))

    list_group = click.Group("list", help="Aliases: 'list tickets' and 'list docs'.")
    list_group.add_command(hidden_alias(ticket_cli.list_cmd, "tickets"))
    list_group.add_command(hidden_alias(doc_cli.list_cmd, "docs"))
    for command in list_group.commands.values():
        command.hidden = False
    cli.add_command(list_group)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="docmgr")
