"""ignore explain: which rule hides a path from docmgr."""

from __future__ import annotations

import click

from docmgr.cli._common import app, common_options, emit, output_options
from docmgr.reports import ignore_explain


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


COMMANDS = (ignore_group,)
