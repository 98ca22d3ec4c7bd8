"""Documents: ``doc add`` (spec §2.8–§2.9), doc references (§1.7), ``doc list``, guidelines."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result

from docmgr import model
from docmgr.errors import DocmgrError, DocNotFound, UnsafePath
from docmgr.formats import front_matter as fm
from docmgr.ops import document as document_ops
from docmgr.ops import ticket as ticketmod
from docmgr.seams.clock import FixedClock
from docmgr.store import lookup
from docmgr.store.index import load_docs
from docmgr.store.workspace import Workspace

TICKET_DIR = "2026/02/08/MEN-1--first"


@pytest.fixture
def ws(tmp_path: Path, clock: FixedClock) -> Workspace:
    (tmp_path / ".git").mkdir()
    ws = Workspace.open(
        None, cwd=tmp_path, env={"DOCMGR_CACHE_DIR": os.environ["DOCMGR_CACHE_DIR"]}, clock=clock
    )
    ticketmod.create(ws, ticket="MEN-1", title="First", topics=["chat", "backend"])
    return ws


def read_meta(path: Path) -> model.DocMeta:
    return fm.read(path.read_text(encoding="utf-8"))[0]


def test_add_inherits_ticket_metadata(ws: Workspace) -> None:
    added = document_ops.add(
        ws, lookup.resolve_ticket(ws, "MEN"), doc_type="design-doc", title="Path Plan"
    )
    assert added.path == ws.root / TICKET_DIR / "design-doc/01-path-plan.md"
    meta = read_meta(added.path)
    assert (meta.ticket, meta.status, meta.topics, meta.intent, meta.doc_type) == (
        "MEN-1",
        "active",
        ["chat", "backend"],
        "long-term",
        "design-doc",
    )
    assert meta.last_updated == ws.clock.now()


def test_add_flags_override_and_are_trimmed(ws: Workspace) -> None:
    added = document_ops.add(
        ws,
        lookup.resolve_ticket(ws, "MEN-1"),
        doc_type="reference",
        title="R",
        topics=[" a ", ""],
        owners=[" bob "],
        status="draft",
        intent="throwaway",
        summary="s: x",
        external_sources=[" https://x "],
        related_files=["a.go", " "],
    )
    meta = read_meta(added.path)
    assert meta.topics == ["a"] and meta.owners == ["bob"] and meta.status == "draft"
    assert meta.intent == "throwaway" and meta.summary == "s: x"
    assert meta.external_sources == ["https://x"]
    assert meta.related_files == [model.RelatedFile("a.go")]


def test_numbering_two_digits_then_three(ws: Workspace) -> None:
    t = lookup.resolve_ticket(ws, "MEN-1")
    first = document_ops.add(ws, t, doc_type="analysis", title="01 Intro")
    second = document_ops.add(ws, t, doc_type="analysis", title="Intro")
    assert (first.path.name, second.path.name) == ("01-intro.md", "02-intro.md")
    (first.path.parent / "99-last.md").write_text("x", encoding="utf-8")
    assert document_ops.add(ws, t, doc_type="analysis", title="Big").path.name == "100-big.md"
    assert document_ops.next_number(first.path.parent) == 101


def test_number_collision_moves_on(ws: Workspace) -> None:
    folder = ws.root / TICKET_DIR / "log"
    folder.mkdir()
    (folder / "01-x.md").write_text("x", encoding="utf-8")
    (folder / "02-x.md").write_text("x", encoding="utf-8")
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    assert document_ops.next_number(folder) == 3
    assert document_ops.numbered_name(3, "x") == "03-x.md"


def test_workspace_template_wins_over_builtin(ws: Workspace) -> None:
    (ws.root / "_templates").mkdir()
    (ws.root / "_templates/reference.md").write_text(
        "---\nTitle: ignored\n---\n\n# {{TITLE}} for {{TICKET}}\n\n{{TOPICS_LIST}}\n",
        encoding="utf-8",
    )
    added = document_ops.add(
        ws, lookup.resolve_ticket(ws, "MEN-1"), doc_type="reference", title="Mine"
    )
    text = added.path.read_text(encoding="utf-8")
    assert text.endswith("---\n\n# Mine for MEN-1\n\n- chat\n- backend\n")


def test_builtin_template_used_when_workspace_has_none(ws: Workspace) -> None:
    added = document_ops.add(
        ws, lookup.resolve_ticket(ws, "MEN-1"), doc_type="design-doc", title="Built in"
    )
    body = added.path.read_text(encoding="utf-8").split("---\n", 2)[2]
    assert "# Built in" in body and "{{" not in body


def test_type_without_template_gets_front_matter_only(ws: Workspace) -> None:
    added = document_ops.add(
        ws, lookup.resolve_ticket(ws, "MEN-1"), doc_type="analysis", title="Bare"
    )
    assert added.path.read_text(encoding="utf-8").endswith('WhenToUse: ""\n---\n\n')


@pytest.mark.parametrize("bad", ["../x", "a/b", "..", "x\\y"])
def test_doc_type_cannot_escape(ws: Workspace, bad: str) -> None:
    ticket = lookup.resolve_ticket(
        ws, "MEN-1"
    )  # before the snapshot: finding may build the index cache
    before = sorted(p for p in ws.root.parent.rglob("*"))
    with pytest.raises(UnsafePath):
        document_ops.add(ws, ticket, doc_type=bad, title="x")
    assert sorted(p for p in ws.root.parent.rglob("*")) == before


def test_empty_title_is_an_error(ws: Workspace) -> None:
    with pytest.raises(DocmgrError, match="title is empty"):
        document_ops.add(ws, lookup.resolve_ticket(ws, "MEN-1"), doc_type="reference", title="  ")


# --------------------------------------------------------------------------- doc refs (§1.7)


@pytest.fixture
def ref_ws(ws: Workspace) -> Workspace:
    t = lookup.resolve_ticket(ws, "MEN-1")
    document_ops.add(ws, t, doc_type="reference", title="Chat")
    document_ops.add(ws, t, doc_type="design-doc", title="Chat")
    return ws


def test_doc_ref_forms(ref_ws: Workspace, tmp_path: Path) -> None:
    target = ref_ws.root / TICKET_DIR / "reference/01-chat.md"
    rel_root = f"{TICKET_DIR}/reference/01-chat.md"
    assert lookup.resolve_ref(ref_ws, str(target)) == target
    assert lookup.resolve_ref(ref_ws, f"ttmp/{rel_root}") == target  # cwd == repo root
    assert lookup.resolve_ref(ref_ws, rel_root) == target
    assert lookup.resolve_ref(ref_ws, f"ttmp/ttmp/{rel_root}") == target
    assert lookup.resolve_ref(ref_ws, "reference/01-chat.md") == target
    assert lookup.resolve_ref(ref_ws, "MEN-1--first/reference/01-chat.md") == target


def test_doc_ref_relative_to_cwd(ref_ws: Workspace, clock: FixedClock) -> None:
    sub = ref_ws.root / TICKET_DIR
    here = Workspace.open(
        None, cwd=sub, env={"DOCMGR_CACHE_DIR": os.environ["DOCMGR_CACHE_DIR"]}, clock=clock
    )
    assert lookup.resolve_ref(here, "reference/01-chat.md") == sub / "reference/01-chat.md"


def test_doc_ref_suffix_is_whole_segment_and_ambiguity_lists_candidates(ref_ws: Workspace) -> None:
    with pytest.raises(DocNotFound):
        lookup.resolve_ref(ref_ws, "hat.md")
    with pytest.raises(DocmgrError, match="ambiguous; candidates: .*01-chat.md.*01-chat.md"):
        lookup.resolve_ref(ref_ws, "01-chat.md")


@pytest.mark.parametrize("ref", ["", "  ", "nope/missing.md", "/abs/missing.md", "a\x00b"])
def test_doc_ref_not_found(ref_ws: Workspace, ref: str) -> None:
    with pytest.raises(DocNotFound):
        lookup.resolve_ref(ref_ws, ref)


def test_doc_ref_missing_message_lists_what_was_tried(ref_ws: Workspace) -> None:
    with pytest.raises(DocNotFound) as info:
        lookup.resolve_ref(ref_ws, "nope.md")
    assert str(info.value).startswith(
        'doc not found: "nope.md" (tried absolute, cwd-relative, '
        "repo-relative, and docs-root-relative paths)"
    )


def test_ticket_of(ref_ws: Workspace) -> None:
    tickets = lookup.tickets_from_docs(load_docs(ref_ws))
    path = ref_ws.root / TICKET_DIR / "reference/01-chat.md"
    found = lookup.ticket_of(ref_ws, path, tickets)
    assert found is not None and found.id == "MEN-1"
    assert lookup.ticket_of(ref_ws, ref_ws.root / "elsewhere.md", tickets) is None


# --------------------------------------------------------------------------- CLI


def test_doc_add_cli_prints_created_path(invoke: Callable[..., Result], ws: Workspace) -> None:
    out = invoke(
        ["doc", "add", "--ticket", "men", "--doc-type", "reference", "--title", "Diary"], cwd=ws.cwd
    )
    assert out.stdout == f"created ttmp/{TICKET_DIR}/reference/01-diary.md\n"
    row = json.loads(
        invoke(
            [
                "add",
                "--ticket",
                "MEN-1",
                "--doc-type",
                "reference",
                "--title",
                "X",
                "--output",
                "json",
            ],
            cwd=ws.cwd,
        ).stdout
    )[0]
    assert list(row) == ["ticket", "doc_type", "title", "path", "status"]
    assert row["path"] == str(ws.root / TICKET_DIR / "reference/02-x.md")


def test_doc_add_unknown_ticket(invoke: Callable[..., Result], ws: Workspace) -> None:
    out = invoke(
        ["doc", "add", "--ticket", "NOPE", "--doc-type", "reference", "--title", "x"],
        cwd=ws.cwd,
        expect=1,
    )
    assert out.stderr == (
        "Error: ticket not found: \"NOPE\" — run 'docmgr ticket list' to see available tickets\n"
    )


def test_doc_list_filters(invoke: Callable[..., Result], ref_ws: Workspace) -> None:
    def rows(*args: str) -> list[dict[str, str]]:
        out = invoke(["doc", "list", *args, "--output", "json"], cwd=ref_ws.cwd).stdout
        found: list[dict[str, str]] = json.loads(out)
        return found

    assert [r["doc_type"] for r in rows("--ticket", "MEN-1")] == ["design-doc", "reference"]
    assert rows("--ticket", "MEN") == rows("--ticket", "MEN-1")  # forgiving: a unique prefix
    assert [r["doc_type"] for r in rows("--doc-type", "reference")] == ["reference"]
    assert len(rows("--topics", "CHAT,nope")) == 2
    assert rows("--topics", "nope") == []
    assert rows("--status", "draft") == []
    assert list(rows()[0]) == [
        "ticket",
        "doc_type",
        "title",
        "status",
        "topics",
        "path",
        "last_updated",
    ]


def test_doc_list_human(invoke: Callable[..., Result], ref_ws: Workspace) -> None:
    out = invoke(["list", "docs"], cwd=ref_ws.cwd).stdout
    assert out.startswith("## Documents (2)\n\n### MEN-1 (2 docs)\n\n- **design-doc** — Chat\n")
    assert f"  - Path: `{TICKET_DIR}/reference/01-chat.md`" in out


def test_guidelines(invoke: Callable[..., Result], ws: Workspace) -> None:
    listed = invoke(["doc", "guidelines", "--list"], cwd=ws.cwd).stdout.split()
    assert "design-doc" in listed and "reference" in listed
    text = invoke(["doc", "guidelines", "--doc-type", "design-doc"], cwd=ws.cwd).stdout
    assert text.strip()
    (ws.root / "_guidelines").mkdir()
    (ws.root / "_guidelines/custom.md").write_text("# Custom rules\n", encoding="utf-8")
    assert invoke(["guidelines", "--doc-type", "custom"], cwd=ws.cwd).stdout == "# Custom rules\n"
    err = invoke(["doc", "guidelines", "--doc-type", "nope"], cwd=ws.cwd, expect=1).stderr
    assert err.startswith("Error: no guideline found for document type: nope — ")
    invoke(["doc", "guidelines"], cwd=ws.cwd, expect=2)


def test_doc_list_reports_broken_doc_and_keeps_going(
    invoke: Callable[..., Result], ref_ws: Workspace
) -> None:
    broken = ref_ws.root / TICKET_DIR / "analysis/01-broken.md"
    broken.parent.mkdir()
    broken.write_text("---\nTitle: ok\nSummary: x\n  bad: [\n---\n", encoding="utf-8")
    out = invoke(["doc", "list", "--output", "json"], cwd=ref_ws.cwd)
    assert len(json.loads(out.stdout)) == 2
    line = out.stderr.strip()
    assert line.startswith(f"Warning: skipped {TICKET_DIR}/analysis/01-broken.md:")
    where, problem = line[len("Warning: skipped ") :].split(": ", 1)
    assert int(where.rsplit(":", 1)[1]) >= 3 and problem


def test_doc_list_honours_nested_docmgrignore_and_skips_underscore_folders(
    invoke: Callable[..., Result], ref_ws: Workspace
) -> None:
    ticket_dir = ref_ws.root / TICKET_DIR
    cache = ticket_dir / "scripts/local-cache"
    cache.mkdir(parents=True)
    (cache / ".docmgrignore").write_text("*.md\n", encoding="utf-8")
    (cache / "bad.md").write_text("no front matter\n", encoding="utf-8")
    (ticket_dir / "_drafts").mkdir()
    (ticket_dir / "_drafts/x.md").write_text("no front matter\n", encoding="utf-8")
    (ticket_dir / "node_modules/pkg").mkdir(parents=True)
    (ticket_dir / "node_modules/pkg/README.md").write_text("x\n", encoding="utf-8")
    out = invoke(["doc", "list", "--output", "json"], cwd=ref_ws.cwd)
    assert len(json.loads(out.stdout)) == 2
    assert out.stderr == ""
