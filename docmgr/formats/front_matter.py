"""Front matter: split, read fast (libyaml), write Go-compatible YAML, and edit losslessly.

Reading is the hot path (every listing parses every header), so it uses PyYAML's C loader
with all implicit typing switched off: ``no``, ``on`` or a date-like Title stay the strings
they are, and the known keys are typed here. Editing never re-serialises a whole header:
it replaces only the lines of the keys being changed, so comments, key order, quoting,
unknown keys and the body keep every byte."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from docmgr.errors import FrontMatterError
from docmgr.formats.delimiters import Split as Split  # re-exported: callers read documents here
from docmgr.formats.delimiters import split as split
from docmgr.formats.yaml_scalar import double_quoted
from docmgr.formats.yaml_scalar import needs_quoting as needs_quoting
from docmgr.formats.yaml_scalar import scalar as scalar
from docmgr.model import DocMeta, RelatedFile
from docmgr.seams.clock import format_rfc3339, parse_last_updated
from docmgr.tuples import NamedTuple

FIELD_ORDER = (
    "Title",
    "Ticket",
    "Status",
    "Topics",
    "DocType",
    "Intent",
    "Owners",
    "RelatedFiles",
    "ExternalSources",
    "Summary",
    "LastUpdated",
    "WhatFor",
    "WhenToUse",
)


LIST_FIELDS = frozenset({"Topics", "Owners", "ExternalSources"})


_CANONICAL = {name.lower(): name for name in FIELD_ORDER}


_ALREADY_STYLED = ('"', "'", "[", "{", "|", ">")


def quote_prepass(yaml_text: str) -> str:
    """Single-quote risky plain values so ``Summary: needs: quoting`` reads as a string."""
    out: list[str] = []
    changed = False
    for line in yaml_text.splitlines(keepends=True):
        stripped = line.lstrip(" ")
        if not stripped.strip() or stripped.startswith(("#", "- ")):
            out.append(line)
            continue
        colon = line.find(":")
        if colon < 0:
            out.append(line)
            continue
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        value = body[colon + 1 :].strip()
        if not value or value.startswith(_ALREADY_STYLED) or not needs_quoting(value):
            out.append(line)
            continue
        out.append(body[: colon + 1] + " '" + value.replace("'", "''") + "'" + ending)
        changed = True
    return "".join(out) if changed else yaml_text


def _as_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, dict)):
        return ""
    return str(value)


def _as_list(value: Any, key: str, problems: list[str]) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        problems.append(f"{key} should be a list, found a single value")
        return [value]
    if isinstance(value, list):
        return [text for text in map(_as_str, value) if text]
    problems.append(f"{key} should be a list")
    return []


_PATH_NOTE = frozenset(("Path", "Note"))


def _lowered_keys(item: dict[Any, Any]) -> dict[str, Any]:
    """A RelatedFiles entry read case-blind: its keys as ``Path`` and ``Note`` when they lower
    to ``path`` and ``note`` (the last one written wins)."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        lowered = str(key).lower()
        if lowered == "path":
            out["Path"] = value
        elif lowered == "note":
            out["Note"] = value
    return out


def _as_related(value: Any) -> list[RelatedFile]:
    if not isinstance(value, list):
        return []
    out: list[RelatedFile] = []
    for item in value:
        if isinstance(item, str):
            if item.strip():
                out.append(RelatedFile(item))
        elif isinstance(item, dict):
            # keys as docmgr writes them need no lowering (the same values: each key once)
            lowered = item if item.keys() <= _PATH_NOTE else _lowered_keys(item)
            path = _as_str(lowered.get("Path"))
            if path:
                out.append(RelatedFile(path, _as_str(lowered.get("Note"))))
    return out


def to_meta(data: dict[str, Any]) -> DocMeta:
    """Type a raw front-matter mapping; lower-case keys count when the canonical one is absent."""
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key)
        canonical = _CANONICAL.get(name.lower())
        if canonical is None:
            extra[name] = value
        elif name == canonical or canonical not in values:
            values[canonical] = value
        else:
            extra[name] = value
    problems: list[str] = []
    raw_ts = _as_str(values.get("LastUpdated")).strip()
    stamp = parse_last_updated(raw_ts) if raw_ts else None
    if raw_ts and stamp is None:
        problems.append(f"LastUpdated {raw_ts!r} is not a timestamp")
    return DocMeta(
        title=_as_str(values.get("Title")),
        ticket=_as_str(values.get("Ticket")),
        status=_as_str(values.get("Status")),
        topics=_as_list(values.get("Topics"), "Topics", problems),
        doc_type=_as_str(values.get("DocType")),
        intent=_as_str(values.get("Intent")),
        owners=_as_list(values.get("Owners"), "Owners", problems),
        related_files=_as_related(values.get("RelatedFiles")),
        external_sources=_as_list(values.get("ExternalSources"), "ExternalSources", problems),
        summary=_as_str(values.get("Summary")),
        last_updated=stamp,
        last_updated_raw=raw_ts,
        what_for=_as_str(values.get("WhatFor")),
        when_to_use=_as_str(values.get("WhenToUse")),
        extra=extra,
        problems=problems,
    )


REQUIRED_FIELDS = ("Title", "Ticket", "DocType")


WARNED_FIELDS = ("Status", "Topics")


def missing_required(meta: DocMeta) -> list[str]:
    """The required fields (spec §3.1: non-blank Title, Ticket, DocType) ``meta`` lacks, in order.

    The one required-fields rule: ``validate frontmatter`` and doctor both report it.
    """
    values = {"Title": meta.title, "Ticket": meta.ticket, "DocType": meta.doc_type}
    return [name for name in REQUIRED_FIELDS if not values[name].strip()]


def missing_warned(meta: DocMeta) -> list[str]:
    """The optional-but-warned fields ``meta`` lacks: a blank Status, no Topics (doctor)."""
    missing = {"Status": not meta.status.strip(), "Topics": not meta.topics}
    return [name for name in WARNED_FIELDS if missing[name]]


_LOADER: Any = None


_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"


def _loader() -> Any:
    """A libyaml loader that builds only str/list/dict (no implicit bool/int/date typing)."""
    global _LOADER
    if _LOADER is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        defaults = {
            yaml.ScalarNode: _STR_TAG,
            yaml.SequenceNode: _SEQ_TAG,
            yaml.MappingNode: _MAP_TAG,
        }

        class StringLoader(base):  # type: ignore[misc,valid-type]
            yaml_implicit_resolvers: dict[str, Any] = {}

            def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
                """What ``Resolver.resolve`` answers with no implicit and no path resolvers
                (the default tag of the node's kind), without its per-node Python work."""
                return defaults[kind]

            def construct_mapping(self, node: Any, deep: bool = False) -> Any:
                """Refuse a key given twice, as the Go tool's YAML reader does (a silent
                last-wins would hide one value, and edits could not say which one to change)."""
                seen: set[str] = set()
                for key_node, _value in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                        if key_node.value in seen:
                            raise yaml.constructor.ConstructorError(
                                None,
                                None,
                                f"duplicate key {key_node.value!r}",
                                key_node.start_mark,
                            )
                        seen.add(key_node.value)
                return super().construct_mapping(node, deep=deep)

        assert not StringLoader.yaml_path_resolvers  # resolve() above relies on it
        _LOADER = StringLoader
    return _LOADER


_UNUSUAL = "not a plain tree"  # the LookupError _plain_tree raises to hand a node over


def _plain_tree(node: Any, done: dict[int, Any], busy: set[int]) -> Any:
    """The value PyYAML's constructor builds for a tree of str scalars, lists and maps.

    Anything else (an explicit tag, a duplicate or non-string key, a recursive alias)
    raises LookupError and the caller hands the node to the constructor itself, so the
    result and the errors stay PyYAML's. Aliased nodes yield one shared object, as there.
    """
    tag = node.tag
    if tag == _STR_TAG:
        value = node.value
        if not isinstance(value, str):
            raise LookupError(_UNUSUAL)
        return value
    key = id(node)
    if key in done:
        return done[key]
    if key in busy:
        raise LookupError(_UNUSUAL)
    busy.add(key)
    kind = node.id
    out: Any
    if tag == _SEQ_TAG and kind == "sequence":
        out = [_plain_tree(item, done, busy) for item in node.value]
    elif tag == _MAP_TAG and kind == "mapping":
        out = {}
        for key_node, value_node in node.value:
            if key_node.tag != _STR_TAG or key_node.id != "scalar":
                raise LookupError(_UNUSUAL)
            name = key_node.value
            if name in out and name != "<<":
                raise LookupError(_UNUSUAL)  # the constructor raises the duplicate-key error
            out[name] = _plain_tree(value_node, done, busy)
    else:
        raise LookupError(_UNUSUAL)
    busy.discard(key)
    done[key] = out
    return out


_FRIENDLY = (
    (
        "mapping values are not allowed",
        "mapping values are not allowed (missing quotes before ':' or bad indentation)",
    ),
    ("could not find expected ':'", "did not find expected key (check colons and indentation)"),
    ("did not find expected key", "did not find expected key (check colons and indentation)"),
    (
        "found character that cannot start any token",
        "invalid character (likely needs quoting or escaping)",
    ),
)


def _snippet(text: str, line: int) -> str:
    lines = text.splitlines()
    lo, hi = max(1, line - 1), min(len(lines), line + 1)
    return "\n".join(f"{n:4d} | {lines[n - 1]}" for n in range(lo, hi + 1))


# The simple-header reader below accepts only text made of these characters: printable
# ASCII, newlines, and printable non-ASCII that is neither whitespace nor a line break for
# YAML or ``str.strip`` (anything else goes to libyaml):
SAFE_RANGES = (
    "\n\x20-\x7e\xa1-\u167f\u1681-\u1fff\u200b-\u2027\u202a-\u202e\u2030-\u205e"
    "\u2060-\u2fff\u3001-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
)
# any other character, written as the ranges between those: the same class as
# ``[^SAFE_RANGES]`` (tests/test_front_matter.py checks every code point), compiled in
# a tenth of the time (~0.7 ms against ~6 ms: every command that parses a header paid it)
_UNSAFE_CHAR = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    "\ud800-\udfff\ufeff\ufffe\uffff]"
)
_KEY_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):(?: +(.*))?")
_ITEM_LINE = re.compile(r"( *)- (.*)")
_SINGLE_QUOTED = re.compile(r"'(?:[^']|'')*'")
_DOUBLE_QUOTED = re.compile(r'"[^"\\]*"')
# a plain value no rule below touches: a safe first character, then no ':', '#', tab or
# brace (so ``needs_quoting`` is false and nothing follows that YAML would read otherwise)
_SAFE_PLAIN = re.compile(r"[A-Za-z0-9_./(][^:#\t{}]*")
_PLAIN_START_BAD = frozenset("-?:,[]{}#&*!|>'\"%@`")


def _scalar(value: str, prepassed: bool) -> str | list[str] | None:
    """The value of one scalar (its text after ``key: `` or ``- ``) in a simple header; None
    when it takes more than the simple reader knows. ``prepassed``: ``quote_prepass`` looks
    at this line (it skips ``- `` lines) and quotes a risky plain value."""
    value = value.rstrip(" ")
    if _SAFE_PLAIN.fullmatch(value) is not None:  # the common case: plain, nothing risky
        return value
    if not value:
        return None
    first = value[0]
    if first == "'":
        return value[1:-1].replace("''", "'") if _SINGLE_QUOTED.fullmatch(value) else None
    if first == '"':
        return value[1:-1] if _DOUBLE_QUOTED.fullmatch(value) else None
    if value == "[]":
        return []
    if first in "[{|>":
        return None
    if needs_quoting(value):
        return value if prepassed else None  # the pre-pass single-quotes it: its own text
    return None if first in _PLAIN_START_BAD else value


def _simple_header(yaml_text: str) -> dict[str, Any] | None:
    """What ``load_yaml`` reads from a header in the shape docmgr writes (``Key: value``
    lines, block lists of scalars or of one-line ``Key: value`` maps), read without libyaml;
    None for anything else (comments, blank lines, blocks, flow collections but ``[]``,
    escapes, tabs, unusual characters, duplicate keys...), which libyaml then reads."""
    if not yaml_text.endswith("\n") or _UNSAFE_CHAR.search(yaml_text) is not None:
        return None
    lines = yaml_text.split("\n")
    lines.pop()  # after the last newline
    out: dict[str, Any] = {}
    count = len(lines)
    i = 0
    while i < count:
        key_line = _KEY_LINE.fullmatch(lines[i])
        if key_line is None:
            return None
        key, rest = key_line.groups()
        if key in out:
            return None
        i += 1
        if rest is not None:
            value = _scalar(rest, True)
            if value is None:
                return None
            out[key] = value
            continue
        items: list[Any] = []
        indent = -1
        while i < count:
            item_line = _ITEM_LINE.fullmatch(lines[i])
            if item_line is None:
                break
            dash, text = item_line.groups()
            if indent < 0:
                indent = len(dash)
            elif len(dash) != indent:
                return None
            if text.startswith(" "):
                return None  # "-  x": the item's column is not the one its map's keys use
            i += 1
            entry = _KEY_LINE.fullmatch(text)
            if entry is None:
                item = _scalar(text, False)
                if item is None or isinstance(item, list):
                    return None
                items.append(item)
                continue
            name, rest = entry.groups()
            first_value = _scalar(rest, False) if rest is not None else None
            if first_value is None or isinstance(first_value, list):
                return None
            mapping = {name: first_value}
            pad = " " * (indent + 2)
            while (
                i < count and lines[i].startswith(pad) and lines[i][indent + 2 : indent + 3] != " "
            ):
                more = _KEY_LINE.fullmatch(lines[i], indent + 2)
                if more is None or more.group(1) in mapping or more.group(2) is None:
                    return None
                more_value = _scalar(more.group(2), True)
                if more_value is None or isinstance(more_value, list):
                    return None
                mapping[more.group(1)] = more_value
                i += 1
            items.append(mapping)
        if indent < 0:
            return None  # "Key:" with no list: an empty value (rare: libyaml reads it)
        out[key] = items
    return out if out else None


def load_yaml(yaml_text: str) -> Any:
    """Parse header YAML (after the pre-pass) into plain str/list/dict values.

    A header in the shape docmgr writes is read line by line (``_simple_header``: nearly
    every header, at a fifth of libyaml's cost). For the rest libyaml builds the node tree;
    a tree of plain strings, lists and maps is turned into values here, anything else by
    PyYAML's own constructor: the same values and errors as ``yaml.load`` with this loader.
    """
    simple = _simple_header(yaml_text)
    if simple is not None:
        return simple
    loader = _loader()(quote_prepass(yaml_text))
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _plain_tree(node, {}, set())
        except (LookupError, RecursionError):
            return loader.construct_document(node)
    finally:
        loader.dispose()


NO_DELIMITERS = "frontmatter delimiters '---' not found"  # the problem of a file without one


def read(text: str, *, path: str = "") -> tuple[DocMeta, Split]:
    """Parse a document's front matter; raise FrontMatterError with line and snippet."""
    parts = split(text)
    if parts is None:
        raise FrontMatterError(NO_DELIMITERS, path=path, line=1, snippet=_snippet(text, 1))
    return read_parts(text, parts, path=path), parts


def read_parts(text: str, parts: Split, *, path: str = "") -> DocMeta:
    """``read`` of a text already split (``parts``: ``delimiters.split(text)``)."""
    import yaml

    try:
        data = load_yaml(parts.yaml)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = parts.first_yaml_line + (mark.line if mark is not None else 0)
        problem = str(getattr(exc, "problem", None) or exc).splitlines()[0]
        for needle, friendly in _FRIENDLY:
            if needle in problem:
                problem = friendly
                break
        raise FrontMatterError(
            problem, path=path, line=line, snippet=_snippet(text, line)
        ) from None
    if data is None:
        raise FrontMatterError("frontmatter is empty", path=path, line=parts.first_yaml_line)
    if not isinstance(data, dict):
        raise FrontMatterError(
            "frontmatter is not a mapping of keys to values",
            path=path,
            line=parts.first_yaml_line,
            snippet=_snippet(text, 2),
        )
    return to_meta(data)


def _multi_line(value: str, indent: str) -> str:
    """Render a multi-line string: a literal block if it reads back exactly, else double quotes."""
    block = _block(value, indent)
    first = value.lstrip("\n")
    if (
        first == value
        and value.strip()
        and value[0] not in " \t"
        and all(ch.isprintable() or ch in "\n\t" for ch in value)
        and quote_prepass(block) == block
        and not any(line.strip() == "" and line for line in value.split("\n"))
    ):
        return block
    return double_quoted(value) + "\n"


def _block(value: str, indent: str) -> str:
    """Render a multi-line string as a ``|-`` literal block at ``indent``."""
    keep = "" if not value.endswith("\n") else "+" if value.endswith("\n\n") else ""
    chomp = "-" if not value.endswith("\n") else keep
    lines = value.rstrip("\n").split("\n") if chomp == "-" else value.split("\n")[:-1]
    body = "".join(f"{indent}{line}\n" if line else "\n" for line in lines)
    return f"|{chomp}\n{body}"


def render_value(key: str, value: Any) -> str:
    """Render one top-level key and its value as YAML lines (each ending in a newline)."""
    if isinstance(value, datetime):
        return f"{key}: {format_rfc3339(value)}\n"
    if isinstance(value, date):
        return f"{key}: {value.isoformat()}\n"
    if isinstance(value, list):
        if not value:
            return f"{key}: []\n"
        lines = [f"{key}:\n"]
        for item in value:
            if isinstance(item, RelatedFile):
                lines.append(f"    - Path: {scalar(item.path)}\n")
                if item.note:
                    lines.append(_note_line(item.note))
            else:
                lines.append(f"    - {scalar(str(item))}\n")
        return "".join(lines)
    text = _as_str(value)
    if "\n" in text:
        return f"{key}: {_multi_line(text, '    ')}"
    return f"{key}: {scalar(text)}\n"


def _note_line(note: str) -> str:
    if "\n" in note:
        return f"      Note: {_multi_line(note, '        ')}"
    return f"      Note: {scalar(note)}\n"


def render_header(values: dict[str, Any]) -> str:
    """Render a complete front-matter block (``---`` … ``---``) in docmgr's key order."""
    keys = [k for k in FIELD_ORDER if k in values] + [k for k in values if k not in FIELD_ORDER]
    return "---\n" + "".join(render_value(k, values[k]) for k in keys) + "---\n"


def new_document(values: dict[str, Any], body: str) -> str:
    """Return a whole new document: header, one blank line, then ``body``."""
    return render_header(values) + "\n" + body


class KeySpan(NamedTuple):
    key: str
    start: int  # offset of the key's first line (in the full text)
    end: int  # offset after the key's last value line (trailing blank lines excluded)


_TOP_KEY = re.compile(r"^([^\s#'\"\-?:{\[][^:]*?|'[^']*'|\"[^\"]*\"):(?:[ \t]|$)")


def key_spans(text: str, parts: Split) -> list[KeySpan] | None:
    """Locate each top-level key's lines; None when the header is not plain block style
    or names a key twice."""
    spans = _all_key_spans(text, parts)
    if spans is None:
        return None
    names = [s.key for s in spans]
    if len(set(names)) != len(names):
        return None
    return spans


def drop_duplicate_keys(text: str) -> str | None:
    """``text`` with every earlier copy of a top-level key removed (the last one is what a
    last-wins reader saw); None when there is nothing to drop or the header is not plain."""
    parts = split(text)
    spans = _all_key_spans(text, parts) if parts is not None else None
    if not spans:
        return None
    last = {span.key: span for span in spans}
    dropped = [span for span in spans if last[span.key] is not span]
    if not dropped:
        return None
    for span in reversed(dropped):  # a span ends after its last line's newline
        text = text[: span.start] + text[span.end :]
    return text


def _all_key_spans(text: str, parts: Split) -> list[KeySpan] | None:
    spans: list[KeySpan] = []
    pos = parts.yaml_start
    current: tuple[str, int] | None = None
    last_content_end = pos
    while pos < parts.yaml_end:
        nl = text.find("\n", pos, parts.yaml_end)
        line_end = parts.yaml_end if nl < 0 else nl + 1
        line = text[pos:line_end]
        bare = line.rstrip("\r\n")
        if bare.strip() == "":
            pos = line_end
            continue
        if bare[0] in " \t":
            if current is None:
                return None
            last_content_end = line_end
            pos = line_end
            continue
        if current is not None:
            spans.append(KeySpan(current[0], current[1], last_content_end))
            current = None
        if bare.startswith("#"):
            pos = line_end
            continue
        match = _TOP_KEY.match(bare)
        if not match:
            return None
        current = (match.group(1).strip("'\""), pos)
        last_content_end = line_end
        pos = line_end
    if current is not None:
        spans.append(KeySpan(current[0], current[1], last_content_end))
    return spans


def _find_key(spans: list[KeySpan], key: str) -> KeySpan | None:
    for span in spans:
        if span.key == key:
            return span
    lowered = key.lower()
    for span in spans:
        if span.key.lower() == lowered:
            return span
    return None


def _newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text[:4096] else "\n"


def update_fields(text: str, updates: dict[str, Any], *, path: str = "") -> str:
    """Set top-level keys, touching only their lines; new keys go in docmgr's key order.

    Every byte outside the changed keys' lines (other keys, comments, unknown keys, quoting,
    the body) is kept. Raises FrontMatterError if the document has no front matter.
    """
    parts = split(text)
    if parts is None:
        raise FrontMatterError(NO_DELIMITERS, path=path, line=1)
    updates = _changed_only(parts, updates)
    if not updates:
        return text
    spans = key_spans(text, parts)
    if spans is None:
        return _update_with_ruamel(text, parts, updates, path=path)
    newline = _newline_of(text)
    edits: list[tuple[int, int, str]] = []
    for key, value in updates.items():
        rendered = render_value(key, value)
        if newline != "\n":
            rendered = rendered.replace("\n", newline)
        span = _find_key(spans, key)
        if span is not None:
            line_end = text.find("\n", span.start)
            raw_key = _TOP_KEY.match(text[span.start : line_end if line_end >= 0 else None])
            spelled = raw_key.group(1) if raw_key else span.key  # keep 'title' or "Title"
            rendered = spelled + rendered[len(key) :]
            edits.append((span.start, span.end, rendered))
        else:
            edits.append((_insert_at(text, parts, spans, key), -1, rendered))
    result = text
    for start, end, rendered in sorted(edits, key=lambda e: e[0], reverse=True):
        if end < 0:
            result = result[:start] + rendered + result[start:]
        else:
            result = result[:start] + rendered + result[end:]
    return result


def _current_value(data: dict[str, Any], key: str) -> tuple[bool, Any]:
    if key in data:
        return True, data[key]
    lowered = key.lower()
    for name, value in data.items():
        if str(name).lower() == lowered:
            return True, value
    return False, None


def _same_value(key: str, old: Any, new: Any) -> bool:
    """Tell whether a stored YAML value already means ``new`` (so its bytes can stay)."""
    if key.lower() == "relatedfiles" and isinstance(new, list):
        wanted = [v if isinstance(v, RelatedFile) else RelatedFile(_as_str(v)) for v in new]
        return _as_related(old) == wanted
    if isinstance(new, datetime):
        return isinstance(old, str) and parse_last_updated(old) == new
    if isinstance(new, date):
        return isinstance(old, str) and old.strip() == new.isoformat()
    if isinstance(new, list):
        if old in (None, "") and not new:
            return True
        return isinstance(old, list) and [_as_str(v) for v in old] == [_as_str(v) for v in new]
    if isinstance(new, str):
        return (old is None and new == "") or (isinstance(old, str) and old == new)
    return False


_PLAIN_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*\r?$", re.MULTILINE)


def _timestamps_differ(parts: Split, updates: dict[str, Any]) -> bool:
    """Tell, without a YAML parser, that every update is a timestamp its key does not hold.

    True only when each key has exactly one top-level line whose plain (or quoted) value
    reads as a different timestamp; anything else (absent, repeated, a comment, a nested
    value) is left to the YAML reading. This keeps PyYAML out of the common write (a step
    or a task moving ``LastUpdated`` on), where the clock has moved since the last one.
    """
    lines = _PLAIN_LINE.findall(parts.yaml)
    for key, new in updates.items():
        if not isinstance(new, datetime):
            return False
        values = [value for name, value in lines if name.lower() == key.lower()]
        if len(values) != 1:
            return False
        raw = values[0]
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
            raw = raw[1:-1]
        if not raw or "#" in raw or "\\" in raw:
            return False
        old = parse_last_updated(raw)
        if old is None or old == new:
            return False
    return bool(updates)


def _changed_only(parts: Split, updates: dict[str, Any]) -> dict[str, Any]:
    """Drop the updates whose key already holds that value: an unchanged key keeps its bytes."""
    if _timestamps_differ(parts, updates):
        return dict(updates)
    import yaml

    try:
        data = load_yaml(parts.yaml)
    except yaml.YAMLError:
        return dict(updates)
    if not isinstance(data, dict):
        return dict(updates)
    kept: dict[str, Any] = {}
    for key, value in updates.items():
        present, old = _current_value(data, key)
        if not present or not _same_value(key, old, value):
            kept[key] = value
    return kept


def _insert_at(text: str, parts: Split, spans: list[KeySpan], key: str) -> int:
    """Offset where a missing key goes: after the nearest earlier key in docmgr's order."""
    if key in FIELD_ORDER:
        earlier = FIELD_ORDER[: FIELD_ORDER.index(key)]
        for name in reversed(earlier):
            span = _find_key(spans, name)
            if span is not None:
                return span.end
        later = FIELD_ORDER[FIELD_ORDER.index(key) + 1 :]
        for span in spans:
            if span.key in later:
                return span.start
    end = parts.yaml_end
    if end > parts.yaml_start and text[end - 1] != "\n":
        return end  # pragma: no cover - a header always ends with a newline before ---
    return end


def _update_with_ruamel(text: str, parts: Split, updates: dict[str, Any], *, path: str) -> str:
    """Fallback for headers that are not plain block style: ruamel.yaml round-trip edit."""
    import io

    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.indent(mapping=4, sequence=6, offset=4)
    rt.width = 4096
    try:
        data = rt.load(parts.yaml)
    except Exception as exc:  # ruamel raises many types; all mean "not valid YAML"
        raise FrontMatterError(f"cannot edit: {str(exc).splitlines()[0]}", path=path) from None
    if not isinstance(data, dict):
        raise FrontMatterError("frontmatter is not a mapping of keys to values", path=path)
    for key, value in updates.items():
        if isinstance(value, datetime):
            value = format_rfc3339(value)
        elif isinstance(value, list):
            value = [
                {"Path": v.path, **({"Note": v.note} if v.note else {})}
                if isinstance(v, RelatedFile)
                else v
                for v in value
            ]
        data[key] = value
    out = io.StringIO()
    rt.dump(data, out)
    return text[: parts.yaml_start] + out.getvalue() + text[parts.yaml_end :]
