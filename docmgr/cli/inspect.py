"""Read-side verbs: search, doctor, status, validate, export-sqlite, ignore, index, ticket graph."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from docmgr.cli._common import app, common_options, emit, hidden_alias, output_options, split_list


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


def _no_cache_option(func: Any) -> Any:
    return click.option(
        "--no-cache",
        "no_cache",
        is_flag=True,
        help="Scan the files instead of using the persistent index.",
    )(func)


def _date(ws: Any, value: str, flag: str) -> Any:
    from docmgr.seams import dates

    if not value:
        return None
    try:
        return dates.parse(value, ws.clock.now())
    except ValueError as exc:
        raise click.UsageError(f"invalid {flag} date: {exc}") from None


# --------------------------------------------------------------------------- search


@click.command("search")
@common_options
@click.option("--query", default="", help="Words to find (quoted phrases, prefix*, OR/NOT work).")
@click.option("--fts", default="", help="A raw SQLite FTS5 MATCH expression (experts).")
@click.option("--ticket", default="", help="Only docs of this exact ticket id.")
@click.option("--topics", multiple=True, help="Any of these topics (comma list or repeated).")
@click.option("--doc-type", "doc_type", default="", help="Only this DocType.")
@click.option("--status", default="", help="Only this Status.")
@click.option("--file", "file_", default="", help="Docs relating this file (whole path segments).")
@click.option("--dir", "dir_", default="", help="Docs relating files under this folder.")
@click.option("--external-source", "external_source", default="", help="ExternalSources substring.")
@click.option(
    "--since", default="", help="LastUpdated on or after (e.g. '2 weeks ago', 2026-01-31)."
)
@click.option("--until", default="", help="LastUpdated on or before.")
@click.option("--created-since", "created_since", default="", help="File modified on or after.")
@click.option("--updated-since", "updated_since", default="", help="LastUpdated on or after.")
@click.option(
    "--order-by",
    "order_by",
    default="",
    help="path | last_updated | rank (default: rank with a query).",
)
@click.option(
    "--limit", default=200, show_default=True, type=int, help="At most this many results (0 = all)."
)
@_no_cache_option
@output_options
def search_cmd(
    query: str,
    fts: str,
    ticket: str,
    topics: tuple[str, ...],
    doc_type: str,
    status: str,
    file_: str,
    dir_: str,
    external_source: str,
    since: str,
    until: str,
    created_since: str,
    updated_since: str,
    order_by: str,
    limit: int,
    no_cache: bool,
    output: str | None,
    glaze: bool,
) -> None:
    """Search documents by text and filters, best matches first, with snippets.

    \b
    Example:
      docmgr search --query "websocket reconnect"
      docmgr search --query 'design*' --topics backend --since "2 weeks ago" --output json
      docmgr search --file backend/api/register.go
    """
    from docmgr.reports import search

    ws = app().workspace()
    q = search.Query(
        text=query,
        fts=fts,
        ticket=ticket,
        topics=split_list(topics),
        doc_type=doc_type,
        status=status,
        file=file_,
        dir=dir_,
        external_source=external_source,
        since=_date(ws, since, "--since"),
        until=_date(ws, until, "--until"),
        created_since=_date(ws, created_since, "--created-since"),
        updated_since=_date(ws, updated_since, "--updated-since"),
        order_by=order_by,
        limit=max(0, limit),
    )
    result = search.search(ws, q, use_cache=not no_cache)
    with_file = bool(file_ or dir_)
    rows = [h.row(with_file=with_file) for h in result.hits]

    def human() -> str:
        lines = []
        for h in result.hits:
            line = f"{h.path} — {h.title} [{h.ticket}] :: {h.snippet}"
            if with_file and h.file:
                line += f" file={h.file}"
                if h.file_note:
                    line += f" note={h.file_note}"
            lines.append(line)
        return "\n".join(lines)

    emit(rows, output, glaze, human)
    if result.total > len(result.hits):
        click.echo(
            f"({result.total - len(result.hits)} more results; pass --limit 0 to see all)", err=True
        )


# --------------------------------------------------------------------------- doctor


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

    from docmgr.reports import doctor
    from docmgr.reports.doctor import render as doctor_render
    from docmgr.reports.doctor import repairs as doctor_repairs

    ws = app().workspace()
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
    if diagnostics_json:
        payload = json.dumps(doctor_render.diagnostics(report), indent=2) + "\n"
        if diagnostics_json == "-":
            click.echo(payload, nl=False)
        else:
            target = Path(diagnostics_json)
            target.parent.mkdir(parents=True, exist_ok=True)
            from docmgr.seams.fsio import atomic_write

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
    threshold = {"none": 99, "warning": 1, "error": 2}[fail_on]
    if report.worst >= threshold:
        from docmgr.errors import DocmgrError

        raise DocmgrError(f"doctor failed: severity >= {fail_on}", "fix the findings listed above")


# --------------------------------------------------------------------------- status


@click.command("status")
@common_options
@click.option("--ticket", default="", help="Only this exact ticket id.")
@click.option(
    "--stale-after",
    "stale_after",
    default=30,
    show_default=True,
    type=int,
    help="Days since LastUpdated before a ticket counts as stale.",
)
@click.option("--summary-only", "summary_only", is_flag=True, help="Only the summary line.")
@output_options
def status_cmd(
    ticket: str, stale_after: int, summary_only: bool, output: str | None, glaze: bool
) -> None:
    """Summarise the workspace: tickets, doc counts, stale tickets.

    \b
    Example:
      docmgr status
      docmgr status --summary-only --output json
    """
    from docmgr.reports import status

    ws = app().workspace()
    result = status.status(ws, ticket=ticket, stale_after=stale_after)
    rows: list[dict[str, Any]] = [] if summary_only else [t.row() for t in result.tickets]
    rows += [{"level": "warning", "message": w, "root": str(result.root)} for w in result.warnings]
    rows.append(result.summary_row())
    for warning in result.warnings if not (output or glaze) else []:
        click.echo(f"Warning: {warning}", err=True)
    emit(rows, output, glaze, lambda: status.render(result, summary_only=summary_only))


# --------------------------------------------------------------------------- validate


@click.group("validate")
def validate_group() -> None:
    """Validate documents."""


@validate_group.command("frontmatter")
@common_options
@click.option("--doc", required=True, help="The document to check (path or unique suffix).")
@click.option(
    "--suggest-fixes", "suggest", is_flag=True, help="Show the repairs that would make it parse."
)
@click.option(
    "--auto-fix", "auto_fix", is_flag=True, help="Apply the repair (original kept as <file>.bak)."
)
@output_options
def validate_frontmatter_cmd(
    doc: str, suggest: bool, auto_fix: bool, output: str | None, glaze: bool
) -> None:
    """Check that a document's front matter parses and has Title, Ticket and DocType.

    \b
    Example:
      docmgr validate frontmatter --doc 2026/01/03/MEN-1--x/design/01-plan.md --suggest-fixes
      docmgr validate frontmatter --doc design/01-plan.md --auto-fix
    """
    from docmgr.errors import DocmgrError
    from docmgr.reports import validate

    ws = app().workspace()
    outcome = validate.validate(ws, doc, auto_fix=auto_fix)
    shown = ws.display(outcome.path)
    if outcome.meta is None:
        err = outcome.error
        if err is not None:
            click.echo(f"File: {shown}", err=True)
            click.echo(f"Line {err.line}: {err.problem}" if err.line else err.problem, err=True)
            if err.snippet:
                click.echo(err.snippet, err=True)
        if suggest and outcome.fix is not None:
            click.echo("Suggested fixes:", err=True)
            for label in outcome.fix.labels:
                click.echo(f"  - {label}", err=True)
        elif suggest:
            click.echo("no auto-fix available", err=True)
        raise DocmgrError(
            f"frontmatter does not parse: {shown}",
            "run with --suggest-fixes, or --auto-fix to repair it",
        )
    if outcome.fixed:
        click.echo(f"Frontmatter auto-fixed: {shown}", err=True)
    if outcome.missing:
        raise DocmgrError(
            f"schema validation failed: missing required fields: {', '.join(outcome.missing)}",
            f"docmgr meta update --doc {shown} --field {outcome.missing[0]} --value <value>",
        )
    meta = outcome.meta
    row = {
        "doc": str(outcome.path),
        "title": meta.title,
        "ticket": meta.ticket,
        "docType": meta.doc_type,
        "status": "ok",
    }
    emit(
        [row],
        output,
        glaze,
        lambda: f"Frontmatter OK: {shown} (Ticket={meta.ticket} DocType={meta.doc_type})",
    )


# --------------------------------------------------------------------------- export


@click.command("export-sqlite")
@common_options
@click.option("--out", default="", help="Where to write the SQLite file.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@click.option(
    "--include-body", "include_body", is_flag=True, help="Also store each document's body."
)
@output_options
def export_cmd(out: str, force: bool, include_body: bool, output: str | None, glaze: bool) -> None:
    """Export the workspace index as a standalone SQLite database.

    \b
    Example:
      docmgr export-sqlite --out /tmp/workspace.sqlite --include-body
    """
    from docmgr.reports import export

    ws = app().workspace()
    target = export.export(ws, out, force=force, include_body=include_body)
    row = {"out": str(target), "include_body": include_body, "status": "exported"}
    emit([row], output, glaze, lambda: f"Exported workspace index to {out}")


# --------------------------------------------------------------------------- ignore explain


@click.group("ignore")
def ignore_group() -> None:
    """Inspect the ignore policy (.docmgrignore)."""


@ignore_group.command("explain")
@common_options
@click.argument("path")
@click.option("--is-dir", "is_dir", is_flag=True, help="Treat the path as a folder.")
@click.option("--trace", is_flag=True, help="Show how each source of rules decides on its own.")
@output_options
def ignore_explain_cmd(
    path: str, is_dir: bool, trace: bool, output: str | None, glaze: bool
) -> None:
    """Tell whether a path is ignored, and by which pattern of which file.

    \b
    Example:
      docmgr ignore explain ttmp/2026/01/03/MEN-1--x/node_modules --is-dir
      docmgr ignore explain 2026/01/03/MEN-1--x/drafts/01-a.md --trace
    """
    from docmgr.reports import ignore_explain

    ws = app().workspace()
    ex = ignore_explain.explain_ignore(ws, path, is_dir=is_dir)
    flag = {True: "true", False: "false"}
    base = {"path": str(ex.path), "is_dir": is_dir}
    roots = {"docs_root": str(ws.root), "repo_root": str(ws.repo_root)}
    if trace:
        rows = [
            {
                **base,
                "final_ignored": ex.ignored,
                "trace_index": n,
                "source_kind": t.kind,
                "source": t.source,
                "matched": t.matched,
                "ignored": t.ignored,
                "pattern": t.pattern,
                "pattern_file": t.source if t.kind == "file" and t.matched else "",
                "pattern_line": t.line,
            }
            for n, t in enumerate(ex.trace)
        ]
    else:
        rows = [
            {
                **base,
                "ignored": ex.ignored,
                "matched": bool(ex.kind),
                "source_kind": ex.kind,
                "source": ex.source,
                "pattern": ex.pattern,
                "pattern_file": ex.source if ex.kind == "file" else "",
                "pattern_line": ex.line,
                **roots,
            }
        ]

    def human() -> str:
        lines = [f"Path: {ex.path} (dir: {flag[is_dir]})", f"Ignored: {flag[ex.ignored]}"]
        if trace:
            lines.append("Trace:")
            for t in ex.trace:
                where = (
                    f' pattern="{t.pattern}" ({t.source}:{t.line})'
                    if t.matched and t.kind == "file"
                    else (f' pattern="{t.pattern}"' if t.matched else "")
                )
                lines.append(
                    f"- source={t.source} kind={t.kind} matched={flag[t.matched]} "
                    f"ignored={flag[t.ignored]}{where}"
                )
            return "\n".join(lines)
        lines.append(f"Matched: {flag[bool(ex.kind)]}")
        if ex.kind:
            source = "built-in docmgr ignores" if ex.kind == "builtin" else ex.source
            lines.append(f"Source: {source} (kind: {ex.kind})")
            where = f" ({ex.source}:{ex.line})" if ex.kind == "file" else ""
            lines.append(f'Pattern: "{ex.pattern}"{where}')
        lines += [f"Docs root: {ws.root}", f"Repo root: {ws.repo_root}"]
        return "\n".join(lines)

    emit(rows, output, glaze, human)


# --------------------------------------------------------------------------- ticket graph


@click.command("graph")
@common_options
@click.option("--ticket", required=True, help="Exact ticket id.")
@click.option("--format", "fmt", default="markdown", show_default=True, help="markdown | mermaid")
@click.option("--direction", default="TD", show_default=True, help="TD | LR")
@click.option("--label", default="both", show_default=True, help="title | path | both")
@click.option("--edge-notes", "edge_notes", default="short", show_default=True, help="none | short")
@click.option("--include-control-docs/--no-include-control-docs", "include_control", default=True)
@click.option("--include-archived", is_flag=True)
@click.option("--include-scripts-path", "include_scripts", is_flag=True)
@output_options
def graph_cmd(
    ticket: str,
    fmt: str,
    direction: str,
    label: str,
    edge_notes: str,
    include_control: bool,
    include_archived: bool,
    include_scripts: bool,
    output: str | None,
    glaze: bool,
) -> None:
    """Draw a ticket's documents and the files they relate as a Mermaid graph.

    \b
    Example:
      docmgr ticket graph --ticket MEN-4242 --direction LR
    """
    from docmgr.reports import graph

    ws = app().workspace()
    g = graph.build(
        ws,
        ticket=ticket,
        include_control_docs=include_control,
        include_archived=include_archived,
        include_scripts=include_scripts,
    )
    text = graph.render(g, fmt=fmt, direction=direction, label=label, edge_notes=edge_notes)
    emit([e.row() for e in g.edges], output, glaze, lambda: text)


# --------------------------------------------------------------------------- index


@click.group("index")
def index_group() -> None:
    """Inspect or rebuild the persistent search index (a cache outside the repository)."""


@index_group.command("refresh")
@common_options
@output_options
def index_refresh_cmd(output: str | None, glaze: bool) -> None:
    """Bring the index up to date with the files (every read verb does this first).

    \b
    Example:
      docmgr index refresh
    """
    from docmgr.store import index as index_store

    ws = app().workspace()
    with index_store.open_index(ws) as index:
        info = index_store.info(index)
    emit(
        [info],
        output,
        glaze,
        lambda: (
            f"index {info['path']}: {info['docs']} docs "
            f"(re-parsed {info['last_refresh']['parsed']})"
        ),
    )


@index_group.command("rebuild")
@common_options
@output_options
def index_rebuild_cmd(output: str | None, glaze: bool) -> None:
    """Throw the index away and build it again from the files.

    \b
    Example:
      docmgr index rebuild
    """
    from docmgr.store import index as index_store

    ws = app().workspace()
    stats = index_store.rebuild(ws)
    row = {"path": str(index_store.cache_path(ws)), "parsed": stats.parsed, "status": "rebuilt"}
    emit([row], output, glaze, lambda: f"rebuilt {row['path']} ({stats.parsed} docs)")


@index_group.command("info")
@common_options
@output_options
def index_info_cmd(output: str | None, glaze: bool) -> None:
    """Show where the index lives and what it holds.

    \b
    Example:
      docmgr index info --output json
    """
    from docmgr.store import index as index_store

    ws = app().workspace()
    with index_store.open_index(ws) as index:
        info = index_store.info(index)
    emit([info], output, glaze, lambda: "\n".join(f"{k}: {v}" for k, v in info.items()))


# --------------------------------------------------------------------------- registration


def _set_no_cache(_ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:  # this process only: every verb then scans the files (see search_index)
        os.environ["DOCMGR_NO_CACHE"] = "1"


def register(cli: click.Group) -> None:
    """Attach the read-side verbs to the root group (and their aliases)."""
    cli.params.append(
        click.Option(
            ["--no-cache"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set_no_cache,
            help="Scan the files instead of using the search index (same as DOCMGR_NO_CACHE=1).",
        )
    )
    from docmgr.cli.doc import doc_group
    from docmgr.cli.ticket import ticket_group
    from docmgr.cli.workspace import workspace_group

    cli.add_command(search_cmd)
    doc_group.add_command(search_cmd, "search")
    cli.add_command(doctor_cmd)
    cli.add_command(status_cmd)
    cli.add_command(validate_group)
    cli.add_command(export_cmd)
    cli.add_command(ignore_group)
    cli.add_command(index_group)
    ticket_group.add_command(graph_cmd)
    for command in (status_cmd, doctor_cmd, export_cmd):
        workspace_group.add_command(hidden_alias(command, command.name or ""))
