"""``docmgr skill …``: list, show, export and import skills (skill.yaml plans, spec §11)."""

from __future__ import annotations

from typing import Any

import click

from docmgr.cli._common import (
    app,
    common_options,
    emit,
    output_options,
    split_list,
    ticket_option,
)
from docmgr.cli._template_flags import render_verb_template, template_options
from docmgr.errors import SkillAmbiguous, UsageProblem
from docmgr.ops import skills as skill_ops
from docmgr.reports import skills
from docmgr.store import skills as skill_store


@click.group("skill")
def skill_group() -> None:
    """List, show, export and import skills (skill.yaml plans for coding agents)."""


def _ticket_line(skill: Any) -> str:
    if not skill.ticket:
        return ""
    return f"{skill.ticket} — {skill.ticket_title}" if skill.ticket_title else skill.ticket


@skill_group.command("list")
@common_options
@ticket_option(required=False, help_text="Also list this ticket's skills (forgiving reference).")
@click.option("--topics", multiple=True, help="Skills with any of these topics.")
@click.option("--file", "file_", default="", help="Skills whose file sources include this file.")
@click.option("--dir", "dir_", default="", help="Skills with file sources under this folder.")
@output_options
@template_options("skill list")
def list_cmd(
    ticket: str,
    topics: tuple[str, ...],
    file_: str,
    dir_: str,
    output: str | None,
    glaze: bool,
) -> None:
    """List skills: the workspace's and those of active, review and draft tickets.

    With --ticket, the workspace's skills and that ticket's (whatever its status). Each
    entry ends with the command that loads it.

    \b
    Example:
      docmgr skill list
      docmgr skill list --ticket MEN-4242 --topics backend
      docmgr skill list --file backend/chat/api/register.go --output json
    """

    ws = app().workspace()
    listed = skills.list_skills(ws, ticket=ticket, topics=split_list(topics), file=file_, dir=dir_)
    rows = [item.row() for item in listed]

    def human() -> str:
        if not listed:
            return "No skills found."
        out: list[str] = []
        for item in listed:
            plan = item.skill.plan
            out.append(f"Skill: {item.skill.title}")
            if item.skill.ticket:
                out.append(f"  Ticket: {_ticket_line(item.skill)}")
            out.append(f"  What for: {plan.what_for}")
            out.append(f"  When to use: {plan.when_to_use}")
            out.append(f"  Topics: {', '.join(plan.topics)}")
            related = [s.path for s in item.skill.file_sources()]
            if related:
                out.append(f"  Related files: {', '.join(related)}")
            out.append(f"  Load: {item.load_command}")
            out.append("")
        return "\n".join(out) + "\n"

    emit(rows, output, glaze, human)
    render_verb_template("skill list", rows, structured=bool(output or glaze))


def _query(query: str, skill_flag: str) -> str:
    chosen = skill_flag or query
    if not chosen.strip():
        raise UsageProblem(
            "specify a skill", "docmgr skill show <name, title or path> (see 'docmgr skill list')"
        )
    return chosen


def _pick(ws: Any, query: str, ticket: str) -> Any:
    """The skill ``query`` names; on a tie, print the candidates (stdout) and fail."""
    try:
        return skills.find(ws, query, ticket=ticket)
    except SkillAmbiguous as exc:
        lines = [f'Multiple skills match "{query.strip()}". Load one of these:', ""]
        for candidate in exc.candidates:
            skill = candidate.skill  # type: ignore[attr-defined]
            lines.append(f"Skill: {skill.title}")
            lines.append(f"  Name: {skill.name}")
            if skill.ticket:
                lines.append(f"  Ticket: {_ticket_line(skill)}")
            lines.append(f"  Load: {candidate.load_command}")  # type: ignore[attr-defined]
            lines.append("")
        click.echo("\n".join(lines))
        raise


@skill_group.command("show")
@common_options
@click.argument("query", required=False, default="")
@click.option("--skill", "skill_flag", default="", help="Same as QUERY (kept for old scripts).")
@ticket_option(required=False, help_text="Also consider this ticket's skills.")
@click.option("--resolve", is_flag=True, help="Also print every source's content.")
@output_options
def show_cmd(
    query: str,
    skill_flag: str,
    ticket: str,
    resolve: bool,
    output: str | None,
    glaze: bool,
) -> None:
    """Show one skill, found by name, title, folder or path (best match wins).

    --resolve reads the file sources and runs the binary-help sources (with their timeout).

    \b
    Example:
      docmgr skill show api-design
      docmgr skill show "WebSocket Management" --ticket MEN-4242 --resolve
    """

    ws = app().workspace()
    skill = _pick(ws, _query(query, skill_flag), ticket)
    plan = skill.plan
    resolved = skill_store.resolve(ws, skill) if resolve else None
    row: dict[str, Any] = {
        "skill": skill.title,
        "name": plan.name,
        "ticket": skill.ticket,
        "ticket_title": skill.ticket_title,
        "description": plan.description,
        "what_for": plan.what_for,
        "when_to_use": plan.when_to_use,
        "topics": list(plan.topics),
        "compatibility": plan.compatibility,
        "license": plan.license,
        "sources": [skills.describe_source(s) for s in plan.sources],
        "path": str(skill.path),
    }
    if resolved is not None:
        row["resolved"] = [
            {"output": r.output, "type": r.source.kind, "content": r.content}
            for r in resolved.sources
        ]

    def human() -> str:
        out = [f"Title: {skill.title}", f"Name: {plan.name}"]
        if skill.ticket:
            out.append(f"Ticket: {_ticket_line(skill)}")
        out += [f"Description: {plan.description}", ""]
        out += ["What this skill is for:", plan.what_for, ""]
        out += ["When to use this skill:", plan.when_to_use, ""]
        out += [f"Topics: {', '.join(plan.topics)}", ""]
        if plan.compatibility:
            out += [f"Compatibility: {plan.compatibility}", ""]
        if plan.license:
            out += [f"License: {plan.license}", ""]
        if plan.sources:
            out.append("Sources:")
            out += [f"  - {skills.describe_source(s)}" for s in plan.sources]
            out.append("")
        out.append(f"Plan Path: {skill.display_path}")
        if resolved is not None:
            out += ["", "Resolved Sources:"]
            for r in resolved.sources:
                label = r.output or "SKILL.md body"
                out.append(f"--- {label} ({r.source.kind}) ---")
                out.append(r.content.rstrip("\n"))
        return "\n".join(out) + "\n"

    emit([row], output, glaze, human)


@skill_group.command("export")
@common_options
@click.argument("query", required=False, default="")
@click.option("--skill", "skill_flag", default="", help="Same as QUERY (kept for old scripts).")
@ticket_option(required=False, help_text="Also consider this ticket's skills.")
@click.option(
    "--out-dir", "out_dir", default="", help="Write the folder to <out-dir>/<name> (else temp)."
)
@click.option("--output-skill", "output_skill", default="", help="Also write this .skill zip.")
@click.option("--force", is_flag=True, help="Write into a non-empty folder; replace the zip.")
@output_options
def export_cmd(
    query: str,
    skill_flag: str,
    ticket: str,
    out_dir: str,
    output_skill: str,
    force: bool,
    output: str | None,
    glaze: bool,
) -> None:
    """Export a skill as an Agent Skills folder (SKILL.md + sources) and a .skill zip.

    \b
    Example:
      docmgr skill export websocket-management --ticket MEN-4242 --output-skill ws.skill
      docmgr skill export api-design --out-dir dist/skills --force
    """

    ws = app().workspace()
    skill = _pick(ws, _query(query, skill_flag), ticket)
    done = skill_ops.export(ws, skill, out_dir=out_dir, output_skill=output_skill, force=force)
    row = {
        "skill": skill.name,
        "skill_dir": str(done.skill_dir),
        "package": str(done.package) if done.package else "",
        "status": "exported",
    }

    def human() -> str:
        first = (
            f"Exported skill to {ws.display(done.package)}"
            if done.package
            else "No .skill output requested (use --output-skill to create one)"
        )
        return f"{first}\nSkill directory: {done.skill_dir}\n"

    emit([row], output, glaze, human)


@skill_group.command("import")
@common_options
@click.argument("source")
@ticket_option(required=False, help_text="Write under this ticket's skills/ folder.")
@click.option("--topics", multiple=True, help="Topics (default: SKILL.md metadata).")
@click.option("--title", default="", help="Title (default: metadata, first heading, name).")
@click.option("--what-for", "what_for", default="", help="What the skill is for.")
@click.option("--when-to-use", "when_to_use", default="", help="When to use it.")
@click.option("--force", is_flag=True, help="Write into a non-empty plan folder.")
@output_options
def import_cmd(
    source: str,
    ticket: str,
    topics: tuple[str, ...],
    title: str,
    what_for: str,
    when_to_use: str,
    force: bool,
    output: str | None,
    glaze: bool,
) -> None:
    """Import a skill folder (with SKILL.md) or a .skill zip as a skill.yaml plan.

    The plan goes to <root>/skills/<name>/ (or the ticket's skills/ with --ticket). Zip
    entries with absolute paths, '..' or symlinks are refused.

    \b
    Example:
      docmgr skill import ws.skill
      docmgr skill import ./my-skill --ticket MEN-4242 --topics backend
    """

    ws = app().workspace()
    plan_path = skill_ops.import_skill(
        ws,
        source,
        ticket=ticket,
        topics=split_list(topics),
        title=title,
        what_for=what_for,
        when_to_use=when_to_use,
        force=force,
    )
    row = {"plan": str(plan_path), "status": "imported"}
    emit([row], output, glaze, lambda: f"Imported skill plan to {ws.display(plan_path)}")


COMMANDS = (skill_group,)
