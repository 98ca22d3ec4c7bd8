"""``import file``: copy an outside file into ``<ticket>/sources/local/``, recording its origin."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from docmgr.errors import DocmgrError, Param
from docmgr.formats import front_matter
from docmgr.formats.yaml_scalar import scalar
from docmgr.seams import paths
from docmgr.seams.clock import format_rfc3339
from docmgr.seams.journal import Transaction
from docmgr.store import lookup
from docmgr.store.staging import Plan, locked, stage_dirs
from docmgr.store.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Imported:
    ticket: str
    ticket_dir: Path
    source: str  # as given
    dest: Path
    sources_yaml: Path
    index: Path
    index_updated: bool


def sources_entry(*, source: str, fetched: str) -> str:
    """One ``.meta/sources.yaml`` list item (spec §4.5), as appended text."""

    return f"- type: local\n  path: {scalar(source)}\n  lastFetched: {fetched}\n"


def import_file(ws: Workspace, ref: str, *, file: str, name: str = "") -> Imported:
    """Copy ``file`` into the ticket, log it in ``.meta/sources.yaml`` and ExternalSources."""

    source = Path(file)
    if not source.is_absolute():
        source = ws.cwd / source
    if not source.is_file():
        raise DocmgrError(
            f"source file does not exist: {file}", "check the path (relative to the current folder)"
        )
    found = lookup.resolve_ticket(ws, ref)
    if name:
        paths.validate_segment(name, what=Param("name"))
        dest_name = name + os.path.splitext(source.name)[1]
    else:
        dest_name = source.name
    paths.validate_segment(dest_name, what="file name")
    # every target is confined before anything is written: a linked sources/ or .meta/
    # folder (or a linked index.md) makes the import fail with nothing changed
    dest, sources_yaml, index = (
        paths.confine(ws.root, target, cwd=ws.cwd, purpose="write", what="import target")
        for target in (
            found.dir / "sources" / "local" / dest_name,
            found.dir / ".meta" / "sources.yaml",
            found.doc.path,
        )
    )
    content = source.read_bytes()
    now = ws.clock.now()
    marker = f"local:{dest_name}"
    # the copy, its sources.yaml entry and the index's ExternalSources: all three or none
    with locked([found.dir, dest.parent, sources_yaml.parent, index.parent]):
        plan = Plan(ws, f"import {file} into ticket {found.id}")
        current = plan.read_text(sources_yaml) if sources_yaml.exists() else ""
        text = plan.read_text(index)
        new_index: str | None = None
        if text is not None:
            meta, _ = front_matter.read(text, path=str(index))
            if marker not in meta.external_sources:
                new_index = plan.edit(
                    index, {"ExternalSources": [*meta.external_sources, marker], "LastUpdated": now}
                )
        plan.check()
        if current and not current.endswith("\n"):
            current += "\n"
        entry = sources_entry(source=file, fetched=format_rfc3339(now))
        with Transaction(ws.root, f"import file {found.id} {dest_name}") as tx:
            stage_dirs(tx, dest.parent)
            tx.write(dest, content)
            stage_dirs(tx, sources_yaml.parent)
            tx.write(sources_yaml, (current or "") + entry)
            if new_index is not None:
                tx.write(index, new_index)
    return Imported(found.id, found.dir, file, dest, sources_yaml, index, new_index is not None)
