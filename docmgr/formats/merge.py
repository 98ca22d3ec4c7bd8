"""Three-way merges of the append-mostly paperwork: diaries, tasks.md, changelog.md; no I/O.

Two branches that each append a diary step, a task and a changelog entry touch the same
place in each file, so git's line merge reports conflicts although nothing contradicts.
These merges know the formats:

- every file: a hunk where both sides only inserted lines keeps both insertions (ours
  first); a hunk where both sides made the same change and then added different lines keeps
  the change and both additions; ``LastUpdated:`` lines changed on both sides keep the later
  time. Anything else changed differently on both sides is a conflict, with the usual
  markers.
- tasks.md: tasks that are new on a side (a stable id the base does not have) are set
  aside, the rest is merged, and the new tasks go back after the line they followed, ours
  before theirs; ids stay (a collision with a different text gets a fresh id).
- diaries: the steps after the base's last step are new. They are set aside, the rest is
  merged, and the new steps of both sides are appended in date order and numbered after the
  base's last step; the step index and the ``Step N (commit …)`` notes of renumbered steps
  follow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from docmgr.formats import diary as diary_format
from docmgr.formats import front_matter
from docmgr.formats import tasks as tasks_format
from docmgr.model import DiaryStep
from docmgr.seams.clock import parse_last_updated


@dataclass(frozen=True, slots=True)
class Merged:
    """A merge result: the text (with conflict markers when ``conflicts`` > 0)."""

    text: str
    conflicts: int


Lines = list[str]
Resolver = Callable[[Lines, Lines, Lines], "Lines | None"]


# --------------------------------------------------------------------------- diff3


def _sync_regions(
    base: Lines, ours: Lines, theirs: Lines
) -> list[tuple[int, int, int, int, int, int]]:
    """Regions of ``base`` left unchanged on both sides: (b0, b1, o0, o1, t0, t1) each."""
    matches_o = SequenceMatcher(None, base, ours, autojunk=False).get_matching_blocks()
    matches_t = SequenceMatcher(None, base, theirs, autojunk=False).get_matching_blocks()
    out = []
    i = j = 0
    while i < len(matches_o) and j < len(matches_t):
        ob, oo, on = matches_o[i]
        tb, tt, tn = matches_t[j]
        start = max(ob, tb)
        end = min(ob + on, tb + tn)
        if start < end:
            o0 = oo + (start - ob)
            t0 = tt + (start - tb)
            out.append((start, end, o0, o0 + end - start, t0, t0 + end - start))
        if ob + on < tb + tn:
            i += 1
        else:
            j += 1
    out.append((len(base), len(base), len(ours), len(ours), len(theirs), len(theirs)))
    return out


def merge_lines(
    base: Lines,
    ours: Lines,
    theirs: Lines,
    *,
    resolve: Resolver | None = None,
    marker_size: int = 7,
) -> tuple[Lines, int]:
    """Merge three line lists (lines keep their newlines); return (lines, conflicts).

    Hunks changed on one side take that side; hunks changed the same way on both take it;
    other hunks go to ``resolve`` (None from it means a conflict, written with markers).
    """
    out: Lines = []
    conflicts = 0
    b_at = o_at = t_at = 0
    for b0, b1, o0, o1, t0, t1 in _sync_regions(base, ours, theirs):
        b, o, t = base[b_at:b0], ours[o_at:o0], theirs[t_at:t0]
        if b or o or t:
            if o == b:
                out.extend(t)
            elif t == b or o == t:
                out.extend(o)
            else:
                resolved = resolve(b, o, t) if resolve is not None else None
                if resolved is None:
                    conflicts += 1
                    out.extend(_markers(o, t, marker_size))
                else:
                    out.extend(resolved)
        out.extend(base[b0:b1])
        b_at, o_at, t_at = b1, o1, t1
    return out, conflicts


def _markers(ours: Lines, theirs: Lines, size: int) -> Lines:
    nl = "\r\n" if any(line.endswith("\r\n") for line in ours + theirs) else "\n"

    def closed(lines: Lines) -> Lines:
        if lines and not lines[-1].endswith("\n"):
            return [*lines[:-1], lines[-1] + nl]
        return lines

    return [
        "<" * size + " ours" + nl,
        *closed(ours),
        "=" * size + nl,
        *closed(theirs),
        ">" * size + " theirs" + nl,
    ]


_LAST_UPDATED = re.compile(r"^LastUpdated:[ \t]*(?P<value>.*?)[ \t]*\r?\n?$")


def _later_last_updated(b: Lines, o: Lines, t: Lines) -> Lines | None:
    if len(o) != 1 or len(t) != 1 or len(b) > 1:
        return None
    mo, mt = _LAST_UPDATED.match(o[0]), _LAST_UPDATED.match(t[0])
    if mo is None or mt is None or (b and not _LAST_UPDATED.match(b[0])):
        return None
    when_o = parse_last_updated(mo.group("value").strip("'\""))
    when_t = parse_last_updated(mt.group("value").strip("'\""))
    if when_o is None or when_t is None:
        return o if mo.group("value") >= mt.group("value") else t
    return o if when_o >= when_t else t


def _split_at_last_updated(lines: Lines) -> tuple[Lines, str, Lines] | None:
    found = [i for i, line in enumerate(lines) if _LAST_UPDATED.match(line)]
    if len(found) != 1:
        return None
    i = found[0]
    return lines[:i], lines[i], lines[i + 1 :]


def resolve_appends(b: Lines, o: Lines, t: Lines) -> Lines | None:
    """Resolve a hunk both sides changed, when the changes are appends (see the module doc)."""
    if o == b:
        return t
    if t == b or o == t:
        return o
    later = _later_last_updated(b, o, t)
    if later is not None:
        return later
    parts = [_split_at_last_updated(x) for x in (b, o, t)]
    if all(p is not None for p in parts) and (len(o) > 1 or len(t) > 1):
        (b1, lb, b2), (o1, lo, o2), (t1, lt, t2) = parts  # type: ignore[misc]
        before = resolve_appends(b1, o1, t1)
        stamp = _later_last_updated([lb], [lo], [lt])
        after = resolve_appends(b2, o2, t2)
        if before is None or stamp is None or after is None:
            return None
        return before + stamp + after
    if not b:
        return o + t
    prefix = 0
    while prefix < min(len(o), len(t)) and o[prefix] == t[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(o), len(t)) - prefix and o[len(o) - 1 - suffix] == t[len(t) - 1 - suffix]
    ):
        suffix += 1
    if prefix + suffix == 0 or len(b) > prefix + suffix:
        return None  # a base line was changed differently on the two sides
    return (
        o[:prefix]
        + o[prefix : len(o) - suffix]
        + t[prefix : len(t) - suffix]
        + o[len(o) - suffix :]
    )


def merge_text(base: str, ours: str, theirs: str, *, marker_size: int = 7) -> Merged:
    """Merge any text with the append-friendly resolver."""
    lines, conflicts = merge_lines(
        _split(base), _split(ours), _split(theirs), resolve=resolve_appends, marker_size=marker_size
    )
    return Merged("".join(lines), conflicts)


def _split(text: str) -> Lines:
    return text.splitlines(keepends=True)


# --------------------------------------------------------------------------- changelog.md


def merge_changelog(base: str, ours: str, theirs: str, *, marker_size: int = 7) -> Merged:
    """Merge two changelogs: entries appended on both sides are kept, ours first."""
    return merge_text(base, ours, theirs, marker_size=marker_size)


# --------------------------------------------------------------------------- tasks.md


def _task_id(line: str) -> str:
    match = tasks_format.TASK_LINE.match(line.rstrip("\r\n"))
    if match is None:
        return ""
    found = tasks_format.STABLE_ID.search(match.group("text"))
    return found.group("id") if found else ""


_ANCHOR_HEADING = re.compile(r"^#{1,6}[ \t]")


class _NewTask:
    __slots__ = ("line", "anchor", "gap")

    def __init__(self, line: str, anchor: str, gap: int) -> None:
        self.line = line
        self.anchor = anchor  # "id:<id>", "text:<heading line>" or "" (the start of the file)
        self.gap = gap  # blank lines between the anchor and the task on its side


def _split_new_tasks(text: str, known: set[str]) -> tuple[Lines, list[_NewTask]]:
    rest: Lines = []
    new: list[_NewTask] = []
    anchor = ""
    gap = 0
    for line in _split(text):
        tid = _task_id(line)
        if tid and tid not in known:
            new.append(_NewTask(line, anchor, gap))
            continue
        rest.append(line)
        if not line.strip():
            gap += 1
            continue
        gap = 0
        if tid:
            anchor = f"id:{tid}"
        elif _ANCHOR_HEADING.match(line):
            anchor = f"text:{line.rstrip()}"
        elif _task_id(line) == "" and tasks_format.TASK_LINE.match(line.rstrip("\r\n")):
            anchor = f"text:{line.rstrip()}"
    return rest, new


def merge_tasks(base: str, ours: str, theirs: str, *, marker_size: int = 7) -> Merged:
    """Merge two tasks.md: new tasks of both sides are kept with their ids (ours first)."""
    known = {tid for tid in map(_task_id, _split(base)) if tid}
    rest_o, new_o = _split_new_tasks(ours, known)
    rest_t, new_t = _split_new_tasks(theirs, known)
    lines, conflicts = merge_lines(
        _split(base), rest_o, rest_t, resolve=resolve_appends, marker_size=marker_size
    )
    if conflicts:
        return Merged("".join(lines), conflicts)
    placed: set[int] = set()  # indexes (in ``lines``) of tasks put back so far
    used = {tid for tid in map(_task_id, lines) if tid}
    seen_lines: dict[str, str] = {}
    for task in [*new_o, *new_t]:
        tid = _task_id(task.line)
        line = task.line
        if tid in seen_lines:
            if seen_lines[tid].strip() == line.strip():
                continue  # the same task added on both sides
            fresh = tasks_format.new_id(used | set(seen_lines))
            line = line.replace(f"t:{tid}", f"t:{fresh}", 1)
            tid = fresh
        seen_lines[tid] = line
        at = _anchor_index(lines, task.anchor)
        at += 1 if at >= 0 else 0
        skipped = 0
        while at < len(lines) and skipped < task.gap and not lines[at].strip():
            at += 1
            skipped += 1
        while at < len(lines) and at in placed:
            at += 1
        if at > 0 and not lines[at - 1].endswith("\n"):
            lines[at - 1] += "\r\n" if line.endswith("\r\n") else "\n"
        if not line.endswith("\n") and at < len(lines):
            line += "\n"
        lines.insert(at, line)
        placed = {i + 1 if i >= at else i for i in placed} | {at}
    return Merged("".join(lines), 0)


def _anchor_index(lines: Lines, anchor: str) -> int:
    """Index of the anchor line in ``lines`` (-1: the start; len-1: not found, the end)."""
    if not anchor:
        return -1
    kind, _, value = anchor.partition(":")
    for i, line in enumerate(lines):
        if (kind == "id" and _task_id(line) == value) or (
            kind == "text" and line.rstrip() == value
        ):
            return i
    return len(lines) - 1


# --------------------------------------------------------------------------- diaries

DateOf = Callable[[DiaryStep, str], "datetime | None"]


def _blank_index(text: str) -> str:
    """Empty the step index between its markers (it is rebuilt after the merge)."""
    scan = diary_format.scan_text(text)
    start = end = None
    for i in range(scan.body_line, len(scan.lines)):
        if scan.fenced[i]:
            continue
        stripped = scan.lines[i].strip()
        if start is None and stripped == diary_format.INDEX_START:
            start = i
        elif start is not None and stripped == diary_format.INDEX_END:
            end = i
            break
    if start is None or end is None:
        return text
    return text[: scan.offsets[start + 1]] + text[scan.offsets[end] :]


def _without(text: str, steps: Sequence[DiaryStep]) -> str:
    for step in sorted(steps, key=lambda s: s.start, reverse=True):
        text = text[: step.start] + text[step.end :]
    return text


def stamp_date(text: str, step: DiaryStep) -> datetime | None:
    """The date of a step's ``**Date:**`` line, or None."""
    written, _ = diary_format.step_stamp(text, step)
    match = re.match(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::\d{2})?[ \t]*(\S*)$", written)
    if match is None:
        return None
    return parse_last_updated(f"{match.group(1)}T{match.group(2)}:00{match.group(3) or 'Z'}")


def _renumbered(block: str, step: DiaryStep, number: int) -> str:
    at = step.label_start - step.start
    return block[:at] + str(number) + block[step.label_end - step.start :]


def _renumber_notes(text: str, moves: Sequence[tuple[DiaryStep, int]]) -> str:
    """Rewrite ``Step <old> (commit <shorts>)`` notes of renumbered steps in the front matter."""
    parts = front_matter.split(text)
    if parts is None or not moves:
        return text
    head, rest = text[: parts.body_start], text[parts.body_start :]
    for step, number in moves:
        shorts = ", ".join(r.hash[:7] for r in step.commits)
        if not shorts or str(number) == step.label:
            continue
        head = head.replace(
            f"Step {step.label} (commit {shorts})", f"Step {number} (commit {shorts})"
        )
    return head + rest


def merge_diary(
    base: str,
    ours: str,
    theirs: str,
    *,
    date_of: DateOf | None = None,
    marker_size: int = 7,
) -> Merged:
    """Merge two diaries: steps added on both sides are kept, in date order, numbered once.

    The steps after the base's last step are each side's new steps; both sides must still
    begin with the base's steps (same numbers), else the whole text is merged line by line.
    ``date_of(step, side_text)`` gives a step's date (its commit's); without one the
    ``**Date:**`` line counts, and steps with no date at all keep their side order after
    the dated ones.
    """
    steps_b = diary_format.parse(base)
    steps_o = diary_format.parse(ours)
    steps_t = diary_format.parse(theirs)
    count = len(steps_b)
    labels = [s.label for s in steps_b]
    aligned = [s.label for s in steps_o[:count]] == labels and [
        s.label for s in steps_t[:count]
    ] == labels
    if not aligned:
        whole = merge_text(
            _blank_index(base), _blank_index(ours), _blank_index(theirs), marker_size=marker_size
        )
        return whole if whole.conflicts else Merged(diary_format.refresh_index(whole.text), 0)
    new_o, new_t = steps_o[count:], steps_t[count:]
    rest = merge_text(
        _blank_index(base),
        _blank_index(_without(ours, new_o)),
        _blank_index(_without(theirs, new_t)),
        marker_size=marker_size,
    )
    if rest.conflicts:
        return rest
    entries = []
    for side, (text, steps) in enumerate(((ours, new_o), (theirs, new_t))):
        for position, step in enumerate(steps):
            when = (date_of(step, text) if date_of else None) or stamp_date(text, step)
            block = text[step.start : step.end].rstrip() + "\n"
            entries.append((when, side, position, step, block))
    seen_blocks: set[str] = set()
    unique = []
    for entry in entries:
        if entry[4] in seen_blocks:
            continue  # the very same step on both sides (a cherry-picked docs commit)
        seen_blocks.add(entry[4])
        unique.append(entry)
    dated = sorted((e for e in unique if e[0] is not None), key=lambda e: (e[0], e[1], e[2]))
    undated = [e for e in unique if e[0] is None]
    merged = rest.text
    nl = diary_format.newline_of(merged)
    number = diary_format.next_number(steps_b) - 1
    moves = []
    for _when, _side, _position, step, block in [*dated, *undated]:
        number += 1
        moves.append((step, number))
        block = _renumbered(block, step, number)
        if nl != "\n":
            block = block.replace("\r\n", "\n").replace("\n", nl)
        merged, _ = diary_format.insert_step(merged, block, steps=diary_format.parse(merged))
    merged = _renumber_notes(merged, moves)
    return Merged(diary_format.refresh_index(merged), 0)


# --------------------------------------------------------------------------- dispatch


def kind_of(path: str, text: str) -> str:
    """Which merge a file gets: ``tasks``, ``changelog``, ``diary`` or ``text``."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if name == "tasks.md":
        return "tasks"
    if name == "changelog.md":
        return "changelog"
    if name.endswith(".md") and "diary" in name:
        return "diary"
    if name.endswith(".md") and text.startswith("---"):
        match = re.search(r"(?m)^Title:[ \t]*(.*)$", text[:4096])
        if match and "diary" in match.group(1).lower():
            return "diary"
    return "text"
