"""The web UI's pages and the Markdown renderer: what they show, and what they never let through."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from webkit import T1, T2, Built, build_in, client, rel, visible_text

from docmgr.web import markdown
from docmgr.web.links import ServerLinks, SiteLinks


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_in(tmp_path_factory.mktemp("web-ui"))


@pytest.fixture(scope="module")
def ui(built: Built) -> Any:
    return client(built.cwd)


def page(ui: Any, url: str, expect: int = 200, **params: str) -> str:
    res = ui.get(url, params=params)
    assert res.status_code == expect, res.text[:2000]
    assert res.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in res.headers["content-security-policy"]
    return str(res.text)


def test_home_shows_counts_and_recent_tickets(ui: Any) -> None:
    text = visible_text(page(ui, "/"))
    assert "3 tickets 2 active 1 in review 0 complete 0 draft" in text
    assert "Audit trail for widgets" in text and "Operations runbook" in text


def test_ticket_list_filters(ui: Any) -> None:
    text = visible_text(page(ui, "/tickets"))
    assert "3 of 3 tickets" in text and "0/3" in text
    review = visible_text(page(ui, "/tickets", status="review"))
    assert "1 of 3 tickets" in review and "Review queue" in review
    assert "Operations runbook" not in review
    by_topic = visible_text(page(ui, "/tickets", topic="ops"))
    assert "Operations runbook" in by_topic and "Review queue" not in by_topic
    assert "Operations runbook" in visible_text(page(ui, "/tickets", q="runbook"))


def test_ticket_page(ui: Any, built: Built) -> None:
    html = page(ui, "/ticket/WEB-1")  # a forgiving reference
    text = visible_text(html)
    for expected in (
        "Audit trail for widgets",
        T1,
        "owners: alice, bob",
        "Widget audit design",
        "Write the audit log",
        "Decided on an append-only log",
        "repo://src/app.py",
        "writes the audit log",
        "Mermaid source",
    ):
        assert expected in text, expected
    assert 'data-ref="' in html and 'id="task-add"' in html  # live: tasks can be checked/added
    assert html.count('class="task-box"') == 3
    assert 'href="/file?root=repo&amp;path=src%2Fapp.py"' in html
    assert "Step 1" not in text  # the diary is a document of the ticket, not inlined
    assert re.search(r'href="/doc\?path=[^"]*01-diary\.md"', html)


def test_unknown_and_ambiguous_tickets_are_error_pages(ui: Any) -> None:
    assert "ticket not found" in visible_text(page(ui, "/ticket/NOPE", 404))
    assert "matches multiple tickets" in visible_text(page(ui, "/ticket/WEB", 400))
    assert "no page at" in visible_text(page(ui, "/no/such/page", 404))


def test_diary_page_is_a_checked_timeline(ui: Any, built: Built) -> None:
    html = page(ui, "/doc", path=rel(built, built.diary))
    text = visible_text(html)
    assert "Diary: 5 steps" in text
    step1 = text[text.index("Step 1 Audit log writer") : text.index("Step 2 Audit view")]
    assert f"verified {built.code_commit[:7]} Add the audit log writer Test User" in step1
    assert "2 files changed · 1 related to the ticket" in step1
    assert "Wrote the writer." in step1 and "Added src/app.py" in step1
    step2 = text[text.index("Step 2 Audit view") : text.index("Step 3 Thinking only")]
    assert f"unreachable {built.rewritten_old[:7]}" in step2
    assert "proposed replacement on HEAD" in step2 and built.rewritten_new[:7] in step2
    assert "(same patch;" in step2
    assert "N/A no code commit for this step" in text
    assert f"missing {built.lost[:7]}" in text and "no replacement was found" in text
    assert "pending commit pending" in text
    # links to the commit on the remote (scp-form origin → https)
    assert f'href="https://github.com/acme/widgets/commit/{built.code_commit}"' in html
    # the changed files, the ticket's related file marked
    assert re.search(r'<li class="related"[^>]*>src/app.py</li>', html)
    assert "<li>src/util.py</li>" in html
    # the step index links to the step cards
    assert 'id="step-1-audit-log-writer"' in html and 'href="#step-1-audit-log-writer"' in html
    # the commit line itself is not repeated under the card, nor are empty N/A sections
    assert "**Commit" not in html and "Commit (code):" not in text


def test_document_page_rewrites_and_sanitises(ui: Any, built: Built) -> None:
    html = page(ui, "/doc", path=rel(built, built.design))
    text = visible_text(html)
    assert "<script>" not in html.split("<footer")[0].replace('<script src="/static/app.js">', "")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html  # shown, never run
    assert "javascript:" not in html.replace("[bad](javascript:alert(1))", "")
    assert 'href="/doc?path=' in html and "index.md" in html  # ../index.md → its doc page
    assert 'href="/file?root=repo&amp;path=src%2Fapp.py"' in html  # repo file → viewer
    assert 'src="/api/v1/files/raw?root=docs&amp;path=' in html  # image → raw bytes
    assert "<table>" in html and "<td>alice</td>" in html
    assert "Widget audit design" in text


def test_file_search_and_health_pages(ui: Any) -> None:
    shown = visible_text(page(ui, "/file", root="repo", path="src/app.py"))
    assert "def log(event):" in shown
    assert "path escapes allowed root" in visible_text(page(ui, "/file", 403, path="../x"))
    found = visible_text(page(ui, "/search", q="widget"))
    assert "Widget audit design" in found and "result" in found
    reverse = visible_text(page(ui, "/search", q="src/app.py", mode="reverse"))
    assert "Audit trail for widgets" in reverse and "relates repo://src/app.py" in reverse
    files = visible_text(page(ui, "/search", q="VIEW", mode="files"))
    assert "src/view.py" in files
    health = visible_text(page(ui, "/health"))
    assert "tickets checked" in health and T2 in health


def test_static_files_and_redirects(ui: Any) -> None:
    css = ui.get("/static/style.css")
    assert css.status_code == 200 and "--accent" in css.text
    assert ui.get("/static/../gate.py").status_code == 404
    moved = ui.get("/workspace/tickets", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == "/tickets"


# ---------------------------------------------------------------------------- markdown


def render(text: str, links: Any = None, doc_rel: str = "2026/01/01/T--x/design/01-a.md") -> str:
    context = markdown.LinkContext(
        links or ServerLinks(), doc_rel=doc_rel, docs_root=Path("/r/ttmp"), repo_root=Path("/r")
    )
    return markdown.render(text, context)


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "text <img src=x onerror=alert(1)> more",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "<iframe src=//evil></iframe>",
        "![x](javascript:alert(1))",
        "<svg onload=alert(1)>",
    ],
)
def test_markdown_never_emits_active_content(source: str) -> None:
    html = render(source)
    assert not re.search(
        r"<(script|img|iframe|svg|a)\b[^>]*(javascript|onerror|onload)", html, re.I
    )
    assert "<script" not in html and "<iframe" not in html and "<svg" not in html
    assert 'href="javascript' not in html.lower() and 'href="data:' not in html


def test_markdown_gfm_anchors_front_matter_and_comments() -> None:
    html = render(
        "---\nTitle: x\n---\n# Step 3: Do it — now\n\n<!-- hidden note -->\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] open\n\n~~gone~~\n"
    )
    assert "Title: x" not in html
    assert '<h1 id="step-3-do-it--now">' in html
    assert "hidden note" not in html
    assert "<table>" in html and "<td>1</td>" in html
    assert 'type="checkbox"' in html and "<s>gone</s>" in html


def test_markdown_links_for_the_server_and_the_site() -> None:
    source = (
        "[i](../index.md#top) [e](https://example.com/x) [m](mailto:a@b.c)"
        " [up](../../../../../../x.py) [out](../../../../../../../etc/passwd)"
        " [f](#local) ![p](pic.png) ![r](https://t/x.png)"
    )
    live = render(source)
    assert 'href="/doc?path=2026%2F01%2F01%2FT--x%2Findex.md#top"' in live
    assert 'href="https://example.com/x" rel="noopener noreferrer"' in live
    assert 'href="mailto:a@b.c"' in live
    assert 'href="/file?root=repo&amp;path=x.py"' in live
    assert 'class="dead-link"' in live  # /etc/passwd: outside the repository
    assert 'href="#local"' in live
    assert (
        'src="/api/v1/files/raw?root=docs&amp;path=2026%2F01%2F01%2FT--x%2Fdesign%2Fpic.png"'
        in (live)
    )
    assert "[image: r]" in live  # no image is fetched from outside
    links = SiteLinks("doc/2026/01/01/T--x/design/01-a.html")
    site = render(source, links)
    assert 'href="../index.html#top"' in site
    assert 'src="../../../../../../files/docs/2026/01/01/T--x/design/pic.png"' in site
    assert links.assets == {"2026/01/01/T--x/design/pic.png"}
    assert site.count('class="dead-link"') == 2  # repo files are not part of the site


def test_the_auditor_docs_and_their_screenshot() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs"
    text = (docs / "auditors.md").read_text(encoding="utf-8")
    assert "](img/auditor-diary.png)" in text
    shot = docs / "img" / "auditor-diary.png"
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size < 400_000
    for badge in ("verified", "unreachable", "missing", "pending", "N/A", "no commit"):
        assert f"**{badge}**" in text, badge
    assert "actions/deploy-pages" in text and "docmgr site build" in text
