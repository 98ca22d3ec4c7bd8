"""The contentless full-text table: an edited, removed or renamed document is never found by
its old words, tombstones are rebuilt away so ranking comes back to a fresh build's, and
snippets are what FTS5 gives on the full text."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import age_tree

from docmgr.reports.search import Query, search
from docmgr.store import index as index_store
from docmgr.store.index import fulltext, queries, schema
from docmgr.store.workspace import Workspace

DOC = """---
Title: {title}
Ticket: FT-1
Status: active
Topics:
    - search
DocType: design-doc
LastUpdated: 2026-02-01T10:00:00Z
---
# {title}

{body}
"""

FOLDER = "2026/02/01/FT-1--fulltext"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "repo" / "ttmp"
    folder = root / FOLDER
    (folder / "design").mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    (folder / "index.md").write_text(
        DOC.format(title="Fulltext", body="landing page").replace("design-doc", "index")
    )
    for number, word in enumerate(("alpha", "bravo", "charlie"), start=1):
        (folder / "design" / f"0{number}-{word}.md").write_text(
            DOC.format(title=word.title(), body=f"the {word} plan talks of {word}wort")
        )
    return root


def _ws(root: Path) -> Workspace:
    return Workspace.open(str(root), cwd=root.parent, env=dict(os.environ))


def _found(root: Path, text: str) -> list[str]:
    return [hit.path for hit in search(_ws(root), Query(text=text)).hits]


def _ranked(root: Path, text: str) -> list[tuple[str, float]]:
    with index_store.open_index(_ws(root)) as index:
        rows = queries.search(index, queries.SearchFilter(match=text, order="rank"))
    return [(row.rel, row.score) for row in rows]


def _stale(root: Path) -> int:
    with index_store.open_index(_ws(root)) as index:
        return fulltext.stale(index.con)


def test_the_table_stores_no_text(root: Path) -> None:
    """Its content is a view over the files: what a snippet reads is the file as it is."""
    plan = root / FOLDER / "design" / "01-alpha.md"
    with index_store.open_index(_ws(root)) as index:
        kinds = dict(index.con.execute("SELECT name, type FROM sqlite_master"))
        assert kinds["docs_fts_content"] == "view"
        sql = index.con.execute("SELECT sql FROM sqlite_master WHERE name='docs_fts'").fetchone()
        assert "content='docs_fts_content'" in sql[0]
        with pytest.raises(sqlite3.OperationalError, match="doc_body"):
            index.con.execute("SELECT body FROM docs_fts").fetchall()  # no reader attached
        schema.read_bodies(index.con, index.root_s)
        plan.write_text(DOC.format(title="Alpha", body="written after the index was"))
        (body,) = index.con.execute(
            "SELECT body FROM docs_fts_content WHERE id = (SELECT id FROM docs WHERE rel = ?)",
            (f"{FOLDER}/design/01-alpha.md",),
        ).fetchone()
    assert body == "# Alpha\n\nwritten after the index was\n"


def test_the_content_view_holds_what_was_indexed(root: Path) -> None:
    """Title, topics, type and ticket as stored (a rebuild reads them back from the view)."""
    with index_store.open_index(_ws(root)) as index:
        schema.read_bodies(index.con, index.root_s)
        rows = index.con.execute(
            "SELECT title, body, topics, doc_type, ticket_id FROM docs_fts_content ORDER BY id"
        ).fetchall()
    assert rows[-1] == (
        "Charlie",
        "# Charlie\n\nthe charlie plan talks of charliewort\n",
        "search",
        "design-doc",
        "FT-1",
    )
    assert [r[0] for r in rows] == ["Fulltext", "Alpha", "Bravo", "Charlie"]


def test_an_edited_body_is_found_by_its_new_words_only(root: Path) -> None:
    plan = root / FOLDER / "design" / "03-charlie.md"  # the last row: its id would be reused
    assert _found(root, "charliewort") == [f"{FOLDER}/design/03-charlie.md"]
    plan.write_text(DOC.format(title="Charlie", body="rewritten around deltaword"))
    assert _found(root, "charliewort") == []
    assert _found(root, "deltaword") == [f"{FOLDER}/design/03-charlie.md"]
    assert sorted(_found(root, "talks")) == [
        f"{FOLDER}/design/01-alpha.md",
        f"{FOLDER}/design/02-bravo.md",
    ]


def test_a_removed_doc_is_not_found_and_its_id_is_not_reused(root: Path) -> None:
    design = root / FOLDER / "design"
    assert _found(root, "charliewort")
    (design / "03-charlie.md").unlink()
    (design / "04-echo.md").write_text(DOC.format(title="Echo", body="only echo words"))
    assert _found(root, "charliewort") == []
    assert _found(root, "echo") == [f"{FOLDER}/design/04-echo.md"]
    with index_store.open_index(_ws(root)) as index:
        ids = [row[0] for row in index.con.execute("SELECT id FROM docs ORDER BY id")]
    assert len(ids) == len(set(ids))


def test_a_renamed_doc_is_found_at_its_new_path_only(root: Path) -> None:
    design = root / FOLDER / "design"
    assert _found(root, "bravowort") == [f"{FOLDER}/design/02-bravo.md"]
    (design / "02-bravo.md").rename(design / "05-renamed.md")
    assert _found(root, "bravowort") == [f"{FOLDER}/design/05-renamed.md"]


def test_a_doc_whose_front_matter_breaks_leaves_the_results(root: Path) -> None:
    plan = root / FOLDER / "design" / "01-alpha.md"
    plan.write_text("no front matter, still alphawort\n")
    assert _found(root, "alphawort") == []
    plan.write_text(DOC.format(title="Alpha", body="alphawort is back"))
    assert _found(root, "alphawort") == [f"{FOLDER}/design/01-alpha.md"]


def test_punctuated_words_are_checked_in_the_current_body(root: Path) -> None:
    plan = root / FOLDER / "design" / "01-alpha.md"
    plan.write_text(DOC.format(title="Alpha", body="see API.go for the handler"))
    assert _found(root, "api.go") == [f"{FOLDER}/design/01-alpha.md"]  # ASCII case folded
    plan.write_text(DOC.format(title="Alpha", body="see api and go, apart"))
    assert _found(root, "api.go") == []
    plan.write_text(DOC.format(title="Api.go notes", body="nothing here"))
    assert _found(root, "api.go") == [f"{FOLDER}/design/01-alpha.md"]  # the title counts too


def test_many_edits_rank_as_a_fresh_build_would(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tombstones pile up and are rebuilt away; a rebuilt table ranks as a fresh one."""
    plan = root / FOLDER / "design" / "02-bravo.md"
    peak = last = 0
    settled = False
    for number in range(80):
        words = " ".join(["plan"] * (number % 7 + 1))
        plan.write_text(DOC.format(title="Bravo", body=f"edit{number} {words} bravowort"))
        assert _found(root, f"edit{number}") == [f"{FOLDER}/design/02-bravo.md"]
        if number:
            assert _found(root, f"edit{number - 1}") == []
        now = _stale(root)
        settled = settled or now < last
        peak, last = max(peak, now), now
    age_tree(root)  # else the last edit, too fresh to trust, is parsed again at every refresh
    _found(root, "plan")
    assert peak >= 60 and settled  # they piled up, and a rebuild dropped them
    with index_store.open_index(_ws(root)) as index:
        # how many tombstones are left depends on how many edits fell in the racy window
        # (parsed twice); settle() may even have just run: force what it does when any are
        if fulltext.stale(index.con):
            fulltext.rebuild(index.con, index.root_s)
    ranked = _ranked(root, "plan")
    fresh = tmp_path / "fresh-cache"
    monkeypatch.setenv("DOCMGR_CACHE_DIR", str(fresh))
    assert _ranked(root, "plan") == ranked
    assert len(ranked) == 3


def test_settling_keeps_every_live_document_findable(root: Path) -> None:
    plan = root / FOLDER / "design" / "01-alpha.md"
    settled, last = False, 0
    for number in range(70):  # each edit leaves at least one tombstone: over 64, a settle
        plan.write_text(DOC.format(title="Alpha", body=f"version{number} alphawort"))
        assert _found(root, f"version{number}") == [f"{FOLDER}/design/01-alpha.md"]
        stale = _stale(root)
        settled = settled or stale < last
        last = stale
    assert settled  # (how many tombstones an edit leaves depends on the racy second)
    assert _found(root, "version69") == [f"{FOLDER}/design/01-alpha.md"]
    assert _found(root, "version68") == []
    assert _found(root, "bravowort") == [f"{FOLDER}/design/02-bravo.md"]
    assert len(_found(root, "search")) == 4  # topics are indexed again too
    ticket_hits = search(_ws(root), Query(fts='ticket_id:"FT-1"')).hits
    assert len(ticket_hits) == 4  # and ticket ids


def test_a_snippet_is_cut_from_the_file_as_it_is_now(root: Path) -> None:
    long_body = (
        " ".join(f"filler{n}" for n in range(60))
        + " needle "
        + " ".join(f"tail{n}" for n in range(60))
    )
    (root / FOLDER / "design" / "01-alpha.md").write_text(DOC.format(title="Alpha", body=long_body))
    (hit,) = search(_ws(root), Query(text="needle")).hits
    assert hit.snippet.startswith("...filler") and hit.snippet.endswith("...")
    assert " needle tail0 " in hit.snippet
    before, after = hit.snippet.split(" needle ")
    assert 90 <= len(before) <= 103 and 90 <= len(after) <= 103  # ~100 bytes either side
    words = hit.snippet.strip(".").split()
    assert all(word.startswith(("filler", "tail", "needle")) for word in words)  # none cut


def _big_root(tmp_path: Path, body: Callable[[int], str]) -> Path:
    """A docs root of one ticket with ``fulltext.BULK_MIN`` design docs, doc N saying
    ``body(N)``: enough for a build to take the bulk-load settings."""
    root = tmp_path / "big" / "ttmp"
    folder = root / FOLDER
    (folder / "design").mkdir(parents=True)
    (tmp_path / "big" / ".git").mkdir()
    (folder / "index.md").write_text(
        DOC.format(title="Big", body="x").replace("design-doc", "index")
    )
    for number in range(fulltext.BULK_MIN):
        (folder / "design" / f"{number:04d}-doc.md").write_text(
            DOC.format(title=f"Doc {number}", body=body(number))
        )
    return root


def test_a_bulk_load_restores_the_merge_policy(tmp_path: Path) -> None:
    root = _big_root(tmp_path, lambda number: f"word{number} shared")
    assert len(_found(root, "shared")) == fulltext.BULK_MIN
    with index_store.open_index(_ws(root)) as index:
        config = dict(index.con.execute("SELECT k, v FROM docs_fts_config WHERE k != 'version'"))
    assert config == {"automerge": 4, "crisismerge": 16, "hashsize": 1024 * 1024}
    assert _found(root, "word517") == [f"{FOLDER}/design/0517-doc.md"]


def test_a_chunked_bulk_build_leaves_no_free_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FTS5's merges as the chunks commit free pages that the rest of the build does not
    reuse: the build gives them back."""
    root = _big_root(
        tmp_path, lambda number: " ".join(f"w{number}x{k}" for k in range(300)) + " shared"
    )
    age_tree(root)  # no file in the racy window: the next refresh re-parses none
    monkeypatch.setenv("DOCMGR_INDEX_CHUNK", "250")  # 5 chunks, 5 commits
    assert len(_found(root, "shared")) == fulltext.BULK_MIN
    with index_store.open_index(_ws(root)) as index:
        (free,) = index.con.execute("PRAGMA freelist_count").fetchone()
        (pages,) = index.con.execute("PRAGMA page_count").fetchone()
    assert free == 0, f"{free} of {pages} pages free"
    assert _found(root, "w517x39") == [f"{FOLDER}/design/0517-doc.md"]
