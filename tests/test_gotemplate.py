"""The Go text/template work-alike that renders verb output templates (spec §5.23)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from docmgr.formats.gotemplate import TemplateError, check, go_sprintf, render

DATA = {
    "TotalDocs": 3,
    "Root": "/r",
    "Now": datetime(2026, 2, 8, 15, 47, 5, tzinfo=UTC),
    "Tickets": [
        {"Ticket": "MEN-1", "Docs": [{"Title": "A", "Status": "active"}]},
        {"Ticket": "MEN-2", "Docs": []},
    ],
    "Findings": [{"Severity": "error"}, {"Severity": "warning"}, {"Severity": "error"}],
    "Topics": ["chat", "backend"],
    "Settings": {"root": "ttmp"},
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Docs: {{.TotalDocs}}", "Docs: 3"),
        ("{{range .Tickets}}{{.Ticket}}({{len .Docs}}) {{end}}", "MEN-1(1) MEN-2(0) "),
        ("{{range $i, $t := .Tickets}}{{$i}}={{$t.Ticket}};{{end}}", "0=MEN-1;1=MEN-2;"),
        ("{{range .Missing}}x{{else}}none{{end}}", "none"),
        ("{{if gt .TotalDocs 2}}many{{else if eq .TotalDocs 1}}one{{else}}few{{end}}", "many"),
        ("{{with .Settings}}{{.root}}{{end}}", "ttmp"),
        ("{{.Topics}} {{.Settings}} {{.Nope}}", "[chat backend] map[root:ttmp] <no value>"),
        ("a  {{- .TotalDocs -}}  b", "a3b"),
        ("{{/* a comment */}}x{{- /* trimmed */ -}} y", "xy"),
        (
            '{{printf "%-5s|%03d|%.1f|%q|%v" "ab" 7 2.25 "x" .Topics}}',
            'ab   |007|2.2|"x"|[chat backend]',
        ),
        ('{{countBy .Findings "error"}}', "2"),
        ("{{add1 .TotalDocs}}", "4"),
        ("{{range slice 0 1 .Topics}}{{.}}{{end}}", "chat"),
        ('{{$d := dict "a" 1 "b" 2}}{{get $d "b"}}{{$d = set $d "c" 3}}{{len $d}}', "23"),
        ('{{index .Topics 1}} {{index .Settings "root"}}', "backend ttmp"),
        ('{{.Now.Format "2006-01-02 15:04"}}', "2026-02-08 15:47"),
        ('{{.TotalDocs | printf "%d docs"}}', "3 docs"),
        ('{{and 1 0}} {{or 0 "x"}} {{not .Missing}}', "0 x true"),
        (
            '{{define "row"}}[{{.}}]{{end}}{{range .Topics}}{{template "row" .}}{{end}}',
            "[chat][backend]",
        ),
        ('{{range .Topics}}{{if eq . "chat"}}{{continue}}{{end}}{{.}}{{end}}', "backend"),
        ("{{range .Topics}}{{.}}{{break}}{{end}}", "chat"),
        ("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"),
        ("{{(index .Tickets 0).Ticket}}", "MEN-1"),
        ("{{$.Root}}{{range .Tickets}}{{$.Root}}{{end}}", "/r/r/r"),
        ('{{print 1 2 "a" 3}}', "1 2a3"),
        ('{{html "<a>"}} {{urlquery "a b"}}', "&lt;a&gt; a+b"),
    ],
)
def test_render(source: str, expected: str) -> None:
    assert render("t.templ", source, DATA) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{.Foo", "template: bad.templ:1: unclosed action"),
        ("{{if .X}}open", "template: bad.templ:1: unexpected EOF"),
        ("line\n{{end}}", "template: bad.templ:2: unexpected {{end}}"),
        ("{{nosuch .X}}", 'template: bad.templ:1: function "nosuch" not defined'),
        ("{{ 3 | .X }}", ""),
        ("x\n\n{{range}}{{end}}", "template: bad.templ:3: missing value for range"),
        ("{{/* open", "template: bad.templ:1: unclosed comment"),
    ],
)
def test_parse_errors(source: str, message: str) -> None:
    if not message:
        check("bad.templ", source)  # piping into a field parses; it fails when it runs
        with pytest.raises(TemplateError, match="can't give argument to non-function"):
            render("bad.templ", source, DATA)
        return
    with pytest.raises(TemplateError) as caught:
        check("bad.templ", source)
    assert str(caught.value) == message


def test_runtime_errors_name_the_line() -> None:
    with pytest.raises(TemplateError, match=r"template: t:2: nil pointer evaluating"):
        render("t", "a\n{{.Missing.Field}}", DATA)
    with pytest.raises(TemplateError, match=r"template: t:1: undefined variable: \$y"):
        check("t", "{{$y}}")
        render("t", "{{$y}}", DATA)


def test_sprintf_edge_cases() -> None:
    assert go_sprintf("%d%%", 5) == "5%"
    assert go_sprintf("%s") == "%!s(MISSING)"
    assert go_sprintf("%t", True) == "true"
    assert go_sprintf("%5.2f|%x", 3.14159, 255) == " 3.14|ff"
