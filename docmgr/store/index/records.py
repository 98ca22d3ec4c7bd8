"""What one index row holds: a document parsed for storage, its packed metadata, sort keys.

No SQL here: these are the values the refresh writes and the queries read back.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from docmgr.model import Doc, DocMeta, RelatedFile
from docmgr.seams.clock import utc_minute
from docmgr.store.workspace import read_bytes, read_header
from docmgr.tuples import NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

SEP = "\n"  # between the step labels of a diary_facts column (labels never hold one)


class DiaryFacts(NamedTuple):
    """What doctor's diary rules need of one diary (a parsed doc named ``*diary*``)."""

    duplicates: list[str]  # step labels used more than once, in order of first use
    pending: list[str]  # the step label of each pending commit line, in file order
    mentions_commit: bool  # False: no commit line can be in it (no git check needed)


def diary_facts_of(text: str) -> tuple[int, DiaryFacts]:
    """(number of steps, facts) of a diary's text; a text the grammar chokes on has none."""
    from docmgr.formats.diary import fold_ascii, step_facts, step_labels

    folded = fold_ascii(text)
    try:
        facts = step_facts(text, folded)
    except Exception:  # noqa: BLE001 - a diary we cannot parse is not a refresh crash
        return len(step_labels(text)), DiaryFacts([], [], True)
    # "ommit" in the lowered text: what any commit label holds
    return len(facts.labels), DiaryFacts(facts.duplicates, facts.pending, b"ommit" in folded)


def is_diary(doc: Doc) -> bool:
    """A parsed document whose file name says diary (``01-diary.md``, ``02-impl-diary.md``)."""
    return doc.meta is not None and diary_name(doc.rel)


def diary_name(rel: str) -> bool:
    """Whether a file's name says diary (what ``is_diary`` asks of a parsed document)."""
    return "diary" in rel.rsplit("/", 1)[-1].lower()


class Parsed(NamedTuple):
    """One document as the index stores it (``error``/``error_line``: why ``meta`` is None)."""

    meta: DocMeta | None
    error: str = ""
    error_line: int = 0
    body: str = ""
    tasks: tuple[int, int] = (0, 0)
    diary_steps: int = 0
    diary: DiaryFacts | None = None  # for doctor: set on parsed docs named *diary*


def parse_file(path: str, rel: str, size: int) -> Parsed:
    """Read and parse one file (never raises: failures are stored as ``error``).

    ``path`` is a plain string: a build parses every file, and a ``Path`` each cost ~5 %.
    """
    meta, error, error_line, text, body_start = read_header(path, rel, size)
    if not text:
        return Parsed(meta, error, error_line)
    tasks = (0, 0)
    if rel.rsplit("/", 1)[-1].lower() == "tasks.md":
        from docmgr.formats.tasks import counts  # only when a file is parsed (not warm)

        tasks = counts(text)
    body = text[body_start:] if body_start >= 0 else ""
    if meta is not None and diary_name(rel):
        steps, facts = diary_facts_of(text)
        return Parsed(meta, error, error_line, body, tasks, steps, facts)
    # the diary grammar loads only when a file is parsed: a warm command with nothing changed
    # never parses, and the step-heading rule is the diary format's, written once there
    from docmgr.formats.diary import step_labels

    steps = len(step_labels(text))
    return Parsed(meta, error, error_line, body, tasks, steps)


def body_from_file(path: str) -> str | None:
    """The body of a document as ``parse_file`` stores it, read again from its file.

    For documents the index holds as parseable; None when the file cannot be read or no
    longer has front matter. Only the delimiters are found (no YAML parse).
    """
    raw = body_bytes_from_file(path)
    return None if raw is None else raw.decode("utf-8", "replace")


def body_bytes_from_file(path: str, size: int = 0) -> bytes | None:
    """``body_from_file`` undecoded: the file's bytes after its front matter.

    ``size``: the file's size as the index knows it (read in one go when it still is)."""
    found = file_with_body(path, size)
    return None if found is None else found[0][found[1] :]


def file_with_body(path: str, size: int = 0) -> tuple[bytes, int] | None:
    """A file's bytes and where its body starts, after its front matter (None: the file
    cannot be read or has no front matter); nothing is copied. ``size``: as
    ``body_bytes_from_file``."""
    from docmgr.formats.delimiters import body_offset

    try:
        data = read_bytes(path, size)
    except OSError:
        return None
    start = body_offset(data)
    return None if start is None else (data, start)


def _plain(value: Any) -> Any:
    """Make a YAML value marshal-safe (explicit tags may yield dates or other objects)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


# the ``docs`` columns a stored DocMeta leaves out, in ``unpack_meta``'s argument order
COLUMN_FIELDS = "meta_ticket, title, status, doc_type, intent, summary"


def pack_meta(meta: DocMeta) -> bytes:
    """The stored form of a DocMeta (marshal: the fastest to load back), without the
    fields its ``docs`` row holds as columns (``COLUMN_FIELDS``): ``unpack_meta`` takes
    them back from there."""
    return marshal.dumps(
        (
            meta.topics,
            meta.owners,
            [(r.path, r.note) for r in meta.related_files],
            meta.external_sources,
            meta.last_updated_raw,
            meta.what_for,
            meta.when_to_use,
            _plain(meta.extra),
            meta.problems,
            meta.last_updated.isoformat() if meta.last_updated is not None else "",
        )
    )


_from_iso = datetime.fromisoformat  # C speed; the string is our own isoformat() output


def unpack_meta(
    blob: bytes, ticket: str, title: str, status: str, doc_type: str, intent: str, summary: str
) -> DocMeta:
    """Rebuild a DocMeta from its stored form and its row's ``COLUMN_FIELDS``."""
    (
        topics,
        owners,
        related,
        sources,
        raw_ts,
        what_for,
        when_to_use,
        extra,
        problems,
        stamp,
    ) = marshal.loads(blob)
    return DocMeta(
        title=title,
        ticket=ticket,
        status=status,
        topics=topics,
        doc_type=doc_type,
        intent=intent,
        owners=owners,
        related_files=[RelatedFile(p, n) for p, n in related],
        external_sources=sources,
        summary=summary,
        last_updated=_from_iso(stamp) if stamp else None,
        last_updated_raw=raw_ts,
        what_for=what_for,
        when_to_use=when_to_use,
        extra=extra,
        problems=problems,
    )


def sort_key(at: datetime) -> str:
    """A fixed-width, sortable UTC string of an instant (years zero-padded, unlike strftime)."""
    if at.tzinfo is None:
        at = at.astimezone()
    try:
        u = at.astimezone(UTC)
    except (OverflowError, ValueError):  # e.g. 0001-01-01T00:00:00+05:00
        u = at.replace(tzinfo=UTC)
    return u.isoformat(timespec="microseconds")[:26] + "Z"  # without its "+00:00"


def utc_key(meta: DocMeta | None) -> str:
    """LastUpdated as a sortable UTC string ('' when absent)."""
    if meta is None or meta.last_updated is None:
        return ""
    return sort_key(meta.last_updated)


def key_minute(key: str) -> str:
    """A stored key shown as ``clock.utc_minute`` shows the instant ('' when absent)."""
    if not key:
        return ""
    if key[0] != "0" and len(key) > 16:  # sort_key's fixed layout: no parse (2,000 rows: ~10 ms)
        return f"{key[:10]} {key[11:16]}"
    return utc_minute(datetime.fromisoformat(key))  # years < 1000: strftime's own padding


def related_base(raw: str) -> str:
    """The last path segment of a stored RelatedFiles path (what --file pre-filters on)."""
    text = raw.strip().replace("\\", "/").rstrip("/")
    return text.rsplit("/", 1)[-1]


def parent(rel: str) -> str:
    """The folder part of a rel path ('' for the docs root)."""
    return rel.rsplit("/", 1)[0] if "/" in rel else ""


def path_maker(root: Path) -> Callable[[str], Path]:
    """``root / rel`` for many rels, fast: each folder's Path is built once.

    Uses pathlib's child constructor (what ``iterdir`` uses) when this Python has it.
    """
    from pathlib import Path

    make_child = getattr(Path, "_make_child_relpath", None)
    folders: dict[str, Path] = {"": root}

    def folder_path(folder: str) -> Path:
        base = folders.get(folder)
        if base is None:
            if make_child is None:
                base = root / folder
            else:  # from its parent's Path: no parsing of the whole folder path
                up, _, name = folder.rpartition("/")
                base = make_child(folder_path(up), name)
            folders[folder] = base
        return base

    def child(rel: str) -> Path:
        folder, _, name = rel.rpartition("/")
        base = folders.get(folder) or folder_path(folder)
        return make_child(base, name) if make_child is not None else base / name

    return child
