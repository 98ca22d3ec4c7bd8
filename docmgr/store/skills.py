"""Skills on disk: find ``skill.yaml`` plans, load them, and read what their sources point at.

A skill is a ``skill.yaml`` plan under ``<root>/skills/`` (a workspace skill) or under
``<ticket>/skills/`` (a ticket skill), spec §11. Without a ticket, the skills of tickets whose
Status is active, review or draft are visible; with one, that ticket's skills are. Resolving a
plan reads its ``file`` sources and runs its ``binary-help`` sources (through seams/process:
no shell, a timeout); nothing here writes.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from docmgr.errors import DocmgrError, ProgramNotFound, ProgramTimedOut, SkillPlanError
from docmgr.formats import skill_plan
from docmgr.formats.skill_plan import Plan, Source
from docmgr.model import Ticket
from docmgr.seams import process
from docmgr.seams.fsio import read_text
from docmgr.store import lookup
from docmgr.store.index import load_docs
from docmgr.store.workspace import Workspace

VISIBLE_STATUSES = ("active", "review", "draft")
PLAN_FILE = "skill.yaml"
DEFAULT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class Skill:
    """A loaded plan and where it lives."""

    plan: Plan
    path: Path  # absolute path of skill.yaml
    display_path: str  # repository-relative when inside the repository, else absolute
    ticket: str = ""  # '' for a workspace skill
    ticket_title: str = ""

    @property
    def title(self) -> str:
        return self.plan.display_title

    @property
    def name(self) -> str:
        return self.plan.name

    @property
    def dir_slug(self) -> str:
        return self.path.parent.name

    def file_sources(self) -> list[Source]:
        return [s for s in self.plan.sources if s.kind == "file"]


def scan_plans(base: Path) -> list[Path]:
    """Every file named ``skill.yaml`` (any case) under ``base``, sorted; symlinks not followed."""
    if not base.is_dir():
        return []
    found: list[Path] = []
    for folder, dirs, files in os.walk(base):
        dirs.sort()
        found.extend(Path(folder) / f for f in sorted(files) if f.lower() == PLAN_FILE)
    return found


def load_plan(ws: Workspace, path: Path, ticket: Ticket | None = None) -> Skill:
    """Load one plan; any problem becomes ``failed to load skill plan <path>: …``."""
    try:
        plan = skill_plan.load(read_text(path))
    except SkillPlanError as exc:
        raise SkillPlanError(f"failed to load skill plan {path}: {exc.message}") from None
    except OSError as exc:
        raise DocmgrError(f"failed to read skill plan {path}: {exc.strerror}") from None
    return Skill(
        plan=plan,
        path=path,
        display_path=_display(ws, path),
        ticket=ticket.id if ticket else "",
        ticket_title=ticket.title if ticket else "",
    )


def _display(ws: Workspace, path: Path) -> str:
    repo = Path(os.path.abspath(ws.repo_root))
    try:
        return path.relative_to(repo).as_posix()
    except ValueError:
        return path.as_posix()


def discover(ws: Workspace, *, ticket: str = "") -> list[Skill]:
    """Workspace skills plus ticket skills: of ``ticket`` if given, else of open tickets."""
    root = ws.require_root()
    found = [load_plan(ws, p) for p in scan_plans(root / "skills")]
    docs = load_docs(ws)
    if ticket:
        chosen = [lookup.resolve_ticket(ws, ticket, docs=docs)]
    else:
        chosen = [
            t
            for t in lookup.tickets_from_docs(docs)
            if t.status.strip().lower() in VISIBLE_STATUSES
        ]
    seen: set[Path] = set()
    for t in sorted(chosen, key=lambda t: t.doc.rel):
        if t.dir in seen:
            continue
        seen.add(t.dir)
        found.extend(load_plan(ws, p, t) for p in scan_plans(t.dir / "skills"))
    return found


# --- resolving sources ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Resolved:
    source: Source
    output: str  # cleaned output path ('' for a body-only source)
    content: str


@dataclass(slots=True)
class Resolution:
    sources: list[Resolved] = field(default_factory=list)

    @property
    def appended(self) -> list[str]:
        return [r.content for r in self.sources if r.source.append_to_body]

    @property
    def files(self) -> list[Resolved]:
        return [r for r in self.sources if r.output and not r.source.append_to_body]


def source_path(ws: Workspace, raw: str) -> Path:
    """Where a ``file`` source's path points: absolute, or inside the repository."""
    text = raw.strip().replace("\\", "/")
    if not text or posixpath.normpath(text) == ".":
        raise SkillPlanError("source path is empty")
    if os.path.isabs(text):
        return Path(posixpath.normpath(text))
    repo = Path(os.path.abspath(ws.repo_root))
    target = Path(os.path.abspath(repo / text))
    if target != repo and repo not in target.parents:
        raise SkillPlanError(f"source path escapes repository: {raw}")
    return target


def read_file_source(ws: Workspace, source: Source) -> str:
    path = source_path(ws, source.path)
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        raise DocmgrError(
            f"failed to read source file {path}: {exc.strerror}",
            "fix the path in skill.yaml (relative to the repository root)",
        ) from None
    return skill_plan.strip_front_matter(text) if source.strip_frontmatter else text


def run_binary_help(source: Source, *, default_timeout: int = DEFAULT_TIMEOUT_SECONDS) -> str:
    """``<binary> help <topic>``, no shell, killed after its timeout; fenced unless wrap: none."""
    timeout = source.timeout_seconds or default_timeout
    binary = source.binary.strip()
    argv = [binary, "help"] + ([source.topic.strip()] if source.topic.strip() else [])
    try:
        ran = process.run(argv, timeout=timeout)
    except ProgramNotFound:
        raise DocmgrError(
            f"binary not found on PATH: {binary}", "install it or fix sources[].binary"
        ) from None
    except ProgramTimedOut:
        raise DocmgrError(
            f"binary help timed out after {timeout}s for {binary}",
            "raise timeout_seconds in skill.yaml",
        ) from None
    output = ran.output.decode("utf-8", errors="replace")
    if ran.returncode != 0:
        raise DocmgrError(
            f"binary help failed: {output.strip()} (exit status {ran.returncode})",
            f"check that '{binary} help {source.topic.strip()}' works",
        )
    if source.wrap_mode == "markdown":
        return "```text\n" + output.rstrip("\n") + "\n```\n"
    return output


def resolve(ws: Workspace, skill: Skill) -> Resolution:
    """Read every source of the plan (files read, binaries run): nothing is written."""
    out = Resolution()
    for source in skill.plan.sources:
        if source.kind == "file":
            content = read_file_source(ws, source)
        else:
            content = run_binary_help(source)
        output = skill_plan.clean_output(source.output) if source.output.strip() else ""
        out.sources.append(Resolved(source=source, output=output, content=content))
    return out
