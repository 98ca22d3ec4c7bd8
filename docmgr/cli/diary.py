"""``docmgr diary …``: implementation diaries whose steps are linked to git commits."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from docmgr.cli import _hints
from docmgr.cli._common import (
    app,
    common_options,
    date_value,
    emit,
    output_options,
    split_list,
    ticket_option,
)
from docmgr.errors import DocmgrError
from docmgr.formats import diary as diary_format
from docmgr.ops import diary
from docmgr.seams.fsio import read_text
from docmgr.store import branch_ticket
from docmgr.store import diaries as diary_files

F = TypeVar("F", bound=Callable[..., Any])

# (option name, section key, help) — one repeatable option per canonical sub-section.
_SECTION_OPTIONS = (
    ("--did", "did", "What I did (one bullet per use)."),
    ("--why", "why", "Why."),
    ("--worked", "worked", "What worked."),
    ("--didnt-work", "didnt_work", "What didn't work."),
    ("--learned", "learned", "What I learned."),
    ("--tricky", "tricky", "What was tricky to build."),
    ("--review", "review", "What warrants a second pair of eyes."),
    ("--future", "future", "What should be done in the future."),
    ("--review-instructions", "review_instructions", "Code review instructions."),
    ("--technical", "technical", "Technical details."),
)


def _diary_options(func: F) -> F:
    func = click.option(
        "--diary",
        "diary_ref",
        default="",
        metavar="PATH",
        help="The diary file (default: the ticket's only diary).",
    )(func)
    func = ticket_option(required=False, help_text="Ticket whose diary to use.")(func)
    return func


def _repo_option(func: F) -> F:
    return click.option(
        "--repo",
        default="",
        metavar="PATH",
        help="Git repository of the commits (default: repo: in .ttmp.yaml, "
        "else the docs root's repository).",
    )(func)


def _resolve(
    ticket: str, diary_ref: str, repo: str = "", *, reading: bool = False
) -> tuple[Any, Any]:
    """Find the diary; without --ticket and --diary, the branch may name the ticket."""
    ws = app().workspace()
    ws.require_root()
    ticket = _ticket_or_branch(ws, ticket, diary_ref, repo)
    return ws, diary_files.resolve_diary(
        ws, ticket=ticket, diary=diary_ref, purpose="read" if reading else "write"
    )


def _ticket_or_branch(ws: Any, ticket: str, diary_ref: str, repo: str = "") -> str:
    if ticket.strip() or diary_ref.strip():
        return ticket
    found = branch_ticket.from_branch(ws, repo)
    if found is None:
        return ticket
    click.echo(f"Using ticket {found.ticket} (from branch {found.branch})", err=True)
    return found.ticket


def _run_editor(text: str) -> str:
    """Open $VISUAL/$EDITOR on ``text`` and return the saved result.

    Without an editor variable, a terminal's ``editor``/``nano``/``vi`` is used; with no
    terminal either, or an editor that cannot run, the command refuses with one line.
    Closing without saving, or emptying the text, aborts (exit 1): nothing is written.
    """
    editor = os.environ.get("VISUAL", "").strip() or os.environ.get("EDITOR", "").strip()
    if not editor and sys.stdin.isatty() and sys.stdout.isatty():
        from shutil import which  # --edit only (shutil pulls bz2 and lzma)

        editor = next((e for e in ("sensible-editor", "editor", "nano", "vi") if which(e)), "")
    if not editor:
        raise DocmgrError(
            "--edit needs an editor, but $VISUAL and $EDITOR are unset and there is no terminal",
            "set EDITOR=<your editor>, or write the step to a file and pass --from-file FILE",
        )
    try:
        edited = click.edit(text, editor=editor, extension=".md", require_save=True)
    except click.ClickException as exc:
        raise DocmgrError(
            f"the editor '{editor}' could not run ({exc.format_message()})",
            "set EDITOR to an editor that works, or pass --from-file FILE",
        ) from None
    if edited is None:
        raise DocmgrError(
            "the editor was closed without saving; nothing written",
            "run the command again and save the file",
        )
    if diary_format.is_empty_body(edited):
        raise DocmgrError(
            "the edited step is empty; nothing written",
            "run the command again and write the step (or close the editor without saving)",
        )
    return edited


@click.group("diary")
def diary_group() -> None:
    """Create diaries, append numbered steps linked to commits, and audit them."""


@diary_group.command("create")
@common_options
@ticket_option()
@click.option("--title", default="Diary", show_default=True, help="Diary title (and file slug).")
@click.option("--goal", default="", help="Text of the ## Goal section.")
@click.option("--another", is_flag=True, help="Start a second diary when the ticket has one.")
@output_options
def create_cmd(
    ticket: str, title: str, goal: str, another: bool, output: str | None, glaze: bool
) -> None:
    """Create the ticket's diary: reference/NN-diary.md with a Goal and a step index.

    \b
    Example:
      docmgr diary create --ticket VM-004 --goal "Expand the daemon API e2e coverage"
    """

    ws = app().workspace()
    path = diary.create(ws, ticket=ticket, title=title, goal=goal, another=another)
    row = {"ticket": ticket, "title": title, "path": str(path), "status": "created"}
    emit([row], output, glaze, lambda: f"created {ws.display(path)}")


@diary_group.group("step")
def step_group() -> None:
    """Add, list, show and link the numbered steps of a diary."""


def _section_options(func: F) -> F:
    for name, key, help_text in reversed(_SECTION_OPTIONS):
        func = click.option(name, key, multiple=True, metavar="TEXT", help=help_text)(func)
    return func


def _content_options(func: F) -> F:
    """The step-content options of ``step add`` and ``step edit``."""
    options = [
        click.option("--title", default="", help="Step title: '## Step N: <title>'."),
        click.option("--intro", default="", help="The step's opening prose (1-2 paragraphs)."),
        click.option(
            "--intro-file",
            type=click.File("r", encoding="utf-8"),
            default=None,
            help="Read the opening prose from a file ('-' for stdin).",
        ),
        click.option("--prompt", default="", help="The user prompt, verbatim (Prompt Context)."),
        click.option(
            "--interpretation", default="", help="Assistant interpretation (Prompt Context)."
        ),
        click.option("--intent", default="", help="Inferred user intent (Prompt Context)."),
        _section_options,
        click.option(
            "--from-file",
            "from_file",
            type=click.File("r", encoding="utf-8"),
            default=None,
            help="Take the whole step body (Markdown) from a file ('-' for stdin).",
        ),
        click.option(
            "--edit", is_flag=True, help="Write the step in $EDITOR from a prefilled skeleton."
        ),
        click.option(
            "--commit",
            "commits",
            multiple=True,
            metavar="REV",
            help="Commit of this step (repeatable; any revision; 'auto' = HEAD unless cited).",
        ),
        click.option("--no-commit", is_flag=True, help="Write 'N/A' as the commit."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _check_content(
    *,
    no_commit: bool,
    commits: tuple[str, ...],
    from_file: Any,
    edit: bool,
    options_given: bool,
) -> list[str]:
    """Refuse contradictory content options; return the revisions to cite."""
    if no_commit and commits:
        raise click.UsageError("--no-commit and --commit exclude each other")
    if from_file is not None and edit:
        raise click.UsageError("--from-file and --edit exclude each other")
    if from_file is not None and options_given:
        raise click.UsageError(
            "--from-file gives the whole step; drop --intro, --prompt and "
            "the section options (or use --edit to start from them)"
        )
    return [] if no_commit else [c for c in commits if c.strip()]


@step_group.command("add")
@common_options
@_diary_options
@_content_options
@click.option(
    "--relate",
    "relate_files",
    is_flag=True,
    help="Relate the files the commits changed to the diary.",
)
@click.option(
    "--changelog",
    "changelog_entry",
    is_flag=True,
    help="Add 'Step N: <title> (commit <short>)' to the ticket's changelog.",
)
@_repo_option
@output_options
def step_add_cmd(
    ticket: str,
    diary_ref: str,
    title: str,
    intro: str,
    intro_file: Any,
    prompt: str,
    interpretation: str,
    intent: str,
    from_file: Any,
    edit: bool,
    commits: tuple[str, ...],
    no_commit: bool,
    relate_files: bool,
    changelog_entry: bool,
    repo: str,
    output: str | None,
    glaze: bool,
    **sections: tuple[str, ...],
) -> None:
    """Append the next numbered step to a diary, linked to its commit(s).

    N is one more than the highest step already in the file. The step gets a
    '**Date:** … · **Author:** …' line (the clock and the git identity), the prose, the
    '**Commit (code):**' line and the ten sub-sections in canonical order ('N/A' where
    nothing was given); LastUpdated and the step index are updated. Without --ticket and
    --diary, a branch named after a ticket (VM-004-…, feature/VM-004) picks the diary.

    \b
    Example:
      docmgr diary step add --ticket VM-004 --title "Add daemon API e2e tests" \\
          --intro "Covered the start/stop endpoints end to end." \\
          --did "Added tests/e2e/test_daemon.py" --why "The API had no e2e coverage" \\
          --commit HEAD --relate --changelog
      docmgr diary step add --ticket VM-004 --from-file step.md --commit HEAD
      EDITOR=vim docmgr diary step add --ticket VM-004 --edit --commit HEAD
    """

    options_given = bool(
        intro or intro_file or prompt or interpretation or intent or any(sections.values())
    )
    revisions = _check_content(
        no_commit=no_commit,
        commits=commits,
        from_file=from_file,
        edit=edit,
        options_given=options_given,
    )
    if from_file is None and not edit and not title.strip():
        raise click.UsageError("missing --title (or give the step with --from-file/--edit)")
    if intro_file is not None:
        intro = (intro + "\n\n" if intro else "") + intro_file.read()
    draft = diary_format.draft_from_options(
        title=title or "<title>",
        intro=intro,
        prompt=prompt,
        interpretation=interpretation,
        intent=intent,
        entries={k: list(v) for k, v in sections.items()},
    )
    ws, path = _resolve(ticket, diary_ref, repo)
    if from_file is not None:
        draft = diary_format.draft_from_markdown(from_file.read(), title=title)
    elif edit:
        shown = diary.preview_commit_value(ws, path, revisions=revisions, repo=repo)
        text = _run_editor(diary_format.skeleton(draft, commit_value=shown))
        draft = diary_format.draft_from_markdown(text, title=title, heading_wins=True)
        if draft.commit_block and draft.commit_text != shown:
            revisions = []  # the commit line was edited: it wins over --commit
        else:
            draft = draft._replace(commit_text="", commit_block="")
    added = diary.add_step(
        ws,
        path,
        draft=draft,
        revisions=revisions,
        repo=repo,
        relate=relate_files,
        changelog=changelog_entry,
    )
    row = {
        "diary": ws.rel(added.diary),
        "step": str(added.number),
        "number": added.number,
        "title": added.title,
        "date": added.date,
        "author": added.author,
        "commits": [{"hash": c.hash, "subject": c.subject} for c in added.commits],
        "line": added.line,
        "related": [str(p) for p in added.related],
    }

    def human() -> str:
        shorts = ", ".join(c.short for c in added.commits)
        line = f"added Step {added.number} to {ws.display(added.diary)}"
        line += f" (commit {shorts})" if shorts else " (commit N/A)"
        if added.related:
            line += f"\nrelated {len(added.related)} file(s)"
        if added.changelog is not None:
            line += f"\nchangelog: {ws.display(added.changelog)}"
        return line

    emit([row], output, glaze, human)


@step_group.command("edit")
@common_options
@_diary_options
@click.argument("step")
@_content_options
@_repo_option
@output_options
def step_edit_cmd(
    ticket: str,
    diary_ref: str,
    step: str,
    title: str,
    intro: str,
    intro_file: Any,
    prompt: str,
    interpretation: str,
    intent: str,
    from_file: Any,
    edit: bool,
    commits: tuple[str, ...],
    no_commit: bool,
    repo: str,
    output: str | None,
    glaze: bool,
    **sections: tuple[str, ...],
) -> None:
    """Rewrite one step in place, keeping its number, date line and commit unless told.

    --from-file or --edit replace the whole step (the body's heading may change the title;
    a commit line in the body replaces the step's); the other options change only what they
    name: each section option replaces that section with its bullets. --commit / --no-commit
    rewrite the commit line. Every other byte of the diary stays.

    \b
    Example:
      docmgr diary step edit 3 --ticket VM-004 --did "Added the restart test" --why "Flaky CI"
      docmgr diary step edit 3 --ticket VM-004 --from-file step3.md
      EDITOR=vim docmgr diary step edit 3 --ticket VM-004 --edit
    """

    if intro_file is not None:
        intro = (intro + "\n\n" if intro else "") + intro_file.read()
    options_given = bool(intro or prompt or interpretation or intent or any(sections.values()))
    revisions = _check_content(
        no_commit=no_commit,
        commits=commits,
        from_file=from_file,
        edit=edit,
        options_given=options_given,
    )
    if edit and options_given:
        raise click.UsageError("--edit rewrites the whole step; drop the section options")
    ws, path = _resolve(ticket, diary_ref, repo)
    body: str | None = None
    if from_file is not None:
        body = from_file.read()
        if diary_format.is_empty_body(body):
            raise click.UsageError("the --from-file body is empty")
    elif edit:
        text = read_text(path)
        current = diary_format.step_text(
            text, diary_format.find_step(diary_format.parse(text), step, diary=ws.rel(path))
        )
        body = _run_editor(current)
    elif not options_given and not title and not revisions and not no_commit:
        raise click.UsageError(
            "nothing to change: pass section options, --title, --commit, --from-file or --edit"
        )

    def change(base: diary_format.StepDraft) -> diary_format.StepDraft:
        return diary_format.apply_options(
            base,
            title=title,
            intro=intro,
            prompt=prompt,
            interpretation=interpretation,
            intent=intent,
            entries={k: list(v) for k, v in sections.items()},
        )

    edited = diary.edit_step(
        ws,
        path,
        step=step,
        body=body,
        change=change,
        revisions=revisions,
        no_commit=no_commit,
        repo=repo,
    )
    row = {
        "diary": ws.rel(path),
        "step": edited.step,
        "line": edited.line,
        "changed": edited.changed,
        "commits": [{"hash": c.hash, "subject": c.subject} for c in edited.commits],
    }
    verb = "edited" if edited.changed else "unchanged:"
    emit([row], output, glaze, lambda: f"{verb} Step {edited.step} of {ws.display(path)}")


def _step_row(ws: Any, path: Any, step: Any, text: str) -> dict[str, Any]:
    date, author = diary_format.step_stamp(text, step)
    return {
        "diary": ws.rel(path),
        "step": step.label,
        "number": step.number,
        "title": step.title,
        "date": date,
        "author": author,
        "commits": [{"hash": r.hash, "subject": r.subject} for r in step.commits],
        "start_line": step.line,
        "end_line": step.end_line,
    }


def _commit_summary(step: Any) -> str:
    hashes = [r.hash[:7] for r in step.commits]
    if hashes:
        return ", ".join(hashes)
    kinds = {r.kind for r in step.refs}
    return "N/A" if "na" in kinds else "pending" if "pending" in kinds else "—"


@step_group.command("list")
@common_options
@_diary_options
@output_options
def step_list_cmd(ticket: str, diary_ref: str, output: str | None, glaze: bool) -> None:
    """List a diary's steps with their commits and line ranges.

    \b
    Example:
      docmgr diary step list --ticket VM-004
      docmgr diary step list --diary reference/01-diary.md --output json
    """

    ws, path = _resolve(ticket, diary_ref, reading=True)
    text = read_text(path)
    steps = diary_format.parse(text)
    rows = [_step_row(ws, path, s, text) for s in steps]

    def human() -> str:
        if not steps:
            return f"No steps in {ws.display(path)}."
        out = [f"{ws.display(path)} ({len(steps)} step{'' if len(steps) == 1 else 's'})"]
        for s, row in zip(steps, rows, strict=True):
            line = f"  Step {s.label}: {s.title}  [{_commit_summary(s)}]"
            stamp = " · ".join(v for v in (row["date"], row["author"]) if v)
            line += f"  {stamp}" if stamp else ""
            out.append(line + f"  lines {s.line}-{s.end_line}")
        return "\n".join(out)

    emit(rows, output, glaze, human)


@step_group.command("show")
@common_options
@_diary_options
@click.argument("step")
@output_options
def step_show_cmd(ticket: str, diary_ref: str, step: str, output: str | None, glaze: bool) -> None:
    """Show one step (its Markdown, or its number, title, commits and lines).

    \b
    Example:
      docmgr diary step show 2 --ticket VM-004
      docmgr diary step show 2 --ticket VM-004 --output json
    """

    ws, path = _resolve(ticket, diary_ref, reading=True)
    text = read_text(path)
    found = diary_format.find_step(diary_format.parse(text), step, diary=ws.rel(path))
    row = _step_row(ws, path, found, text)
    emit([row], output, glaze, lambda: diary_format.step_text(text, found))


@step_group.command("link")
@common_options
@_diary_options
@click.option("--step", "step", required=True, help="The step as written (3, 2a).")
@click.option(
    "--commit",
    "commits",
    multiple=True,
    required=True,
    metavar="REV",
    help="Commit(s) for the step (repeatable).",
)
@_repo_option
@output_options
def step_link_cmd(
    ticket: str,
    diary_ref: str,
    step: str,
    commits: tuple[str, ...],
    repo: str,
    output: str | None,
    glaze: bool,
) -> None:
    """Point one step at other commit(s): only that step's commit line changes.

    \b
    Example:
      docmgr diary step link --ticket VM-004 --step 2 --commit 1a2b3c4
    """

    ws, path = _resolve(ticket, diary_ref)
    linked = diary.link_step(ws, path, step=step, revisions=list(commits), repo=repo)
    row = {
        "diary": ws.rel(path),
        "step": linked.step,
        "line": linked.line,
        "commits": [{"hash": c.hash, "subject": c.subject} for c in linked.commits],
    }
    shorts = ", ".join(c.short for c in linked.commits)
    where = f"{ws.display(path)} to {shorts} (line {linked.line})"
    emit([row], output, glaze, lambda: f"linked Step {linked.step} of {where}")


@diary_group.command("verify")
@common_options
@_diary_options
@click.option("--all", "all_", is_flag=True, help="Audit every diary of the workspace.")
@click.option(
    "--rev",
    default="HEAD",
    show_default=True,
    help="Branch or revision the commits must be reachable from.",
)
@click.option(
    "--fail-on",
    "fail_on",
    default="missing,unreachable",
    show_default=True,
    help="Exit 1 when a row has one of these statuses (comma list; also "
    "'duplicate', 'gap'; '' never fails).",
)
@click.option("--fix", is_flag=True, help="Rewrite commit lines to the proposed commits.")
@_repo_option
@output_options
def verify_cmd(
    ticket: str,
    diary_ref: str,
    all_: bool,
    rev: str,
    fail_on: str,
    fix: bool,
    repo: str,
    output: str | None,
    glaze: bool,
) -> None:
    """Audit the commits a diary cites: ok, unreachable, missing, na, pending, none.

    Lost or unreachable commits (rebased, amended, squashed) get a proposal: the commit on
    --rev with the same patch-id, else the same subject. --fix writes the proposals.

    \b
    Example:
      docmgr diary verify --ticket VM-004 --rev main
      docmgr diary verify --all --output json --fail-on missing,unreachable,pending
    """
    from docmgr.reports import diary_verify  # loaded by this verb only

    ws = app().workspace()
    ws.require_root()
    if all_ and (ticket or diary_ref):
        raise click.UsageError("--all excludes --ticket and --diary")
    if all_:
        paths = diary_files.all_diaries(ws)
    else:
        ticket = _ticket_or_branch(ws, ticket, diary_ref, repo)
        paths = [
            diary_files.resolve_diary(
                ws, ticket=ticket, diary=diary_ref, purpose="write" if fix else "read"
            )
        ]
    audit = diary_verify.verify(ws, paths, rev=rev, repo=repo, fix=fix)
    wanted = split_list([fail_on]) if fail_on.strip() else []
    unknown = set(wanted) - set(diary_format.STATUSES) - {"duplicate", "gap"}
    if unknown:
        raise click.BadParameter(
            f"unknown status(es): {', '.join(sorted(unknown))}", param_hint="--fail-on"
        )
    commands = [
        [
            (reason, _hints.spelling(command))
            for reason, command in diary_verify.fix_commands(
                f, ticket=ticket, diary=str(f.extra["diary"]), rev=rev
            )
        ]
        for f in audit.findings
    ]
    hints = ["; ".join(f"run {c}" for _, c in pairs) for pairs in commands]
    rows = [{**diary_verify.row(f), "hint": h} for f, h in zip(audit.findings, hints, strict=True)]

    def human() -> str:
        out = [
            f"fixed {f.diary} Step {f.step} (line {f.line}): {f.old} → {f.new}" for f in audit.fixed
        ]
        current = None
        for f, hint in zip(audit.findings, hints, strict=True):
            about = f.extra
            if about["diary"] != current:
                current = about["diary"]
                out.append(current)
            line = f"  Step {about['step']}: {f.issue}"
            if about["commit"]:
                line += f"  {about['commit']}"
            if about["proposed"]:
                line += f"  → proposed {about['proposed']} (same {about['match']})"
            if about["note"]:
                line += f"  [{about['note']}]"
            if hint and diary_verify.failing_reasons(f, wanted):
                line += f"  — {hint}"
            out.append(line)
        return "\n".join(out) if out else "No diary steps found."

    failed = diary_verify.failing(audit.findings, wanted)
    emit(rows, output, glaze, human)
    if failed:
        statuses = sorted({f.issue if f.issue in wanted else "numbering" for f in failed})
        fixes: list[str] = []
        for f, pairs in zip(audit.findings, commands, strict=True):
            reasons = diary_verify.failing_reasons(f, wanted)
            for reason, command in pairs:
                if reason in reasons and f"run {command}" not in fixes:
                    fixes.append(f"run {command}")
        shown = "; ".join(fixes[:3]) + (f"; … ({len(fixes) - 3} more)" if len(fixes) > 3 else "")
        raise click.ClickException(
            f"{len(failed)} diary row(s) failed the audit ({', '.join(statuses)}) — "
            + (shown or "fix the commit lines by hand")
        )


@diary_group.command("coverage")
@common_options
@ticket_option(required=False, help_text="Ticket to audit (default: the branch's ticket).")
@click.option(
    "--rev",
    default="HEAD",
    show_default=True,
    help="Audit the commits reachable from this revision.",
)
@click.option(
    "--since",
    default="",
    metavar="DATE",
    help="Only commits since DATE (default: the day the ticket was created).",
)
@click.option(
    "--path",
    "paths",
    multiple=True,
    metavar="P",
    help="Files or folders to audit instead of the ticket's related files (repeatable).",
)
@click.option(
    "--fail-on-uncited", is_flag=True, help="Exit 1 when a commit is cited by no step (CI)."
)
@_repo_option
@output_options
def coverage_cmd(
    ticket: str,
    rev: str,
    since: str,
    paths: tuple[str, ...],
    fail_on_uncited: bool,
    repo: str,
    output: str | None,
    glaze: bool,
) -> None:
    """List the commits on the ticket's files and whether a diary step cites each.

    The commits reachable from --rev since the ticket was created (or --since) that changed
    the ticket's related files (or --path), newest first, each with the steps that cite
    it: what work no step explains. Merge commits are left out.

    \b
    Example:
      docmgr diary coverage --ticket VM-004
      docmgr diary coverage --ticket VM-004 --rev main --since 2026-02-01 --path src/
      docmgr diary coverage --ticket VM-004 --fail-on-uncited --output json
    """
    from docmgr.reports import diary_coverage  # loaded by this verb only

    ws = app().workspace()
    ws.require_root()
    ticket = _ticket_or_branch(ws, ticket, "", repo)
    if not ticket.strip():
        raise click.UsageError("missing --ticket (or work on a branch named after the ticket)")
    when = date_value(ws, since, "--since")
    report = diary_coverage.coverage(
        ws, ticket=ticket, rev=rev, since=when, paths=list(paths), repo=repo
    )
    rows = [c.row() for c in report.commits]

    def human() -> str:
        uncited = len(report.uncited)
        since_text = f" since {report.since.date().isoformat()}" if report.since else ""
        head = (
            f"{report.ticket}: {len(report.commits)} commit(s) on {rev}{since_text} touching "
            f"{len(report.paths)} path(s); {len(report.commits) - uncited} cited, "
            f"{uncited} uncited"
        )
        out = [head]
        for c in report.commits:
            cited = ", ".join("Step " + s.rsplit("#", 1)[1] for s in c.steps) or "UNCITED"
            out.append(f"  {c.commit[:7]}  {c.date.date().isoformat()}  {cited:<12}  {c.subject}")
        return "\n".join(out)

    emit(rows, output, glaze, human)
    if fail_on_uncited and report.uncited:
        shorts = ", ".join(c.commit[:7] for c in report.uncited[:5])
        more = f" and {len(report.uncited) - 5} more" if len(report.uncited) > 5 else ""
        raise click.ClickException(
            f"{len(report.uncited)} commit(s) cited by no diary step ({shorts}{more}) — run "
            f"'docmgr diary step add --ticket {report.ticket} --title … --commit "
            f"{report.uncited[0].commit[:7]}', or 'docmgr diary step link'"
        )


@diary_group.command("renumber")
@common_options
@_diary_options
@output_options
def renumber_cmd(ticket: str, diary_ref: str, output: str | None, glaze: bool) -> None:
    """Number the steps 1, 2, 3 … again in file order (after a merge).

    \b
    Example:
      docmgr diary renumber --ticket VM-004
    """

    ws, path = _resolve(ticket, diary_ref)
    changes = diary.renumber(ws, path)
    rows = [{"diary": ws.rel(path), "line": c.line, "old": c.old, "new": c.new} for c in changes]

    def human() -> str:
        if not changes:
            return f"{ws.display(path)}: steps already numbered 1..N"
        return "\n".join(f"line {c.line}: Step {c.old} → Step {c.new}" for c in changes)

    emit(rows, output, glaze, human)


COMMANDS = (diary_group,)
