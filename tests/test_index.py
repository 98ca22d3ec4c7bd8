"""The persistent index: same docs as a scan, incremental refresh, broken caches, concurrency."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from conftest import age_tree

from docmgr.model import Doc
from docmgr.store import index as index_store
from docmgr.store.index import hooks, load_docs, queries, schema
from docmgr.store.workspace import Workspace, scan_docs

DOC = """---
Title: {title}
Ticket: IX-1
Status: active
Topics:
    - backend
DocType: design-doc
LastUpdated: 2026-02-01T10:00:00Z
---
# {title}

{body}
"""


def _ws(root: Path, env: dict[str, str] | None = None) -> Workspace:
    return Workspace.open(str(root), cwd=root.parent, env={**os.environ, **(env or {})})


def _key(doc: Doc) -> tuple[object, ...]:  # every field a caller of load_docs can see
    return (
        doc.rel,
        str(doc.path),
        doc.meta,
        doc.error,
        doc.error_line,
        doc.mtime_ns,
        doc.size,
        doc.is_control,
    )


@pytest.fixture
def ws_root(tmp_path: Path) -> Path:
    root = tmp_path / "repo" / "ttmp"
    folder = root / "2026/02/01/IX-1--index"
    (folder / "design").mkdir(parents=True)
    (folder / "index.md").write_text(
        DOC.format(title="Index", body="landing").replace("design-doc", "index")
    )
    (folder / "tasks.md").write_text("# Tasks\n\n- [ ] one\n- [x] two\n- [x] three\n")
    (folder / "design" / "01-plan.md").write_text(
        DOC.format(title="Plan", body="the original plan")
    )
    (tmp_path / "repo" / ".git").mkdir()
    age_tree(root)
    return root


def test_index_serves_what_a_scan_sees(real_world: Path) -> None:
    ws = _ws(real_world / "ttmp")
    cached = load_docs(ws)
    assert index_store.cache_path(ws).is_file()
    assert [_key(d) for d in cached] == [_key(d) for d in scan_docs(ws)]
    assert [_key(d) for d in load_docs(ws)] == [_key(d) for d in cached]  # warm read


def test_cache_lives_in_docmgr_cache_dir(ws_root: Path, tmp_path: Path) -> None:
    ws = _ws(ws_root, {"DOCMGR_CACHE_DIR": str(tmp_path / "elsewhere")})
    load_docs(ws)
    assert index_store.cache_path(ws).parent == tmp_path / "elsewhere"
    assert index_store.cache_path(ws).is_file()
    assert not any(p.suffix == ".sqlite" for p in ws_root.rglob("*"))


def test_no_change_refresh_parses_nothing(ws_root: Path) -> None:
    ws = _ws(ws_root)
    load_docs(ws)
    with index_store.open_index(ws) as index:
        assert index.last_refresh.parsed == 0 and not index.last_refresh.full


def test_reading_through_stops_mapping_the_file_and_still_answers(ws_root: Path) -> None:
    ws = _ws(ws_root)
    before = sorted(map(_key, load_docs(ws)))
    with index_store.open_index(ws) as index:
        assert index.con.execute("PRAGMA mmap_size").fetchone()[0] > 0
        index.read_through()  # what doctor --all does before reading every row
        assert index.con.execute("PRAGMA mmap_size").fetchone()[0] == 0
        assert sorted(map(_key, queries.all_docs(index))) == before


def test_edit_is_seen_and_only_that_file_is_parsed(ws_root: Path) -> None:
    ws = _ws(ws_root)
    load_docs(ws)
    plan = ws_root / "2026/02/01/IX-1--index/design/01-plan.md"
    plan.write_text(DOC.format(title="Plan v2", body="a revised plan"))
    with index_store.open_index(ws) as index:  # only the edited file is parsed again
        assert index.last_refresh.parsed == 1
        titles = {d.rel: d.meta.title for d in queries.all_docs(index) if d.meta}
    assert titles["2026/02/01/IX-1--index/design/01-plan.md"] == "Plan v2"


def test_fresh_files_are_rechecked_until_they_age(ws_root: Path) -> None:
    ws = _ws(ws_root)
    plan = ws_root / "2026/02/01/IX-1--index/design/01-plan.md"
    plan.write_text(DOC.format(title="Plan", body="first version"))
    load_docs(ws)
    stamp = plan.stat().st_mtime_ns
    plan.write_text(DOC.format(title="Plan", body="other version"))  # same size, maybe same tick
    os.utime(plan, ns=(stamp, stamp))
    with index_store.open_index(ws) as index:
        assert "other version" in queries.body(index, ws.rel(plan))


def test_same_size_edit_with_restored_mtime_is_not_missed_when_size_changes(ws_root: Path) -> None:
    ws = _ws(ws_root)
    load_docs(ws)
    plan = ws_root / "2026/02/01/IX-1--index/design/01-plan.md"
    before = plan.stat()
    plan.write_text(DOC.format(title="Plan", body="the original plan, longer"))
    os.utime(plan, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime, other size
    with index_store.open_index(ws) as index:
        assert "longer" in queries.body(index, ws.rel(plan))


def test_same_size_edit_with_restored_mtime_is_seen(
    invoke: Callable[..., Any], ws_root: Path
) -> None:
    """The ctime rule: size and mtime alike, but the kernel moved the ctime on."""
    cwd = ws_root.parent
    plan = ws_root / "2026/02/01/IX-1--index/design/01-plan.md"
    assert "01-plan.md" in invoke(["search", "--query", "original"], cwd=cwd).stdout
    before = plan.stat()
    plan.write_text(DOC.format(title="Plan", body="the replaced plan"))  # same length
    os.utime(plan, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = plan.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert after.st_ctime_ns != before.st_ctime_ns
    assert "01-plan.md" in invoke(["search", "--query", "replaced"], cwd=cwd).stdout
    assert "01-plan.md" not in invoke(["search", "--query", "original"], cwd=cwd).stdout


def test_index_refresh_sees_a_same_size_edit_with_restored_mtime(ws_root: Path) -> None:
    ws = _ws(ws_root)
    load_docs(ws)
    plan = ws_root / "2026/02/01/IX-1--index/design/01-plan.md"
    before = plan.stat()
    plan.write_text(DOC.format(title="Plan", body="the replaced plan"))
    os.utime(plan, ns=(before.st_atime_ns, before.st_mtime_ns))
    with index_store.open_index(ws) as index:
        assert index.last_refresh.parsed == 1
        assert "replaced" in queries.body(index, ws.rel(plan))


def test_a_folder_with_restored_mtime_still_shows_its_new_file(ws_root: Path) -> None:
    ws = _ws(ws_root)
    load_docs(ws)
    folder = ws_root / "2026/02/01/IX-1--index/design"
    before = folder.stat()
    (folder / "02-added.md").write_text(DOC.format(title="Added", body="new"))
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert "2026/02/01/IX-1--index/design/02-added.md" in [d.rel for d in load_docs(ws)]


def test_added_removed_and_renamed_docs_are_seen(ws_root: Path) -> None:
    ws = _ws(ws_root)
    load_docs(ws)
    folder = ws_root / "2026/02/01/IX-1--index"
    (folder / "design" / "02-added.md").write_text(DOC.format(title="Added", body="new"))
    (folder / "reference").mkdir()
    (folder / "reference" / "01-deep.md").write_text(
        DOC.format(title="Deep", body="in a new folder")
    )
    rels = [d.rel for d in load_docs(ws)]
    assert "2026/02/01/IX-1--index/design/02-added.md" in rels
    assert "2026/02/01/IX-1--index/reference/01-deep.md" in rels
    (folder / "design" / "01-plan.md").rename(folder / "design" / "03-renamed.md")
    (folder / "design" / "02-added.md").unlink()
    rels = [d.rel for d in load_docs(ws)]
    assert "2026/02/01/IX-1--index/design/03-renamed.md" in rels
    assert "2026/02/01/IX-1--index/design/01-plan.md" not in rels
    assert "2026/02/01/IX-1--index/design/02-added.md" not in rels
    assert [_key(d) for d in load_docs(ws)] == [_key(d) for d in scan_docs(ws)]


def test_removed_folder_and_new_ignore_file_are_seen(ws_root: Path) -> None:
    ws = _ws(ws_root)
    load_docs(ws)
    folder = ws_root / "2026/02/01/IX-1--index"
    (folder / "design" / "01-plan.md").unlink()
    (folder / "design").rmdir()
    assert [_key(d) for d in load_docs(ws)] == [_key(d) for d in scan_docs(ws)]
    (ws_root / ".docmgrignore").write_text("tasks.md\n")
    rels = [d.rel for d in load_docs(ws)]
    assert not any(r.endswith("tasks.md") for r in rels)
    assert [_key(d) for d in load_docs(ws)] == [_key(d) for d in scan_docs(ws)]


def test_index_md_appearing_changes_control_flags(tmp_path: Path) -> None:
    root = tmp_path / "ttmp"
    folder = root / "T-1"
    folder.mkdir(parents=True)
    (folder / "tasks.md").write_text("# Tasks\n")
    ws = _ws(root)
    assert [d.is_control for d in load_docs(ws)] == [False]
    (folder / "index.md").write_text(DOC.format(title="I", body="x"))
    flags = {d.rel: d.is_control for d in load_docs(ws)}
    assert flags == {"T-1/index.md": False, "T-1/tasks.md": True}


def test_tasks_counts_are_stored(ws_root: Path) -> None:
    ws = _ws(ws_root)
    with index_store.open_index(ws) as index:
        rows = index_store.tickets(index)
    assert [(r.id, r.tasks_open, r.tasks_done, r.topics) for r in rows] == [
        ("IX-1", 1, 2, ["backend"])
    ]


@pytest.mark.parametrize(
    "garbage",
    [b"", b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
)
def test_garbage_cache_is_rebuilt(ws_root: Path, garbage: bytes) -> None:
    ws = _ws(ws_root)
    path = index_store.cache_path(ws)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(garbage)
    assert [_key(d) for d in load_docs(ws)] == [_key(d) for d in scan_docs(ws)]
    with index_store.open_index(ws) as index:
        assert index.path == path
        assert index.last_refresh.parsed == 0  # the rebuilt file is in use


def test_deleted_cache_is_rebuilt(ws_root: Path) -> None:
    ws = _ws(ws_root)
    load_docs(ws)
    schema.drop_file(index_store.cache_path(ws))
    assert len(load_docs(ws)) == 3
    assert index_store.cache_path(ws).is_file()


def test_version_mismatch_resets_the_schema(ws_root: Path) -> None:
    import sqlite3

    ws = _ws(ws_root)
    load_docs(ws)
    con = sqlite3.connect(index_store.cache_path(ws))
    con.execute("UPDATE meta SET value='docmgr-index-0' WHERE key='version'")
    con.execute("DELETE FROM docs")
    con.commit()
    con.close()
    assert len(load_docs(ws)) == 3


def test_unwritable_cache_dir_falls_back(ws_root: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    ws = _ws(ws_root, {"DOCMGR_CACHE_DIR": str(blocker)})
    assert [_key(d) for d in load_docs(ws)] == [_key(d) for d in scan_docs(ws)]


def test_no_cache_env_scans_without_writing_a_cache(ws_root: Path) -> None:
    ws = _ws(ws_root, {"DOCMGR_NO_CACHE": "1"})
    assert len(load_docs(ws)) == 3
    assert not index_store.cache_path(ws).exists()


def test_cache_dir_from_config(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "ttmp").mkdir(parents=True)
    (repo / ".ttmp.yaml").write_text("root: ttmp\nindex:\n  cache_dir: .cache/idx\n")
    env = {k: v for k, v in os.environ.items() if k != "DOCMGR_CACHE_DIR"}
    ws = Workspace.open(None, cwd=repo, env=env)
    if ws.config is None or not ws.config.cache_dir:
        pytest.skip("config does not read index.cache_dir")
    assert index_store.cache_path(ws).parent == repo / ".cache" / "idx"


def test_default_cache_is_in_xdg_cache_home(tmp_path: Path) -> None:
    root = tmp_path / "ttmp"
    root.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DOCMGR_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    ws = Workspace.open(str(root), cwd=tmp_path, env=env)
    assert index_store.cache_path(ws).parent == tmp_path / "xdg" / "docmgr"


def test_index_verbs(invoke: Callable[..., Any], ws_root: Path) -> None:
    cwd = ws_root.parent
    out = invoke(["index", "rebuild", "--output", "json"], cwd=cwd).stdout
    assert '"parsed": 3' in out
    info = invoke(["index", "info", "--output", "json"], cwd=cwd).stdout
    assert '"docs": 3' in info
    refreshed = invoke(["index", "refresh"], cwd=cwd).stdout
    assert "3 docs (re-parsed 0)" in refreshed


def test_progress_hook_only_for_big_builds(ws_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int, int]] = []
    monkeypatch.setattr(hooks, "progress_hook", lambda *a: calls.append(a))
    monkeypatch.setattr(hooks, "PROGRESS_THRESHOLD", 2)
    load_docs(_ws(ws_root))
    assert calls and calls[-1][1] == calls[-1][2] == 3


READER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from docmgr.reports import search
    from docmgr.store.workspace import Workspace
    root = Path(sys.argv[1])
    ws = Workspace.open(str(root), cwd=root.parent)
    for _ in range(int(sys.argv[2])):
        search.search(ws, search.Query(text="plan"))
""")
WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from docmgr.store.index import load_docs
    from docmgr.store.workspace import Workspace
    root = Path(sys.argv[1])
    folder = root / "2026/02/01/IX-1--index/design"
    ws = Workspace.open(str(root), cwd=root.parent)
    for n in range(int(sys.argv[2])):
        text = "---\\nTitle: extra plan\\nTicket: IX-1\\n---\\nplan " + str(n)
        (folder / f"1{n:02d}-extra.md").write_text(text)
        if n % 3 == 2:
            (folder / f"1{n - 1:02d}-extra.md").unlink()
        load_docs(ws)
""")


@pytest.mark.slow
def test_two_searchers_and_a_writer_never_crash(ws_root: Path, tmp_path: Path) -> None:
    (tmp_path / "reader.py").write_text(READER)
    (tmp_path / "writer.py").write_text(WRITER)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    procs = [
        subprocess.Popen(
            [sys.executable, str(tmp_path / "reader.py"), str(ws_root), "15"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    procs.append(
        subprocess.Popen(
            [sys.executable, str(tmp_path / "writer.py"), str(ws_root), "15"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
    )
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    ws = _ws(ws_root)
    assert [_key(d) for d in load_docs(ws)] == [_key(d) for d in scan_docs(ws)]


def test_root_no_cache_flag_skips_the_cache(invoke: Callable[..., Any], ws_root: Path) -> None:
    ws = _ws(ws_root)
    out = invoke(["--no-cache", "ticket", "list", "--output", "json"], cwd=ws_root.parent).stdout
    assert '"ticket": "IX-1"' in out
    assert not index_store.cache_path(ws).exists()
    invoke(["ticket", "list"], cwd=ws_root.parent, env={"DOCMGR_NO_CACHE": ""})
    assert index_store.cache_path(ws).exists()


def _cached_rels(ws: Workspace) -> list[str]:
    import sqlite3

    con = sqlite3.connect(index_store.cache_path(ws))
    try:
        return [r[0] for r in con.execute("SELECT rel FROM docs ORDER BY rel")]
    finally:
        con.close()


def test_exact_ticket_lookup_skips_the_refresh(ws_root: Path) -> None:
    from docmgr.store import lookup

    ws = _ws(ws_root)
    load_docs(ws)
    folder = ws_root / "2026/02/01/IX-1--index"
    (folder / "design" / "02-new.md").write_text(DOC.format(title="New", body="x"))
    assert lookup.resolve_ticket(ws, "IX-1").dir == folder
    assert "2026/02/01/IX-1--index/design/02-new.md" not in _cached_rels(ws)  # no refresh
    assert lookup.resolve_ticket(ws, "ix-1").dir == folder  # not exact: refreshes first
    assert "2026/02/01/IX-1--index/design/02-new.md" in _cached_rels(ws)


def test_exact_ticket_lookup_notices_a_moved_ticket(ws_root: Path) -> None:
    from docmgr.store import lookup

    ws = _ws(ws_root)
    load_docs(ws)
    old = ws_root / "2026/02/01/IX-1--index"
    new = ws_root / "2026/02/02/IX-1--moved"
    new.parent.mkdir(parents=True)
    old.rename(new)
    assert lookup.resolve_ticket(ws, "IX-1").dir == new
    index = new / "index.md"
    index.write_text(index.read_text().replace("Ticket: IX-1", "Ticket: IX-2"))
    assert lookup.resolve_ticket(ws, "IX-2").dir == new
    with pytest.raises(Exception, match="not found"):
        lookup.resolve_ticket(ws, "IX-1")


def test_a_held_write_lock_falls_back_to_a_scan(
    ws_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    ws = _ws(ws_root)
    load_docs(ws)
    (ws_root / "2026/02/01/IX-1--index/design/02-new.md").write_text(
        DOC.format(title="New", body="x")
    )
    holder = sqlite3.connect(index_store.cache_path(ws), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a long build
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_S", 0.05)
    try:
        rels = [d.rel for d in load_docs(ws)]
        assert "2026/02/01/IX-1--index/design/02-new.md" in rels
        with index_store.open_index(ws) as index:  # verbs that need SQL get a private index
            assert index.path is None
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_cache_dir_with_odd_characters(ws_root: Path, tmp_path: Path) -> None:
    from docmgr.store import lookup

    ws = _ws(ws_root, {"DOCMGR_CACHE_DIR": str(tmp_path / "a dir?#x")})
    load_docs(ws)
    assert lookup.resolve_ticket(ws, "IX-1").id == "IX-1"
    assert queries.trusted_index_docs(ws, "IX-1")  # the read-only URI opens


def test_sort_keys_are_fixed_width_and_ordered() -> None:
    from datetime import datetime, timedelta, timezone

    from docmgr.seams.clock import utc_minute

    early = datetime(1, 1, 1, tzinfo=UTC)
    late = datetime(2026, 2, 8, 10, 47, 0, 500, tzinfo=timezone(timedelta(hours=-5)))
    assert index_store.sort_key(early) == "0001-01-01T00:00:00.000000Z"
    assert index_store.sort_key(late) == "2026-02-08T15:47:00.000500Z"
    assert index_store.sort_key(early) < index_store.sort_key(late)
    assert index_store.sort_key(
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    )  # no overflow
    for at in (early, late):
        assert index_store.key_minute(index_store.sort_key(at)) == utc_minute(at)
    # random instants (seeded): one width, the instant itself, and the instants' order
    import random

    rng = random.Random(20261203)
    instants = [
        datetime(
            rng.randint(1, 9998),
            rng.randint(1, 12),
            rng.randint(1, 28),
            rng.randint(0, 23),
            rng.randint(0, 59),
            rng.randint(0, 59),
            rng.choice([0, rng.randrange(10**6)]),
            tzinfo=timezone(timedelta(minutes=rng.randint(-1439, 1439))),
        )
        for _ in range(5000)
    ]
    keys = [index_store.sort_key(at) for at in instants]
    assert {len(key) for key in keys} == {27}
    assert all(datetime.fromisoformat(key) == at for key, at in zip(keys, instants, strict=True))
    assert sorted(keys) == [index_store.sort_key(at) for at in sorted(instants)]


def test_ticket_list_reads_only_its_covering_indexes(ws_root: Path) -> None:
    """The listing's query never touches the wide docs rows: adding a column to it that the
    two partial indexes do not hold would make every ticket list read the whole table."""
    ws = _ws(ws_root)
    with index_store.open_index(ws) as index:
        plan = [row[-1] for row in index.con.execute("EXPLAIN QUERY PLAN " + queries.TICKETS_SQL)]
        found = queries.tickets(index)
    assert len(plan) == 2, plan  # no sort step: the index is in rel order
    assert "COVERING INDEX docs_tickets" in plan[0]
    assert "COVERING INDEX docs_tasks" in plan[1]
    assert [(t.id, t.tasks_open, t.tasks_done) for t in found] == [("IX-1", 1, 2)]


def test_one_tickets_index_documents_are_read_through_its_ticket(ws_root: Path) -> None:
    """``trusted_index_docs`` (every ``--ticket`` verb) looks up the ticket's own rows; by
    doc type it would read every ticket's index row."""
    ws = _ws(ws_root)
    with index_store.open_index(ws) as index:
        sql = "EXPLAIN QUERY PLAN " + queries.TRUSTED_INDEX_SQL
        plan = [row[-1] for row in index.con.execute(sql, ("IX-1",))]
    assert "USING INDEX docs_ticket (ticket=?)" in plan[0], plan
    assert [d.meta.ticket for d in queries.trusted_index_docs(ws, "IX-1") if d.meta] == ["IX-1"]


def test_a_search_within_one_ticket_reads_through_its_ticket(ws_root: Path) -> None:
    """``search --ticket X --doc-type Y`` looks up the ticket's rows, not every doc of the type."""
    ws = _ws(ws_root)
    with index_store.open_index(ws) as index:
        executed: list[str] = []
        index.con.set_trace_callback(executed.append)
        rows = queries.search(index, queries.SearchFilter(ticket="IX-1", doc_type="index"))
        index.con.set_trace_callback(None)
        (sql,) = [s for s in executed if "FROM docs d" in s]
        plan = [row[-1] for row in index.con.execute("EXPLAIN QUERY PLAN " + sql)]
    assert "USING INDEX docs_ticket (ticket=?)" in plan[0], plan
    assert [r.ticket for r in rows] == ["IX-1"]


def test_broken_documents_are_found_without_reading_the_control_files(ws_root: Path) -> None:
    """``ticket list`` and ``doc list`` name the unparseable documents through the partial
    ``docs_broken`` index: control files without a header (most tasks.md and changelog.md
    of a generated workspace) are neither reported nor looked up row by row."""
    ws = _ws(ws_root)
    folder = next(ws_root.glob("*/*/*/IX-1--*"))
    (folder / "changelog.md").write_text("# Changelog\n\nno header\n")  # a control file
    (folder / "design").mkdir(exist_ok=True)
    (folder / "design" / "02-broken.md").write_text("no header either\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "index.md").write_text("---\nTitle: [unclosed\n---\n")
    with index_store.open_index(ws) as index:
        executed: list[str] = []
        index.con.set_trace_callback(executed.append)
        broken = [d.rel.split("IX-1--index/")[1] for d in queries.broken_docs(index)]
        broken_index = [d.rel.split("IX-1--index/")[1] for d in queries.broken_index_files(index)]
        index.con.set_trace_callback(None)
        assert len(executed) == 2, executed
        for sql in executed:  # the statements the two queries ran
            plan = [row[-1] for row in index.con.execute("EXPLAIN QUERY PLAN " + sql)]
            assert len(plan) == 1 and "USING INDEX docs_broken" in plan[0], plan  # no sort
    assert broken == ["design/02-broken.md", "sub/index.md"]
    assert broken_index == ["sub/index.md"]


@pytest.mark.parametrize(
    "data",
    [b"", b"a", b"/home/me/repo/ttmp", "/ä/ü/日本/ttmp".encode(), bytes(range(256)) * 3],
)
def test_the_cache_name_crc32_is_zlibs(data: bytes) -> None:
    """Computed in Python (no zlib on the warm path), it must name the same cache files."""
    import zlib

    assert schema.crc32(data) == zlib.crc32(data)
