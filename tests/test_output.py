"""Every list/show verb of the core speaks ``--output table|json|yaml|csv`` with the spec's keys."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result

from docmgr.cli.output import render

VERBS = {
    "ticket list": (
        ["ticket", "list"],
        ["ticket", "title", "status", "topics", "tasks_open", "tasks_done", "path", "last_updated"],
    ),
    "ticket show": (
        ["ticket", "show", "OUT-1"],
        [
            "ticket",
            "title",
            "status",
            "topics",
            "tasks_open",
            "tasks_done",
            "path",
            "last_updated",
            "docs",
            "changelog_head",
        ],
    ),
    "doc list": (
        ["doc", "list"],
        ["ticket", "doc_type", "title", "status", "topics", "path", "last_updated"],
    ),
    "vocab list": (["vocab", "list"], ["category", "slug", "description"]),
    "doc guidelines --list": (["doc", "guidelines", "--list"], ["doc_type"]),
    "doc guidelines": (["doc", "guidelines", "--doc-type", "reference"], ["doc_type", "content"]),
}


@pytest.fixture
def work(invoke: Callable[..., Result], tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    invoke(["init"], cwd=tmp_path)
    invoke(
        [
            "ticket",
            "create",
            "--ticket",
            "OUT-1",
            "--title",
            "Output: formats, all",
            "--topics",
            "a,b",
        ],
        cwd=tmp_path,
    )
    invoke(
        ["doc", "add", "--ticket", "OUT-1", "--doc-type", "reference", "--title", "R, with comma"],
        cwd=tmp_path,
    )
    return tmp_path


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_json_keys(invoke: Callable[..., Result], work: Path, verb: str) -> None:
    args, keys = VERBS[verb]
    rows = json.loads(invoke([*args, "--output", "json"], cwd=work).stdout)
    assert isinstance(rows, list) and rows
    for row in rows:
        assert list(row) == keys


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_csv_header_and_rows(invoke: Callable[..., Result], work: Path, verb: str) -> None:
    args, keys = VERBS[verb]
    text = invoke([*args, "--output", "csv"], cwd=work).stdout
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == keys
    assert len(table) == 1 + len(json.loads(invoke([*args, "--output", "json"], cwd=work).stdout))


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_yaml_matches_json(invoke: Callable[..., Result], work: Path, verb: str) -> None:
    args, _keys = VERBS[verb]
    import yaml

    as_yaml = yaml.safe_load(invoke([*args, "--output", "yaml"], cwd=work).stdout)
    as_json = json.loads(invoke([*args, "--output", "json"], cwd=work).stdout)
    assert as_yaml == as_json


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_table_has_upper_case_header(invoke: Callable[..., Result], work: Path, verb: str) -> None:
    args, keys = VERBS[verb]
    first = invoke([*args, "--output", "table"], cwd=work).stdout.splitlines()[0]
    assert first.split() == [k.upper() for k in keys]


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_with_glaze_output_is_accepted(
    invoke: Callable[..., Result], work: Path, verb: str
) -> None:
    args, _keys = VERBS[verb]
    glaze = invoke([*args, "--with-glaze-output"], cwd=work).stdout
    plain = invoke([*args, "--output", "json"], cwd=work).stdout
    assert json.loads(glaze) == json.loads(plain)
    both = invoke([*args, "--with-glaze-output", "--output", "csv"], cwd=work).stdout
    assert both == invoke([*args, "--output", "csv"], cwd=work).stdout


@pytest.mark.parametrize(
    ("args", "keys"),
    [
        (["config", "show"], None),
        (["init"], ["root", "vocabulary", "docmgrignore", "status", "config"]),
        (["configure"], ["config", "root", "vocabulary", "status"]),
        (
            ["ticket", "create", "--ticket", "OUT-2", "--title", "t"],
            ["ticket", "path", "title", "status"],
        ),
        (
            ["doc", "add", "--ticket", "OUT-1", "--doc-type", "x", "--title", "t"],
            ["ticket", "doc_type", "title", "path", "status"],
        ),
        (
            ["vocab", "add", "--category", "topics", "--slug", "z", "--description", "d"],
            ["category", "slug", "description", "vocabulary_path", "status"],
        ),
    ],
)
def test_mutating_verbs_json(
    invoke: Callable[..., Result], work: Path, args: list[str], keys: list[str] | None
) -> None:
    rows = json.loads(invoke([*args, "--output", "json"], cwd=work).stdout)
    assert isinstance(rows, list) and rows
    if keys is not None:
        assert list(rows[0]) == keys


def test_zero_rows_is_an_empty_array(invoke: Callable[..., Result], work: Path) -> None:
    assert (
        json.loads(
            invoke(["ticket", "list", "--status", "none", "--output", "json"], cwd=work).stdout
        )
        == []
    )
    assert invoke(["doc", "list", "--status", "none", "--output", "csv"], cwd=work).stdout == ""


def test_render_values() -> None:
    import yaml

    rows = [{"a": "x: y", "b": ["p", "q"], "c": None, "d": True, "e": 3, "f": "multi\nline"}]
    assert yaml.safe_load(render(rows, "yaml")) == [
        {"a": "x: y", "b": ["p", "q"], "c": None, "d": True, "e": 3, "f": "multi\nline"}
    ]
    assert list(csv.reader(io.StringIO(render(rows, "csv")))) == [
        ["a", "b", "c", "d", "e", "f"],
        ["x: y", "p, q", "", "true", "3", "multi\nline"],
    ]
    assert render([], "json") == "[]\n"
    assert render([], "table") == ""
    assert render([], "csv") == ""


ADD = ["doc", "add", "--ticket", "OUT-1", "--doc-type", "x", "--title"]
CREATE = ["ticket", "create", "--title", "t", "--ticket"]


@pytest.mark.parametrize(
    ("plain", "verbose"),
    [
        (["ticket", "list"], ["ticket", "list"]),
        (["ticket", "show", "OUT-1"], ["ticket", "show", "OUT-1"]),
        (["doc", "list"], ["doc", "list"]),
        ([*ADD, "one"], [*ADD, "two"]),
        ([*CREATE, "OUT-3"], [*CREATE, "OUT-4"]),
    ],
)
def test_verbose_banner_only_with_verbose(
    invoke: Callable[..., Result], work: Path, plain: list[str], verbose: list[str]
) -> None:
    out = invoke(plain, cwd=work).stdout
    assert "Docs root:" not in out and "Reminder:" not in out
    assert len(out.encode()) <= 400
    banner = f"Docs root: `{work / 'ttmp'}`\n"  # create verbs then print the Go "Created" report
    assert invoke([*verbose, "--verbose"], cwd=work).stdout.startswith(banner)
    if verbose == plain:  # read verbs: --verbose also works before the verb
        assert invoke(["--verbose", *verbose], cwd=work).stdout.startswith(banner)


def test_json_written_in_batches_is_the_same_listing(
    invoke: Callable[..., Result], work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A listing's JSON is written a batch of rows at a time (``output.JSON_BATCH``): the
    same bytes as one piece, across batch boundaries and with a last batch part full."""
    from docmgr.cli import output

    for n in range(2, 6):
        invoke(
            ["doc", "add", "--ticket", "OUT-1", "--doc-type", "design-doc", "--title", f"D{n}"],
            cwd=work,
        )
    whole = invoke(["doc", "list", "--output", "json"], cwd=work).stdout
    assert len(json.loads(whole)) == 5
    for batch in (1, 2, 4):
        monkeypatch.setattr(output, "JSON_BATCH", batch)
        assert invoke(["doc", "list", "--output", "json"], cwd=work).stdout == whole
        pieces = list(output.json_pieces(json.loads(whole)))
        assert len(pieces) == -(-5 // batch) + 1 and "".join(pieces) == whole


def test_a_batch_encoded_in_one_call_is_each_row_encoded_alone() -> None:
    """``json_pieces`` encodes a batch of same-shaped rows in one call and cuts it at the
    seams between rows: the same text as each row on its own, whatever the values hold
    (seeded random rows, with the seam itself in strings, nested objects, other keys)."""
    import random

    from docmgr.cli import output

    encode = json.JSONEncoder(ensure_ascii=False).encode
    rng = random.Random(1)
    tricky = ['}, {"ticket": ', '"}, {"ticket": 1', 'ünï\n"ç"', "\\", "", "},\n  {"]

    def value(depth: int) -> object:
        pick = rng.randrange(9 if depth < 2 else 5)
        if pick == 0:
            return rng.choice(tricky)
        if pick == 1:
            return rng.randrange(-5, 10**6)
        if pick == 2:
            return None
        if pick == 3:
            return rng.choice([True, False, 1.5])
        if pick == 4:
            return "".join(rng.choice('ab}{", :\\') for _ in range(rng.randrange(12)))
        if pick == 5:
            return [value(depth + 1) for _ in range(rng.randrange(3))]
        if pick == 6:  # a nested list of objects led by the row's own first key
            return [{"ticket": value(depth + 1)} for _ in range(rng.randrange(1, 3))]
        if pick == 7:
            return {"ticket": value(depth + 1), "x": value(depth + 1)}
        return {rng.choice(["a", "ticket", "ü"]): value(depth + 1)}

    def row() -> dict[object, object]:
        out: dict[object, object] = {"ticket": value(0)}
        for key in rng.sample(["title", "topics", "ticket", "path", "ü"], rng.randrange(4)):
            out[key] = value(0)
        return out

    one_call = 0
    for _ in range(400):
        batch: list[dict[object, object]] = [row() for _ in range(rng.randrange(1, 6))]
        if rng.random() < 0.1:
            batch[rng.randrange(len(batch))] = {"other": 1, "ticket": 2}  # another first key
        if rng.random() < 0.05:
            batch[rng.randrange(len(batch))] = {}
        if rng.random() < 0.05:
            batch[0] = {1: "an int key", "ticket": 3}
        expected = ",\n  ".join(encode(r) for r in batch)
        assert output._one_per_line(batch, encode) == expected, batch  # type: ignore[arg-type]
        same_key = all(r and next(iter(r)) == "ticket" for r in batch)
        one_call += same_key and encode(batch).count('}, {"ticket": ') == len(batch) - 1
    assert one_call > 100  # the one-call path was taken, not only the fallback


def test_rows_are_made_as_they_are_written_a_batch_at_a_time() -> None:
    """A ``Rows`` listing: the same JSON as its list of dicts, each row made once, and no
    more than one batch of rows made ahead of the text written so far."""
    from docmgr.cli.output import JSON_BATCH, Rows, Shaping, json_pieces, render_pieces, shape

    made: list[int] = []

    def make(n: int) -> dict[str, object]:
        made.append(n)
        return {"id": n, "title": f"doc {n}", "topics": ["a", "b"][: n % 3]}

    count = 2 * JSON_BATCH + 7
    rows = Rows(range(count), make)
    assert shape(rows, Shaping()) is rows  # nothing to sort or pick: still a view
    assert len(rows[:10]) == 10 and rows[3]["id"] == 3 and rows[-1]["id"] == count - 1
    made.clear()
    pieces = json_pieces(rows)
    first = next(pieces)
    assert len(made) == JSON_BATCH and first.startswith("[\n  {")
    text = first + "".join(pieces)
    assert sorted(made) == list(range(count))  # each row made once
    assert text == "".join(render_pieces([make(n) for n in range(count)], "json"))
    last = count - 1
    assert json.loads(text)[-1] == {
        "id": last,
        "title": f"doc {last}",
        "topics": ["a", "b"][: last % 3],
    }
    sorted_rows = shape(rows, Shaping(sort_by=("-id",)))
    assert isinstance(sorted_rows, list) and sorted_rows[0]["id"] == count - 1
