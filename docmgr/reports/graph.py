"""Ticket graph (spec §5.10): the ticket's documents and the files they relate, as Mermaid."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from docmgr.errors import Param, UsageProblem
from docmgr.formats import related as related_format
from docmgr.store import lookup, related_paths
from docmgr.store.index import load_docs
from docmgr.store.workspace import Workspace

FORMATS = ("markdown", "mermaid")


DIRECTIONS = ("TD", "LR")


LABELS = ("title", "path", "both")


EDGE_NOTES = ("none", "short")


@dataclass(frozen=True, slots=True)
class Edge:
    from_ticket: str
    from_path: str  # absolute doc path
    from_title: str
    to_path: str  # file key
    label: str

    def row(self) -> dict[str, Any]:
        return {
            "from_type": "doc",
            "from_ticket": self.from_ticket,
            "from_path": self.from_path,
            "from_title": self.from_title,
            "to_type": "file",
            "to_path": self.to_path,
            "label": self.label,
        }


@dataclass(frozen=True, slots=True)
class Graph:
    docs: list[tuple[str, str, str, str]]  # (abs path, rel path, doc type, title)
    files: list[str]
    edges: list[Edge]


def node_id(prefix: str, key: str) -> str:
    """``D_``/``F_`` + the first 10 hex digits of the 64-bit FNV-1a hash of ``key``."""
    value = 0xCBF29CE484222325
    for byte in key.encode("utf-8"):
        value ^= byte
        value = (value * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{prefix}_{value:016x}"[: len(prefix) + 11]


def sanitize(text: str, limit: int) -> str:
    """Make text safe inside a Mermaid label (newlines, quotes, brackets, pipes), truncated."""
    clean = (
        text.replace("\r\n", "\n")
        .replace("\n", "\\n")
        .replace('"', "'")
        .replace("[", "(")
        .replace("]", ")")
        .replace("|", "/")
    )
    raw = clean.encode("utf-8")
    if len(raw) <= limit:
        return clean
    return raw[:limit].decode("utf-8", errors="ignore") + "…"


def build(
    ws: Workspace,
    *,
    ticket: str,
    include_control_docs: bool = True,
    include_archived: bool = False,
    include_scripts: bool = False,
) -> Graph:
    """Collect the docs of ``ticket`` (a forgiving reference) and their RelatedFiles edges."""

    every = load_docs(ws)
    ticket = lookup.resolve_ticket(ws, ticket, docs=every).id
    docs = [d for d in every if d.meta is not None and d.meta.ticket == ticket]
    nodes: list[tuple[str, str, str, str]] = []
    files: set[str] = set()
    edges: dict[tuple[str, str, str], Edge] = {}
    repo = os.path.abspath(ws.repo_root)
    for doc in docs:
        segments = doc.rel.split("/")[:-1]
        if (
            (doc.is_control and not include_control_docs)
            or ("archive" in segments and not include_archived)
            or ("scripts" in segments and not include_scripts)
        ):
            continue
        meta = doc.meta
        assert meta is not None
        nodes.append((str(doc.path), doc.rel, meta.doc_type, meta.title))
        for entry in meta.related_files:
            if related_format.parse_anchor(entry.path) is not None:
                key = related_format.canonical(entry.path)
            else:
                resolved = related_paths.resolve(
                    entry.path, related_paths.Bases.for_doc(ws, doc.path)
                ).path
                key = (
                    os.path.relpath(resolved, repo) if resolved is not None else entry.path.strip()
                )
            files.add(key)
            edge = Edge(ticket, str(doc.path), meta.title, key, entry.note.strip())
            edges[(edge.from_path, key, edge.label)] = edge
    return Graph(sorted(nodes), sorted(files), [edges[k] for k in sorted(edges)])


def render(
    graph: Graph,
    *,
    fmt: str = "markdown",
    direction: str = "TD",
    label: str = "both",
    edge_notes: str = "short",
) -> str:
    """Render the graph as Mermaid (fenced for markdown)."""
    for value, allowed, param in (
        (fmt, FORMATS, Param("format")),
        (direction, DIRECTIONS, Param("direction")),
        (label, LABELS, Param("label")),
        (edge_notes, EDGE_NOTES, Param("edge_notes")),
    ):
        if value not in allowed:
            raise UsageProblem(
                ("invalid ", param, f": {value}"), f"use one of {', '.join(allowed)}"
            )
    lines = [f"graph {direction}"]
    for abs_path, rel, doc_type, title in graph.docs:
        name = title or "(untitled)"
        text = {
            "title": f"{doc_type}: {name}",
            "path": rel,
            "both": f"{doc_type}: {name}\n({rel})",
        }[label]
        lines.append(f'  {node_id("D", abs_path)}["{sanitize(text, 180)}"]')
    for key in graph.files:
        lines.append(f'  {node_id("F", key)}["{sanitize(key, 180)}"]')
    for edge in graph.edges:
        src, dst = node_id("D", edge.from_path), node_id("F", edge.to_path)
        note = edge.label.splitlines()[0] if edge.label else ""
        if edge_notes == "short" and note:
            lines.append(f"  {src} -->|{sanitize(note, 80)}| {dst}")
        else:
            lines.append(f"  {src} --> {dst}")
    lines += [
        "",
        "  classDef doc fill:#eef,stroke:#446,stroke-width:1px;",
        "  classDef file fill:#efe,stroke:#464,stroke-width:1px;",
    ]
    lines += [f"  class {node_id('D', d[0])} doc;" for d in graph.docs]
    lines += [f"  class {node_id('F', f)} file;" for f in graph.files]
    body = "\n".join(lines) + "\n"
    return f"```mermaid\n{body}```\n" if fmt == "markdown" else body
