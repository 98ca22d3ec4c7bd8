"""``init``, ``configure``, ``config show`` and ``vocab``: setting up a docs root."""

from __future__ import annotations

import click

from docmgr.cli._common import app, common_options, emit, hidden_alias, output_options, split_list
from docmgr.cli._template_flags import render_verb_template, template_options
from docmgr.ops import scaffold
from docmgr.seams.fsio import file_lock
from docmgr.store import vocabulary


@click.command("init")
@common_options
@click.option("--force", is_flag=True, help="Rewrite .docmgrignore, templates and guidelines.")
@click.option(
    "--seed-vocabulary/--no-seed-vocabulary",
    "seed",
    default=True,
    show_default=True,
    help="Add the default topics, doc types, intents and statuses.",
)
@output_options
def init_cmd(force: bool, seed: bool, output: str | None, glaze: bool) -> None:
    """Create the docs root: vocabulary, templates, guidelines, .docmgrignore, .ttmp.yaml.

    Safe to run again: existing files are kept (custom vocabulary too, even with --force).

    \b
    Example:
      docmgr init
      docmgr init --root docs/tickets --no-seed-vocabulary
    """

    result = scaffold.init(app().workspace(), force=force, seed=seed)
    row = {
        "root": str(result.root),
        "vocabulary": str(result.vocabulary),
        "docmgrignore": str(result.docmgrignore),
        "status": "initialized",
    }
    if result.config:
        row["config"] = str(result.config)

    def human() -> str:
        lines = [
            f"Docs root initialized at {result.root}",
            f"- Vocabulary: {result.vocabulary}",
            f"- .docmgrignore: {result.docmgrignore}",
        ]
        if result.config:
            lines.append(f"- Config: {result.config}")
        lines.append("- Status: initialized")
        return "\n".join(lines)

    emit([row], output, glaze, human)


@click.command("configure")
@click.option(
    "--root",
    "config_root",
    default="ttmp",
    show_default=True,
    help="Docs root to record (relative to the repository root).",
)
@click.option("--owners", multiple=True, help="Default owners for new tickets (comma list).")
@click.option("--intent", default="long-term", show_default=True, help="Default intent.")
@click.option(
    "--vocabulary", "vocab", default="", help="Vocabulary path (default <root>/vocabulary.yaml)."
)
@click.option("--force", is_flag=True, help="Overwrite an existing .ttmp.yaml.")
@output_options
def configure_cmd(
    config_root: str,
    owners: tuple[str, ...],
    intent: str,
    vocab: str,
    force: bool,
    output: str | None,
    glaze: bool,
) -> None:
    """Write .ttmp.yaml at the repository root.

    \b
    Example:
      docmgr configure --root ttmp --owners alice,bob --intent long-term --force
    """

    result = scaffold.configure(
        app().workspace(),
        root=config_root,
        owners=split_list(owners),
        intent=intent,
        vocabulary_path=vocab,
        force=force,
    )
    row = {
        "config": str(result.path),
        "root": result.root,
        "vocabulary": result.vocabulary,
        "status": result.status,
    }
    emit(
        [row],
        output,
        glaze,
        lambda: "\n".join(
            [
                f"Configuration file: {result.path}",
                f"- Root: {result.root}",
                f"- Vocabulary: {result.vocabulary}",
                f"- Status: {result.status}",
            ]
        ),
    )


@click.group("config")
def config_group() -> None:
    """Inspect how the docs root is found."""


@config_group.command("show")
@common_options
@output_options
def config_show_cmd(output: str | None, glaze: bool) -> None:
    """Show each place docmgr looked for the docs root, and the active configuration.

    \b
    Example:
      docmgr config show
      docmgr config show --output json
    """
    ws = app().workspace()
    res = ws.resolution
    rows: list[dict[str, object]] = [{"section": "Configuration Sources (in precedence order)"}]
    for number, step in enumerate(res.steps, start=1):
        rows.append(
            {
                "step": number,
                "source": step.source,
                "status": "✓ used" if step.used else "",
                "path": step.path,
            }
        )
    rows.append({"section": "Active Configuration"})
    settings = [
        ("root", str(ws.root), res.source),
        ("vocabulary", str(ws.vocabulary_path), res.source),
    ]
    if ws.config:
        settings.append(
            ("defaults.owners", "[" + " ".join(ws.config.owners) + "]", str(ws.config.path))
        )
        if ws.config.intent:
            settings.append(("defaults.intent", ws.config.intent, str(ws.config.path)))
        if ws.config.filename_prefix_policy:
            settings.append(
                ("filenamePrefixPolicy", ws.config.filename_prefix_policy, str(ws.config.path))
            )
    rows.extend({"setting": k, "value": v, "source": s} for k, v, s in settings)

    from_config = ws.config is not None and res.source not in ("git", "cwd")
    source = ws.display(ws.config.path) if ws.config and from_config else "fallback/default"

    def human() -> str:
        lines = ["Configuration sources (in precedence order):"]
        for number, step in enumerate(res.steps, start=1):
            lines.append(f"  {number}. {'✓' if step.used else ' '} {step.source}: {step.path}")
        lines += [
            "",
            "Active configuration:",
            f"  root: {ws.root}",
            f"  source: {source}",
        ]
        lines += [f"  {k}: {v}" for k, v, _ in settings[1:]]
        return "\n".join(lines)

    emit(rows, output, glaze, human)


@click.group("vocab")
def vocab_group() -> None:
    """List or extend the vocabulary (topics, docTypes, intent, status)."""


@vocab_group.command("list")
@common_options
@click.option("--category", default="", help="topics, docTypes, intent or status (default: all).")
@output_options
@template_options("vocab list")
def vocab_list_cmd(category: str, output: str | None, glaze: bool) -> None:
    """List vocabulary entries.

    \b
    Example:
      docmgr vocab list --category topics
      docmgr vocab list --output json
    """

    ws = app().workspace()
    vocab = vocabulary.load(ws.vocabulary_path)
    wanted = [vocabulary.category_name(category)] if category else list(vocabulary.CATEGORIES)
    rows = [
        {"category": c, "slug": e.slug, "description": e.description}
        for c in wanted
        for e in vocab.entries[c]
    ]

    def human() -> str:
        config_path = ws.config.path if ws.config else ""
        head = f"root={ws.root} config={config_path} vocabulary={ws.vocabulary_path}"
        return "\n".join(
            [head] + [f"{r['category']}: {r['slug']} — {r['description']}" for r in rows]
        )

    emit(rows, output, glaze, human)
    data = {"category": category, "rows": rows}
    render_verb_template("vocab list", data, structured=bool(output or glaze))


@vocab_group.command("add")
@common_options
@click.option("--category", required=True, help="topics, docTypes, intent or status.")
@click.option("--slug", required=True, help="The value (lower-cased).")
@click.option("--description", required=True, help="What the value means.")
@output_options
def vocab_add_cmd(
    category: str, slug: str, description: str, output: str | None, glaze: bool
) -> None:
    """Add a vocabulary entry.

    \b
    Example:
      docmgr vocab add --category topics --slug infra --description "Infrastructure and CI"
    """

    ws = app().workspace()
    name = vocabulary.category_name(category)
    ws.vocabulary_path.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(ws.vocabulary_path):  # re-read under the lock: concurrent adds both land
        vocab = vocabulary.load(ws.vocabulary_path)
        entry = vocabulary.add(vocab, name, slug, description)
        vocabulary.save(vocab)
    row = {
        "category": name,
        "slug": entry.slug,
        "description": entry.description,
        "vocabulary_path": str(ws.vocabulary_path),
        "status": "added",
    }
    emit(
        [row],
        output,
        glaze,
        lambda: f"vocabulary entry added: {name.lower()}/{entry.slug} ({entry.description})",
    )


@click.group("workspace")
def workspace_group() -> None:
    """Aliases of the workspace-wide verbs (init, configure, …)."""


workspace_group.add_command(hidden_alias(init_cmd, "init"))
workspace_group.add_command(hidden_alias(configure_cmd, "configure"))
for _cmd in workspace_group.commands.values():
    _cmd.hidden = False


COMMANDS = (init_cmd, configure_cmd, config_group, vocab_group, workspace_group)
