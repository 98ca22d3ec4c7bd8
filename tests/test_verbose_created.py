"""``ticket create --verbose`` and ``doc add --verbose`` print the Go tool's "Created" reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result


@pytest.fixture
def work(invoke: Callable[..., Result], tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    invoke(["init"], cwd=tmp_path)
    return tmp_path


def test_ticket_create_verbose_lists_every_created_path(
    invoke: Callable[..., Result], work: Path
) -> None:
    out = invoke(
        [
            "ticket",
            "create",
            "--ticket",
            "MEN-4242",
            "--title",
            "Chat paths",
            "--verbose",
            "--scaffold-dirs",  # the Go tool's eight folders, listed as it lists them
        ],
        cwd=work,
    ).stdout
    rel = "2026/02/08/MEN-4242--chat-paths"
    dirs = ["", "/design", "/reference", "/playbooks", "/scripts", "/sources", "/.meta"]
    dirs += ["/various", "/archive"]
    expected = [
        f"Docs root: `{work / 'ttmp'}`",
        "",
        "## Ticket Workspace Created",
        "",
        "- Ticket: MEN-4242",
        "- Title: Chat paths",
        f"- Path: `{rel}`",
        "- Directories: 9",
        "- Files: 4",
        "",
        "### Created Directories",
        *(f"- `{rel}{d}`" for d in dirs),
        "",
        "### Created Files",
        *(f"- `{rel}/{name}`" for name in ("index.md", "README.md", "tasks.md", "changelog.md")),
    ]
    assert out.splitlines() == expected
    assert (work / "ttmp" / rel / "index.md").is_file()


def test_ticket_create_without_verbose_stays_one_line(
    invoke: Callable[..., Result], work: Path
) -> None:
    out = invoke(["ticket", "create", "--ticket", "A-1", "--title", "t"], cwd=work).stdout
    assert out == "created A-1 at ttmp/2026/02/08/A-1--t (1 dirs, 4 files)\n"


def test_doc_add_verbose_shows_the_document_and_its_guidelines(
    invoke: Callable[..., Result], work: Path
) -> None:
    invoke(
        ["ticket", "create", "--ticket", "MEN-1", "--title", "t", "--topics", "chat,backend"],
        cwd=work,
    )
    out = invoke(
        ["doc", "add", "--ticket", "MEN-1", "--doc-type", "design-doc", "--title", "Plan"]
        + ["--verbose"],
        cwd=work,
    ).stdout
    head = [
        f"Docs root: `{work / 'ttmp'}`",
        f"Config: `{work / '.ttmp.yaml'}`",
        f"Vocabulary: `{work / 'ttmp' / 'vocabulary.yaml'}`",
        "",
        "## Document Created",
        "",
        "- Ticket: MEN-1",
        "- Doc type: design-doc",
        "- Title: Plan",
        "- Status: active",
        "- Intent: long-term",
        "- Topics: chat, backend",
        "- Owners: —",
        "- Path: `2026/02/08/MEN-1--t/design-doc/01-plan.md`",
        "",
        "### Guidelines for design-doc",
        "",
        "# Guidelines: Design Documents",
    ]
    assert out.splitlines()[: len(head)] == head


def test_doc_add_verbose_without_guidelines_says_how_to_list_them(
    invoke: Callable[..., Result], work: Path
) -> None:
    invoke(["ticket", "create", "--ticket", "MEN-1", "--title", "t"], cwd=work)
    out = invoke(
        ["doc", "add", "--ticket", "MEN-1", "--doc-type", "analysis", "--title", "A", "--verbose"],
        cwd=work,
    ).stdout
    assert out.endswith(
        "\n(No guidelines found for doc-type analysis. Use `docmgr doc guidelines --list` "
        "to view available types.)\n"
    )
