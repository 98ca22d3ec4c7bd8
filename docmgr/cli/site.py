"""site build: the web UI's pages as a static site (relative links, offline search)."""

from __future__ import annotations

from pathlib import Path

import click

from docmgr.cli._common import app, common_options, emit, output_options, tty_progress


@click.group("site")
def site_group() -> None:
    """Build a static HTML site of the workspace for auditors."""


@site_group.command("build")
@common_options
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write (new, empty, or a site built before, which is replaced).",
)
@click.option(
    "--rev", default="HEAD", show_default=True, help="Revision diary commits are checked against."
)
@output_options
def build_cmd(out: Path, rev: str, output: str | None, glaze: bool) -> None:
    """Write every ticket and document as HTML pages, with search, for CI to publish.

    Links are relative, so the site opens from file:// and from any GitHub Pages path;
    diaries show each step next to its commit, checked against --rev. A progress bar is
    drawn on a terminal.

    \b
    Example:
      docmgr site build --out _site
      docmgr site build --out public --rev origin/main --output json
    """
    from docmgr.web import site

    built = site.build(app().workspace(), out, rev=rev, progress=tty_progress)
    for failure in built.failed:
        click.echo(f"Warning: {failure}", err=True)
    emit(
        [built.row()],
        output,
        glaze,
        lambda: (
            f"Built {built.pages} pages ({built.tickets} tickets, {built.docs} documents, "
            f"{built.assets} files) in {built.out}\nOpen {built.out / 'index.html'}"
        ),
    )


COMMANDS = (site_group,)
