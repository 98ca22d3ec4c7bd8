"""Where a document's front matter sits: the ``---`` delimiter lines, found without reading
the YAML between them (what snippets, templates and the diary grammar need)."""

from __future__ import annotations

from docmgr.tuples import NamedTuple


class Split(NamedTuple):
    """Where the front matter sits in a text (character offsets)."""

    yaml: str  # the YAML between the delimiters (each line with its newline)
    yaml_start: int  # offset of the first YAML line
    yaml_end: int  # offset of the closing delimiter line
    body_start: int  # offset just after the closing delimiter line (its newline included)
    first_yaml_line: int  # 1-based line number of the first YAML line


def split(text: str) -> Split | None:
    """Find the ``---`` block the way docmgr does; None when the text has none."""
    first_nl = text.find("\n")
    first = text if first_nl < 0 else text[:first_nl]
    if first.strip() != "---" or first_nl < 0:
        return None
    yaml_start = first_nl + 1
    # the closing line is the first whose stripped text is "---": only lines holding
    # "---" are looked at (in a header, nearly always the delimiter itself)
    at = text.find("---", yaml_start)
    while at >= 0:
        pos = text.rfind("\n", yaml_start - 1, at) + 1  # the start of at's line
        nl = text.find("\n", at + 3)
        line_end = len(text) if nl < 0 else nl
        if text[pos:line_end].strip() == "---":
            return Split(text[yaml_start:pos], yaml_start, pos, line_end + (nl >= 0), 2)
        if nl < 0:
            break
        at = text.find("---", nl + 1)
    return None


def body_offset(data: bytes) -> int | None:
    """Where the body starts in a file's UTF-8 bytes (``split``'s ``body_start``, in bytes).

    For readers that want the body undecoded (search snippets). Each candidate line is
    decoded on its own for the test, so it means what it means to ``split``.
    """
    first_nl = data.find(b"\n")
    if first_nl < 0 or _line(data[:first_nl]) != "---":
        return None
    start = first_nl + 1
    # as in ``split``: only lines holding "---" can strip to it, so only they are looked at
    at = data.find(b"---", start)
    while at >= 0:
        pos = data.rfind(b"\n", start - 1, at) + 1  # the start of at's line
        nl = data.find(b"\n", at + 3)
        line_end = len(data) if nl < 0 else nl
        if _line(data[pos:line_end]) == "---":
            return line_end + (nl >= 0)
        if nl < 0:
            break
        at = data.find(b"---", nl + 1)
    return None


def _line(raw: bytes) -> str:
    if b"---" not in raw:  # cannot strip to "---": not worth decoding
        return ""
    return raw.decode("utf-8", "replace").strip()
