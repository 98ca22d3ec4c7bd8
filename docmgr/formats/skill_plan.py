"""Skill plans (``skill.yaml``) and Agent Skills ``SKILL.md`` files: text <-> model, no I/O.

A plan names a skill (name, title, description, what it is for, when to use it, topics) and
the sources its exported ``SKILL.md`` folder is built from: files of the repository and the
``help`` output of binaries (spec §11.1). Parsing is strict like the Go tool's: unknown keys,
wrong types and a second YAML document are errors, and ``validate`` applies the plan rules
with the Go tool's exact messages.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from docmgr.errors import SkillPlanError

MAX_NAME = 64
MAX_DESCRIPTION = 1024
DEFAULT_INDEX_TITLE = "References"
BODY_FILE = "skill-body.md"

_NAME = re.compile(r"^[a-z0-9-]+$")

# key -> expected kind, per mapping of the plan ("str", "bool", "int", "list", "map", "seq")
_SKILL_KEYS = {
    "name": "str",
    "title": "str",
    "description": "str",
    "what_for": "str",
    "when_to_use": "str",
    "topics": "list",
    "license": "str",
    "compatibility": "str",
}
_SOURCE_KEYS = {
    "type": "str",
    "path": "str",
    "output": "str",
    "strip-frontmatter": "bool",
    "append_to_body": "bool",
    "binary": "str",
    "topic": "str",
    "wrap": "str",
    "timeout_seconds": "int",
}
_OUTPUT_KEYS = {"skill_dir_name": "str", "skill_md": "map"}
_SKILL_MD_KEYS = {"intro": "str", "include_index": "bool", "index_title": "str"}
_TOP_KEYS = {"skill": "map", "sources": "seq", "output": "map"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One input of a skill: a repository file, or the help text of a binary."""

    type: str
    path: str = ""
    output: str = ""
    strip_frontmatter: bool = False
    append_to_body: bool = False
    binary: str = ""
    topic: str = ""
    wrap: str = ""
    timeout_seconds: int = 0

    @property
    def kind(self) -> str:
        return self.type.strip().lower()

    @property
    def wrap_mode(self) -> str:
        return self.wrap.strip().lower() or "markdown"


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """A parsed ``skill.yaml``."""

    name: str
    description: str = ""
    title: str = ""
    what_for: str = ""
    when_to_use: str = ""
    topics: tuple[str, ...] = ()
    license: str = ""
    compatibility: str = ""
    sources: tuple[Source, ...] = ()
    skill_dir_name: str = ""
    intro: str = ""
    include_index: bool = True
    index_title: str = ""

    @property
    def display_title(self) -> str:
        return self.title.strip() or self.name.strip()

    @property
    def dir_name(self) -> str:
        return self.skill_dir_name.strip() or self.name.strip()

    @property
    def index_heading(self) -> str:
        return self.index_title.strip() or DEFAULT_INDEX_TITLE


def _kind_ok(value: Any, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str) or value is None
    if kind == "bool":
        return isinstance(value, bool) or value is None
    if kind == "int":
        return (isinstance(value, int) and not isinstance(value, bool)) or value is None
    if kind == "list":
        return value is None or (isinstance(value, list) and all(isinstance(v, str) for v in value))
    if kind == "map":
        return value is None or isinstance(value, dict)
    return value is None or isinstance(value, list)


def _check_keys(node: Any, keys: dict[str, str], where: str, problems: list[str]) -> None:
    """Strict decoding: every key must be known, every value of the expected kind."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        problems.append(f"line {node.start_mark.line + 1}: {where} must be a mapping")
        return
    for key_node, value_node in node.value:
        key = key_node.value
        line = key_node.start_mark.line + 1
        if key not in keys:
            problems.append(f"line {line}: field {key} not found in {where}")
            continue
        sub = f"{where}.{key}" if where != "plan" else key
        if keys[key] == "map" and isinstance(value_node, yaml.MappingNode):
            nested = {"skill": _SKILL_KEYS, "output": _OUTPUT_KEYS, "skill_md": _SKILL_MD_KEYS}
            _check_keys(value_node, nested[key], sub, problems)
        elif keys[key] == "seq" and isinstance(value_node, yaml.SequenceNode):
            for i, item in enumerate(value_node.value):
                _check_keys(item, _SOURCE_KEYS, f"sources[{i}]", problems)


def _typed(data: dict[str, Any], keys: dict[str, str], where: str, problems: list[str]) -> None:
    for key, value in data.items():
        kind = keys.get(key)
        if kind is not None and not _kind_ok(value, kind):
            wanted = {"str": "a string", "bool": "true or false", "int": "an integer"}.get(
                kind, "a list of strings" if kind == "list" else "a mapping"
            )
            problems.append(
                f"{where}.{key} must be {wanted}" if where else f"{key} must be {wanted}"
            )


def parse(text: str) -> Plan:
    """Decode ``skill.yaml`` strictly (spec §11.1); raise SkillPlanError, never validate."""
    import yaml

    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise SkillPlanError(f"failed to decode skill plan: {_yaml_problem(exc)}") from None
    if len(nodes) > 1:
        raise SkillPlanError("skill plan must contain a single YAML document")
    if not nodes or nodes[0] is None:
        raise SkillPlanError("failed to decode skill plan: the file is empty")
    problems: list[str] = []
    _check_keys(nodes[0], _TOP_KEYS, "plan", problems)
    if problems:
        raise SkillPlanError("failed to decode skill plan: " + "; ".join(problems))
    data = yaml.safe_load(text) or {}
    _typed(data, _TOP_KEYS, "", problems)
    skill = data.get("skill") or {}
    output = data.get("output") or {}
    sources = data.get("sources") or []
    if isinstance(skill, dict):
        _typed(skill, _SKILL_KEYS, "skill", problems)
    if isinstance(output, dict):
        _typed(output, _OUTPUT_KEYS, "output", problems)
        if isinstance(output.get("skill_md"), dict):
            _typed(output["skill_md"], _SKILL_MD_KEYS, "output.skill_md", problems)
    if isinstance(sources, list):
        for i, item in enumerate(sources):
            if isinstance(item, dict):
                _typed(item, _SOURCE_KEYS, f"sources[{i}]", problems)
    if problems:
        raise SkillPlanError("failed to decode skill plan: " + "; ".join(problems))
    md = output.get("skill_md") or {}
    include = md.get("include_index")
    return Plan(
        name=_s(skill.get("name")),
        title=_s(skill.get("title")),
        description=_s(skill.get("description")),
        what_for=_s(skill.get("what_for")),
        when_to_use=_s(skill.get("when_to_use")),
        topics=tuple(skill.get("topics") or ()),
        license=_s(skill.get("license")),
        compatibility=_s(skill.get("compatibility")),
        sources=tuple(
            Source(
                type=_s(item.get("type")),
                path=_s(item.get("path")),
                output=_s(item.get("output")),
                strip_frontmatter=bool(item.get("strip-frontmatter")),
                append_to_body=bool(item.get("append_to_body")),
                binary=_s(item.get("binary")),
                topic=_s(item.get("topic")),
                wrap=_s(item.get("wrap")),
                timeout_seconds=int(item.get("timeout_seconds") or 0),
            )
            for item in sources
        ),
        skill_dir_name=_s(output.get("skill_dir_name")),
        intro=_s(md.get("intro")),
        include_index=True if include is None else bool(include),
        index_title=_s(md.get("index_title")),
    )


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _yaml_problem(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return f"line {mark.line + 1}: {problem}" if mark is not None else str(problem)


def name_problem(name: str) -> str:
    """The rule a skill name breaks ('' when it is valid)."""
    if not _NAME.match(name):
        return "skill.name must be lowercase letters, digits, and hyphens only"
    if name.startswith("-") or name.endswith("-") or "--" in name:
        return "skill.name cannot start/end with '-' or contain consecutive hyphens"
    if len(name) > MAX_NAME:
        return f"skill.name is too long ({len(name)} characters), max is {MAX_NAME}"
    return ""


def description_problem(description: str) -> str:
    """The rule a skill description breaks ('' when it is valid)."""
    if "<" in description or ">" in description:
        return "skill.description cannot contain angle brackets"
    if len(description) > MAX_DESCRIPTION:
        return (
            f"skill.description is too long ({len(description)} characters), "
            f"max is {MAX_DESCRIPTION}"
        )
    return ""


def output_problem(output: str) -> str:
    """Why an output path may not be used ('' when it stays inside the skill folder)."""
    text = output.strip().replace("\\", "/")
    clean = posixpath.normpath(text) if text else ""
    if clean in ("", "."):
        return "output path is empty"
    if clean.startswith("/") or re.match(r"^[A-Za-z]:", clean):
        return "output path must be relative"
    if clean == ".." or clean.startswith("../"):
        return "output path must not escape the skill directory"
    return ""


def clean_output(output: str) -> str:
    """The normalised, slash-separated form of a (valid) output path."""
    return posixpath.normpath(output.strip().replace("\\", "/"))


def problems(plan: Plan) -> list[str]:
    """Every rule the plan breaks, in the Go tool's words and order (spec §11.1)."""
    issues: list[str] = []
    name = plan.name.strip()
    description = plan.description.strip()
    if not name:
        issues.append("skill.name is required")
    elif problem := name_problem(name):
        issues.append(problem)
    if not description:
        issues.append("skill.description is required")
    elif problem := description_problem(description):
        issues.append(problem)
    if not plan.what_for.strip():
        issues.append("skill.what_for is required")
    if not plan.when_to_use.strip():
        issues.append("skill.when_to_use is required")
    if not [t for t in plan.topics if t.strip()]:
        issues.append("skill.topics must include at least one topic")
    if plan.skill_dir_name.strip() and plan.skill_dir_name.strip() != name:
        issues.append(f'output.skill_dir_name must match skill.name ("{name}")')
    for i, source in enumerate(plan.sources):
        at = f"sources[{i}]"
        if not source.type.strip():
            issues.append(f"{at}.type is required")
            continue
        if source.kind == "file":
            if not source.path.strip():
                issues.append(f"{at}.path is required for file source")
            if source.output.strip():
                if problem := output_problem(source.output):
                    issues.append(f"{at}.output invalid: {problem}")
            elif not source.append_to_body:
                issues.append(f"{at}.output is required for file source")
        elif source.kind == "binary-help":
            if not source.binary.strip():
                issues.append(f"{at}.binary is required for binary-help source")
            if not source.topic.strip():
                issues.append(f"{at}.topic is required for binary-help source")
            if not source.output.strip():
                issues.append(f"{at}.output is required for binary-help source")
            elif problem := output_problem(source.output):
                issues.append(f"{at}.output invalid: {problem}")
            if source.wrap.strip() and source.wrap_mode not in ("markdown", "none"):
                issues.append(f"{at}.wrap must be 'markdown' or 'none'")
            if source.timeout_seconds < 0:
                issues.append(f"{at}.timeout_seconds must not be negative")
        else:
            issues.append(f'{at}.type "{source.type}" is not supported')
    return issues


def validate(plan: Plan) -> Plan:
    """Return the plan, or raise SkillPlanError listing every broken rule."""
    issues = problems(plan)
    if issues:
        raise SkillPlanError("invalid skill plan:\n- " + "\n- ".join(issues))
    return plan


def load(text: str) -> Plan:
    """Parse and validate a ``skill.yaml``."""
    return validate(parse(text))


def dump(plan: Plan) -> str:
    """Render a plan as ``skill.yaml`` (the keys of spec §11.1, defaults left out)."""
    import yaml

    skill: dict[str, Any] = {"name": plan.name}
    if plan.title:
        skill["title"] = plan.title
    skill["description"] = plan.description
    skill["what_for"] = plan.what_for
    skill["when_to_use"] = plan.when_to_use
    skill["topics"] = list(plan.topics)
    for key in ("license", "compatibility"):
        if getattr(plan, key):
            skill[key] = getattr(plan, key)
    sources = []
    for source in plan.sources:
        item: dict[str, Any] = {"type": source.type}
        for key, attr in (("path", "path"), ("binary", "binary"), ("topic", "topic")):
            if getattr(source, attr):
                item[key] = getattr(source, attr)
        if source.output:
            item["output"] = source.output
        if source.strip_frontmatter:
            item["strip-frontmatter"] = True
        if source.append_to_body:
            item["append_to_body"] = True
        if source.wrap:
            item["wrap"] = source.wrap
        if source.timeout_seconds:
            item["timeout_seconds"] = source.timeout_seconds
        sources.append(item)
    data: dict[str, Any] = {"skill": skill, "sources": sources}
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1_000_000))


def strip_front_matter(text: str) -> str:
    """Drop a leading ``---`` … ``---`` block (the Go tool's rule for ``strip-frontmatter``)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[i + 1 :])
    return text


@dataclass(frozen=True, slots=True, kw_only=True)
class SkillMarkdown:
    """A parsed ``SKILL.md``: front matter, body, first ``# `` heading, optional metadata."""

    name: str
    description: str
    license: str
    metadata: dict[str, Any]
    body: str
    title: str


def render_skill_md(plan: Plan, *, appended: list[str], outputs: list[str]) -> str:
    """Build ``SKILL.md`` for an export (spec §11.4).

    ``appended`` are the resolved ``append_to_body`` chunks in plan order, ``outputs`` the
    written output paths (the index lists those under ``references/``, else all of them).
    """
    import yaml

    head: dict[str, Any] = {"name": plan.name.strip(), "description": plan.description.strip()}
    if plan.license.strip():
        head["license"] = plan.license.strip()
    metadata: dict[str, Any] = {}
    if plan.topics:
        metadata["topics"] = list(plan.topics)
    for key in ("what_for", "when_to_use", "compatibility", "title"):
        if getattr(plan, key).strip():
            metadata[key] = getattr(plan, key).strip()
    if metadata:
        head["metadata"] = metadata
    front = yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=1_000_000)
    parts: list[str] = []
    if not (appended and appended[0].lstrip("\n").startswith("# ")):
        parts.append(f"# {plan.display_title}\n\n")
    if not appended:
        intro = plan.intro.strip() or plan.description.strip()
        if intro:
            parts.append(intro + "\n\n")
        if plan.what_for.strip():
            parts.append(f"## What this skill is for\n\n{plan.what_for.strip()}\n\n")
        if plan.when_to_use.strip():
            parts.append(f"## When to use\n\n{plan.when_to_use.strip()}\n\n")
    for chunk in appended:
        parts.append(chunk.strip("\n") + "\n\n")
    references = [p for p in outputs if p.startswith("references/")] or list(outputs)
    if plan.include_index and references:
        parts.append(f"## {plan.index_heading}\n\n")
        parts.append("".join(f"- {p}\n" for p in references) + "\n")
    body = "".join(parts).rstrip("\n") + "\n"
    return f"---\n{front}---\n\n{body}"


def strip_index(body: str, outputs: list[str]) -> str:
    """Drop a trailing ``## <title>`` section that only lists ``outputs`` (an export's index).

    An exported SKILL.md ends with the index of its reference files; importing it keeps the
    body without that section so that exporting the imported plan does not list them twice.
    """
    lines = body.rstrip("\n").split("\n")
    heads = [i for i, line in enumerate(lines) if line.startswith("## ")]
    if not heads:
        return body
    section = [line.strip() for line in lines[heads[-1] + 1 :] if line.strip()]
    listed = [line[2:].strip() for line in section if line.startswith("- ")]
    if not listed or len(listed) != len(section) or not set(listed) <= set(outputs):
        return body
    return "\n".join(lines[: heads[-1]]).rstrip("\n") + "\n"


def parse_skill_md(text: str) -> SkillMarkdown:
    """Read ``SKILL.md``: YAML front matter (name, description, …) and the body after it."""
    import yaml

    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SkillPlanError("SKILL.md missing YAML frontmatter")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), -1)
    if end < 0:
        raise SkillPlanError("SKILL.md frontmatter not terminated")
    try:
        head = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        raise SkillPlanError(
            f"failed to parse SKILL.md frontmatter: {_yaml_problem(exc)}"
        ) from None
    if not isinstance(head, dict):
        raise SkillPlanError("failed to parse SKILL.md frontmatter: not a mapping")
    body = "\n".join(lines[end + 1 :])
    title = next(
        (line.strip()[2:].strip() for line in body.split("\n") if line.strip().startswith("# ")),
        "",
    )
    metadata = head.get("metadata")
    return SkillMarkdown(
        name=_s(head.get("name")).strip(),
        description=_s(head.get("description")).strip(),
        license=_s(head.get("license")).strip(),
        metadata=metadata if isinstance(metadata, dict) else {},
        body=body,
        title=title,
    )


def validate_skill_md(md: SkillMarkdown) -> None:
    """The Agent Skills rules for ``SKILL.md`` front matter: name and description."""
    if not md.name:
        raise SkillPlanError("SKILL.md frontmatter missing name")
    if not md.description:
        raise SkillPlanError("SKILL.md frontmatter missing description")
    if problem := name_problem(md.name) or description_problem(md.description):
        raise SkillPlanError(problem)
