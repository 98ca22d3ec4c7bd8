"""``docmgr help [topic]``: read docmgr's own manual (the pages of docs/) in the terminal."""

from __future__ import annotations

import click

from docmgr.cli._common import common_options, emit, output_options
from docmgr.errors import UsageProblem
from docmgr.store import help_pages


@click.command("help")
@common_options
@click.argument("topic", required=False, default="")
@output_options
def help_cmd(topic: str, output: str | None, glaze: bool) -> None:
    """Print a page of docmgr's manual; without a topic, list the topics.

    Topics are the pages of docs/ (getting-started, cli, file-formats, …), shipped with
    docmgr. For one verb's flags use 'docmgr <verb> --help'.

    \b
    Example:
      docmgr help
      docmgr help getting-started
    """

    names = help_pages.topics()
    if not topic:
        rows = [{"topic": name, "title": help_pages.title(name)} for name in names]
        width = max((len(name) for name in names), default=0)

        def listing() -> str:
            lines = ["Help topics (docmgr help <topic>):", ""]
            lines += [f"  {r['topic'].ljust(width)}  {r['title']}" for r in rows]
            return "\n".join(lines) + "\n"

        emit(rows, output, glaze, listing)
        return
    try:
        text = help_pages.page(topic)
    except KeyError:
        raise UsageProblem(
            f"unknown help topic: {topic}",
            f"pick one of {', '.join(names)} (run 'docmgr help' to list them)",
        ) from None
    name = topic.strip().removesuffix(".md")
    emit([{"topic": name, "content": text}], output, glaze, lambda: text)


COMMANDS = (help_cmd,)
