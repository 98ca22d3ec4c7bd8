"""A build big enough for the bulk-load FTS5 policy finds its documents and restores it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docmgr.store import index as index_store
from docmgr.store.index import queries, refresh
from docmgr.store.workspace import Workspace

DOC = """---
Title: Doc {n}
Ticket: BK-1
DocType: reference
---
# Doc {n}

common words and a marker word{n}
"""


def test_bulk_build_is_searchable_and_leaves_the_normal_merge_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresh, "BULK_LOAD_MIN", 3)
    root = tmp_path / "repo" / "ttmp"
    folder = root / "BK-1--bulk" / "reference"
    folder.mkdir(parents=True)
    for n in range(6):
        (folder / f"{n:02d}-doc.md").write_text(DOC.format(n=n))
    ws = Workspace.open(str(root), cwd=tmp_path, env=dict(os.environ))
    with index_store.open_index(ws) as index:
        assert index.last_refresh.parsed == 6
        config = dict(index.con.execute("SELECT k, v FROM docs_fts_config"))
        assert (config["automerge"], config["crisismerge"]) == (4, 16)
        for n in range(6):
            rows = queries.search(index, queries.SearchFilter(match=f"word{n}"))
            assert [r.rel for r in rows] == [f"BK-1--bulk/reference/{n:02d}-doc.md"]
        rows = queries.search(index, queries.SearchFilter(match="common"))
        assert len(rows) == 6
