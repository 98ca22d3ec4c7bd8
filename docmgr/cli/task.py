"""``docmgr task …``: list, add, check, uncheck, edit, remove and migrate tasks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from docmgr.cli._common import app, common_options, emit, output_options, split_list, ticket_option
from docmgr.cli._template_flags import render_verb_template, template_options
from docmgr.formats import tasks as tasks_format
from docmgr.ops import tasks

F = TypeVar("F", bound=Callable[..., Any])
_REMINDER = "Reminder: update the changelog and relate changed files with notes if needed."


@click.group("task")
def task_group() -> None:
    """Work with a ticket's tasks.md (stable ids, sections)."""


def _target_options(func: F) -> F:
    func = click.option(
        "--tasks-file", default="", help="A tasks file inside the docs root (overrides --ticket)."
    )(func)
    func = ticket_option(required=False)(func)
    return common_options(func)


def _locate(ticket: str, tasks_file: str, *, reading: bool = False) -> tuple[Any, Any, str]:

    ws = app().workspace()
    path, tid = tasks.locate(
        ws, ticket=ticket, tasks_file=tasks_file, purpose="read" if reading else "write"
    )
    return ws, path, tid


def _ids(tasks: list[Any]) -> str:
    return ",".join(t.display_id for t in tasks)


def _reminder(line: str) -> str:
    return f"{line}\n{_REMINDER}" if app().verbose else line


@task_group.command("list")
@_target_options
@output_options
@template_options("task list")
def list_cmd(ticket: str, tasks_file: str, output: str | None, glaze: bool) -> None:
    """List tasks as ``[<id>] [x| ] <text>`` (id = stable id, else position).

    \b
    Example:
      docmgr task list --ticket VM-004
      docmgr task list --ticket VM-004 --output json
    """

    ws, path, _tid = _locate(ticket, tasks_file, reading=True)
    items = tasks_format.parse(tasks.read_file(path))
    rows = [
        {"id": t.display_id, "index": t.position, "checked": t.checked, "text": t.text}
        for t in items
    ]

    def human() -> str:
        if not items:
            how = f"--ticket {ticket}" if ticket else f"--tasks-file {tasks_file}"
            return (
                f"No tasks yet ({ws.display(path)}). Add one with: docmgr task add {how} "
                '--text "..."'
            )
        return "\n".join(f"[{t.display_id}] [{'x' if t.checked else ' '}] {t.text}" for t in items)

    emit(rows, output, glaze, human)
    data = {"rows": rows, "file": str(path)}
    render_verb_template("task list", data, structured=bool(output or glaze))


@task_group.command("add")
@_target_options
@click.option("--text", required=True, help="Task text (one line).")
@click.option("--after", type=int, default=0, help="Insert right after the task at this position.")
@click.option(
    "--section", default="", help="Add under this '## ' heading (created at the end if absent)."
)
@output_options
def add_cmd(
    ticket: str,
    tasks_file: str,
    text: str,
    after: int,
    section: str,
    output: str | None,
    glaze: bool,
) -> None:
    """Add an open task with a fresh stable id (<!-- t:xxxx -->).

    \b
    Example:
      docmgr task add --ticket VM-004 --text "Cover /v1/exec errors" --section "E2E"
    """

    ws, path, tid = _locate(ticket, tasks_file)
    outcome = tasks.add_task(path, text=text, after=after, section=section)
    new = outcome.touched[0]
    row = {
        "ticket": tid,
        "tasks_file": str(path),
        "id": new.display_id,
        "index": new.position,
        "text": new.text,
        "status": "added",
    }
    emit(
        [row],
        output,
        glaze,
        lambda: _reminder(f"Task {new.display_id} added to {ws.display(path)}"),
    )


def _check(
    ticket: str,
    tasks_file: str,
    ids: tuple[str, ...],
    match: str,
    output: str | None,
    glaze: bool,
    *,
    checked: bool,
) -> None:

    ws, path, tid = _locate(ticket, tasks_file)
    outcome = tasks.check_tasks(path, ids=split_list(ids), match=match, checked=checked)
    key = "checked_ids" if checked else "unchecked_ids"
    row: dict[str, Any] = {"ticket": tid, "tasks_file": str(path)}
    if checked:
        row["all_tasks_done"] = outcome.all_done
    row.update(
        {
            "open_tasks": outcome.open_count,
            "done_tasks": outcome.done_count,
            "total_tasks": len(outcome.tasks),
            key: [t.display_id for t in outcome.touched],
        }
    )

    def human() -> str:
        verb = "checked" if checked else "unchecked"
        noun = "Tasks" if len(outcome.touched) > 1 else "Task"
        line = f"{noun} {verb}: {_ids(outcome.touched)} (file={ws.display(path)})"
        if checked and outcome.all_done and ticket:
            line += (
                "\nAll tasks complete! Consider closing the ticket: "
                f"docmgr ticket close --ticket {tid}"
            )
        return _reminder(line)

    emit([row], output, glaze, human)


@task_group.command("check")
@_target_options
@click.option(
    "--id", "ids", multiple=True, help="Stable ids or positions (comma list or repeated)."
)
@click.option("--match", default="", help="Check the first task whose text contains this.")
@output_options
def check_cmd(
    ticket: str, tasks_file: str, ids: tuple[str, ...], match: str, output: str | None, glaze: bool
) -> None:
    """Check tasks by stable id or position (several at once), or by --match TEXT.

    \b
    Example:
      docmgr task check --ticket VM-004 --id 4y99,gwhb
      docmgr task check --ticket VM-004 --match "exec errors"
    """
    _check(ticket, tasks_file, ids, match, output, glaze, checked=True)


@task_group.command("uncheck")
@_target_options
@click.option(
    "--id", "ids", multiple=True, help="Stable ids or positions (comma list or repeated)."
)
@click.option("--match", default="", help="Uncheck the first task whose text contains this.")
@output_options
def uncheck_cmd(
    ticket: str, tasks_file: str, ids: tuple[str, ...], match: str, output: str | None, glaze: bool
) -> None:
    """Uncheck tasks by stable id or position (several at once), or by --match TEXT.

    \b
    Example:
      docmgr task uncheck --ticket VM-004 --id 2
    """
    _check(ticket, tasks_file, ids, match, output, glaze, checked=False)


@task_group.command("edit")
@_target_options
@click.option("--id", "ref", required=True, help="Stable id or position of the task.")
@click.option("--text", required=True, help="New task text.")
@output_options
def edit_cmd(
    ticket: str, tasks_file: str, ref: str, text: str, output: str | None, glaze: bool
) -> None:
    """Replace a task's text; its checkbox, indentation and stable id stay.

    \b
    Example:
      docmgr task edit --ticket VM-004 --id gwhb --text "Cover /v1/exec timeouts"
    """

    ws, path, _tid = _locate(ticket, tasks_file)
    tasks.edit_task(path, ref=ref, text=text)
    row = {"file": str(path), "status": "task edited", "id": ref}
    emit([row], output, glaze, lambda: _reminder(f"Task {ref} updated in {ws.display(path)}"))


@task_group.command("remove")
@_target_options
@click.option(
    "--id",
    "ids",
    multiple=True,
    required=True,
    help="Stable ids or positions (comma list or repeated).",
)
@output_options
def remove_cmd(
    ticket: str, tasks_file: str, ids: tuple[str, ...], output: str | None, glaze: bool
) -> None:
    """Delete tasks by stable id or position (several at once).

    \b
    Example:
      docmgr task remove --ticket VM-004 --id 3,4
    """

    ws, path, tid = _locate(ticket, tasks_file)
    outcome = tasks.remove_tasks(path, ids=split_list(ids))
    row = {
        "ticket": tid,
        "tasks_file": str(path),
        "removed_ids": [t.display_id for t in outcome.touched],
        "total_tasks": len(outcome.tasks),
        "status": "removed",
    }
    emit(
        [row],
        output,
        glaze,
        lambda: f"Task removed: {_ids(outcome.touched)} (file={ws.display(path)})",
    )


@task_group.command("migrate")
@_target_options
@output_options
def migrate_cmd(ticket: str, tasks_file: str, output: str | None, glaze: bool) -> None:
    """Stamp a stable id onto every task that lacks one (file untouched if none needed).

    \b
    Example:
      docmgr task migrate --ticket VM-004
    """

    ws, path, tid = _locate(ticket, tasks_file)
    outcome = tasks.migrate_file(path)
    row = {
        "ticket": tid,
        "tasks_file": str(path),
        "stamped": outcome.stamped,
        "total_tasks": len(outcome.tasks),
        "status": "migrated",
    }

    def human() -> str:
        if outcome.stamped:
            return f"Stamped stable IDs onto {outcome.stamped} task(s) (file={ws.display(path)})"
        return f"All {len(outcome.tasks)} task(s) already have stable IDs (file={ws.display(path)})"

    emit([row], output, glaze, human)


COMMANDS = (task_group,)
ALIASES = ((task_group, "tasks"),)
