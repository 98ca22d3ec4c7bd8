"""Rendering rows as table, JSON, YAML or CSV for the CLI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from docmgr.formats.front_matter import scalar

FORMATS = ("table", "json", "yaml", "csv")


Row = dict[str, Any]


def columns_of(rows: Sequence[Row]) -> list[str]:
    """The union of row keys, in first-seen order."""
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=False)
    return str(value)


def render(rows: Sequence[Row], fmt: str) -> str:
    """Render rows; JSON is an array of objects with keys in the documented order."""
    if fmt == "json":
        return to_json(rows)
    if fmt == "yaml":
        return to_yaml(list(rows))
    if fmt == "csv":
        out = io.StringIO()
        cols = columns_of(rows)
        if not cols:
            return ""
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(cols)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in cols])
        return out.getvalue()
    return table(rows)


def to_json(rows: Sequence[Row]) -> str:
    """A JSON array with one object per line: valid JSON, diff- and grep-friendly, and fast.

    (``json.dumps(indent=2)`` falls back to the pure-Python encoder; encoding each row with the
    C encoder keeps a 20,000-row listing cheap.)
    """
    if not rows:
        return "[]\n"
    encode = json.JSONEncoder(ensure_ascii=False).encode
    return "[\n  " + ",\n  ".join(encode(row) for row in rows) + "\n]\n"


def table(rows: Sequence[Row]) -> str:
    """An aligned plain-text table with a header row."""
    cols = columns_of(rows)
    if not cols:
        return ""
    cells = [[_cell(row.get(c)).replace("\n", " ") for c in cols] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()]
    for r in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def _yaml_scalar(value: Any) -> str:

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if "\n" in text:
        return json.dumps(text, ensure_ascii=False)
    return scalar(text)


def _yaml_lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return [pad + "{}"]
        lines: list[str] = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(_yaml_lines(item, indent + 2))
            else:
                empty = "[]" if isinstance(item, list) else "{}" if isinstance(item, dict) else None
                lines.append(f"{pad}{key}: {empty if empty else _yaml_scalar(item)}")
        return lines
    if isinstance(value, list):
        if not value:
            return [pad + "[]"]
        lines = []
        for item in value:
            sub = _yaml_lines(item, indent + 2)
            first = sub[0].lstrip(" ")
            lines.append(f"{pad}- {first}")
            lines.extend(sub[1:])
        return lines
    return [pad + _yaml_scalar(value)]


def to_yaml(value: Any) -> str:
    """Serialise plain data (dicts, lists, scalars) as block YAML."""
    return "\n".join(_yaml_lines(value, 0)) + "\n"
