"""ticket show: task counts, documents and the last changelog heading of one ticket."""

from __future__ import annotations

from dataclasses import dataclass, field

from docmgr.model import Doc, Ticket
from docmgr.store.index import load_docs
from docmgr.store.ticket_files import changelog_head, task_counts
from docmgr.store.workspace import Workspace


@dataclass(slots=True)
class Summary:
    ticket: Ticket
    tasks_open: int
    tasks_done: int
    docs: list[Doc] = field(default_factory=list)
    changelog_head: str = ""


def summarize(ws: Workspace, ticket: Ticket, docs: list[Doc] | None = None) -> Summary:
    """Everything ``ticket show`` prints: counts, documents, last changelog heading."""
    open_, done = task_counts(ticket.dir)
    prefix = ticket.rel_dir + "/" if ticket.rel_dir != "." else ""
    all_docs = docs if docs is not None else load_docs(ws)
    mine = [d for d in all_docs if d.ok and d.rel.startswith(prefix)]
    head = changelog_head(ticket.dir)
    return Summary(ticket, open_, done, sorted(mine, key=lambda d: d.rel), head)
