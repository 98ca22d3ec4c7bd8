"""The exception family of docmgr: every user-facing failure names the problem and the fix.

Messages and hints speak the library's language. When the fix is an input of the failed
operation or another docmgr command, the text holds a :class:`Param` or a :class:`Command`
rather than a command-line spelling: the CLI spells them as flags at its one error boundary
(``docmgr/cli/_hints.py``), another front end (the web server) may spell them its own way,
and ``str(error)`` gives a plain library spelling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from docmgr.slotted import Slotted


class Param(Slotted):
    """An input of the failed operation, by its library name (``ticket``, ``dest_dir``).

    ``value`` is a placeholder or an example shown after the name (``<ID>``); empty for a
    switch such as ``force``. (Not dataclasses: every command imports this module at
    start-up, see ``docmgr.slotted``; frozen in use, so hashable.)
    """

    __slots__ = ("name", "value")

    def __init__(self, name: str, value: str = "") -> None:
        self.name = name
        self.value = value

    def __hash__(self) -> int:
        return hash((Param, self.name, self.value))


class Command(Slotted):
    """Another docmgr operation that helps, by verb and library parameter names.

    ``Command("diary create", ticket="VM-004")``; a ``True`` value is a switch.
    """

    __slots__ = ("verb", "args")

    def __init__(self, verb: str, **args: str | bool) -> None:
        self.verb = verb
        self.args: tuple[tuple[str, str | bool], ...] = tuple(args.items())

    def __hash__(self) -> int:
        return hash((Command, self.verb, self.args))


Part = str | Param | Command
Text = str | tuple[Part, ...]
Spelling = Callable[[Param | Command], str]


def plain_spelling(part: Param | Command) -> str:
    """How a library caller reads a Param or Command: ``ticket=<ID>``, ``'doc list' (ticket=X)``."""
    if isinstance(part, Param):
        return f"{part.name}={part.value}" if part.value else part.name
    args = ", ".join(name if value is True else f"{name}={value}" for name, value in part.args)
    return f"'{part.verb}' ({args})" if args else f"'{part.verb}'"


def spell(text: Text, spelling: Spelling = plain_spelling) -> str:
    """Join a message or hint into one string, spelling its Params and Commands."""
    if isinstance(text, str):
        return text
    return "".join(p if isinstance(p, str) else spelling(p) for p in text)


def parts(text: Text) -> list[Param | Command]:
    """The Params and Commands a message or hint refers to (for tests and front ends)."""
    return [] if isinstance(text, str) else [p for p in text if not isinstance(p, str)]


class DocmgrError(Exception):
    """Root of every error docmgr reports to a user (exit 1, one line on stderr).

    ``what`` names the problem, ``hint`` the fix; both are :data:`Text`.
    """

    hint: Text = ""

    def __init__(self, message: Text, hint: Text | None = None) -> None:
        self.what = message
        self.message = spell(message)
        super().__init__(self.message)
        if hint is not None:
            self.hint = hint

    def render(self, spelling: Spelling = plain_spelling) -> str:
        """``<what> — <fix>`` with Params and Commands spelled by ``spelling``."""
        what, fix = spell(self.what, spelling), spell(self.hint, spelling)
        return f"{what} — {fix}" if fix else what

    def __str__(self) -> str:
        return self.render()


class UsageProblem(DocmgrError):
    """The command line itself is wrong (exit 2)."""


class RootNotFound(DocmgrError):
    """No docs root where one was needed."""

    hint = ("run ", Command("init"), " or pass ", Param("root"))


class TicketNotFound(DocmgrError):
    """No ticket matches a reference; the hint names the closest ids, if any are close."""

    hint = "run 'docmgr ticket list' to see available tickets"

    def __init__(self, ref: str, closest: Sequence[str] = ()) -> None:
        self.ref = ref
        self.closest = list(closest)
        hint = None
        if self.closest:
            hint = (
                f"did you mean {', '.join(self.closest)}? "
                "(run 'docmgr ticket list' to see available tickets)"
            )
        super().__init__(f'ticket not found: "{ref}"', hint)


class TicketAmbiguous(DocmgrError):
    """A reference matches several tickets (or one id has several index docs)."""

    hint = "use the full ticket id or the ticket's directory path"


class TicketExists(DocmgrError):
    """``create`` met a ticket id that already has a workspace."""

    hint = (
        "pick another id, or pass ",
        Param("force"),
        " to create a second workspace anyway",
    )


class DocNotFound(DocmgrError):
    """A document reference matches no file."""

    hint = ("run ", Command("doc list", ticket="<ticket>"), " to see doc paths")


class UnsafePath(DocmgrError):
    """A user-supplied name or path could leave its folder."""

    hint = "use a plain name without '/', '\\', '..', NUL or control characters"


class PathOutsideRoot(UnsafePath):
    """A path a user passed lands outside the docs root (directly or through a symlink)."""

    hint = "use a path inside the docs root, or open the workspace that holds it"


class SymlinkWrite(UnsafePath):
    """A write would go through a symlink (the link itself, or a linked folder above it)."""

    hint = "replace the link by the real file, or edit the link's target directly"


class RootRefused(DocmgrError):
    """The docs root is a folder that cannot be a docs root: ``/``, home, a big ticketless tree."""

    hint = ("pass ", Param("root", "<docs folder>"), ", e.g. ttmp")


class FrontMatterError(DocmgrError):
    """A document's front matter could not be read; carries the file, line and problem."""

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        line: int = 0,
        snippet: str = "",
        hint: Text | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.snippet = snippet
        self.problem = message
        where = f"{path}:{line}" if path and line else path
        if hint is None:
            hint = (
                (
                    "see the problem and the repair docmgr proposes with ",
                    Command("validate frontmatter", doc=path, suggest_fixes=True),
                )
                if path
                else ("see every unreadable header with ", Command("doctor"))
            )
        super().__init__(f"{where} {message}".strip() if where else message, hint)


class LockTimeout(DocmgrError):
    """Another process held a file's lock for too long."""

    hint = "another docmgr process holds the file; retry in a moment"


class GitLinkError(DocmgrError):
    """A git revision or repository could not be read."""

    hint = "check the revision with 'git log --oneline' in that repository"


class ConfigError(DocmgrError):
    """``.ttmp.yaml`` could not be read."""

    hint = "fix the YAML in .ttmp.yaml (or remove it)"


class GraphTooLarge(DocmgrError):
    """A repo-scoped ticket graph grew past one of its budgets."""

    def __init__(self, what: str, limit: int) -> None:
        self.what_exceeded = what
        self.limit = limit
        param = Param("max_nodes") if what == "nodes" else Param("max_edges")
        super().__init__(
            ("graph would exceed ", param, f"={limit}"),
            (
                "pass a smaller ",
                Param("depth"),
                ", leave out ",
                Param("expand_files"),
                ", or raise ",
                param,
            ),
        )


class TaskNotFound(DocmgrError):
    """A task reference (stable id, position or text) names no task; the hint lists the table."""


class InvalidFullTextQuery(DocmgrError):
    """An expert full-text expression that SQLite's FTS5 cannot parse."""

    hint = ("check the FTS5 syntax, or use ", Param("query"), " (it quotes words for you)")


class IndexDamaged(Exception):
    """The index cache holds something it cannot read back (it is rebuilt, never reported)."""


class WatcherRunning(DocmgrError):
    """A second ``index watch`` for a docs root that already has a live watcher."""


class IndexBusy(Exception):
    """Another process holds the cache's write lock for long (e.g. during its first build)."""


class UnknownField(UsageProblem):
    """A metadata field name docmgr does not set."""


class JournalStuck(DocmgrError):
    """An interrupted operation could be neither finished nor rolled back; its journal is kept.

    ``recovered`` holds the descriptions of the other journals that were dealt with.
    """

    hint = "fix the cause (permissions, disk space) and run any docmgr command to retry"

    def __init__(self, message: str, recovered: list[str] | None = None) -> None:
        super().__init__(message)
        self.recovered = recovered or []


class SkillPlanError(DocmgrError):
    """A skill.yaml plan (or a SKILL.md being imported) breaks the plan rules."""

    hint = "fix the file (the rules: 'docmgr help skills-and-templates')"


class SkillNotFound(DocmgrError):
    hint = (
        "run ",
        Command("skill list"),
        " (the skills of a closed ticket need ",
        Param("ticket", "<ID>"),
        ")",
    )


class SkillAmbiguous(DocmgrError):
    """Several skills match equally well; ``candidates`` holds them, best first."""

    hint = "pick one with the Load command printed above"

    def __init__(self, message: str, candidates: list[object]) -> None:
        super().__init__(message)
        self.candidates = candidates


class UnsafeArchive(DocmgrError):
    """A .skill archive holds an entry that would land outside its folder, or is too big."""

    hint = ("re-create the archive with ", Command("skill export", output_skill="<file>"))


class TemplateError(DocmgrError):
    """A verb output template that does not parse, or fails while it runs (Go's wording)."""


class TemplateLoopControl(Exception):
    """``{{break}}`` or ``{{continue}}`` unwinding a template's ``range`` (never escapes it)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class ProgramNotFound(DocmgrError):
    """A program docmgr was asked to run does not exist or cannot be executed."""


class ProgramTimedOut(DocmgrError):
    """A program docmgr ran did not finish within its timeout and was killed."""


class RequestRefused(DocmgrError):
    """An HTTP request the web layer refuses: carries the status, the API error code and details.

    The JSON error envelope of ``docmgr api serve`` is built from these fields (spec §9).
    """

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = details
