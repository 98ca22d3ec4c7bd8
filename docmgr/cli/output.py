"""Rendering rows for the CLI: table, JSON, YAML, CSV, TSV, Markdown, and the row shaping
that Go users script with (``--fields``, ``--filter``, ``--sort-by``, ``--select``,
``--select-template``; spec §1.3). Pure functions: rows in, rows or text out."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from docmgr.errors import TemplateError, UsageProblem
from docmgr.tuples import NamedTuple

FORMATS = ("table", "json", "yaml", "csv", "tsv", "markdown")


Row = dict[str, Any]


class Rows(Sequence[Row]):
    """Rows made from ``items`` by ``make`` only as they are read (a slice is another view).

    A listing of 69,415 documents (``doc list`` at 20,000 tickets) held its rows as dicts
    next to the records they came from (~20 MiB more at its peak); written as JSON, a batch
    of ``JSON_BATCH`` rows is made at a time. Each read makes a new row: a caller that
    changes rows makes a list first (``shape`` does when it sorts or picks columns).
    """

    __slots__ = ("_items", "_make")

    def __init__(self, items: Sequence[Any], make: Callable[[Any], Row]) -> None:
        self._items = items
        self._make = make

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, at: int) -> Row: ...

    @overload
    def __getitem__(self, at: slice) -> Rows: ...

    def __getitem__(self, at: int | slice) -> Row | Rows:
        if isinstance(at, slice):
            return Rows(self._items[at], self._make)
        return self._make(self._items[at])

    def __iter__(self) -> Iterator[Row]:
        return map(self._make, self._items)


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
        import json  # json loads only for the outputs that need it (not a warm text search)

        return json.dumps(value, ensure_ascii=False, sort_keys=False)
    return str(value)


def render_pieces(rows: Sequence[Row], fmt: str) -> Iterator[str]:
    """``render``'s text in pieces (JSON a batch of rows at a time; the others whole)."""
    if fmt == "json":
        yield from json_pieces(rows)
    else:
        yield render(rows, fmt)


def render(rows: Sequence[Row], fmt: str) -> str:
    """Render rows; JSON is an array of objects with keys in the documented order."""
    if fmt == "json":
        return to_json(rows)
    if fmt == "yaml":
        return to_yaml(list(rows))
    if fmt in ("csv", "tsv"):
        return delimited(rows, "," if fmt == "csv" else "\t")
    if fmt == "markdown":
        return markdown(rows)
    return table(rows)


def delimited(rows: Sequence[Row], separator: str) -> str:
    """CSV (or TSV with a tab): a header row, then one line per row; quoted only when needed."""
    import csv  # only for --output csv/tsv: the warm verbs' default outputs do without it
    import io

    cols = columns_of(rows)
    if not cols:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    writer.writerow(cols)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in cols])
    return out.getvalue()


def _md_cell(value: Any) -> str:
    return _cell(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def markdown(rows: Sequence[Row]) -> str:
    """A GitHub-flavoured Markdown pipe table (``|`` escaped, newlines as ``<br>``)."""
    cols = columns_of(rows)
    if not cols:
        return ""
    lines = [
        "| " + " | ".join(_md_cell(c) for c in cols) + " |",
        "| " + " | ".join("---" for _ in cols) + " |",
    ]
    lines += ["| " + " | ".join(_md_cell(row.get(c)) for c in cols) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def to_json(rows: Sequence[Row]) -> str:
    """A JSON array with one object per line: valid JSON, diff- and grep-friendly, and fast.

    (``json.dumps(indent=2)`` falls back to the pure-Python encoder; encoding each row with the
    C encoder keeps a 20,000-row listing cheap.)
    """
    return "".join(json_pieces(rows))


JSON_BATCH = 1000  # rows a piece of ``json_pieces``


def json_pieces(rows: Sequence[Row]) -> Iterator[str]:
    """``to_json``'s text in pieces of ``JSON_BATCH`` rows: a listing of 100,000 rows is
    written as it is encoded, never held whole (~20 MB, and its lines as much again)."""
    if not rows:
        yield "[]\n"
        return
    import json

    encode = json.JSONEncoder(ensure_ascii=False).encode
    for start in range(0, len(rows), JSON_BATCH):
        lines = _one_per_line(list(rows[start : start + JSON_BATCH]), encode)
        yield ("[\n  " if start == 0 else ",\n  ") + lines
    yield "\n]\n"


def _one_per_line(batch: Sequence[Row], encode: Callable[[Any], str]) -> str:
    """The rows' JSON joined by ``",\\n  "``: the text of ``encode`` on each row.

    When every row is an object with the same first key, the batch is encoded in one call
    (2,000 rows: ~7 -> ~2 ms) and the rows are told apart by the seam between two of them,
    ``}, {"<first key>": ``. Those seams are there ``len(batch) - 1`` times; the seam inside
    a string is escaped (``\\"``), so one more can come only from a nested list of objects,
    and then each row is encoded on its own.
    """
    first = batch[0]
    if type(first) is dict and first:
        key = next(iter(first))
        if type(key) is str and all(type(r) is dict and r and next(iter(r)) == key for r in batch):
            text = encode(batch)
            quoted = encode(key)
            seam = "}, {" + quoted + ": "
            if text.count(seam) == len(batch) - 1:
                return text[1:-1].replace(seam, "},\n  {" + quoted + ": ")
    return ",\n  ".join([encode(row) for row in batch])


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
        import json

        return json.dumps(text, ensure_ascii=False)
    from docmgr.formats.yaml_scalar import scalar  # --output yaml only

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


# ------------------------------------------------------------------------------ row shaping


class Shaping(NamedTuple):
    """What the glazed-style flags ask for; the empty value changes nothing."""

    fields: tuple[str, ...] = ()  # keep only these columns, in this order
    drop: tuple[str, ...] = ()  # --filter: remove these columns
    sort_by: tuple[str, ...] = ()  # column names; a leading "-" sorts descending
    select: str = ""  # print only this column, one value per row
    select_separator: str = "\n"
    select_template: str = ""  # one line per row: "{{.a}}: {{.b}}"

    @property
    def reshapes(self) -> bool:
        """True when the rows (not only their format) change."""
        return bool(self.fields or self.drop or self.sort_by)

    @property
    def selects(self) -> bool:
        """True when the output is lines of values instead of a formatted table."""
        return bool(self.select or self.select_template)


def _known(name: str, cols: Sequence[str], flag: str) -> None:
    if name not in cols:
        raise UsageProblem(
            f"{flag}: unknown field {name!r}",
            f"use one of: {', '.join(cols)} (see the columns of --output json)",
        )


def _sort_key(value: Any) -> tuple[int, Any]:
    """Missing values sort last; numbers and booleans numerically; everything else as text."""
    if value is None or value == "" or value == []:
        return (2, "")
    if isinstance(value, (bool, int, float)):
        return (0, float(value))
    return (1, _cell(value).casefold())


def shape(rows: Sequence[Row], shaping: Shaping) -> Sequence[Row]:
    """Sort, then keep/drop columns. Names are checked against the rows' columns (when any).

    Without a sort or a column change the rows are returned as given (a ``Rows`` view stays
    one)."""
    if not (shaping.sort_by or shaping.fields or shaping.drop):
        return rows
    out = list(rows)
    if out and (shaping.sort_by or shaping.fields):  # the columns only when names are checked
        cols = columns_of(out)
        for name in shaping.sort_by:
            _known(name.removeprefix("-"), cols, "--sort-by")
        for name in shaping.fields:
            _known(name, cols, "--fields")
    for name in reversed(shaping.sort_by):  # stable sorts, last key first
        key = name.removeprefix("-")
        descending = name.startswith("-")
        keyed = [(_sort_key(r.get(key)), r) for r in out]
        present = [pair for pair in keyed if pair[0][0] < 2]
        present.sort(key=lambda pair: pair[0], reverse=descending)
        out = [r for _k, r in present] + [r for k, r in keyed if k[0] == 2]
    if shaping.fields:
        out = [{f: row[f] for f in shaping.fields if f in row} for row in out]
    if shaping.drop:
        dropped = set(shaping.drop)
        out = [{k: v for k, v in row.items() if k not in dropped} for row in out]
    return out


def check_template(template: str) -> None:
    """Parse a ``--select-template`` (Go ``text/template`` syntax); UsageProblem when it fails."""
    from docmgr.formats import gotemplate  # only when a template was given

    try:
        gotemplate.check("select-template", template)
    except TemplateError as exc:
        raise UsageProblem(
            f"invalid --select-template: {exc.message}",
            "write a Go text/template such as '{{.ticket}}: {{.title}}'",
        ) from None


def select_text(rows: Sequence[Row], shaping: Shaping) -> str:
    """``--select``: the values of one column; ``--select-template``: one line per row."""
    if shaping.select_template:
        from docmgr.formats import gotemplate

        check_template(shaping.select_template)
        template = gotemplate.parse("select-template", shaping.select_template)
        return "".join(template.render(dict(row)) + "\n" for row in rows)
    if rows:
        _known(shaping.select, columns_of(rows), "--select")
    values = [_cell(row.get(shaping.select)) for row in rows]
    if not values:
        return ""
    return shaping.select_separator.join(values) + "\n"
