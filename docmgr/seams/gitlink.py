"""The one seam to git: resolve revisions, list a commit's files, find rewritten commits.

This is the only module that imports GitPython, and it does so inside functions, so
commands that never touch a commit never pay for it. Every failure becomes a
``GitLinkError`` that names the revision and the repository it looked in."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from docmgr.errors import GitLinkError, Param
from docmgr.tuples import NamedTuple

_NOT_A_REPO_HINT = (
    "run it inside a git repository, pass ",
    Param("repo", "PATH"),
    ", or use ",
    Param("no_commit"),
)


_SEP = "\x1f"

_CONFIG_ENV = (
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG_NOSYSTEM",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG",
)
"""Environment variables that change what git reads as config, which GitPython's config
reader ignores: with any of them set, the identity comes from ``git var``."""


class Commit(NamedTuple):
    """A resolved commit: full hash and subject line."""

    hash: str
    subject: str

    @property
    def short(self) -> str:
        return self.hash[:7]


class CommitInfo(NamedTuple):
    """What an auditor reads about a commit: who wrote it, when, and its subject."""

    hash: str
    subject: str
    author: str
    date: str  # author date, ISO 8601 with the author's offset

    @property
    def short(self) -> str:
        return self.hash[:7]


class Proposal(NamedTuple):
    """A commit on the audited branch that replaces a rewritten or lost one."""

    commit: Commit
    match: str  # "patch-id" | "subject"


class Repository:
    """One opened repository (one GitPython ``Repo``) for one command run.

    Revisions and histories are cached, so a handle assumes the repository does not change
    while it is open; open a new one after moving refs.
    """

    __slots__ = ("root", "repo", "_reachable", "_subjects", "_heads", "_config")

    def __init__(self, root: Path, repo: Any) -> None:
        self.root = root
        self.repo = repo
        self._reachable: dict[str, set[str]] = {}
        self._subjects: dict[str, list[tuple[str, str]]] = {}
        self._heads: dict[str, Commit] = {}
        self._config: Any = None

    def __repr__(self) -> str:
        return f"Repository({self.root!r})"

    def close(self) -> None:
        """Stop the git helper processes GitPython keeps for this repository and forget
        what was cached; the next use (a command may share one handle) starts afresh."""
        self.repo.close()
        self._reachable.clear()
        self._subjects.clear()
        self._heads.clear()
        self._config = None

    # ------------------------------------------------------------------ resolving

    def resolve(self, rev: str) -> Commit:
        """Resolve any revision git understands (HEAD, short hash, tag, HEAD~2) to a commit.

        Goes through GitPython's long-running ``cat-file --batch`` helper: the first
        resolution starts it, later ones (and ``lookup``) reuse it, so a command spawns no
        ``git`` process per revision.
        """
        rev = rev.strip()
        if not rev or rev.startswith("-") or any(c in rev for c in "\x00\n\r"):
            raise GitLinkError(f"invalid revision {rev!r} in repository {self.root}")
        try:
            hexsha, _kind, _size, data = self.repo.git.get_object_data(f"{rev}^{{commit}}")
        except ValueError:  # missing or ambiguous
            raise GitLinkError(f"unknown revision '{rev}' in repository {self.root}") from None
        full = hexsha.decode() if isinstance(hexsha, bytes) else str(hexsha)
        return Commit(hash=full, subject=subject_of(_message_of(data)))

    def lookup(self, hash_: str) -> Commit | None:
        """Return the commit a (possibly short) hash names, or None when it is not there.

        Goes through GitPython's long-running ``cat-file`` helpers, so auditing hundreds of
        steps starts no process per step.
        """
        if not re.fullmatch(r"[0-9a-fA-F]{4,40}", hash_):
            return None
        try:
            return self.resolve(hash_)
        except GitLinkError:  # missing or ambiguous
            return None

    def _head(self, rev: str) -> Commit:
        if rev not in self._heads:
            self._heads[rev] = self.resolve(rev)
        return self._heads[rev]

    def commit_date(self, hash_: str) -> datetime | None:
        """Return the committer date of a (possibly short) hash, None when it is unknown."""
        if not re.fullmatch(r"[0-9a-fA-F]{4,40}", hash_):
            return None
        try:
            hexsha, _kind, _size = self.repo.git.get_object_header(f"{hash_}^{{commit}}")
        except ValueError:
            return None
        full = hexsha.decode() if isinstance(hexsha, bytes) else str(hexsha)
        committed: datetime = self.repo.commit(full).committed_datetime
        return committed

    def changed_files(self, hash_: str) -> list[Path]:
        """List the absolute paths of the files a commit added, changed or deleted."""
        out = self.repo.git.diff_tree(
            "--no-commit-id", "--name-only", "-r", "-z", "--root", "--no-renames", hash_
        )
        return [self.root / name for name in out.split("\x00") if name]

    def info(self, hash_: str) -> CommitInfo | None:
        """Author, author date and subject of a commit (None when the hash names none)."""
        found = self.lookup(hash_)
        if found is None:
            return None
        commit = self.repo.commit(found.hash)
        return CommitInfo(
            hash=found.hash,
            subject=found.subject,
            author=str(commit.author.name or ""),
            date=commit.authored_datetime.isoformat(),
        )

    def recent_files(self, count: int = 30) -> list[str]:
        """Repository-relative paths touched by the last ``count`` commits (newest first)."""
        from git.exc import GitCommandError

        try:
            out = self.repo.git.log(f"-n{count}", "--name-only", "--format=", "--no-renames", "--")
        except GitCommandError:  # no commit yet
            return []
        seen: dict[str, None] = {}
        for line in out.splitlines():
            if line.strip():
                seen.setdefault(line.strip(), None)
        return list(seen)

    def worktree_files(self) -> dict[str, list[str]]:
        """Repository-relative paths that are modified, staged or untracked right now."""
        from git.exc import GitCommandError

        git: Any = self.repo.git
        out: dict[str, list[str]] = {}
        for kind, verb, args in (
            ("modified", "diff", ("--name-only",)),
            ("staged", "diff", ("--name-only", "--cached")),
            ("untracked", "ls_files", ("--others", "--exclude-standard")),
        ):
            try:
                text = str(getattr(git, verb)(*args))
            except GitCommandError:
                text = ""
            out[kind] = [line for line in text.splitlines() if line.strip()]
        return out

    def is_reachable(self, hash_: str, rev: str) -> bool:
        """Tell whether ``hash_`` is in the history of ``rev``."""
        if rev not in self._reachable:
            head = self._head(rev)
            out = self.repo.git.rev_list(head.hash)
            self._reachable[rev] = set(out.split())
        return hash_ in self._reachable[rev]

    # ------------------------------------------------------------------ rewritten commits

    def patch_id(self, hash_: str) -> str | None:
        """Compute ``git patch-id --stable`` of one commit (None for an empty or merge commit)."""
        shown = self.repo.git.show(
            "--no-color", "--no-ext-diff", "--format=commit %H", hash_, as_process=True
        )
        try:
            out = self.repo.git.patch_id("--stable", istream=shown.proc.stdout)
        finally:
            shown.wait()
        first = out.split()
        return first[0] if first else None

    def _patch_ids(self, rev: str, exclude: str) -> list[tuple[str, str]]:
        log = self.repo.git.log(
            "-p", "--no-color", "--no-ext-diff", rev, f"^{exclude}", "--", as_process=True
        )
        try:
            out = self.repo.git.patch_id("--stable", istream=log.proc.stdout)
        finally:
            log.wait()
        pairs = []
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2:
                pairs.append((parts[0], parts[1]))
        return pairs

    def _subject_list(self, rev: str, exclude: str | None) -> list[tuple[str, str]]:
        key = f"{rev}\x00{exclude or ''}"
        if key not in self._subjects:
            args = ["--no-color", f"--format=%H{_SEP}%s", rev]
            if exclude:
                args.append(f"^{exclude}")
            out = self.repo.git.log(*args, "--")
            pairs = []
            for line in out.splitlines():
                full, _, subject = line.partition(_SEP)
                pairs.append((full.strip(), subject.strip()))
            self._subjects[key] = pairs
        return self._subjects[key]

    def find_rewritten(self, *, old: Commit | None, subject: str, rev: str) -> Proposal | None:
        """Find on ``rev`` the commit that replaced ``old``: same patch-id, else same subject.

        ``old`` is None when the commit no longer exists; then only the subject written in
        the diary can be matched. The newest match wins.
        """
        head = self._head(rev)
        if old is not None:
            pid = self.patch_id(old.hash)
            if pid:
                for candidate_pid, candidate in self._patch_ids(head.hash, old.hash):
                    if candidate_pid == pid and candidate != old.hash:
                        return Proposal(commit=self._commit_of(candidate), match="patch-id")
            subject = subject or old.subject
        wanted = subject.strip()
        if not wanted:
            return None
        exclude = old.hash if old is not None else None
        for full, candidate_subject in self._subject_list(head.hash, exclude):
            if candidate_subject == wanted and (old is None or full != old.hash):
                return Proposal(
                    commit=Commit(hash=full, subject=candidate_subject), match="subject"
                )
        return None

    def _commit_of(self, full: str) -> Commit:
        return self.resolve(full)

    # ------------------------------------------------------------------ history

    def commits_touching(
        self, rev: str, *, paths: list[Path], since: datetime | None = None
    ) -> list[tuple[Commit, datetime]]:
        """List the non-merge commits reachable from ``rev`` (newest first) that changed any
        of ``paths`` (absolute, inside the repository), committed at or after ``since``."""
        head = self._head(rev)
        relative = [os.path.relpath(p, self.root) for p in paths]
        args = ["--no-merges", "--no-color", f"--format=%H{_SEP}%cI{_SEP}%s", head.hash]
        if since is not None:
            args.append(f"--since={since.isoformat()}")
        out = self.repo.git.log(*args, "--", *relative)
        found = []
        for line in str(out).splitlines():
            full, _, rest = line.partition(_SEP)
            when, _, subject = rest.partition(_SEP)
            found.append(
                (Commit(hash=full.strip(), subject=subject.strip()), datetime.fromisoformat(when))
            )
        return found

    # ------------------------------------------------------------------ identity and branch

    def identity(self) -> str:
        """Return the author name git would record here (GIT_AUTHOR_NAME, author.name,
        user.name, …).

        Read from the environment and the config files through this handle's config reader,
        so the common case starts no process; ``git var`` answers when the config is steered
        by environment variables GitPython does not read, or names nobody.
        """
        from git.exc import GitCommandError

        name = os.environ.get("GIT_AUTHOR_NAME", "").strip()
        if name:
            return name
        if not any(key in os.environ for key in _CONFIG_ENV):
            reader = self.config()
            for section in ("author", "user"):
                value = str(reader.get_value(section, "name", "")).strip()
                if value:
                    return value
        try:
            ident = str(self.repo.git.var("GIT_AUTHOR_IDENT"))
        except GitCommandError:
            return ""
        return ident.split("<", 1)[0].strip()

    def config(self) -> Any:
        """The repository's config reader (all levels), read once per handle."""
        if self._config is None:
            self._config = self.repo.config_reader()
        return self._config

    def current_branch(self) -> str | None:
        """Return the checked-out branch name, or None on a detached HEAD."""
        try:
            return str(self.repo.active_branch.name)
        except TypeError:  # detached HEAD
            return None

    # ------------------------------------------------------------------ hooks and config

    def hooks_dir(self) -> Path:
        """Return the folder git runs hooks from (``core.hooksPath`` honoured)."""
        out = str(self.repo.git.rev_parse("--git-path", "hooks")).strip()
        path = Path(out)
        return path if path.is_absolute() else self.root / path

    def config_value(self, key: str) -> str | None:
        """Return a repository config value, None when unset."""
        from git.exc import GitCommandError

        try:
            return str(self.repo.git.config("--get", key))
        except GitCommandError:
            return None

    def set_config(self, key: str, value: str) -> None:
        """Set a value in the repository's own config (``.git/config``)."""
        self.repo.git.config("--local", key, value)
        self._config = None

    def remove_config_section(self, section: str) -> bool:
        """Remove a section of the repository config; False when it was not there."""
        from git.exc import GitCommandError

        try:
            self.repo.git.config("--local", "--remove-section", section)
        except GitCommandError:
            return False
        self._config = None
        return True

    # ------------------------------------------------------------------ links

    def commit_url(self, hash_: str) -> str | None:
        """Return the web page of a commit on the ``origin`` remote (GitHub, GitLab, Gitea)."""
        try:
            url = self.config().get_value('remote "origin"', "url")
        except Exception:  # no origin remote: plain hashes
            return None
        return commit_url_for(str(url), hash_)


def _message_of(data: bytes) -> str:
    """The message of a raw commit object, decoded as its ``encoding`` header says."""
    headers, _, message = data.partition(b"\n\n")
    encoding = "utf-8"
    for line in headers.split(b"\n"):
        if line.startswith(b"encoding "):
            encoding = line[len(b"encoding ") :].decode("ascii", "replace").strip() or encoding
    try:
        return message.decode(encoding, "replace")
    except LookupError:  # an encoding Python does not know
        return message.decode("utf-8", "replace")


def subject_of(message: str) -> str:
    """Return a message's subject the way git's ``%s`` shows it (first paragraph, one line)."""
    paragraph = message.strip("\n").split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines() if line.strip())


def commit_url_for(remote_url: str, hash_: str) -> str | None:
    """Turn a remote URL (https, ssh or scp form) into a commit page URL.

    GitHub and Gitea (also Forgejo and Codeberg, which run it) use ``/commit/<hash>``,
    GitLab ``/-/commit/<hash>``; other hosts are unknown and get no link.
    """
    url = remote_url.strip()
    match = re.match(r"^(?:[a-z+]+://)?(?:[^@/]+@)?([^/:]+)(?::\d+)?[:/](.+?)(?:\.git)?/?$", url)
    if not match:
        return None
    host, project = match.group(1).lower(), match.group(2).strip("/")
    if not project or "/" not in project:
        return None
    if "gitlab" in host:
        return f"https://{host}/{project}/-/commit/{hash_}"
    if any(name in host for name in ("github", "gitea", "forgejo", "codeberg")):
        return f"https://{host}/{project}/commit/{hash_}"
    return None


def identity_at(path: Path) -> str:
    """What ``Repository.identity`` answers for the repository holding ``path``, without
    GitPython ("" outside a repository or a working tree).

    For a diary step that links no commit: two or three short ``git`` processes cost a
    fraction of importing GitPython. git itself reads its configuration (every file,
    includes, ``GIT_CONFIG_*``); ``git var`` answers when the configuration names nobody.
    """
    start = os.path.abspath(path)
    if not os.path.exists(start):
        return ""
    if _git_output(start, "rev-parse", "--is-inside-work-tree") != "true":
        return ""  # no repository, or a bare one: open_repository refuses both
    name = os.environ.get("GIT_AUTHOR_NAME", "").strip()
    if name:
        return name
    names: dict[str, str] = {}  # the last value of a key wins, as for git config --get
    for line in (
        _git_output(start, "config", "--get-regexp", r"^(author|user)\.name$") or ""
    ).splitlines():
        key, _, value = line.partition(" ")
        names[key] = value.strip()
    for key in ("author.name", "user.name"):
        if names.get(key):
            return names[key]
    ident = _git_output(start, "var", "GIT_AUTHOR_IDENT")
    return ident.split("<", 1)[0].strip() if ident else ""


def _git_output(where: str, *args: str) -> str | None:
    """``git -C where args`` stripped output, None when git fails or is missing."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", where, *args],
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def open_repository(path: Path) -> Repository:
    """Open the git repository containing ``path``; one clear error when there is none."""
    start = Path(os.path.abspath(path))
    if not start.exists():
        raise GitLinkError(f"repository path does not exist: {start}", _NOT_A_REPO_HINT)
    try:
        import git
    except ImportError as exc:  # pragma: no cover - GitPython is a dependency
        raise GitLinkError(
            f"GitPython is not available: {exc}", "install docmgr with its dependencies"
        ) from None
    try:
        repo = git.Repo(start, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitLinkError(f"not a git repository: {start}", _NOT_A_REPO_HINT) from None
    except git.GitCommandNotFound:  # pragma: no cover - depends on the machine
        raise GitLinkError("the git executable was not found", "install git") from None
    if repo.bare or repo.working_tree_dir is None:
        raise GitLinkError(f"bare repository has no working tree: {start}", _NOT_A_REPO_HINT)
    return Repository(Path(repo.working_tree_dir), repo)
