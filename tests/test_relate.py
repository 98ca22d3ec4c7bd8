"""doc relate: anchors, legacy shapes, note merging, removals, output forms and errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitRepo, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from docmgr.errors import UsageProblem
from docmgr.formats import front_matter
from docmgr.formats import related as related_format
from docmgr.ops import relate
from docmgr.store import related_paths
from docmgr.store.workspace import Workspace

# Documents with legacy RelatedFiles, in tests/quirks.py and in the corpus: lower-case
# path/note keys (and a repeated entry), ../.. and absolute paths, a ../../../.. path.
LEGACY = (
    "2025/11/19/DOCMGR-OUTPUT-TEMPLATES-external-postfix-templates-for-verb-outputs/"
    "playbooks/01-intern-playbook-continuing-external-templates.md"
)
ABSOLUTE = (
    "2025/11/18/DOCMGR-REFACTOR-code-refactoring-hierarchical-commands-and-utilities/index.md"
)
DOTDOT = (
    "2026/03/24/008-GLAZED-FACADE-MIGRATION--migrate-docmgr-to-glazed-facade-packages/"
    "reference/01-diary.md"
)
QUIRKS_LEGACY = (
    "2025/11/19/WG-OUTPUT-TEMPLATES-postfix-templates-for-verb-outputs/"
    "playbooks/01-intern-playbook-postfix-templates.md"
)
QUIRKS_ABSOLUTE = "2025/11/18/WG-REFACTOR-hierarchical-commands/index.md"
QUIRKS_DOTDOT = "2026/03/24/WG-008-FACADE--migrate-to-facade-packages/reference/01-diary.md"
LEGACY_DOCS = [
    *(
        pytest.param("quirky_workspace", rel, id=f"quirks-{name}")
        for name, rel in (
            ("legacy", QUIRKS_LEGACY),
            ("absolute", QUIRKS_ABSOLUTE),
            ("dotdot", QUIRKS_DOTDOT),
        )
    ),
    *(
        pytest.param("corpus", rel, id=f"corpus-{name}", marks=pytest.mark.needs_corpus)
        for name, rel in (("legacy", LEGACY), ("absolute", ABSOLUTE), ("dotdot", DOTDOT))
    ),
]


@pytest.fixture
def repo(invoke: Callable[..., Result], git_repo: GitRepo) -> Path:
    cwd = git_repo.path
    (cwd / "pkg").mkdir()
    (cwd / "pkg" / "api.go").write_text("package pkg\n")
    invoke(["init"], cwd=cwd)
    invoke(["ticket", "create", "--ticket", "REL-1", "--title", "Relate things"], cwd=cwd)
    return cwd


def _index(repo: Path) -> Path:
    return next((repo / "ttmp").rglob("index.md"))


def _related(path: Path) -> list[tuple[str, str]]:
    meta, _ = front_matter.read(path.read_text())
    return [(r.path, r.note) for r in meta.related_files]


def test_relate_stores_anchors_sorted_and_keeps_last_updated(
    invoke: Callable[..., Result], repo: Path
) -> None:
    index = _index(repo)
    before = index.read_text()
    out = invoke(
        [
            "doc",
            "relate",
            "--ticket",
            "REL-1",
            "--file-note",
            "pkg/api.go:handlers, routes: all",
            "--file-note",
            "/etc/hosts=outside the repo",
        ],
        cwd=repo,
    )
    assert out.stdout.startswith("related 2 file(s) to ttmp/")
    assert "(added 2, updated 0, removed 0)" in out.stdout
    assert _related(index) == [
        ("abs:///etc/hosts", "outside the repo"),
        ("repo://pkg/api.go", "handlers, routes: all"),
    ]
    after = index.read_text()
    last = [line for line in before.splitlines() if line.startswith("LastUpdated")]
    assert last == [line for line in after.splitlines() if line.startswith("LastUpdated")]
    assert after.split("\n---\n", 1)[1] == before.split("\n---\n", 1)[1]  # body untouched


def test_relate_merges_notes_by_resolved_path(invoke: Callable[..., Result], repo: Path) -> None:
    index = _index(repo)
    invoke(["doc", "relate", "--ticket", "REL-1", "--file-note", "pkg/api.go:first"], cwd=repo)
    out = invoke(
        [
            "doc",
            "relate",
            "--ticket",
            "REL-1",
            "--file-note",
            "repo://pkg/../pkg/api.go:second",
            "--output",
            "json",
        ],
        cwd=repo,
    )
    row = json.loads(out.stdout)[0]
    assert (row["added"], row["updated"], row["status"]) == (0, 1, "updated")
    assert list(row)[:6] == ["doc", "added", "updated", "removed", "total", "status"]
    assert _related(index) == [("repo://pkg/api.go", "first\nsecond")]
    again = invoke(
        ["doc", "relate", "--ticket", "REL-1", "--file-note", f"{repo}/pkg/api.go:second"], cwd=repo
    )
    assert again.stdout.startswith("no related file changes for")
    assert "matched existing notes" in again.stdout


def test_relate_remove_files(invoke: Callable[..., Result], repo: Path) -> None:
    index = _index(repo)
    invoke(
        [
            "doc",
            "relate",
            "--ticket",
            "REL-1",
            "--file-note",
            "pkg/api.go:a",
            "--file-note",
            "README.md:b",
        ],
        cwd=repo,
    )
    out = invoke(
        ["doc", "relate", "--ticket", "REL-1", "--remove-files", "pkg/api.go,missing.go"], cwd=repo
    )
    assert "removed 1" in out.stdout
    assert _related(index) == [("repo://README.md", "b")]
    noop = invoke(["doc", "relate", "--ticket", "REL-1", "--remove-files", "missing.go"], cwd=repo)
    assert "remove targets were not present" in noop.stdout


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("pkg/api.go", "malformed --file-note value"),
        (":note", "empty path"),
        ("pkg/api.go:  ", "requires a non-empty note for pkg/api.go"),
    ],
)
def test_relate_file_note_errors(
    invoke: Callable[..., Result], repo: Path, value: str, message: str
) -> None:
    before = _index(repo).read_text()
    out = invoke(["doc", "relate", "--ticket", "REL-1", "--file-note", value], cwd=repo, expect=2)
    assert out.stderr.startswith("Error: ") and message in out.stderr
    assert _index(repo).read_text() == before


def test_relate_target_errors(invoke: Callable[..., Result], repo: Path) -> None:
    out = invoke(["doc", "relate", "--file-note", "a.go:x"], cwd=repo, expect=2)
    assert "must specify either --doc or --ticket" in out.stderr
    out = invoke(
        ["doc", "relate", "--ticket", "NOPE-9", "--file-note", "a.go:x"], cwd=repo, expect=1
    )
    assert 'ticket not found: "NOPE-9"' in out.stderr
    out = invoke(["doc", "relate", "--doc", "nope.md", "--file-note", "a.go:x"], cwd=repo, expect=1)
    assert "doc not found" in out.stderr


def test_parse_anchor_and_canonical() -> None:
    assert related_format.canonical("REPO://a/../b.go") == "repo://b.go"
    assert related_format.canonical("abs://home/u/x.go") == "abs:///home/u/x.go"
    assert related_format.parse_anchor("https://example.com/x") is None
    assert related_format.parse_file_note("repo://a.go:why: this") == ("repo://a.go", "why: this")
    assert related_format.parse_file_note("a.go=why, this") == ("a.go", "why, this")


def test_merge_note_rules() -> None:
    assert related_format.merge_note("", " new ") == "new"
    assert related_format.merge_note("old", "") == "old"
    assert related_format.merge_note("a\nb", "b") == "a\nb"
    assert related_format.merge_note("a\n", "c") == "a\nc"
    assert related_format.merge_note("a", "c") == "a\nc"


def test_library_relate_for_diary(repo: Path) -> None:
    ws = Workspace.open(None, cwd=repo)
    index = _index(repo)
    result = relate.relate(ws, index, file_notes=[("pkg/api.go", "Step 1 touched it")])
    assert (result.added, result.status, result.total) == (1, "updated", 1)
    with pytest.raises(UsageProblem):
        relate.relate(ws, index, file_notes=[("pkg/api.go", " ")])


def test_ws_anchor_with_go_work(tmp_path: Path) -> None:
    (tmp_path / "go.work").write_text("go 1.22\n")
    repo = tmp_path / "app"
    (repo / "ttmp").mkdir(parents=True)
    (tmp_path / "lib" / "pkg").mkdir(parents=True)
    bases = related_paths.Bases(
        repo_root=repo,
        docs_root=repo / "ttmp",
        config_dir=repo,
        doc_dir=repo / "ttmp",
        gowork_dir=related_paths.find_gowork(repo),
    )
    assert related_paths.anchor_for(tmp_path / "lib" / "pkg" / "x.go", bases) == "ws://lib/pkg/x.go"
    assert (
        related_paths.resolve("ws://lib/pkg/x.go", bases).path == tmp_path / "lib" / "pkg" / "x.go"
    )
    assert related_paths.resolve("../../../../../../../../../../x", bases).path is None


@pytest.mark.parametrize(("real_world", "rel"), LEGACY_DOCS, indirect=["real_world"])
def test_relate_on_legacy_doc_keeps_other_entries(
    invoke: Callable[..., Result], real_world: Path, rel: str
) -> None:
    doc = real_world / "ttmp" / rel
    before = _related(doc)
    assert before, "fixture doc must have legacy RelatedFiles"
    invoke(
        ["doc", "relate", "--doc", str(doc), "--file-note", "new/file.go:added by test"],
        cwd=real_world,
    )
    after = _related(doc)
    for entry in before:
        assert entry in after
    assert ("repo://new/file.go", "added by test") in after
    assert len(after) == len(set(before)) + 1
    assert [p for p, _ in after] == sorted(p for p, _ in after)


def test_relate_reads_bare_strings_and_lowercase_keys(
    invoke: Callable[..., Result], repo: Path
) -> None:
    index = _index(repo)
    text = index.read_text().replace(
        "RelatedFiles: []\n",
        "RelatedFiles:\n  - pkg/api.go\n  - path: README.md\n    note: readme\n  - repo://pkg/api.go\n",
    )
    index.write_text(text)
    invoke(["doc", "relate", "--ticket", "REL-1", "--file-note", "pkg/api.go:why"], cwd=repo)
    # the two spellings of pkg/api.go collapse into the first stored string, note merged
    assert _related(index) == [("README.md", "readme"), ("pkg/api.go", "why")]


def test_relate_on_unparseable_doc(invoke: Callable[..., Result], repo: Path) -> None:
    bad = repo / "ttmp" / "bad.md"
    bad.write_text("---\nTitle: [unclosed\n---\n")
    out = invoke(["doc", "relate", "--doc", str(bad), "--file-note", "a.go:x"], cwd=repo, expect=1)
    assert "document has invalid frontmatter (fix before relating files)" in out.stderr
    assert bad.read_text() == "---\nTitle: [unclosed\n---\n"


_SEGMENT = st.sampled_from(["a", "b.go", "..", ".", "pkg", "x y", ""])


@settings(max_examples=200, deadline=None)
@given(
    scheme=st.sampled_from(["repo", "REPO", "docs", "abs", "ws", "doc"]),
    parts=st.lists(_SEGMENT, max_size=6),
)
def test_canonical_is_idempotent(scheme: str, parts: list[str]) -> None:
    raw = f"{scheme}://" + "/".join(parts)
    once = related_format.canonical(raw)
    assert related_format.canonical(once) == once
    assert once.startswith(scheme.lower() + "://")


@settings(max_examples=200, deadline=None)
@given(
    path=st.from_regex(r"[a-z][a-z0-9_/.-]{0,20}", fullmatch=True),
    note=st.text(min_size=1, max_size=30).filter(lambda n: n.strip() and "\n" not in n),
)
def test_file_note_round_trip(path: str, note: str) -> None:
    assert related_format.parse_file_note(f"{path}:{note}") == (path, note.strip())
    assert related_format.parse_file_note(f"repo://{path}={note}") == (
        f"repo://{path}",
        note.strip(),
    )
