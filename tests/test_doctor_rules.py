"""doctor's rules one by one, and the findings added for issue 9 (orphan_markdown,
ticket_id_mismatch) with the repairs their messages name, run for real."""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from docmgr.model import Doc, DocMeta, Severity
from docmgr.reports.doctor.rules import identity, index_docs, naming, orphans

GOOD_INDEX = """---
Title: Doctor ticket
Ticket: {id}
Status: active
Topics:
    - backend
DocType: index
Intent: long-term
LastUpdated: 2026-02-05T10:00:00Z
---
# Doctor ticket
"""

Invoke = Callable[..., Any]  # the conftest fixture: runs the CLI in-process


def _doc(ticket: str, title: str = "Plan") -> str:
    return (
        f"---\nTitle: {title}\nTicket: {ticket}\nStatus: active\nTopics:\n    - backend\n"
        "DocType: design-doc\nIntent: long-term\nLastUpdated: 2026-02-05T10:00:00Z\n---\n"
        f"# {title}\n"
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    folder = repo / "ttmp" / "2026/02/01/DOC-1--doctor"
    (folder / "design").mkdir(parents=True)
    (folder / "index.md").write_text(GOOD_INDEX.format(id="DOC-1"))
    (folder / "design" / "01-plan.md").write_text(_doc("DOC-1"))
    (repo / ".git").mkdir()
    return repo


def _write(repo: Path, rel: str, text: str) -> Path:
    path = repo / "ttmp" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _rows(invoke: Invoke, repo: Path, *args: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(
        invoke(["doctor", *args, "--output", "json"], cwd=repo).stdout
    )
    return rows


def _only(rows: list[dict[str, Any]], issue: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["issue"] == issue]


def _quoted_commands(message: str) -> list[list[str]]:
    """The 'docmgr …' commands a message names, as argument lists (without 'docmgr')."""
    return [shlex.split(cmd)[1:] for cmd in re.findall(r"'(docmgr [^']*)'", message)]


# --------------------------------------------------------------------------- orphan_markdown


def test_orphan_markdown_is_reported_once_per_folder(invoke: Invoke, repo: Path) -> None:
    _write(repo, "notes/a.md", _doc("DOC-1", "A"))
    _write(repo, "notes/b.md", "# plain markdown, no front matter\n")
    _write(repo, "2026/loose.md", _doc("DOC-1", "Loose"))
    _write(repo, "README.md", "# The docs root\n")  # the root's own readme is no orphan
    _write(repo, "skills/x.md", _doc("", "Skill"))  # workspace skills (spec §11)
    _write(repo, "drafts/ignored.md", "# ignored\n")
    _write(repo, ".docmgrignore", "drafts/\n")
    rows = _only(_rows(invoke, repo, "--all"), "orphan_markdown")
    root = repo / "ttmp"
    assert [(r["path"], r["files"], r["severity"], r["ticket"]) for r in rows] == [
        (str(root / "2026"), ["loose.md"], "warning", ""),
        (str(root / "notes"), ["a.md", "b.md"], "warning", ""),
    ]
    assert rows[1]["message"].startswith(
        "2 Markdown file(s) in notes belong to no ticket: a.md, b.md;"
    )
    # one ticket's report is about that ticket only
    assert not _only(_rows(invoke, repo, "--ticket", "DOC-1"), "orphan_markdown")
    rollup = invoke(["doctor"], cwd=repo).stdout
    assert "(unknown): 0 error(s), 2 warning(s) — top: orphan_markdown x2\n" in rollup
    # rows about no ticket count in the totals, not as a ticket with warnings
    assert (
        "4 ticket(s) checked: 1 with errors, 0 with warnings, 3 ok (1 errors, 2 warnings" in rollup
    )


def test_orphan_markdown_hints_really_fix_it(invoke: Invoke, repo: Path) -> None:
    loose = _write(repo, "notes/a.md", _doc("ELSEWHERE-9", "A"))
    _write(repo, "notes/b.md", "# plain markdown, no front matter\n")
    [row] = _only(_rows(invoke, repo, "--all"), "orphan_markdown")
    [move] = _quoted_commands(row["message"])
    assert move[:2] == ["doc", "move"]
    # the doc move the hint names works for a file outside every ticket
    invoke(
        ["doc", "move", "--doc", str(loose), "--dest-ticket", "DOC-1", "--dest-dir", "various"],
        cwd=repo,
    )
    moved = repo / "ttmp/2026/02/01/DOC-1--doctor/various/a.md"
    assert not loose.exists() and "Ticket: DOC-1\n" in moved.read_text()
    [row] = _only(_rows(invoke, repo, "--all"), "orphan_markdown")
    assert row["files"] == ["b.md"]
    # the ignore line the hint names silences the rest
    line = re.search(r"adding the line '([^']+)' to (\S+)$", row["message"])
    assert line and line.group(2) == str(repo / "ttmp" / ".docmgrignore")
    Path(line.group(2)).write_text(line.group(1) + "\n")
    assert not _only(_rows(invoke, repo, "--all"), "orphan_markdown")


def test_orphan_markdown_skips_folders_reported_as_missing_index(
    invoke: Invoke, repo: Path
) -> None:
    _write(repo, "2026/02/02/NOIDX-1--lost/design/01-x.md", _doc("NOIDX-1"))
    rows = _rows(invoke, repo, "--all")
    assert _only(rows, "missing_index") and not _only(rows, "orphan_markdown")


def test_orphan_rule_alone(tmp_path: Path) -> None:
    rels = ["README.md", "x.md", "T--a/index.md", "T--a/design/01-p.md", "skills/s.md", "L/z.md"]
    found = orphans.orphan_markdown(tmp_path, rels, index_dirs={"T--a"}, skip_dirs=["L"])
    assert [(f.path, f.extra["files"]) for f in found] == [(str(tmp_path), ["x.md"])]
    assert "'/*.md'" in found[0].message and found[0].severity is Severity.WARNING


# --------------------------------------------------------------------------- ticket_id_mismatch


def _ticket(invoke: Invoke, repo: Path, ticket: str) -> Path:
    invoke(["ticket", "create", "--ticket", ticket, "--title", "Rename me"], cwd=repo)
    invoke(
        ["doc", "add", "--ticket", ticket, "--doc-type", "design-doc", "--title", "Plan"], cwd=repo
    )
    [folder] = (repo / "ttmp").glob(f"*/*/*/{ticket}--*")
    return folder


def test_half_done_rename_is_reported_and_its_hint_finishes_it(invoke: Invoke, repo: Path) -> None:
    folder = _ticket(invoke, repo, "OLD-1")
    # what an interrupted rename leaves: index.md on the new id, folder and docs on the old
    invoke(
        ["meta", "update", "--ticket", "OLD-1", "--field", "Ticket", "--value", "NEW-1"], cwd=repo
    )
    [row] = _only(_rows(invoke, repo, "--all"), "ticket_id_mismatch")
    assert (row["ticket"], row["severity"], row["path"]) == ("NEW-1", "error", str(folder))
    assert row["message"].startswith("index.md says Ticket NEW-1 but the folder and ")
    assert "design-doc/01-plan.md (OLD-1)" in row["message"]
    commands = _quoted_commands(row["message"])
    assert [c[:2] for c in commands] == [["meta", "update"], ["ticket", "rename"]]
    for command in commands:
        invoke(command, cwd=repo)
    rows = _rows(invoke, repo, "--all")
    assert not _only(rows, "ticket_id_mismatch")
    [renamed] = (repo / "ttmp").glob("*/*/*/NEW-1--*")
    assert not folder.exists()
    assert "Ticket: NEW-1\n" in (renamed / "design-doc" / "01-plan.md").read_text()


def test_folder_named_for_another_id(invoke: Invoke, repo: Path) -> None:
    folder = _ticket(invoke, repo, "KEEP-1")
    stray = folder.with_name("STRAY-2--rename-me")
    os.rename(folder, stray)
    [row] = _only(_rows(invoke, repo, "--all"), "ticket_id_mismatch")
    assert row["message"] == (
        "index.md says Ticket KEEP-1 but the folder is named for STRAY-2; rename the folder: "
        f"mv {stray} {folder}"
    )
    os.rename(stray, folder)  # what the hint says
    assert not _only(_rows(invoke, repo, "--all"), "ticket_id_mismatch")


def test_doc_naming_another_ticket(invoke: Invoke, repo: Path) -> None:
    plan = _write(repo, "2026/02/01/DOC-1--doctor/design/02-other.md", _doc("OTHER-3"))
    [row] = _only(_rows(invoke, repo, "--all"), "ticket_id_mismatch")
    assert row["message"].startswith(
        "1 doc(s) name another Ticket than index.md (DOC-1): design/02-other.md (OTHER-3); "
    )
    assert row["docs"] == [str(plan)]
    command = _quoted_commands(row["message"])[0]
    invoke([str(plan) if a == "<path>" else a for a in command], cwd=repo)
    assert not _only(_rows(invoke, repo, "--all"), "ticket_id_mismatch")


def test_nested_ticket_docs_are_not_a_mismatch(tmp_path: Path) -> None:
    def doc(rel: str, ticket: str) -> Doc:
        return Doc(tmp_path / rel, rel, DocMeta(ticket=ticket))

    docs = [
        doc("2026/01/01/A-1--a/index.md", "A-1"),
        doc("2026/01/01/A-1--a/sub/index.md", "B-2"),
        doc("2026/01/01/A-1--a/sub/design/01-x.md", "B-2"),
        doc("2026/01/01/A-1--a/design/01-y.md", "A-1"),
    ]
    assert identity.ticket_id_mismatch(docs, "2026/01/01/A-1--a", tmp_path) is None
    docs.append(doc("2026/01/01/A-1--a/design/02-z.md", "C-3"))
    found = identity.ticket_id_mismatch(docs, "2026/01/01/A-1--a", tmp_path)
    assert found is not None and found.extra["docs"] == [str(docs[-1].path)]


@pytest.mark.parametrize(
    ("real_world", "orphan_folders"),
    [
        pytest.param("quirky_workspace", {".", "2025"}, id="quirks"),
        pytest.param(
            "corpus",
            {"2025", "2025/11/25/profile_editor"},
            id="corpus",
            marks=pytest.mark.needs_corpus,
        ),
    ],
    indirect=["real_world"],
)
def test_real_workspaces_orphans_and_identity(
    invoke: Invoke, real_world: Path, orphan_folders: set[str]
) -> None:
    rows = _rows(invoke, real_world, "--all")
    # ids with "--" in them (WG--SPIKE--spike-on-caching) are no mismatch
    assert not _only(rows, "ticket_id_mismatch")
    root = real_world / "ttmp"
    found = {os.path.relpath(r["path"], root) for r in _only(rows, "orphan_markdown")}
    # loose notes left outside tickets; workspace skills and missing_index folders are not
    assert found == orphan_folders


def test_ticket_ids_with_double_dashes(tmp_path: Path) -> None:
    def doc(rel: str, ticket: str) -> Doc:
        return Doc(tmp_path / rel, rel, DocMeta(ticket=ticket))

    folder = "2025/12/05/WG--SPIKE--caching"
    docs = [doc(f"{folder}/index.md", "WG--SPIKE"), doc(f"{folder}/design/01-a.md", "WG--SPIKE")]
    assert identity.ticket_id_mismatch(docs, folder, tmp_path) is None
    docs[0] = doc(f"{folder}/index.md", "WG--FAST")  # a rename of an id with "--" in it
    found = identity.ticket_id_mismatch(docs, folder, tmp_path)
    assert found is not None
    assert "the folder and 1 doc(s) say WG--SPIKE" in found.message
    assert "'docmgr ticket rename --ticket WG--SPIKE --new-ticket WG--FAST'" in found.message


# --------------------------------------------------------------------------- older rules, alone


def test_numeric_prefix_rule(tmp_path: Path) -> None:
    def doc(rel: str) -> Doc:
        return Doc(tmp_path / rel, rel, DocMeta())

    assert naming.missing_numeric_prefix(doc("T/design/01-a.md"), "T", "T") is None
    assert naming.missing_numeric_prefix(doc("T/design/100-a.md"), "T", "T") is None
    assert naming.missing_numeric_prefix(doc("T/README.md"), "T", "T") is None
    assert naming.missing_numeric_prefix(doc("T/design/1-a.md"), "T", "T") is not None
    assert naming.missing_numeric_prefix(doc("T/design/1000-a.md"), "T", "T") is not None


def test_missing_index_rule(tmp_path: Path) -> None:
    folders = ["", "A--x", "A--x/design", "B--y", "B--y/reference", "C", "C/notes"]
    found = index_docs.missing_index(tmp_path, ["B--y"], folders, ref="")
    assert [(f.ticket, f.path) for f in found] == [("A--x", str(tmp_path / "A--x"))]
    assert index_docs.missing_index(tmp_path, ["B--y"], folders, ref="Z") == []


def test_missing_index_below_an_indexed_folder(tmp_path: Path) -> None:
    # a scaffolded folder inside a ticket (or any folder) that has an index.md is not a
    # ticket of its own; the root's index.md ("") does not cover everything below it
    folders = ["", "T--t", "T--t/design", "T--t/design/archive", "T--tx", "T--tx/design", "U"]
    folders += ["U/V--v", "U/V--v/sources", "U/V--v/W", "U/V--v/W/various"]
    found = index_docs.missing_index(tmp_path, ["", "T--t", "U/V--v"], folders, ref="")
    assert [f.ticket for f in found] == ["T--tx"]
    found = index_docs.missing_index(tmp_path, ["", "T--t/design"], folders, ref="")
    assert [f.ticket for f in found] == ["T--t", "T--tx", "V--v", "W"]
