"""Verb output templates (spec §5.23–5.24): schema printing, rendering after output, validate."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml  # noqa: TID253 - tests may load YAML at module level
from conftest import Result

VERBS = [
    (["list", "docs"], ["Docs root:", "## Documents"]),
    (["doc", "list"], ["## Documents"]),
    (["list", "tickets"], ["## Tickets"]),
    (["ticket", "list"], ["## Tickets"]),
    (["doctor"], ["All checks passed"]),
    (["status"], ["Docs root:"]),
    (["tasks", "list"], ["["]),
    (["doc", "search", "--query", "test"], ["::"]),
    (["search", "--query", "test"], ["::"]),
    (["vocab", "list"], ["root="]),
    (["doc", "guidelines", "--doc-type", "design-doc"], ["## Required Elements"]),
    (["skill", "list"], ["Load:", "No skills found"]),
]


@pytest.fixture
def work(invoke: Callable[..., Result], tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    invoke(["init"], cwd=tmp_path)
    invoke(["ticket", "create", "--ticket", "MEN-1", "--title", "Test ticket"], cwd=tmp_path)
    invoke(["task", "add", "--ticket", "MEN-1", "--text", "first"], cwd=tmp_path)
    invoke(
        ["doc", "add", "--ticket", "MEN-1", "--doc-type", "design-doc", "--title", "Test plan"],
        cwd=tmp_path,
    )
    return tmp_path


@pytest.mark.parametrize(("args", "absent"), VERBS, ids=[" ".join(v[0]) for v in VERBS])
def test_print_template_schema_prints_only_the_schema(
    invoke: Callable[..., Result], tmp_path: Path, args: list[str], absent: list[str]
) -> None:
    """No workspace, no ticket: the schema alone (S13)."""
    out = invoke([*args, "--print-template-schema", "--schema-format", "yaml"], cwd=tmp_path)
    assert "properties:" in out.stdout
    for text in absent:
        assert text not in out.stdout
    schema = yaml.safe_load(out.stdout)
    assert schema["type"] == "object"
    assert {"Verbs", "Root", "Now", "Settings"} <= set(schema["properties"])
    flipped = invoke(
        [*args, "--schema-format", "json", "--print-template-schema"], cwd=tmp_path
    ).stdout
    assert json.loads(flipped) == schema


def test_schema_shapes(invoke: Callable[..., Result], tmp_path: Path) -> None:
    out = invoke(["doc", "list", "--print-template-schema"], cwd=tmp_path).stdout
    props = json.loads(out)["properties"]
    assert props["TotalDocs"] == {"type": "integer"}
    tickets = props["Tickets"]
    assert tickets["type"] == "array"
    docs = tickets["items"]["properties"]["Docs"]["items"]["properties"]
    assert set(docs) == {"DocType", "Title", "Status", "Topics", "Updated", "Path"}
    assert docs["Topics"] == {"type": "array", "items": {"type": "string"}}
    assert props["Now"] == {"type": "string", "format": "date-time"}
    out = invoke(["doctor", "--print-template-schema"], cwd=tmp_path).stdout
    findings = json.loads(out)["properties"]["Tickets"]["items"]["properties"]["Findings"]
    assert set(findings["items"]["properties"]) == {"Issue", "Severity", "Message", "Path"}


def _template(work: Path, rel: str, text: str) -> Path:
    path = work / "ttmp" / "templates" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_doc_list_renders_its_template_after_the_output(
    invoke: Callable[..., Result], work: Path
) -> None:
    _template(
        work,
        "doc/list.templ",
        "{{.TotalDocs}} doc(s) in {{.TotalTickets}} ticket(s)\n"
        "{{range .Tickets}}{{.Ticket}}:{{range .Docs}} {{.Title}}{{end}}{{end}}\n"
        "{{index .Verbs 1}}/{{index .Verbs 2}} {{.Settings.ticket}}",
    )
    out = invoke(["doc", "list", "--ticket", "MEN-1"], cwd=work).stdout
    body, rendered = out.rsplit("\n\n", 1)
    assert body.startswith("## Documents (1)")
    assert "1 doc(s) in 1 ticket(s)\nMEN-1: Test plan\ndoc/list MEN-1\n" == rendered
    # structured output never renders the template
    assert json.loads(invoke(["doc", "list", "--output", "json"], cwd=work).stdout)


def test_grouped_alias_candidates(invoke: Callable[..., Result], work: Path) -> None:
    _template(work, "list/tickets.templ", "tickets={{.TotalTickets}}")
    assert invoke(["ticket", "list"], cwd=work).stdout.endswith("\n\ntickets=1\n")
    _template(
        work, "tasks/list.templ", "{{.OpenTasks}}/{{.TotalTasks}} {{range .Tasks}}{{.Text}}{{end}}"
    )
    out = invoke(["task", "list", "--ticket", "MEN-1"], cwd=work).stdout
    assert out.endswith("\n\n1/1 first\n")
    _template(work, "doctor.templ", "findings={{.TotalFindings}}")
    assert "findings=" in invoke(["doctor"], cwd=work).stdout
    _template(work, "status.templ", "{{.TicketsTotal}} tickets, {{.DocsTotal}} docs")
    assert invoke(["status"], cwd=work).stdout.endswith("\n\n1 tickets, 1 docs\n")
    _template(work, "vocab/list.templ", "{{range .DocTypes}}{{.Slug}} {{end}}")
    assert "design-doc" in invoke(["vocab", "list"], cwd=work).stdout.rsplit("\n\n", 1)[1]
    _template(work, "doc/guidelines.templ", "type={{.DocType}} src={{.Source}}")
    out = invoke(["doc", "guidelines", "--doc-type", "design-doc"], cwd=work).stdout
    assert out.rstrip().endswith(
        "type=design-doc src=" + str(work / "ttmp/_guidelines/design-doc.md")
    )
    _template(work, "search.templ", "q={{.Query}} n={{.TotalResults}}")
    assert invoke(["search", "--query", "plan"], cwd=work).stdout.endswith("\n\nq=plan n=1\n")


def test_a_broken_template_is_only_a_warning(invoke: Callable[..., Result], work: Path) -> None:
    _template(work, "doc/list.templ", "{{.Missing.Field}}")
    result = invoke(["doc", "list"], cwd=work)
    assert result.stdout.startswith("## Documents")
    assert result.stderr.startswith(
        "Warning: Failed to render verb template: template: list.templ:1:"
    )


def test_template_validate(invoke: Callable[..., Result], work: Path) -> None:
    err = invoke(["template", "validate"], cwd=work, expect=1).stderr
    assert f"Error: templates directory does not exist: {work / 'ttmp' / 'templates'}" in err
    (work / "ttmp" / "templates").mkdir()
    result = invoke(["template", "validate"], cwd=work)
    assert result.stderr == f"No templates found in {work / 'ttmp' / 'templates'}\n"
    good = _template(work, "doc/list.templ", "{{range .Tickets}}{{.Ticket}}{{end}}")
    assert invoke(["template", "validate"], cwd=work).stdout == (
        "All 1 template(s) validated successfully\n"
    )
    assert invoke(["template", "validate", "--verbose"], cwd=work).stdout == (
        f"OK: {good}\nAll 1 template(s) validated successfully\n"
    )
    bad = _template(work, "bad-template.templ", "{{range .X}}\n{{nosuch}}")
    result = invoke(["template", "validate"], cwd=work, expect=1)
    assert f'ERROR: {bad}: template: bad-template.templ:2: function "nosuch" not defined' in (
        result.stderr
    )
    assert "Error: validation failed: 1 template(s) had errors" in result.stderr
    for given in ("templates/bad-template.templ", "bad-template.templ", str(bad)):
        result = invoke(["template", "validate", "--path", given], cwd=work, expect=1)
        assert f"ERROR: {bad}:" in result.stderr
    assert invoke(["template", "validate", "--path", "doc/list.templ"], cwd=work).stdout == (
        "All 1 template(s) validated successfully\n"
    )
    out = invoke(["template", "validate", "--output", "json"], cwd=work, expect=1).stdout
    assert {(Path(r["path"]).name, r["status"]) for r in json.loads(out)} == {
        ("list.templ", "ok"),
        ("bad-template.templ", "error"),
    }
