"""tasks.md: checkbox task lines with stable ids; every other line is kept byte-for-byte."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A real task: optional indent, a bullet, a checkbox, then text. "- [Index](./index.md)" is a
# link bullet, not a task, and fenced code blocks are skipped.
TASK_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<bullet>[-*+])[ \t]+\[(?P<mark>[ xX])\](?=[ \t]|$)[ \t]?(?P<text>.*?)$")
STABLE_ID = re.compile(r"[ \t]*<!--[ \t]*t:(?P<id>[a-z0-9]{2,12})[ \t]*-->[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


@dataclass(frozen=True, slots=True)
class Task:
    position: int  # 1-based among tasks in the file
    line: int  # 0-based line index in the file
    checked: bool
    text: str
    stable_id: str
    indent: str

    @property
    def display_id(self) -> str:
        return self.stable_id or str(self.position)


def parse(text: str) -> list[Task]:
    """Return the tasks of a tasks.md text, in file order."""
    tasks: list[Task] = []
    in_fence = False
    for index, raw in enumerate(text.splitlines()):
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        match = TASK_LINE.match(raw)
        if not match:
            continue
        body = match.group("text")
        sid = STABLE_ID.search(body)
        stable = sid.group("id") if sid else ""
        if sid:
            body = body[: sid.start()]
        tasks.append(Task(len(tasks) + 1, index, match.group("mark") in "xX", body.strip(),
                          stable, match.group("indent")))
    return tasks


def counts(text: str) -> tuple[int, int]:
    """Return (open, done) task counts for a tasks.md text."""
    items = parse(text)
    done = sum(1 for t in items if t.checked)
    return len(items) - done, done
