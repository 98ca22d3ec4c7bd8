"""The diary grammar: numbered steps, sections, commit lines and the step index; no I/O."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import accumulate
from typing import TYPE_CHECKING

from docmgr.errors import DocmgrError, Param, UsageProblem
from docmgr.formats.delimiters import split
from docmgr.model import CommitRef, DiaryStep
from docmgr.tuples import NamedTuple

if TYPE_CHECKING:
    from docmgr.seams.gitlink import Commit


# The ten sub-sections of a step, in canonical order: (option key, heading).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("did", "What I did"),
    ("why", "Why"),
    ("worked", "What worked"),
    ("didnt_work", "What didn't work"),
    ("learned", "What I learned"),
    ("tricky", "What was tricky to build"),
    ("review", "What warrants a second pair of eyes"),
    ("future", "What should be done in the future"),
    ("review_instructions", "Code review instructions"),
    ("technical", "Technical details"),
)


SECTION_BY_HEADING = {heading.lower(): key for key, heading in SECTIONS}


INDEX_START = "<!-- docmgr:steps -->"


INDEX_END = "<!-- /docmgr:steps -->"


STATUSES = ("ok", "unreachable", "missing", "na", "pending", "none")


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


_HEADING = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")


# The step heading grammar, the one rule for "is this line a diary step" (diary verbs, doctor
# and the index all go through step_labels / parse): an ATX heading of level 1-3 outside
# fenced code, "Step" or "step" ("Steps" before a range), a label (3, 2a, 3-5, 3–5), then
# the end of the line or an optional separator (: . - – —) and a title. The Go tool's diaries write
# "## Step N: title"; the wider rule reads hand-written diaries whose steps are "### Step N",
# "## step N" or "## Steps 3–5".
_STEP_HEAD = (
    r"(?P<hashes>#{1,3})[ \t]+[Ss]tep(?:s(?=[ \t]+\d+[-–]\d))?[ \t]+"
    r"(?P<label>(?P<num>\d+)(?P<suffix>[a-z])?(?:[-–](?P<last>\d+))?)(?![\w])"
)
_STEP = re.compile(
    r"^" + _STEP_HEAD + r"[ \t]*(?:[:.—–-][ \t]*)?(?P<title>.*?)(?:[ \t]+#+)?[ \t]*$"
)


# Up to three words before "Commit" ("Code migration commit:", "Docs commit:"): such a
# prefixed label counts only when its value names a commit.
_PREFIX = r"(?:(?P<prefix>[A-Za-z][\w+/.-]*(?:[ \t]+[A-Za-z][\w+/.-]*){0,2})[ \t]+)?"


_LABEL = r"Commits?(?:[ \t]*\((?P<label>[^)]*)\))?"


BOLD_COMMIT = re.compile(
    r"^[ \t]*(?:(?:[-*+]|\d+[.)])[ \t]+)?(?:\*\*|__)"
    + _PREFIX
    + _LABEL
    + r"[ \t]*(?::(?:\*\*|__)|(?:\*\*|__)[ \t]*:)(?P<value>.*)$",
    re.IGNORECASE,
)


LIST_COMMIT = re.compile(
    r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+" + _PREFIX + _LABEL + r"[ \t]*:(?P<value>.*)$",
    re.IGNORECASE,
)


# "Commits: a, b" at the start of a line, with no bullet and no bold.
PLAIN_COMMIT = re.compile(r"^[ \t]{0,3}" + _LABEL + r"[ \t]*:(?P<value>.*)$", re.IGNORECASE)


_COMMIT_LABELS = (BOLD_COMMIT, LIST_COMMIT, PLAIN_COMMIT)


# "### Commits", "### Commits (code)", "### Commit", "### Git commit(s)"
_COMMITS_SECTION = re.compile(r"^(?:git[ \t]+)?commits?\b", re.IGNORECASE)


_LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d+[.)])[ \t]+(?P<value>.*)$")


_HEX = r"[0-9a-f]{7,40}"


_REF = re.compile(
    r"(?P<tick>`?)"
    r"(?:\[`?(?P<lhash>" + _HEX + r")`?\]\([^)\s]*\)"  # [abc1234](url)
    r"|\[[^\]\n]*\]\([^)\s]*/commits?/(?P<uhash>" + _HEX + r")[^)\s]*\)"  # [x](…/commit/abc)
    r"|<?https?://[^\s<>)]*/commits?/(?P<bhash>" + _HEX + r")(?![0-9a-f])[^\s<>)]*>?"  # bare URL
    r"|(?<![\w/-])(?<![^.]\.)(?P<hash>" + _HEX + r")(?![\w/]))"  # a hash; "a..b" ranges too
    r"(?P=tick)"
    r"(?:(?:[ \t]*[—–-])?[ \t]*"
    r"(?:\"(?P<dq>.*?)\"(?=[ \t]*(?:[;,][ \t]*[`\[<]*(?:https?://\S*/)?[0-9a-f]{7,40}|$))"
    r"|\"(?P<dq2>[^\"]*)\"|`(?P<bq>[^`]*)`|“(?P<cq>[^”]*)”"
    r"|\([\"“](?P<pq>[^\"”]*)[\"”]\)))?"
)


# An unquoted subject after a dash: up to "; <next hash>" or the end of the line.
_PLAIN_SUBJECT = re.compile(
    r"^[ \t]*[—–-][ \t]*(?P<subject>[^`\[(\"“ \t].*?)[ \t]*"
    r"(?=;[ \t]*[`\[<]*(?:https?://\S*/)?[0-9a-f]{7,40}|$)"
)


# Internal helpers are plain slotted classes: generating dataclass methods costs import time
# on every command, and these never leave the module.
class _Heading:
    __slots__ = ("index", "level", "text")

    def __init__(self, index: int, level: int, text: str) -> None:
        self.index = index  # 0-based line index
        self.level = level
        self.text = text


class Scan:
    __slots__ = ("lines", "offsets", "body_line", "fenced", "headings", "open_fence")

    def __init__(
        self,
        lines: list[str],
        offsets: list[int],
        body_line: int,
        fenced: list[bool],
        headings: list[_Heading],
        open_fence: str | None = None,
    ) -> None:
        self.lines = lines  # lines with their newline
        self.offsets = offsets  # offset of each line
        self.body_line = body_line  # index of the first body line (after front matter)
        self.fenced = fenced  # line is inside (or delimits) a fenced code block
        self.headings = headings
        self.open_fence = open_fence  # the fence left open at the end of the text, if any


def scan_text(text: str) -> Scan:

    lines = text.splitlines(keepends=True)
    offsets = list(accumulate(map(len, lines), initial=0))
    offsets.pop()  # the end of the text
    parts = split(text)
    body_line = 0
    if parts is not None:
        while body_line < len(lines) and offsets[body_line] < parts.body_start:
            body_line += 1
    fenced = [False] * len(lines)
    headings: list[_Heading] = []
    fence: str | None = None
    for i in range(body_line, len(lines)):
        # the first character after the indent (a line ending is never one of these three)
        probe = lines[i].lstrip(" ")[:1]
        if probe not in ("`", "~", "#"):  # the common case: prose, lists, blank lines
            if fence is not None:
                fenced[i] = True
            continue
        line = lines[i].rstrip("\r\n")
        match = _FENCE.match(line) if probe != "#" else None
        if fence is not None:
            fenced[i] = True
            if (
                match
                and match.group(1)[0] == fence[0]
                and len(match.group(1)) >= len(fence)
                and not match.group(2).strip()
            ):
                fence = None
            continue
        if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
            fenced[i] = True
            continue
        heading = _HEADING.match(line) if line.startswith("#") else None
        if heading:
            headings.append(_Heading(i, len(heading.group(1)), (heading.group(2) or "").strip()))
    return Scan(lines, offsets, body_line, fenced, headings, fence)


def strip_nl(line: str) -> str:
    return line.rstrip("\r\n")


def parse(text: str) -> list[DiaryStep]:
    """Return the diary's steps in file order (headings inside code fences are ignored)."""
    return parse_scan(text, scan_text(text))


# A cheap first look (every step heading contains it; a literal first character keeps the
# search fast, where a multi-line "^" would try every position): no match, no line scan.
_STEP_PROBE = re.compile(r"#[ \t]+[Ss]teps?[ \t]+\d")


def _step_headings(scan: Scan) -> list[tuple[int, _Heading, re.Match[str]]]:
    """(position among headings, heading, match) of every step heading outside code fences."""
    found: list[tuple[int, _Heading, re.Match[str]]] = []
    for pos, heading in enumerate(scan.headings):
        match = _STEP.match(strip_nl(scan.lines[heading.index]))
        if match:
            found.append((pos, heading, match))
    return found


# The only lines that decide the step labels: fence lines (which hide what they enclose)
# and step headings, as ``scan_text`` reads them. Each is found by its newline (a literal
# first character lets the regex engine skip every other line in C). A line is a step
# heading exactly when it starts with ``_STEP_HEAD``: the rest of ``_STEP`` (an optional
# separator, a lazy title, optional closing hashes) matches whatever follows on the line.
_LABEL_LINES = re.compile(r"\n(?: {0,3}(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)|" + _STEP_HEAD + r")")
_STEP_LINES = re.compile(r"\n" + _STEP_HEAD)  # the same, in a text without fences


# Line breaks ``str.splitlines`` honours besides "\n" (``scan_text``'s lines): a text holding
# one takes the line-by-line scan, so both always agree.
_OTHER_BREAKS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # one ``in`` each: faster than a regex


def _step_starts(text: str) -> list[tuple[str, int]] | None:
    """(label, offset of its line) of every step heading, found without splitting the text
    into lines (None: use the line scan)."""
    for other in _OTHER_BREAKS:
        if other in text:
            return None
    parts = split(text)
    start = parts.body_start if parts is not None else 0
    shift = 0  # each match's newline is the one before its line
    if start == 0:  # the first line has no newline before it
        text, start, shift = "\n" + text, 1, 1
    if "```" not in text and "~~~" not in text:  # no fence: every step heading counts
        return [
            (m.group("label"), m.start() + 1 - shift) for m in _STEP_LINES.finditer(text, start - 1)
        ]
    starts: list[tuple[str, int]] = []
    fence: str | None = None
    for line in _LABEL_LINES.finditer(text, start - 1):
        mark = line.group("fence")
        if fence is not None:  # inside a fence: only its closing line matters
            if (
                mark
                and mark[0] == fence[0]
                and len(mark) >= len(fence)
                and not line.group("info").strip()
            ):
                fence = None
        elif mark:
            if not (mark[0] == "`" and "`" in line.group("info")):
                fence = mark
        else:
            starts.append((line.group("label"), line.start() + 1 - shift))
    return starts


def _labels_fast(text: str) -> list[str] | None:
    """``step_labels`` without splitting the text into lines (None: use the line scan)."""
    starts = _step_starts(text)
    return None if starts is None else [label for label, _at in starts]


def step_labels(text: str) -> list[str]:
    """The labels of the step headings (``"3"``, ``"2a"``, ``"3-5"``) in file order.

    The same rule as ``parse`` without building the steps: what doctor and the index use
    to count steps and spot duplicate numbers.
    """
    if _STEP_PROBE.search(text) is None:
        return []
    fast = _labels_fast(text)
    if fast is not None:
        return fast
    return [match.group("label") for _pos, _heading, match in _step_headings(scan_text(text))]


class StepFacts(NamedTuple):
    """What doctor's diary rule reads of a diary, worked out once when the file is indexed."""

    labels: list[str]  # every step label, in file order
    duplicates: list[str]  # labels used more than once, in order of first use
    pending: list[str]  # the label of each pending commit line's step, in order


def fold_ascii(text: str) -> bytes:
    """``text`` in UTF-8 with its ASCII letters lowered (nothing else changes).

    ``word.encode() in fold_ascii(text)`` is ``word in text.lower()`` for an ASCII word
    without ``k`` that does not end in ``i``: only two other characters lower to ASCII
    letters (KELVIN SIGN to ``k``; ``İ`` to ``i`` and a combining dot, which then parts the
    ``i`` from whatever follows it). About a third of the cost of ``str.lower`` on the
    non-ASCII diaries of a big build, and a search in bytes after it.
    """
    return text.encode("utf-8", "surrogatepass").lower()


def step_facts(text: str, folded: bytes | None = None) -> StepFacts:
    """Step labels, duplicate labels and pending commit lines: one scan, and the commit lines
    read only in steps with a line saying "pending" (as ``parse`` reads them).

    ``folded``: ``fold_ascii(text)``, when the caller has it already.
    """
    if _STEP_PROBE.search(text) is None:
        return StepFacts([], [], [])
    if folded is None:
        folded = fold_ascii(text)
    # a commit line is pending when its lowered value starts with "pending", so the word is
    # in the lowered text: without it the labels are all it takes
    starts = _step_starts(text)
    if starts is not None:
        labels = [label for label, _at in starts]
        pending_labels = _pending_fast(text, starts) if b"pending" in folded else []
        return StepFacts(labels, _duplicates(labels), pending_labels)
    scan = scan_text(text)
    found = _step_headings(scan)
    labels = [match.group("label") for _pos, _heading, match in found]
    duplicates = _duplicates(labels)
    pending: list[str] = []
    # a pending commit line says so on the line itself: only the steps holding such a line
    # have their commit lines read (what parse_scan would find for them)
    marked = sorted({bisect_right(scan.offsets, m.start()) - 1 for m in _PENDING.finditer(text)})
    for pos, heading, match in found if marked else ():
        end_index = _step_end(scan, pos, heading)
        if any(heading.index < i < end_index for i in marked):
            refs, _lines = _refs_in(scan, heading.index + 1, end_index)
            pending += [match.group("label") for ref in refs if ref.kind == "pending"]
    return StepFacts(labels, duplicates, pending)


_PENDING = re.compile("pending", re.IGNORECASE)


def _pending_fast(text: str, starts: list[tuple[str, int]]) -> list[str]:
    """``step_facts``'s pending labels, given the step headings (``_step_starts``): only a
    step with a line saying "pending" after its heading is scanned, from its heading to the
    next step heading. A step heading is never inside a fence, so that piece scans as it does
    in the whole text (its step ends where it ends there, at the latest at the next step)."""
    marks = [m.start() for m in _PENDING.finditer(text)]
    pending: list[str] = []
    for at, (label, start) in enumerate(starts):
        stop = starts[at + 1][1] if at + 1 < len(starts) else len(text)
        heading_end = text.find("\n", start, stop)
        first = bisect_right(marks, heading_end)
        if heading_end < 0 or first == len(marks) or marks[first] >= stop:
            continue  # no "pending" on a line after the heading, before the next step
        scan = scan_text(text[start:stop])
        [(pos, heading, _match), *_rest] = _step_headings(scan)
        end_index = _step_end(scan, pos, heading)
        lines = {bisect_right(scan.offsets, m - start) - 1 for m in marks[first:] if m < stop}
        if any(heading.index < i < end_index for i in lines):
            refs, _lines = _refs_in(scan, heading.index + 1, end_index)
            pending += [label for ref in refs if ref.kind == "pending"]
    return pending


def _duplicates(labels: list[str]) -> list[str]:
    """Labels used more than once, in order of first use."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return [label for label, n in counts.items() if n > 1]


def _step_end(scan: Scan, pos: int, heading: _Heading) -> int:
    """The index of the line after the step whose heading is ``scan.headings[pos]``: the
    next heading of the same or a higher level, or the next step heading."""
    for later in scan.headings[pos + 1 :]:
        if later.level <= heading.level or _STEP.match(strip_nl(scan.lines[later.index])):
            return later.index
    return len(scan.lines)


def parse_scan(text: str, scan: Scan) -> list[DiaryStep]:
    found = _step_headings(scan)
    steps: list[DiaryStep] = []
    for pos, heading, match in found:
        end_index = _step_end(scan, pos, heading)
        last_index = end_index - 1
        while last_index > heading.index and not scan.lines[last_index].strip():
            last_index -= 1
        end = scan.offsets[end_index] if end_index < len(scan.lines) else len(text)
        refs, commit_lines = _refs_in(scan, heading.index + 1, end_index)
        number = int(match.group("num"))
        last = int(match.group("last")) if match.group("last") else number
        line_start = scan.offsets[heading.index]
        steps.append(
            DiaryStep(
                label=match.group("label"),
                number=number,
                last=max(number, last),
                title=match.group("title").strip(),
                level=heading.level,
                line=heading.index + 1,
                end_line=last_index + 1,
                start=line_start,
                end=end,
                label_start=line_start + match.start("label"),
                label_end=line_start + match.end("label"),
                heading=heading.text,
                refs=tuple(refs),
                commit_lines=tuple(commit_lines),
            )
        )
    return steps


def commit_label_match(raw: str) -> re.Match[str] | None:
    """Match a commit label line (bold, list or plain); a prefixed label needs a hash."""
    for pattern in _COMMIT_LABELS:
        match = pattern.match(raw)
        if match:
            value = match.group("value")
            prefix = match.groupdict().get("prefix")
            if (prefix or pattern is PLAIN_COMMIT) and not _REF.search(value):
                if prefix or value.strip():
                    return None
            return match
    return None


def _label_of(match: re.Match[str]) -> str:
    label = (match.group("label") or "").strip().lower()
    return label or (match.groupdict().get("prefix") or "").strip().lower()


def commit_list_end(scan: Scan, index: int) -> int:
    """Return the index after the list that follows the commit label at line ``index``.

    A label whose value names no commit (``**Commit (code):**`` alone on its line) may be
    followed by a bullet or numbered list of commits, one blank line apart at most; the list
    ends at the first line that is neither an item nor an item's indented continuation.
    Returns ``index + 1`` when no list follows.
    """
    i = index + 1
    stop = len(scan.lines)
    if i < stop and not scan.lines[i].strip():
        i += 1
    if i >= stop or scan.fenced[i] or not _LIST_ITEM.match(strip_nl(scan.lines[i])):
        return index + 1
    end = i
    while i < stop and not scan.fenced[i]:
        raw = strip_nl(scan.lines[i])
        if raw.startswith("#"):
            break
        if _LIST_ITEM.match(raw) or (raw.strip() and raw[:1] in " \t"):
            i += 1
            end = i
            continue
        if not raw.strip() and i + 1 < stop and _LIST_ITEM.match(strip_nl(scan.lines[i + 1])):
            i += 1
            continue
        break
    return end


def commit_block_end(scan: Scan, index: int) -> int:
    """Return the index after the commit block starting at line ``index``.

    The block is the label line alone, or, when the label's value names no commit, the
    label and the list of commits under it.
    """
    raw = strip_nl(scan.lines[index])
    match = commit_label_match(raw)
    if match is None:
        return index + 1
    found = _parse_value(raw, match.start("value"), 0, index + 1, "")
    return commit_list_end(scan, index) if found[0].kind == "none" else index + 1


def _refs_in(scan: Scan, first: int, stop: int) -> tuple[list[CommitRef], list[int]]:
    refs: list[CommitRef] = []
    lines: list[int] = []
    in_commits_section = False
    i = first
    while i < stop:
        if scan.fenced[i]:
            i += 1
            continue
        raw = strip_nl(scan.lines[i])
        heading = _HEADING.match(raw) if raw.startswith("#") else None
        if heading:
            in_commits_section = bool(_COMMITS_SECTION.match((heading.group(2) or "").strip()))
            i += 1
            continue
        if "ommit" not in raw.lower() and not in_commits_section:
            i += 1
            continue
        match = commit_label_match(raw)
        if match:
            lines.append(i + 1)
            label = _label_of(match)
            found = _parse_value(raw, match.start("value"), scan.offsets[i], i + 1, label)
            end = commit_list_end(scan, i) if found[0].kind == "none" else i + 1
            end = min(end, stop)
            if end > i + 1:
                listed = _list_refs(scan, i + 1, end, label)
                if listed:
                    found = listed
            refs.extend(found)
            i = max(end, i + 1)
            continue
        if in_commits_section:
            item = _LIST_ITEM.match(raw)
            value_at = item.start("value") if item else len(raw) - len(raw.lstrip())
            if item or _REF.match(raw.lstrip()):
                found = _parse_value(raw, value_at, scan.offsets[i], i + 1, "code")
                if found and found[0].kind == "hash":
                    lines.append(i + 1)
                    refs.extend(found)
        i += 1
    return refs, lines


def _list_refs(scan: Scan, first: int, stop: int, label: str) -> list[CommitRef]:
    """The commits of the list under a bare commit label (N/A or pending items count too)."""
    out: list[CommitRef] = []
    for i in range(first, stop):
        raw = strip_nl(scan.lines[i])
        item = _LIST_ITEM.match(raw)
        value_at = item.start("value") if item else len(raw) - len(raw.lstrip())
        if not raw.strip():
            continue
        found = _parse_value(raw, value_at, scan.offsets[i], i + 1, label)
        if item or found[0].kind == "hash":
            out.extend(r for r in found if r.kind != "none")
    return out


def _parse_value(
    raw: str,
    value_at: int,
    line_offset: int,
    line_no: int,
    label: str,
) -> list[CommitRef]:
    value = raw[value_at:]
    written = value.strip()
    probe = written.lstrip("(`*_ ").lower()
    if probe.startswith(("n/a", "na ", "none")) or probe == "na":
        return [CommitRef(kind="na", written=written, line=line_no, label=label)]
    if probe.startswith("pending"):
        return [CommitRef(kind="pending", written=written, line=line_no, label=label)]
    refs: list[CommitRef] = []
    pos = 0
    while True:
        match = _REF.search(value, pos)
        if match is None:
            break
        full = next(match.group(g) for g in ("lhash", "uhash", "bhash", "hash") if match.group(g))
        subject = next(
            (match.group(g) for g in ("dq", "dq2", "bq", "cq", "pq") if match.group(g) is not None),
            "",
        )
        end = match.end()
        if not subject:
            tail = _PLAIN_SUBJECT.match(value[end:])
            if tail:
                subject = tail.group("subject")
                end += tail.end()
        refs.append(
            CommitRef(
                kind="hash",
                written=full,
                hash=full.lower(),
                subject=subject.strip(),
                line=line_no,
                start=line_offset + value_at + match.start(),
                end=line_offset + value_at + end,
                label=label,
            )
        )
        pos = max(end, match.start() + 1)
    if not refs:
        return [CommitRef(kind="none", written=written, line=line_no, label=label)]
    return refs


def next_number(steps: Sequence[DiaryStep]) -> int:
    """Return 1 + the highest step number in the diary (1 for an empty diary)."""
    return max((s.last for s in steps), default=0) + 1


def find_step(steps: Sequence[DiaryStep], label: str, *, diary: str = "") -> DiaryStep:
    """Return the one step written with ``label`` (``3``, ``2a``); errors name the diary."""
    wanted = label.strip().lower()
    if wanted.startswith("step"):
        wanted = wanted[4:].strip()
    matches = [s for s in steps if s.label.lower() == wanted]
    if not matches and wanted.isdigit():
        matches = [s for s in steps if s.label.isdigit() and int(s.label) == int(wanted)]
    where = f" in {diary}" if diary else ""
    if not matches:
        raise DocmgrError(
            f"step {label} not found{where}", "run 'docmgr diary step list' to see the steps"
        )
    if len(matches) > 1:
        lines = ", ".join(f"line {s.line}" for s in matches)
        raise DocmgrError(
            f"step {label} appears {len(matches)} times{where} ({lines})",
            "run 'docmgr diary renumber' first",
        )
    return matches[0]


def step_text(text: str, step: DiaryStep) -> str:
    """Return the Markdown of one step, without the blank lines that follow it."""
    return text[step.start : step.end].rstrip() + "\n"


def github_anchor(heading: str) -> str:
    """Return the anchor GitHub gives a heading: lower-case, punctuation dropped, spaces to -."""
    text = re.sub(r"<[^>]+>", "", heading)  # inline HTML vanishes; `*~ go with the punctuation
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def _anchors(scan: Scan) -> dict[int, str]:
    seen: dict[str, int] = {}
    out: dict[int, str] = {}
    for heading in scan.headings:
        base = github_anchor(heading.text)
        count = seen.get(base, 0)
        seen[base] = count + 1
        out[heading.index] = base if count == 0 else f"{base}-{count}"
    return out


def render_index(text: str, scan: Scan | None = None) -> list[str]:
    """Render the step index of ``text``: one line per step, linking its heading anchor."""
    scan = scan or scan_text(text)
    anchors = _anchors(scan)
    lines = []
    for step in parse_scan(text, scan):
        target = anchors.get(step.line - 1, github_anchor(step.heading))
        commits = [r.hash[:7] for r in step.refs if r.kind == "hash"]
        if commits:
            tail = " — " + ", ".join(f"`{c}`" for c in commits)
        elif any(r.kind == "na" for r in step.refs):
            tail = " — N/A"
        elif any(r.kind == "pending" for r in step.refs):
            tail = " — pending"
        else:
            tail = ""
        lines.append(f"- [{step.heading}](#{target}){tail}")
    return lines


def refresh_index(text: str) -> str:
    """Rewrite the lines between the step-index markers (text without markers is unchanged)."""
    if INDEX_START not in text:  # most diaries: no scan of the whole text
        return text
    scan = scan_text(text)
    start = end = None
    for i in range(scan.body_line, len(scan.lines)):
        if scan.fenced[i]:
            continue
        stripped = scan.lines[i].strip()
        if start is None and stripped == INDEX_START:
            start = i
        elif start is not None and stripped == INDEX_END:
            end = i
            break
    if start is None or end is None:
        return text
    nl = newline_of(text)
    body = "".join(line + nl for line in render_index(text, scan))
    return text[: scan.offsets[start + 1]] + body + text[scan.offsets[end] :]


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


class StepDraft(NamedTuple):
    """What a new step says, before it gets its number and commit line."""

    title: str
    intro: str = ""
    prompt_context: str = ""  # Markdown under "### Prompt Context" (empty: no such section)
    sections: tuple[tuple[str, str], ...] = ()  # (section key, Markdown) for the canonical ten
    extra: tuple[tuple[str, str], ...] = ()  # other "###" sections from a Markdown body
    commit_text: str = ""  # the value of a one-line commit label found in a Markdown body
    commit_block: str = ""  # that commit label as written (with the list under a bare label)
    stamp: str = ""  # the "**Date:** … · **Author:** …" line under the heading


STAMP = re.compile(
    r"^\*\*Date:\*\*[ \t]*(?P<date>.*?)[ \t]*"
    r"(?:·[ \t]*\*\*Author:\*\*[ \t]*(?P<author>.*?))?[ \t]*$"
)


def render_stamp(at: datetime, author: str = "") -> str:
    """Render the date/author line of a step: ``**Date:** 2026-02-08 10:47 -05:00 · **Author:** A``.

    Plain Markdown, so a reader of the rendered diary sees when and by whom a step was
    written; the Go tool treats it as prose.
    """
    offset = at.strftime("%z")
    zone = f"{offset[:3]}:{offset[3:]}" if offset else ""
    line = f"**Date:** {at.strftime('%Y-%m-%d %H:%M')} {zone}".rstrip()
    author = " ".join(author.split())
    return f"{line} · **Author:** {author}" if author else line


def step_stamp(text: str, step: DiaryStep) -> tuple[str, str]:
    """Return the (date, author) written under a step's heading, ``("", "")`` when absent."""
    for raw in text[step.start : step.end].splitlines()[1:]:
        line = raw.strip()
        if line.startswith("#"):
            break
        match = STAMP.match(line)
        if match:
            return match.group("date"), match.group("author") or ""
    return "", ""


def _bullets(items: Iterable[str]) -> str:
    out = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        first, *rest = item.splitlines()
        out.append("- " + first.rstrip())
        out.extend(("  " + r.rstrip()) if r.strip() else "" for r in rest)
    return "\n".join(out)


_PROMPT_LABELS = (
    "**User prompt (verbatim):**",
    "**Assistant interpretation:**",
    "**Inferred user intent:**",
)


def _context_lines(prompt: str, interpretation: str, intent: str) -> list[tuple[str, str]]:
    """The Prompt Context lines the options give: (label, rendered line) pairs."""
    out = []
    if prompt.strip():
        value = prompt.strip()
        if "\n" in value:
            quoted = "\n".join(f"> {line}".rstrip() for line in value.splitlines())
            out.append((_PROMPT_LABELS[0], f"{_PROMPT_LABELS[0]}\n\n{quoted}"))
        elif value.startswith("(") or (value.startswith('"') and value.endswith('"')):
            out.append((_PROMPT_LABELS[0], f"{_PROMPT_LABELS[0]} {value}"))
        else:
            out.append((_PROMPT_LABELS[0], f'{_PROMPT_LABELS[0]} "{value}"'))
    if interpretation.strip():
        out.append((_PROMPT_LABELS[1], f"{_PROMPT_LABELS[1]} {interpretation.strip()}"))
    if intent.strip():
        out.append((_PROMPT_LABELS[2], f"{_PROMPT_LABELS[2]} {intent.strip()}"))
    return out


def draft_from_options(
    *,
    title: str,
    intro: str = "",
    prompt: str = "",
    interpretation: str = "",
    intent: str = "",
    entries: dict[str, Sequence[str]] | None = None,
) -> StepDraft:
    """Build a draft from command-line options (each entry value becomes one bullet)."""
    unknown = set(entries or {}) - {key for key, _ in SECTIONS}
    if unknown:
        raise UsageProblem(f"unknown diary section(s): {', '.join(sorted(unknown))}")
    context = [line for _, line in _context_lines(prompt, interpretation, intent)]
    sections = tuple((key, _bullets((entries or {}).get(key, ()))) for key, _ in SECTIONS)
    return StepDraft(
        title=_one_line_title(title),
        intro=intro.strip(),
        prompt_context="\n\n".join(context),
        sections=sections,
    )


def apply_options(
    base: StepDraft,
    *,
    title: str = "",
    intro: str = "",
    prompt: str = "",
    interpretation: str = "",
    intent: str = "",
    entries: dict[str, Sequence[str]] | None = None,
) -> StepDraft:
    """Change only what the options name (``step edit``): the title, the prose, one Prompt
    Context line per option, and each given section (its bullets replace the section)."""
    unknown = set(entries or {}) - {key for key, _ in SECTIONS}
    if unknown:
        raise UsageProblem(f"unknown diary section(s): {', '.join(sorted(unknown))}")
    context = base.prompt_context
    for label, line in _context_lines(prompt, interpretation, intent):
        blocks = context.split("\n\n") if context else []
        at = next((i for i, b in enumerate(blocks) if b.startswith(label)), None)
        if at is None:
            blocks.append(line)
        else:  # the old value runs until the next label
            end = at + 1
            while end < len(blocks) and not blocks[end].startswith(_PROMPT_LABELS):
                end += 1
            blocks[at:end] = [line]
        context = "\n\n".join(blocks)
    given = {k: _bullets(v) for k, v in (entries or {}).items() if any(x.strip() for x in v)}
    return base._replace(
        title=_one_line_title(title) if title.strip() else base.title,
        intro=intro.strip() or base.intro,
        prompt_context=context,
        sections=tuple(
            (key, given.get(key, dict(base.sections).get(key, ""))) for key, _ in SECTIONS
        ),
    )


def _one_line_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise UsageProblem("step title is empty", ("pass ", Param("title", '"What this step did"')))
    return cleaned


# The placeholders of the --edit skeleton: dropped when the edited text comes back unchanged.
_INTRO_PLACEHOLDER = "<!-- One or two paragraphs: what this step did and what it unlocked. -->"
_CONTEXT_PLACEHOLDER = (
    "**User prompt (verbatim):** <!-- the prompt, quoted -->\n\n"
    "**Assistant interpretation:** <!-- what you understood -->\n\n"
    "**Inferred user intent:** <!-- what the user wants in the end -->"
)
_EMPTY_LABEL = re.compile(r"^\*\*[^*]+:\*\*[ \t]*(?:<!--.*?-->)?[ \t]*$")
_TITLE_HEADING = re.compile(
    r"^(?P<hashes>#{1,2})[ \t]+(?:[Ss]tep[ \t]+N\b[ \t]*(?:[:.—–-][ \t]*)?)?(?P<title>.+?)[ \t]*$"
)
_TEMPLATE_STEP = re.compile(
    r"^(?P<hashes>#{1,3})[ \t]+[Ss]tep[ \t]+N\b[ \t]*(?:[:.—–-][ \t]*)?(?P<title>.+?)[ \t]*$"
)


def _is_blank_markdown(text: str) -> bool:
    return not re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL).strip()


def is_empty_body(body: str) -> bool:
    """Tell whether an edited step holds nothing: only blanks and HTML comments."""
    return _is_blank_markdown(body)


def _take_commit_block(lines: list[str]) -> tuple[list[str], str, str]:
    """Split the first commit label (and the list under a bare one) out of ``lines``.

    Returns (the other lines, the label's one-line value or "", the block as written).
    """
    text = "\n".join(lines)
    scan = scan_text(text)
    for i, line in enumerate(lines):
        if scan.fenced[i] if i < len(scan.fenced) else False:
            continue
        match = commit_label_match(line)
        if match is None:
            continue
        end = commit_block_end(scan, i) if i < len(scan.lines) else i + 1
        block = "\n".join(lines[i:end]).rstrip()
        value = match.group("value").strip() if end == i + 1 else ""
        return lines[:i] + lines[end:], value, block
    return lines, "", ""


def draft_from_markdown(body: str, *, title: str = "", heading_wins: bool = False) -> StepDraft:
    """Build a draft from a Markdown body (``--from-file``, stdin, ``--edit``).

    An optional first heading gives the title when ``title`` is empty (or always, with
    ``heading_wins``, as after ``--edit``): ``## Step …: <title>``, ``# <title>``,
    ``## <title>`` or the skeleton's ``## Step N: <title>``. A first heading that names a
    section (``### What I did``) is a section, not a title. Text before the first section
    heading is the prose; ``### <canonical heading>`` sections fill their slots,
    ``### Prompt Context`` is kept, and other sections follow the ten. Sections are the
    headings one level below the title heading (``###`` without one, or ``####`` when the
    body's first section is a ``####``). A commit label in the prose or the prompt context is
    used when no ``--commit`` is given, and the ``**Date:**`` line is kept as the stamp.
    """
    lines = body.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    section_level = 0
    if lines:
        match = _STEP.match(lines[0]) or _TEMPLATE_STEP.match(lines[0])
        if match is None:
            plain = _TITLE_HEADING.match(lines[0])
            named = plain.group("title").strip().lower() if plain else ""
            if plain and named not in SECTION_BY_HEADING and named != "prompt context":
                match = plain
        if match:
            lines.pop(0)
            section_level = len(match.group("hashes")) + 1
            if heading_wins or not title.strip():
                title = match.group("title")
    if not section_level:
        section_level = 3
        for line in lines:
            found = re.match(r"^(#{3,4})[ \t]+\S", line)
            if found:
                section_level = len(found.group(1))
                break
    section = re.compile(r"^#{" + str(section_level) + r"}[ \t]+(.+?)[ \t]*$")
    chunks: list[tuple[str, list[str]]] = [("", [])]
    fence: str | None = None
    for line in lines:
        fmatch = _FENCE.match(line)
        if fence is None and fmatch:
            fence = fmatch.group(1)
        elif (
            fence is not None
            and fmatch
            and fmatch.group(1)[0] == fence[0]
            and not fmatch.group(2).strip()
        ):
            fence = None
        found = section.match(line) if fence is None else None
        if found:
            chunks.append((found.group(1), []))
        else:
            chunks[-1][1].append(line)
    intro_lines, commit_text, commit_block = _take_commit_block(chunks[0][1])
    stamp = ""
    for i, line in enumerate(intro_lines):
        if STAMP.match(line.strip()):
            stamp = line.strip()
            del intro_lines[i]
            break
    intro = "\n".join(intro_lines).strip()
    if intro == _INTRO_PLACEHOLDER:
        intro = ""
    sections: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    context = ""
    for name, content in chunks[1:]:
        text = "\n".join(content).strip("\n").rstrip()
        key = SECTION_BY_HEADING.get(name.strip().lower())
        if name.strip().lower() == "prompt context":
            kept = content
            if not commit_block:
                kept, commit_text, commit_block = _take_commit_block(content)
            context = "\n".join(k for k in kept if not _EMPTY_LABEL.match(k.strip())).strip()
            context = re.sub(r"\n{3,}", "\n\n", context)
        elif key is not None:
            sections[key] = "" if _is_blank_markdown(text) or text.strip() == "N/A" else text
        else:
            extra.append((name.strip(), text))
    return StepDraft(
        title=_one_line_title(title),
        intro=intro,
        prompt_context=context,
        sections=tuple((key, sections.get(key, "")) for key, _ in SECTIONS),
        extra=tuple(extra),
        commit_text=commit_text,
        commit_block=commit_block,
        stamp=stamp,
    )


def skeleton(draft: StepDraft, *, commit_value: str | None = "N/A") -> str:
    """Render a prefilled step for ``--edit``: every section, Prompt Context included, and
    the commit line that will be written (the number is assigned when the step is written).
    """
    filled = draft._replace(
        intro=draft.intro or _INTRO_PLACEHOLDER,
        prompt_context=draft.prompt_context or _CONTEXT_PLACEHOLDER,
        stamp="",
    )
    return render_step(number="N", draft=filled, commit_value=commit_value)


def render_commit_ref(commit: Commit, *, url: str | None = None) -> str:
    """Render ``<hash> — "<subject>"`` (the hash becomes a link when ``url`` is given)."""
    shown = f"[{commit.hash}]({url})" if url else commit.hash
    return f'{shown} — "{commit.subject}"'


def commit_value(commits: Sequence[Commit], *, urls: dict[str, str] | None = None) -> str:
    """Render the value of a ``**Commit (code):**`` line: refs joined with ``; ``, or ``N/A``."""
    if not commits:
        return "N/A"
    return "; ".join(render_commit_ref(c, url=(urls or {}).get(c.hash)) for c in commits)


def render_step(
    *, number: int | str, draft: StepDraft, commit_value: str | None, level: int = 2
) -> str:
    """The Markdown of one step: heading, stamp, prose, prompt context, commit line, sections.

    ``number`` is the label to write (``3``, or ``2a`` when an existing step is rewritten).
    ``level`` is the step heading's level (2 normally; 3 in diaries whose steps are
    ``### Step N``); sub-sections sit one level below. ``commit_value`` None keeps the
    draft's own commit block (``step edit``), or writes no commit line when it has none.
    """
    step_mark, sub = "#" * level, "#" * (level + 1)
    parts = [f"{step_mark} Step {number}: {draft.title}"]
    if draft.stamp:
        parts.append(draft.stamp)
    if draft.intro:
        parts.append(draft.intro)
    if draft.prompt_context:
        parts.append(f"{sub} Prompt Context")
        parts.append(draft.prompt_context)
    if commit_value is not None:
        parts.append(f"**Commit (code):** {commit_value}")
    elif draft.commit_block:
        parts.append(draft.commit_block)
    given = dict(draft.sections)
    for key, heading in SECTIONS:
        content = given.get(key, "").strip("\n")
        parts.append(f"{sub} {heading}\n{content if content.strip() else 'N/A'}")
    for heading, content in draft.extra:
        parts.append(f"{sub} {heading}\n{content.strip(chr(10)) or 'N/A'}")
    return "\n\n".join(parts) + "\n"


def insert_step(
    text: str, block: str, *, steps: Sequence[DiaryStep], scan: Scan | None = None
) -> tuple[str, int]:
    """Insert ``block`` right after the last step (or at the end); return (text, offset).

    ``steps`` are the text's (``parse``); ``scan``, the text's scan when the caller has it.
    """
    nl = newline_of(text)
    block = block.replace("\n", nl) if nl != "\n" else block
    pos = steps[-1].end if steps else len(text)
    head, tail = text[:pos], text[pos:]
    if not tail:
        fence = (scan or scan_text(text)).open_fence
        if fence is not None:  # never append a step into a code block left open
            head += ("" if not head or head.endswith(nl) else nl) + fence + nl
    if not head:
        sep = ""
    elif head.endswith(nl + nl):
        sep = ""
    elif head.endswith(nl):
        sep = nl
    else:
        sep = nl + nl
    if tail:
        block += nl
    return head + sep + block + tail, len(head) + len(sep)


def heading_anchors(text: str) -> dict[int, str]:
    """The GitHub anchor of every heading, keyed by its 1-based line (duplicates get -1, -2)."""
    return {index + 1: anchor for index, anchor in _anchors(scan_text(text)).items()}
