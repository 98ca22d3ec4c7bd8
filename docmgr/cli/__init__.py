"""The ``docmgr`` command: root options and the (lazy) registration of every verb group.

Start-up time is docmgr's user experience (agents call it dozens of times per task), so the
root group imports a verb module only when that verb runs: ``docmgr --help`` lists the verbs
from the summaries below and imports none of them, ``docmgr task add`` imports only the task
verbs. ``tests/test_cli_lazy.py`` checks that these summaries match the real commands.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from docmgr import __version__
from docmgr.cli._common import (
    DocmgrGroup,
    attach_completions,
    common_options,
    hidden_alias,
    set_no_cache,
    set_no_pager,
)

# verb name -> the cli modules that register it (one module per verb group; `workspace`
# only gathers hidden aliases of verbs that live in other modules)
_SOURCES: dict[str, tuple[str, ...]] = {
    "init": ("workspace",),
    "configure": ("workspace",),
    "config": ("workspace",),
    "vocab": ("workspace",),
    "workspace": ("workspace", "status", "doctor", "export"),
    "ticket": ("ticket",),
    "create-ticket": ("ticket",),
    "doc": ("doc",),
    "add": ("doc",),
    "guidelines": ("doc",),
    "relate": ("doc",),
    "renumber": ("doc",),
    "layout-fix": ("doc",),
    "list": ("ticket", "doc"),
    "task": ("task",),
    "tasks": ("task",),
    "changelog": ("changelog",),
    "meta": ("meta",),
    "import": ("importer",),
    "diary": ("diary",),
    "search": ("search",),
    "doctor": ("doctor",),
    "status": ("status",),
    "validate": ("validate",),
    "export-sqlite": ("export",),
    "ignore": ("ignore",),
    "index": ("index",),
    "api": ("api",),
    "site": ("site",),
    "skill": ("skill",),
    "template": ("template",),
    "completion": ("completion",),
    "help": ("help",),
    "hooks": ("hooks",),
    "merge-driver": ("hooks",),
}

# what `docmgr --help` lists (visible verbs only): the first paragraph of each verb's help
SUMMARIES: dict[str, str] = {
    "api": "Serve the HTTP API and the web UI for auditors.",
    "changelog": "Append entries to a ticket's changelog.md.",
    "completion": "Print the shell completion script for bash, zsh or fish.",
    "config": "Inspect how the docs root is found.",
    "configure": "Write .ttmp.yaml at the repository root.",
    "diary": "Create diaries, append numbered steps linked to commits, and audit them.",
    "doc": "Add, list, relate and move documents.",
    "doctor": (
        "Check the workspace: front matter, index files, related files, vocabulary, staleness."
    ),
    "export-sqlite": "Export the workspace index as a standalone SQLite database.",
    "help": "Print a page of docmgr's manual; without a topic, list the topics.",
    "hooks": "Install git hooks that keep the docs true to history (post-rewrite, merge driver).",
    "ignore": "Inspect the ignore policy (.docmgrignore).",
    "import": "Import outside files into a ticket.",
    "index": "Inspect or rebuild the persistent search index (a cache outside the repository).",
    "init": "Create the docs root: vocabulary, templates, guidelines, .docmgrignore, .ttmp.yaml.",
    "list": "Aliases: 'list tickets' and 'list docs'.",
    "meta": "Change front-matter fields of documents.",
    "search": "Search documents by text and filters, best matches first, with snippets.",
    "skill": "List, show, export and import skills (skill.yaml plans for coding agents).",
    "site": "Build a static HTML site of the workspace for auditors.",
    "status": "Summarise the workspace: tickets, doc counts, stale tickets.",
    "task": "Work with a ticket's tasks.md (stable ids, sections).",
    "template": "Check the verb output templates under <root>/templates.",
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
        # every source, even when the name is known: `workspace` gathers verbs of several
        # modules, and an earlier `init` (same process) registered it with only its own
        for source in _SOURCES.get(cmd_name, ()):
            _load(source)
        return self._commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self._commands) | set(_SOURCES))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        width = formatter.width - 6 - max(len(name) for name in SUMMARIES)
        rows = [
            (name, click.Command(name, help=text).get_short_help_str(width))
            for name, text in sorted(SUMMARIES.items())
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group("docmgr", cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"]})
@common_options
@click.option(
    "--no-cache",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=set_no_cache,
    help="Scan the files instead of using the search index (same as DOCMGR_NO_CACHE=1).",
)
@click.option(
    "--no-pager",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=set_no_pager,
    help="Never pipe list output through DOCMGR_PAGER / PAGER / less.",
)
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


def _register(module_name: str) -> None:
    """Import one verb module and attach what it declares.

    A verb module lists its top-level commands in ``COMMANDS``, hidden top-level spellings in
    ``ALIASES`` ((command, name) pairs) and, in ``WORKSPACE_VERBS``, the commands that
    ``docmgr workspace <verb>`` also accepts.
    """
    module = importlib.import_module(f"docmgr.cli.{module_name}")
    commands: dict[str, click.Command] = cli._commands
    for command in getattr(module, "COMMANDS", ()):
        attach_completions(command)
        cli.add_command(command)
    for command, alias in getattr(module, "ALIASES", ()):
        if alias not in commands:
            cli.add_command(hidden_alias(command, alias))
    verbs = getattr(module, "WORKSPACE_VERBS", ())
    if verbs:
        from docmgr.cli.workspace import workspace_group

        for command in verbs:
            workspace_group.add_command(hidden_alias(command, command.name or ""))
    listed = getattr(module, "LISTED_AS", None)
    if listed is not None:
        group = commands.get("list")
        if not isinstance(group, click.Group):
            group = click.Group("list", help=SUMMARIES["list"])
            cli.add_command(group)
        alias = hidden_alias(listed[0], listed[1])
        alias.hidden = False
        group.add_command(alias)


_MODULES = sorted({name for names in _SOURCES.values() for name in names})
_done: set[str] = set()


def _load(source: str) -> None:
    if source in _done:
        return
    _done.add(source)
    root: Any = cli
    was = root._loading
    root._loading = True
    try:
        _register(source)
    finally:
        root._loading = was


def load_all() -> None:
    """Register every verb (what walking the whole command tree needs)."""
    for source in _MODULES:
        _load(source)


def main() -> None:
    """Console-script entry point (ends the process without the interpreter's teardown)."""
    from docmgr.cli.fast_exit import finish

    try:
        cli(prog_name="docmgr")
    except SystemExit as exc:
        finish(exc.code)
    finish(0)
