"""Skills (spec §11): plan rules, list, show with scoring, export to a folder and a zip, import."""

from __future__ import annotations

import json
import os
import stat
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitRepo, Result

from docmgr.errors import SkillPlanError, UnsafeArchive
from docmgr.formats import skill_plan
from docmgr.ops import skills as skill_ops

API_PLAN = """\
skill:
  name: api-design
  title: API Design
  description: How the chat API registers its routes.
  what_for: Designing and reviewing chat API endpoints.
  when_to_use: When adding or changing an endpoint under backend/chat/api.
  topics: [backend, api]
sources:
  - type: file
    path: backend/chat/api/register.go
    output: references/backend-chat-register.go
"""

WS_PLAN = """\
skill:
  name: websocket-management
  title: WebSocket Management
  description: Lifecycle of chat WebSocket connections.
  what_for: Keeping connections healthy.
  when_to_use: When touching backend/chat/ws.
  topics: [websocket, backend]
  license: MIT
  compatibility: Go 1.22
sources:
  - type: file
    path: backend/chat/ws/manager.go
    output: references/backend-chat-ws-manager.go
  - type: file
    path: docs/ws-notes.md
    strip-frontmatter: true
    append_to_body: true
"""

WORKSPACE_TESTING = """\
skill:
  name: workspace-testing
  title: Workspace Testing
  description: How to test the whole workspace.
  what_for: Running every suite.
  when_to_use: Before a release.
  topics: [testing]
"""

WORKSPACE_API = API_PLAN.replace(
    "description: How the chat API registers its routes.",
    "description: Workspace-wide API conventions.",
)

CLOSED = """\
skill:
  name: closed-ticket-only-skill
  title: Closed Ticket Only Skill
  description: Only visible with --ticket.
  what_for: Nothing much.
  when_to_use: Never.
  topics: [chat]
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def work(invoke: Callable[..., Result], git_repo: GitRepo) -> Path:
    repo = git_repo.path
    git_repo.commit(
        "code",
        {
            "backend/chat/api/register.go": "package api\n// register routes\n",
            "backend/chat/ws/manager.go": "package ws\n// manage sockets\n",
            "docs/ws-notes.md": (
                "---\ntitle: x\n---\n# WebSocket Management\n\nReconnect with backoff.\n"
            ),
        },
    )
    invoke(["init"], cwd=repo)
    invoke(
        ["ticket", "create", "--ticket", "MEN-4242", "--title", "Normalize chat API paths"],
        cwd=repo,
    )
    invoke(["ticket", "create", "--ticket", "MEN-5678", "--title", "Reconnection plan"], cwd=repo)
    men4242 = next((repo / "ttmp").glob("*/*/*/MEN-4242--*"))
    men5678 = next((repo / "ttmp").glob("*/*/*/MEN-5678--*"))
    write(men4242 / "skills" / "api-design" / "skill.yaml", API_PLAN)
    write(men4242 / "skills" / "websocket-management" / "skill.yaml", WS_PLAN)
    write(repo / "ttmp" / "skills" / "workspace-testing" / "skill.yaml", WORKSPACE_TESTING)
    write(repo / "ttmp" / "skills" / "api-design" / "skill.yaml", WORKSPACE_API)
    write(men5678 / "skills" / "closed-ticket-only-skill" / "skill.yaml", CLOSED)
    invoke(["ticket", "close", "--ticket", "MEN-5678", "--status", "complete"], cwd=repo)
    return repo


# --- plan rules ---------------------------------------------------------------------------


def test_a_valid_plan_loads() -> None:
    plan = skill_plan.load(API_PLAN)
    assert plan.name == "api-design" and plan.display_title == "API Design"
    assert len(plan.sources) == 1 and plan.sources[0].output.startswith("references/")
    assert plan.include_index and plan.index_heading == "References"


def test_append_to_body_file_source_needs_no_output() -> None:
    plan = skill_plan.load(WS_PLAN)
    assert plan.sources[1].append_to_body and plan.sources[1].output == ""


def test_invalid_plan_lists_every_issue_in_order() -> None:
    text = """\
skill:
  name: Glaze Help
  description: has <html>
  topics: []
output:
  skill_dir_name: other
sources:
  - type: file
    output: ../escape.md
  - type: binary-help
    output: /abs.md
    wrap: html
  - type: url
  - path: x
"""
    with pytest.raises(SkillPlanError) as caught:
        skill_plan.load(text)
    assert caught.value.message == (
        "invalid skill plan:\n"
        "- skill.name must be lowercase letters, digits, and hyphens only\n"
        "- skill.description cannot contain angle brackets\n"
        "- skill.what_for is required\n"
        "- skill.when_to_use is required\n"
        "- skill.topics must include at least one topic\n"
        '- output.skill_dir_name must match skill.name ("Glaze Help")\n'
        "- sources[0].path is required for file source\n"
        "- sources[0].output invalid: output path must not escape the skill directory\n"
        "- sources[1].binary is required for binary-help source\n"
        "- sources[1].topic is required for binary-help source\n"
        "- sources[1].output invalid: output path must be relative\n"
        "- sources[1].wrap must be 'markdown' or 'none'\n"
        '- sources[2].type "url" is not supported\n'
        "- sources[3].type is required"
    )


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("-api", "skill.name cannot start/end with '-' or contain consecutive hyphens"),
        ("a--b", "skill.name cannot start/end with '-' or contain consecutive hyphens"),
        ("a" * 65, "skill.name is too long (65 characters), max is 64"),
        ("api_design", "skill.name must be lowercase letters, digits, and hyphens only"),
    ],
)
def test_name_rules(name: str, problem: str) -> None:
    assert skill_plan.name_problem(name) == problem


def test_description_length_rule() -> None:
    assert skill_plan.description_problem("x" * 1025) == (
        "skill.description is too long (1025 characters), max is 1024"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (API_PLAN + "extra: 1\n", "failed to decode skill plan: line 12: field extra not found"),
        (
            API_PLAN.replace("  topics:", "  colour: red\n  topics:"),
            "failed to decode skill plan: line 7: field colour not found in skill",
        ),
        (API_PLAN + "---\nskill: {}\n", "skill plan must contain a single YAML document"),
        (API_PLAN.replace("[backend, api]", "backend"), "skill.topics must be a list of strings"),
        ("skill: [\n", "failed to decode skill plan: line"),
    ],
)
def test_strict_decoding(text: str, message: str) -> None:
    with pytest.raises(SkillPlanError) as caught:
        skill_plan.parse(text)
    assert message in caught.value.message


def test_dump_round_trips() -> None:
    plan = skill_plan.load(WS_PLAN)
    assert skill_plan.load(skill_plan.dump(plan)) == plan


# --- list ----------------------------------------------------------------------------------


def test_list_hides_closed_tickets_and_ends_with_load_commands(
    invoke: Callable[..., Result], work: Path
) -> None:
    out = invoke(["skill", "list"], cwd=work).stdout
    for title in ("API Design", "WebSocket Management", "Workspace Testing"):
        assert f"Skill: {title}\n" in out
    assert "MEN-5678" not in out and "Closed Ticket Only Skill" not in out
    assert "  Ticket: MEN-4242 — Normalize chat API paths\n" in out
    assert "  Load: docmgr skill show websocket-management\n" in out
    assert "  Load: docmgr skill show workspace-testing\n" in out
    # two skills named api-design: their load commands fall back to the plan path
    plan = next((work / "ttmp").glob("*/*/*/MEN-4242--*")) / "skills/api-design/skill.yaml"
    assert f'  Load: docmgr skill show "{plan}"\n' in out
    assert "  Related files: backend/chat/api/register.go\n" in out


def test_list_with_ticket_shows_that_tickets_skills(
    invoke: Callable[..., Result], work: Path
) -> None:
    out = invoke(["skill", "list", "--ticket", "MEN-5678"], cwd=work).stdout
    assert "Skill: Closed Ticket Only Skill\n" in out
    assert '  Load: docmgr skill show --ticket "MEN-5678" closed-ticket-only-skill\n' in out
    out = invoke(["skill", "list", "--ticket", "MEN-4242"], cwd=work).stdout
    for title in ("API Design", "WebSocket Management", "Workspace Testing"):
        assert f"Skill: {title}\n" in out


@pytest.mark.parametrize(
    ("args", "titles"),
    [
        (["--topics", "backend"], {"API Design", "WebSocket Management"}),
        (["--topics", "BACKEND,websocket"], {"API Design", "WebSocket Management"}),
        (["--topics", "testing"], {"Workspace Testing"}),
        (["--file", "backend/chat/api/register.go"], {"API Design"}),
        (["--file", "register.go"], {"API Design"}),
        (["--dir", "backend/chat/api/"], {"API Design"}),
        (["--dir", "backend/chat"], {"API Design", "WebSocket Management"}),
        (["--ticket", "MEN-4242", "--topics", "backend"], {"API Design", "WebSocket Management"}),
    ],
)
def test_list_filters(
    invoke: Callable[..., Result], work: Path, args: list[str], titles: set[str]
) -> None:
    rows = json.loads(invoke(["skill", "list", *args, "--output", "json"], cwd=work).stdout)
    assert {r["skill"] for r in rows} == titles


def test_list_json_rows(invoke: Callable[..., Result], work: Path) -> None:
    out = invoke(["skill", "list", "--with-glaze-output", "--output", "json"], cwd=work).stdout
    rows = json.loads(out)
    assert list(rows[0]) == [
        "skill",
        "what_for",
        "when_to_use",
        "topics",
        "related_paths",
        "path",
        "load_command",
        "ticket",
        "ticket_title",
    ]
    ws_row = next(r for r in rows if r["skill"] == "WebSocket Management")
    assert ws_row["topics"] == "websocket,backend"
    assert ws_row["ticket"] == "MEN-4242"
    assert ws_row["load_command"] == "docmgr skill show websocket-management"
    assert '"skill": "API Design"' in out.replace('":"', '": "')


def test_load_command_names_a_non_default_root(
    invoke: Callable[..., Result], work: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = work / "ttmp"
    rows = json.loads(
        invoke(["skill", "list", "--root", str(root), "--output", "json"], cwd=elsewhere).stdout
    )
    testing = next(r for r in rows if r["skill"] == "Workspace Testing")
    assert testing["load_command"] == f'docmgr skill show --root "{root}" workspace-testing'


def test_an_invalid_plan_fails_the_listing(invoke: Callable[..., Result], work: Path) -> None:
    bad = write(work / "ttmp" / "skills" / "bad" / "skill.yaml", "skill:\n  name: Bad Name\n")
    err = invoke(["skill", "list"], cwd=work, expect=1).stderr
    assert err.startswith(f"Error: failed to load skill plan {bad}: invalid skill plan:\n- ")


# --- show ----------------------------------------------------------------------------------


def test_show_prints_the_skill(invoke: Callable[..., Result], work: Path) -> None:
    out = invoke(
        ["skill", "show", "--skill", "WebSocket Management", "--ticket", "MEN-4242"], cwd=work
    ).stdout
    plan = next((work / "ttmp").glob("*/*/*/MEN-4242--*")) / "skills/websocket-management"
    rel = (plan / "skill.yaml").relative_to(work).as_posix()
    assert out == (
        "Title: WebSocket Management\n"
        "Name: websocket-management\n"
        "Ticket: MEN-4242 — Normalize chat API paths\n"
        "Description: Lifecycle of chat WebSocket connections.\n"
        "\n"
        "What this skill is for:\n"
        "Keeping connections healthy.\n"
        "\n"
        "When to use this skill:\n"
        "When touching backend/chat/ws.\n"
        "\n"
        "Topics: websocket, backend\n"
        "\n"
        "Compatibility: Go 1.22\n"
        "\n"
        "License: MIT\n"
        "\n"
        "Sources:\n"
        "  - file: backend/chat/ws/manager.go -> references/backend-chat-ws-manager.go\n"
        "  - file: docs/ws-notes.md (strip-frontmatter, append-to-body)\n"
        "\n"
        f"Plan Path: {rel}\n"
    )


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("websocket", "WebSocket Management"),  # title contains
        ("WebSocket Management", "WebSocket Management"),
        ("Skill: websocket management", "WebSocket Management"),  # prefix and slug
        ("workspace-testing", "Workspace Testing"),
        ("Workspace Testing", "Workspace Testing"),
    ],
)
def test_show_scoring(invoke: Callable[..., Result], work: Path, query: str, title: str) -> None:
    assert invoke(["skill", "show", query], cwd=work).stdout.startswith(f"Title: {title}\n")


def test_show_by_plan_path_and_folder(invoke: Callable[..., Result], work: Path) -> None:
    plan = next((work / "ttmp").glob("*/*/*/MEN-4242--*")) / "skills/api-design/skill.yaml"
    out = invoke(["skill", "show", str(plan)], cwd=work).stdout
    assert out.startswith("Title: API Design\n") and "Ticket: MEN-4242" in out
    out = invoke(["skill", "show", str(plan.parent)], cwd=work).stdout
    assert "Ticket: MEN-4242" in out
    out = invoke(["skill", "show", "ttmp/skills/api-design/skill.yaml"], cwd=work).stdout
    assert out.startswith("Title: API Design\n") and "Ticket:" not in out


def test_show_tie_lists_the_candidates(invoke: Callable[..., Result], work: Path) -> None:
    result = invoke(["skill", "show", "--skill", "API Design"], cwd=work, expect=1)
    assert result.stdout.startswith('Multiple skills match "API Design". Load one of these:\n')
    assert result.stdout.count("Skill: API Design\n") == 2
    assert "  Load: docmgr skill show " in result.stdout
    assert 'Error: multiple skills match "API Design"' in result.stderr
    result = invoke(["skill", "show", "api-design"], cwd=work, expect=1)
    assert "Multiple skills match" in result.stdout


def test_show_closed_ticket_skill_needs_the_ticket(
    invoke: Callable[..., Result], work: Path
) -> None:
    err = invoke(["skill", "show", "closed-ticket-only-skill"], cwd=work, expect=1).stderr
    assert err.startswith('Error: no skills found matching "closed-ticket-only-skill" — ')
    out = invoke(
        ["skill", "show", "closed-ticket-only-skill", "--ticket", "MEN-5678"], cwd=work
    ).stdout
    assert "Ticket: MEN-5678" in out


def test_show_follows_status_changes(invoke: Callable[..., Result], work: Path) -> None:
    invoke(
        ["meta", "update", "--ticket", "MEN-4242", "--field", "Status", "--value", "review"],
        cwd=work,
    )
    assert "Title: WebSocket Management" in invoke(["skill", "show", "websocket"], cwd=work).stdout
    invoke(
        ["meta", "update", "--ticket", "MEN-4242", "--field", "Status", "--value", "archived"],
        cwd=work,
    )
    invoke(["skill", "show", "websocket"], cwd=work, expect=1)


def test_show_resolve_reads_files(invoke: Callable[..., Result], work: Path) -> None:
    out = invoke(["skill", "show", "websocket-management", "--resolve"], cwd=work).stdout
    assert "\nResolved Sources:\n--- references/backend-chat-ws-manager.go (file) ---\n" in out
    assert "package ws\n// manage sockets\n" in out
    assert "--- SKILL.md body (file) ---\n# WebSocket Management\n" in out
    assert "title: x" not in out  # strip-frontmatter


def _stub_binary(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stub = folder / "glaze-stub"
    stub.write_text(f"#!{sys.executable}\nimport sys, time\n{body}\n", encoding="utf-8")
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    return stub


def _binary_plan(work: Path, stub: Path, extra: str = "") -> None:
    write(
        work / "ttmp" / "skills" / "glaze-help" / "skill.yaml",
        f"""\
skill:
  name: glaze-help
  description: The help system of glaze.
  what_for: Reading glaze help.
  when_to_use: When writing glaze help pages.
  topics: [docs]
sources:
  - type: binary-help
    binary: {stub}
    topic: help-system
    output: references/glaze-help-system.md
{extra}""",
    )


def test_binary_help_runs_the_binary_without_a_shell(
    invoke: Callable[..., Result], work: Path, tmp_path: Path
) -> None:
    stub = _stub_binary(tmp_path / "bin", "print('ARGS', sys.argv[1:])")
    _binary_plan(work, stub)
    out = invoke(["skill", "show", "glaze-help"], cwd=work).stdout
    assert f"  - binary-help: {stub} help help-system -> references/glaze-help-system.md" in out
    assert "ARGS" not in out  # not run without --resolve
    out = invoke(["skill", "show", "glaze-help", "--resolve"], cwd=work).stdout
    assert "--- references/glaze-help-system.md (binary-help) ---\n" in out
    assert "```text\nARGS ['help', 'help-system']\n```" in out


def test_binary_help_timeout_and_failures(
    invoke: Callable[..., Result], work: Path, tmp_path: Path
) -> None:
    stub = _stub_binary(tmp_path / "bin", "time.sleep(30)")
    _binary_plan(work, stub, "    timeout_seconds: 1\n")
    err = invoke(["skill", "show", "glaze-help", "--resolve"], cwd=work, expect=1).stderr
    assert f"Error: binary help timed out after 1s for {stub}" in err
    _binary_plan(work, tmp_path / "bin" / "missing-binary")
    err = invoke(["skill", "show", "glaze-help", "--resolve"], cwd=work, expect=1).stderr
    assert "Error: binary not found on PATH: " in err
    stub = _stub_binary(tmp_path / "bin2", "print('boom'); sys.exit(3)")
    _binary_plan(work, stub)
    err = invoke(["skill", "show", "glaze-help", "--resolve"], cwd=work, expect=1).stderr
    assert "Error: binary help failed: boom (exit status 3)" in err


def test_a_source_may_not_leave_the_repository(invoke: Callable[..., Result], work: Path) -> None:
    write(
        work / "ttmp" / "skills" / "escape" / "skill.yaml",
        WORKSPACE_TESTING.replace("workspace-testing", "escape")
        + "sources:\n  - type: file\n    path: ../../etc/passwd\n    output: references/p\n",
    )
    err = invoke(["skill", "show", "escape", "--resolve"], cwd=work, expect=1).stderr
    assert "source path escapes repository: ../../etc/passwd" in err


# --- export and import ---------------------------------------------------------------------


def test_export_writes_folder_and_zip(
    invoke: Callable[..., Result], work: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    package = tmp_path / "pkg" / "ws.skill"
    out = invoke(
        ["skill", "export", "websocket-management", "--ticket", "MEN-4242"]
        + ["--out-dir", str(out_dir), "--output-skill", str(package)],
        cwd=work,
    ).stdout
    folder = out_dir / "websocket-management"
    assert out == f"Exported skill to {package}\nSkill directory: {folder}\n"
    skill_md = (folder / "SKILL.md").read_text(encoding="utf-8")
    assert skill_md == (
        "---\n"
        "name: websocket-management\n"
        "description: Lifecycle of chat WebSocket connections.\n"
        "license: MIT\n"
        "metadata:\n"
        "  topics:\n"
        "  - websocket\n"
        "  - backend\n"
        "  what_for: Keeping connections healthy.\n"
        "  when_to_use: When touching backend/chat/ws.\n"
        "  compatibility: Go 1.22\n"
        "  title: WebSocket Management\n"
        "---\n"
        "\n"
        "# WebSocket Management\n"
        "\n"
        "Reconnect with backoff.\n"
        "\n"
        "## References\n"
        "\n"
        "- references/backend-chat-ws-manager.go\n"
    )
    assert (folder / "references/backend-chat-ws-manager.go").read_text() == (
        "package ws\n// manage sockets\n"
    )
    with zipfile.ZipFile(package) as archive:
        assert sorted(archive.namelist()) == [
            "websocket-management/SKILL.md",
            "websocket-management/references/backend-chat-ws-manager.go",
        ]
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist())
    again = invoke(
        ["skill", "export", "websocket-management", "--out-dir", str(out_dir)], cwd=work, expect=1
    )
    assert f"skill directory is not empty: {folder}" in again.stderr
    invoke(
        ["skill", "export", "websocket-management", "--out-dir", str(out_dir), "--force"], cwd=work
    )


def test_export_without_sources_writes_the_sections(
    invoke: Callable[..., Result], work: Path, tmp_path: Path
) -> None:
    out = invoke(["skill", "export", "workspace-testing"], cwd=work).stdout
    assert out.startswith("No .skill output requested (use --output-skill to create one)\n")
    folder = Path(out.splitlines()[1].removeprefix("Skill directory: "))
    text = (folder / "SKILL.md").read_text(encoding="utf-8")
    assert text.endswith(
        "# Workspace Testing\n\nHow to test the whole workspace.\n\n"
        "## What this skill is for\n\nRunning every suite.\n\n"
        "## When to use\n\nBefore a release.\n"
    )


def test_import_round_trips_an_export(
    invoke: Callable[..., Result], work: Path, tmp_path: Path
) -> None:
    package = tmp_path / "x.skill"
    invoke(
        ["skill", "export", "websocket-management", "--ticket", "MEN-4242"]
        + ["--output-skill", str(package), "--out-dir", str(tmp_path / "first")],
        cwd=work,
    )
    out = invoke(["skill", "import", str(package)], cwd=work).stdout
    plan_path = work / "ttmp" / "skills" / "websocket-management" / "skill.yaml"
    assert out == f"Imported skill plan to {plan_path.relative_to(work).as_posix()}\n"
    plan = skill_plan.load(plan_path.read_text(encoding="utf-8"))
    assert plan.title == "WebSocket Management" and plan.topics == ("websocket", "backend")
    assert plan.what_for == "Keeping connections healthy." and plan.license == "MIT"
    assert [s.output for s in plan.sources] == ["", "references/backend-chat-ws-manager.go"]
    assert plan.sources[0].append_to_body
    body = (plan_path.parent / "skill-body.md").read_text(encoding="utf-8")
    assert body == "# WebSocket Management\n\nReconnect with backoff.\n"  # index dropped
    # the imported plan exports to the same SKILL.md body
    again = tmp_path / "again"
    invoke(["skill", "export", str(plan_path), "--out-dir", str(again)], cwd=work)
    original = (tmp_path / "first/websocket-management/SKILL.md").read_text(encoding="utf-8")
    copied = (again / "websocket-management/SKILL.md").read_text(encoding="utf-8")
    assert copied.split("\n---\n", 1)[1] == original.split("\n---\n", 1)[1]
    err = invoke(["skill", "import", str(package)], cwd=work, expect=1).stderr
    assert "plan directory is not empty: " in err


def test_import_a_folder_with_defaults_into_a_ticket(
    invoke: Callable[..., Result], work: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "my-skill"
    write(folder / "SKILL.md", "---\nname: my-skill\ndescription: Does things.\n---\n\nBody.\n")
    write(folder / "references" / "a" / "b.md", "ref\n")
    invoke(["skill", "import", str(folder), "--ticket", "MEN-42"], cwd=work)
    plan_dir = next((work / "ttmp").glob("*/*/*/MEN-4242--*")) / "skills" / "my-skill"
    plan = skill_plan.load((plan_dir / "skill.yaml").read_text(encoding="utf-8"))
    assert plan.display_title == "my-skill" and plan.topics == ("imported-skill",)
    assert plan.what_for == "Does things." and plan.when_to_use == (
        "Use when working with my-skill."
    )
    assert (plan_dir / "references/a/b.md").read_text() == "ref\n"
    assert plan.sources[1].path == (plan_dir / "references/a/b.md").relative_to(work).as_posix()
    out = invoke(
        ["skill", "list", "--ticket", "MEN-4242", "--topics", "imported-skill"], cwd=work
    ).stdout
    assert "Skill: my-skill\n" in out


def _zip(path: Path, entries: dict[str, bytes], symlink: str = "") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


GOOD_MD = b"---\nname: zipped\ndescription: d\n---\n# Zipped\n"


@pytest.mark.parametrize(
    ("entries", "symlink", "message"),
    [
        ({"/abs/SKILL.md": GOOD_MD}, "", "zip entry has an absolute path: /abs/SKILL.md"),
        ({"x/../../SKILL.md": GOOD_MD}, "", "zip entry escapes the target directory"),
        ({"x/SKILL.md": GOOD_MD}, "x/references/link", "zip entry is a symlink: x/references/link"),
        ({"x\\..\\SKILL.md": GOOD_MD}, "", "zip entry has an unsafe name"),
    ],
)
def test_import_refuses_unsafe_zips(
    invoke: Callable[..., Result],
    work: Path,
    tmp_path: Path,
    entries: dict[str, bytes],
    symlink: str,
    message: str,
) -> None:
    package = _zip(tmp_path / "evil.skill", entries, symlink)
    err = invoke(["skill", "import", str(package)], cwd=work, expect=1).stderr
    assert message in err
    assert not (work / "ttmp" / "skills" / "zipped").exists()
    assert not (tmp_path / "SKILL.md").exists() and not Path("/abs/SKILL.md").exists()


def test_import_needs_exactly_one_skill_md(
    invoke: Callable[..., Result], work: Path, tmp_path: Path
) -> None:
    two = _zip(tmp_path / "two.skill", {"a/SKILL.md": GOOD_MD, "b/SKILL.md": GOOD_MD})
    assert (
        "expected exactly one SKILL.md, found 2"
        in invoke(["skill", "import", str(two)], cwd=work, expect=1).stderr
    )
    none = _zip(tmp_path / "none.skill", {"a/README.md": b"x"})
    assert "no SKILL.md found" in invoke(["skill", "import", str(none)], cwd=work, expect=1).stderr
    bad = _zip(
        tmp_path / "bad.skill", {"a/SKILL.md": b"---\nname: Bad Name\ndescription: d\n---\n"}
    )
    err = invoke(["skill", "import", str(bad)], cwd=work, expect=1).stderr
    assert "skill.name must be lowercase letters, digits, and hyphens only" in err


def test_zip_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(skill_ops, "MAX_TOTAL_BYTES", 1000)
    package = _zip(tmp_path / "big.skill", {"a/SKILL.md": GOOD_MD, "a/references/x": b"0" * 5000})
    with pytest.raises(UnsafeArchive, match="size limit"):
        skill_ops.extract_package(package, tmp_path / "out")


def test_init_skill_template_is_usable(invoke: Callable[..., Result], work: Path) -> None:
    """`init` scaffolds _templates/skill.md; `doc add --doc-type skill` uses it."""
    assert (work / "ttmp" / "_templates" / "skill.md").is_file()
    invoke(
        ["doc", "add", "--ticket", "MEN-4242", "--doc-type", "skill", "--title", "Review PRs"],
        cwd=work,
    )
    doc = next((work / "ttmp").glob("*/*/*/MEN-4242--*/skill/01-review-prs.md"))
    text = doc.read_text(encoding="utf-8")
    assert "DocType: skill" in text and "## The Iron Law" in text
    assert os.access(doc, os.R_OK)
