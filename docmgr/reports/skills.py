"""Skills, read side: list and filter plans, build load commands, pick one skill by query.

Discovery and source resolution live in store/skills.py; this module adds what the verbs
``skill list`` and ``skill show`` decide: topic and related-file filters, the shortest
unambiguous ``docmgr skill show …`` per listed skill, and the scoring of spec §11.3.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from docmgr.errors import SkillAmbiguous, SkillNotFound
from docmgr.formats.skill_plan import Source
from docmgr.store import lookup
from docmgr.store.skills import Skill, discover
from docmgr.store.workspace import Workspace

# --- matching related files -------------------------------------------------------------


def _source_abs(ws: Workspace, raw: str) -> Path | None:
    text = raw.strip().replace("\\", "/")
    if not text:
        return None
    if text.startswith("/"):
        return Path(posixpath.normpath(text))
    return Path(os.path.abspath(Path(ws.repo_root) / text))


def _query_abs(ws: Workspace, raw: str) -> tuple[Path | None, str]:
    """(absolute path, cleaned relative suffix) of a ``--file``/``--dir`` query."""
    text = raw.strip().replace("\\", "/").rstrip("/")
    if not text:
        return None, ""
    if text.startswith("/"):
        return Path(posixpath.normpath(text)), ""
    for base in (ws.cwd, ws.repo_root, ws.root):
        candidate = Path(os.path.abspath(Path(base) / text))
        if candidate.exists():
            return candidate, ""
    clean = posixpath.normpath(text)
    suffix = "" if clean.startswith("..") or clean == "." else clean
    return Path(os.path.abspath(Path(ws.repo_root) / text)), suffix


def matches_file(ws: Workspace, skill: Skill, query: str) -> bool:
    """The plan has a ``file`` source that is ``query`` (or ends with it, whole segments)."""
    target, suffix = _query_abs(ws, query)
    for source in skill.file_sources():
        where = _source_abs(ws, source.path)
        if where is None:
            continue
        if target is not None and where == target:
            return True
        if suffix and where.as_posix().endswith("/" + suffix):
            return True
    return False


def matches_dir(ws: Workspace, skill: Skill, query: str) -> bool:
    """The plan has a ``file`` source below the folder ``query``."""
    target, suffix = _query_abs(ws, query)
    for source in skill.file_sources():
        where = _source_abs(ws, source.path)
        if where is None:
            continue
        if target is not None and target in where.parents:
            return True
        if suffix and f"/{suffix}/" in where.as_posix():
            return True
    return False


# --- list -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Listed:
    skill: Skill
    load_command: str

    def row(self) -> dict[str, str]:
        plan = self.skill.plan
        return {
            "skill": self.skill.title,
            "what_for": plan.what_for,
            "when_to_use": plan.when_to_use,
            "topics": ",".join(plan.topics),
            "related_paths": ",".join(s.path for s in self.skill.file_sources()),
            "path": self.skill.display_path,
            "load_command": self.load_command,
            "ticket": self.skill.ticket,
            "ticket_title": self.skill.ticket_title,
        }


def default_root(ws: Workspace) -> Path:
    """The docs root docmgr finds here without ``--root`` (load commands omit it then)."""
    return Workspace.open(None, cwd=ws.cwd, env=ws.env).root


def _strip_prefix(title: str) -> str:
    return re.sub(r"(?i)^\s*skill\s*:\s*", "", title.strip()).strip()


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def load_commands(skills: list[Skill], *, root: Path, default: Path, ticket: str = "") -> list[str]:
    """A short copy-and-paste ``docmgr skill show …`` for each skill of a listing.

    The identifier is the first one unambiguous within the listing: name, folder name,
    title without a ``Skill:`` prefix, else the plan's path (spec §11.2).
    """

    def counts(values: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in values:
            out[v.lower()] = out.get(v.lower(), 0) + 1
        return out

    names = counts([s.name for s in skills])
    slugs = counts([s.dir_slug for s in skills])
    titles = counts([_strip_prefix(s.title) for s in skills])
    commands = []
    for s in skills:
        parts = ["docmgr skill show"]
        if os.path.abspath(root) != os.path.abspath(default):
            parts.append(f"--root {_quote(str(root))}")
        title = _strip_prefix(s.title)
        if s.name and names[s.name.lower()] == 1:
            query = s.name
        elif s.dir_slug and slugs[s.dir_slug.lower()] == 1:
            query = s.dir_slug
        elif title and titles[title.lower()] == 1:
            query = _quote(title)
        else:
            query = _quote(str(s.path))
        is_path = query == _quote(str(s.path))
        if ticket and not is_path:
            parts.append(f"--ticket {_quote(ticket)}")
        parts.append(query)
        commands.append(" ".join(parts))
    return commands


def list_skills(
    ws: Workspace,
    *,
    ticket: str = "",
    topics: list[str] | None = None,
    file: str = "",
    dir: str = "",
) -> list[Listed]:
    """The visible skills, filtered by topics (any), a related file and a related folder."""
    if ticket:  # load commands name the ticket by its id, whatever reference was typed
        ticket = lookup.resolve_ticket(ws, ticket).id
    skills = discover(ws, ticket=ticket)
    wanted = {t.strip().lower() for t in topics or [] if t.strip()}
    if wanted:
        skills = [s for s in skills if wanted & {t.lower() for t in s.plan.topics}]
    if file.strip():
        skills = [s for s in skills if matches_file(ws, s, file)]
    if dir.strip():
        skills = [s for s in skills if matches_dir(ws, s, dir)]
    commands = load_commands(skills, root=ws.root, default=default_root(ws), ticket=ticket)
    return [Listed(skill=s, load_command=c) for s, c in zip(skills, commands, strict=True)]


# --- show: scoring ----------------------------------------------------------------------


def _slug(text: str) -> str:
    lowered = re.sub(r"\s+", " ", text.strip().lower().replace("_", " ").replace("-", " "))
    return re.sub(r"[^a-z0-9-]+", "", lowered.strip().replace(" ", "-")).strip("-")


def looks_like_path(query: str) -> bool:
    q = query.strip()
    lower = q.lower()
    return bool(q) and (
        os.path.isabs(q) or "/" in q or "\\" in q or lower.endswith((".md", ".yaml", ".yml"))
    )


@dataclass(frozen=True, slots=True)
class Scored:
    skill: Skill
    score: int
    why: str


def score(ws: Workspace, skill: Skill, query: str) -> Scored:
    """How well ``skill`` matches ``query`` (spec §11.3; 0 = not at all)."""
    raw = query.strip()
    q = raw.lower()
    q_bare = _strip_prefix(raw).lower()
    q_slug = _slug(raw)
    q_bare_slug = _slug(_strip_prefix(raw))
    title = skill.title.lower()
    title_bare = _strip_prefix(skill.title).lower()
    name = skill.name.lower()
    dir_slug = skill.dir_slug.lower()
    if looks_like_path(raw):
        target, suffix = _query_abs(ws, raw)
        if target is not None and target.is_dir():
            if target in skill.path.parents:
                return Scored(skill, 1000, "path-dir")
        elif target is not None and target.is_file():
            if os.path.realpath(target) == os.path.realpath(skill.path):
                return Scored(skill, 1100, "path-file")
        else:
            text = raw.replace("\\", "/").strip("/").lower()
            plan_path = skill.path.as_posix().lower()
            folder = skill.path.parent.as_posix().lower()
            if (
                text
                and any(p == text or p.endswith("/" + text) for p in (plan_path, folder))
                or (suffix and plan_path.endswith("/" + suffix.lower()))
            ):
                return Scored(skill, 900, "path-fuzzy")
    tests: list[tuple[bool, int, str]] = [
        (bool(name) and name == q, 880, "name-exact"),
        (title == q, 860, "title-exact"),
        (bool(title_bare) and title_bare == q_bare, 840, "title-no-prefix-exact"),
        (dir_slug in (q, q_slug, q_bare_slug), 830, "slug-exact"),
        (_slug(skill.name) in (q_slug, q_bare_slug), 820, "name-slug-exact"),
        (
            _slug(skill.title) == q_slug or _slug(title_bare) in (q_slug, q_bare_slug),
            810,
            "title-slug-exact",
        ),
        (bool(q) and q in title, 600, "title-contains"),
        (
            bool(q_bare) and bool(title_bare) and q_bare in title_bare,
            590,
            "title-no-prefix-contains",
        ),
        (bool(q) and q in name, 580, "name-contains"),
        (bool(q_slug) and q_slug in _slug(skill.title), 570, "slug-contains"),
    ]
    for hit, points, why in tests:
        if hit:
            return Scored(skill, points, why)
    return Scored(skill, 0, "")


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    skill: Skill
    score: int
    load_command: str = ""


def find(ws: Workspace, query: str, *, ticket: str = "") -> Skill:
    """The one skill ``query`` names best; SkillNotFound or SkillAmbiguous otherwise."""
    if not query.strip():
        raise SkillNotFound(
            "missing skill query", "pass a name, title or path: docmgr skill show api-design"
        )
    if ticket:
        ticket = lookup.resolve_ticket(ws, ticket).id
    ranked = [s for s in (score(ws, k, query) for k in discover(ws, ticket=ticket)) if s.score]
    ranked.sort(key=lambda s: (-s.score, s.skill.title, s.skill.display_path))
    if not ranked:
        raise SkillNotFound(f'no skills found matching "{query.strip()}"')
    if len(ranked) > 1 and ranked[0].score == ranked[1].score:
        tied = [s.skill for s in ranked if s.score == ranked[0].score]
        commands = load_commands(tied, root=ws.root, default=default_root(ws), ticket=ticket)
        raise SkillAmbiguous(
            f'multiple skills match "{query.strip()}"',
            [
                Candidate(skill=s, score=ranked[0].score, load_command=c)
                for s, c in zip(tied, commands, strict=True)
            ],
        )
    return ranked[0].skill


def describe_source(source: Source) -> str:
    """One line of ``skill show``'s Sources list."""
    if source.kind == "binary-help":
        text = f"binary-help: {source.binary} help {source.topic}"
        if source.output:
            text += f" -> {source.output}"
        return f"{text} (wrap: {source.wrap_mode})"
    text = f"file: {source.path}"
    if source.output:
        text += f" -> {source.output}"
    flags = [
        flag
        for flag, on in (
            ("strip-frontmatter", source.strip_frontmatter),
            ("append-to-body", source.append_to_body),
        )
        if on
    ]
    return text + (f" ({', '.join(flags)})" if flags else "")
