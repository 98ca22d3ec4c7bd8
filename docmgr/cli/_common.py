"""Shared CLI plumbing: the app context, common options, output, errors and aliases."""

from __future__ import annotations

import copy
import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from docmgr.cli import _hints as hints
from docmgr.errors import DocmgrError, JournalStuck, UsageProblem
from docmgr.model import JOURNAL_DIR

if TYPE_CHECKING:
    from pathlib import Path

F = TypeVar("F", bound=Callable[..., Any])


class App:
    """Per-invocation state shared by all commands (tests pass one in with a fixed clock/cwd)."""

    def __init__(self, *, clock: Any = None, cwd: Path | None = None) -> None:
        self.root_flag: str | None = None
        self.verbose = False
        self._clock = clock
        self.cwd = cwd
        self._workspace: Any = None
        self.journal_stuck: JournalStuck | None = None

    @property
    def clock(self) -> Any:
        if self._clock is None:
            from docmgr.seams.clock import from_env

            self._clock = from_env()
        return self._clock

    def workspace(self, *, stuck_ok: bool = False) -> Any:
        """Resolve the docs root once per invocation (warnings about config go to stderr).

        Opening it finishes or rolls back what a killed docmgr left half done (one line on
        stderr per operation); a journal that cannot be dealt with is an error, unless
        ``stuck_ok`` (doctor reports it as a finding: ``self.journal_stuck``).
        """
        if self._workspace is None:
            from docmgr.store.workspace import Workspace

            self._workspace = Workspace.open(self.root_flag, cwd=self.cwd, clock=self.clock)
            for warning in self._workspace.resolution.warnings:
                click.echo(warning, err=True)
            _hear_the_index()
            ctx = click.get_current_context(silent=True)
            if ctx is not None:
                ctx.find_root().call_on_close(functools.partial(_sync_writes, self._workspace))
            recovered: list[str] = []
            if os.path.isdir(self._workspace.root / JOURNAL_DIR):  # one stat when all is well
                from docmgr.seams import journal

                try:
                    recovered = journal.recover(self._workspace.root)
                except JournalStuck as exc:
                    recovered, self.journal_stuck = exc.recovered, exc
            for line in recovered:
                click.echo(f"docmgr: {line}", err=True)
        if self.journal_stuck is not None and not stuck_ok:
            raise self.journal_stuck
        return self._workspace


def _hear_the_index() -> None:
    """Show what the index reports (a progress bar on a terminal, notices on stderr)."""
    from docmgr.store.index import hooks

    hooks.progress_hook = tty_progress
    hooks.notice_hook = _notice


def _sync_writes(ws: Any) -> None:
    """After a command that wrote files: let the index (and a live watcher's stamp) know."""
    from docmgr.seams import touched

    if touched.paths:
        from docmgr.store.index import sync_own_writes

        sync_own_writes(ws)


def _notice(message: str) -> None:
    click.echo(message, err=True)


def app() -> App:
    ctx = click.get_current_context()
    obj = ctx.find_object(App)
    if obj is None:
        obj = ctx.ensure_object(App)
    return obj


def _set_root(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        obj = ctx.find_object(App) or ctx.ensure_object(App)
        obj.root_flag = value
        obj._workspace = None
        obj.journal_stuck = None


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        (ctx.find_object(App) or ctx.ensure_object(App)).verbose = True


def common_options(func: F) -> F:
    """Add ``--root`` and ``--verbose`` to a verb (they also work before the verb)."""
    func = click.option(
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=_set_verbose,
        is_eager=True,
        help="Print the docs root banner and reminders.",
    )(func)
    func = click.option(
        "--root",
        metavar="DIR",
        expose_value=False,
        callback=_set_root,
        is_eager=True,
        help="Docs root (default: from .ttmp.yaml, git root, cwd).",
    )(func)
    return func


def output_options(func: F) -> F:
    """Add ``--output table|json|yaml|csv`` and the Go tool's ``--with-glaze-output`` switch."""
    func = click.option(
        "--with-glaze-output",
        "glaze",
        is_flag=True,
        help="Accepted for compatibility; implies --output json.",
    )(func)
    func = click.option(
        "--output",
        "output",
        type=click.Choice(["table", "json", "yaml", "csv"]),
        default=None,
        help="Structured output instead of the human text.",
    )(func)
    return func


def emit(
    rows: Sequence[dict[str, Any]],
    output: str | None,
    glaze: bool,
    human: Callable[[], str],
    *,
    banner: bool = False,
) -> None:
    """Print rows in the requested format, or the human text when no format was requested.

    ``banner=True`` prefixes the human text with the Go tool's ``Docs root:`` banner when
    ``--verbose`` was given (never without it: agents parse the bare output).
    """
    from docmgr.cli.output import render

    if output or glaze:
        click.echo(render(rows, output or "json"), nl=False)
    else:
        text = human()
        obj = click.get_current_context().find_object(App)
        if banner and obj is not None and obj.verbose and obj._workspace is not None:
            head = f"Docs root: `{obj._workspace.root}`\nPaths are relative to this root.\n\n"
            text = head + text
        if text:
            click.echo(text, nl=not text.endswith("\n"))


def split_list(values: Sequence[str]) -> list[str]:
    """Flatten repeatable, comma-separated list options: ``--topics a,b --topics c``."""
    import csv

    out: list[str] = []
    for value in values:
        for row in csv.reader([value], skipinitialspace=True):
            out.extend(item.strip() for item in row if item.strip())
    return out


def _completion_workspace(ctx: click.Context) -> Any:
    """The workspace a completion should read: honours --root (before or on the verb)."""
    from docmgr.store.workspace import Workspace

    obj = ctx.find_object(App)
    return Workspace.open(obj.root_flag if obj else None, cwd=obj.cwd if obj else None)


def complete_ticket(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion for ``--ticket``: the ids of the workspace's tickets."""
    try:
        from docmgr.store.index import load_docs
        from docmgr.store.lookup import tickets_from_docs

        ws = _completion_workspace(ctx)
        ids = sorted({t.id for t in tickets_from_docs(load_docs(ws))})
    except Exception:  # completion must never crash the shell
        return []
    return [
        click.shell_completion.CompletionItem(i)
        for i in ids
        if i.lower().startswith(incomplete.lower())
    ]


def complete_doc_type(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion for ``--doc-type``: vocabulary doc types plus the built-in ones."""
    try:
        from docmgr.store import vocabulary

        ws = _completion_workspace(ctx)
        names = set(vocabulary.BUILTIN_DOC_TYPES) | set(
            vocabulary.load(ws.vocabulary_path).slugs("docTypes")
        )
    except Exception:  # completion must never crash the shell
        names = set()
    return [
        click.shell_completion.CompletionItem(n) for n in sorted(names) if n.startswith(incomplete)
    ]


def ticket_option(
    required: bool = True, help_text: str = "Ticket id (forgiving: prefix, folder name)."
) -> Callable[[F], F]:
    return click.option(
        "--ticket",
        required=required,
        default=None if required else "",
        shell_complete=complete_ticket,
        help=help_text,
    )


def doc_type_option(required: bool = True) -> Callable[[F], F]:
    return click.option(
        "--doc-type",
        "doc_type",
        required=required,
        default=None if required else "",
        shell_complete=complete_doc_type,
        help="Document type (design-doc, reference, …).",
    )


def hidden_alias(command: click.Command, name: str) -> click.Command:
    """A hidden copy of ``command`` registered under another name."""
    alias = copy.copy(command)
    alias.name = name
    alias.hidden = True
    return alias


class DocmgrGroup(click.Group):
    """A group that turns every error into one ``Error: …`` line on stderr (no tracebacks)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            try:
                rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except DocmgrError as exc:
                click.echo(f"Error: {hints.render(exc)}", err=True)
                sys.exit(2 if isinstance(exc, UsageProblem) else 1)
            except click.UsageError as exc:
                sub = exc.ctx.command_path if exc.ctx else (prog_name or "docmgr")
                click.echo(f"Error: {exc.format_message()} — see '{sub} --help'", err=True)
                sys.exit(exc.exit_code)
            except click.ClickException as exc:
                click.echo(f"Error: {exc.format_message()}", err=True)
                sys.exit(exc.exit_code)
            except click.Abort:
                click.echo("Aborted!", err=True)
                sys.exit(1)
            except KeyboardInterrupt:
                sys.exit(130)
            except BrokenPipeError:
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the pipe on exit
                sys.exit(1)
            except OSError as exc:  # a folder that is a file, a read-only disk, …: no traceback
                where = f": {exc.filename}" if exc.filename else ""
                click.echo(
                    f"Error: {exc.strerror or exc}{where} — check that the path is a folder "
                    "you can write to (or pass another --root)",
                    err=True,
                )
                sys.exit(1)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        if isinstance(rv, int):
            sys.exit(rv)
        sys.exit(0)


def tty_progress(label: str, done: int, total: int) -> None:
    """Draw a one-line counter on stderr while the index is first built (terminals only)."""
    if not sys.stderr.isatty():
        return
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def no_cache_option(func: Any) -> Any:
    return click.option(
        "--no-cache",
        "no_cache",
        is_flag=True,
        help="Scan the files instead of using the persistent index.",
    )(func)


def date_value(ws: Any, value: str, flag: str) -> Any:
    from docmgr.seams import dates

    if not value:
        return None
    try:
        return dates.parse(value, ws.clock.now())
    except ValueError as exc:
        raise click.UsageError(f"invalid {flag} date: {exc}") from None


def set_no_cache(_ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:  # this process only: every verb then scans the files (see search_index)
        os.environ["DOCMGR_NO_CACHE"] = "1"
