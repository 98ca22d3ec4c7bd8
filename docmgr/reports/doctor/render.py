"""doctor's human text: the detailed report, the rollup and the diagnostics view."""

from __future__ import annotations

from typing import Any

from docmgr.model import Finding, Severity
from docmgr.reports.doctor.report import Report


def render_detail(report: Report) -> str:
    """The markdown report of detail mode (spec §7.4)."""
    lines = [f"## Doctor Report ({len(report.findings)} findings)", ""]
    order: list[str] = []
    by_ticket: dict[str, list[Finding]] = {}
    for f in report.findings:
        key = f.ticket or "(unknown)"
        if key not in by_ticket:
            order.append(key)
            by_ticket[key] = []
        by_ticket[key].append(f)
    for key in order:
        lines += [f"### {key}", ""]
        for f in by_ticket[key]:
            if f.issue == "none":
                lines.append("- ✅ All checks passed")
                continue
            where = f" (path={f.path})" if f.path else ""
            lines.append(
                f"- [{f.severity.upper()}] {f.issue} — {f.message or '(no message)'}{where}"
            )
            snippet = f.extra.get("snippet") if f.extra else None
            if snippet:
                lines += ["  ```", *("  " + s for s in snippet.splitlines()), "  ```"]
        lines.append("")
    return "\n".join(lines) + "\n"


def render_rollup(report: Report) -> str:
    """One line per ticket with problems, then totals (spec §7.4)."""
    if not report.findings and not report.tickets:
        return "No tickets checked.\n"
    lines = [f"[INFO] {f.message}" for f in report.findings if f.severity == Severity.INFO]
    per = {
        key: {"errors": e, "warnings": w, "issues": issues}
        for key, (e, w, issues) in report.tally.items()
    }
    order = list(per)
    total_e = total_w = 0
    with_e = with_w = 0
    for key in order:
        item = per[key]
        top = sorted(item["issues"].items(), key=lambda kv: -kv[1])[:3]
        lines.append(
            f"{key}: {item['errors']} error(s), {item['warnings']} warning(s) — top: "
            + ", ".join(f"{k} x{n}" for k, n in top)
        )
        total_e += item["errors"]
        total_w += item["warnings"]
        if key == "(unknown)":
            continue  # rows about no ticket (orphan files, root docs) count in the totals only
        with_e += 1 if item["errors"] else 0
        with_w += 1 if not item["errors"] and item["warnings"] else 0
    checked = len(report.tickets)
    ok = max(0, checked - with_e - with_w)
    lines.append(
        f"{checked} ticket(s) checked: {with_e} with errors, {with_w} with warnings, {ok} ok "
        f"({total_e} errors, {total_w} warnings total)"
    )
    if order:
        lines.append("Run 'docmgr doctor --ticket <ID>' or add --details for full findings.")
    return "\n".join(lines) + "\n"


def diagnostics(report: Report) -> list[dict[str, Any]]:
    """Rule results for ``--diagnostics-json`` (spec §7.6 shape)."""
    out: list[dict[str, Any]] = []
    for f in report.findings:
        if f.severity not in (Severity.ERROR, Severity.WARNING):
            continue
        headline, actions = _rule(f)
        body = [f"File: {f.path}"] if f.path else []
        body.append(f.message)
        if f.extra.get("snippet"):
            body.append(f.extra["snippet"])
        out.append(
            {
                "Headline": headline,
                "Body": "\n".join(body),
                "Severity": f.severity.value,
                "Actions": actions,
            }
        )
    return out


def _rule(f: Finding) -> tuple[str, list[dict[str, Any]]]:
    def act(label: str, *args: str) -> dict[str, Any]:
        return {"Label": label, "Command": "docmgr", "Args": list(args)}

    if f.issue == "invalid_frontmatter":
        return "YAML/frontmatter syntax error", [
            act(
                "Validate and suggest fixes",
                "validate",
                "frontmatter",
                "--doc",
                f.path,
                "--suggest-fixes",
            )
        ]
    if f.issue in ("missing_required_fields", "missing_field"):
        return "Frontmatter validation: " + f.message.split(":")[-1].strip(), [
            act(
                "Set the field",
                "meta",
                "update",
                "--doc",
                f.path,
                "--field",
                "<Field>",
                "--value",
                "<value>",
            )
        ]
    if f.issue.startswith("unknown_"):
        return "Unknown vocabulary value", [
            act(
                "Add to vocabulary",
                "vocab",
                "add",
                "--category",
                "<category>",
                "--slug",
                "<slug>",
                "--description",
                "TODO",
            ),
            act("List vocabulary", "vocab", "list"),
        ]
    if f.issue == "missing_related_file":
        raw = f.message.split(": ", 1)[-1]
        return "Missing related file entry", [
            act("Remove the entry", "doc", "relate", "--doc", f.path, "--remove-files", raw)
        ]
    if f.issue == "missing_index":
        return "Missing index.md", [
            act("Create the ticket", "ticket", "create", "--ticket", f.ticket)
        ]
    if f.issue == "orphan_markdown":
        return "Markdown outside every ticket", [
            act("Move into a ticket", "doc", "move", "--doc", "<file>", "--dest-ticket", "<ID>"),
            act("Check the ignore policy", "ignore", "explain", f.path, "--is-dir"),
        ]
    if f.issue == "ticket_id_mismatch":
        return "Ticket id disagrees with its folder or documents", [
            act(
                "Set a document's Ticket",
                "meta",
                "update",
                "--doc",
                "<path>",
                "--field",
                "Ticket",
                "--value",
                f.ticket,
            )
        ]
    if f.issue == "stale":
        return "Stale document", [act("Review the ticket", "ticket", "show", f.ticket)]
    return f.issue.replace("_", " ").capitalize(), []


def render_diagnostics_text(report: Report) -> str:
    """Numbered rule blocks for stderr in detail mode."""
    out: list[str] = []
    for number, item in enumerate(diagnostics(report), start=1):
        out.append(f"{number}) [{item['Severity']}] {item['Headline']}")
        out += ["   " + line for line in item["Body"].splitlines()]
        if item["Actions"]:
            out.append("   Actions:")
            out += [f"   - {a['Label']}: docmgr {' '.join(a['Args'])}" for a in item["Actions"]]
    return "\n".join(out) + ("\n" if out else "")
