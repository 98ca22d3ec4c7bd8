"""``docmgr hooks …`` and ``docmgr merge-driver``: keep the docs in step with git history."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from docmgr.cli._common import app, common_options, emit, output_options
from docmgr.ops import hooks, merge, rewrite


@click.group("hooks")
def hooks_group() -> None:
    """Install git hooks that keep the docs true to history (post-rewrite, merge driver)."""


@hooks_group.command("install")
@common_options
@click.option("--uninstall", is_flag=True, help="Remove the hook and the merge driver again.")
@click.option(
    "--repo",
    default="",
    metavar="PATH",
    help="The repository (default: repo: in .ttmp.yaml, else the docs root's repository).",
)
@output_options
def install_cmd(uninstall: bool, repo: str, output: str | None, glaze: bool) -> None:
    """Install the post-rewrite hook and the merge driver for diaries, tasks and changelogs.

    The post-rewrite hook rewrites every mention of an amended or rebased commit in the
    docs root (commit lines and their subjects, the step index, RelatedFiles notes,
    changelog entries). The merge driver merges diaries, tasks.md and changelog.md that
    both branches appended to without conflict markers. The hook goes into the folder git
    runs hooks from (core.hooksPath honoured); a hook already there is chained. Both call
    this docmgr by the absolute path of its Python. Running it again changes nothing.

    \b
    Example:
      docmgr hooks install
      docmgr hooks install --uninstall
    """

    ws = app().workspace()
    report = hooks.uninstall(ws, repo=repo) if uninstall else hooks.install(ws, repo=repo)
    rows = [{"hooks_dir": str(report.hooks_dir), "action": a} for a in report.actions]
    emit(rows, output, glaze, lambda: "\n".join(report.actions))


@hooks_group.command("run", hidden=True)
@click.argument("hook")
@click.argument("args", nargs=-1)
def run_cmd(hook: str, args: tuple[str, ...]) -> None:
    """Run one installed hook (git calls this; the hook's input comes on stdin).

    \b
    Example:
      git rev-parse HEAD@{1} HEAD | xargs echo | docmgr hooks run post-rewrite amend
    """

    if hook != hooks.HOOK:
        raise click.UsageError(f"unknown hook {hook!r}: only {hooks.HOOK} runs here")
    mapping = rewrite.parse_rewrite_map(sys.stdin.read())
    ws = app().workspace()
    done = rewrite.rewrite_docs(ws, mapping)
    if done:
        total = sum(d.hashes for d in done)
        names = ", ".join(ws.display(d.path) for d in done)
        click.echo(f"docmgr: rewrote {total} commit mention(s) in {names}", err=True)


@click.command("merge-driver", hidden=True)
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("ours", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("marker_size", type=int, default=7)
@click.argument("pathname", default="")
def merge_driver_cmd(base: Path, ours: Path, theirs: Path, marker_size: int, pathname: str) -> None:
    """Merge one diary, tasks.md or changelog.md for git (%O %A %B %L %P); exit 1 on conflicts.

    \b
    Example:
      git config merge.docmgr.driver "docmgr merge-driver %O %A %B %L %P"
    """

    conflicts = merge.merge_files(
        base, ours, theirs, pathname=pathname or str(ours), marker_size=marker_size
    )
    if conflicts:
        click.echo(f"docmgr: {conflicts} conflict(s) left in {pathname or ours}", err=True)
        sys.exit(1)


COMMANDS = (hooks_group, merge_driver_cmd)
