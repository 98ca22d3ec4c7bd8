"""``docmgr site build``: a static site from a real repository, every ticket and document a
page, every internal link a file of the site, and the pages work from ``file://``."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from webkit import (
    T1,
    T2,
    T3,
    Built,
    build_in,
    chromium,
    dump_dom,
    visible_text,
)

from docmgr.web.links import doc_file, ticket_file


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_in(tmp_path_factory.mktemp("web-site"))


@pytest.fixture
def site(invoke: Any, built: Built, tmp_path: Path) -> Path:
    out = tmp_path / "_site"
    result = invoke(["site", "build", "--out", str(out), "--output", "json"], cwd=built.cwd)
    [row] = json.loads(result.stdout)
    assert row["tickets"] == 3 and row["failed"] == 0 and row["assets"] == 1
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "href" or (name == "src" and tag in ("img", "script"))):
                self.targets.append(value)
            if value and name == "action":
                self.targets.append(value)


def internal_targets(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    out = []
    for target in parser.targets:
        parts = urlsplit(target)
        if parts.scheme or target.startswith(("#", "//")):
            continue
        assert not target.startswith("/"), f"{page}: absolute link {target}"
        out.append(unquote(parts.path))
    return out


def test_every_ticket_and_document_has_a_page(site: Path, built: Built) -> None:
    for ticket in (T1, T2, T3):
        page = site / ticket_file(ticket)
        assert page.is_file(), ticket
    for doc in built.root.rglob("*.md"):
        rel = doc.relative_to(built.root).as_posix()
        if rel.startswith("_"):
            continue  # templates and guidelines are not documents
        assert (site / doc_file(rel)).is_file(), rel
    for name in (
        "index.html",
        "tickets.html",
        "search.html",
        "health.html",
        ".nojekyll",
        "search-index.json",
        "static/search-index.js",
        "static/style.css",
    ):
        assert (site / name).is_file(), name


def test_every_internal_link_resolves_to_a_file_of_the_site(site: Path) -> None:
    checked = 0
    for page in site.rglob("*.html"):
        for target in internal_targets(page):
            resolved = (page.parent / target).resolve()
            assert resolved.is_file(), f"{page.relative_to(site)} links to missing {target}"
            assert site.resolve() in resolved.parents
            checked += 1
    assert checked > 100


def test_pages_show_the_diary_and_no_write_forms(site: Path, built: Built) -> None:
    diary = (site / doc_file(built.diary.relative_to(built.root).as_posix())).read_text()
    text = visible_text(diary)
    assert "Diary: 5 steps" in text and f"verified {built.code_commit[:7]}" in text
    assert f"unreachable {built.rewritten_old[:7]}" in text
    ticket = (site / ticket_file(T1)).read_text()
    assert 'id="task-add"' not in ticket and "disabled" in ticket
    assert "/api/v1" not in ticket
    index = json.loads((site / "search-index.json").read_text())
    assert {d["p"] for d in index["docs"]} >= {
        built.design.relative_to(built.root).as_posix(),
        built.diary.relative_to(built.root).as_posix(),
    }


def test_rebuild_replaces_the_site_but_never_a_foreign_folder(
    invoke: Any, built: Built, site: Path, tmp_path: Path
) -> None:
    stale = site / "ticket" / "GONE.html"
    stale.write_text("old")
    invoke(["site", "build", "--out", str(site)], cwd=built.cwd)
    assert not stale.exists() and (site / "index.html").is_file()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("precious")
    failed = invoke(["site", "build", "--out", str(foreign)], cwd=built.cwd, expect=1)
    assert "not empty and was not built by docmgr site build" in failed.stderr
    assert (foreign / "keep.txt").read_text() == "precious"
    inside = invoke(["site", "build", "--out", str(built.root / "site")], cwd=built.cwd, expect=1)
    assert "overlaps the docs root" in inside.stderr


BROWSER = chromium()
needs_browser = pytest.mark.skipif(
    BROWSER is None,
    reason="no chromium binary on PATH (Debian: apt-get install -y chromium; .ci/run installs it)",
)


@needs_browser
def test_pages_open_from_file_urls(site: Path, tmp_path: Path) -> None:
    assert BROWSER is not None
    profile = tmp_path / "profile"
    home = visible_text(dump_dom(BROWSER, profile, (site / "index.html").as_uri()))
    assert "3 tickets" in home and "Audit trail for widgets" in home
    ticket = visible_text(dump_dom(BROWSER, profile, (site / ticket_file(T1)).as_uri()))
    assert "Write the audit log" in ticket
    # the search box runs in the page over the prebuilt index, even from file://
    found = dump_dom(BROWSER, profile, (site / "search.html").as_uri() + "?q=widget")
    assert re.search(r"[1-9]\d* results?", visible_text(found))
    assert "Widget audit design" in visible_text(found.split('id="search-results"', 1)[1])
    filtered = dump_dom(BROWSER, profile, (site / "tickets.html").as_uri() + "?status=review")
    assert "1 of 3 tickets" in visible_text(filtered)
