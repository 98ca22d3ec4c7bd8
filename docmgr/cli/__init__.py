"""The ``docmgr`` command: root options and the (lazy) registration of every verb group.

Start-up time is docmgr's user experience (agents call it dozens of times per task), so the
root group imports a verb module only when that verb runs: ``docmgr --help`` lists the verbs
from the summaries below and imports none of them, ``docmgr task add`` imports only the task
verbs. ``tests/test_cli_lazy.py`` checks that these summaries match the real commands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from docmgr import __version__
from docmgr.cli._common import DocmgrGroup, common_options, hidden_alias

# name -> the loaders that register it (some groups get verbs from several modules)
_SOURCES: dict[str, tuple[str, ...]] = {
    "init": ("workspace",),
    "configure": ("workspace",),
    "config": ("workspace",),
    "vocab": ("workspace",),
    "workspace": ("workspace", "inspect"),
    "ticket": ("ticket", "bookkeeping", "inspect"),
    "create-ticket": ("ticket",),
    "doc": ("doc", "bookkeeping", "inspect"),
    "add": ("doc",),
    "guidelines": ("doc",),
    "list": ("list",),
    "task": ("task",),
    "tasks": ("task",),
    "changelog": ("bookkeeping",),
    "meta": ("bookkeeping",),
    "import": ("bookkeeping",),
    "relate": ("bookkeeping",),
    "renumber": ("bookkeeping",),
    "layout-fix": ("bookkeeping",),
    "diary": ("diary",),
    "search": ("inspect",),
    "doctor": ("inspect",),
    "status": ("inspect",),
    "validate": ("inspect",),
    "export-sqlite": ("inspect",),
    "ignore": ("inspect",),
    "index": ("inspect",),
}

# what `docmgr --help` lists (visible verbs only): the first paragraph of each verb's help
SUMMARIES: dict[str, str] = {
    "changelog": "Append entries to a ticket's changelog.md.",
    "config": "Inspect how the docs root is found.",
    "configure": "Write .ttmp.yaml at the repository root.",
    "diary": "Create diaries, append numbered steps linked to commits, and audit them.",
    "doc": "Add, list, relate and move documents.",
    "doctor": "Check the workspace: front matter, index files, related files, vocabulary, staleness.",
    "export-sqlite": "Export the workspace index as a standalone SQLite database.",
    "ignore": "Inspect the ignore policy (.docmgrignore).",
    "import": "Import outside files into a ticket.",
    "index": "Inspect or rebuild the persistent search index (a cache outside the repository).",
    "init": "Create the docs root: vocabulary, templates, guidelines, .docmgrignore, .ttmp.yaml.",
    "list": "Aliases: 'list tickets' and 'list docs'.",
    "meta": "Change front-matter fields of documents.",
    "search": "Search documents by text and filters, best matches first, with snippets.",
    "status": "Summarise the workspace: tickets, doc counts, stale tickets.",
    "task": "Work with a ticket's tasks.md (stable ids, sections).",
    "ticket": "Create, list, show and manage tickets.",
    "validate": "Validate documents.",
    "vocab": "List or extend the vocabulary (topics, docTypes, intent, status).",
    "workspace": "Aliases of the workspace-wide verbs (init, configure, …).",
}


class RootGroup(DocmgrGroup):
    """The root group: verbs are imported on first use, ``--help`` lists them from SUMMARIES."""

    _loading = False

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        """Every verb (loads them all: for docs, tests and tools that walk the tree)."""
        if not self._loading:
            load_all()
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self._commands:
            for source in _SOURCES.get(cmd_name, ()):
                _load(source)
        return self._commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self._commands) | set(_SOURCES))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        width = formatter.width - 6 - max(len(name) for name in SUMMARIES)
        rows = [
            (name, click.utils.make_default_short_help(text, width))
            for name, text in sorted(SUMMARIES.items())
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group("docmgr", cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


def _workspace() -> None:
    from docmgr.cli import workspace as m

    for command in (m.init_cmd, m.configure_cmd, m.config_group, m.vocab_group, m.workspace_group):
        cli.add_command(command)


def _ticket() -> None:
    from docmgr.cli import ticket as m

    cli.add_command(m.ticket_group)
    cli.add_command(hidden_alias(m.create_cmd, "create-ticket"))


def _doc() -> None:
    from docmgr.cli import doc as m

    cli.add_command(m.doc_group)
    cli.add_command(hidden_alias(m.add_cmd, "add"))
    cli.add_command(hidden_alias(m.guidelines_cmd, "guidelines"))


def _list() -> None:
    from docmgr.cli import doc, ticket

    group = click.Group("list", help=SUMMARIES["list"])
    group.add_command(hidden_alias(ticket.list_cmd, "tickets"))
    group.add_command(hidden_alias(doc.list_cmd, "docs"))
    for command in group.commands.values():
        command.hidden = False
    cli.add_command(group)


def _task() -> None:
    from docmgr.cli import task as m

    cli.add_command(m.task_group)
    cli.add_command(hidden_alias(m.task_group, "tasks"))


def _bookkeeping() -> None:
    from docmgr.cli import bookkeeping as m

    for command in (m.changelog_group, m.meta_group, m.import_group):
        cli.add_command(command)
    m.register_aliases(cli)


def _diary() -> None:
    from docmgr.cli import diary as m

    cli.add_command(m.diary_group)


def _inspect() -> None:
    from docmgr.cli import inspect as m

    m.register(cli)


_LOADERS: dict[str, Callable[[], None]] = {
    "workspace": _workspace,
    "ticket": _ticket,
    "doc": _doc,
    "list": _list,
    "task": _task,
    "bookkeeping": _bookkeeping,
    "diary": _diary,
    "inspect": _inspect,
}
_done: set[str] = set()


def _load(source: str) -> None:
    if source in _done:
        return
    _done.add(source)
    root: Any = cli
    was = root._loading
    root._loading = True
    try:
        _LOADERS[source]()
    finally:
        root._loading = was


def load_all() -> None:
    """Register every verb (what walking the whole command tree needs)."""
    for source in _LOADERS:
        _load(source)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="docmgr")
