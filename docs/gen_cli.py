"""Generate docs/cli.md, the CLI reference, from the ``--help`` of every verb.

Run ``python docs/gen_cli.py`` after adding or changing a verb; ``tests/test_docs.py`` fails
when docs/cli.md is out of date.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

HERE = Path(__file__).resolve().parent
TARGET = HERE / "cli.md"
WIDTH = 100

HEADER = """# CLI reference

Generated from `--help` by `python docs/gen_cli.py`; do not edit by hand. Every verb takes
`--root DIR` (also accepted before the verb: `docmgr --root DIR ticket list`) and
`--verbose`; list and show verbs take `--output table|json|yaml|csv` (JSON keys:
[json-output.md](json-output.md)).

"""


def _contexts(root: click.Command, path: list[str]) -> click.Context:
    settings = {**root.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    ctx = click.Context(root, info_name="docmgr", **settings)
    command = root
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
        ctx = click.Context(
            command, info_name=name, parent=ctx, terminal_width=WIDTH, max_content_width=WIDTH
        )
    return ctx


def walk(
    command: click.Command,
    path: list[str] | None = None,
) -> Iterator[tuple[list[str], click.Command]]:
    """Yield (path, command) for every leaf verb, hidden ones included."""
    path = path or []
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from walk(command.commands[name], [*path, name])
    else:
        yield path, command


def _canonical_name(command: click.Command) -> str:
    name = getattr(command.callback, "__name__", "")
    return name.removesuffix("_cmd").replace("_", "-")


def verbs(root: click.Command) -> list[tuple[list[str], click.Command, list[list[str]]]]:
    """Canonical verbs with their aliases: copies that share a callback are aliases."""
    groups: dict[int, list[tuple[list[str], click.Command]]] = {}
    order: list[int] = []
    for path, command in walk(root):
        key = id(command.callback)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((path, command))
    out = []
    for key in order:
        members = groups[key]
        visible = [m for m in members if not m[1].hidden] or members

        def rank(member: tuple[list[str], click.Command]) -> tuple[int, int, str]:
            path, command = member
            return (0 if path[-1] == _canonical_name(command) else 1, len(path), " ".join(path))

        canonical = min(visible, key=rank)
        aliases = sorted((p for p, _c in members if p != canonical[0]), key=" ".join)
        if canonical[1].hidden:
            continue
        out.append((canonical[0], canonical[1], aliases))
    out.sort(key=lambda v: " ".join(v[0]))
    return out


def help_text(root: click.Command, path: list[str]) -> str:
    """The ``--help`` output of one verb, at a fixed width."""
    ctx = _contexts(root, path)
    return ctx.command.get_help(ctx).rstrip() + "\n"


def render() -> str:
    """Return the whole of docs/cli.md."""
    from docmgr.cli import cli

    parts = [HEADER, "## Verbs\n\n"]
    listed = verbs(cli)
    for path, command, _aliases in listed:
        short = command.get_short_help_str(limit=80)
        anchor = "docmgr-" + "-".join(path)
        parts.append(f"- [`docmgr {' '.join(path)}`](#{anchor}) — {short}\n")
    parts.append("\n")
    for path, _command, aliases in listed:
        parts.append(f"## docmgr {' '.join(path)}\n\n")
        if aliases:
            names = ", ".join(f"`docmgr {' '.join(a)}`" for a in aliases)
            parts.append(f"Aliases: {names}\n\n")
        parts.append("```text\n" + help_text(cli, path) + "```\n\n")
    return "".join(parts).rstrip() + "\n"


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
    sys.path.insert(0, str(HERE))
    import sync_help  # docmgr/help/ carries the pages, cli.md included

    sync_help.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
