"""The nouns every layer shares: documents and their metadata, tickets, tasks, diary steps,
and the findings that checks report about them."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from docmgr.slotted import Slotted
from docmgr.tuples import NamedTuple

if TYPE_CHECKING:  # in annotations only: pathlib (and urllib.parse, ipaddress) cost --help ~3 ms
    from pathlib import Path


class RelatedFile(NamedTuple):
    path: str
    note: str = ""


class DocMeta(Slotted):
    """The typed view of a document's front matter (unknown keys kept in ``extra``).

    The records in this module are ``Slotted`` classes or NamedTuples, not dataclasses:
    every command imports them at start-up (see ``docmgr.slotted``).
    """

    __slots__ = (
        "title",
        "ticket",
        "status",
        "topics",
        "doc_type",
        "intent",
        "owners",
        "related_files",
        "external_sources",
        "summary",
        "last_updated",
        "last_updated_raw",
        "what_for",
        "when_to_use",
        "extra",
        "problems",
    )

    def __init__(
        self,
        *,
        title: str = "",
        ticket: str = "",
        status: str = "",
        topics: list[str] | None = None,
        doc_type: str = "",
        intent: str = "",
        owners: list[str] | None = None,
        related_files: list[RelatedFile] | None = None,
        external_sources: list[str] | None = None,
        summary: str = "",
        last_updated: datetime | None = None,
        last_updated_raw: str = "",
        what_for: str = "",
        when_to_use: str = "",
        extra: dict[str, Any] | None = None,
        problems: list[str] | None = None,
    ) -> None:
        self.title = title
        self.ticket = ticket
        self.status = status
        self.topics: list[str] = [] if topics is None else topics
        self.doc_type = doc_type
        self.intent = intent
        self.owners: list[str] = [] if owners is None else owners
        self.related_files: list[RelatedFile] = [] if related_files is None else related_files
        self.external_sources: list[str] = [] if external_sources is None else external_sources
        self.summary = summary
        self.last_updated = last_updated
        self.last_updated_raw = last_updated_raw
        self.what_for = what_for
        self.when_to_use = when_to_use
        self.extra: dict[str, Any] = {} if extra is None else extra
        self.problems: list[str] = [] if problems is None else problems

    def as_json(self) -> dict[str, Any]:
        """Return the fields under their JSON names (spec §3.1)."""
        return {
            "title": self.title,
            "ticket": self.ticket,
            "status": self.status,
            "topics": list(self.topics),
            "docType": self.doc_type,
            "intent": self.intent,
            "owners": list(self.owners),
            "relatedFiles": [{"path": r.path, "note": r.note} for r in self.related_files],
            "externalSources": list(self.external_sources),
            "summary": self.summary,
            "lastUpdated": self.last_updated_raw,
            "whatFor": self.what_for,
            "whenToUse": self.when_to_use,
        }


class Task(NamedTuple):
    position: int  # 1-based among tasks in the file
    line: int  # 0-based line index in the file
    checked: bool
    text: str
    stable_id: str
    indent: str

    @property
    def display_id(self) -> str:
        return self.stable_id or str(self.position)


class CommitRef(NamedTuple):
    """One commit cited by a step, as written in the diary."""

    kind: str  # "hash" | "na" | "pending" | "none"
    written: str  # the hash token, or the commit line's value for na/pending/none
    hash: str = ""  # lower-case hex as written (short or full); "" unless kind == "hash"
    subject: str = ""  # the subject written next to the hash, if any
    line: int = 0  # 1-based line number of the commit line
    start: int = 0  # character span of the reference (hash … subject) in the whole text
    end: int = 0
    label: str = ""  # "code", "docs", … from "**Commit (code):**"


class DiaryStep(NamedTuple):
    """One ``Step`` section of a diary."""

    label: str  # as written: "3", "2a", "3-5"
    number: int  # 3 for "3", "2a" and "3-5"
    last: int  # the highest number the heading covers (5 for "3-5")
    title: str
    level: int
    line: int  # 1-based line of the heading
    end_line: int  # 1-based last non-blank line of the section
    start: int  # character offset of the heading
    end: int  # character offset just after the section (next heading or end of text)
    label_start: int  # character span of the label in the heading
    label_end: int
    heading: str  # heading text without the leading hashes
    refs: tuple[CommitRef, ...] = ()
    commit_lines: tuple[int, ...] = ()  # 1-based lines of "**Commit …:**" lines

    @property
    def commits(self) -> list[CommitRef]:
        return [r for r in self.refs if r.kind == "hash"]


# the folder in the docs root where a multi-file operation keeps its journal (seams/journal)
JOURNAL_DIR = ".docmgr-journal"

CONTROL_NAMES = frozenset({"readme.md", "tasks.md", "changelog.md"})

# the ignore file's name (store/ignore reads it): here, so that the paths that only name it
# (the freshness check's watch list) do not load the matcher
IGNORE_FILE = ".docmgrignore"


_DATED = re.compile(r"^(\d{4})/(\d{2})/(\d{2})/")


class Doc(Slotted):
    """One ``.md`` file under the root, parsed or not."""

    __slots__ = ("path", "rel", "meta", "error", "error_line", "mtime_ns", "size", "is_control")

    def __init__(
        self,
        path: Path,
        rel: str,
        meta: DocMeta | None,
        error: str = "",
        error_line: int = 0,
        mtime_ns: int = 0,
        size: int = 0,
        is_control: bool = False,
    ) -> None:
        self.path = path
        self.rel = rel
        self.meta = meta
        self.error = error
        self.error_line = error_line
        self.mtime_ns = mtime_ns
        self.size = size
        self.is_control = is_control

    @property
    def ok(self) -> bool:
        return self.meta is not None

    @property
    def ticket(self) -> str:
        return ticket_of(self.meta, self.rel)

    @property
    def is_index(self) -> bool:
        return self.meta is not None and self.meta.doc_type == "index"


def ticket_of(meta: DocMeta | None, rel: str) -> str:
    """The ticket a document belongs to: its front matter's Ticket, else the one its path names."""
    if meta is not None and meta.ticket:
        return meta.ticket
    return infer_ticket(rel)


def infer_ticket(rel: str) -> str:
    """Best-effort ticket id from a path like ``YYYY/MM/DD/<ID>--slug/…``."""
    match = _DATED.match(rel)
    if not match:
        return ""
    folder = rel[match.end() :].split("/", 1)[0]
    return folder.split("--", 1)[0] if "--" in folder else folder


class Ticket(Slotted):
    """A ticket: a parseable document with ``DocType: index``; its folder is the workspace."""

    __slots__ = ("id", "doc", "others")

    def __init__(self, id: str, doc: Doc, others: list[Doc] | None = None) -> None:  # noqa: A002
        self.id = id
        self.doc = doc
        self.others: list[Doc] = [] if others is None else others  # more index docs, same id

    @property
    def dir(self) -> Path:
        return self.doc.path.parent

    @property
    def rel_dir(self) -> str:
        rel = self.doc.rel.rsplit("/", 1)
        return rel[0] if len(rel) == 2 else "."

    @property
    def title(self) -> str:
        return self.doc.meta.title if self.doc.meta else ""

    @property
    def status(self) -> str:
        return self.doc.meta.status if self.doc.meta else ""

    @property
    def topics(self) -> list[str]:
        return list(self.doc.meta.topics) if self.doc.meta else []

    @property
    def last_updated(self) -> datetime | None:
        return self.doc.meta.last_updated if self.doc.meta else None

    @property
    def created_at(self) -> str:
        match = _DATED.match(self.doc.rel)
        return f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else ""


class Severity(StrEnum):
    """How bad a finding is; a ``str``, so rows and comparisons read the plain word."""

    OK = "ok"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for ok and info, 1 for warning, 2 for error (what ``--fail-on`` compares)."""
        return _RANK[self]


_RANK = {Severity.OK: 0, Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Finding(Slotted):
    """One result of a check (doctor, diary verify): what, how bad, where, and details.

    ``issue`` names the kind (``missing_index``, or a commit status for diary verify);
    ``extra`` holds issue-specific values in the order they are shown. ``row()`` is the
    doctor row; reports with another row shape build it from these fields.
    """

    __slots__ = ("issue", "severity", "message", "path", "ticket", "extra")

    def __init__(
        self,
        *,
        issue: str,
        severity: Severity,
        message: str = "",
        path: str = "",  # the file or folder the finding is about ("" when none)
        ticket: str = "",
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.issue = issue
        self.severity = severity
        self.message = message
        self.path = path
        self.ticket = ticket
        self.extra: dict[str, Any] = {} if extra is None else extra

    def row(self) -> dict[str, Any]:
        """``ticket, issue, severity, message, path`` then the issue-specific keys."""
        return {
            "ticket": self.ticket,
            "issue": self.issue,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            **self.extra,
        }
