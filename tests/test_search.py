"""search / doc search: safe query text, every filter, reverse lookup, ordering, output."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import Result

from docmgr.reports.search import fts_expression
from docmgr.seams import dates

T = "2026/01/10/SRCH-1--search"
U = "2026/01/20/SRCH-2--other"


def _doc(
    title: str,
    ticket: str,
    *,
    doc_type: str = "design-doc",
    status: str = "active",
    topics: tuple[str, ...] = ("backend",),
    updated: str = "2026-01-10T10:00:00Z",
    related: tuple[tuple[str, str], ...] = (),
    sources: tuple[str, ...] = (),
    body: str = "",
) -> str:
    lines = ["---", f"Title: {title}", f"Ticket: {ticket}", f"Status: {status}", "Topics:"]
    lines += [f"    - {t}" for t in topics]
    lines += [f"DocType: {doc_type}", "RelatedFiles:"]
    for path, note in related:
        lines += [f"    - Path: {path}"] + ([f"      Note: {note}"] if note else [])
    lines += ["ExternalSources:"] + [f"    - {s}" for s in sources]
    lines += [f"LastUpdated: {updated}", "---", f"# {title}", "", body, ""]
    return "\n".join(lines)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    root = repo / "ttmp"
    files = {
        f"{T}/index.md": _doc("Search ticket", "SRCH-1", doc_type="index", body="Landing page."),
        f"{T}/design/01-plan.md": _doc(
            "Retry plan",
            "SRCH-1",
            topics=("backend", "Chat"),
            related=(
                ("repo://backend/chat/api/register.go", "Registers routes"),
                ("backend/api.go", ""),
            ),
            sources=("https://example.com/issue/42",),
            body="We handle foo-bar tokens in api.go and C++ bindings (see design notes).\n"
            "The WebSocket reconnect loop backs off exponentially.",
        ),
        f"{T}/reference/01-notes.md": _doc(
            "Designer notes",
            "SRCH-1",
            doc_type="reference",
            status="review",
            topics=("frontend",),
            updated="2025-12-01T09:00:00Z",
            related=(("backend/chatapi.go", "not the api one"),),
            body="foo bar appear without the dash here; api go too; design is everything; "
            'he said "hello (world".',
        ),
        f"{U}/index.md": _doc(
            "Other ticket",
            "SRCH-2",
            doc_type="index",
            status="complete",
            topics=("ops",),
            updated="2026-01-20T10:00:00Z",
            body="Runbooks live here.",
        ),
        f"{U}/playbooks/01-deploy.md": _doc(
            "Deploy playbook",
            "SRCH-2",
            doc_type="playbook",
            topics=("ops",),
            updated="2026-01-25T10:00:00Z",
            related=(("pkg/deploy/run.sh", "entry point"),),
            body="Deploy with care; reconnect the workers.",
        ),
        f"{U}/bad/02-broken.md": "---\nTitle: [unclosed\n---\nreconnect broken\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (repo / ".git").mkdir()
    for rel in (
        "backend/chat/api/register.go",
        "backend/api.go",
        "backend/chatapi.go",
        "pkg/deploy/run.sh",
    ):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text("x\n")
    return repo


def _paths(invoke: Callable[..., Result], cwd: Path, *args: str) -> list[str]:
    out = invoke(["search", *args, "--output", "json"], cwd=cwd).stdout
    return sorted(Path(r["path"]).name for r in json.loads(out))


# --------------------------------------------------------------------------- query text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("websocket", '"websocket"'),
        ("foo-bar", '"foo-bar"'),
        ("api.go", '"api.go"'),
        ("C++", '"C++"'),
        ('say "hello world"', '"say" "hello world"'),
        ('unbalanced "quote', '"unbalanced" "quote"'),
        ("(paren", '"(paren"'),
        ("design*", '"design"*'),
        ("a OR b", '"a" OR "b"'),
        ("OR a", '"a"'),
        ("a NOT", '"a"'),
        ('a"b', '"a""b"'),
        ("---", ""),
    ],
)
def test_fts_expression_quotes_user_text(text: str, expected: str) -> None:
    assert fts_expression(text)[0] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("websocket", ["01-plan.md"]),  # case-insensitive token match
        ("foo-bar", ["01-plan.md"]),  # literal, not "foo" near "bar"
        ("api.go", ["01-plan.md"]),
        ("C++", ["01-plan.md"]),
        ("design*", ["01-notes.md", "01-plan.md"]),  # prefix: design, designer
        ('"reconnect loop"', ["01-plan.md"]),
        ('"hello (world', ["01-notes.md"]),  # unbalanced quote and parenthesis
        ("(see", ["01-plan.md"]),
        ("reconnect", ["01-deploy.md", "01-plan.md"]),  # the broken doc is never a result
        ("nosuchword", []),
    ],
)
def test_query_searches_for_what_it_says(
    invoke: Callable[..., Result], ws: Path, query: str, expected: list[str]
) -> None:
    assert _paths(invoke, ws, "--query", query) == expected


def test_raw_fts_for_experts(invoke: Callable[..., Result], ws: Path) -> None:
    assert _paths(invoke, ws, "--fts", "reconnect NOT workers") == ["01-plan.md"]
    bad = invoke(["search", "--fts", "api.go"], cwd=ws, expect=1)
    assert "invalid full-text query" in bad.stderr


def test_ranked_with_snippets(invoke: Callable[..., Result], ws: Path) -> None:
    rows = json.loads(invoke(["search", "--query", "reconnect", "--output", "json"], cwd=ws).stdout)
    assert list(rows[0]) == ["ticket", "title", "doc_type", "status", "topics", "path", "snippet"]
    assert all("reconnect" in r["snippet"].lower() for r in rows)
    human = invoke(["doc", "search", "--query", "exponentially"], cwd=ws).stdout
    assert human.startswith(f"{T}/design/01-plan.md — Retry plan [SRCH-1] :: ")


# --------------------------------------------------------------------------- filters


def test_filters(invoke: Callable[..., Result], ws: Path) -> None:
    assert _paths(invoke, ws, "--ticket", "SRCH-2") == ["01-deploy.md", "index.md"]
    assert _paths(invoke, ws, "--ticket", "srch-2") == ["01-deploy.md", "index.md"]  # forgiving
    ambiguous = invoke(["search", "--ticket", "SRCH"], cwd=ws, expect=1).stderr
    assert 'ticket ambiguous: "SRCH" matches multiple tickets: SRCH-1' in ambiguous
    assert _paths(invoke, ws, "--doc-type", "reference") == ["01-notes.md"]
    assert _paths(invoke, ws, "--status", "review") == ["01-notes.md"]
    assert _paths(invoke, ws, "--topics", "chat,frontend") == [
        "01-notes.md",
        "01-plan.md",
    ]  # any, case-insensitive
    assert _paths(invoke, ws, "--external-source", "example.com") == ["01-plan.md"]
    assert _paths(invoke, ws, "--external-source", "see https://example.com/issue/42 now") == [
        "01-plan.md"
    ]
    assert _paths(invoke, ws, "--query", "reconnect", "--ticket", "SRCH-1") == ["01-plan.md"]


def test_date_filters(invoke: Callable[..., Result], ws: Path) -> None:
    assert _paths(invoke, ws, "--since", "2026-01-20") == ["01-deploy.md", "index.md"]
    assert _paths(invoke, ws, "--updated-since", "2026-01-21T00:00:00Z") == ["01-deploy.md"]
    assert _paths(invoke, ws, "--until", "2025-12-31") == ["01-notes.md"]
    # the fixed clock is 2026-02-08: "3 weeks ago" is 2026-01-18
    assert _paths(invoke, ws, "--since", "3 weeks ago") == ["01-deploy.md", "index.md"]
    bad = invoke(["search", "--since", "someday"], cwd=ws, expect=2)
    assert "invalid --since date" in bad.stderr


def test_created_since_uses_file_mtime(invoke: Callable[..., Result], ws: Path) -> None:
    old = datetime(2020, 1, 1, tzinfo=UTC).timestamp()
    for folder, _dirs, files in os.walk(ws / "ttmp"):
        for name in files:
            os.utime(os.path.join(folder, name), (old, old))
    fresh = ws / "ttmp" / T / "reference" / "01-notes.md"
    recent = datetime(2026, 2, 1, tzinfo=UTC).timestamp()
    os.utime(fresh, (recent, recent))
    assert _paths(invoke, ws, "--created-since", "2026-01-01") == ["01-notes.md"]


def test_reverse_lookup_file(invoke: Callable[..., Result], ws: Path) -> None:
    for query in (
        "register.go",
        "backend/chat/api/register.go",
        "repo://backend/chat/api/register.go",
        str(ws / "backend/chat/api/register.go"),
    ):
        assert _paths(invoke, ws, "--file", query) == ["01-plan.md"], query
    assert _paths(invoke, ws, "--file", "api.go") == ["01-plan.md"]  # not chatapi.go
    assert _paths(invoke, ws, "--file", "API.go") == []  # case-sensitive
    rows = json.loads(
        invoke(["search", "--file", "register.go", "--output", "json"], cwd=ws).stdout
    )
    assert rows[0]["file"] == "repo://backend/chat/api/register.go"
    assert rows[0]["file_note"] == "Registers routes"
    human = invoke(["search", "--file", "run.sh"], cwd=ws).stdout
    assert "file=pkg/deploy/run.sh note=entry point" in human


def test_reverse_lookup_dir(invoke: Callable[..., Result], ws: Path) -> None:
    assert _paths(invoke, ws, "--dir", "backend") == ["01-notes.md", "01-plan.md"]
    assert _paths(invoke, ws, "--dir", "backend/chat/") == ["01-plan.md"]
    assert _paths(invoke, ws, "--dir", "chat") == ["01-plan.md"]  # whole segment: not chatapi.go
    assert _paths(invoke, ws, "--dir", "pkg/deploy") == ["01-deploy.md"]


def test_needs_a_query_or_filter(invoke: Callable[..., Result], ws: Path) -> None:
    out = invoke(["search"], cwd=ws, expect=2)
    assert "must provide at least a query or filter" in out.stderr


def test_order_by(invoke: Callable[..., Result], ws: Path) -> None:
    rows = json.loads(
        invoke(
            [
                "search",
                "--topics",
                "backend,ops,frontend",
                "--order-by",
                "last_updated",
                "--output",
                "json",
            ],
            cwd=ws,
        ).stdout
    )
    assert [Path(r["path"]).name for r in rows] == [
        "01-notes.md",
        "01-plan.md",
        "index.md",
        "index.md",
        "01-deploy.md",
    ]
    invoke(["search", "--topics", "ops", "--order-by", "rank"], cwd=ws, expect=2)
    invoke(["search", "--topics", "ops", "--order-by", "size"], cwd=ws, expect=2)


def test_limit_reports_the_rest_on_stderr(invoke: Callable[..., Result], ws: Path) -> None:
    out = invoke(["search", "--query", "reconnect", "--limit", "1"], cwd=ws)
    assert len(out.stdout.strip().splitlines()) >= 1
    assert "1 more results" in out.stderr


def test_no_cache_gives_the_same_results(invoke: Callable[..., Result], ws: Path) -> None:
    a = invoke(["search", "--query", "design*", "--output", "json"], cwd=ws).stdout
    b = invoke(["search", "--query", "design*", "--no-cache", "--output", "json"], cwd=ws).stdout
    c = invoke(
        ["search", "--query", "design*", "--output", "json"], cwd=ws, env={"DOCMGR_NO_CACHE": "1"}
    ).stdout
    assert a == b == c


def test_search_sees_edits_between_commands(invoke: Callable[..., Result], ws: Path) -> None:
    assert _paths(invoke, ws, "--query", "zebra") == []
    plan = ws / "ttmp" / T / "design" / "01-plan.md"
    plan.write_text(plan.read_text() + "\nA zebra appears.\n")
    assert _paths(invoke, ws, "--query", "zebra") == ["01-plan.md"]
    plan.rename(plan.with_name("02-plan.md"))
    assert _paths(invoke, ws, "--query", "zebra") == ["02-plan.md"]
    plan.with_name("02-plan.md").unlink()
    assert _paths(invoke, ws, "--query", "zebra") == []


@pytest.mark.parametrize(
    ("real_world", "phrase", "found", "not_found"),
    [
        pytest.param(
            "quirky_workspace",
            '"dependency graph"',
            "2026/01/03/WG-002-GRAPH--dependency-graph-export/reference/"
            "02-dependency-graph-design.md",
            # both words, not as a phrase
            "2026/01/03/WG-002-GRAPH--dependency-graph-export/design-doc/01-layout-notes.md",
            id="quirks",
        ),
        pytest.param(
            "corpus",
            '"ticket graph"',
            "2026/01/03/002-ADD-TICKET-GRAPH--add-ticket-graph-command-mermaid/reference/"
            "02-ticket-graph-mermaid-design-and-implementation-guide.md",
            None,
            id="corpus",
            marks=pytest.mark.needs_corpus,
        ),
    ],
    indirect=["real_world"],
)
def test_real_world_phrase_is_found(
    invoke: Callable[..., Result], real_world: Path, phrase: str, found: str, not_found: str
) -> None:
    rows = json.loads(
        invoke(
            ["search", "--query", phrase, "--limit", "0", "--output", "json"], cwd=real_world
        ).stdout
    )
    paths = [r["path"] for r in rows]
    assert found in paths
    assert not_found is None or not_found not in paths


# --------------------------------------------------------------------------- dates


NOW = datetime(2026, 2, 8, 10, 47, 0, tzinfo=timezone(timedelta(hours=-5)))  # a Sunday


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("today", datetime(2026, 2, 8, tzinfo=NOW.tzinfo)),
        ("Yesterday", datetime(2026, 2, 7, tzinfo=NOW.tzinfo)),
        ("this week", datetime(2026, 2, 2, tzinfo=NOW.tzinfo)),
        ("lastweek", datetime(2026, 1, 26, tzinfo=NOW.tzinfo)),
        ("this month", datetime(2026, 2, 1, tzinfo=NOW.tzinfo)),
        ("last month", datetime(2026, 1, 1, tzinfo=NOW.tzinfo)),
        ("this year", datetime(2026, 1, 1, tzinfo=NOW.tzinfo)),
        ("last year", datetime(2025, 1, 1, tzinfo=NOW.tzinfo)),
        ("2 weeks ago", datetime(2026, 1, 25, tzinfo=NOW.tzinfo)),
        ("1 day ago", datetime(2026, 2, 7, tzinfo=NOW.tzinfo)),
        ("3 months ago", datetime(2025, 11, 8, tzinfo=NOW.tzinfo)),
        ("1 year ago", datetime(2025, 2, 8, tzinfo=NOW.tzinfo)),
        ("2026-01-31", datetime(2026, 1, 31, tzinfo=NOW.tzinfo)),
        ("2026-01-31 12:30:00", datetime(2026, 1, 31, 12, 30, tzinfo=NOW.tzinfo)),
        ("2026-01-31T12:30:00", datetime(2026, 1, 31, 12, 30, tzinfo=NOW.tzinfo)),
        ("2026-01-31T12:30:00Z", datetime(2026, 1, 31, 12, 30, tzinfo=UTC)),
        (
            "2026-01-31T12:30:00.5+02:00",
            datetime(2026, 1, 31, 12, 30, 0, 500000, tzinfo=timezone(timedelta(hours=2))),
        ),
    ],
)
def test_date_phrases(phrase: str, expected: datetime) -> None:
    assert dates.parse(phrase, NOW) == expected


@pytest.mark.parametrize("phrase", ["someday", "2 fortnights ago", "31/01/2026", ""])
def test_bad_date_phrases(phrase: str) -> None:
    with pytest.raises(ValueError):
        dates.parse(phrase, NOW)
