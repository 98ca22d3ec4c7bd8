"""The Go tool's end-to-end scenario scripts (spec §13.1, S01–S21) walked in one git repository.

``test_go_workflow`` runs the scripts in order in one temp repo (mock codebase, init with
vocabulary, two tickets, docs and metadata, relate and doctor, search in every mode, status,
configure, changelog, vocabulary, template schema, path normalisation, export, skills,
ignore policy, then the standalone S15–S18) and asserts what the spec says each step prints.
File suggestions, relate from git and the markdown output format are separate tests.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from conftest import GitRepo, Result

T1 = "MEN-4242"
T2 = "MEN-5678"
T1_DIR = "MEN-4242--normalize-chat-api-paths-and-websocket-lifecycle"
T2_DIR = "MEN-5678--secondary-ticket-websocket-reconnection-plan"
DATED = "2026/02/08"  # the fixed clock's local date

CODE = {
    "backend/chat/api/register.go": "package api\n\n// RegisterRoutes normalizes /api paths\n",
    "backend/chat/ws/manager.go": "package ws\n\n// Manager keeps WebSocket connections\n",
    "web/src/store/api/chatApi.ts": "export const chatApi = {};\n",
    "web/src/ui/chat/ChatPanel.tsx": "export function ChatPanel() { return null; }\n",
}

TTMP_YAML = """\
root: ttmp
defaults:
    owners:
        - manuel
    intent: long-term
filenamePrefixPolicy: off
"""


class Steps:
    """Runs docmgr in the scenario repository and keeps what the steps share."""

    def __init__(self, invoke: Callable[..., Result], repo: Path) -> None:
        self.invoke = invoke
        self.repo = repo
        self.root = repo / "ttmp"

    def __call__(self, *args: str, expect: int = 0, cwd: Path | None = None) -> Result:
        return self.invoke(list(args), cwd=cwd or self.repo, expect=expect)

    def t1(self) -> Path:
        return self.root / DATED / T1_DIR

    def t2(self) -> Path:
        found = sorted(self.root.glob(f"**/{T2}--*/index.md"))
        assert len(found) == 1, found
        return found[0].parent


def s01_mock_codebase(git_repo: GitRepo) -> Path:
    """S01: a git repo with .docmgrignore, .ttmp.yaml and Go/TS files in three commits."""
    git_repo.commit(
        "Add backend",
        {k: v for k, v in CODE.items() if k.startswith("backend/")}
        | {".docmgrignore": ".git/\nnode_modules/\ndist/\n", ".ttmp.yaml": TTMP_YAML},
    )
    git_repo.commit(
        "Add web store", {"web/src/store/api/chatApi.ts": CODE["web/src/store/api/chatApi.ts"]}
    )
    git_repo.commit(
        "Add chat panel", {"web/src/ui/chat/ChatPanel.tsx": CODE["web/src/ui/chat/ChatPanel.tsx"]}
    )
    return git_repo.path


def s02_to_s04(run: Steps) -> None:
    # S02: init with vocabulary, two tickets, list them
    out = run("init", "--seed-vocabulary").stdout
    assert out.startswith(f"Docs root initialized at {run.root}\n")
    vocab = (run.root / "vocabulary.yaml").read_text(encoding="utf-8")
    for slug in ("chat", "backend", "websocket", "design-doc", "skill", "long-term", "draft"):
        assert f"slug: {slug}\n" in vocab
    out = run(
        "ticket",
        "create-ticket",
        "--ticket",
        T1,
        "--title",
        "Normalize chat API paths and WebSocket lifecycle",
        "--topics",
        "chat,backend,websocket",
    ).stdout
    assert out == f"created {T1} at ttmp/{DATED}/{T1_DIR} (1 dirs, 4 files)\n"
    out = run(
        "ticket",
        "create-ticket",
        "--root",
        "ttmp",
        "--ticket",
        T2,
        "--title",
        "Secondary ticket — WebSocket reconnection plan",
        "--topics",
        "chat,backend",
    ).stdout
    assert out == f"created {T2} at ttmp/{DATED}/{T2_DIR} (1 dirs, 4 files)\n"
    index = (run.t1() / "index.md").read_text(encoding="utf-8")
    assert "Owners:\n    - manuel\n" in index and "Intent: long-term\n" in index
    out = run("list", "tickets").stdout
    assert out.startswith("## Tickets (2)\n") and f"### {T1} — " in out and f"### {T2} — " in out
    out = run("list", "tickets", "--ticket", T2).stdout
    assert out.startswith("## Tickets (1)\n") and T1 not in out

    # S03: documents, guidelines, metadata, a hand-written doc with every kind of path
    for ticket in (T1, T2):
        for doc_type, title in (
            ("design-doc", "Path Normalization Strategy"),
            ("reference", "Chat WebSocket Lifecycle"),
            ("playbook", "Smoke Tests"),
        ):
            added = run("doc", "add", "--ticket", ticket, "--doc-type", doc_type, "--title", title)
            slug = title.lower().replace(" ", "-")
            assert added.stdout.endswith(f"/{doc_type}/01-{slug}.md\n")
    assert (run.t1() / "design-doc/01-path-normalization-strategy.md").is_file()
    out = run("doc", "guidelines", "--doc-type", "design-doc").stdout
    assert out.startswith("# Guidelines: Design Documents") and "## Required Elements" in out
    assert [p.parent.name for p in run.root.glob(f"**/{T1}--*/index.md")] == [T1_DIR]
    index_rel = f"ttmp/{DATED}/{T1_DIR}/index.md"
    run("meta", "update", "--doc", index_rel, "--field", "Owners", "--value", "manuel,alex")
    run("meta", "update", "--doc", index_rel, "--field", "Summary", "--value", "Normalize paths")
    run(
        "meta",
        "update",
        "--doc",
        index_rel,
        "--field",
        "ExternalSources",
        "--value",
        "https://example.com/ws-lifecycle,https://example.com/chat-api",
    )
    index = (run.t1() / "index.md").read_text(encoding="utf-8")
    assert "Owners:\n    - manuel\n    - alex\n" in index
    assert "    - https://example.com/ws-lifecycle\n" in index
    hand = run.t1() / "reference" / "02-hand-written-paths.md"
    hand.write_text(
        "---\nTitle: Hand written paths\nTicket: MEN-4242\nStatus: active\nTopics:\n"
        "    - chat\nDocType: reference\nIntent: long-term\nOwners: []\nRelatedFiles:\n"
        "    - Path: ../../../../../../backend/chat/ws/manager.go\n      Note: doc-relative\n"
        "    - Path: ../backend/chat/api/register.go\n      Note: parent-relative\n"
        f"    - Path: {run.repo / 'web/src/ui/chat/ChatPanel.tsx'}\n      Note: absolute\n"
        "ExternalSources: []\nSummary: ''\nLastUpdated: 2026-02-08T10:00:00-05:00\n---\n\n"
        "# Hand written paths\n",
        encoding="utf-8",
    )
    out = run("list", "docs", "--ticket", T1).stdout
    assert out.startswith("## Documents (4)\n") and "Hand written paths" in out
    assert "Chat WebSocket Lifecycle" in run("doc", "list", "--ticket", T2).stdout

    # S04: relate files with notes, doctor passes
    out = run(
        "doc",
        "relate",
        "--ticket",
        T1,
        "--file-note",
        "backend/chat/api/register.go:Registers normalized API routes",
        "--file-note",
        "backend/chat/ws/manager.go:WebSocket lifecycle manager",
        "--file-note",
        "web/src/store/api/chatApi.ts:Frontend API client, uses the paths",
    ).stdout
    assert len(out.encode()) <= 400
    index = (run.t1() / "index.md").read_text(encoding="utf-8")
    assert "Note: Registers normalized API routes" in index
    run(
        "doc",
        "relate",
        "--ticket",
        T2,
        "--file-note",
        "backend/chat/ws/manager.go:Reconnection lives here",
        "--file-note",
        "web/src/ui/chat/ChatPanel.tsx:Shows the connection state",
        "--file-note",
        "web/src/store/api/chatApi.ts:Retries requests",
    )
    run(
        "doctor",
        "--ignore-dir",
        "_templates",
        "--ignore-dir",
        "_guidelines",
        "--stale-after",
        "30",
        "--fail-on",
        "error",
    )


def _paths(result: Result) -> set[str]:
    return {row["path"] for row in json.loads(result.stdout)}


def test_go_workflow(invoke: Callable[..., Result], git_repo: GitRepo, tmp_path: Path) -> None:
    repo = s01_mock_codebase(git_repo)
    run = Steps(invoke, repo)
    s02_to_s04(run)
    t1_index = f"{DATED}/{T1_DIR}/index.md"

    # S05: every search form
    ws_hits = run("search", "--query", "WebSocket", "--ticket", T1)
    assert f"[{T1}]" in ws_hits.stdout and T2 not in ws_hits.stdout
    ranked = run("search", "--query", "WebSocket", "--ticket", T1, "--order-by", "rank")
    assert ranked.stdout.splitlines()[0].split(" — ")[0].endswith(".md")
    meta_only = run(
        "search",
        "--ticket",
        T1,
        "--topics",
        "websocket,backend",
        "--doc-type",
        "design-doc",
        "--output",
        "json",
    )
    assert _paths(meta_only) == {f"{DATED}/{T1_DIR}/design-doc/01-path-normalization-strategy.md"}
    for query in (
        "backend/chat/api/register.go",
        "../../../../../backend/chat/api/register.go",
        "../backend/chat/api/register.go",
        str(repo / "backend/chat/api/register.go"),
        "register.go",
    ):
        found = _paths(run("search", "--file", query, "--output", "json"))
        assert t1_index in found, query
    dir_hits = _paths(run("search", "--dir", "web/src/store/api/", "--output", "json"))
    assert {t1_index, f"{DATED}/{T2_DIR}/index.md"} <= dir_hits
    ext = _paths(
        run("search", "--external-source", "https://example.com/ws-lifecycle", "--output", "json")
    )
    assert ext == {t1_index}
    assert t1_index in _paths(run("search", "--updated-since", "1 day ago", "--output", "json"))
    assert t1_index in _paths(run("search", "--since", "last month", "--output", "json"))
    bad = run("search", "--since", "not a date", expect=2)
    assert "invalid --since date" in bad.stderr

    # S06: doctor warnings fail --fail-on warning; restoring makes it pass again
    run("meta", "update", "--ticket", T1, "--field", "Topics", "--value", "chat,unknown-topic")
    run(
        "meta",
        "update",
        "--doc",
        f"ttmp/{t1_index}",
        "--field",
        "RelatedFiles",
        "--value",
        "backend/chat/api/register.go,missing/file.go",
    )
    duplicate = run.t1() / "design-doc" / "index.md"
    shutil.copy(run.t1() / "index.md", duplicate)
    failed = run("doctor", "--fail-on", "warning", "--output", "json", expect=1)
    issues = {r["issue"] for r in json.loads(failed.stdout)}
    assert len(issues) >= 3, issues  # unknown topic, missing related file, duplicate index
    assert "doctor failed: severity >= warning" in failed.stderr
    assert "unknown-topic" in failed.stdout and "missing/file.go" in failed.stdout
    duplicate.unlink()
    run("meta", "update", "--ticket", T1, "--field", "Topics", "--value", "chat,backend,websocket")
    run(
        "meta",
        "update",
        "--doc",
        f"ttmp/{t1_index}",
        "--field",
        "RelatedFiles",
        "--value",
        "backend/chat/api/register.go,backend/chat/ws/manager.go",
    )
    run("doctor", "--stale-after", "30", "--fail-on", "error")

    # S07: status, also from a nested folder (config found by walking up)
    out = run("status").stdout
    assert "tickets=2" in out and "stale=0" in out
    assert run("status", "--summary-only").stdout.count("\n") == 1
    run("status", "--stale-after", "30")
    nested = run("status", "--summary-only", cwd=repo / "web").stdout
    assert f"root={run.root}" in nested or str(run.root) in nested

    # S08: configure rewrites .ttmp.yaml
    out = run(
        "configure",
        "--root",
        "ttmp",
        "--owners",
        "manuel",
        "--intent",
        "long-term",
        "--vocabulary",
        "ttmp/vocabulary.yaml",
        "--force",
    ).stdout
    assert out == (
        f"Configuration file: {repo / '.ttmp.yaml'}\n- Root: ttmp\n"
        "- Vocabulary: ttmp/vocabulary.yaml\n- Status: written\n"
    )
    assert (repo / ".ttmp.yaml").read_text(encoding="utf-8") == (
        "root: ttmp\ndefaults:\n    owners:\n        - manuel\n    intent: long-term\n"
        'filenamePrefixPolicy: ""\nvocabulary: ttmp/vocabulary.yaml\n'
    )

    # S10: a second ttmp/ elsewhere: status still succeeds, with warning rows
    stray = tmp_path / "elsewhere" / "ttmp"
    stray.mkdir(parents=True)
    rows = json.loads(run("status", "--with-glaze-output", "--summary-only").stdout)
    assert rows[-1]["tickets_total"] == 2 and rows[-1]["status"] == "ok"

    # S11: changelog entry with file notes (':' and '=' separators)
    run(
        "changelog",
        "update",
        "--ticket",
        T1,
        "--entry",
        "Normalized chat API paths",
        "--file-note",
        "backend/chat/api/register.go:Source of path normalization",
        "--file-note",
        "web/src/store/api/chatApi.ts=Frontend integration",
    )
    changelog = (run.t1() / "changelog.md").read_text(encoding="utf-8")
    assert "Normalized chat API paths" in changelog
    assert "Source of path normalization" in changelog and "Frontend integration" in changelog

    # S12: vocabulary
    out = run(
        "vocab",
        "add",
        "--category",
        "topics",
        "--slug",
        "reconnection",
        "--description",
        "Reconnection strategy",
    ).stdout
    assert out == "vocabulary entry added: topics/reconnection (Reconnection strategy)\n"
    assert "topics: reconnection — Reconnection strategy" in run("vocab", "list").stdout

    # S13: template schemas, and none of the normal output
    for args, absent in (
        (["list", "docs"], ["Docs root:", "## Documents"]),
        (["list", "tickets"], ["## Tickets"]),
        (["doctor"], ["All checks passed"]),
        (["status"], ["Docs root:"]),
        (["tasks", "list"], ["[ ]"]),
        (["doc", "search", "--query", "test"], ["::"]),
        (["vocab", "list"], ["root="]),
        (["doc", "guidelines", "--doc-type", "design-doc"], ["## Required Elements"]),
    ):
        out = run(*args, "--print-template-schema", "--schema-format", "yaml").stdout
        assert "properties:" in out, args
        for text in absent:
            assert text not in out, (args, text)

    # S14: one file related in three spellings; search finds it in every spelling
    design = run.t1() / "design-doc" / "01-path-normalization-strategy.md"
    for spelling in (
        "../../../../../../backend/chat/ws/manager.go",  # doc-relative
        f"{DATED}/../../../../backend/chat/ws/manager.go",  # docs-root-relative
        str(repo / "backend/chat/ws/manager.go"),  # absolute
    ):
        run("doc", "relate", "--doc", str(design), "--file-note", f"{spelling}:ws manager")
    text = design.read_text(encoding="utf-8")
    # the absolute and doc-relative spellings are normalised to one entry (the spelling
    # relative to the docs root is ambiguous: relate also reads it relative to the document)
    assert text.count("- Path: repo://backend/chat/ws/manager.go\n") == 1
    design_rel = f"{DATED}/{T1_DIR}/design-doc/01-path-normalization-strategy.md"
    for spelling in (
        "backend/chat/ws/manager.go",
        str(repo / "backend/chat/ws/manager.go"),
        "../backend/chat/ws/manager.go",
        "manager.go",
    ):
        hits = _paths(run("search", "--ticket", T1, "--file", spelling, "--output", "json"))
        assert design_rel in hits, spelling

    # S19: export-sqlite with its README table
    out_file = tmp_path / "workspace.sqlite"
    run("workspace", "export-sqlite", "--out", str(out_file), "--force", "--root", "ttmp")
    assert out_file.stat().st_size > 0
    con = sqlite3.connect(out_file)
    names = [r[0] for r in con.execute("SELECT name FROM README")]
    about = con.execute("SELECT content FROM README WHERE name = '__about__.md'").fetchone()[0]
    docs_count = con.execute("SELECT count(*) FROM docs WHERE ticket_id = ?", (T1,)).fetchone()
    con.close()
    assert names.count("docmgr-how-to-use.md") == 1 and about.strip()
    assert docs_count[0] >= 5

    # S20: skills
    s20_skills(run, tmp_path)

    # S21: ignore policy
    ticket_rel = f"ttmp/{DATED}/{T1_DIR}"
    node = run.t1() / "scripts/node_modules/pkg/README.md"
    node.parent.mkdir(parents=True)
    node.write_text("no front matter\n", encoding="utf-8")
    out = run(
        "ignore",
        "explain",
        "--root",
        "ttmp",
        f"{ticket_rel}/scripts/node_modules/pkg/README.md",
        "--with-glaze-output",
        "--output",
        "json",
    ).stdout
    assert '"ignored": true' in out.replace('":true', '": true')
    cache = run.t1() / "scripts/local-cache"
    cache.mkdir(parents=True)
    (cache / ".docmgrignore").write_text("*.md\n", encoding="utf-8")
    (cache / "bad.md").write_text("no front matter either\n", encoding="utf-8")
    out = run(
        "ignore",
        "explain",
        "--root",
        "ttmp",
        f"{ticket_rel}/scripts/local-cache/bad.md",
        "--with-glaze-output",
        "--output",
        "json",
    ).stdout
    assert '"ignored": true' in out.replace('":true', '": true')
    doctor = run("doctor", "--ticket", T1, "--stale-after", "30", "--fail-on", "error")
    assert "node_modules" not in doctor.stdout + doctor.stderr
    assert "local-cache" not in doctor.stdout + doctor.stderr

    s15_to_s18(run, tmp_path)


def s20_skills(run: Steps, tmp_path: Path) -> None:
    def plan(folder: Path, name: str, title: str, topics: str, source: str = "") -> None:
        folder.mkdir(parents=True, exist_ok=True)
        text = (
            f"skill:\n  name: {name}\n  title: {title}\n  description: {title} guidance.\n"
            f"  what_for: Working on {title}.\n  when_to_use: When touching {title}.\n"
            f"  topics: [{topics}]\n"
        )
        if source:
            text += (
                f"sources:\n  - type: file\n    path: {source}\n"
                f"    output: references/{Path(source).name}\n"
            )
        (folder / "skill.yaml").write_text(text, encoding="utf-8")

    plan(
        run.t1() / "skills/api-design",
        "api-design",
        "API Design",
        "backend, api",
        "backend/chat/api/register.go",
    )
    plan(
        run.t1() / "skills/websocket-management",
        "websocket-management",
        "WebSocket Management",
        "websocket, backend",
        "backend/chat/ws/manager.go",
    )
    plan(run.root / "skills/workspace-testing", "workspace-testing", "Workspace Testing", "testing")
    plan(run.root / "skills/api-design", "api-design", "API Design", "api")
    plan(
        run.t2() / "skills/closed-ticket-only-skill",
        "closed-ticket-only-skill",
        "Closed Ticket Only Skill",
        "chat",
    )
    run("ticket", "close", "--ticket", T2, "--status", "complete")

    out = run("skill", "list").stdout
    for text in (
        "Skill: API Design",
        "Skill: WebSocket Management",
        "Skill: Workspace Testing",
        "Load: docmgr skill show",
    ):
        assert text in out
    assert T2 not in out and "Closed Ticket Only Skill" not in out
    out = run("skill", "list", "--ticket", T1).stdout
    for title in ("API Design", "WebSocket Management", "Workspace Testing"):
        assert f"Skill: {title}" in out
    for topics in ("backend", "backend,websocket"):
        out = run("skill", "list", "--topics", topics).stdout
        assert "Skill: API Design" in out and "Skill: WebSocket Management" in out
    assert (
        "Skill: API Design" in run("skill", "list", "--file", "backend/chat/api/register.go").stdout
    )
    assert "Skill: API Design" in run("skill", "list", "--dir", "backend/chat/api/").stdout
    out = run("skill", "list", "--with-glaze-output", "--output", "json").stdout
    normalised = out.replace('":"', '": "')
    assert '"skill": "API Design"' in normalised
    assert '"load_command": "docmgr skill show' in normalised

    tie = run("skill", "show", "--skill", "API Design", expect=1)
    assert "Multiple skills match" in tie.stdout and "Load: docmgr skill show" in tie.stdout
    for args in (
        ["--skill", "WebSocket Management", "--ticket", T1],
        ["WebSocket Management", "--ticket", T1],
    ):
        out = run("skill", "show", *args).stdout
        for text in (
            "Title: WebSocket Management",
            "Name: websocket-management",
            f"Ticket: {T1}",
            "Sources:",
        ):
            assert text in out
    assert "Title: WebSocket Management" in run("skill", "show", "--skill", "websocket").stdout
    assert "Title: Workspace Testing" in run("skill", "show", "--skill", "Workspace Testing").stdout
    assert "Multiple skills match" in run("skill", "show", "api-design", expect=1).stdout
    plan_path = run.t1() / "skills/api-design/skill.yaml"
    out = run("skill", "show", str(plan_path)).stdout
    assert "Title: API Design" in out and f"Ticket: {T1}" in out
    err = run("skill", "show", "closed-ticket-only-skill", expect=1).stderr
    assert "no skills found matching" in err
    out = run("skill", "show", "closed-ticket-only-skill", "--ticket", T2).stdout
    assert f"Ticket: {T2}" in out
    run("meta", "update", "--ticket", T1, "--field", "Status", "--value", "review")
    assert "Title: WebSocket Management" in run("skill", "show", "--skill", "websocket").stdout
    assert "Skill: API Design" in run("skill", "list", "--ticket", T1, "--topics", "backend").stdout
    assert (
        "Skill: API Design"
        in run("skill", "list", "--ticket", T1, "--file", "backend/chat/api/register.go").stdout
    )
    package = tmp_path / "skills-out" / "x.skill"
    package.parent.mkdir()
    out = run(
        "skill", "export", "websocket-management", "--ticket", T1, "--output-skill", str(package)
    ).stdout
    assert "Exported skill to" in out and package.is_file()
    out = run("skill", "import", str(package)).stdout
    assert "Imported skill plan" in out
    assert (run.root / "skills/websocket-management/skill.yaml").is_file()
    run("meta", "update", "--ticket", T1, "--field", "Status", "--value", "active")


def s15_to_s18(run: Steps, tmp_path: Path) -> None:
    # S15: diagnostics smoke
    run("meta", "update", "--ticket", T1, "--field", "Topics", "--value", "chat,not-in-vocab")
    run("doc", "relate", "--ticket", T1, "--file-note", "backend/does/not/exist.go:missing")
    broken = run.t1() / "design-doc" / "02-broken.md"
    broken.write_text("---\nTitle: Broken\nTicket: [unclosed\n---\nbody\n", encoding="utf-8")
    index = run.t1() / "index.md"
    text = index.read_text(encoding="utf-8")
    start = text.index("LastUpdated: ")
    end = text.index("\n", start)
    index.write_text(text[:start] + "LastUpdated: 2020-01-01T00:00:00Z" + text[end:])
    bad_template = run.root / "templates" / "bad-template.templ"
    bad_template.parent.mkdir()
    bad_template.write_text("{{range .Tickets}}\n{{nosuch .}}\n", encoding="utf-8")
    diagnostics = tmp_path / "diagnostics.json"
    run("doctor", "--fail-on", "none", "--diagnostics-json", str(diagnostics))
    payload = json.loads(diagnostics.read_text(encoding="utf-8"))
    assert payload
    rendered = json.dumps(payload)
    assert "not-in-vocab" in rendered and "02-broken.md" in rendered
    run("list", "docs")
    failed = run("template", "validate", "--path", "templates/bad-template.templ", expect=1)
    assert f"ERROR: {bad_template}: template: bad-template.templ:2:" in failed.stderr
    run("doctor", "--doc", str(broken), expect=0)
    failed = run("validate", "frontmatter", "--doc", str(broken), "--suggest-fixes", expect=1)
    assert "02-broken.md" in failed.stderr
    broken.unlink()

    # S16: doc move into the other ticket
    source = run.t1() / "reference" / "01-chat-websocket-lifecycle.md"
    run("doc", "move", "--doc", str(source), "--dest-ticket", T2, "--overwrite")
    dest = run.t2() / "reference" / "01-chat-websocket-lifecycle.md"
    assert dest.is_file() and not source.exists()
    assert f"Ticket: {T2}" in "\n".join(dest.read_text(encoding="utf-8").splitlines()[:10])

    # S17: ticket move from a legacy folder back to the dated layout
    run(
        "meta",
        "update",
        "--ticket",
        T2,
        "--field",
        "Title",
        "--value",
        "MEN-5678: Secondary ticket — WebSocket reconnection plan",
    )
    legacy = run.root / "MEN-5678-legacy"
    run.t2().rename(legacy)
    run("ticket", "move", "--ticket", T2, "--overwrite")
    moved = run.t2()
    assert (moved / "index.md").is_file() and not legacy.exists()
    assert moved.relative_to(run.root).as_posix().startswith(f"{DATED}/{T2}--")
    assert "-men-5678-" not in moved.name.lower()

    # S18: a header with a '----' line and no closing delimiter; auto-fix; manual fix
    doc = run.t1() / "reference" / "03-needs-fix.md"
    doc.write_text(
        "---\nTitle: Needs fix\nTicket: MEN-4242\nDocType: reference\n----\n"
        "Summary: has: colon\n\n# Body\n",
        encoding="utf-8",
    )
    run("validate", "frontmatter", "--doc", str(doc), expect=1)
    run("validate", "frontmatter", "--doc", str(doc), "--suggest-fixes", expect=1)
    run("validate", "frontmatter", "--doc", str(doc), "--auto-fix")
    assert doc.with_name(doc.name + ".bak").is_file()
    doc.write_text(
        "---\nTitle: Needs fix\nTicket: MEN-4242\nDocType: reference\n"
        'Summary: "has: colon"\n---\n\n# Body\n',
        encoding="utf-8",
    )
    out = run("validate", "frontmatter", "--doc", str(doc)).stdout
    assert out.startswith("Frontmatter OK: ") and "(Ticket=MEN-4242 DocType=reference)" in out


def test_s05_file_suggestions(invoke: Callable[..., Result], git_repo: GitRepo) -> None:
    """S05: ``search --files --topics chat`` suggests files (spec §6.7)."""
    run = Steps(invoke, s01_mock_codebase(git_repo))
    s02_to_s04(run)
    out = run("search", "--files", "--topics", "chat").stdout
    assert "backend/chat/api/register.go" in out


def test_s09_relate_suggestions_from_git(invoke: Callable[..., Result], git_repo: GitRepo) -> None:
    """S09: with an untracked .go file, ``doc relate --suggest --from-git --apply-suggestions``."""
    repo = s01_mock_codebase(git_repo)
    run = Steps(invoke, repo)
    s02_to_s04(run)
    (repo / "backend/chat/api/untracked.go").write_text("package api\n", encoding="utf-8")
    run("doc", "relate", "--ticket", T1, "--suggest", "--from-git", "--apply-suggestions")
    assert "untracked.go" in (run.t1() / "index.md").read_text(encoding="utf-8")


def test_s03_guidelines_accept_markdown_output(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    """S03: ``doc guidelines --doc-type design-doc --output markdown`` runs."""
    run = Steps(invoke, s01_mock_codebase(git_repo))
    run("init", "--seed-vocabulary")
    out = run("doc", "guidelines", "--doc-type", "design-doc", "--output", "markdown").stdout
    assert out.startswith("| doc_type | content |\n| --- | --- |\n| design-doc | ")
