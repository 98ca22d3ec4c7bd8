"""Real-world workspaces: every parseable ticket and doc is listed, every other one reported,
and rewriting any document with unchanged values leaves its bytes identical.

Each test runs on the synthetic quirks workspace (tests/quirks.py) and, when it is present,
on the Go tool's own workspace (``corpus``, marked ``needs_corpus``)."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Result

from docmgr import model
from docmgr.errors import FrontMatterError
from docmgr.formats import front_matter as fm
from docmgr.seams.fsio import update_file


def independent_parse(path: Path) -> dict[str, Any] | None:
    """Parse a header with PyYAML's C loader after the pre-pass; None when it does not parse."""
    import yaml

    text = path.read_bytes().decode("utf-8", errors="replace")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        return None
    header = "".join(line + "\n" for line in lines[1:end])
    try:
        data = yaml.load(fm.quote_prepass(header), Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def corpus_markdown(root: Path) -> list[tuple[str, Path, bool]]:
    """(root-relative path, path, is control file) for every .md a listing should consider."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith("_") and d != ".meta"]
        has_index = "index.md" in files
        for name in files:
            if name.endswith(".md"):
                path = Path(folder) / name
                control = has_index and name.lower() in {"readme.md", "tasks.md", "changelog.md"}
                found.append((path.relative_to(root).as_posix(), path, control))
    return found


def warned_paths(stderr: str) -> set[str]:
    out = set()
    for line in stderr.splitlines():
        assert line.startswith("Warning: skipped "), line
        where = line[len("Warning: skipped ") :].split(": ", 1)[0]
        out.add(where.rsplit(":", 1)[0] if where.rsplit(":", 1)[-1].isdigit() else where)
    return out


@pytest.fixture
def expected(real_world: Path) -> dict[str, Any]:
    root = real_world / "ttmp"
    parsed: dict[str, dict[str, Any]] = {}
    broken: dict[str, bool] = {}
    for rel, path, control in corpus_markdown(root):
        data = independent_parse(path)
        if data is None:
            broken[rel] = control
        else:
            parsed[rel] = data
    return {"parsed": parsed, "broken": broken}


CACHE_MODES = [pytest.param({}, id="index"), pytest.param({"DOCMGR_NO_CACHE": "1"}, id="scan")]
NEEDS_CORPUS = pytest.mark.needs_corpus


def per_workspace(quirks: Any, corpus: Any) -> pytest.MarkDecorator:
    """Parametrize ``real_world`` (indirectly) and ``fact``: one value per workspace."""
    return pytest.mark.parametrize(
        ("real_world", "fact"),
        [
            pytest.param("quirky_workspace", quirks, id="quirks"),
            pytest.param("corpus", corpus, id="corpus", marks=NEEDS_CORPUS),
        ],
        indirect=["real_world"],
    )


@pytest.mark.parametrize("env", CACHE_MODES)
@per_workspace(quirks=14, corpus=50)  # fact: at least this many tickets
def test_ticket_list_lists_every_parseable_index(
    invoke: Callable[..., Result],
    real_world: Path,
    expected: dict[str, Any],
    env: dict[str, str],
    fact: int,
) -> None:
    out = invoke(["ticket", "list", "--output", "json"], cwd=real_world, env=env)
    rows = json.loads(out.stdout)
    want = sorted(
        rel.rsplit("/", 1)[0]
        for rel, data in expected["parsed"].items()
        if data.get("DocType") == "index"
    )
    assert len(want) >= fact
    assert sorted(r["path"] for r in rows) == want
    broken_indexes = {rel for rel in expected["broken"] if rel.rsplit("/", 1)[-1] == "index.md"}
    assert warned_paths(out.stderr) == broken_indexes


@pytest.mark.parametrize("env", CACHE_MODES)
@per_workspace(quirks=20, corpus=200)  # fact: at least this many documents
def test_doc_list_lists_every_parseable_doc(
    invoke: Callable[..., Result],
    real_world: Path,
    expected: dict[str, Any],
    env: dict[str, str],
    fact: int,
) -> None:
    out = invoke(["doc", "list", "--output", "json"], cwd=real_world, env=env)
    rows = json.loads(out.stdout)
    want = sorted(rel for rel in expected["parsed"] if rel.rsplit("/", 1)[-1] != "index.md")
    assert len(want) >= fact
    assert sorted(r["path"] for r in rows) == want
    reported = {rel for rel, control in expected["broken"].items() if not control}
    assert reported, "the workspace has documents without front matter"
    assert warned_paths(out.stderr) == reported


def test_human_listing_summarises_skipped_docs(
    invoke: Callable[..., Result], real_world: Path
) -> None:
    out = invoke(["doc", "list"], cwd=real_world)
    assert out.stdout.startswith("## Documents (")
    assert len(out.stderr.splitlines()) == 1
    assert out.stderr.startswith("Warning: skipped ")
    assert "run 'docmgr doctor' for the list" in out.stderr


def values_of(meta: model.DocMeta, data: dict[str, Any]) -> dict[str, Any]:
    typed = {
        "Title": meta.title,
        "Ticket": meta.ticket,
        "Status": meta.status,
        "Topics": meta.topics,
        "DocType": meta.doc_type,
        "Intent": meta.intent,
        "Owners": meta.owners,
        "RelatedFiles": meta.related_files,
        "ExternalSources": meta.external_sources,
        "Summary": meta.summary,
        "LastUpdated": meta.last_updated,
        "WhatFor": meta.what_for,
        "WhenToUse": meta.when_to_use,
    }
    present = {str(k).lower() for k in data}
    return {k: v for k, v in typed.items() if k.lower() in present and v is not None}


def _same(current: str, *, updates: dict[str, Any]) -> str:
    return fm.update_fields(current, updates)


@per_workspace(quirks=34, corpus=250)  # fact: at least this many parseable documents
def test_rewrite_with_same_values_is_byte_identical(real_world: Path, fact: int) -> None:
    root = real_world / "ttmp"
    checked = 0
    for rel, path, _control in corpus_markdown(root):
        before = path.read_bytes()
        text = before.decode("utf-8")
        try:
            meta, parts = fm.read(text, path=rel)
        except FrontMatterError:
            continue
        updates = values_of(meta, fm.load_yaml(parts.yaml))
        update_file(path, functools.partial(_same, updates=updates))
        assert path.read_bytes() == before, rel
        checked += 1
    assert checked >= fact


@per_workspace(quirks="WG-101", corpus="DOCMGR-101")  # fact: a flat ticket, by a short ref
def test_reading_does_not_write(invoke: Callable[..., Result], real_world: Path, fact: int) -> None:
    def snapshot() -> dict[str, tuple[int, bytes]]:
        return {
            str(p): (p.stat().st_mtime_ns, p.read_bytes())
            for p in (real_world / "ttmp").rglob("*")
            if p.is_file()
        }

    before = snapshot()
    for args in (["ticket", "list"], ["doc", "list"], ["ticket", "show", fact]):
        invoke(args, cwd=real_world)
    assert snapshot() == before
