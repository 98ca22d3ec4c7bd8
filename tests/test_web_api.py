"""``/api/v1`` against a real workspace in a real git repository (Starlette's TestClient).

Every endpoint of spec §9: the response keys, pagination cursors, every error code, the
confinement gate, the Host/Origin rules, and that writes land in the files."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest
from webkit import T1, T2, T3, Built, build_in, client, copy_built, rel

from docmgr.formats import tasks as tasks_format

OWN = "http://127.0.0.1:8787"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_in(tmp_path_factory.mktemp("web-api"))


@pytest.fixture(scope="module")
def api(built: Built) -> Any:
    return client(built.cwd)


@pytest.fixture
def writable(built: Built, tmp_path: Path) -> Built:
    return copy_built(built, tmp_path)


def error(res: Any, status: int, code: str) -> dict[str, Any]:
    assert res.status_code == status, res.text
    assert res.headers["content-type"].startswith("application/json")
    body = res.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code, body
    found: dict[str, Any] = body["error"]
    return found


def cursor(offset: int) -> str:
    raw = json.dumps({"v": 1, "o": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# ---------------------------------------------------------------------------- workspace


def test_healthz_and_method_not_allowed(api: Any) -> None:
    res = api.get("/api/v1/healthz")
    assert res.status_code == 200 and res.json() == {"ok": True}
    assert res.text.endswith("\n")
    error(api.post("/api/v1/healthz", json={}), 405, "method_not_allowed")
    error(api.delete("/api/v1/tickets/get"), 405, "method_not_allowed")


def test_unknown_endpoint_is_a_json_404(api: Any) -> None:
    error(api.get("/api/v1/nope"), 404, "not_found")


def test_workspace_status(api: Any, built: Built) -> None:
    body = api.get("/api/v1/workspace/status").json()
    assert set(body) == {
        "root",
        "configDir",
        "repoRoot",
        "configPath",
        "vocabularyPath",
        "indexedAt",
        "docsIndexed",
        "ftsAvailable",
    }
    assert body["root"] == str(built.root)
    assert body["repoRoot"] == str(built.cwd)
    assert body["vocabularyPath"] == str(built.root / "vocabulary.yaml")
    assert body["docsIndexed"] > 10 and body["ftsAvailable"] is True
    assert body["indexedAt"].endswith("Z")


def test_workspace_summary(api: Any) -> None:
    body = api.get("/api/v1/workspace/summary").json()
    assert set(body) == {"root", "repoRoot", "indexedAt", "docsIndexed", "stats", "recent"}
    assert body["stats"] == {
        "ticketsTotal": 3,
        "ticketsActive": 2,
        "ticketsComplete": 0,
        "ticketsReview": 1,
        "ticketsDraft": 0,
    }
    assert {t["ticket"] for t in body["recent"]["tickets"]} == {T1, T2, T3}
    assert set(body["recent"]["docs"][0]) == {
        "path",
        "ticket",
        "title",
        "docType",
        "status",
        "topics",
        "updatedAt",
    }


TICKET_ITEM = {
    "ticket",
    "title",
    "status",
    "topics",
    "owners",
    "intent",
    "createdAt",
    "updatedAt",
    "ticketDir",
    "indexPath",
    "snippet",
    "stats",
}


def test_workspace_tickets_filters_and_order(api: Any) -> None:
    body = api.get("/api/v1/workspace/tickets").json()
    assert set(body) == {"query", "total", "results", "nextCursor"}
    assert body["total"] == 3 and body["nextCursor"] == ""
    assert set(body["results"][0]) == TICKET_ITEM
    assert body["results"][0]["stats"] is None
    assert body["query"]["orderBy"] == "last_updated" and body["query"]["includeArchived"]

    def ids(**params: str) -> list[str]:
        res = api.get("/api/v1/workspace/tickets", params=params)
        assert res.status_code == 200, res.text
        return [t["ticket"] for t in res.json()["results"]]

    assert ids(status="review") == [T2]
    assert ids(owners="alice") == [T1]
    assert ids(topics="ops,nothing") == [T3]
    assert ids(q="runbook") == [T3]
    assert ids(orderBy="ticket") == [T3, T1, T2]
    assert ids(orderBy="ticket", reverse="yes") == [T2, T1, T3]
    assert ids(orderBy="title") == [T1, T3, T2]
    with_stats = api.get("/api/v1/workspace/tickets", params={"ticket": T1, "includeStats": "1"})
    stats = with_stats.json()["results"][0]["stats"]
    # parseable documents: index, design doc, diary (tasks.md and changelog.md have no header)
    assert stats == {"docsTotal": 3, "tasksTotal": 3, "tasksDone": 0, "relatedFilesTotal": 1}
    error(api.get("/api/v1/workspace/tickets", params={"orderBy": "size"}), 400, "invalid_argument")


def test_workspace_tickets_cursor(api: Any) -> None:
    first = api.get("/api/v1/workspace/tickets", params={"pageSize": 2, "orderBy": "ticket"})
    body = first.json()
    assert [t["ticket"] for t in body["results"]] == [T3, T1]
    assert body["nextCursor"] == cursor(2) and body["total"] == 3
    second = api.get(
        "/api/v1/workspace/tickets",
        params={"pageSize": 2, "orderBy": "ticket", "cursor": body["nextCursor"]},
    ).json()
    assert [t["ticket"] for t in second["results"]] == [T2]
    assert second["nextCursor"] == ""
    past = api.get("/api/v1/workspace/tickets", params={"cursor": cursor(99)}).json()
    assert past["results"] == [] and past["total"] == 3
    for bad in ("%%%", cursor(-1), base64.urlsafe_b64encode(b'{"v":2,"o":1}').decode()):
        error(api.get("/api/v1/workspace/tickets", params={"cursor": bad}), 400, "invalid_cursor")


def test_facets_recent_topics(api: Any) -> None:
    facets = api.get("/api/v1/workspace/facets").json()
    assert set(facets) == {"statuses", "docTypes", "intents", "topics", "owners"}
    assert facets["owners"] == ["alice", "bob"]
    assert "design-doc" in facets["docTypes"]
    recent = api.get("/api/v1/workspace/recent", params={"ticketsLimit": 1, "docsLimit": 2}).json()
    assert len(recent["tickets"]) == 1 and len(recent["docs"]) == 2
    topics = api.get("/api/v1/workspace/topics").json()
    web = next(t for t in topics["results"] if t["topic"] == "web")
    assert web["ticketsTotal"] == 2 and set(web) == {
        "topic",
        "docsTotal",
        "ticketsTotal",
        "updatedAt",
    }
    assert topics["results"][0]["topic"] == "web"  # most tickets first
    detail = api.get("/api/v1/workspace/topics/get", params={"topic": "web"}).json()
    assert set(detail) == {"topic", "stats", "tickets", "docs"}
    assert [t["ticket"] for t in detail["tickets"]] == [T1, T2]
    error(api.get("/api/v1/workspace/topics/get"), 400, "invalid_argument")


def test_workspace_doctor(api: Any) -> None:
    body = api.get("/api/v1/workspace/doctor", params={"ticket": "WEB-1"}).json()
    assert set(body) == {"ticket", "totals", "rollup", "findings"}
    assert body["ticket"] == T1
    assert [r["ticket"] for r in body["rollup"]] == [T1]
    assert set(body["rollup"][0]) == {"ticket", "errors", "warnings", "infos", "status"}
    assert set(body["findings"][0]) == {"ticket", "issue", "severity", "message", "path"}
    issues = {f["issue"] for f in body["findings"]}
    assert body["totals"]["findings"] == len(body["findings"]) >= 1, issues
    whole = api.get("/api/v1/workspace/doctor").json()
    assert whole["ticket"] == "" and whole["totals"]["ticketsChecked"] >= 3
    error(api.get("/api/v1/workspace/doctor", params={"ticket": "NOPE-9"}), 404, "not_found")


def test_index_refresh_sees_a_new_file(writable: Built) -> None:
    api = client(writable.cwd)
    before = api.get("/api/v1/workspace/status").json()["docsIndexed"]
    extra = writable.t1_dir / "various" / "01-note.md"
    extra.parent.mkdir(exist_ok=True)
    extra.write_text("---\nTitle: Note\nTicket: WEB-1-AUDIT\nDocType: various\n---\nhi\n")
    res = api.post("/api/v1/index/refresh")
    assert res.status_code == 200
    body = res.json()
    assert set(body) == {"refreshed", "indexedAt", "docsIndexed", "ftsAvailable"}
    assert body["refreshed"] is True and body["docsIndexed"] == before + 1
    error(api.get("/api/v1/index/refresh"), 405, "method_not_allowed")


# ---------------------------------------------------------------------------- search


def test_search_docs_query_and_shape(api: Any, built: Built) -> None:
    body = api.get("/api/v1/search/docs", params={"query": "widget audit"}).json()
    assert set(body) == {"query", "total", "results", "diagnostics", "nextCursor"}
    assert rel(built, built.design) in [r["path"] for r in body["results"]]
    hit = next(r for r in body["results"] if r["path"] == rel(built, built.design))
    assert {
        "ticket",
        "title",
        "docType",
        "status",
        "topics",
        "path",
        "snippet",
        "relatedFiles",
        "matchedFiles",
        "matchedNotes",
        "lastUpdated",
    } == set(hit)
    assert body["query"]["query"] == "widget audit"
    everything = api.get("/api/v1/search/docs").json()  # the API allows an empty query
    assert everything["total"] == 5  # every parseable document


def test_search_docs_reverse_lookup(api: Any) -> None:
    body = api.get("/api/v1/search/docs", params={"file": "src/app.py"}).json()
    assert body["total"] == 1
    assert body["results"][0]["matchedFiles"] == ["repo://src/app.py"]
    assert body["results"][0]["matchedNotes"] == ["writes the audit log"]
    moved = api.get("/api/v1/search/docs", params={"query": "app.py", "reverse": "true"}).json()
    assert moved["query"]["file"] == "app.py" and moved["query"]["query"] == ""
    assert moved["total"] == 1
    error(api.get("/api/v1/search/docs", params={"reverse": "1"}), 400, "invalid_argument")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("file", "../secret.txt", "path filter must stay within the workspace"),
        ("dir", "/etc", "path filter must be relative"),
        ("file", "repo://pkg/foo.go", "invalid path filter"),
        ("file", "C:/Windows/win.ini", "path filter must be relative"),
        ("dir", "a/../../b", "path filter must stay within the workspace"),
    ],
)
def test_search_docs_rejects_path_filters(api: Any, name: str, value: str, message: str) -> None:
    assert (
        error(api.get("/api/v1/search/docs", params={name: value}), 400, "invalid_argument")[
            "message"
        ]
        == message
    )


def test_search_docs_paging_order_and_dates(api: Any) -> None:
    first = api.get("/api/v1/search/docs", params={"pageSize": 3}).json()
    second = api.get(
        "/api/v1/search/docs", params={"pageSize": 3, "cursor": first["nextCursor"]}
    ).json()
    assert first["nextCursor"] == cursor(3)
    assert not {r["path"] for r in first["results"]} & {r["path"] for r in second["results"]}
    paths = [r["path"] for r in api.get("/api/v1/search/docs").json()["results"]]
    assert paths == sorted(paths)
    ranked = api.get("/api/v1/search/docs", params={"orderBy": "rank"}).json()
    assert ranked["query"]["orderBy"] == "path"  # rank without a query falls back
    error(api.get("/api/v1/search/docs", params={"orderBy": "size"}), 400, "invalid_argument")
    error(api.get("/api/v1/search/docs", params={"since": "someday"}), 400, "invalid_argument")
    error(api.get("/api/v1/search/docs", params={"cursor": "!"}), 400, "invalid_cursor")
    scoped = api.get(
        "/api/v1/search/docs", params={"ticket": T1, "includeControlDocs": "false"}
    ).json()
    assert scoped["total"] >= 3
    assert not any(r["path"].endswith(("tasks.md", "changelog.md")) for r in scoped["results"])


def test_search_files(api: Any) -> None:
    body = api.get("/api/v1/search/files", params={"ticket": "WEB-1"}).json()
    assert set(body) == {"total", "results"}
    rows = {r["file"]: r for r in body["results"]}
    assert rows["repo://src/app.py"] == {
        "file": "repo://src/app.py",
        "source": "related_files",
        "reason": "referenced by documents",
    }
    assert rows["src/view.py"]["source"] == "git_history"
    content = api.get("/api/v1/search/files", params={"query": "VIEW", "limit": 1}).json()
    assert content["total"] == 1
    error(api.get("/api/v1/search/files", params={"ticket": "NOPE"}), 404, "not_found")


# ---------------------------------------------------------------------------- docs and files


def test_docs_get(api: Any, built: Built) -> None:
    body = api.get("/api/v1/docs/get", params={"path": rel(built, built.design)}).json()
    assert set(body) == {"path", "doc", "relatedFiles", "body", "stats"}
    assert body["doc"]["title"] == "Widget audit design" and body["doc"]["docType"] == "design-doc"
    assert set(body["doc"]) >= {"title", "ticket", "status", "topics", "lastUpdated", "whatFor"}
    assert body["stats"]["sizeBytes"] == built.design.stat().st_size
    assert "## Plan" in body["body"] and "---" not in body["body"].splitlines()[0]
    index = api.get("/api/v1/docs/get", params={"path": rel(built, built.t1_dir / "index.md")})
    related = index.json()["relatedFiles"]
    assert related == [
        {
            "path": "repo://src/app.py",
            "note": "writes the audit log",
            "anchor": "repo",
            "root": "repo",
            "resolvedPath": "src/app.py",
            "exists": True,
        }
    ]
    absolute = api.get("/api/v1/docs/get", params={"path": str(built.design)})
    assert absolute.status_code == 200 and absolute.json()["path"] == rel(built, built.design)


def test_docs_get_broken_front_matter(writable: Built) -> None:
    api = client(writable.cwd)
    bad = writable.t1_dir / "various" / "02-bad.md"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text("---\nTitle: [unclosed\n---\n# Body\n")
    body = api.get("/api/v1/docs/get", params={"path": rel(writable, bad)}).json()
    assert "doc" not in body and body["diagnostic"]["reason"] == "invalid_frontmatter"
    assert body["body"] == "# Body\n" and body["relatedFiles"] == []


def test_the_confinement_gate(writable: Built, tmp_path: Path) -> None:
    api = client(writable.cwd)
    outside = tmp_path / "secret.md"
    outside.write_text("secret")
    (writable.t1_dir / "escape.md").symlink_to(outside)
    (writable.t1_dir / "escape-dir").symlink_to(tmp_path, target_is_directory=True)
    inside = rel(writable, writable.t1_dir)
    cases = [
        ("", 400, "invalid_argument", "missing path"),
        ("a\x00b.md", 400, "invalid_argument", "invalid path"),
        ("../README.md", 403, "forbidden", "path escapes allowed root"),
        ("/etc/passwd", 403, "forbidden", "path escapes allowed root"),
        (f"{inside}/../../../../../x.md", 403, "forbidden", "path escapes allowed root"),
        (f"{inside}/escape.md", 403, "forbidden", "path escapes allowed root"),
        (f"{inside}/escape-dir/secret.md", 403, "forbidden", "path escapes allowed root"),
        (".", 400, "invalid_argument", "path refers to a directory"),
        (inside, 400, "invalid_argument", "path is a directory"),
        (f"{inside}/missing.md", 404, "not_found", "file not found"),
    ]
    for path, status, code, message in cases:
        got = error(api.get("/api/v1/docs/get", params={"path": path}), status, code)
        assert got["message"] == message, path
        for endpoint in ("/api/v1/files/get", "/api/v1/files/raw"):
            res = api.get(endpoint, params={"path": path, "root": "docs"})
            assert res.status_code == status, (endpoint, path)


def test_files_get_and_raw(writable: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    api = client(writable.cwd)
    body = api.get("/api/v1/files/get", params={"path": "src/app.py"}).json()
    assert set(body) == {
        "path",
        "root",
        "language",
        "contentType",
        "truncated",
        "content",
        "stats",
    }
    assert body["root"] == "repo" and body["language"] == "python"
    assert body["content"] == "def log(event):\n    return event\n" and not body["truncated"]
    (writable.cwd / "bin.dat").write_bytes(b"abc\x00def")
    (writable.cwd / "latin.txt").write_bytes(b"caf\xe9 au lait\n")
    error(api.get("/api/v1/files/get", params={"path": "bin.dat"}), 415, "unsupported_media_type")
    error(api.get("/api/v1/files/get", params={"path": "latin.txt"}), 415, "unsupported_media_type")
    error(
        api.get("/api/v1/files/get", params={"path": "x", "root": "abs"}), 400, "invalid_argument"
    )
    from docmgr.web import views

    monkeypatch.setattr(views, "MAX_TEXT_BYTES", 10)
    cut = api.get("/api/v1/files/get", params={"path": "src/app.py"}).json()
    assert cut["truncated"] is True and cut["content"] == "def log(ev"

    design_dir = rel(writable, writable.design.parent)
    png = api.get("/api/v1/files/raw", params={"path": f"{design_dir}/diagram.png", "root": "docs"})
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in png.headers["content-security-policy"]
    assert png.content.startswith(b"\x89PNG")
    (writable.cwd / "picture").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x01" * 8)
    sniffed = api.get("/api/v1/files/raw", params={"path": "picture"})
    assert sniffed.headers["content-type"] == "image/png"
    monkeypatch.setattr(views, "MAX_RAW_BYTES", 8)
    error(api.get("/api/v1/files/raw", params={"path": "picture"}), 413, "too_large")


# ---------------------------------------------------------------------------- tickets


def test_ticket_refs_are_forgiving(api: Any) -> None:
    body = api.get("/api/v1/tickets/get", params={"ticket": "WEB-1"}).json()
    assert body["ticket"] == T1  # canonical, not the short ref
    assert set(body) == {
        "ticket",
        "title",
        "status",
        "intent",
        "owners",
        "topics",
        "createdAt",
        "updatedAt",
        "ticketDir",
        "indexPath",
        "stats",
    }
    assert body["owners"] == ["alice", "bob"] and body["createdAt"] == "2026-02-08"
    assert body["stats"]["tasksTotal"] == 3
    for endpoint in ("get", "docs", "tasks", "graph", "changelog"):
        assert (
            api.get(f"/api/v1/tickets/{endpoint}", params={"ticket": "web-2"}).json()["ticket"]
            == T2
        )
        error(api.get(f"/api/v1/tickets/{endpoint}", params={"ticket": "WEB"}), 400, "ambiguous")
        error(api.get(f"/api/v1/tickets/{endpoint}", params={"ticket": "ZZZ"}), 404, "not_found")
        error(api.get(f"/api/v1/tickets/{endpoint}"), 400, "invalid_argument")


def test_tickets_docs(writable: Built) -> None:
    api = client(writable.cwd)
    body = api.get("/api/v1/tickets/docs", params={"ticket": T1, "pageSize": 2}).json()
    assert set(body) == {"ticket", "total", "results", "nextCursor"}
    assert body["total"] == 3 and len(body["results"]) == 2 and body["nextCursor"] == cursor(2)
    assert set(body["results"][0]) >= {
        "path",
        "title",
        "docType",
        "status",
        "topics",
        "summary",
        "relatedFiles",
    }
    old = writable.t1_dir / "archive" / "01-old.md"
    old.parent.mkdir(exist_ok=True)
    old.write_text(f"---\nTitle: Old\nTicket: {T1}\nDocType: reference\n---\nold\n")
    assert api.get("/api/v1/tickets/docs", params={"ticket": T1}).json()["total"] == 4
    no_archive = api.get(
        "/api/v1/tickets/docs", params={"ticket": T1, "includeArchived": "off"}
    ).json()
    assert no_archive["total"] == 3
    by_date = api.get("/api/v1/tickets/docs", params={"ticket": T1, "orderBy": "last_updated"})
    assert by_date.status_code == 200
    error(
        api.get("/api/v1/tickets/docs", params={"ticket": T1, "orderBy": "rank"}),
        400,
        "invalid_argument",
    )
    error(
        api.get("/api/v1/tickets/docs", params={"ticket": T1, "cursor": "x"}), 400, "invalid_cursor"
    )


def test_tickets_tasks(api: Any) -> None:
    body = api.get("/api/v1/tickets/tasks", params={"ticket": T1}).json()
    assert set(body) == {"ticket", "exists", "tasksPath", "stats", "sections"}
    assert body["exists"] and body["stats"] == {"total": 3, "done": 0}
    [section] = body["sections"]
    assert section["title"] == "TODO"
    assert [i["text"] for i in section["items"]] == [
        "Write the audit log",
        "Show it in the UI",
        "Publish the site",
    ]
    assert section["items"][0]["id"] == 1 and len(section["items"][0]["stableId"]) == 4


def test_tasks_check_and_add(writable: Built) -> None:
    api = client(writable.cwd)
    tasks_md = writable.t1_dir / "tasks.md"
    items = api.get("/api/v1/tickets/tasks", params={"ticket": T1}).json()["sections"][0]["items"]
    ref = items[1]["stableId"]
    res = api.post(
        "/api/v1/tickets/tasks/check", json={"ticket": "WEB-1", "refs": [ref], "checked": True}
    )
    assert res.status_code == 200 and res.json() == {"ok": True}
    after = api.get("/api/v1/tickets/tasks", params={"ticket": T1}).json()
    assert after["stats"]["done"] == 1
    assert after["sections"][0]["items"][1] == {**items[1], "checked": True}
    legacy = api.post(
        "/api/v1/tickets/tasks/check", json={"ticket": T1, "ids": [1], "checked": True}
    )
    assert legacy.status_code == 200
    assert [t.checked for t in tasks_format.parse(tasks_md.read_text())] == [True, True, False]
    unknown = error(
        api.post("/api/v1/tickets/tasks/check", json={"ticket": T1, "refs": ["zz9"]}),
        400,
        "invalid_argument",
    )
    assert "Publish the site" in unknown["details"]["tasks"]
    error(api.post("/api/v1/tickets/tasks/check", json={"ticket": T1}), 400, "invalid_argument")
    error(
        api.post(
            "/api/v1/tickets/tasks/check", json={"ticket": T1, "refs": [ref], "checked": "yes"}
        ),
        400,
        "invalid_argument",
    )

    added = api.post("/api/v1/tickets/tasks/add", json={"ticket": T1, "text": "Ship it"})
    assert added.status_code == 200 and added.json() == {"ok": True}
    done = api.post(
        "/api/v1/tickets/tasks/add", json={"ticket": T1, "section": "Later", "text": "Celebrate"}
    )
    assert done.status_code == 200
    sections = api.get("/api/v1/tickets/tasks", params={"ticket": T1}).json()["sections"]
    assert [s["title"] for s in sections] == ["TODO", "Later"]
    assert sections[0]["items"][-1]["text"] == "Ship it"
    assert sections[1]["items"][0]["text"] == "Celebrate"
    error(
        api.post("/api/v1/tickets/tasks/add", json={"ticket": T1, "text": "  "}),
        400,
        "invalid_argument",
    )


def test_ticket_graph(api: Any) -> None:
    body = api.get("/api/v1/tickets/graph", params={"ticket": T1}).json()
    assert set(body) == {"ticket", "direction", "mermaid", "stats"}
    assert body["direction"] == "TD" and body["mermaid"].startswith("graph TD\n")
    assert "```" not in body["mermaid"]
    assert body["stats"]["edges"] == 1 and body["stats"]["nodes"] >= 3
    assert (
        api.get("/api/v1/tickets/graph", params={"ticket": T1, "direction": "LR"})
        .json()["mermaid"]
        .startswith("graph LR")
    )
    error(
        api.get("/api/v1/tickets/graph", params={"ticket": T1, "direction": "XX"}),
        400,
        "invalid_argument",
    )


def test_ticket_changelog(writable: Built) -> None:
    api = client(writable.cwd)
    t3_log = next(writable.root.glob(f"*/*/*/{T3}--*/changelog.md"))
    t3_log.unlink()
    empty = api.get("/api/v1/tickets/changelog", params={"ticket": T3}).json()
    assert set(empty) == {"ticket", "exists", "path", "entries"}
    assert empty["exists"] is False and empty["entries"] == []
    res = api.post(
        "/api/v1/tickets/changelog",
        json={"ticket": T3, "title": "Runbook", "entry": "Wrote the first page"},
    )
    body = res.json()
    assert res.status_code == 200 and set(body) == {"ok", "ticket", "path", "date"}
    assert body["ok"] is True and body["ticket"] == T3
    after = api.get("/api/v1/tickets/changelog", params={"ticket": T3}).json()
    assert after["exists"] and after["entries"] == [
        {
            "date": body["date"],
            "title": "Runbook",
            "heading": f"{body['date']} - Runbook",
            "body": "Wrote the first page",
        }
    ]
    error(
        api.post("/api/v1/tickets/changelog", json={"ticket": T3, "entry": " "}),
        400,
        "invalid_argument",
    )


# ---------------------------------------------------------------------------- document writes


def test_docs_meta(writable: Built) -> None:
    api = client(writable.cwd)
    path = rel(writable, writable.design)
    res = api.post("/api/v1/docs/meta", json={"path": path, "field": "Status", "value": "review"})
    assert res.status_code == 200
    assert res.json() == {"path": path, "field": "Status", "value": "review", "status": "updated"}
    doc = api.get("/api/v1/docs/get", params={"path": path}).json()["doc"]
    assert doc["status"] == "review"
    topics = api.post(
        "/api/v1/docs/meta", json={"path": path, "field": "topics", "value": ["a", "b"]}
    )
    assert topics.status_code == 200
    assert api.get("/api/v1/docs/get", params={"path": path}).json()["doc"]["topics"] == ["a", "b"]
    error(
        api.post("/api/v1/docs/meta", json={"path": path, "field": "Color", "value": "x"}),
        400,
        "invalid_argument",
    )
    error(
        api.post("/api/v1/docs/meta", json={"path": "../x.md", "field": "Status", "value": "x"}),
        403,
        "forbidden",
    )
    (writable.t1_dir / "notes.txt").write_text("plain")
    not_md = rel(writable, writable.t1_dir / "notes.txt")
    assert (
        error(
            api.post("/api/v1/docs/meta", json={"path": not_md, "field": "Status", "value": "x"}),
            400,
            "invalid_argument",
        )["message"]
        == "path is not a markdown document"
    )
    error(api.post("/api/v1/docs/meta", json={"field": "Status"}), 400, "invalid_argument")
    bad = writable.t1_dir / "bad.md"
    bad.write_text("---\nTitle: [unclosed\n---\nbody\n")
    error(
        api.post(
            "/api/v1/docs/meta", json={"path": rel(writable, bad), "field": "Status", "value": "x"}
        ),
        422,
        "invalid_frontmatter",
    )
    assert bad.read_text() == "---\nTitle: [unclosed\n---\nbody\n"


def test_docs_relate(writable: Built) -> None:
    api = client(writable.cwd)
    path = rel(writable, writable.design)
    (writable.cwd / "src" / "main.go").write_text("package main\n")
    res = api.post(
        "/api/v1/docs/relate",
        json={
            "path": path,
            "add": [{"path": "repo://src/main.go", "note": "entry point"}, {"path": "src/util.py"}],
        },
    )
    assert res.status_code == 200, res.text
    assert res.json() == {
        "path": path,
        "added": 2,
        "updated": 0,
        "removed": 0,
        "total": 2,
        "status": "updated",
    }
    related = api.get("/api/v1/docs/get", params={"path": path}).json()["relatedFiles"]
    assert {(r["path"], r["exists"]) for r in related} == {
        ("repo://src/main.go", True),
        ("repo://src/util.py", True),
    }
    again = api.post(
        "/api/v1/docs/relate",
        json={"path": path, "add": [{"path": "repo://src/main.go", "note": "entry point"}]},
    ).json()
    assert again["status"] == "noop"
    gone = api.post(
        "/api/v1/docs/relate", json={"path": path, "remove": ["src/main.go", "src/util.py"]}
    ).json()
    assert gone["removed"] == 2 and gone["total"] == 0
    error(api.post("/api/v1/docs/relate", json={"path": path}), 400, "invalid_argument")
    error(
        api.post("/api/v1/docs/relate", json={"path": path, "add": [{"note": "x"}]}),
        400,
        "invalid_argument",
    )


# ---------------------------------------------------------------------------- request policy


def test_cross_origin_writes_are_refused_and_change_nothing(writable: Built) -> None:
    api = client(writable.cwd)
    before = {p: p.read_bytes() for p in writable.root.rglob("*.md")}
    path = rel(writable, writable.design)
    writes = [
        ("/api/v1/docs/meta", {"path": path, "field": "Status", "value": "evil"}),
        ("/api/v1/docs/relate", {"path": path, "add": [{"path": "src/app.py"}]}),
        ("/api/v1/tickets/tasks/add", {"ticket": T1, "text": "evil"}),
        ("/api/v1/tickets/tasks/check", {"ticket": T1, "ids": [1], "checked": True}),
        ("/api/v1/tickets/changelog", {"ticket": T1, "entry": "evil"}),
        ("/api/v1/index/refresh", {}),
    ]
    for origin in ("https://evil.example", "null", "http://127.0.0.1:9999"):
        for endpoint, body in writes:
            res = api.post(endpoint, json=body, headers={"Origin": origin})
            assert error(res, 403, "forbidden")["message"] == "cross-origin write refused"
    for endpoint, body in writes[:1]:
        res = api.post(endpoint, json=body, headers={"Sec-Fetch-Site": "cross-site"})
        error(res, 403, "forbidden")
    assert {p: p.read_bytes() for p in writable.root.rglob("*.md")} == before
    own = api.post(writes[2][0], json=writes[2][1], headers={"Origin": OWN})
    assert own.status_code == 200


def test_cors_origin_is_allowed_and_preflight_answered(writable: Built) -> None:
    partner = "https://ui.example"
    api = client(writable.cwd, cors_origin=partner)
    pre = api.options("/api/v1/tickets/tasks/add")
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == partner
    assert pre.headers["access-control-allow-methods"] == "GET, POST, OPTIONS"
    assert pre.headers["access-control-allow-headers"] == "Content-Type, Authorization"
    res = api.post(
        "/api/v1/tickets/tasks/add",
        json={"ticket": T1, "text": "From the partner"},
        headers={"Origin": partner},
    )
    assert res.status_code == 200 and res.headers["access-control-allow-origin"] == partner
    error(
        api.post(
            "/api/v1/tickets/tasks/add",
            json={"ticket": T1, "text": "x"},
            headers={"Origin": "https://other.example"},
        ),
        403,
        "forbidden",
    )


def test_host_header_must_be_loopback(api: Any) -> None:
    error(api.get("/api/v1/healthz", headers={"Host": "evil.example:8787"}), 403, "forbidden")
    assert api.get("/", headers={"Host": "rebind.example"}).status_code == 403
    assert api.get("/api/v1/healthz", headers={"Host": "localhost:8787"}).status_code == 200
    assert api.get("/api/v1/healthz", headers={"Host": "[::1]:8787"}).status_code == 200


def test_bodies_are_checked_and_size_limited(writable: Built) -> None:
    api = client(writable.cwd)
    error(
        api.post(
            "/api/v1/tickets/tasks/add",
            content=b"{not json",
            headers={"Content-Type": "application/json"},
        ),
        400,
        "invalid_argument",
    )
    error(api.post("/api/v1/tickets/tasks/add", json=["a list"]), 400, "invalid_argument")
    big = json.dumps({"ticket": T1, "text": "x" * (1 << 20)})
    error(
        api.post(
            "/api/v1/tickets/tasks/add", content=big, headers={"Content-Type": "application/json"}
        ),
        413,
        "too_large",
    )
    assert "x" * 100 not in (writable.t1_dir / "tasks.md").read_text()


def test_root_gone_is_index_not_ready(writable: Built) -> None:
    api = client(writable.cwd)
    os.rename(writable.root, writable.cwd / "moved")
    error(api.get("/api/v1/workspace/status"), 503, "index_not_ready")
