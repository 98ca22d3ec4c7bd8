"""Tickets: forgiving references (spec §1.6, §13.3), create, legacy workspaces, list and show."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result

from docmgr.errors import TicketAmbiguous, TicketExists, TicketNotFound, UsageProblem
from docmgr.ops import document as document_ops
from docmgr.ops import ticket as ticketmod
from docmgr.seams.clock import FixedClock
from docmgr.store import lookup, ticket_files
from docmgr.store.index import load_docs
from docmgr.store.workspace import Workspace


def write_index(
    root: Path,
    rel_dir: str,
    ticket: str,
    *,
    title: str = "",
    status: str = "active",
    updated: str = "2026-01-01T00:00:00Z",
) -> Path:
    folder = root / rel_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "index.md"
    path.write_text(
        f"---\nTitle: {title or ticket + ' title'}\nTicket: {ticket}\nStatus: {status}\n"
        f"Topics:\n    - chat\nDocType: index\nLastUpdated: {updated}\n---\n\n# x\n",
        encoding="utf-8",
    )
    return path


def open_ws(root: Path) -> Workspace:
    return Workspace.open(
        str(root), cwd=root.parent, env={"DOCMGR_CACHE_DIR": os.environ["DOCMGR_CACHE_DIR"]}
    )


@pytest.fixture
def refs_root(tmp_path: Path) -> Path:
    root = tmp_path / "ttmp"
    write_index(root, "2026/07/05/MEN-4242--normalize-chat-api-paths", "MEN-4242")
    write_index(root, "2026/07/05/MEN-5678--secondary-ticket", "MEN-5678")
    write_index(root, "2026/07/06/DOCMGR-200--root-resolution", "DOCMGR-200")
    return root


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("MEN-4242", "MEN-4242"),
        ("men-4242", "MEN-4242"),
        ("DOCMGR", "DOCMGR-200"),
        ("MEN-4242--normalize-chat-api-paths", "MEN-4242"),
        ("2026/07/05/MEN-5678--secondary-ticket/", "MEN-5678"),
        ("ttmp/2026/07/05/MEN-5678--secondary-ticket", "MEN-5678"),
        ("DOCMGR-200--something-else", "DOCMGR-200"),
        ("5678", "MEN-5678"),
        ("  MEN-5678 ", "MEN-5678"),
    ],
)
def test_forgiving_refs(refs_root: Path, ref: str, expected: str) -> None:
    assert lookup.resolve_ticket(open_ws(refs_root), ref).id == expected


def test_ambiguous_prefix_names_both_with_their_folders(refs_root: Path) -> None:
    with pytest.raises(TicketAmbiguous) as info:
        lookup.resolve_ticket(open_ws(refs_root), "MEN-")
    assert str(info.value) == (
        'ticket ambiguous: "MEN-" matches multiple tickets: '
        "MEN-4242 (2026/07/05/MEN-4242--normalize-chat-api-paths), "
        "MEN-5678 (2026/07/05/MEN-5678--secondary-ticket)"
        " — use the full ticket id or the ticket's directory path"
    )


def test_not_found(refs_root: Path) -> None:
    with pytest.raises(TicketNotFound) as info:
        lookup.resolve_ticket(open_ws(refs_root), "NOPE-1")
    assert str(info.value) == (
        "ticket not found: \"NOPE-1\" — run 'docmgr ticket list' to see available tickets"
    )


@pytest.mark.parametrize(
    ("ref", "closest"),
    [
        ("MEN-4243", ["MEN-4242"]),  # a typo
        ("DOCMRG-200", ["DOCMGR-200"]),  # transposed letters
        ("men-5687", ["MEN-5678"]),  # case does not matter
        ("MEN-4678", ["MEN-5678", "MEN-4242"]),  # best first
    ],
)
def test_not_found_names_the_closest_ids(refs_root: Path, ref: str, closest: list[str]) -> None:
    with pytest.raises(TicketNotFound) as info:
        lookup.resolve_ticket(open_ws(refs_root), ref)
    assert info.value.closest == closest
    assert f"did you mean {', '.join(closest)}?" in str(info.value)


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_ref_is_an_error(refs_root: Path, blank: str) -> None:
    with pytest.raises(UsageProblem, match="missing ticket id"):
        lookup.resolve_ticket(open_ws(refs_root), blank)


def test_duplicate_ids_are_ambiguous_naming_both_paths(refs_root: Path) -> None:
    write_index(refs_root, "2026/07/07/MEN-4242--again", "MEN-4242")
    with pytest.raises(TicketAmbiguous) as info:
        lookup.resolve_ticket(open_ws(refs_root), "MEN-4242")
    message = str(info.value)
    assert "has multiple index docs" in message
    assert "2026/07/05/MEN-4242--normalize-chat-api-paths/index.md" in message
    assert "2026/07/07/MEN-4242--again/index.md" in message


def test_exact_match_beats_prefix(tmp_path: Path) -> None:
    root = tmp_path / "ttmp"
    write_index(root, "a/AB", "AB")
    write_index(root, "a/ABC", "ABC")
    assert lookup.resolve_ticket(open_ws(root), "AB").id == "AB"
    assert lookup.resolve_ticket(open_ws(root), "ab").id == "AB"


def test_unparseable_index_is_not_a_candidate(refs_root: Path) -> None:
    bad = refs_root / "2026/07/08/BAD-1--broken/index.md"
    bad.parent.mkdir(parents=True)
    bad.write_text("---\nTitle: [broken\nTicket: BAD-1\nDocType: index\n---\n", encoding="utf-8")
    with pytest.raises(TicketNotFound):
        lookup.resolve_ticket(open_ws(refs_root), "BAD-1")


# --------------------------------------------------------------------------- create


def test_create_writes_workspace(tmp_path: Path, clock: FixedClock) -> None:
    ws = Workspace.open(
        str(tmp_path / "ttmp"),
        cwd=tmp_path,
        env={"DOCMGR_CACHE_DIR": os.environ["DOCMGR_CACHE_DIR"]},
        clock=clock,
    )
    made = ticketmod.create(ws, ticket="A-1", title="First ticket", topics=["x"])
    assert made.path == tmp_path / "ttmp/2026/02/08/A-1--first-ticket"
    assert len(made.dirs) == 1
    assert sorted(Path(f).name for f in made.files) == [
        "README.md",
        "changelog.md",
        "index.md",
        "tasks.md",
    ]
    assert sorted(p.name for p in made.path.iterdir()) == [
        "README.md",
        "changelog.md",
        "index.md",
        "tasks.md",
    ]  # no empty scaffold folders by default
    assert lookup.resolve_ticket(ws, "A-1").dir == made.path


def test_create_scaffold_dirs_flag_and_setting_keep_the_eight_folders(
    tmp_path: Path, clock: FixedClock
) -> None:
    env = {"DOCMGR_CACHE_DIR": os.environ["DOCMGR_CACHE_DIR"]}
    ws = Workspace.open(str(tmp_path / "ttmp"), cwd=tmp_path, env=env, clock=clock)
    made = ticketmod.create(ws, ticket="A-1", title="First", topics=[], scaffold_dirs=True)
    assert len(made.dirs) == 9
    for sub in ticketmod.SCAFFOLD_DIRS:
        assert (made.path / sub).is_dir()
    (tmp_path / ".ttmp.yaml").write_text("root: ttmp\nscaffoldDirs: true\n", encoding="utf-8")
    ws = Workspace.open(None, cwd=tmp_path, env=env, clock=clock)
    second = ticketmod.create(ws, ticket="B-2", title="Second", topics=[])
    assert all((second.path / sub).is_dir() for sub in ticketmod.SCAFFOLD_DIRS)
    third = ticketmod.create(ws, ticket="C-3", title="Third", topics=[], scaffold_dirs=False)
    assert not any((third.path / sub).exists() for sub in ticketmod.SCAFFOLD_DIRS)
    # readers accept both layouts: every ticket resolves, and a doc add makes its folder
    for ref in ("A-1", "B-2", "C-3"):
        assert lookup.resolve_ticket(ws, ref).doc.meta is not None
    added = document_ops.add(ws, lookup.resolve_ticket(ws, "C-3"), doc_type="design", title="D")
    assert added.path.parent == third.path / "design"


def test_create_existing_id_is_an_error_naming_the_path(tmp_path: Path, clock: FixedClock) -> None:
    ws = Workspace.open(
        str(tmp_path / "ttmp"),
        cwd=tmp_path,
        env={"DOCMGR_CACHE_DIR": os.environ["DOCMGR_CACHE_DIR"]},
        clock=clock,
    )
    first = ticketmod.create(ws, ticket="A-1", title="First", topics=[])
    with pytest.raises(TicketExists) as info:
        ticketmod.create(ws, ticket="a-1", title="Other title", topics=[])
    assert str(first.path) in str(info.value)
    assert not (tmp_path / "ttmp/2026/02/08/a-1--other-title").exists()
    second = ticketmod.create(ws, ticket="A-1", title="Other title", topics=[], force=True)
    assert second.path.is_dir()


def test_create_force_overwrites_control_files(tmp_path: Path, clock: FixedClock) -> None:
    ws = Workspace.open(
        str(tmp_path / "ttmp"),
        cwd=tmp_path,
        env={"DOCMGR_CACHE_DIR": os.environ["DOCMGR_CACHE_DIR"]},
        clock=clock,
    )
    made = ticketmod.create(ws, ticket="A-1", title="First", topics=[])
    (made.path / "tasks.md").write_text("custom\n", encoding="utf-8")
    ticketmod.create(ws, ticket="A-1", title="First", topics=[], force=True)
    assert (made.path / "tasks.md").read_text(encoding="utf-8") == "# Tasks\n\n## TODO\n\n"


def test_create_uses_config_owners_and_intent(tmp_path: Path, clock: FixedClock) -> None:
    (tmp_path / ".ttmp.yaml").write_text(
        "root: ttmp\ndefaults:\n    owners:\n        - manuel\n    intent: short-term\n",
        encoding="utf-8",
    )
    ws = Workspace.open(
        None, cwd=tmp_path, env={"DOCMGR_CACHE_DIR": os.environ["DOCMGR_CACHE_DIR"]}, clock=clock
    )
    made = ticketmod.create(ws, ticket="A-1", title="First", topics=[])
    meta = lookup.resolve_ticket(ws, "A-1").doc.meta
    assert made.path.parent == tmp_path / "ttmp/2026/02/08"
    assert meta is not None and meta.owners == ["manuel"] and meta.intent == "short-term"


def test_task_counts(tmp_path: Path) -> None:
    (tmp_path / "tasks.md").write_text(
        "# Tasks\n\n- [ ] a\n- [x] b\n- [X] c\n- not a task\n", encoding="utf-8"
    )
    assert ticket_files.task_counts(tmp_path) == (1, 2)
    assert ticket_files.task_counts(tmp_path / "missing") == (0, 0)


# --------------------------------------------------------------------------- real workspace shapes


@pytest.fixture
def legacy_root(tmp_path: Path) -> Path:
    root = tmp_path / "ttmp"
    write_index(root, "FLAT-1-legacy-flat", "FLAT-1", updated="2025-11-01")
    write_index(root, "2025-11-20/DATED-2-old-date-folder", "DATED-2", updated="2025-11-20")
    write_index(root, "2026/01/02/NODASH", "NODASH-3", updated="2026-01-02T00:00:00Z")
    write_index(
        root,
        "2026/01/03/ID--WITH--DASHES--slug",
        "ID--WITH--DASHES",
        updated="2026-01-03T00:00:00Z",
    )
    write_index(root, "2026/01/04/DUP-5--one", "DUP-5", updated="2026-01-04T00:00:00Z")
    write_index(root, "2026/01/05/DUP-5--two", "DUP-5", updated="2026-01-05T00:00:00Z")
    write_index(root, "_archive/HIDDEN-6", "HIDDEN-6")
    write_index(root, "ignored-dir/IGN-7", "IGN-7")
    (root / ".docmgrignore").write_text("ignored-dir/\n", encoding="utf-8")
    broken = root / "2026/01/06/BROKEN-8--x/index.md"
    broken.parent.mkdir(parents=True)
    broken.write_text("---\nTitle: x\nTopics: [a\nDocType: index\n---\n", encoding="utf-8")
    return root


def test_list_reads_every_real_shape(invoke: Callable[..., Result], legacy_root: Path) -> None:
    out = invoke(
        ["ticket", "list", "--root", str(legacy_root), "--output", "json"], cwd=legacy_root.parent
    )
    rows = json.loads(out.stdout)
    assert [r["ticket"] for r in rows] == [
        "DUP-5",
        "DUP-5",
        "ID--WITH--DASHES",
        "NODASH-3",
        "DATED-2",
        "FLAT-1",
    ]
    assert {r["path"] for r in rows} >= {
        "FLAT-1-legacy-flat",
        "2025-11-20/DATED-2-old-date-folder",
        "2026/01/03/ID--WITH--DASHES--slug",
    }
    assert "Warning: skipped 2026/01/06/BROKEN-8--x/index.md:4: did not find expected" in out.stderr
    assert "Traceback" not in out.stderr


def test_refs_into_legacy_shapes(legacy_root: Path) -> None:
    ws = open_ws(legacy_root)
    assert lookup.resolve_ticket(ws, "FLAT-1").rel_dir == "FLAT-1-legacy-flat"
    assert lookup.resolve_ticket(ws, "DATED").id == "DATED-2"
    assert lookup.resolve_ticket(ws, "NODASH").id == "NODASH-3"
    assert lookup.resolve_ticket(ws, "ID--WITH--DASHES").id == "ID--WITH--DASHES"
    assert lookup.resolve_ticket(ws, "ID--WITH--DASHES--slug").id == "ID--WITH--DASHES"
    with pytest.raises(TicketNotFound):
        lookup.resolve_ticket(ws, "HIDDEN-6")
    with pytest.raises(TicketNotFound):
        lookup.resolve_ticket(ws, "IGN-7")
    with pytest.raises(TicketAmbiguous, match="DUP-5--one/index.md.*DUP-5--two/index.md"):
        lookup.resolve_ticket(ws, "DUP-5")


def test_created_at_from_dated_folder(legacy_root: Path) -> None:
    ws = open_ws(legacy_root)
    assert lookup.resolve_ticket(ws, "NODASH-3").created_at == "2026-01-02"
    assert lookup.resolve_ticket(ws, "FLAT-1").created_at == ""


def test_load_docs_reports_error_line_and_keeps_going(legacy_root: Path) -> None:
    docs = load_docs(open_ws(legacy_root))
    broken = [d for d in docs if not d.ok]
    assert [(d.rel, d.error_line) for d in broken] == [("2026/01/06/BROKEN-8--x/index.md", 4)]
    assert broken[0].error
    assert sum(1 for d in docs if d.ok) == 6


def test_ticket_show_human_and_json(invoke: Callable[..., Result], tmp_path: Path) -> None:
    root = tmp_path / "ttmp"
    invoke(
        [
            "ticket",
            "create",
            "--root",
            str(root),
            "--ticket",
            "MEN-1",
            "--title",
            "Show me",
            "--topics",
            "chat,backend",
        ],
        cwd=tmp_path,
    )
    invoke(
        [
            "doc",
            "add",
            "--root",
            str(root),
            "--ticket",
            "MEN-1",
            "--doc-type",
            "reference",
            "--title",
            "Ref",
        ],
        cwd=tmp_path,
    )
    folder = root / "2026/02/08/MEN-1--show-me"
    (folder / "tasks.md").write_text("# Tasks\n\n- [ ] one\n- [x] two\n", encoding="utf-8")
    human = invoke(["ticket", "show", "MEN", "--root", str(root)], cwd=tmp_path).stdout
    assert human.splitlines()[:4] == [
        "MEN-1 — Show me",
        "status: active  topics: chat, backend  updated: 2026-02-08 15:47",
        "path: 2026/02/08/MEN-1--show-me",
        "tasks: 1 open / 1 done",
    ]
    assert "  - reference/01-ref.md (reference)" in human
    assert "changelog: 2026-02-08" in human
    row = json.loads(
        invoke(
            [
                "ticket",
                "show",
                "--ticket",
                "MEN-1--show-me",
                "--root",
                str(root),
                "--output",
                "json",
            ],
            cwd=tmp_path,
        ).stdout
    )[0]
    assert list(row) == [
        "ticket",
        "title",
        "status",
        "topics",
        "tasks_open",
        "tasks_done",
        "path",
        "last_updated",
        "docs",
        "changelog_head",
    ]
    assert row["docs"] == ["index.md", "reference/01-ref.md"]


def test_ticket_show_without_ref_is_a_usage_error(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    (tmp_path / "ttmp").mkdir()
    out = invoke(["ticket", "show", "--root", str(tmp_path / "ttmp")], cwd=tmp_path, expect=2)
    assert out.stderr.startswith("Error: specify a ticket")


def test_ticket_list_filters_are_forgiving(invoke: Callable[..., Result], refs_root: Path) -> None:
    root = str(refs_root)
    ambiguous = invoke(
        ["ticket", "list", "--root", root, "--ticket", "MEN"], cwd=refs_root, expect=1
    )
    assert ambiguous.stderr.startswith('Error: ticket ambiguous: "MEN" matches multiple tickets')
    rows = json.loads(
        invoke(
            ["ticket", "list", "--root", root, "--ticket", "docmgr", "--output", "json"],
            cwd=refs_root,
        ).stdout
    )
    assert [r["ticket"] for r in rows] == ["DOCMGR-200"]
    rows = json.loads(
        invoke(
            ["list", "tickets", "--root", root, "--ticket", "MEN-5678", "--output", "json"],
            cwd=refs_root,
        ).stdout
    )
    assert [r["ticket"] for r in rows] == ["MEN-5678"]
    rows = json.loads(
        invoke(
            ["ticket", "tickets", "--root", root, "--status", "closed", "--output", "json"],
            cwd=refs_root,
        ).stdout
    )
    assert rows == []


def test_create_output_relative_under_cwd_absolute_elsewhere(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    inside = invoke(
        [
            "ticket",
            "create",
            "--root",
            str(tmp_path / "ttmp"),
            "--ticket",
            "P-1",
            "--title",
            "Paths",
        ],
        cwd=tmp_path,
    ).stdout
    assert inside == "created P-1 at ttmp/2026/02/08/P-1--paths (1 dirs, 4 files)\n"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outside = invoke(
        [
            "ticket",
            "create",
            "--root",
            str(tmp_path / "ttmp"),
            "--ticket",
            "P-2",
            "--title",
            "Paths",
        ],
        cwd=elsewhere,
    ).stdout
    assert outside == f"created P-2 at {tmp_path}/ttmp/2026/02/08/P-2--paths (1 dirs, 4 files)\n"
    row = json.loads(
        invoke(
            [
                "ticket",
                "create",
                "--root",
                str(tmp_path / "ttmp"),
                "--ticket",
                "P-3",
                "--title",
                "Paths",
                "--output",
                "json",
            ],
            cwd=tmp_path,
        ).stdout
    )
    assert row == [
        {
            "ticket": "P-3",
            "path": str(tmp_path / "ttmp/2026/02/08/P-3--paths"),
            "title": "Paths",
            "status": "created",
        }
    ]
