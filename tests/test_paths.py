"""Path safety and naming: ticket ids, slugs (spec §2.6), path templates, containment."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from docmgr.errors import SymlinkWrite, UnsafePath, UsageProblem
from docmgr.seams import paths

WHEN = datetime(2026, 2, 8, 10, 47, tzinfo=timezone(timedelta(hours=-5)))


@pytest.mark.parametrize(
    ("ticket", "title", "basename"),
    [
        (
            "MEN-4242",
            "Normalize chat API paths and WebSocket lifecycle",
            "MEN-4242--normalize-chat-api-paths-and-websocket-lifecycle",
        ),
        (
            "MEN-5678",
            "Secondary ticket — WebSocket reconnection plan",
            "MEN-5678--secondary-ticket-websocket-reconnection-plan",
        ),
        (
            "TEST-9999",
            "TEST-9999: Test ticket with ticket in title",
            "TEST-9999--test-ticket-with-ticket-in-title",
        ),
        ("TEST-1234", "TEST-1234 - Another test", "TEST-1234--another-test"),
        ("MEN-4242", "MEN-4242 — Unicode dash title", "MEN-4242--unicode-dash-title"),
        ("MEN-0001", "MEN-0001", "MEN-0001--men-0001"),
        ("DOC-42", "", "DOC-42--doc-42"),
        (
            "X",
            "go-go-mento: Webchat/Web hydration and integration reference",
            "X--go-go-mento-webchat-web-hydration-and-integration-reference",
        ),
        ("X", "Café déjà vu", "X--cafe-deja-vu"),  # Go: X--caf-d-j-vu (we transliterate)
    ],
)
def test_slug_table_of_spec(ticket: str, title: str, basename: str) -> None:
    rel = paths.render_path_template(
        paths.DEFAULT_PATH_TEMPLATE,
        ticket=ticket,
        title=title,
        slug=paths.ticket_slug(ticket, title),
        when=WHEN,
    )
    assert rel == f"2026/02/08/{basename}"


def test_ticket_prefix_is_stripped_case_insensitively() -> None:
    assert paths.ticket_slug("men-1", "MEN-1: Lower id") == "lower-id"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hello World", "hello-world"),
        ("  --Trim--  ", "trim"),
        ("", "document"),
        ("!!!", "document"),
        ("a__b..c", "a-b-c"),
        ("ÄÖÜ", "aou"),
        ("日本", "document"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert paths.slugify(text) == slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("01 Intro", "intro"),
        ("123-Big", "big"),
        ("1 Small", "1-small"),
        ("Path Normalization Strategy", "path-normalization-strategy"),
        ("01", "01"),
        ("", "document"),
    ],
)
def test_doc_slug_drops_numeric_prefix(title: str, slug: str) -> None:
    assert paths.doc_slug(title) == slug


@pytest.mark.parametrize(
    "bad",
    [
        "a/b",
        "a\\b",
        "..",
        "a..b",
        "../x",
        "a\x00b",
        "a\nb",
        "a\tb",
        "a\x7fb",
        "",
        "   ",
        "\t",
        " lead",
        "trail ",
    ],
)
def test_bad_ticket_ids_are_refused(bad: str) -> None:
    with pytest.raises(UnsafePath):
        paths.validate_ticket_id(bad)


@pytest.mark.parametrize("good", ["MEN-4242", "a--b", "001-ADD-DOCMGR-UI", "x.y", "Ünïcode"])
def test_good_ticket_ids_pass(good: str) -> None:
    assert paths.validate_ticket_id(good) == good


@pytest.mark.parametrize("bad", ["../x", "a/b", "..", ".", "a\\b", "", " ", "x\x00"])
def test_bad_segments_are_refused(bad: str) -> None:
    with pytest.raises(UnsafePath):
        paths.validate_segment(bad, what="doc type")


def test_path_template_placeholders() -> None:
    rel = paths.render_path_template(
        "{{DATE}}/{{TICKET}}/{{YYYY}}-{{MM}}-{{DD}}/{{TITLE}}--{{SLUG}}",
        ticket="A-1",
        title="Raw Title",
        slug="raw-title",
        when=WHEN,
    )
    assert rel == "2026-02-08/A-1/2026-02-08/Raw Title--raw-title"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("/abs/{{TICKET}}", "abs/A-1"),
        ("./{{TICKET}}", "A-1"),
        ("x/../{{TICKET}}", "A-1"),
        ("a//b/{{TICKET}}/", "a/b/A-1"),
    ],
)
def test_path_template_is_cleaned(template: str, expected: str) -> None:
    assert (
        paths.render_path_template(template, ticket="A-1", title="t", slug="t", when=WHEN)
        == expected
    )


@pytest.mark.parametrize("template", ["..", "../{{TICKET}}", "x/../../{{TICKET}}", "{{TITLE}}"])
def test_path_template_escaping_root_is_refused(template: str) -> None:
    with pytest.raises(UnsafePath, match="path template resolves outside root"):
        paths.render_path_template(template, ticket="A-1", title="../../etc", slug="t", when=WHEN)


def test_empty_path_template_result_is_refused() -> None:
    with pytest.raises(UsageProblem, match="path template resolved to empty path"):
        paths.render_path_template("./", ticket="A-1", title="t", slug="t", when=WHEN)


def test_resolve_inside(tmp_path: Path) -> None:
    assert paths.resolve_inside(tmp_path, "a/b") == tmp_path / "a" / "b"
    assert paths.resolve_inside(tmp_path, "a/../b") == tmp_path / "b"
    for bad in ("../x", "a/../../x", "/etc/passwd", "x\x00"):
        with pytest.raises(UnsafePath):
            paths.resolve_inside(tmp_path, bad)


def test_is_inside(tmp_path: Path) -> None:
    assert paths.is_inside(tmp_path, tmp_path / "a")
    assert paths.is_inside(tmp_path, tmp_path)
    assert not paths.is_inside(tmp_path / "a", tmp_path / "ab")
    assert not paths.is_inside(tmp_path, tmp_path.parent)


def test_placeholders_in_values_are_not_expanded_again() -> None:
    rel = paths.render_path_template(
        "{{TICKET}}/{{SLUG}}", ticket="{{TITLE}}", title="../../x", slug="{{DATE}}", when=WHEN
    )
    assert rel == "{{TITLE}}/{{DATE}}"


def test_resolve_inside_refuses_symlink_escape(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "evil").symlink_to(outside)
    (root / "fine").symlink_to(root / "real", target_is_directory=True)
    (root / "real").mkdir()
    with pytest.raises(UnsafePath, match="through a symlink"):
        paths.resolve_inside(root, "evil/new/file.md")
    with pytest.raises(UnsafePath, match="through a symlink"):
        paths.resolve_inside(root, "evil")
    with pytest.raises(SymlinkWrite, match="through a symlink"):  # a write never goes through
        paths.resolve_inside(root, "fine/x.md")  # a link, even one that stays inside
    assert paths.confine(root, "fine/x.md", cwd=root) == root / "fine" / "x.md"  # a read may
    assert paths.resolve_inside(root, "not/yet/there") == root / "not/yet/there"


def test_resolve_inside_accepts_a_symlinked_root(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    assert paths.resolve_inside(tmp_path / "link", "a/b") == tmp_path / "link/a/b"
