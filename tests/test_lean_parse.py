"""The lean front-matter read gives exactly what the plain reading gives.

``load_yaml`` turns libyaml's node tree into values itself when the tree is plain strings,
lists and maps; it is checked against ``yaml.load`` with PyYAML's resolver and constructor
on every header of the real workspaces, on unusual headers and on generated text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import quirks
import yaml  # noqa: TID253 - tests may load YAML at module level
from conftest import CORPUS
from hypothesis import given, settings
from hypothesis import strategies as st

from docmgr.formats import front_matter as fm


def reference_load(yaml_text: str) -> Any:
    """The plain reading: every node through PyYAML's resolver and constructor."""

    class Reference(fm._loader()):  # type: ignore[misc]
        resolve = yaml.resolver.BaseResolver.resolve

    return yaml.load(fm.quote_prepass(yaml_text), Loader=Reference)  # noqa: S506 (safe loader)


def outcome(load: Any, text: str) -> tuple[str, Any]:
    try:
        return "ok", load(text)
    except yaml.YAMLError as exc:
        return type(exc).__name__, str(exc)


def same_reading(yaml_text: str) -> None:
    assert outcome(fm.load_yaml, yaml_text) == outcome(reference_load, yaml_text)


def headers(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        parts = fm.split(text)
        if parts is not None:
            found.append(parts.yaml)
    return found


def test_every_quirky_header_reads_the_same(tmp_path: Path) -> None:
    found = headers(quirks.build(tmp_path / "work"))
    assert len(found) >= 20
    for header in found:
        same_reading(header)


@pytest.mark.needs_corpus
def test_every_corpus_header_reads_the_same() -> None:
    if not CORPUS.is_dir():
        pytest.skip("no corpus")
    found = headers(CORPUS)
    assert len(found) >= 250
    for header in found:
        same_reading(header)


UNUSUAL = [
    "Title: a\nTitle: b\n",  # duplicate key: the constructor's error
    "<<: a\n<<: b\nTitle: x\n",  # '<<' is a plain key here; the last one wins
    "Title: !!int 5\n",  # explicit tags
    "Title: !!binary aGVsbG8=\n",
    "Stamp: !!timestamp 2025-01-02\n",
    "Title: !!str [a]\n",
    "Topics: !!seq x\n",
    "Title: !!map [a]\n",
    "S: !!set {a, b}\n",
    "O: !!omap [a: 1, b: 2]\n",
    "? [a, b]\n: c\n",  # a non-string key
    "? {a: b}\n: c\n",
    "a: &x [1, 2]\nb: *x\n",  # aliases
    "a: &x {k: v}\nb: *x\nc: [*x, *x]\n",
    "a: &x [*x]\n",  # a recursive alias
    "a: &x {self: *x}\n",
    "base: &b {k: v}\nm:\n  <<: *b\n  j: w\n",
    "m: !!merge x\n",
    "Title: 'quoted: colon'\nSummary: needs: quoting\n",
    "Title: a #not a comment\n",
    "x: |\n  block\n  text\n",
    "x: >\n  folded\n  text\n",
    "Title: ~\nTopics:\n",
    "Title: [unclosed\n",
    "Title: a\n---\nb: c\n",
    "- a\n- b\n",
    "just text\n",
    "",
    "Title: tab\there\nOwners: {{x}}\n",
    "Title: ok\r\nSummary: a: b\r\n",
    "Title: a\x0cb: c\n",
    "Title: x\u2028Summary: y: z\n",
    "Key:\n  - @risky\n",
    "Key: \u3000@risky\n",
    "Key:",
    "Key: value:",
    "'quoted key': v\n\"dq\": w\n",
    "n: [[[[[[[[[[x]]]]]]]]]]\n",
    # the shape docmgr writes, read without libyaml (``_simple_header``), and its edges
    "Title: a\nRelatedFiles:\n    - Path: p\n      Note: needs: quoting\n",
    "Topics:\n- a\n- 'b'\n- \"c\"\nOwners: []\n",
    "RelatedFiles:\n  -  Path: p\n     Note: n\n",
    "RelatedFiles:\n  - Path: p\n     Note: n\n",
    "RelatedFiles:\n  - Path: p\n      Note: n\n",
    "RelatedFiles:\n    - Path: p\n      Path: q\n",
    "RelatedFiles:\n    - Path: a: b\n",
    "RelatedFiles:\n    - Path:\n      Note: n\n",
    "Topics:\n    - a\n  - b\n",
    "Topics:\n    - a: b\n    - c #d\n",
    "Topics:\n    - -a\n",
    "Topics:\nTitle: x\n",
    "Topics:\n  -  x\n",
    "Title: x: y\nSummary: 'it''s'\nWhatFor: \"q\"\nWhenToUse: \"a\\tb\"\n",
    "Title: &a x\nSummary: *a\nIntent: ?x\nStatus: -x\nOwners: [] # none\n",
    "Title: a\u00a0\nSummary: b \n",
    "Title: 'a' b\nSummary: \"c\" d\n",
]


def test_the_shape_docmgr_writes_skips_libyaml() -> None:
    header = (
        "Title: T\nTicket: T-1\nTopics:\n    - a\nOwners: []\nRelatedFiles:\n"
        '    - Path: p.go\n      Note: n: with a colon\nSummary: ""\n'
    )
    assert fm._simple_header(header) == {
        "Title": "T",
        "Ticket": "T-1",
        "Topics": ["a"],
        "Owners": [],
        "RelatedFiles": [{"Path": "p.go", "Note": "n: with a colon"}],
        "Summary": "",
    }
    same_reading(header)


@pytest.mark.parametrize("header", UNUSUAL)
def test_unusual_headers_read_the_same(header: str) -> None:
    same_reading(header)


LINE_PIECES = st.sampled_from(
    [
        "Title",
        "Topics",
        "key",
        ":",
        ": ",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "- ",
        "#",
        " #",
        "{{",
        "}}",
        "{",
        "[",
        "]",
        "'",
        '"',
        "@",
        "&a",
        "*a",
        "!",
        "|",
        ">",
        "%",
        "?",
        "`",
        "value",
        "x y",
        "\u3000",
        "\x0c",
        "\u2028",
        "é",
    ]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(LINE_PIECES, max_size=24).map("".join))
def test_generated_headers_read_the_same(header: str) -> None:
    same_reading(header)
