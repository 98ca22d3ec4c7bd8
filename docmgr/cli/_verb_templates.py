"""Verb output templates in the CLI: each read verb's template data, its schema, its render.

Nine read verbs (spec §5.23) render ``<root>/templates/…/<verb>.templ`` after their human
output. Each verb's template data is built here from the rows the verb already emits, so the
data, its schema (``--print-template-schema``) and the rendering share one definition. The
flags and the hook the verbs carry are ``_template_flags`` (this module loads only when a
schema is asked for or the docs root has templates).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from docmgr.tuples import NamedTuple

F = TypeVar("F", bound=Callable[..., Any])
Row = dict[str, Any]


def _topics(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [t.strip() for t in str(value or "").split(",") if t.strip()]


def _doc_list(rows: list[Row]) -> dict[str, Any]:
    tickets: dict[str, list[Row]] = {}
    for r in rows:
        tickets.setdefault(r["ticket"], []).append(
            {
                "DocType": r["doc_type"],
                "Title": r["title"],
                "Status": r["status"],
                "Topics": _topics(r["topics"]),
                "Updated": r["last_updated"],
                "Path": r["path"],
            }
        )
    return {
        "TotalDocs": len(rows),
        "TotalTickets": len(tickets),
        "Tickets": [{"Ticket": t, "Docs": docs} for t, docs in tickets.items()],
        "Rows": rows,
        "Fields": list(rows[0]) if rows else [],
    }


def _ticket_list(rows: list[Row]) -> dict[str, Any]:
    return {
        "TotalTickets": len(rows),
        "Tickets": [
            {
                "Ticket": r["ticket"],
                "Title": r["title"],
                "Status": r["status"],
                "Topics": _topics(r["topics"]),
                "TasksOpen": r["tasks_open"],
                "TasksDone": r["tasks_done"],
                "Updated": r["last_updated"],
                "Path": r["path"],
            }
            for r in rows
        ],
        "Rows": rows,
        "Fields": list(rows[0]) if rows else [],
    }


def _doctor(rows: list[Row]) -> dict[str, Any]:
    tickets: dict[str, list[Row]] = {}
    for r in rows:
        tickets.setdefault(r.get("ticket", ""), []).append(
            {
                "Issue": r.get("issue", ""),
                "Severity": r.get("severity", ""),
                "Message": r.get("message", ""),
                "Path": r.get("path", ""),
            }
        )
    findings = [r for r in rows if r.get("severity") not in ("ok", "")]
    return {
        "TotalFindings": len(findings),
        "Tickets": [{"Ticket": t, "Findings": items} for t, items in tickets.items()],
    }


def _status(data: dict[str, Any]) -> dict[str, Any]:
    summary: Row = data["summary"]
    return {
        "TicketsTotal": summary["tickets_total"],
        "TicketsStale": summary["tickets_stale"],
        "DocsTotal": summary["docs_total"],
        "DesignDocs": summary["design_docs"],
        "ReferenceDocs": summary["reference_docs"],
        "Playbooks": summary["playbooks"],
        "StaleAfterDays": summary["stale_after_days"],
        "Root": summary["root"],
        "ConfigPath": summary["config_path"],
        "VocabularyPath": summary["vocabulary_path"],
        "Tickets": [
            {
                "Ticket": r["ticket"],
                "Title": r["title"],
                "Status": r["status"],
                "Stale": r["stale"],
                "Docs": r["docs"],
                "LastUpdated": r["last_updated"],
                "Path": r["path"],
            }
            for r in data["tickets"]
        ],
    }


def _task_list(data: dict[str, Any]) -> dict[str, Any]:
    rows: list[Row] = data["rows"]
    done = sum(1 for r in rows if r["checked"])
    return {
        "TotalTasks": len(rows),
        "OpenTasks": len(rows) - done,
        "DoneTasks": done,
        "TasksFile": data["file"],
        "Tasks": [
            {"ID": r["id"], "Index": r["index"], "Checked": r["checked"], "Text": r["text"]}
            for r in rows
        ],
    }


def _search(data: dict[str, Any]) -> dict[str, Any]:
    rows: list[Row] = data["rows"]
    return {
        "Query": data["query"],
        "TotalResults": len(rows),
        "Results": [
            {
                "Ticket": r["ticket"],
                "Title": r["title"],
                "DocType": r["doc_type"],
                "Status": r["status"],
                "Topics": _topics(r["topics"]),
                "Path": r["path"],
                "Snippet": r["snippet"],
            }
            for r in rows
        ],
    }


def _vocab_list(data: dict[str, Any]) -> dict[str, Any]:
    rows: list[Row] = data["rows"]

    def entries(category: str) -> list[Row]:
        return [
            {"Slug": r["slug"], "Description": r["description"]}
            for r in rows
            if r["category"] == category
        ]

    return {
        "Category": data["category"],
        "Topics": entries("topics"),
        "DocTypes": entries("docTypes"),
        "Intent": entries("intent"),
        "Status": entries("status"),
    }


def _guidelines(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "DocType": data["doc_type"],
        "GuidelineText": data["text"],
        "Source": data["source"],
        "Path": data["path"],
    }


def _skill_list(rows: list[Row]) -> dict[str, Any]:
    return {
        "TotalResults": len(rows),
        "Results": [
            {
                "Skill": r["skill"],
                "WhatFor": r["what_for"],
                "WhenToUse": r["when_to_use"],
                "Topics": _topics(r["topics"]),
                "RelatedPaths": _topics(r["related_paths"]),
                "Path": r["path"],
                "LoadCommand": r["load_command"],
                "Ticket": r["ticket"],
            }
            for r in rows
        ],
    }


class VerbTemplate(NamedTuple):
    """Where a verb's template may live, how its data is built, and sample input for the schema."""

    candidates: tuple[tuple[str, ...], ...]
    build: Callable[[Any], dict[str, Any]]
    sample: Any


_DOC_ROW = {
    "ticket": "",
    "doc_type": "",
    "title": "",
    "status": "",
    "topics": "a, b",
    "path": "",
    "last_updated": "",
}
_TICKET_ROW = {
    "ticket": "",
    "title": "",
    "status": "",
    "topics": "a, b",
    "tasks_open": 0,
    "tasks_done": 0,
    "path": "",
    "last_updated": "",
}
_STATUS_ROW = {
    "ticket": "",
    "title": "",
    "status": "",
    "last_updated": "",
    "stale": False,
    "docs": 0,
    "path": "",
}
_SUMMARY = {
    "root": "",
    "config_path": "",
    "vocabulary_path": "",
    "tickets_total": 0,
    "tickets_stale": 0,
    "docs_total": 0,
    "design_docs": 0,
    "reference_docs": 0,
    "playbooks": 0,
    "stale_after_days": 0,
}
_HIT = {
    "ticket": "",
    "title": "",
    "doc_type": "",
    "status": "",
    "topics": ["a"],
    "path": "",
    "snippet": "",
}
_SKILL_ROW = {
    "skill": "",
    "what_for": "",
    "when_to_use": "",
    "topics": "a",
    "related_paths": "a",
    "path": "",
    "load_command": "",
    "ticket": "",
}

VERBS: dict[str, VerbTemplate] = {
    "doc list": VerbTemplate((("doc", "list"), ("list", "docs")), _doc_list, [_DOC_ROW]),
    "ticket list": VerbTemplate(
        (("list", "tickets"), ("ticket", "list")), _ticket_list, [_TICKET_ROW]
    ),
    "doctor": VerbTemplate(
        (("doctor",),),
        _doctor,
        [{"ticket": "", "issue": "", "severity": "warning", "message": "", "path": ""}],
    ),
    "status": VerbTemplate(
        (("status",),), _status, {"summary": _SUMMARY, "tickets": [_STATUS_ROW]}
    ),
    "task list": VerbTemplate(
        (("tasks", "list"), ("task", "list")),
        _task_list,
        {"rows": [{"id": "", "index": 0, "checked": False, "text": ""}], "file": ""},
    ),
    "search": VerbTemplate(
        (("doc", "search"), ("search",)), _search, {"rows": [_HIT], "query": ""}
    ),
    "vocab list": VerbTemplate(
        (("vocab", "list"),),
        _vocab_list,
        {
            "category": "",
            "rows": [
                {"category": c, "slug": "", "description": ""}
                for c in ("topics", "docTypes", "intent", "status")
            ],
        },
    ),
    "doc guidelines": VerbTemplate(
        (("doc", "guidelines"), ("guidelines",)),
        _guidelines,
        {"doc_type": "", "text": "", "source": "", "path": ""},
    ),
    "skill list": VerbTemplate((("skill", "list"),), _skill_list, [_SKILL_ROW]),
}


def schema_data(verb: str) -> dict[str, Any]:
    """What a template of ``verb`` sees: the envelope plus the verb's keys (sample values)."""
    from datetime import UTC, datetime

    spec = VERBS[verb]
    return {
        "Verbs": ["docmgr", *spec.candidates[0]],
        "Root": "",
        "Now": datetime(2000, 1, 1, tzinfo=UTC),
        "Settings": {"root": ""},
        **spec.build(spec.sample),
    }


def render(verb: str, source: Any, ws: Any) -> None:
    """Render ``verb``'s template of the docs root ``ws.root`` (it has a ``templates``
    folder): a blank line, then the rendering on stdout; a broken template is a warning on
    stderr."""
    ctx = click.get_current_context()
    settings = {k: v for k, v in ctx.params.items() if k not in ("output", "glaze")}
    settings = {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()}
    settings["root"] = str(ws.root)
    from docmgr.formats.gotemplate import TemplateError
    from docmgr.store import verb_templates

    spec = VERBS[verb]
    try:
        text = verb_templates.render(
            ws.root,
            spec.candidates,
            data=spec.build(source),
            settings=settings,
            now=ws.clock.now(),
        )
    except (TemplateError, OSError, UnicodeDecodeError) as exc:
        click.echo(f"Warning: Failed to render verb template: {exc}", err=True)
        return
    if text is not None:
        click.echo("")
        click.echo(text, nl=not text.endswith("\n"))
