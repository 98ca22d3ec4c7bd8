"""``init`` and ``configure``: create a docs root and the ``.ttmp.yaml`` that points to it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from docmgr.seams.fsio import atomic_write
from docmgr.store import config as configmod
from docmgr.store import templates, vocabulary
from docmgr.store.workspace import Workspace

DOCMGRIGNORE = "# Default ignores for docmgr\n.git/\n_templates/\n_guidelines/\n"


EMPTY_VOCABULARY = "topics: []\ndocTypes: []\nintent: []\n"


@dataclass(frozen=True, slots=True)
class InitResult:
    root: Path
    vocabulary: Path
    docmgrignore: Path
    config: Path | None
    written: list[str]


def _write(path: Path, content: str, force: bool, written: list[str]) -> None:
    if path.exists() and not force:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, content)
    written.append(str(path))


def init(ws: Workspace, *, force: bool = False, seed: bool = True) -> InitResult:
    """Create the docs root with .docmgrignore, a seeded vocabulary, templates and guidelines.

    Unlike the Go tool, ``--force`` keeps custom vocabulary entries (it only re-adds defaults).
    """
    ws.check_root()
    root = ws.root
    root.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    _write(root / ".docmgrignore", DOCMGRIGNORE, force, written)
    vocab_path = ws.vocabulary_path
    _write(vocab_path, EMPTY_VOCABULARY, False, written)
    if seed:
        vocab = vocabulary.load(vocab_path)
        if vocabulary.seed(vocab):
            vocabulary.save(vocab)
    for doc_type in templates.TEMPLATE_TYPES:
        body = templates.builtin_text("templates", f"{doc_type}.md")
        if body is not None:
            _write(root / "_templates" / f"{doc_type}.md", body, force, written)
        guide = templates.builtin_text("guidelines", f"{doc_type}.md")
        if guide is not None:
            _write(root / "_guidelines" / f"{doc_type}.md", guide, force, written)
    config_path: Path | None = Path(ws.config.path) if ws.config else None
    if config_path is None:
        config_path = ws.repo_root / configmod.CONFIG_NAME
        if not config_path.exists():
            rel_root = _rel(root, ws.repo_root)
            atomic_write(
                config_path,
                configmod.render_config(
                    root=rel_root, owners=[], intent="", vocabulary=_rel(vocab_path, ws.repo_root)
                ),
            )
            written.append(str(config_path))
    return InitResult(root, vocab_path, root / ".docmgrignore", config_path, written)


def _rel(path: Path, base: Path) -> str:
    rel = os.path.relpath(path, base)
    return str(path) if rel.startswith("..") else Path(rel).as_posix()


@dataclass(frozen=True, slots=True)
class ConfigureResult:
    path: Path
    root: str
    vocabulary: str
    status: str  # "written" | "exists"


def configure(
    ws: Workspace, *, root: str, owners: list[str], intent: str, vocabulary_path: str, force: bool
) -> ConfigureResult:
    """Write ``<repo>/.ttmp.yaml`` (kept when it exists, unless ``force``)."""
    path = ws.repo_root / configmod.CONFIG_NAME
    vocab = vocabulary_path or f"{root.rstrip('/')}/vocabulary.yaml"
    if path.exists() and not force:
        return ConfigureResult(path, root, vocab, "exists")
    atomic_write(
        path, configmod.render_config(root=root, owners=owners, intent=intent, vocabulary=vocab)
    )
    return ConfigureResult(path, root, vocab, "written")
