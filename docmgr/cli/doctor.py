"""doctor: check the workspace and, with --fix, repair what it can."""

from __future__ import annotations

import sys
from typing import Any

import click

from docmgr.cli._common import app, common_options, emit, output_options, split_list
from docmgr.cli._template_flags import render_verb_template, template_options
from docmgr.errors import DocmgrError
from docmgr.reports import doctor
from docmgr.reports.doctor import render as doctor_render
from docmgr.seams.fsio import atomic_write


@click.command("doctor")
@common_options
@click.option(
    "--ticket", default="", help="Only this ticket (forgiving reference); detailed report."
)
@click.option("--doc", default="", help="Check one document only.")
@click.option("--all", "all_", is_flag=True, help="Whole workspace, rolled up per ticket.")
@click.option("--details", is_flag=True, help="Full findings instead of the per-ticket rollup.")
@click.option(
    "--stale-after",
    "stale_after",
    default=30,
    show_default=True,
    type=int,
    help="Days without an update before a ticket is stale.",
)
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["none", "warning", "error"]),
    default="none",
    show_default=True,
    help="Exit 1 (after printing the report) at this severity or worse.",
)
@click.option("--ignore-dir", "ignore_dirs", multiple=True, help="Skip folders with this name.")
@click.option("--ignore-glob", "ignore_globs", multiple=True, help="Skip paths matching this glob.")
@click.option("--include-sources", is_flag=True, help="Also check files under sources/.")
@click.option(
    "--diagnostics-json",
    "diagnostics_json",
    default="",
    help="Write rule results as JSON to this file ('-' for stdout).",
)
@click.option(
    "--fix", is_flag=True, help="List safe repairs (front matter, path anchors); apply with --yes."
)
@click.option(
    "--fix-anchors", "fix_anchors", is_flag=True, help="Like --fix, only the RelatedFiles anchors."
)
@click.option("--yes", "-y", is_flag=True, help="Apply the repairs --fix lists without asking.")
@click.option(
    "--check-commits/--no-check-commits",
    "check_commits",
    default=None,
    help="Check diary commits against git (default: only with --ticket).",
)
@output_options
@template_options("doctor")
def doctor_cmd(
    ticket: str,
    doc: str,
    all_: bool,
    details: bool,
    stale_after: int,
    fail_on: str,
    ignore_dirs: tuple[str, ...],
    ignore_globs: tuple[str, ...],
    include_sources: bool,
    diagnostics_json: str,
    fix: bool,
    fix_anchors: bool,
    yes: bool,
    check_commits: bool | None,
    output: str | None,
    glaze: bool,
) -> None:
    """Check the workspace: front matter, index files, related files, vocabulary, staleness.

    --fix first lists the repairs it would make (a dry run); it writes them only with --yes,
    or after you confirm on a terminal. Each repaired file keeps a .bak of its original.

    \b
    Example:
      docmgr doctor --all
      docmgr doctor --ticket MEN-4242 --stale-after 14
      docmgr doctor --all --fail-on error --output json
      docmgr doctor --fix --yes
    """
    import json
    from pathlib import Path

    from docmgr.reports.doctor import repairs as doctor_repairs  # --fix, stuck journal

    ws = app().workspace(stuck_ok=True)  # a journal it cannot finish becomes a finding
    structured = bool(output or glaze)
    fix_rows: list[Any] = []
    if fix or fix_anchors:
        repairs = doctor_repairs.plan_repairs(
            ws, ticket="" if all_ else ticket, anchors_only=fix_anchors and not fix
        )
        if not repairs:
            click.echo("Nothing to repair.", err=True)
        else:
            click.echo(f"Planned repairs ({len(repairs)}):", err=True)
            for r in repairs:
                click.echo(f"  - {ws.display(r.path)}: {r.description}", err=True)
            apply = yes or (
                sys.stdin.isatty()
                and click.confirm("Apply these repairs?", default=False, err=True)
            )
            if apply:
                fix_rows = doctor_repairs.apply_repairs(ws, repairs)
            else:
                click.echo("Dry run: nothing written (pass --yes to apply).", err=True)
    report = doctor.check(
        ws,
        ticket=ticket,
        doc=doc,
        all_tickets=all_,
        stale_after=stale_after,
        ignore_dirs=split_list(ignore_dirs),
        ignore_globs=split_list(ignore_globs),
        include_sources=include_sources,
        details=details,
        check_commits=check_commits,
        rollup_only=not structured and not diagnostics_json,
    )
    if fix_rows:
        report.prepend(fix_rows)
    stuck = app().journal_stuck
    if stuck is not None:
        report.prepend([doctor_repairs.stuck_journal(ws, stuck)])
    if diagnostics_json:
        payload = json.dumps(doctor_render.diagnostics(report), indent=2) + "\n"
        if diagnostics_json == "-":
            click.echo(payload, nl=False)
        else:
            target = Path(diagnostics_json)
            target.parent.mkdir(parents=True, exist_ok=True)

            atomic_write(target, payload)
    rows = [f.row() for f in report.findings]
    if report.detail and not structured:
        click.echo(doctor_render.render_diagnostics_text(report), err=True, nl=False)
    if not (diagnostics_json == "-" and not structured):
        emit(
            rows,
            output,
            glaze,
            lambda: (
                doctor_render.render_detail(report)
                if report.detail
                else doctor_render.render_rollup(report)
            ),
        )
        render_verb_template("doctor", rows, structured=structured)
    threshold = {"none": 99, "warning": 1, "error": 2}[fail_on]
    if report.worst >= threshold:
        raise DocmgrError(f"doctor failed: severity >= {fail_on}", "fix the findings listed above")


COMMANDS = (doctor_cmd,)
WORKSPACE_VERBS = (doctor_cmd,)
