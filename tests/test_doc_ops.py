"""doc move, doc renumber, doc layout-fix and import file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitRepo, Result

from docmgr.formats import front_matter

DATED = "2026/02/08"


@pytest.fixture
def ws(invoke: Callable[..., Result], git_repo: GitRepo) -> Path:
    cwd = git_repo.path
    invoke(["init"], cwd=cwd)
    invoke(["ticket", "create", "--ticket", "DOC-1", "--title", "Docs"], cwd=cwd)
    invoke(["ticket", "create", "--ticket", "DOC-2", "--title", "Other"], cwd=cwd)
    return cwd


def _dir(cwd: Path, name: str = "DOC-1--docs") -> Path:
    return cwd / "ttmp" / DATED / name


def _add(
    invoke: Callable[..., Result],
    cwd: Path,
    title: str,
    doc_type: str = "design-doc",
    ticket: str = "DOC-1",
) -> None:
    invoke(["doc", "add", "--ticket", ticket, "--doc-type", doc_type, "--title", title], cwd=cwd)


def test_doc_move_sets_ticket_and_keeps_last_updated(
    invoke: Callable[..., Result], ws: Path
) -> None:
    _add(invoke, ws, "Plan")
    src = _dir(ws) / "design-doc" / "01-plan.md"
    text = src.read_text().replace(
        "LastUpdated: 2026-02-08T10:47:00-05:00", "LastUpdated: 2020-01-01T00:00:00Z"
    )
    src.write_text(text)
    out = invoke(
        ["doc", "move", "--doc", "design-doc/01-plan.md", "--dest-ticket", "doc-2"], cwd=ws
    )
    dest = _dir(ws, "DOC-2--other") / "design-doc" / "01-plan.md"
    assert out.stdout == (
        f"moved ttmp/{DATED}/DOC-1--docs/design-doc/01-plan.md -> "
        f"ttmp/{DATED}/DOC-2--other/design-doc/01-plan.md (ticket DOC-1 -> DOC-2)\n"
    )
    assert not src.exists()
    assert dest.read_text() == text.replace("Ticket: DOC-1", "Ticket: DOC-2")


def test_doc_move_errors_and_json(invoke: Callable[..., Result], ws: Path) -> None:
    _add(invoke, ws, "Plan")
    _add(invoke, ws, "Plan", ticket="DOC-2")
    out = invoke(
        [
            "doc",
            "move",
            "--doc",
            f"{DATED}/DOC-1--docs/design-doc/01-plan.md",
            "--dest-ticket",
            "DOC-2",
        ],
        cwd=ws,
        expect=1,
    )
    assert "destination file already exists (use --overwrite to replace)" in out.stderr
    out = invoke(
        [
            "doc",
            "move",
            "--doc",
            f"{DATED}/DOC-1--docs/design-doc/01-plan.md",
            "--dest-ticket",
            "DOC-2",
            "--dest-dir",
            "../../escape",
        ],
        cwd=ws,
        expect=2,
    )
    assert "dest-dir must stay within the ticket" in out.stderr
    out = invoke(
        [
            "doc",
            "move",
            "--doc",
            f"{DATED}/DOC-1--docs/design-doc/01-plan.md",
            "--dest-ticket",
            "NOPE",
        ],
        cwd=ws,
        expect=1,
    )
    assert 'ticket not found: "NOPE"' in out.stderr
    row = json.loads(
        invoke(
            [
                "doc",
                "move",
                "--doc",
                f"{DATED}/DOC-1--docs/design-doc/01-plan.md",
                "--dest-ticket",
                "DOC-2",
                "--dest-dir",
                "reference",
                "--output",
                "json",
            ],
            cwd=ws,
        ).stdout
    )[0]
    assert list(row) == [
        "source_ticket",
        "dest_ticket",
        "source_path",
        "dest_path",
        "status",
        "time",
    ]
    assert row["dest_path"].endswith("DOC-2--other/reference/01-plan.md")


def test_renumber_keeps_numeric_order_and_rewrites_references(
    invoke: Callable[..., Result], ws: Path
) -> None:
    folder = _dir(ws) / "design-doc"
    for title in ("Zulu", "Alpha", "Mike"):
        _add(invoke, ws, title)
    (folder / "02-alpha.md").unlink()  # leave a gap: 01-zulu, 03-mike
    (folder / "notes.md").write_text("---\nTitle: n\n---\nsee design-doc/03-mike.md\n")
    index = _dir(ws) / "index.md"
    index.write_text(
        index.read_text() + "\n[m](design-doc/03-mike.md) [z](design-doc/01-zulu.md)\n"
    )
    out = invoke(["doc", "renumber", "--ticket", "DOC-1"], cwd=ws)
    assert out.stdout.startswith("Ticket DOC-1 renumbered.\n- Files renamed: 2\n")
    assert sorted(p.name for p in folder.iterdir()) == ["01-zulu.md", "02-mike.md", "03-notes.md"]
    assert "[m](design-doc/02-mike.md) [z](design-doc/01-zulu.md)" in index.read_text()
    assert "see design-doc/02-mike.md" in (folder / "03-notes.md").read_text()
    row = json.loads(
        invoke(["doc", "renumber", "--ticket", "DOC-1", "--output", "json"], cwd=ws).stdout
    )[0]
    assert (row["renamed"], row["status"]) == (0, "completed")


def test_renumber_unknown_ticket(invoke: Callable[..., Result], ws: Path) -> None:
    out = invoke(["doc", "renumber", "--ticket", "NOPE"], cwd=ws, expect=1)
    assert 'ticket not found: "NOPE"' in out.stderr


def test_layout_fix_moves_and_never_overwrites(invoke: Callable[..., Result], ws: Path) -> None:
    _add(invoke, ws, "Wrong place")
    _add(invoke, ws, "Clash")
    _add(invoke, ws, "Clash", doc_type="reference")
    folder = _dir(ws)
    for name in ("01-wrong-place.md", "02-clash.md"):
        path = folder / "design-doc" / name
        path.write_text(path.read_text().replace("DocType: design-doc", "DocType: reference"))
    (folder / "design-doc" / "02-clash.md").rename(folder / "design-doc" / "01-clash.md")
    clash_before = (folder / "reference" / "01-clash.md").read_bytes()
    out = invoke(["doc", "layout-fix", "--ticket", "DOC-1", "--dry-run"], cwd=ws)
    assert "## Layout Fix (dry-run)" in out.stdout
    assert (
        "- DOC-1--docs: design-doc/01-wrong-place.md → reference/01-wrong-place.md (would-move)"
        in out.stdout
    )
    assert (folder / "design-doc" / "01-wrong-place.md").exists()
    rows = json.loads(
        invoke(["doc", "layout-fix", "--ticket", "DOC-1", "--output", "json"], cwd=ws).stdout
    )
    assert {(r["from"], r["status"]) for r in rows} == {
        ("design-doc/01-clash.md", "skipped: destination exists"),
        ("design-doc/01-wrong-place.md", "moved"),
    }
    assert (folder / "reference" / "01-wrong-place.md").exists()
    assert (folder / "reference" / "01-clash.md").read_bytes() == clash_before
    assert (folder / "design-doc" / "01-clash.md").exists()
    out = invoke(["doc", "layout-fix", "--ticket", "DOC-2"], cwd=ws)
    assert out.stdout == "No layout issues detected.\n"


def test_import_file(invoke: Callable[..., Result], ws: Path, tmp_path: Path) -> None:
    source = tmp_path / "spec.pdf"
    source.write_bytes(b"%PDF-1.4 binary \x00\xff")
    out = invoke(
        ["import", "file", "--ticket", "DOC-1", "--file", str(source), "--name", "daemon-spec"],
        cwd=ws,
    )
    folder = _dir(ws)
    dest = folder / "sources" / "local" / "daemon-spec.pdf"
    assert out.stdout.startswith(f"File imported into ttmp/{DATED}/DOC-1--docs/sources/local\n")
    assert dest.read_bytes() == source.read_bytes()
    assert (folder / ".meta" / "sources.yaml").read_text() == (
        f"- type: local\n  path: {source}\n  lastFetched: 2026-02-08T10:47:00-05:00\n"
    )
    assert front_matter.read((folder / "index.md").read_text())[0].external_sources == [
        "local:daemon-spec.pdf"
    ]
    row = json.loads(
        invoke(
            [
                "import",
                "file",
                "--ticket",
                "DOC-1",
                "--file",
                str(source),
                "--name",
                "daemon-spec",
                "--output",
                "json",
            ],
            cwd=ws,
        ).stdout
    )[0]
    assert row == {
        "ticket": "DOC-1",
        "source_file": str(source),
        "destination": str(dest),
        "type": "local",
        "status": "imported",
    }
    assert front_matter.read((folder / "index.md").read_text())[0].external_sources == [
        "local:daemon-spec.pdf"
    ]
    assert (folder / ".meta" / "sources.yaml").read_text().count("- type: local") == 2


def test_import_file_errors(invoke: Callable[..., Result], ws: Path, tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("x")
    out = invoke(
        ["import", "file", "--ticket", "DOC-1", "--file", str(source), "--name", "../../evil"],
        cwd=ws,
        expect=1,
    )
    assert out.stderr.startswith("Error: --name '../../evil'")
    assert not list(ws.rglob("evil*"))
    out = invoke(
        ["import", "file", "--ticket", "DOC-1", "--file", str(tmp_path / "missing.txt")],
        cwd=ws,
        expect=1,
    )
    assert "source file does not exist" in out.stderr
    out = invoke(["import", "file", "--ticket", "NOPE", "--file", str(source)], cwd=ws, expect=1)
    assert 'ticket not found: "NOPE"' in out.stderr


def test_layout_fix_unknown_ticket(invoke: Callable[..., Result], ws: Path) -> None:
    out = invoke(["doc", "layout-fix", "--ticket", "NOPE"], cwd=ws, expect=1)
    assert 'ticket not found: "NOPE"' in out.stderr
