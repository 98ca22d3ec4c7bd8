"""Ticket graph (spec §5.10): the ticket's documents and the files they relate, as Mermaid."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from docmgr.errors import GraphTooLarge, Param, UsageProblem
from docmgr.formats import related as related_format
from docmgr.model import Doc
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


SCOPES = ("ticket", "repo")


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """How far a repo-scoped graph may grow (spec §5.10 defaults)."""

    max_nodes: int = 500
    max_edges: int = 2000
    batch_size: int = 50  # the Go tool's query batch; accepted and checked, one pass here


def _check(depth: int, scope: str, limits: Limits) -> None:
    if depth < 0:
        raise UsageProblem(("invalid ", Param("depth"), f": {depth}"), "pass 0 or more")
    if scope not in SCOPES:
        raise UsageProblem(
            ("invalid ", Param("scope"), f": {scope}"), f"use one of {', '.join(SCOPES)}"
        )
    if depth > 0 and scope != "repo":
        raise UsageProblem(
            (
                Param("depth", str(depth)),
                " requires ",
                Param("scope", "repo"),
                " (the ticket scope has nothing to expand)",
            ),
            ("pass ", Param("scope", "repo"), ", or ", Param("depth", "0")),
        )
    for param, value in (
        (Param("batch_size"), limits.batch_size),
        (Param("max_nodes"), limits.max_nodes),
        (Param("max_edges"), limits.max_edges),
    ):
        if value <= 0:
            raise UsageProblem(("invalid ", param, f": {value}"), "pass a number greater than 0")


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str  # the node's label: canonical anchored string, or repo-relative
    identity: str  # what makes two entries one file: the resolved absolute path, else key
    note: str


def _entries(ws: Workspace, doc: Doc, repo: str) -> list[_Entry]:
    assert doc.meta is not None
    bases = related_paths.Bases.for_doc(ws, doc.path)
    out = []
    for entry in doc.meta.related_files:
        if not entry.path.strip():
            continue
        resolved = related_paths.resolve(entry.path, bases).path
        if related_format.parse_anchor(entry.path) is not None:
            key = related_format.canonical(entry.path)
        else:
            key = os.path.relpath(resolved, repo) if resolved is not None else entry.path.strip()
        identity = os.path.abspath(resolved) if resolved is not None else key
        out.append(_Entry(key, identity, entry.note.strip()))
    return out


class _Builder:
    """Nodes and edges as they are added, with the budgets checked on every addition."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.docs: dict[str, tuple[str, str, str, str]] = {}
        self.files: dict[str, str] = {}  # identity -> key (the first spelling seen)
        self.edges: dict[tuple[str, str, str], Edge] = {}

    def _budget(self) -> None:
        if len(self.docs) + len(self.files) > self.limits.max_nodes:
            raise GraphTooLarge("nodes", self.limits.max_nodes)
        if len(self.edges) > self.limits.max_edges:
            raise GraphTooLarge("edges", self.limits.max_edges)

    def add(self, doc: Doc, entries: list[_Entry], only: set[str] | None = None) -> set[str]:
        """Add ``doc`` and its edges (to the files in ``only``, when given); new identities."""
        meta = doc.meta
        assert meta is not None
        self.docs[str(doc.path)] = (str(doc.path), doc.rel, meta.doc_type, meta.title)
        new: set[str] = set()
        for entry in entries:
            if only is not None and entry.identity not in only:
                continue
            if entry.identity not in self.files:
                self.files[entry.identity] = entry.key
                new.add(entry.identity)
            key = self.files[entry.identity]
            edge = Edge(meta.ticket, str(doc.path), meta.title, key, entry.note)
            self.edges[(edge.from_path, key, edge.label)] = edge
        self._budget()
        return new

    def graph(self) -> Graph:
        return Graph(
            sorted(self.docs.values()),
            sorted(set(self.files.values())),
            [self.edges[k] for k in sorted(self.edges)],
        )


def build(
    ws: Workspace,
    *,
    ticket: str,
    include_control_docs: bool = True,
    include_archived: bool = False,
    include_scripts: bool = False,
    depth: int = 0,
    scope: str = "ticket",
    expand_files: bool = False,
    limits: Limits | None = None,
) -> Graph:
    """Collect the docs of ``ticket`` (a forgiving reference) and their RelatedFiles edges.

    With ``scope="repo"`` and ``depth`` N, N rounds of reverse lookup follow: every doc of
    the workspace relating a file of the current frontier joins the graph, with its edges to
    those files only; with ``expand_files`` it brings all its files, and the files new to the
    graph are the next round's frontier. Exceeding a budget raises ``GraphTooLarge``.
    """
    limits = limits or Limits()
    _check(depth, scope, limits)
    every = load_docs(ws)
    ticket = lookup.resolve_ticket(ws, ticket, docs=every).id
    repo = os.path.abspath(ws.repo_root)

    def shown(doc: Doc) -> bool:
        segments = doc.rel.split("/")[:-1]
        return doc.meta is not None and not (
            (doc.is_control and not include_control_docs)
            or ("archive" in segments and not include_archived)
            or ("scripts" in segments and not include_scripts)
        )

    visible = sorted((d for d in every if shown(d)), key=lambda d: str(d.path))
    builder = _Builder(limits)
    frontier: set[str] = set()
    for doc in visible:
        assert doc.meta is not None
        if doc.meta.ticket == ticket:
            frontier |= builder.add(doc, _entries(ws, doc, repo))
    if scope != "repo" or depth == 0:
        return builder.graph()
    others = [(d, _entries(ws, d, repo)) for d in visible if str(d.path) not in builder.docs]
    for _round in range(depth):
        if not frontier:
            break
        reached: set[str] = set()
        for doc, entries in others:
            if str(doc.path) in builder.docs:
                continue
            hits = {e.identity for e in entries if e.identity in frontier}
            if hits:
                reached |= builder.add(doc, entries, None if expand_files else hits)
        frontier = reached
    return builder.graph()


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
