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
        self.no_pager = False
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
            if os.path.isdir(os.path.join(self._workspace.root_str, JOURNAL_DIR)):  # one stat
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


def set_no_pager(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        (ctx.find_object(App) or ctx.ensure_object(App)).no_pager = True


def pager_option(func: F) -> F:
    """Add ``--no-pager`` to a verb whose human text is paged on a terminal (see cli/pager)."""
    return click.option(
        "--no-pager",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=set_no_pager,
        help="Print straight to the terminal instead of through DOCMGR_PAGER / PAGER / less.",
    )(func)


def limit_option(func: F) -> F:
    """Add ``--limit N``: keep the first N rows after filtering and sorting (every output)."""
    return click.option(
        "--limit",
        type=click.IntRange(min=0),
        default=None,
        metavar="N",
        help="Show only the first N rows (after filtering and sorting; every --output).",
    )(func)


def count_label(shown: Sequence[Any], rows: Sequence[Any]) -> str:
    """``"12"``, or ``"10 of 12"`` when ``--limit`` kept fewer rows than were found."""
    return str(len(rows)) if len(shown) == len(rows) else f"{len(shown)} of {len(rows)}"


_SHAPING_KEY = "docmgr.shaping"


def _unescape(text: str) -> str:
    """``\\n`` and ``\\t`` typed on a command line mean a newline and a tab."""
    return text.replace("\\n", "\n").replace("\\t", "\t")


def output_options(func: F) -> F:
    """Add ``--output`` and the glazed-style row controls (spec §1.3) to a list/show verb.

    ``--output table|json|yaml|csv|tsv|markdown``, ``--with-glaze-output`` (implies json),
    ``--fields``, ``--filter``, ``--sort-by``, ``--select``, ``--select-separator`` and
    ``--select-template``. The verb's callback only sees ``output`` and ``glaze``: the row
    controls are kept on the click context for :func:`emit`, and any of them given without
    ``--output`` switches to structured output (json, like ``--with-glaze-output``), so a
    verb that branches on ``output or glaze`` behaves the same way ``emit`` does.
    """

    @functools.wraps(func)
    def wrapper(
        *args: Any,
        fields: tuple[str, ...],
        drop: tuple[str, ...],
        sort_by: tuple[str, ...],
        select: str,
        select_separator: str,
        select_template: str,
        **kwargs: Any,
    ) -> Any:
        from docmgr.cli.output import Shaping, check_template

        wanted = tuple(f for f in split_list(fields) if f != "all")
        shaping = Shaping(
            fields=wanted,
            drop=tuple(split_list(drop)),
            sort_by=tuple(split_list(sort_by)),
            select=select.strip(),
            select_separator=_unescape(select_separator),
            select_template=select_template,
        )
        if shaping.select and shaping.select_template:
            raise click.UsageError("--select and --select-template cannot be combined")
        if shaping.select_template:
            check_template(shaping.select_template)
        click.get_current_context().meta[_SHAPING_KEY] = shaping
        if (shaping.reshapes or shaping.selects) and not kwargs.get("output"):
            kwargs["glaze"] = True
        return func(*args, **kwargs)

    options = [
        click.option(
            "--select-template",
            "select_template",
            default="",
            metavar="TEMPLATE",
            help="One line per row from a template: '{{.ticket}}: {{.title}}'.",
        ),
        click.option(
            "--select-separator",
            "select_separator",
            default="\\n",
            show_default=True,
            help="What separates the values of --select.",
        ),
        click.option(
            "--select",
            "select",
            default="",
            metavar="FIELD",
            help="Print only this field's values.",
        ),
        click.option(
            "--sort-by",
            "sort_by",
            multiple=True,
            metavar="FIELDS",
            help="Sort rows by these fields (comma list; '-field' sorts descending).",
        ),
        click.option(
            "--filter",
            "drop",
            multiple=True,
            metavar="FIELDS",
            help="Drop these fields (comma list).",
        ),
        click.option(
            "--fields",
            "fields",
            multiple=True,
            metavar="FIELDS",
            help="Keep only these fields, in this order (comma list; default all).",
        ),
        click.option(
            "--with-glaze-output",
            "glaze",
            is_flag=True,
            help="Accepted for compatibility; implies --output json.",
        ),
        click.option(
            "--output",
            "output",
            type=click.Choice(["table", "json", "yaml", "csv", "tsv", "markdown"]),
            default=None,
            help="Structured output instead of the human text.",
        ),
    ]
    decorated: Any = wrapper
    for option in options:
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


def shaping() -> Any:
    """The row controls of this invocation (an empty :class:`Shaping` when none were given)."""
    from docmgr.cli.output import Shaping

    ctx = click.get_current_context(silent=True)
    found = ctx.meta.get(_SHAPING_KEY) if ctx is not None else None
    return found if found is not None else Shaping()


def emit(
    rows: Sequence[dict[str, Any]],
    output: str | None,
    glaze: bool,
    human: Callable[[], str],
    *,
    banner: bool = False,
    limit: int | None = None,
    paged: bool = False,
) -> None:
    """Print rows in the requested format, or the human text when no format was requested.

    The row controls (``--fields``, ``--filter``, ``--sort-by``, ``--select``,
    ``--select-template``) shape the rows first; ``limit`` then keeps the first rows (the
    verb's ``human`` is expected to show the same first rows). ``banner=True`` prefixes the
    human text with the Go tool's ``Docs root:`` banner when ``--verbose`` was given (never
    without it: agents parse the bare output). ``paged=True`` sends the human text through
    the pager on a terminal (never structured output; ``--no-pager`` turns it off).
    """
    from docmgr.cli.output import render_pieces, select_text, shape

    wanted = shaping()
    if wanted.selects:
        click.echo(select_text(shape(rows, wanted)[:limit], wanted), nl=False)
    elif output or glaze:
        for piece in render_pieces(shape(rows, wanted)[:limit], output or "json"):
            click.echo(piece, nl=False)
    else:
        text = human()
        obj = click.get_current_context().find_object(App)
        if banner and obj is not None and obj.verbose and obj._workspace is not None:
            head = f"Docs root: `{obj._workspace.root}`\nPaths are relative to this root.\n\n"
            text = head + text
        no_pager = obj is not None and obj.no_pager
        if text and paged and not no_pager and sys.stdout.isatty():
            from docmgr.cli import pager  # only on a terminal: pipes stay on the warm path

            pager.show(text)
        elif text:
            click.echo(text, nl=not text.endswith("\n"))


def split_list(values: Sequence[str]) -> list[str]:
    """Flatten repeatable, comma-separated list options: ``--topics a,b --topics c``."""
    if not values:  # the common case (the row-shaping options of every verb): no csv import
        return []
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


Completer = Callable[[click.Context, click.Parameter, str], list[Any]]


def _items(values: Sequence[str], incomplete: str, *, fold: bool = False) -> list[Any]:
    """Completion items for the values starting with ``incomplete`` (sorted, no duplicates).

    A comma list (``--topics a,b``) completes its last item and keeps what is before it.
    """
    head, _, last = incomplete.rpartition(",")
    prefix = head + "," if head else ""
    wanted = last.lower() if fold else last
    return [
        click.shell_completion.CompletionItem(prefix + v)
        for v in sorted(set(values))
        if (v.lower() if fold else v).startswith(wanted)
    ]


def _never_fails(
    read: Callable[[click.Context], Sequence[str]], *, fold: bool = False
) -> Completer:
    """A completer from a function that reads live values; any failure completes nothing
    (a half-made workspace must not print a traceback into the user's shell)."""

    def complete(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[Any]:
        try:
            values = read(ctx)
        except Exception:  # completion must never crash the shell
            return []
        return _items(values, incomplete, fold=fold)

    complete.__doc__ = read.__doc__
    return complete


def _ticket_ids(ctx: click.Context) -> list[str]:
    """The ids of the workspace's tickets."""
    from docmgr.store.index import load_docs
    from docmgr.store.lookup import tickets_from_docs

    return [t.id for t in tickets_from_docs(load_docs(_completion_workspace(ctx)))]


def _given_ticket(ctx: click.Context) -> Any:
    """The ticket named on the command line so far (``--ticket``), or None."""
    from docmgr.store import lookup

    ref = ctx.params.get("ticket") or ""
    return lookup.resolve_ticket(_completion_workspace(ctx), ref) if ref else None


def _doc_paths(ctx: click.Context) -> list[str]:
    """Documents as docs-root-relative paths (of the ``--ticket`` given, if any)."""
    from docmgr.store.index import load_docs

    ws = _completion_workspace(ctx)
    ticket = _given_ticket(ctx)
    docs = [d for d in load_docs(ws) if d.is_index or not d.is_control]
    if ticket is not None:
        return [d.rel for d in docs if d.path.parent.is_relative_to(ticket.dir)]
    return [d.rel for d in docs]


def _diary_paths(ctx: click.Context) -> list[str]:
    """Every diary of the workspace (docs-root-relative)."""
    from docmgr.store.diaries import all_diaries

    ws = _completion_workspace(ctx)
    ticket = _given_ticket(ctx)
    found = all_diaries(ws)
    if ticket is not None:
        found = [p for p in found if p.is_relative_to(ticket.dir)]
    return [ws.rel(p) for p in found]


def _tasks_text(ctx: click.Context) -> str:
    from docmgr.seams.fsio import read_text

    ticket = _given_ticket(ctx)
    return read_text(ticket.dir / "tasks.md") if ticket is not None else ""


def _task_ids(ctx: click.Context) -> list[str]:
    """Stable ids of the tasks of the ``--ticket`` on the line (none without one)."""
    from docmgr.formats import tasks

    return [t.display_id for t in tasks.parse(_tasks_text(ctx))]


def _task_sections(ctx: click.Context) -> list[str]:
    """The headings of the ``--ticket``'s tasks.md."""
    from docmgr.formats import tasks

    return [title for title, _ in tasks.sections(_tasks_text(ctx)) if title]


def _vocabulary(category: str, builtin: Sequence[str] = ()) -> Callable[[click.Context], list[str]]:
    def read(ctx: click.Context) -> list[str]:
        from docmgr.store import vocabulary

        ws = _completion_workspace(ctx)
        return [*builtin, *vocabulary.load(ws.vocabulary_path).slugs(category)]

    read.__doc__ = f"The vocabulary's {category} (and the built-in ones)."
    return read


def _doc_types(ctx: click.Context) -> list[str]:
    from docmgr.store import vocabulary

    return _vocabulary("docTypes", vocabulary.BUILTIN_DOC_TYPES)(ctx)


def _statuses(ctx: click.Context) -> list[str]:
    from docmgr.store import vocabulary

    return _vocabulary("status", vocabulary.BUILTIN_STATUSES)(ctx)


def _intents(ctx: click.Context) -> list[str]:
    from docmgr.store import vocabulary

    return _vocabulary("intent", vocabulary.BUILTIN_INTENTS)(ctx)


def _categories(_ctx: click.Context) -> list[str]:
    from docmgr.store import vocabulary

    return list(vocabulary.CATEGORIES)


def _fields(_ctx: click.Context) -> list[str]:
    from docmgr.ops import meta

    return list(meta.FIELDS)


complete_ticket = _never_fails(_ticket_ids, fold=True)
complete_doc_type = _never_fails(_doc_types)
complete_doc = _never_fails(_doc_paths)
complete_diary = _never_fails(_diary_paths)
complete_task_id = _never_fails(_task_ids)
complete_section = _never_fails(_task_sections, fold=True)
complete_status = _never_fails(_statuses)
complete_topics = _never_fails(_vocabulary("topics"))
complete_intent = _never_fails(_intents)
complete_category = _never_fails(_categories)
complete_field = _never_fails(_fields, fold=True)


# option flag (or argument name) -> what completes it; `attach_completions` applies it to
# every verb, so a new verb's `--doc` completes without anyone remembering to say so
COMPLETERS: dict[str, Completer] = {
    "--ticket": complete_ticket,
    "--dest-ticket": complete_ticket,
    "ticket_ref": complete_ticket,
    "--doc": complete_doc,
    "--diary": complete_diary,
    "--doc-type": complete_doc_type,
    "--status": complete_status,
    "--topics": complete_topics,
    "--intent": complete_intent,
    "--category": complete_category,
    "--field": complete_field,
    "--section": complete_section,
}


def attach_completions(command: click.Command) -> None:
    """Give every option and argument that names a workspace thing its live completion.

    ``--id`` completes task ids on the task verbs only (elsewhere an id is something else).
    """
    stack: list[tuple[click.Command, bool]] = [(command, command.name in ("task", "tasks"))]
    while stack:
        cmd, in_tasks = stack.pop()
        for param in cmd.params:
            key = param.opts[0] if isinstance(param, click.Option) else (param.name or "")
            completer = COMPLETERS.get(key)
            if key == "--id" and in_tasks:
                completer = complete_task_id
            if completer is not None and param._custom_shell_complete is None:
                param._custom_shell_complete = completer
        if isinstance(cmd, click.Group):
            stack.extend((sub, in_tasks) for sub in cmd.commands.values())


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


def help_width(max_width: int | None) -> int:
    """The width click's help formatter would choose, worked out without ``shutil``.

    click imports ``shutil`` (with bz2, lzma and fnmatch) for ``get_terminal_size`` when it
    formats help: ~3 ms of a ~60 ms ``docmgr --help``. The same rule: ``COLUMNS``, else the
    size of the terminal on stdout, else 80; at most ``max_width`` (80), minus 2, at least
    50; click's test runner's forced width wins.
    """
    from click import formatting

    if formatting.FORCED_WIDTH is not None:
        return formatting.FORCED_WIDTH
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return max(min(columns, max_width or 80) - 2, 50)


class DocmgrContext(click.Context):
    """click's context with the help width set up front (``help_width``); every sub-command's
    context inherits it from the root's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.terminal_width is None and self.parent is None:
            self.terminal_width = help_width(self.max_content_width)


class DocmgrGroup(click.Group):
    """A group that turns every error into one ``Error: …`` line on stderr (no tracebacks)."""

    context_class = DocmgrContext

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
                if isinstance(exc, click.exceptions.NoSuchCommand) and exc.ctx is not None:
                    group = exc.ctx.command
                    if isinstance(group, click.Group):
                        names = group.list_commands(exc.ctx)
                        exc.possibilities = close_verbs(exc.command_name, names)  # type: ignore[misc]  # click types it Final; it is how NoSuchCommand offers "did you mean"
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


def close_verbs(typed: str, verbs: Sequence[str]) -> list[str]:
    """The verbs a mistyped one most likely meant: a unique prefix, or few enough edits.

    click's own guess (difflib ratio >= 0.6) offers 'relate' for 'template'; a suggestion
    must be a plausible typo: at most one edit (a swap of neighbours counts as one) for
    short words, two from eight letters on.
    """
    word = typed.lower()
    prefixed = [v for v in verbs if v.startswith(word)] if len(word) >= 3 else []
    if len(prefixed) == 1:
        return prefixed
    allowed = 1 if len(word) < 8 else 2
    scored = sorted((_edits(word, v.lower()), v) for v in verbs)
    return [v for d, v in scored if d <= allowed][:3]


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, changes, neighbour swaps."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


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
    if not value:
        return None
    from docmgr.seams import dates  # only when a date was given

    try:
        return dates.parse(value, ws.clock.now())
    except ValueError as exc:
        raise click.UsageError(f"invalid {flag} date: {exc}") from None


def set_no_cache(_ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:  # this process only: every verb then scans the files (see search_index)
        os.environ["DOCMGR_NO_CACHE"] = "1"
