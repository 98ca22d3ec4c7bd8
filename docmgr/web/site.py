"""``docmgr site build``: the UI's pages as a static site for CI to publish.

Every ticket and every document gets a page; links are relative only (so the site works
from ``file://`` and under any sub-path of GitHub Pages); search runs in the browser over
a prebuilt index (``static/search-index.js``, also written as ``search-index.json``).
Images and other files of the docs root that pages link to are copied next to the pages.

The site is built in a temporary folder beside ``--out`` and swapped in at the end, so a
failed build leaves the previous site as it was. A folder is only replaced if it is empty
or holds a site docmgr built (it has a ``.docmgr-site`` marker)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docmgr.errors import DocmgrError, Param, RequestRefused
from docmgr.formats import front_matter
from docmgr.seams.paths import is_inside
from docmgr.store.workspace import Workspace
from docmgr.web import pages
from docmgr.web.api import error_payload
from docmgr.web.gate import confine
from docmgr.web.links import SiteLinks, doc_file, ticket_file
from docmgr.web.render import STATIC
from docmgr.web.state import MAX_RAW_BYTES, Snapshot, WebState

MARKER = ".docmgr-site"


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


SEARCH_BODY_CHARS = 20_000  # of each document's text in the search index


Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Built:
    """What a build wrote."""

    out: Path
    pages: int
    tickets: int
    docs: int
    assets: int
    failed: list[str]  # pages written as error pages (path: reason)

    def row(self) -> dict[str, object]:
        return {
            "out": str(self.out),
            "pages": self.pages,
            "tickets": self.tickets,
            "docs": self.docs,
            "assets": self.assets,
            "failed": len(self.failed),
        }


def _check_out(state: WebState, out: Path) -> None:
    if is_inside(state.root, out) or is_inside(out, state.root):
        raise DocmgrError(
            f"the site folder {out} overlaps the docs root {state.root}",
            (
                "pass an ",
                Param("out"),
                " folder outside the docs root, e.g. ",
                Param("out", "_site"),
            ),
        )
    if out.exists() and not out.is_dir():
        raise DocmgrError(
            f"{out} is not a folder", ("pass a new or empty folder as ", Param("out"))
        )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise DocmgrError(
            f"{out} is not empty and was not built by docmgr site build",
            ("pass a new or empty folder as ", Param("out"), " (or remove that one)"),
        )


def _search_index(snap: Snapshot) -> dict[str, object]:
    entries = []
    for doc in snap.docs:
        meta = doc.meta
        if meta is None:
            continue
        try:
            with open(doc.path, encoding="utf-8", errors="replace") as handle:
                text = handle.read(SEARCH_BODY_CHARS * 4)
        except OSError:
            text = ""
        parts = front_matter.split(text)
        body = _COMMENT.sub(" ", text[parts.body_start :] if parts is not None else text)
        entries.append(
            {
                "u": doc_file(doc.rel),
                "p": doc.rel,
                "title": meta.title,
                "ticket": meta.ticket,
                "type": meta.doc_type,
                "topics": list(meta.topics),
                "s": " ".join(body.split())[:SEARCH_BODY_CHARS],
                "f": [r.path for r in meta.related_files],
            }
        )
    return {"version": 1, "docs": entries}


def build(
    ws: Workspace, out: Path, *, rev: str = "HEAD", progress: Progress | None = None
) -> Built:
    """Write the site of ``ws`` to ``out`` (see the module doc)."""
    state = WebState(ws, rev=rev)
    snap = state.snapshot()
    out = Path(os.path.abspath(out))
    _check_out(state, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".{out.name}.building-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        built = _write_all(state, snap, work, progress)
        _swap(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Built(out, *built)


def _write_all(
    state: WebState, snap: Snapshot, work: Path, progress: Progress | None
) -> tuple[int, int, int, int, list[str]]:
    assets: set[str] = set()
    jobs: list[tuple[str, Callable[[SiteLinks], str]]] = [
        ("index.html", lambda links: pages.home(state, snap, links)),
        ("tickets.html", lambda links: pages.tickets(state, snap, links, pages.TicketFilters())),
        ("search.html", lambda links: pages.search(state, snap, links)),
        ("health.html", lambda links: pages.health(state, snap, links)),
    ]

    def ticket_page(ticket_id: str) -> Callable[[SiteLinks], str]:
        return lambda links: pages.ticket(state, snap, links, ticket_id)

    def doc_page(rel: str) -> Callable[[SiteLinks], str]:
        return lambda links: pages.doc(state, snap, links, rel)

    ticket_ids = sorted({t.id for t in snap.tickets})
    jobs += [(ticket_file(i), ticket_page(i)) for i in ticket_ids]
    jobs += [(doc_file(d.rel), doc_page(d.rel)) for d in snap.docs]
    failed: list[str] = []
    for number, (page, render) in enumerate(jobs, start=1):
        links = SiteLinks(page, assets)
        try:
            html = render(links)
        except (DocmgrError, OSError) as exc:
            status, payload = error_payload(exc)
            reason = str(payload["error"]["message"])
            failed.append(f"{page}: {reason}")
            html = pages.error(state, links, status, reason)
        target = work / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        if progress is not None:
            progress("Building site", number, len(jobs))
    static = work / "static"
    static.mkdir(exist_ok=True)
    for name in ("style.css", "app.js", "search.js"):
        shutil.copyfile(STATIC / name, static / name)
    index = _search_index(snap)
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    (work / "search-index.json").write_text(text, encoding="utf-8")
    (static / "search-index.js").write_text(f"window.DOCMGR_SEARCH = {text};\n", encoding="utf-8")
    copied = _copy_assets(state, work, assets)
    (work / ".nojekyll").write_text("", encoding="utf-8")
    (work / MARKER).write_text("built by docmgr site build\n", encoding="utf-8")
    return len(jobs), len(ticket_ids), len(snap.docs), copied, failed


def _copy_assets(state: WebState, work: Path, assets: set[str]) -> int:
    """Copy the docs-root files pages link to (through the confinement gate; size-limited)."""
    copied = 0
    for rel in sorted(assets):
        try:
            found = confine(state.root, rel)
        except RequestRefused:
            continue  # missing, outside the root, or a folder: the link stays dead
        if found.size > MAX_RAW_BYTES:
            continue
        target = work / "files" / "docs" / found.rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(found.path, target)
        copied += 1
    return copied


def _swap(work: Path, out: Path) -> None:
    """Put the new site in place; the old one is removed only once the new one is there."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out, old)
    os.replace(work, out)
    if old is not None:
        with contextlib.suppress(OSError):
            shutil.rmtree(old)
