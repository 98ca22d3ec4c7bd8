"""Workspace status (spec §8.1): per-ticket doc counts and staleness, plus a summary."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docmgr.store import index as index_store
from docmgr.store import lookup
from docmgr.store.index import queries
from docmgr.store.workspace import Workspace


@dataclass(frozen=True, slots=True)
class TicketStatus:
    ticket: str
    title: str
    status: str
    last_updated: str  # YYYY-MM-DD (UTC) or ''
    stale: bool
    docs: int
    design_docs: int
    reference_docs: int
    playbooks: int
    path: str  # absolute ticket folder

    def row(self) -> dict[str, Any]:
        return {
            "ticket": self.ticket,
            "title": self.title,
            "status": self.status,
            "last_updated": self.last_updated,
            "stale": self.stale,
            "docs": self.docs,
            "design_docs": self.design_docs,
            "reference_docs": self.reference_docs,
            "playbooks": self.playbooks,
            "path": self.path,
        }


@dataclass(frozen=True, slots=True)
class Status:
    tickets: list[TicketStatus]
    root: Path
    config_path: str
    vocabulary_path: str
    stale_after: int
    warnings: list[str]

    def summary_row(self) -> dict[str, Any]:
        return {
            "root": str(self.root),
            "config_path": self.config_path,
            "vocabulary_path": self.vocabulary_path,
            "tickets_total": len(self.tickets),
            "tickets_stale": sum(t.stale for t in self.tickets),
            "docs_total": sum(t.docs for t in self.tickets),
            "design_docs": sum(t.design_docs for t in self.tickets),
            "reference_docs": sum(t.reference_docs for t in self.tickets),
            "playbooks": sum(t.playbooks for t in self.tickets),
            "stale_after_days": self.stale_after,
            "status": "ok",
        }


def _parse_key(key: str) -> datetime | None:
    if not key:
        return None
    return datetime.strptime(key, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


@index_store.recovering
def status(ws: Workspace, *, ticket: str = "", stale_after: int = 30) -> Status:
    """Aggregate parseable docs by their Ticket value; tickets are those with an index doc.

    ``ticket`` is a forgiving reference (unknown or ambiguous: an error).
    """

    root = ws.require_root()
    memory = index_store.cache_disabled(ws)
    groups: dict[str, dict[str, Any]] = {}
    with index_store.open_index(ws, memory=memory) as index:
        if ticket:  # a forgiving reference; the filter takes the ticket's exact id
            ticket = lookup.resolve_ticket(ws, ticket, docs=queries.ticket_index_docs(index)).id
        # streamed, and titles only for index docs: flat memory on very large workspaces
        rows = queries.status_rows(index)
        for tid, rel, name, doc_type, title, state, lu in rows:
            if ticket and tid != ticket:
                continue
            group = groups.get(tid)
            if group is None:
                group = groups[tid] = {
                    "index": None,
                    "docs": 0,
                    "design": 0,
                    "reference": 0,
                    "playbook": 0,
                }
            if group["index"] is None and (name == "index.md" or doc_type == "index"):
                group["index"] = (rel, title, state, lu)
                continue
            group["docs"] += 1
            if doc_type == "design-doc":
                group["design"] += 1
            elif doc_type == "reference":
                group["reference"] += 1
            elif doc_type == "playbook":
                group["playbook"] += 1
    now = ws.clock.now()
    out: list[TicketStatus] = []
    for tid, group in groups.items():
        if group["index"] is None:
            continue
        rel, title, state, lu = group["index"]
        stamp = _parse_key(lu)
        stale = stamp is not None and (now - stamp).days > stale_after
        folder = os.path.dirname(str(root / rel))
        out.append(
            TicketStatus(
                tid,
                title,
                state,
                stamp.strftime("%Y-%m-%d") if stamp else "",
                stale,
                group["docs"],
                group["design"],
                group["reference"],
                group["playbook"],
                folder,
            )
        )
    out.sort(key=lambda t: t.path)
    warnings: list[str] = []
    if ws.config is None and ws.resolution.git_root is None and ws.root == ws.cwd / "ttmp":
        warnings.append(f"No .ttmp.yaml found; using {ws.cwd / 'ttmp'} fallback")
    roots = [p / "ttmp" for p in (ws.cwd, *ws.cwd.parents) if (p / "ttmp").is_dir()]
    if len(roots) > 1:
        warnings.append("Multiple ttmp/ roots detected: " + ", ".join(str(r) for r in roots))
    config_path = str(ws.config.path) if ws.config else ""
    return Status(out, root, config_path, str(ws.vocabulary_path), stale_after, warnings)


def render(result: Status, *, summary_only: bool = False) -> str:
    """The bare text of ``status``."""
    lines: list[str] = []
    if not summary_only:
        for t in result.tickets:
            lines.append(
                f"{t.ticket} ‘{t.title}’ status={t.status} stale={'true' if t.stale else 'false'} "
                f"docs={t.docs} path={t.path}"
            )
    s = result.summary_row()
    lines.append(
        f"root={s['root']} config={s['config_path']} vocabulary={s['vocabulary_path']} "
        f"tickets={s['tickets_total']} stale={s['tickets_stale']} docs={s['docs_total']} "
        f"(design {s['design_docs']} / reference {s['reference_docs']} / "
        f"playbooks {s['playbooks']}) "
        f"stale-after={s['stale_after_days']}"
    )
    return "\n".join(lines) + "\n"
