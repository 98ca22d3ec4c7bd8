"""What a running server (or a site build) knows: the workspace, and fresh snapshots of it.

There is no private copy of the index: every request reads the shared persistent index
through ``store.index.load_docs``, whose freshness check re-parses only what changed on
disk (a CLI write is visible to the next request). Writes from the web take one process
lock on top of the file locks ops/ takes, so two requests of this server never interleave
a read-modify-write (the folder locks exclude other processes)."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docmgr.model import Doc, Ticket
from docmgr.store import lookup
from docmgr.store.index import load_docs
from docmgr.store.workspace import Workspace

MAX_BODY_BYTES = 1 << 20  # request bodies
MAX_DOC_BYTES = 2 << 20  # a document read by /docs/get and the doc page
MAX_TEXT_BYTES = 2 << 20  # /files/get truncates here
MAX_RAW_BYTES = 20 << 20  # /files/raw refuses more


@dataclass(slots=True)
class Snapshot:
    """Every document of the workspace at one moment, and its tickets."""

    ws: Workspace
    docs: list[Doc]
    at: datetime
    by_rel: dict[str, Doc] = field(default_factory=dict)
    tickets: list[Ticket] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_rel = {d.rel: d for d in self.docs}
        self.tickets = lookup.tickets_from_docs(self.docs)

    def ticket(self, ref: str) -> Ticket:
        """Forgiving ticket lookup (spec §1.6): TicketNotFound / TicketAmbiguous otherwise."""
        return lookup.resolve_ticket(self.ws, ref, docs=self.docs)

    def ticket_docs(self, ticket: Ticket) -> list[Doc]:
        """The ticket's parseable documents: those in its folder (not in a nested ticket's)
        and those elsewhere whose ``Ticket`` names it, by path."""
        prefix = "" if ticket.rel_dir == "." else ticket.rel_dir + "/"
        nested = [
            t.rel_dir + "/"
            for t in self.tickets
            if t.rel_dir not in (ticket.rel_dir, ".") and t.rel_dir.startswith(prefix)
        ]
        out = []
        for doc in self.docs:
            if doc.meta is None:
                continue
            inside = doc.rel.startswith(prefix) and not any(doc.rel.startswith(n) for n in nested)
            if inside or doc.meta.ticket == ticket.id:
                out.append(doc)
        return out


class WebState:
    """The workspace a server or site build works on, plus its bookkeeping."""

    def __init__(self, ws: Workspace, *, rev: str = "HEAD") -> None:
        self.ws = ws
        self.rev = rev
        self.write_lock = threading.Lock()
        self._lock = threading.Lock()
        self.indexed_at: datetime | None = None
        self.docs_indexed = 0

    @property
    def root(self) -> Path:
        return Path(os.path.abspath(self.ws.root))

    @property
    def repo_root(self) -> Path:
        return Path(os.path.abspath(self.ws.repo_root))

    def snapshot(self) -> Snapshot:
        """Refresh the shared index (cheap when nothing changed) and read every document."""
        self.ws.require_root()
        docs = load_docs(self.ws)
        now = self.ws.clock.now()
        with self._lock:
            self.indexed_at = now
            self.docs_indexed = len(docs)
        return Snapshot(self.ws, docs, now)
