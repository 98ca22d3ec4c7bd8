"""Task verbs: locate a ticket's tasks.md and change it under its lock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from docmgr.errors import DocmgrError, Param, UsageProblem
from docmgr.formats import tasks as tasks_format
from docmgr.model import Task
from docmgr.seams.fsio import atomic_write, file_lock, read_text
from docmgr.seams.paths import Purpose, confine
from docmgr.store import lookup
from docmgr.tuples import NamedTuple

_PASS_ID = ("pass ", Param("id", "<id|position>"))


class Outcome(NamedTuple):
    """What a task verb did: the file, the tasks it touched and the tasks afterwards."""

    path: Path
    touched: list[Task]
    tasks: list[Task]
    stamped: int = 0

    @property
    def open_count(self) -> int:
        return sum(1 for t in self.tasks if not t.checked)

    @property
    def done_count(self) -> int:
        return sum(1 for t in self.tasks if t.checked)

    @property
    def all_done(self) -> bool:
        return bool(self.tasks) and self.open_count == 0


def locate(
    ws: Any, *, ticket: str = "", tasks_file: str = "", purpose: Purpose = "write"
) -> tuple[Path, str]:
    """(tasks.md path, canonical ticket id or "") from ``--tasks-file`` or ``--ticket``.

    Either way the path goes through ``paths.confine``: inside the docs root, no symlink
    leading out of it, and for a ``"write"`` no symlink at all.
    """

    if tasks_file:
        path = confine(ws.root, tasks_file, cwd=ws.cwd, purpose=purpose, what="tasks file")
        return path, ""
    if not ticket:
        raise UsageProblem(
            ("must specify ", Param("ticket"), " when ", Param("tasks_file"), " is not set"),
            ("pass ", Param("ticket", "<ID>")),
        )
    found = lookup.resolve_ticket(ws, ticket)
    path = confine(ws.root, found.dir / "tasks.md", cwd=ws.cwd, purpose=purpose, what="tasks file")
    return path, found.id


def read_file(path: Path) -> str:
    """Read a tasks file, or raise a one-line error naming it."""

    try:
        return read_text(path)
    except FileNotFoundError:
        raise DocmgrError(
            f"tasks file not found: {path}",
            ("create it ('docmgr ticket create' writes one) or pass ", Param("tasks_file")),
        ) from None


def _change(
    path: Path, apply: Callable[[str], tuple[str, list[Task], int]], *, create: bool = False
) -> Outcome:

    with file_lock(path):
        if create and not path.exists():
            current = "# Tasks\n\n## TODO\n\n"
        else:
            current = read_file(path)
        updated, touched, stamped = apply(current)
        if updated != current or not path.exists():
            atomic_write(path, updated)
    return Outcome(path, touched, tasks_format.parse(updated), stamped)


def _same_lines(updated: str, chosen: list[Task]) -> list[Task]:
    by_line = {t.line: t for t in tasks_format.parse(updated)}
    return [by_line.get(t.line, t) for t in chosen]


def add_task(path: Path, *, text: str, after: int = 0, section: str = "") -> Outcome:
    """Add a task to the file under its lock (the file is created if missing)."""

    def apply(current: str) -> tuple[str, list[Task], int]:
        updated, task = tasks_format.add(current, task_text=text, after=after, section=section)
        return updated, [task], 0

    return _change(path, apply, create=True)


def check_tasks(path: Path, *, ids: list[str], match: str = "", checked: bool = True) -> Outcome:
    """Check (or uncheck) the tasks named by ``ids`` or the first one matching ``match``."""

    def apply(current: str) -> tuple[str, list[Task], int]:
        chosen = tasks_format.targets(
            tasks_format.parse(current), ids=ids, match=match, path=str(path)
        )
        updated = tasks_format.set_checked(current, chosen, checked=checked)
        return updated, _same_lines(updated, chosen), 0

    return _change(path, apply)


def edit_task(path: Path, *, ref: str, text: str) -> Outcome:
    """Replace the text of the task named by ``ref``."""

    def apply(current: str) -> tuple[str, list[Task], int]:
        chosen = tasks_format.select(tasks_format.parse(current), [ref], path=str(path))
        if not chosen:
            raise UsageProblem("no target task specified", _PASS_ID)
        updated = tasks_format.edit(current, chosen[0], new_text=text)
        return updated, _same_lines(updated, chosen), 0

    return _change(path, apply)


def remove_tasks(path: Path, *, ids: list[str]) -> Outcome:
    """Delete the tasks named by ``ids``."""

    def apply(current: str) -> tuple[str, list[Task], int]:
        chosen = tasks_format.select(tasks_format.parse(current), ids, path=str(path))
        if not chosen:
            raise UsageProblem("no target task specified", _PASS_ID)
        return tasks_format.remove(current, chosen), chosen, 0

    return _change(path, apply)


def migrate_file(path: Path) -> Outcome:
    """Stamp stable ids onto every task of the file that lacks one."""

    def apply(current: str) -> tuple[str, list[Task], int]:
        updated, stamped = tasks_format.migrate(current)
        return updated, [], stamped

    return _change(path, apply)
