"""The tasks.md grammar: checkbox lines with stable ids, text in and text out, no I/O."""

from __future__ import annotations

import os
import re

from docmgr.errors import DocmgrError, Param, TaskNotFound, UsageProblem
from docmgr.model import Task

# A real task: optional indent, a bullet, a checkbox, then text. "- [Index](./index.md)" is a
# link bullet, not a task, and fenced code blocks are skipped.
TASK_LINE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<bullet>[-*+])[ \t]+\[(?P<mark>[ xX])\](?=[ \t]|$)[ \t]?(?P<text>.*?)$"
)


STABLE_ID = re.compile(r"[ \t]*<!--[ \t]*t:(?P<id>[a-z0-9]{2,12})[ \t]*-->[ \t]*$")


_FENCE = re.compile(r"^[ \t]*(```|~~~)")


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
        tasks.append(
            Task(
                len(tasks) + 1,
                index,
                match.group("mark") in "xX",
                body.strip(),
                stable,
                match.group("indent"),
            )
        )
    return tasks


# TASK_LINE up to the checkbox (the rest of it matches whatever follows on the line)
_TASK_MARK = re.compile(r"[ \t]*[-*+][ \t]+\[([ xX])\](?=[ \t]|$)")


def counts(text: str) -> tuple[int, int]:
    """Return (open, done) task counts for a tasks.md text (the tasks ``parse`` finds)."""
    pending = done = 0
    in_fence = False
    fence, mark = _FENCE.match, _TASK_MARK.match
    for raw in text.splitlines():
        if fence(raw):
            in_fence = not in_fence
        elif not in_fence:
            match = mark(raw)
            if match:
                if match.group(1) == " ":
                    pending += 1
                else:
                    done += 1
    return pending, done


_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)[ \t#]*$")


def new_id(existing: set[str]) -> str:
    """A fresh 4-character stable id not in ``existing`` (longer after many collisions).

    Drawn from ``os.urandom`` directly: ``secrets`` imports ``random`` and ``hashlib``
    (OpenSSL), about 10 ms of a task verb's start-up. 64 random bits give 12 base-36
    digits with a bias below 2**-62 per id.
    """
    length = 4
    for attempt in range(10_000):
        if attempt and attempt % 50 == 0 and length < 12:
            length += 1
        value = int.from_bytes(os.urandom(8), "big")
        digits = []
        for _ in range(length):
            value, digit = divmod(value, 36)
            digits.append(_ID_ALPHABET[digit])
        candidate = "".join(digits)
        if candidate not in existing:
            return candidate
    raise DocmgrError("could not generate a unique task id")  # pragma: no cover


def table(tasks: list[Task]) -> str:
    """The task table as the Go tool prints it: ``  [<id>] [x| ] <text>`` per task."""
    return "\n".join(f"  [{t.display_id}] [{'x' if t.checked else ' '}] {t.text}" for t in tasks)


def clean_text(text: str) -> str:
    """Make ``--text`` a single line; refuse an empty one."""
    one_line = " ".join(part.strip() for part in text.splitlines() if part.strip())
    if not one_line:
        raise UsageProblem("task text is empty", ("pass ", Param("text", '"What needs doing"')))
    return one_line


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def select(tasks: list[Task], refs: list[str], *, path: str = "") -> list[Task]:
    """Tasks named by stable ids or 1-based positions (file order, duplicates collapsed)."""
    by_id = {t.stable_id: t for t in tasks if t.stable_id}
    chosen: dict[int, Task] = {}
    missing: list[str] = []
    for ref in refs:
        ref = ref.strip()
        if not ref:
            continue
        task = by_id.get(ref)
        if task is None and ref.isdigit() and 1 <= int(ref) <= len(tasks):
            task = tasks[int(ref) - 1]
        if task is None:
            missing.append(ref)
        else:
            chosen[task.position] = task
    if missing:
        raise _not_found("task id(s) not found: " + ", ".join(missing), tasks, path)
    return [chosen[p] for p in sorted(chosen)]


def _not_found(what: str, tasks: list[Task], path: str) -> TaskNotFound:
    where = f" in {path}" if path else ""
    if not tasks:
        return TaskNotFound(
            f"{what}{where}", "the file has no tasks yet; add one with 'docmgr task add'"
        )
    return TaskNotFound(
        f"{what}{where}", "use an id or position from the current tasks:\n" + table(tasks)
    )


def match_first(tasks: list[Task], needle: str, *, path: str = "") -> Task:
    """The first task whose text contains ``needle`` (case-insensitive)."""
    lowered = needle.strip().lower()
    for task in tasks:
        if lowered and lowered in task.text.lower():
            return task
    raise _not_found(f'no task text contains "{needle}"', tasks, path)


def targets(tasks: list[Task], *, ids: list[str], match: str = "", path: str = "") -> list[Task]:
    """Resolve ``--id`` refs, else ``--match``; at least one target is required."""
    refs = [r for r in ids if r.strip()]
    if refs:
        return select(tasks, refs, path=path)
    if match.strip():
        return [match_first(tasks, match, path=path)]
    raise UsageProblem(
        "no target task specified",
        ("pass ", Param("id", "<id|position>"), " or ", Param("match", "TEXT")),
    )


def render_task(
    *, text: str, stable_id: str, checked: bool = False, indent: str = "", bullet: str = "-"
) -> str:
    """One task line without its newline: ``- [ ] text <!-- t:id -->``."""
    marker = f" <!-- t:{stable_id} -->" if stable_id else ""
    return f"{indent}{bullet} [{'x' if checked else ' '}] {text}{marker}"


def _rewrite(
    line: str, *, checked: bool | None = None, text: str | None = None, stable_id: str | None = None
) -> str:
    """Change only the asked parts of one task line (mark, text, id); keep the rest verbatim."""
    body = line.rstrip("\r\n")
    match = TASK_LINE.match(body)
    if match is None:  # pragma: no cover - callers pass task lines only
        return line
    out = body
    if text is not None or stable_id is not None:
        raw = match.group("text")
        sid = STABLE_ID.search(raw)
        old_text = raw[: sid.start()] if sid else raw
        new_text = text if text is not None else old_text.rstrip()
        new_sid = stable_id if stable_id is not None else (sid.group("id") if sid else "")
        prefix = body[: match.start("text")]
        if not prefix.endswith((" ", "\t")):
            prefix += " "
        out = prefix + new_text + (f" <!-- t:{new_sid} -->" if new_sid else "")
    if checked is not None:
        mark_at = match.start("mark")
        current = out[mark_at] in "xX"
        if current != checked:
            out = out[:mark_at] + ("x" if checked else " ") + out[mark_at + 1 :]
    return out + _ending(line)


def _with_trailing_newline(lines: list[str], newline: str) -> list[str]:
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    return lines


def add(text: str, *, task_text: str, after: int = 0, section: str = "") -> tuple[str, Task]:
    """Add an open task with a fresh stable id; return the new text and the task.

    Placement: right after the task at position ``after`` (as its sibling), else at the end
    of the ``## section`` (created at the end of the file when absent), else at the end.
    """
    task_text = clean_text(task_text)
    tasks = parse(text)
    sid = new_id({t.stable_id for t in tasks if t.stable_id})
    newline = _newline(text)
    lines = text.splitlines(keepends=True)
    if after > 0 and after <= len(tasks):
        anchor = tasks[after - 1]
        insert_at = anchor.line + 1
        line = render_task(text=task_text, stable_id=sid, indent=anchor.indent)
        if not lines[anchor.line].endswith(("\n", "\r")):
            lines[anchor.line] += newline
        lines.insert(insert_at, line + newline)
    elif section.strip():
        lines = _add_to_section(
            lines, section.strip(), render_task(text=task_text, stable_id=sid), tasks, newline
        )
    else:
        _refuse_open_fence(lines)
        _with_trailing_newline(lines, newline)
        lines.append(render_task(text=task_text, stable_id=sid) + newline)
    new_text = "".join(lines)
    added = next(t for t in parse(new_text) if t.stable_id == sid)
    return new_text, added


def _refuse_open_fence(lines: list[str]) -> None:
    """Appending after an unclosed code fence would hide the task inside the code block."""
    if sum(1 for raw in lines if _FENCE.match(raw)) % 2:
        raise DocmgrError(
            "cannot add a task: the file ends inside an unclosed ``` code block",
            ("close the code block in tasks.md, or pass ", Param("after", "N")),
        )


def _add_to_section(
    lines: list[str], name: str, line: str, tasks: list[Task], newline: str
) -> list[str]:
    start = level = -1
    fenced = False
    for index, raw in enumerate(lines):
        if _FENCE.match(raw):
            fenced = not fenced
            continue
        heading = None if fenced else _HEADING.match(raw.rstrip("\r\n"))
        if (
            heading
            and len(heading.group("hashes")) >= 2
            and heading.group("title").strip().lower() == name.lower()
        ):
            start, level = index, len(heading.group("hashes"))
            break
    if start < 0:
        _refuse_open_fence(lines)
        _with_trailing_newline(lines, newline)
        if lines and lines[-1].strip():
            lines.append(newline)
        return [*lines, f"## {name}{newline}", newline, line + newline]
    end = len(lines)
    in_fence = False
    for index in range(start + 1, len(lines)):
        raw = lines[index].rstrip("\r\n")
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        heading = None if in_fence else _HEADING.match(raw)
        if heading and len(heading.group("hashes")) <= level:
            end = index
            break
    inside = [t for t in tasks if start < t.line < end]
    if inside:
        insert_at = inside[-1].line + 1
    else:
        insert_at = start + 1
        for index in range(end - 1, start, -1):
            if lines[index].strip():
                insert_at = index + 1
                break
    if insert_at > 0 and not lines[insert_at - 1].endswith(("\n", "\r")):
        lines[insert_at - 1] += newline
    new = [line + newline]
    if insert_at == start + 1:  # right under the heading: keep a blank line between them
        new.insert(0, newline)
        if insert_at < len(lines) and lines[insert_at].strip() == "":
            new = [line + newline]
            insert_at += 1
    if (
        insert_at < len(lines)
        and lines[insert_at].strip()
        and not TASK_LINE.match(lines[insert_at].rstrip("\r\n"))
    ):
        new.append(newline)  # keep a blank line before the next heading
    lines[insert_at:insert_at] = new
    return lines


def set_checked(text: str, chosen: list[Task], *, checked: bool) -> str:
    """Check or uncheck the chosen tasks (only their mark character changes)."""
    lines = text.splitlines(keepends=True)
    for task in chosen:
        lines[task.line] = _rewrite(lines[task.line], checked=checked)
    return "".join(lines)


def edit(text: str, task: Task, *, new_text: str) -> str:
    """Replace one task's text, keeping its checkbox, indentation, bullet and stable id."""
    lines = text.splitlines(keepends=True)
    lines[task.line] = _rewrite(lines[task.line], text=clean_text(new_text))
    return "".join(lines)


def remove(text: str, chosen: list[Task]) -> str:
    """Delete the chosen task lines (their sub-tasks stay)."""
    drop = {t.line for t in chosen}
    return "".join(
        line for index, line in enumerate(text.splitlines(keepends=True)) if index not in drop
    )


def migrate(text: str) -> tuple[str, int]:
    """Stamp a fresh stable id onto every task lacking one; return (text, how many)."""
    tasks = parse(text)
    known = {t.stable_id for t in tasks if t.stable_id}
    lines = text.splitlines(keepends=True)
    stamped = 0
    for task in tasks:
        if task.stable_id:
            continue
        sid = new_id(known)
        known.add(sid)
        lines[task.line] = _rewrite(lines[task.line], stable_id=sid)
        stamped += 1
    return "".join(lines), stamped


def sections(text: str) -> list[tuple[str, list[Task]]]:
    """Group the tasks under their ``##`` (or deeper) headings, in file order.

    Tasks above the first such heading form a section titled ``""``; headings without tasks
    are kept (an empty ``## Done`` is still a place to add to).
    """
    tasks = {t.line: t for t in parse(text)}
    out: list[tuple[str, list[Task]]] = []
    current: list[Task] | None = None
    in_fence = False
    for index, raw in enumerate(text.splitlines()):
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        heading = _HEADING.match(raw)
        if heading and len(heading.group("hashes")) >= 2:
            current = []
            out.append((heading.group("title").strip(), current))
            continue
        task = tasks.get(index)
        if task is None:
            continue
        if current is None:
            current = []
            out.append(("", current))
        current.append(task)
    return out
