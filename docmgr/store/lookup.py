"""Finding tickets and documents by forgiving reference (spec §1.6)."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from pathlib import Path

from docmgr.errors import (
    DocmgrError,
    DocNotFound,
    Param,
    TicketAmbiguous,
    TicketNotFound,
    UsageProblem,
)
from docmgr.model import Doc, Ticket
from docmgr.seams import paths
from docmgr.store.index import index_docs, load_docs
from docmgr.store.workspace import Workspace


def tickets_from_docs(docs: list[Doc]) -> list[Ticket]:
    """Group index documents by ticket id (duplicates are kept and marked)."""
    by_id: dict[str, Ticket] = {}
    order: list[Ticket] = []
    for doc in docs:
        if not doc.is_index or doc.meta is None:
            continue
        tid = doc.meta.ticket
        if tid in by_id:
            by_id[tid].others.append(doc)
            continue
        ticket = Ticket(tid, doc)
        by_id[tid] = ticket
        order.append(ticket)
    return order


def _unique(found: list[Ticket]) -> list[Ticket]:
    seen: dict[str, Ticket] = {}
    for t in found:
        seen.setdefault(t.id, t)
    return list(seen.values())


_TICKET = Param("ticket", "<ID>")


def resolve_ticket(
    ws: Workspace, ref: str, *, docs: list[Doc] | None = None, param: Param = _TICKET
) -> Ticket:
    """The ticket a user's reference names (spec §1.6): the one resolver of every verb.

    Stages, the first that matches decides: exact id (then case-insensitive), unique id
    prefix, folder name (or the id before its ``--``), unique id substring. No match raises
    TicketNotFound naming the closest ids; several raise TicketAmbiguous naming every
    candidate's folder. ``docs`` are candidates the caller already holds (any documents:
    only parseable ``DocType: index`` ones count); without them an exact id is answered
    from the cache without a refresh, anything else from the refreshed index. ``param``
    is the input the reference came from (``dest_ticket``), for the hint of an empty one.
    """
    if not ref.strip():
        raise UsageProblem("missing ticket id", ("pass ", param))
    if docs is None:
        docs = index_docs(ws, ticket_id=ref)
    return _match(ref, tickets_from_docs(docs))


def _match(ref: str, tickets: list[Ticket]) -> Ticket:
    """Resolve ``ref`` among ``tickets``: the stages of :func:`resolve_ticket`, no I/O."""
    ref = nfc(ref.strip())
    if not ref:
        raise UsageProblem("missing ticket id", ("pass ", _TICKET))
    lowered = ref.lower()
    ids = {id(t): nfc(t.id) for t in tickets}  # ids written on macOS may be NFD
    stages: list[Callable[[], list[Ticket]]] = [
        lambda: (
            [t for t in tickets if ids[id(t)] == ref]
            or [t for t in tickets if ids[id(t)].lower() == lowered]
        ),
        lambda: [t for t in tickets if ids[id(t)].lower().startswith(lowered)],
        lambda: _by_folder(ref, tickets),
        lambda: [t for t in tickets if lowered in ids[id(t)].lower()],
    ]
    for stage in stages:
        found = _unique(stage())
        if len(found) == 1:
            return _single(found[0])
        if len(found) > 1:
            listing = ", ".join(f"{t.id} ({t.rel_dir})" for t in sorted(found, key=_by_id))
            raise TicketAmbiguous(f'ticket ambiguous: "{ref}" matches multiple tickets: {listing}')
    raise TicketNotFound(ref, closest_ids(ref, sorted({t.id for t in tickets})))


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C, so "é" typed either way names the same ticket."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _by_id(ticket: Ticket) -> tuple[str, str]:
    return ticket.id, ticket.doc.rel


def closest_ids(ref: str, ids: list[str], *, limit: int = 3) -> list[str]:
    """The ids most like ``ref`` (case-insensitive), best first; [] when none is close.

    Each id is compared whole and cut to the length of ``ref``, so a mistyped prefix
    (``VM-040`` for ``VM-004-EXPAND-E2E-COVERAGE``) still finds its ticket.
    """
    import difflib  # only when a reference is not found (not on the warm path)

    wanted = ref.strip().lower()
    scored: list[tuple[float, str]] = []
    for tid in ids:
        low = tid.lower()
        score = max(
            difflib.SequenceMatcher(None, wanted, low).ratio(),
            difflib.SequenceMatcher(None, wanted, low[: len(wanted)]).ratio(),
        )
        if score >= _CLOSE_ENOUGH:
            scored.append((-score, tid))
    return [tid for _, tid in sorted(scored)[:limit]]


_CLOSE_ENOUGH = 0.6  # difflib's own default cutoff for get_close_matches


def _by_folder(ref: str, tickets: list[Ticket]) -> list[Ticket]:
    segment = nfc(ref).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].lower()
    found = [t for t in tickets if nfc(t.dir.name).lower() == segment]
    if found or "--" not in segment:
        return found
    head = segment.split("--", 1)[0]
    return [t for t in tickets if nfc(t.id).lower() == head] or [
        t for t in tickets if nfc(t.id).lower().startswith(head)
    ]


def _single(ticket: Ticket) -> Ticket:
    if ticket.others:
        listing = ", ".join(d.rel for d in [ticket.doc, *ticket.others])
        raise TicketAmbiguous(
            f'ticket ambiguous: "{ticket.id}" has multiple index docs: {listing}',
            "remove or rename the duplicate workspace",
        )
    return ticket


def resolve_ref(ws: Workspace, ref: str, docs: list[Doc] | None = None) -> Path:
    """Resolve a ``--doc`` reference (spec §1.7): abs, cwd, repo, docs root, suffix match."""
    ref = ref.strip()
    if not ref or "\x00" in ref:
        raise DocNotFound(
            "doc reference is empty", ("pass ", Param("doc", "<path to the .md file>"))
        )
    candidate = Path(ref)
    if candidate.is_absolute():
        if candidate.is_file():
            return candidate
        raise DocNotFound(f"doc not found: {candidate}")
    for base in (ws.cwd, ws.repo_root, ws.root):
        path = base / ref
        if path.is_file():
            return Path(os.path.abspath(path))
    stripped = ref.replace("\\", "/")
    prefix = ws.root.name + "/"
    while stripped.startswith(prefix):
        stripped = stripped[len(prefix) :]
        path = ws.root / stripped
        if path.is_file():
            return path
    suffix = stripped.strip("/")
    pool = docs if docs is not None else (load_docs(ws) if ws.root.is_dir() else [])
    matches = [d.path for d in pool if d.rel == suffix or d.rel.endswith("/" + suffix)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        listing = ", ".join(ws.rel(m) for m in matches)
        raise DocmgrError(
            f'doc reference "{ref}" is ambiguous; candidates: {listing}', "give more of the path"
        )
    raise DocNotFound(
        f'doc not found: "{ref}" (tried absolute, cwd-relative, repo-relative, and '
        "docs-root-relative paths)"
    )


def ticket_of(ws: Workspace, path: Path, tickets: list[Ticket]) -> Ticket | None:
    """The ticket whose folder contains ``path`` (deepest match)."""
    best: Ticket | None = None
    for t in tickets:
        if paths.is_inside(t.dir, path) and (best is None or len(str(t.dir)) > len(str(best.dir))):
            best = t
    return best
