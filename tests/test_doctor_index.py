"""doctor from the index: the facts stored at index time give the findings the files give.

Diary step facts and related-file targets are stored when a document is indexed; related
files are still looked up on disk, and git still answers for commits, at check time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import GitRepo
from test_doctor import VOCAB, _doc

Invoke = Callable[..., Any]

T = "2026/02/01/DOC-1--doctor"
U = "2026/02/02/DOC-2--second"


def _entry(path: str, note: str = "why") -> str:
    return f"    - Path: {path}\n" + (f"      Note: {note}\n" if note else "")


# one entry of every kind the stored targets distinguish, existing and missing
RELATED = "".join(
    [
        _entry("repo://src/a.py"),
        _entry("repo://src/gone.py"),
        _entry("repo://src/../src/a.py"),
        _entry("docs://2026/02/01/DOC-1--doctor/index.md"),
        _entry("doc://../index.md"),
        _entry("doc://missing.md"),
        _entry("abs://{outside}/outside.txt"),
        _entry("ws://svc/main.go"),
        _entry("ws://svc/nope.go"),
        _entry("~/home-file.txt"),
        _entry("~/no-such-home-file.txt"),
        _entry("src/a.py", note=""),
        _entry("src\\a.py"),
        _entry("src/b/c.py"),
        _entry("../index.md"),  # relative to the doc's folder, inside the repository
        _entry("../../../../../../../../../etc/hostname-not-here"),
        _entry("ttmp-sibling.txt", note=""),
        _entry("{outside}/outside.txt"),
        _entry("{outside}/missing.txt"),
        _entry("."),
        _entry("vocabulary.yaml"),  # relative to the docs root
        _entry("notes.md"),  # relative to the doc's own folder
        _entry("deep/er/x.txt"),  # two folders down the doc's own folder
        _entry("deep/none/x.txt"),  # a missing folder in an existing one
        _entry("src/b/none/x.py"),
        _entry("src/a.py/under-a-file.py"),  # a "folder" that is a file
    ]
)

DIARY = (
    "\n## Step 1: First\n\n**Commit (code):** pending — later\n\n"
    "## Step 2: Second\n\n- Commit: pending\n\n"
    '## Step 1: Again\n\n**Commit (code):** {real} — "Real"\n\n'
    '## Step 3: Lost\n\n**Commit (code):** deadbeefdeadbeef — "Gone"\n\n'
    "## Step 3: Lost again\n\ntext\n"
)


def _write(path: Path, text: str, *, newline: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline=newline) as handle:
        handle.write(text)
    return path


@pytest.fixture
def every_rule(git_repo: GitRepo, tmp_path: Path) -> Path:
    """A workspace in which every doctor rule has something to report."""
    repo = git_repo.path
    real = git_repo.commit("Real", {"src/a.py": "x = 1\n", "src/b/c.py": "y = 2\n"})
    outside = tmp_path / "outside"
    _write(outside / "outside.txt", "outside\n")
    _write(outside / "outside.md", _doc("Outside"))
    _write(tmp_path / "home" / "home-file.txt", "home\n")
    _write(repo / "go.work", "go 1.22\n\nuse ./svc\n")
    _write(repo / "svc" / "main.go", "package main\n")
    _write(repo / "ttmp-sibling.txt", "sibling\n")
    (repo / ".ttmp.yaml").write_text("root: ttmp\n")
    root = repo / "ttmp"
    _write(root / "vocabulary.yaml", VOCAB)
    folder = root / T
    _write(folder / "index.md", _doc("Doctor", doc_type="index", topics=""))
    _write(folder / "tasks.md", "# Tasks\n\n- [ ] one\n")
    related = RELATED.replace("{outside}", str(outside))
    _write(folder / "design" / "01-plan.md", _doc("Plan", related=related))
    _write(folder / "design" / "notes.md", _doc("No prefix", status="wip", topics="    - odd\n"))
    _write(folder / "design" / "deep" / "er" / "x.txt", "deep\n")
    _write(folder / "design" / "02-broken.md", "---\nTitle: [unclosed\n---\nbody\n")
    _write(folder / "design" / "03-blank.md", _doc("", doc_type="memo"))
    _write(folder / "reference" / "01-diary.md", _doc("Diary") + DIARY.format(real=real[:12]))
    _write(  # the same diary with Windows line ends, shouting
        folder / "reference" / "02-crlf-diary.md",
        _doc("CRLF diary") + DIARY.format(real=real[:12]).replace("pending", "PENDING"),
        newline="\r\n",
    )
    _write(folder / "reference" / "03-diary-no-steps.md", _doc("Diary without steps"))
    _write(folder / "various" / "index.md", _doc("Nested", ticket="DOC-9", doc_type="index"))
    os.symlink(outside / "outside.md", folder / "design" / "04-link.md")
    _write(
        root / U / "index.md",
        _doc("", ticket="DOC-3", doc_type="index", updated="2025-01-01T10:00:00+05:00"),
    )
    _write(root / "2026/02/03/DOC-4--no-index" / "design" / "01-x.md", _doc("X", ticket="DOC-4"))
    _write(root / "loose" / "stray.md", _doc("Stray", ticket="DOC-5"))
    return repo


def _report(invoke: Invoke, repo: Path, tmp_path: Path, *args: str, **env: str) -> list[Any]:
    out = invoke(
        ["doctor", "--all", "--check-commits", "--fail-on", "none", "--output", "json", *args],
        cwd=repo,
        env={"HOME": str(tmp_path / "home"), **env},
    ).stdout
    rows: list[Any] = json.loads(out)
    return rows


def test_every_rule_is_reported_alike_with_and_without_the_cache(
    invoke: Invoke, every_rule: Path, tmp_path: Path
) -> None:
    cold = _report(invoke, every_rule, tmp_path)
    warm = _report(invoke, every_rule, tmp_path)
    scanned = _report(invoke, every_rule, tmp_path, DOCMGR_NO_CACHE="1")
    assert cold == warm == scanned
    issues = {row["issue"] for row in warm}
    assert issues >= {
        "missing_index",
        "orphan_markdown",
        "symlink_outside_root",
        "multiple_index",
        "ticket_id_mismatch",
        "invalid_frontmatter",
        "missing_required_fields",
        "missing_field",
        "missing_related_file",
        "missing_related_file_note",
        "missing_numeric_prefix",
        "diary_duplicate_step",
        "diary_pending_commit",
        "diary_unresolved_commit",
        "unknown_topics",
        "unknown_status",
        "unknown_doc_type",
        "stale",
    }


def test_forgetting_the_folder_memo_between_batches_changes_no_finding(
    invoke: Invoke, every_rule: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """doctor forgets the folders it has seen once there are many (memory stays flat on big
    workspaces); forgetting after every ticket gives the same report."""
    from docmgr.reports import doctor
    from docmgr.reports.doctor.rules import related

    remembered = _report(invoke, every_rule, tmp_path)
    monkeypatch.setattr(related, "_MEMO_LIMIT", 0)
    monkeypatch.setattr(doctor, "_BATCH", 1)
    forgetful = _report(invoke, every_rule, tmp_path)
    assert forgetful == remembered
    assert any(row["issue"] == "missing_related_file" for row in forgetful)


def test_the_folder_memo_is_trimmed_past_its_limit(
    every_rule: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docmgr.reports.doctor.rules import related
    from docmgr.store.index.queries import RelatedEntry
    from docmgr.store.workspace import Workspace

    monkeypatch.setattr(related, "_MEMO_LIMIT", 3)
    resolver = related.Resolver(Workspace.open(str(every_rule / "ttmp"), cwd=every_rule))
    doc_dir = str(every_rule / "ttmp" / T / "design")
    entries = [RelatedEntry(f"f{i}/x.txt", "why", "rel", f"f{i}/x.txt") for i in range(10)]
    assert resolver.missing(entries, Path(doc_dir) / "01-plan.md", doc_dir) == [
        raw for raw, *_ in entries
    ]
    assert len(resolver.exists_cache) > 3
    resolver.trim()
    assert len(resolver.exists_cache) <= 3 and len(resolver.down_cache) <= 3
    assert resolver.missing(entries[:1], Path(doc_dir) / "01-plan.md", doc_dir) == ["f0/x.txt"]


def test_stored_facts_agree_with_the_files(
    invoke: Invoke, every_rule: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each diary and related-file finding is what the diary parser and the reference
    resolver say of the file as it is on disk."""
    from docmgr.formats import diary as diary_format
    from docmgr.store import related_paths
    from docmgr.store.workspace import Workspace, parse_doc

    rows = _report(invoke, every_rule, tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    ws = Workspace.open(str(every_rule / "ttmp"), cwd=every_rule)
    root = every_rule / "ttmp"
    expected: list[tuple[str, str, str]] = []
    for path in sorted((root / T).rglob("*.md")):
        if path.is_symlink():
            continue
        doc = parse_doc(path, ws.rel(path))
        if doc.meta is None:
            continue
        for entry in doc.meta.related_files:
            found = related_paths.resolve(entry.path, related_paths.Bases.for_doc(ws, path))
            if not found.exists:
                expected.append(
                    ("missing_related_file", str(path), f"related file not found: {entry.path}")
                )
        if "diary" in path.name:
            steps = diary_format.parse(path.read_text(encoding="utf-8"))
            labels = [s.label for s in steps]
            dupes = [x for x in dict.fromkeys(labels) if labels.count(x) > 1]
            pending = [s.label for s in steps for r in s.refs if r.kind == "pending"]
            if dupes:
                message = f"duplicate diary step number(s): {', '.join(dupes)}"
                expected.append(("diary_duplicate_step", str(path), message))
            if pending:
                message = f"step(s) with a pending commit line: {', '.join(pending)}"
                expected.append(("diary_pending_commit", str(path), message))
    kinds = {"missing_related_file", "diary_duplicate_step", "diary_pending_commit"}
    got = [(r["issue"], r["path"], r["message"]) for r in rows if r["issue"] in kinds]
    assert sorted(got) == sorted(expected)
    missing = {m.removeprefix("related file not found: ") for i, _p, m in got if "related" in i}
    assert missing == {
        "repo://src/gone.py",
        "doc://missing.md",
        "ws://svc/nope.go",
        "~/no-such-home-file.txt",
        "../../../../../../../../../etc/hostname-not-here",
        f"{tmp_path / 'outside'}/missing.txt",
        ".",
        "deep/none/x.txt",
        "src/b/none/x.py",
        "src/a.py/under-a-file.py",
    }
    diaries = [r for r in got if r[0].startswith("diary")]
    assert len(diaries) == 4  # both diaries, the CRLF one included
    assert ("diary_duplicate_step", "duplicate diary step number(s): 1, 3") in {
        (i, m) for i, _p, m in diaries
    }


def test_changes_after_indexing_are_seen(invoke: Invoke, every_rule: Path, tmp_path: Path) -> None:
    """A related file appearing or vanishing (no document changes) and an edited diary."""
    plan = str(every_rule / "ttmp" / T / "design" / "01-plan.md")
    diary = every_rule / "ttmp" / T / "reference" / "01-diary.md"

    def about(rows: list[Any], path: str) -> set[tuple[str, str]]:
        return {(r["issue"], r["message"]) for r in rows if r["path"] == path}

    gone = ("missing_related_file", "related file not found: repo://src/gone.py")
    nested = ("missing_related_file", "related file not found: src/b/c.py")
    before = _report(invoke, every_rule, tmp_path)
    assert gone in about(before, plan) and nested not in about(before, plan)

    _write(every_rule / "src" / "gone.py", "back\n")
    (every_rule / "src" / "b" / "c.py").unlink()
    after = _report(invoke, every_rule, tmp_path)
    assert gone not in about(after, plan) and nested in about(after, plan)

    (every_rule / "src" / "b").rmdir()  # the whole folder goes: still one answer per entry
    assert nested in about(_report(invoke, every_rule, tmp_path), plan)

    text = diary.read_text(encoding="utf-8")
    diary.write_text(text.replace("## Step 3: Lost again", "## Step 4: Found"), encoding="utf-8")
    edited = about(_report(invoke, every_rule, tmp_path), str(diary))
    assert ("diary_duplicate_step", "duplicate diary step number(s): 1") in edited
    diary.write_text(
        text.replace("pending", "n/a").replace("## Step 1: Again", "## Step 5: Again"),
        encoding="utf-8",
    )
    cleaned = {i for i, _m in about(_report(invoke, every_rule, tmp_path), str(diary))}
    assert "diary_pending_commit" not in cleaned
    assert "diary_duplicate_step" in cleaned  # step 3 still twice


def test_symlinks_leaving_the_root_are_seen_after_indexing(
    invoke: Invoke, every_rule: Path, tmp_path: Path
) -> None:
    """The index records which walked .md files are symlinks; where they lead is asked at
    check time: links added, removed, in a new folder, inside the root, or leading out
    through a symlinked folder that changed (no document or listed folder changing)."""
    root = every_rule / "ttmp"
    folder = root / T
    outside = tmp_path / "outside"
    _write(outside / "stray.md", _doc("Stray outside"))

    def links(**env: str) -> list[str]:
        rows = _report(invoke, every_rule, tmp_path, **env)
        return [r["path"] for r in rows if r["issue"] == "symlink_outside_root"]

    def checked() -> list[str]:
        warm = links()
        assert warm == links(DOCMGR_NO_CACHE="1")  # the index says what a walk says
        return warm

    first = str(folder / "design" / "04-link.md")
    assert checked() == [first]

    away = folder / "reference" / "05-away.md"
    os.symlink(outside / "outside.md", away)
    nested = folder / "extra" / "sub" / "06-away.md"  # in folders the index never saw
    nested.parent.mkdir(parents=True)
    os.symlink(outside / "outside.md", nested)
    os.symlink(folder / "design" / "01-plan.md", folder / "design" / "05-alias.md")  # inside
    os.symlink(root / "loose", root / "hop", target_is_directory=True)
    hop = folder / "design" / "07-hop.md"
    os.symlink(root / "hop" / "stray.md", hop)  # inside, through a symlinked folder
    assert checked() == [first, str(nested), str(away)]

    (root / "hop").unlink()  # the folder link now leads out: 07-hop.md's folder is unchanged
    os.symlink(outside, root / "hop", target_is_directory=True)
    assert checked() == [first, str(hop), str(nested), str(away)]

    away.unlink()
    nested.unlink()
    assert checked() == [first, str(hop)]


@pytest.mark.parametrize(
    "body",
    [
        DIARY.format(real="abcdef1234567"),
        "## Step 1: a\n\nStill pending review.\n\n## Step 2: b\n\n- Commit: PENDING\n",
        "## Step 1: a\n\n```\n**Commit (code):** pending\n```\n\n## Step 1: b\n\nx\n",
        "## Step 1: a\n\n### Commits\n\n- pending — later\n\n## Step 2: pending work\n",
        "# Notes\n\npending\n\n## Step 3–5: range\n\n**Commit (code):** pending\n",
        "## Step 1: ü\n\n**Commit (code):** PenDing — later\n\n## Step 2: b\n\nx\n",
        "## Step 1: a\n\n**Commit (code):** pendİng\n\n## Step 2: b\n",
        "## Step 1: a\n\n**Commit (code):** pendıng\n",
    ],
)
def test_step_facts_match_the_full_parse(body: str) -> None:
    from docmgr.formats import diary as diary_format

    text = _doc("Diary") + body
    steps = diary_format.parse(text)
    facts = diary_format.step_facts(text)
    labels = [s.label for s in steps]
    assert facts.labels == labels
    assert facts.duplicates == [x for x in dict.fromkeys(labels) if labels.count(x) > 1]
    assert facts.pending == [s.label for s in steps for r in s.refs if r.kind == "pending"]


# pieces of random diaries: step headings, other headings, fences, commit lines of every
# kind (pending ones most of all) and prose that says "pending" without being a commit line
_PIECES = [
    "## Step 1: a\n",
    "## Step 2: pending work\n",
    "### Step 2a\n",
    "# Step 3-5: range\n",
    "## Notes\n",
    "### Commits\n",
    "#### Deeper\n",
    "# Top\n",
    "```\n",
    "~~~~\n",
    "``` go\n",
    "**Commit (code):** pending\n",
    "**Commit (code):** PENDING — later\n",
    '**Commit (code):** abcdef1234567 — "fix(pending): x"\n',
    "- Commit: pending\n",
    "- Commits:\n",
    "  - pending\n",
    "  - abcdef1234567\n",
    "Commits: pending, n/a\n",
    "- pending — later\n",
    "Still pending review.\n",
    "\n",
    "text\n",
]


def test_step_facts_match_the_full_parse_on_random_diaries() -> None:
    """Labels, duplicates and pending commits as ``parse`` reads them: the step-by-step scan
    of the steps that say "pending" agrees with the whole-text scan on random diaries."""
    import random

    from docmgr.formats import diary as diary_format

    rng = random.Random(20261203)
    seen_pending = 0
    for _ in range(2000):
        body = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 25)))
        text = (_doc("Diary") if rng.random() < 0.8 else "") + body
        steps = diary_format.parse(text)
        facts = diary_format.step_facts(text)
        labels = [s.label for s in steps]
        assert facts.labels == labels, text
        assert facts.duplicates == [x for x in dict.fromkeys(labels) if labels.count(x) > 1]
        pending = [s.label for s in steps for r in s.refs if r.kind == "pending"]
        assert facts.pending == pending, text
        seen_pending += bool(pending)
    assert seen_pending > 200  # the pieces make pending commits often


def test_only_two_characters_lower_to_ascii_letters() -> None:
    # what makes diary.fold_ascii find exactly what str.lower finds (see its docstring)
    odd = [
        code
        for code in range(0x80, 0x110000)
        if not 0xD800 <= code < 0xE000 and any("a" <= ch <= "z" for ch in chr(code).lower())
    ]
    assert odd == [0x130, 0x212A]


@pytest.mark.parametrize(
    "text",
    [
        "pending",
        "PENDING",
        "x PenDinG y",
        "pendİng",
        "pend\u0130ng",
        "pendıng",
        "ü commit",
        "COMMİT",
        "Commıt",
        "KOMMIT",
        "\u212aommit",
        "c\u00f6mmit",
        "",
        "\ud800 lone surrogate, commit",
    ],
)
def test_fold_ascii_finds_what_lower_finds(text: str) -> None:
    from docmgr.formats.diary import fold_ascii

    for word in ("pending", "ommit"):
        assert (word.encode() in fold_ascii(text)) == (word in text.lower())
