"""Gate 4 of issue 9: each format has one grammar, written once and used everywhere.

The step heading grammar (formats.diary) is what the diary verbs, doctor and the index
count; one front-matter reader (store.workspace.read_doc) feeds the walk and the index;
one required-fields rule, one NN- rule, one Finding.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from docmgr import model
from docmgr.formats import diary
from docmgr.formats.front_matter import missing_required, missing_warned
from docmgr.model import DocMeta
from docmgr.reports import diary_verify, doctor, validate
from docmgr.seams import paths
from docmgr.store.index.records import parse_file
from docmgr.store.workspace import parse_doc, read_bytes, read_doc

# (text, the step labels every reader must see)
STEP_CASES = [
    ("## Step 1: Go-style heading\n", ["1"]),
    ("### Step 1: third level\n\nx\n\n## step 2: lower-case s\n", ["1", "2"]),
    ("# Step 7: level one\n", ["7"]),
    ("#### Step 4: level four is a sub-section\n", []),
    ("## Step 2a: lettered\n## Step 3-5: a range\n## Step 10\n", ["2a", "3-5", "10"]),
    ("## Step 3 - hyphen\n## Step 5 — em dash\n## Step 6 – en dash\n", ["3", "5", "6"]),
    ("```\n## Step 9: inside a fence\n```\n~~~\n## Step 8\n~~~\n", []),
    ("## Step N: [Descriptive Step Name]\n## Step-by-Step Guide\n", []),
    ("## STEP 3: shouting\n##Step 4: no space\n## Steps 5\n", []),
    ("---\nTitle: D\n---\n# Step 1: after the header\n", ["1"]),
    # fences as the line scan reads them (the labels-only scan must agree)
    ("## Step 1\n````\n## Step 2\n```\n## Step 3\n````\n## Step 4\n", ["1", "4"]),
    ("~~~\n## Step 1\n```\n## Step 2\n~~~~\n## Step 3\n", ["3"]),
    ("``` a`b\n## Step 1\n```\n## Step 2\n```\n", ["1"]),
    ("   ```\n## Step 1\n   ```\n## Step 2\n    ```\n## Step 3\n", ["2", "3"]),
    ("```go\n## Step 1\n``` x\n## Step 2\n```\n## Step 3\n", ["3"]),
    ("## Step 1: a\n```\n## Step 2: never closed\n", ["1"]),
    ("#### Step 4\n## Step 5 ##\n  ## Step 6\n", ["5"]),
    ("## Step 1\r\n```\r\n## Step 2\r\n```\r\n## Step 3\r\n", ["1", "3"]),
    ("## Step 1\n```\n## Step 2\u2028```\n## Step 3\n", ["1", "3"]),
    ("## Step 1\n- Commit: pending\n```\n## Step 2\n```\n## Step 1\n", ["1", "1"]),
]

Invoke = Callable[..., Any]  # the conftest fixture: runs the CLI in-process


@pytest.mark.parametrize(("text", "labels"), STEP_CASES)
def test_one_step_grammar(text: str, labels: list[str], tmp_path: Path) -> None:
    assert diary.step_labels(text) == labels
    assert [step.label for step in diary.parse(text)] == labels
    assert diary.step_facts(text).labels == labels
    assert diary.step_facts(text).duplicates == sorted({x for x in labels if labels.count(x) > 1})
    path = tmp_path / "01-diary.md"
    path.write_text(text)
    parsed = parse_file(str(path), path.name, len(text.encode()))
    assert parsed.diary_steps == len(labels)


def test_doctor_counts_steps_with_the_same_grammar(invoke: Invoke, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    invoke(["ticket", "create", "--ticket", "GR-1", "--title", "Grammar"], cwd=repo)
    [folder] = (repo / "ttmp").glob("*/*/*/GR-1--*")
    head = (
        (folder / "index.md")
        .read_text()
        .split("---\n")[1]
        .replace("DocType: index", "DocType: reference")
    )
    diary_path = folder / "reference" / "01-diary.md"
    diary_path.parent.mkdir(exist_ok=True)

    def issues(body: str) -> list[str]:
        diary_path.write_text(f"---\n{head}---\n{body}")
        out = invoke(["doctor", "--ticket", "GR-1", "--output", "json"], cwd=repo).stdout
        return [r["issue"] for r in json.loads(out) if r["path"] == str(diary_path)]

    assert issues("### Step 1: a\n\n## step 1: b\n") == ["diary_duplicate_step"]
    assert issues("## Step 1: a\n\n```\n## Step 1: quoted\n```\n") == []
    assert issues("## Step 1: a\n\n#### Step 1: a sub-section\n") == []


def test_every_real_document_reads_steps_alike(real_world: Path) -> None:
    diaries = 0
    for path in (real_world / "ttmp").rglob("*.md"):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert diary.step_labels(text) == [step.label for step in diary.parse(text)], path
        diaries += "diary" in path.name.lower()
    assert diaries >= 3


@pytest.mark.needs_corpus
def test_the_go_tools_diaries_write_level_two_steps(corpus: Path) -> None:
    diaries = 0
    for path in (corpus / "ttmp").rglob("*diary*.md"):
        if "skills" in path.parts:
            continue  # the diary skill quotes step headings inside code fences: not steps
        text = path.read_text(encoding="utf-8", errors="replace")
        go_style = [ln for ln in text.splitlines() if re.match(r"## Step \d", ln)]
        assert len(diary.step_labels(text)) == len(go_style), path
        diaries += 1
    assert diaries > 20


def test_one_front_matter_reader_for_the_walk_and_the_index(real_world: Path) -> None:
    root = real_world / "ttmp"
    checked = broken = 0
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        st = path.stat()
        walked = parse_doc(path, rel, st)
        indexed = parse_file(str(path), rel, st.st_size)
        assert (indexed.meta, indexed.error, indexed.error_line) == (
            walked.meta,
            walked.error,
            walked.error_line,
        ), rel
        read = read_doc(path, rel, mtime_ns=st.st_mtime_ns, size=st.st_size, control=False)
        assert indexed.body == read.body
        checked += 1
        broken += walked.meta is None
    assert checked > 10 and broken > 0


def test_read_bytes_reads_to_the_end_whatever_the_stat_said(tmp_path: Path) -> None:
    # the size is the walk's stat: a file may have grown or shrunk since
    path = tmp_path / "a.md"
    data = b"---\nTitle: A\n---\n" + "é".encode() * 1_500_000
    path.write_bytes(data)
    for size in (0, 5, len(data) - 1, len(data), len(data) + 10):
        assert read_bytes(path, size) == data
    path.write_bytes(b"")
    assert read_bytes(path, 0) == b"" and read_bytes(path, 9) == b""
    with pytest.raises(IsADirectoryError):
        read_bytes(tmp_path, 0)
    folder = read_doc(tmp_path, "x.md", mtime_ns=0, size=4096, control=False)
    assert folder.doc.error == "cannot read: Is a directory"


def test_read_doc_never_raises(tmp_path: Path) -> None:
    missing = read_doc(tmp_path / "gone.md", "gone.md", mtime_ns=0, size=0, control=False)
    assert missing.doc.meta is None and missing.doc.error.startswith("cannot read: ")
    bad = tmp_path / "bad.md"
    bad.write_text("---\nTitle: [x\n---\nbody\n")
    got = read_doc(bad, "bad.md", mtime_ns=0, size=0, control=False)
    assert got.doc.meta is None and got.doc.error_line and got.body == ""


def test_one_required_fields_rule() -> None:
    assert missing_required(DocMeta(title=" ", ticket="T-1")) == ["Title", "DocType"]
    assert missing_warned(DocMeta(status=" ")) == ["Status", "Topics"]
    text = "---\nTitle: ''\nTicket: T-1\nDocType: design-doc\n---\n"
    assert validate.check_text(text, Path("x.md"), "x.md").missing == ["Title"]


@pytest.mark.parametrize(
    ("name", "number", "rest"),
    [
        ("01-plan.md", 1, "plan.md"),
        ("100-notes.md", 100, "notes.md"),
        ("1-plan.md", None, "1-plan.md"),
        ("1000-plan.md", None, "1000-plan.md"),
        ("01plan.md", None, "01plan.md"),
        ("index.md", None, "index.md"),
    ],
)
def test_one_numeric_prefix_rule(name: str, number: int | None, rest: str) -> None:
    assert paths.numeric_prefix(name) == number
    assert paths.strip_numeric_prefix(name) == rest
    if number is not None:
        assert paths.with_numeric_prefix(number, rest) == name


def test_one_finding() -> None:
    assert doctor.Finding is model.Finding
    assert not hasattr(diary_verify, "Finding") or diary_verify.Finding is model.Finding
    found = diary_verify.audited(
        diary="d.md", step="2", commit="abc1234", status="missing", path=Path("/d.md"), line=4
    )
    assert found.severity is model.Severity.ERROR
    assert diary_verify.row(found) == {
        "diary": "d.md",
        "step": "2",
        "commit": "abc1234",
        "status": "missing",
        "proposed": None,
        "note": "",
    }
    assert [s.rank for s in model.Severity] == [0, 0, 1, 2]
