"""The first index build: committed in chunks, resumed after a kill, never read half-done.

A real ``docmgr`` process builds the index and is killed (``os._exit``, like ``kill -9``)
right after its second chunk commit; the next command resumes the build, parsing only the
documents not stored yet, and ends with the same index as a build that was never cut
short, changes made in between included.
"""

from __future__ import annotations

import json
import marshal
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import age_tree

from docmgr.store import index as index_store
from docmgr.store.index import build, parse_worker, queries, rows, schema
from docmgr.store.workspace import Workspace

CHUNK = 10
DOCS_PER_TICKET = 4  # index.md, tasks.md, two design docs

DOC = """---
Title: {title}
Ticket: {ticket}
Status: active
Topics:
    - build
    - {word}
DocType: {doc_type}
Intent: long-term
Owners:
    - someone
RelatedFiles:
    - Path: src/{word}.py
      Note: where {word} lives
LastUpdated: 2026-02-01T10:00:00Z
---
# {title}

The {word} document of {ticket}: chunked builds resume.
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _ticket(docs: Path, n: int) -> None:
    ticket = f"BLD-{n}"
    folder = docs / f"2026/02/01/{ticket}--build-{n}"
    _write(
        folder / "index.md",
        DOC.format(title=f"Build {n}", ticket=ticket, word="index", doc_type="index"),
    )
    _write(folder / "tasks.md", f"# Tasks\n\n- [ ] chunk {n}\n- [x] walk {n}\n")
    for i, word in enumerate(("alpha", "beta"), start=1):
        _write(
            folder / "design-doc" / f"0{i}-{word}.md",
            DOC.format(title=f"{word} {n}", ticket=ticket, word=word, doc_type="design-doc"),
        )


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "repo" / "ttmp"
    for n in range(1, 16):  # 60 documents: 6 chunks
        _ticket(root, n)
    (tmp_path / "repo" / ".git").mkdir()
    age_tree(root)
    return root


def _run(
    docs: Path, cache: Path, *args: str, fault: str = "", workers: str = "0"
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DOCMGR_CONFIG": "",
        "DOCMGR_CACHE_DIR": str(cache),
        "DOCMGR_INDEX_CHUNK": str(CHUNK),
        "DOCMGR_INDEX_WORKERS": workers,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    env.pop("DOCMGR_FAULT_INJECT", None)
    if fault:
        env["DOCMGR_FAULT_INJECT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "docmgr", "--root", str(docs), *args],
        cwd=docs.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _db(cache: Path) -> Path:
    (found,) = [p for p in cache.glob("*.sqlite")]
    return found


def _contents(cache: Path) -> dict[str, object]:
    """Every table of the index by rel path (row ids differ between builds)."""
    con = sqlite3.connect(_db(cache))
    try:
        rel_of = dict(con.execute("SELECT id, rel FROM docs"))
        cols = [r[1] for r in con.execute("PRAGMA table_info(docs)") if r[1] != "id"]
        out: dict[str, object] = {
            "docs": sorted(con.execute(f"SELECT {','.join(cols)} FROM docs").fetchall()),
            "search": {
                query: sorted(  # joined to docs: a replaced row leaves a tombstone behind
                    rel
                    for (rel,) in con.execute(
                        "SELECT d.rel FROM docs_fts f JOIN docs d ON d.id = f.rowid"
                        " WHERE docs_fts MATCH ?",
                        (query,),
                    )
                )
                for query in ("alpha", "beta OR index", "chunked", "between", "build*")
            },
            "meta": sorted(
                key  # (fts_stale counts tombstones: a resumed build may replace rows)
                for (key,) in con.execute(
                    "SELECT key FROM meta WHERE key NOT IN ('generation', 'fts_stale')"
                )
            ),
        }
        for table in ("doc_topics", "doc_owners", "doc_sources", "related_files"):
            out[table] = sorted(
                (rel_of[doc_id], *rest)
                for doc_id, *rest in con.execute(f"SELECT * FROM {table}")  # noqa: S608
            )
        snapshot = con.execute("SELECT value FROM meta WHERE key='snapshot'").fetchone()
        pieces = con.execute("SELECT piece FROM snapshot_pieces ORDER BY seq").fetchall()
        decoded = [marshal.loads(blob) for (blob,) in pieces] if snapshot else []
        out["snapshot_files"] = sorted(  # stamps: racy marks vary
            path
            for paths, _mtimes, sizes, _ctimes in decoded
            if sizes is not None  # a piece of files, not of folders
            for path in paths.split("\0")
        )
        return out
    finally:
        con.close()


def _parsed(result: subprocess.CompletedProcess[str]) -> int:
    assert result.returncode == 0, result
    (info,) = json.loads(result.stdout)
    assert info["last_refresh"]["full"] is True
    return int(info["last_refresh"]["parsed"])


def _stored(cache: Path) -> tuple[int, bool]:
    """(rows stored, whether the build row says a build is under way)."""
    con = sqlite3.connect(_db(cache))
    try:
        rows = con.execute("SELECT count(*) FROM docs").fetchone()[0]
        building = con.execute("SELECT 1 FROM meta WHERE key='build'").fetchone() is not None
        snapshot = con.execute("SELECT 1 FROM meta WHERE key='snapshot'").fetchone()
        assert snapshot is None  # a partial build never looks finished
        return rows, building
    finally:
        con.close()


@pytest.mark.parametrize("workers", ["0", "1"], ids=["parsed-here", "parsed-by-a-worker"])
def test_a_killed_build_resumes_with_the_rest_and_ends_as_a_clean_build(
    docs: Path, tmp_path: Path, workers: str
) -> None:
    clean, resumed = tmp_path / "clean-cache", tmp_path / "resumed-cache"
    assert _parsed(_run(docs, clean, "index", "refresh", "--output", "json")) == 60

    killed = _run(
        docs, resumed, "index", "refresh", fault="index-build-after-chunk:2", workers=workers
    )
    assert killed.returncode == 70, killed
    assert _stored(resumed) == (2 * CHUNK, True)

    resumed_run = _run(docs, resumed, "index", "refresh", "--output", "json", workers=workers)
    assert _parsed(resumed_run) == 60 - 2 * CHUNK
    assert _contents(resumed) == _contents(clean)


def test_a_build_parsed_by_a_worker_stores_what_a_build_parsed_here_stores(
    docs: Path, tmp_path: Path
) -> None:
    here, worker = tmp_path / "here-cache", tmp_path / "worker-cache"
    assert _parsed(_run(docs, here, "index", "refresh", "--output", "json")) == 60
    assert _parsed(_run(docs, worker, "index", "refresh", "--output", "json", workers="1")) == 60
    assert _contents(worker) == _contents(here)


def test_the_worker_parses_every_batch_in_order(docs: Path) -> None:
    todo = [
        (str(p.relative_to(docs)), st.st_mtime_ns, st.st_size, st.st_ctime_ns, False)
        for p in sorted(docs.rglob("*.md"))
        for st in [p.stat()]
    ]
    batches = [todo[i : i + 7] for i in range(0, len(todo), 7)]

    def never(_batch: list[Any]) -> list[Any]:
        raise AssertionError("parsed here, not by the worker")

    got = list(parse_worker.parsed_batches(str(docs), iter(batches), never, worker=True))
    assert [[row.rel for row in rows] for rows in got] == [
        [rel for rel, *_ in batch] for batch in batches
    ]
    assert got == [rows.rows_of(str(docs), batch) for batch in batches]


def test_batches_after_the_worker_dies_are_parsed_here(docs: Path) -> None:
    """A worker that dies (here: on a batch it cannot unpack) hands the rest to this process,
    from the first batch it did not deliver; what it delivered is kept."""
    todo = [
        (str(p.relative_to(docs)), st.st_mtime_ns, st.st_size, st.st_ctime_ns, False)
        for p in sorted(docs.rglob("*.md"))
        for st in [p.stat()]
    ]
    broken: list[Any] = [("only", "three", "fields")]
    good, rest = todo[:5], todo[5:10]
    here: list[list[Any]] = []

    def parse_here(batch: list[Any]) -> list[Any]:
        here.append(batch)
        return [] if batch is broken else rows.rows_of(str(docs), batch)

    got = list(
        parse_worker.parsed_batches(str(docs), iter([good, broken, rest]), parse_here, worker=True)
    )
    assert here == [broken, rest]
    assert got == [rows.rows_of(str(docs), good), [], rows.rows_of(str(docs), rest)]


def test_the_worker_is_used_for_big_builds_on_several_cores_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(parse_worker.WORKERS_ENV, raising=False)
    several = len(os.sched_getaffinity(0)) > 1
    assert parse_worker.use_worker(parse_worker.PARALLEL_MIN) is several
    assert parse_worker.use_worker(parse_worker.PARALLEL_MIN - 1) is False
    monkeypatch.setenv(parse_worker.WORKERS_ENV, "1")
    assert parse_worker.use_worker(1) is True
    monkeypatch.setenv(parse_worker.WORKERS_ENV, "0")
    assert parse_worker.use_worker(10**6) is False


def test_changes_made_while_a_build_was_cut_short_are_seen_on_resume(
    docs: Path, tmp_path: Path
) -> None:
    resumed, clean = tmp_path / "resumed-cache", tmp_path / "clean-cache"
    killed = _run(docs, resumed, "index", "refresh", fault="index-build-after-chunk:3")
    assert killed.returncode == 70, killed
    assert _stored(resumed) == (3 * CHUNK, True)

    # the walk is depth first in name order: tickets 1, 10, 11, ... so BLD-1 is stored
    first = docs / "2026/02/01/BLD-1--build-1"
    edited = first / "design-doc" / "01-alpha.md"
    edited.write_text(edited.read_text().replace("chunked builds resume", "an edit in between"))
    (first / "design-doc" / "02-beta.md").unlink()
    _ticket(docs, 99)  # (left with fresh mtimes: a re-dated file would count as changed)

    parsed = _parsed(_run(docs, resumed, "index", "refresh", "--output", "json"))
    # the 30 not stored yet, the edited doc, and the 4 new ones; the deleted one is dropped
    assert parsed == (60 - 3 * CHUNK) + 1 + DOCS_PER_TICKET
    assert _parsed(_run(docs, clean, "index", "refresh", "--output", "json")) == 63
    assert _contents(resumed) == _contents(clean)
    found = _run(docs, resumed, "search", "--query", "between", "--output", "json")
    assert "01-alpha.md" in found.stdout, found


def test_a_partial_build_is_never_trusted_without_a_refresh(docs: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    killed = _run(docs, cache, "index", "refresh", fault="index-build-after-chunk:1")
    assert killed.returncode == 70, killed
    con = sqlite3.connect(_db(cache))
    tickets = [t for (t,) in con.execute("SELECT ticket FROM docs WHERE doc_type='index'")]
    con.close()
    assert tickets  # an index doc of a stored ticket is in the cache ...
    env = {**os.environ, "DOCMGR_CACHE_DIR": str(cache)}
    ws = Workspace.open(str(docs), cwd=docs.parent, env=env)
    assert index_store.cache_path(ws) == _db(cache)
    assert queries.trusted_index_docs(ws, tickets[0]) == []  # ... yet not served as trusted


def test_a_reader_waits_for_a_build_under_way_then_answers_in_full(
    docs: Path, tmp_path: Path
) -> None:
    import fcntl

    from docmgr.store.index.build import lock_path

    cache = tmp_path / "cache"
    killed = _run(docs, cache, "index", "refresh", fault="index-build-after-chunk:1")
    assert killed.returncode == 70, killed
    env = {
        **os.environ,
        "DOCMGR_CONFIG": "",
        "DOCMGR_CACHE_DIR": str(cache),
        "DOCMGR_INDEX_CHUNK": str(CHUNK),
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    env.pop("DOCMGR_FAULT_INJECT", None)
    fd = os.open(lock_path(_db(cache)), os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # "another process is building"
    reader = subprocess.Popen(
        [sys.executable, "-m", "docmgr", "--root", str(docs), "doc", "list", "--output", "json"],
        cwd=docs.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stderr is not None
        line = reader.stderr.readline()  # blocks until the reader says it waits
        assert "Waiting for another docmgr to finish building" in line
        assert _stored(cache) == (CHUNK, True)  # it has not touched the partial index
    finally:
        os.close(fd)  # the "builder" ends (as a killed one would)
    out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err
    assert len(json.loads(out)) == 15 * 2  # every design doc, none missing


def _page_size(cache: Path) -> int:
    con = sqlite3.connect(_db(cache))
    try:
        return int(con.execute("PRAGMA page_size").fetchone()[0])
    finally:
        con.close()


def test_a_new_cache_is_made_of_big_pages_and_an_old_one_keeps_its_own(
    docs: Path, tmp_path: Path
) -> None:
    new, old = tmp_path / "new-cache", tmp_path / "old-cache"
    assert _parsed(_run(docs, new, "index", "refresh", "--output", "json")) == 60
    assert _page_size(new) == schema.PAGE_BYTES != 4096

    # a cache made by an earlier docmgr, in SQLite's default 4 KiB pages
    assert _parsed(_run(docs, old, "index", "refresh", "--output", "json")) == 60
    con = sqlite3.connect(_db(old))
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("PRAGMA page_size=4096")
    con.execute("VACUUM")
    con.close()
    assert _page_size(old) == 4096
    (docs / "2026/02/01/BLD-3--build-3/design-doc/01-alpha.md").write_text(
        DOC.format(title="Gamma 3", ticket="BLD-3", word="gamma", doc_type="design-doc")
    )
    found = _run(docs, old, "search", "--query", "gamma", "--output", "json")
    assert found.returncode == 0, found
    assert [hit["title"] for hit in json.loads(found.stdout)] == ["Gamma 3"]
    assert _page_size(old) == 4096


def _pragma(cache: Path, name: str) -> int:
    con = sqlite3.connect(_db(cache))
    try:
        return int(con.execute(f"PRAGMA {name}").fetchone()[0])
    finally:
        con.close()


def test_a_warm_read_leaves_the_cache_file_as_it_was(docs: Path, tmp_path: Path) -> None:
    """Read-only verbs open the cache without writing it (no header rewrite, no fsync)."""
    cache = tmp_path / "cache"
    assert _parsed(_run(docs, cache, "index", "refresh", "--output", "json")) == 60
    db = _db(cache)
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    for args in (("search", "--query", "alpha"), ("ticket", "list"), ("doc", "list")):
        result = _run(docs, cache, *args, "--output", "json")
        assert result.returncode == 0, result
        assert (db.read_bytes(), db.stat().st_mtime_ns) == before, args
    assert not Path(f"{db}-wal").exists()


def test_a_cache_made_before_auto_vacuum_takes_it_up_when_it_is_reset(
    docs: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    assert _parsed(_run(docs, cache, "index", "refresh", "--output", "json")) == 60
    assert _pragma(cache, "auto_vacuum") == 2  # INCREMENTAL
    # as an earlier docmgr left it: no auto_vacuum, and another schema version
    con = sqlite3.connect(_db(cache))
    con.execute("PRAGMA auto_vacuum=NONE")
    con.execute("VACUUM")
    con.execute("UPDATE meta SET value = 'docmgr-index-0|elsewhere' WHERE key = 'version'")
    con.commit()
    con.close()
    assert _pragma(cache, "auto_vacuum") == 0
    assert _parsed(_run(docs, cache, "index", "refresh", "--output", "json")) == 60
    assert _pragma(cache, "auto_vacuum") == 2
    assert _pragma(cache, "freelist_count") == 0
    found = _run(docs, cache, "search", "--query", "alpha", "--output", "json")
    assert found.returncode == 0, found
    assert len(json.loads(found.stdout)) == 15


def test_a_build_gives_back_its_bigger_page_cache(docs: Path, tmp_path: Path) -> None:
    ws = Workspace.open(
        str(docs),
        cwd=docs.parent,
        env={**os.environ, "DOCMGR_CONFIG": "", "DOCMGR_CACHE_DIR": str(tmp_path / "cache")},
    )
    fresh = schema.connect(None)
    default = fresh.execute("PRAGMA cache_size").fetchone()[0]
    fresh.close()
    assert default != -build.BUILD_CACHE_KIB
    with index_store.open_index(ws) as index:  # the first build, in this process
        assert len(queries.all_docs(index)) == 60
        assert index.con.execute("PRAGMA cache_size").fetchone()[0] == default


@pytest.mark.parametrize("workers", ["0", "1"])
def test_a_build_reports_progress_batch_by_batch_not_only_per_chunk(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    from docmgr.store.index import hooks

    calls: list[tuple[str, int, int]] = []
    monkeypatch.setattr(hooks, "progress_hook", lambda *call: calls.append(call))
    monkeypatch.setattr(hooks, "PROGRESS_THRESHOLD", 1)
    monkeypatch.setattr(build, "PARSE_BATCH", 7)
    monkeypatch.setenv("DOCMGR_INDEX_CHUNK", "30")  # 60 documents: 2 chunks of 5 batches
    monkeypatch.setenv(parse_worker.WORKERS_ENV, workers)
    ws = Workspace.open(
        str(docs),
        cwd=docs.parent,
        env={**os.environ, "DOCMGR_CONFIG": "", "DOCMGR_CACHE_DIR": str(tmp_path / "cache")},
    )
    with index_store.open_index(ws) as index:
        assert len(queries.all_docs(index)) == 60
    # each batch once stored (7, 14, 21, 28, then 30 at the chunk's end, ...), the last at 60
    assert [done for _label, done, _total in calls] == [7, 14, 21, 28, 30, 37, 44, 51, 58, 60]
    assert {(label, total) for label, _done, total in calls} == {("Indexing documents", 60)}
