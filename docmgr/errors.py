"""The exception family of docmgr: every user-facing failure names the problem and the fix."""

from __future__ import annotations


class DocmgrError(Exception):
    """Root of every error docmgr reports to a user (exit 1, one line on stderr)."""

    hint: str = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class UsageProblem(DocmgrError):
    """The command line itself is wrong (exit 2)."""


class RootNotFound(DocmgrError):
    hint = "run 'docmgr init' or pass --root"


class TicketNotFound(DocmgrError):
    hint = "run 'docmgr ticket list' to see available tickets"


class TicketAmbiguous(DocmgrError):
    hint = "use the full ticket id or the ticket's directory path"


class TicketExists(DocmgrError):
    hint = "pick another id, or pass --force to create a second workspace anyway"


class DocNotFound(DocmgrError):
    hint = "run 'docmgr doc list --ticket <ticket>' to see doc paths"


class UnsafePath(DocmgrError):
    hint = "use a plain name without '/', '\\', '..', NUL or control characters"


class PathOutsideRoot(UnsafePath):
    """A path a user passed lands outside the docs root (directly or through a symlink)."""

    hint = "use a path inside the docs root, or open the workspace that holds it"


class SymlinkWrite(UnsafePath):
    """A write would go through a symlink (the link itself, or a linked folder above it)."""

    hint = "replace the link by the real file, or edit the link's target directly"


class RootRefused(DocmgrError):
    """The docs root is a folder that cannot be a docs root: ``/``, home, a big ticketless tree."""

    hint = "pass --root <docs folder>, e.g. ttmp"


class FrontMatterError(DocmgrError):
    """A document's front matter could not be read; carries the file, line and problem."""

    hint = "fix the YAML by hand or run 'docmgr validate frontmatter --doc <file> --auto-fix'"

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        line: int = 0,
        snippet: str = "",
        hint: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.snippet = snippet
        self.problem = message
        where = f"{path}:{line}" if path and line else path
        super().__init__(f"{where} {message}".strip() if where else message, hint)


class LockTimeout(DocmgrError):
    hint = "another docmgr process holds the file; retry in a moment"


class GitLinkError(DocmgrError):
    hint = "check the revision with 'git log --oneline' in that repository"


class ConfigError(DocmgrError):
    hint = "fix the YAML in .ttmp.yaml (or remove it)"


class TaskNotFound(DocmgrError):
    """A ``--id``/``--match`` reference names no task; the hint lists the current table."""


class InvalidFullTextQuery(DocmgrError):
    """An expert full-text expression that SQLite's FTS5 cannot parse."""

    hint = "check the FTS5 syntax, or use --query (it quotes words for you)"


class IndexDamaged(Exception):
    """The index cache holds something it cannot read back (it is rebuilt, never reported)."""


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
    hint = "run 'docmgr skill list' (skills of closed tickets need --ticket <ID>)"


class SkillAmbiguous(DocmgrError):
    """Several skills match equally well; ``candidates`` holds them, best first."""

    hint = "pick one with the Load command printed above"

    def __init__(self, message: str, candidates: list[object]) -> None:
        super().__init__(message)
        self.candidates = candidates


class UnsafeArchive(DocmgrError):
    """A .skill archive holds an entry that would land outside its folder, or is too big."""

    hint = "re-create the archive with 'docmgr skill export --output-skill <file>'"
