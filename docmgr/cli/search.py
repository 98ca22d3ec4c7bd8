"""search (and doc search): documents by text and filters, best matches first."""

from __future__ import annotations

from typing import Any

import click

from docmgr.cli._common import (
    app,
    common_options,
    date_value,
    emit,
    no_cache_option,
    output_options,
    split_list,
    ticket_option,
)
from docmgr.cli._template_flags import render_verb_template, template_options
from docmgr.reports import search


@click.command("search")
@common_options
@click.option("--query", default="", help="Words to find (quoted phrases, prefix*, OR/NOT work).")
@click.option("--fts", default="", help="A raw SQLite FTS5 MATCH expression (experts).")
@ticket_option(
    required=False, help_text="Only docs of this ticket (forgiving: prefix, folder name)."
)
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
    "--files",
    "files",
    is_flag=True,
    help="Suggest code files instead (related files, git history, working tree, content).",
)
@click.option(
    "--limit", default=200, show_default=True, type=int, help="At most this many results (0 = all)."
)
@no_cache_option
@output_options
@template_options("search")
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
    files: bool,
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
      docmgr search --files --ticket MEN-4242 --query websocket

    \b
    --files suggests the code files a ticket is probably about: the RelatedFiles of its docs
    (or of all docs; --topics narrows), files of the last 30 commits, modified, staged and
    untracked files, and code files containing the first word of --query (else the first
    topic). One line per file: '<file> — <reason> (source=<source>)'.
    """

    ws = app().workspace()
    if files:
        _suggest_files(ws, ticket, split_list(topics), query, limit, output, glaze)
        return
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
        since=date_value(ws, since, "--since"),
        until=date_value(ws, until, "--until"),
        created_since=date_value(ws, created_since, "--created-since"),
        updated_since=date_value(ws, updated_since, "--updated-since"),
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
    data = {"rows": rows, "query": query}
    render_verb_template("search", data, structured=bool(output or glaze))
    if result.total > len(result.hits):
        click.echo(
            f"({result.total - len(result.hits)} more results; pass --limit 0 to see all)", err=True
        )


def _suggest_files(
    ws: Any,
    ticket: str,
    topics: list[str],
    query: str,
    limit: int,
    output: str | None,
    glaze: bool,
) -> None:
    from docmgr.reports import file_suggestions  # git and its seam only for --files

    found = file_suggestions.search_files(
        ws,
        ticket=ticket,
        topics=topics,
        query=query,
        limit=max(0, limit),
    )
    emit(
        [s.row() for s in found],
        output,
        glaze,
        lambda: "\n".join(f"{s.file} — {s.reason} (source={s.source})" for s in found),
    )


COMMANDS = (search_cmd,)
