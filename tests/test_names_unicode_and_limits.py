"""Names a newcomer types: Unicode titles and ids, path templates, too-long names, titles
with control characters (each refused before anything is written)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pytest
from conftest import Result

from docmgr.seams import paths

NormalForm = Literal["NFC", "NFD"]


@pytest.fixture
def work(invoke: Callable[..., Result], tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    invoke(["init"], cwd=tmp_path)
    return tmp_path


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Ñoño café", "nono-cafe"),
        ("Ñ c d émoji title", "n-c-d-emoji-title"),
        ("Straße ﬁnal", "strae-final"),
        ("日本語", "document"),
        ("plain ASCII", "plain-ascii"),
    ],
)
def test_slugs_are_transliterated(title: str, slug: str) -> None:
    assert paths.slugify(title) == slug


def test_a_unicode_title_gets_a_readable_folder(invoke: Callable[..., Result], work: Path) -> None:
    invoke(["ticket", "create", "--ticket", "ES-1", "--title", "Ñoño café"], cwd=work)
    assert [p.name for p in (work / "ttmp").glob("*/*/*/ES-1--*")] == ["ES-1--nono-cafe"]


@pytest.mark.parametrize("written", ["NFC", "NFD"])
@pytest.mark.parametrize("typed", ["NFC", "NFD"])
def test_unicode_ids_are_found_in_either_normal_form(
    invoke: Callable[..., Result], work: Path, written: NormalForm, typed: NormalForm
) -> None:
    ticket = unicodedata.normalize(written, "CAFÉ-1")
    invoke(["ticket", "create", "--ticket", ticket, "--title", "Menu"], cwd=work)
    for ref in ("CAFÉ-1", "café", "CAFÉ-1--menu"):
        shown = invoke(
            ["ticket", "show", unicodedata.normalize(typed, ref), "--output", "json"], cwd=work
        )
        assert ticket in shown.stdout


def test_an_unknown_placeholder_is_refused(invoke: Callable[..., Result], work: Path) -> None:
    before = _tree(work)
    bad = ["--ticket", "B-1", "--title", "t", "--path-template", "{{BOGUS}}/{{TICKET}}"]
    result = invoke(["ticket", "create", *bad], cwd=work, expect=2)
    assert "unknown placeholder {{BOGUS}}" in result.stderr and "{{TICKET}}" in result.stderr
    assert _tree(work) == before
    invoke(["ticket", "create", "--ticket", "B-1", "--title", "t"], cwd=work)
    moved = invoke(
        ["ticket", "move", "--ticket", "B-1", "--path-template", "x/{{TIKET}}"], cwd=work, expect=2
    )
    assert "{{TIKET}}" in moved.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["ticket", "create", "--ticket", "L" * 300, "--title", "t"],
        ["ticket", "create", "--ticket", "L-1", "--title", "t" * 300],
        ["ticket", "create", "--ticket", "É" * 130, "--title", "t"],  # 260 bytes
    ],
)
def test_too_long_names_are_refused_before_writing(
    invoke: Callable[..., Result], work: Path, args: list[str]
) -> None:
    before = _tree(work)
    result = invoke(args, cwd=work, expect=2)
    assert "name too long" in result.stderr and "pass a shorter --" in result.stderr
    assert "Traceback" not in result.stderr
    assert _tree(work) == before  # no empty folder left behind


def test_too_long_doc_title_is_refused_before_writing(
    invoke: Callable[..., Result], work: Path
) -> None:
    invoke(["ticket", "create", "--ticket", "L-1", "--title", "t"], cwd=work)
    before = _tree(work)
    args = ["doc", "add", "--ticket", "L-1", "--doc-type", "brand-new", "--title", "t" * 300]
    result = invoke(args, cwd=work, expect=2)
    assert "pass a shorter --title" in result.stderr
    assert _tree(work) == before


@pytest.mark.parametrize("bad", ["two\n## lines", "bell\x07", "tab\there", "nel\u2028x"])
@pytest.mark.parametrize(
    "verb",
    [
        ["changelog", "update", "--ticket", "C-1", "--entry", "x", "--title"],
        ["ticket", "create", "--ticket", "C-2", "--title"],
        ["doc", "add", "--ticket", "C-1", "--doc-type", "reference", "--title"],
    ],
)
def test_titles_with_control_characters_are_refused(
    invoke: Callable[..., Result], work: Path, verb: list[str], bad: str
) -> None:
    invoke(["ticket", "create", "--ticket", "C-1", "--title", "t"], cwd=work)
    before = {p: p.read_bytes() for p in (work / "ttmp").rglob("*") if p.is_file()}
    result = invoke([*verb, bad], cwd=work, expect=2)
    assert "--title contains" in result.stderr
    assert {p: p.read_bytes() for p in (work / "ttmp").rglob("*") if p.is_file()} == before


def test_a_changelog_entry_may_span_lines_but_not_hold_control_characters(
    invoke: Callable[..., Result], work: Path
) -> None:
    invoke(["ticket", "create", "--ticket", "C-1", "--title", "t"], cwd=work)
    invoke(["changelog", "update", "--ticket", "C-1", "--entry", "one\ntwo"], cwd=work)
    result = invoke(
        ["changelog", "update", "--ticket", "C-1", "--entry", "a\x1bb"], cwd=work, expect=2
    )
    assert "--entry contains the control character" in result.stderr
