"""Bad input: one ``Error: <what> — <how to fix>`` line, the right exit code, no traceback,
and nothing written outside the docs root."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result


def tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def assert_one_error_line(stderr: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: ")
    assert " — " in lines[0]
    assert "Traceback" not in stderr


@pytest.fixture
def work(invoke: Callable[..., Result], tmp_path: Path) -> Path:
    work = tmp_path / "work"
    (work / ".git").mkdir(parents=True)
    invoke(["init"], cwd=work)
    invoke(["ticket", "create", "--ticket", "OK-1", "--title", "Fine"], cwd=work)
    return work


@pytest.mark.parametrize(
    "bad",
    ["../escape", "a/b", "a\\b", "..", "x..y", "nul\x00id", "ctl\x01id", "new\nline", "   ", "\t"],
)
def test_bad_ticket_ids_are_refused(
    invoke: Callable[..., Result], work: Path, tmp_path: Path, bad: str
) -> None:
    before = tree(tmp_path)
    out = invoke(["ticket", "create", "--ticket", bad, "--title", "x"], cwd=work, expect=1)
    assert_one_error_line(out.stderr)
    assert out.stdout == ""
    assert tree(tmp_path) == before


@pytest.mark.parametrize(
    "template", ["../{{TICKET}}", "{{TICKET}}/../../..", "../../x", "{{TITLE}}"]
)
def test_path_template_cannot_escape(
    invoke: Callable[..., Result], work: Path, tmp_path: Path, template: str
) -> None:
    before = tree(tmp_path)
    out = invoke(
        [
            "ticket",
            "create",
            "--ticket",
            "T-2",
            "--title",
            "../../../outside",
            "--path-template",
            template,
        ],
        cwd=work,
        expect=1,
    )
    assert_one_error_line(out.stderr)
    assert "path template resolves outside root" in out.stderr
    assert tree(tmp_path) == before


def test_empty_path_template_is_a_usage_error(invoke: Callable[..., Result], work: Path) -> None:
    out = invoke(
        ["ticket", "create", "--ticket", "T-2", "--title", "x", "--path-template", "./"],
        cwd=work,
        expect=2,
    )
    assert_one_error_line(out.stderr)


@pytest.mark.parametrize("doc_type", ["../x", "../../../etc", "a/b", "..", "a\\b"])
def test_doc_type_cannot_escape(
    invoke: Callable[..., Result], work: Path, tmp_path: Path, doc_type: str
) -> None:
    before = tree(tmp_path)
    out = invoke(
        ["doc", "add", "--ticket", "OK-1", "--doc-type", doc_type, "--title", "x"],
        cwd=work,
        expect=1,
    )
    assert_one_error_line(out.stderr)
    assert tree(tmp_path) == before


def test_duplicate_ticket_is_refused_naming_the_existing_path(
    invoke: Callable[..., Result], work: Path
) -> None:
    out = invoke(["ticket", "create", "--ticket", "OK-1", "--title", "Again"], cwd=work, expect=1)
    assert_one_error_line(out.stderr)
    assert "2026/02/08/OK-1--fine" in out.stderr
    assert "--force" in out.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["ticket", "show", "NOPE-1"], 1),
        (["ticket", "show", "--ticket", "   "], 2),
        (["doc", "add", "--ticket", "NOPE", "--doc-type", "x", "--title", "t"], 1),
        (["doc", "add", "--ticket", "OK-1", "--doc-type", "x", "--title", "  "], 1),
        (["ticket", "create", "--ticket", "T-3", "--title", "   "], 2),
        (["ticket", "create", "--title", "x"], 2),
        (["ticket", "list", "--output", "xml"], 2),
        (["no-such-verb"], 2),
        (["ticket", "list", "--no-such-flag"], 2),
        (["vocab", "add", "--category", "nope", "--slug", "a", "--description", "b"], 2),
    ],
)
def test_errors_are_one_line(
    invoke: Callable[..., Result], work: Path, args: list[str], code: int
) -> None:
    out = invoke(args, cwd=work, expect=code)
    assert_one_error_line(out.stderr)


def test_usage_error_names_the_help_command(invoke: Callable[..., Result], work: Path) -> None:
    out = invoke(["ticket", "create", "--title", "x"], cwd=work, expect=2)
    assert out.stderr.rstrip().endswith("see 'docmgr ticket create --help'")


def test_unparseable_index_makes_ticket_not_found(
    invoke: Callable[..., Result], work: Path
) -> None:
    index = next((work / "ttmp").rglob("OK-1--fine/index.md"))
    index.write_text("---\nTitle: [broken\nTicket: OK-1\nDocType: index\n---\n", encoding="utf-8")
    out = invoke(["ticket", "show", "OK-1"], cwd=work, expect=1)
    assert_one_error_line(out.stderr)
    assert 'ticket not found: "OK-1"' in out.stderr


def test_root_that_is_a_file(invoke: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out = invoke(["doc", "list", "--root", str(tmp_path / "file")], cwd=tmp_path, expect=1)
    assert_one_error_line(out.stderr)


def test_template_without_ticket_cannot_reuse_another_tickets_folder(
    invoke: Callable[..., Result], work: Path
) -> None:
    invoke(
        ["ticket", "create", "--ticket", "A-1", "--title", "x", "--path-template", "shared"],
        cwd=work,
    )
    out = invoke(
        ["ticket", "create", "--ticket", "B-2", "--title", "y", "--path-template", "shared"],
        cwd=work,
        expect=1,
    )
    assert_one_error_line(out.stderr)
    assert "shared/index.md already exists" in out.stderr


def test_file_system_errors_are_one_line(invoke: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    out = invoke(
        ["ticket", "create", "--root", str(tmp_path / "afile"), "--ticket", "A-1", "--title", "x"],
        cwd=tmp_path,
        expect=1,
    )
    assert_one_error_line(out.stderr)
    out = invoke(["init", "--root", str(tmp_path / "afile/sub")], cwd=tmp_path, expect=1)
    assert_one_error_line(out.stderr)
    assert str(tmp_path / "afile") in out.stderr


def test_symlink_inside_root_cannot_carry_writes_outside(
    invoke: Callable[..., Result], work: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (work / "ttmp/escape").symlink_to(outside)
    ticket_dir = next((work / "ttmp").rglob("OK-1--fine"))
    (ticket_dir / "reference").symlink_to(outside)
    out = invoke(
        [
            "ticket",
            "create",
            "--ticket",
            "T-9",
            "--title",
            "x",
            "--path-template",
            "escape/{{TICKET}}",
        ],
        cwd=work,
        expect=1,
    )
    assert_one_error_line(out.stderr)
    out = invoke(
        ["doc", "add", "--ticket", "OK-1", "--doc-type", "reference", "--title", "x"],
        cwd=work,
        expect=1,
    )
    assert_one_error_line(out.stderr)
    assert list(outside.iterdir()) == []
