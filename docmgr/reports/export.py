"""``export-sqlite``: snapshot the workspace index into a standalone SQLite file (spec §2.11)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

from docmgr.errors import DocmgrError, Param, UsageProblem
from docmgr.formats import related as related_format
from docmgr.model import Doc
from docmgr.store import help_pages, related_paths
from docmgr.store import index as index_store
from docmgr.store.index import Index, queries
from docmgr.store.index import export as export_file
from docmgr.store.index.export import ExportDoc, ExportRelated
from docmgr.store.workspace import Workspace


@index_store.recovering
def export(ws: Workspace, out: str, *, force: bool = False, include_body: bool = False) -> Path:
    """Write the export to ``out`` (no overwrite without ``force``); return its absolute path."""
    if not out:
        raise UsageProblem(
            (Param("out"), " is required"), ("pass ", Param("out", "workspace.sqlite"))
        )
    target = Path(os.path.abspath(ws.cwd / out))
    if not target.parent.is_dir():
        raise DocmgrError(f"output directory does not exist: {target.parent}", "create it first")
    if target.exists() and not force:
        raise DocmgrError(
            ("output file already exists (use ", Param("force"), f"): {target}"),
            ("pass ", Param("force"), " to replace it"),
        )
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    if tmp.exists():
        tmp.unlink()
    memory = index_store.cache_disabled(ws)
    try:
        with index_store.open_index(ws, memory=memory) as index:
            export_file.write(tmp, _rows(ws, index, include_body=include_body), readme_pages())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, target)
    return target


def readme_pages() -> dict[str, str]:
    """docmgr's manual for the README table (next to ``__about__.md``): every docs page, and
    the getting-started page again as ``docmgr-how-to-use.md``, the Go tool's name for it."""
    pages = help_pages.pages()
    if "getting-started.md" in pages:
        pages["docmgr-how-to-use.md"] = pages["getting-started.md"]
    return pages


def _rows(ws: Workspace, index: Index, *, include_body: bool) -> Iterator[ExportDoc]:
    repo = Path(os.path.abspath(ws.repo_root))
    for doc in queries.all_docs(index):
        yield _row(ws, doc, queries.body(index, doc.rel), repo, include_body=include_body)


def _row(ws: Workspace, doc: Doc, body: str, repo: Path, *, include_body: bool) -> ExportDoc:
    meta = doc.meta
    segs = doc.rel.split("/")[:-1]
    stamp = ""
    if meta is not None and meta.last_updated is not None:
        stamp = meta.last_updated.astimezone(UTC).isoformat().replace("+00:00", "Z")
    related: list[ExportRelated] = []
    if meta is not None:
        bases = related_paths.Bases.for_doc(ws, doc.path)
        for entry in meta.related_files:
            resolved = related_paths.resolve(entry.path, bases).path
            anchor = (related_format.parse_anchor(entry.path) or ("", ""))[0]
            rel = ""
            if resolved is not None and (resolved == repo or repo in resolved.parents):
                rel = resolved.relative_to(repo).as_posix()
            related.append(
                ExportRelated(
                    entry.note, anchor, str(resolved) if resolved else "", rel, entry.path
                )
            )
    return ExportDoc(
        path=str(doc.path),
        ticket=doc.ticket,
        doc_type=meta.doc_type if meta else "",
        status=meta.status if meta else "",
        intent=meta.intent if meta else "",
        title=meta.title if meta else "",
        last_updated=stamp,
        what_for=meta.what_for if meta else "",
        when_to_use=meta.when_to_use if meta else "",
        parse_ok=meta is not None,
        parse_err=doc.error,
        is_index=doc.path.name == "index.md",
        is_archived_path="archive" in segs,
        is_scripts_path="scripts" in segs,
        is_sources_path="sources" in segs,
        is_control_doc=doc.is_control,
        stored_body=body if include_body else None,
        search_body=body,
        topics=meta.topics if meta else (),
        owners=meta.owners if meta else (),
        related=related,
    )
