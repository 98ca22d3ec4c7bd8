"""Implementation diaries: numbered ``## Step N:`` sections linked to git commits, and their audit.

Parsing recognises every heading variant found in real diaries (``## Step 3: x``,
``## Step 3 - x``, ``## Step 5 — x``, ``## Step 2a: x``, ``## Step 3-5: x``, ``### Step 4:
x``) outside fenced code blocks, and every commit-line form (``**Commit (code):** <hash> —
"<subject>"``, ``**Commit**: `<hash>```, ``- Commit: <hash> ("<subject>")``, ``N/A …``,
``pending …``, a ``### Commits`` list). Writers hold the diary's lock and re-read it, touch
only the bytes they own (the new step, a commit line, a heading number, the step index) and
write atomically.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from docmgr.errors import DocmgrError, DocNotFound, UnsafePath, UsageProblem

if TYPE_CHECKING:
    from docmgr.gitlink import Commit, Proposal, Repository
    from docmgr.workspace import Workspace

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
_SECTION_BY_HEADING = {heading.lower(): key for key, heading in SECTIONS}
INDEX_START = "<!-- docmgr:steps -->"
INDEX_END = "<!-- /docmgr:steps -->"
STATUSES = ("ok", "unreachable", "missing", "na", "pending", "none")

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_STEP = re.compile(
    r"^(?P<hashes>#{1,3})[ \t]+[Ss]tep[ \t]+"
    r"(?P<label>(?P<num>\d+)(?P<suffix>[a-z])?(?:-(?P<last>\d+))?)(?![\w])"
    r"[ \t]*(?:[:.—–-][ \t]*)?(?P<title>.*?)(?:[ \t]+#+)?[ \t]*$"
)
_BOLD_COMMIT = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?\*\*Commits?(?:[ \t]*\((?P<label>[^)]*)\))?[ \t]*(?::\*\*|\*\*[ \t]*:)"
    r"(?P<value>.*)$"
)
_LIST_COMMIT = re.compile(
    r"^[ \t]*[-*+][ \t]+Commits?(?:[ \t]*\((?P<label>[^)]*)\))?[ \t]*:(?P<value>.*)$"
)
_COMMITS_SECTION = re.compile(r"^Commits?\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^[ \t]*[-*+][ \t]+(?P<value>.*)$")
_REF = re.compile(
    r"(?P<tick>`?)"
    r"(?:\[`?(?P<lhash>[0-9a-f]{7,40})`?\]\([^)\s]*\)|(?<![\w/.-])(?P<hash>[0-9a-f]{7,40})(?!\w))"
    r"(?P=tick)"
    r"(?:(?:[ \t]*[—–-])?[ \t]*"
    r"(?:\"(?P<dq>.*?)\"(?=[ \t]*(?:;[ \t]*[`\[]*[0-9a-f]{7,40}|$))"
    r"|\"(?P<dq2>[^\"]*)\"|`(?P<bq>[^`]*)`"
    r"|\([\"“](?P<pq>[^\"”]*)[\"”]\)))?"
)
_PLAIN_SUBJECT = re.compile(r"^[ \t]*[—–-][ \t]*(?P<subject>.+?)[ \t]*$")


# --------------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitRef:
    """One commit cited by a step, as written in the diary."""

    kind: str  # "hash" | "na" | "pending" | "none"
    written: str  # the hash token, or the commit line's value for na/pending/none
    hash: str = ""  # lower-case hex as written (short or full); "" unless kind == "hash"
    subject: str = ""  # the subject written next to the hash, if any
    line: int = 0  # 1-based line number of the commit line
    start: int = 0  # character span of the reference (hash … subject) in the whole text
    end: int = 0
    label: str = ""  # "code", "docs", … from "**Commit (code):**"


@dataclass(frozen=True, slots=True, kw_only=True)
class DiaryStep:
    """One ``Step`` section of a diary."""

    label: str  # as written: "3", "2a", "3-5"
    number: int  # 3 for "3", "2a" and "3-5"
    last: int  # the highest number the heading covers (5 for "3-5")
    title: str
    level: int
    line: int  # 1-based line of the heading
    end_line: int  # 1-based last non-blank line of the section
    start: int  # character offset of the heading
    end: int  # character offset just after the section (next heading or end of text)
    label_start: int  # character span of the label in the heading
    label_end: int
    heading: str  # heading text without the leading hashes
    refs: tuple[CommitRef, ...] = ()
    commit_lines: tuple[int, ...] = ()  # 1-based lines of "**Commit …:**" lines

    @property
    def commits(self) -> list[CommitRef]:
        return [r for r in self.refs if r.kind == "hash"]


# Internal helpers are plain slotted classes: generating dataclass methods costs import time
# on every command, and these never leave the module.
class _Heading:
    __slots__ = ("index", "level", "text")

    def __init__(self, index: int, level: int, text: str) -> None:
        self.index = index  # 0-based line index
        self.level = level
        self.text = text


class _Scan:
    __slots__ = ("lines", "offsets", "body_line", "fenced", "headings", "open_fence")

    def __init__(self, lines: list[str], offsets: list[int], body_line: int, fenced: list[bool],
                 headings: list[_Heading], open_fence: str | None = None) -> None:
        self.lines = lines  # lines with their newline
        self.offsets = offsets  # offset of each line
        self.body_line = body_line  # index of the first body line (after front matter)
        self.fenced = fenced  # line is inside (or delimits) a fenced code block
        self.headings = headings
        self.open_fence = open_fence  # the fence left open at the end of the text, if any


def _scan(text: str) -> _Scan:
    from docmgr.front_matter import split

    lines = text.splitlines(keepends=True)
    offsets: list[int] = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line)
    parts = split(text)
    body_line = 0
    if parts is not None:
        while body_line < len(lines) and offsets[body_line] < parts.body_start:
            body_line += 1
    fenced = [False] * len(lines)
    headings: list[_Heading] = []
    fence: str | None = None
    for i in range(body_line, len(lines)):
        line = lines[i].rstrip("\r\n")
        probe = line.lstrip(" ")[:1]
        if probe not in ("`", "~", "#"):  # the common case: prose, lists, blank lines
            if fence is not None:
                fenced[i] = True
            continue
        match = _FENCE.match(line) if probe != "#" else None
        if fence is not None:
            fenced[i] = True
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not match.group(2).strip():
                fence = None
            continue
        if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
            fenced[i] = True
            continue
        heading = _HEADING.match(line) if line.startswith("#") else None
        if heading:
            headings.append(_Heading(i, len(heading.group(1)), (heading.group(2) or "").strip()))
    return _Scan(lines, offsets, body_line, fenced, headings, fence)


def _strip_nl(line: str) -> str:
    return line.rstrip("\r\n")


def parse(text: str) -> list[DiaryStep]:
    """Return the diary's steps in file order (headings inside code fences are ignored)."""
    return _parse(text, _scan(text))


def _parse(text: str, scan: _Scan) -> list[DiaryStep]:
    found: list[tuple[int, _Heading, re.Match[str]]] = []
    for pos, heading in enumerate(scan.headings):
        match = _STEP.match(_strip_nl(scan.lines[heading.index]))
        if match:
            found.append((pos, heading, match))
    steps: list[DiaryStep] = []
    for pos, heading, match in found:
        end_index = len(scan.lines)
        for later in scan.headings[pos + 1 :]:
            if later.level <= heading.level or _STEP.match(_strip_nl(scan.lines[later.index])):
                end_index = later.index
                break
        last_index = end_index - 1
        while last_index > heading.index and not scan.lines[last_index].strip():
            last_index -= 1
        end = scan.offsets[end_index] if end_index < len(scan.lines) else len(text)
        refs, commit_lines = _refs_in(scan, heading.index + 1, end_index)
        number = int(match.group("num"))
        last = int(match.group("last")) if match.group("last") else number
        line_start = scan.offsets[heading.index]
        steps.append(DiaryStep(
            label=match.group("label"), number=number, last=max(number, last),
            title=match.group("title").strip(), level=heading.level, line=heading.index + 1,
            end_line=last_index + 1, start=line_start, end=end,
            label_start=line_start + match.start("label"),
            label_end=line_start + match.end("label"),
            heading=heading.text, refs=tuple(refs), commit_lines=tuple(commit_lines)))
    return steps


def _refs_in(scan: _Scan, first: int, stop: int) -> tuple[list[CommitRef], list[int]]:
    refs: list[CommitRef] = []
    lines: list[int] = []
    in_commits_section = False
    for i in range(first, stop):
        if scan.fenced[i]:
            continue
        raw = _strip_nl(scan.lines[i])
        heading = _HEADING.match(raw) if raw.startswith("#") else None
        if heading:
            in_commits_section = bool(_COMMITS_SECTION.match((heading.group(2) or "").strip()))
            continue
        if "ommit" not in raw and not in_commits_section:
            continue
        match = _BOLD_COMMIT.match(raw) or _LIST_COMMIT.match(raw)
        if match:
            lines.append(i + 1)
            refs.extend(_parse_value(raw, match.start("value"), scan.offsets[i], i + 1,
                                     (match.group("label") or "").strip().lower()))
            continue
        if in_commits_section:
            item = _LIST_ITEM.match(raw)
            if item:
                found = _parse_value(raw, item.start("value"), scan.offsets[i], i + 1, "code",
                                     plain_subject=True)
                if found and found[0].kind == "hash":
                    lines.append(i + 1)
                    refs.extend(found)
    return refs, lines


def _parse_value(raw: str, value_at: int, line_offset: int, line_no: int, label: str, *,
                 plain_subject: bool = False) -> list[CommitRef]:
    value = raw[value_at:]
    written = value.strip()
    probe = written.lstrip("(`*_ ").lower()
    if probe.startswith(("n/a", "na ", "none")) or probe == "na":
        return [CommitRef(kind="na", written=written, line=line_no, label=label)]
    if probe.startswith("pending"):
        return [CommitRef(kind="pending", written=written, line=line_no, label=label)]
    refs: list[CommitRef] = []
    for match in _REF.finditer(value):
        full = match.group("lhash") or match.group("hash") or ""
        subject = next((match.group(g) for g in ("dq", "dq2", "bq", "pq")
                        if match.group(g) is not None), "")
        end = match.end()
        if plain_subject and not subject:
            tail = _PLAIN_SUBJECT.match(value[end:])
            if tail:
                subject = tail.group("subject")
                end = len(value)
        refs.append(CommitRef(
            kind="hash", written=full, hash=full.lower(),
            subject=subject.strip(), line=line_no,
            start=line_offset + value_at + match.start(), end=line_offset + value_at + end,
            label=label))
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
        raise DocmgrError(f"step {label} not found{where}",
                          "run 'docmgr diary step list' to see the steps")
    if len(matches) > 1:
        lines = ", ".join(f"line {s.line}" for s in matches)
        raise DocmgrError(f"step {label} appears {len(matches)} times{where} ({lines})",
                          "run 'docmgr diary renumber' first")
    return matches[0]


def step_text(text: str, step: DiaryStep) -> str:
    """Return the Markdown of one step, without the blank lines that follow it."""
    return text[step.start:step.end].rstrip() + "\n"


# --------------------------------------------------------------------------- anchors and index


def github_anchor(heading: str) -> str:
    """Return the anchor GitHub gives a heading: lower-case, punctuation dropped, spaces to -."""
    text = re.sub(r"<[^>]+>", "", heading)  # inline HTML vanishes; `*~ go with the punctuation
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def _anchors(scan: _Scan) -> dict[int, str]:
    seen: dict[str, int] = {}
    out: dict[int, str] = {}
    for heading in scan.headings:
        base = github_anchor(heading.text)
        count = seen.get(base, 0)
        seen[base] = count + 1
        out[heading.index] = base if count == 0 else f"{base}-{count}"
    return out


def render_index(text: str, scan: _Scan | None = None) -> list[str]:
    """Render the step index of ``text``: one line per step, linking its heading anchor."""
    scan = scan or _scan(text)
    anchors = _anchors(scan)
    lines = []
    for step in _parse(text, scan):
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
    scan = _scan(text)
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
    nl = _newline_of(text)
    body = "".join(line + nl for line in render_index(text, scan))
    return text[: scan.offsets[start + 1]] + body + text[scan.offsets[end]:]


def _newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


# --------------------------------------------------------------------------- drafting and rendering


@dataclass(frozen=True, slots=True, kw_only=True)
class StepDraft:
    """What a new step says, before it gets its number and commit line."""

    title: str
    intro: str = ""
    prompt_context: str = ""  # Markdown under "### Prompt Context" (empty: no such section)
    sections: tuple[tuple[str, str], ...] = ()  # (section key, Markdown) for the canonical ten
    extra: tuple[tuple[str, str], ...] = ()  # other "###" sections from a Markdown body
    commit_text: str = ""  # a commit value found in a Markdown body


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


def draft_from_options(*, title: str, intro: str = "", prompt: str = "", interpretation: str = "",
                       intent: str = "",
                       entries: dict[str, Sequence[str]] | None = None) -> StepDraft:
    """Build a draft from command-line options (each entry value becomes one bullet)."""
    unknown = set(entries or {}) - {key for key, _ in SECTIONS}
    if unknown:
        raise UsageProblem(f"unknown diary section(s): {', '.join(sorted(unknown))}")
    context = []
    if prompt.strip():
        value = prompt.strip()
        if "\n" in value:
            quoted = "\n".join(f"> {line}".rstrip() for line in value.splitlines())
            context.append(f"**User prompt (verbatim):**\n\n{quoted}")
        elif value.startswith("(") or (value.startswith('"') and value.endswith('"')):
            context.append(f"**User prompt (verbatim):** {value}")
        else:
            context.append(f'**User prompt (verbatim):** "{value}"')
    if interpretation.strip():
        context.append(f"**Assistant interpretation:** {interpretation.strip()}")
    if intent.strip():
        context.append(f"**Inferred user intent:** {intent.strip()}")
    sections = tuple((key, _bullets((entries or {}).get(key, ()))) for key, _ in SECTIONS)
    return StepDraft(title=_one_line_title(title), intro=intro.strip(),
                     prompt_context="\n\n".join(context), sections=sections)


def _one_line_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise UsageProblem("step title is empty", 'pass --title "What this step did"')
    return cleaned


def draft_from_markdown(body: str, *, title: str = "", heading_wins: bool = False) -> StepDraft:
    """Build a draft from a Markdown body (``--from-file``, stdin, ``--edit``).

    An optional ``## Step …: <title>`` first heading gives the title when ``title`` is empty
    (or always, with ``heading_wins``, as after ``--edit``);
    text before the first ``###`` heading is the prose; ``### <canonical heading>`` sections
    fill their slots, ``### Prompt Context`` is kept, and other sections follow the ten.
    A ``**Commit (…):**`` line in the prose is used when no ``--commit`` is given.
    """
    lines = body.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines:
        match = _STEP.match(lines[0]) or re.match(
            r"^#{1,3}[ \t]+(?:[Ss]tep[ \t]+N\b[ \t]*(?:[:.—–-][ \t]*)?)?(?P<title>.+?)[ \t]*$",
            lines[0])
        if match:
            lines.pop(0)
            if heading_wins or not title.strip():
                title = match.group("title")
    chunks: list[tuple[str, list[str]]] = [("", [])]
    fence: str | None = None
    for line in lines:
        fmatch = _FENCE.match(line)
        if fence is None and fmatch:
            fence = fmatch.group(1)
        elif fence is not None and fmatch and fmatch.group(1)[0] == fence[0] \
                and not fmatch.group(2).strip():
            fence = None
        heading = re.match(r"^###[ \t]+(.+?)[ \t]*$", line) if fence is None else None
        if heading:
            chunks.append((heading.group(1), []))
        else:
            chunks[-1][1].append(line)
    intro_lines: list[str] = []
    commit_text = ""
    for line in chunks[0][1]:
        match = _BOLD_COMMIT.match(line)
        if match and not commit_text:
            commit_text = match.group("value").strip()
        else:
            intro_lines.append(line)
    sections: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    context = ""
    for heading, content in chunks[1:]:
        text = "\n".join(content).strip("\n").rstrip()
        key = _SECTION_BY_HEADING.get(heading.strip().lower())
        if heading.strip().lower() == "prompt context":
            kept = []
            for line in text.split("\n"):
                match = _BOLD_COMMIT.match(line)
                if match and not commit_text:
                    commit_text = match.group("value").strip()
                else:
                    kept.append(line)
            context = "\n".join(kept).strip()
        elif key is not None:
            sections[key] = text if text.strip() not in ("", "N/A") else ""
        else:
            extra.append((heading.strip(), text))
    return StepDraft(title=_one_line_title(title), intro="\n".join(intro_lines).strip(),
                     prompt_context=context,
                     sections=tuple((key, sections.get(key, "")) for key, _ in SECTIONS),
                     extra=tuple(extra), commit_text=commit_text)


def skeleton(draft: StepDraft, *, with_commit_line: bool) -> str:
    """Render a prefilled step for ``--edit`` (the number is assigned when it is written)."""
    filled = draft if draft.intro else replace(
        draft, intro="<!-- One or two paragraphs: what this step did and what it unlocked. -->")
    commit = "N/A" if with_commit_line else None
    return render_step(number=0, draft=filled, commit_value=commit).replace(
        "## Step 0:", "## Step N:", 1)


def render_commit_ref(commit: Commit, *, url: str | None = None) -> str:
    """Render ``<hash> — "<subject>"`` (the hash becomes a link when ``url`` is given)."""
    shown = f"[{commit.hash}]({url})" if url else commit.hash
    return f'{shown} — "{commit.subject}"'


def commit_value(commits: Sequence[Commit], *, urls: dict[str, str] | None = None) -> str:
    """Render the value of a ``**Commit (code):**`` line: refs joined with ``; ``, or ``N/A``."""
    if not commits:
        return "N/A"
    return "; ".join(render_commit_ref(c, url=(urls or {}).get(c.hash)) for c in commits)


def render_step(*, number: int, draft: StepDraft, commit_value: str | None,
                level: int = 2) -> str:
    """The Markdown of one step: heading, prose, prompt context, commit line, ten sections.

    ``level`` is the step heading's level (2 normally; 3 in diaries whose steps are
    ``### Step N``); sub-sections sit one level below.
    """
    step_mark, sub = "#" * level, "#" * (level + 1)
    parts = [f"{step_mark} Step {number}: {draft.title}"]
    if draft.intro:
        parts.append(draft.intro)
    if draft.prompt_context:
        parts.append(f"{sub} Prompt Context")
        parts.append(draft.prompt_context)
    if commit_value is not None:
        parts.append(f"**Commit (code):** {commit_value}")
    given = dict(draft.sections)
    for key, heading in SECTIONS:
        content = given.get(key, "").strip("\n")
        parts.append(f"{sub} {heading}\n{content if content.strip() else 'N/A'}")
    for heading, content in draft.extra:
        parts.append(f"{sub} {heading}\n{content.strip(chr(10)) or 'N/A'}")
    return "\n\n".join(parts) + "\n"


def insert_step(text: str, block: str, *, steps: Sequence[DiaryStep]) -> tuple[str, int]:
    """Insert ``block`` right after the last step (or at the end); return (text, offset)."""
    nl = _newline_of(text)
    block = block.replace("\n", nl) if nl != "\n" else block
    pos = steps[-1].end if steps else len(text)
    head, tail = text[:pos], text[pos:]
    if not tail:
        fence = _scan(text).open_fence
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


# --------------------------------------------------------------------------- locating diaries


def _is_diary_name(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(".md") and "diary" in lowered


def diaries_in(folder: Path) -> list[Path]:
    """List the diaries of one ticket folder: ``*diary*.md`` (else docs titled "…diary…")."""
    found: list[Path] = []
    others: list[Path] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
        if Path(current) != folder and "index.md" in files:
            dirs[:] = []  # a nested ticket keeps its own diary
            continue
        for name in sorted(files):
            if not name.lower().endswith(".md") or name.lower() in ("index.md", "tasks.md",
                                                                   "changelog.md", "readme.md"):
                continue
            path = Path(current) / name
            (found if _is_diary_name(name) else others).append(path)
    return found or [p for p in others if _title_says_diary(p)]


def _title_says_diary(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    match = re.search(r"(?m)^Title:[ \t]*(.*)$", head) if head.startswith("---") else None
    return bool(match and "diary" in match.group(1).lower())


def resolve_diary(ws: Workspace, *, ticket: str = "", diary: str = "") -> Path:
    """Find the diary: ``--diary PATH`` (inside the docs root) or the ticket's only diary."""
    from docmgr import paths

    if diary.strip():
        ref = diary.strip()
        direct = [Path(ref)] if os.path.isabs(ref) else [ws.cwd / ref, ws.root / ref]
        path = next((p for p in direct if p.is_file()), None)
        if path is None:  # the forgiving --doc rules (repo-relative, suffix match, …)
            from docmgr.document import resolve_ref

            path = resolve_ref(ws, ref)
        if not paths.is_inside(ws.root, path):
            raise UnsafePath(f"diary {path} is outside the docs root {ws.root}",
                             "pass a diary inside the docs root")
        return Path(os.path.abspath(path))
    if not ticket.strip():
        raise UsageProblem("no diary given", "pass --ticket <ID> or --diary <path>")
    from docmgr import ticket as ticketmod

    found = ticketmod.find(ws, ticket)
    candidates = diaries_in(found.dir)
    if not candidates:
        raise DocNotFound(f"ticket {found.id} has no diary",
                          f"run 'docmgr diary create --ticket {found.id}'")
    if len(candidates) > 1:
        listing = ", ".join(ws.rel(p) for p in candidates)
        raise DocmgrError(f"ticket {found.id} has {len(candidates)} diaries: {listing}",
                          "pass --diary <path> to pick one")
    return candidates[0]


def all_diaries(ws: Workspace) -> list[Path]:
    """List every diary of the workspace: documents named ``*diary*.md`` or titled "…diary…"."""
    from docmgr.workspace import load_docs

    out = []
    for doc in load_docs(ws):
        if doc.is_control or doc.is_index:
            continue
        title = doc.meta.title if doc.meta else ""
        if _is_diary_name(doc.path.name) or "diary" in title.lower():
            out.append(doc.path)
    return out


def ticket_dir_of(ws: Workspace, path: Path) -> Path | None:
    """Return the ticket folder holding ``path``: the nearest parent with an ``index.md``."""
    from docmgr import paths

    current = path.parent
    while paths.is_inside(ws.root, current):
        if (current / "index.md").is_file():
            return current
        if current == ws.root:
            break
        current = current.parent
    return None


def repo_path(ws: Workspace, explicit: str = "") -> Path:
    """Choose the commits' repository: ``--repo``, ``repo:`` in .ttmp.yaml, else the root's."""
    if explicit.strip():
        path = Path(explicit)
        return path if path.is_absolute() else ws.cwd / path
    if ws.config is not None and ws.config.repo:
        path = Path(ws.config.repo)
        return path if path.is_absolute() else ws.config.folder / path
    return ws.root if ws.root.is_dir() else ws.cwd


# --------------------------------------------------------------------------- create


def create(ws: Workspace, *, ticket: str, title: str = "Diary", goal: str = "",
           another: bool = False) -> Path:
    """Create ``reference/NN-<slug>.md``: ``# Diary``, ``## Goal`` and an empty step index.

    A ticket keeps one diary: an existing one is an error unless ``another`` is set.
    """
    from docmgr import document
    from docmgr import ticket as ticketmod

    found = ticketmod.find(ws, ticket)
    existing = diaries_in(found.dir)
    if existing and not another:
        raise DocmgrError(f"ticket {found.id} already has a diary: {ws.rel(existing[0])}",
                          "add steps to it, or pass --another to start a second diary")
    goal_text = goal.strip() or "<!-- What this diary captures: the work, its scope, its goal. -->"
    body = f"# Diary\n\n## Goal\n\n{goal_text}\n\n{INDEX_START}\n{INDEX_END}\n"
    return document.add(ws, found, doc_type="reference", title=title, body=body).path


# --------------------------------------------------------------------------- step add


@dataclass(frozen=True, slots=True, kw_only=True)
class StepAdded:
    diary: Path
    number: int
    title: str
    line: int
    commits: tuple[Commit, ...]
    related: tuple[Path, ...] = ()
    changelog: Path | None = None


def _open_repo(ws: Workspace, explicit: str) -> Repository:
    from docmgr.gitlink import open_repository

    return open_repository(repo_path(ws, explicit))


def _urls(ws: Workspace, repo: Repository | None, commits: Iterable[Commit]) -> dict[str, str]:
    if repo is None or ws.config is None or not ws.config.commit_links:
        return {}
    out = {}
    for commit in commits:
        url = repo.commit_url(commit.hash)
        if url:
            out[commit.hash] = url
    return out


def _cites(steps: Sequence[DiaryStep], full: str) -> bool:
    return any(full.startswith(r.hash) for s in steps for r in s.refs if r.kind == "hash")


def add_step(
    ws: Workspace,
    diary: Path,
    *,
    draft: StepDraft,
    revisions: Sequence[str] = (),
    repo: str = "",
    relate: bool = False,
    changelog: bool = False,
) -> StepAdded:
    """Append the next numbered step to ``diary`` under its lock, linked to ``revisions``.

    ``auto`` among the revisions means HEAD unless an earlier step already cites it. The
    commit line is ``N/A`` without revisions (or the draft's own commit line, if it has one).
    """
    from docmgr import front_matter
    from docmgr.fsio import atomic_write, file_lock, read_text

    handle: Repository | None = None
    resolved: list[Commit] = []
    auto: Commit | None = None
    try:
        if revisions:
            handle = _open_repo(ws, repo)
            for rev in revisions:
                if rev.strip().lower() == "auto":
                    auto = handle.resolve("HEAD")
                else:
                    commit = handle.resolve(rev)
                    if commit.hash not in {c.hash for c in resolved}:
                        resolved.append(commit)
        with file_lock(diary):
            text = read_text(diary)
            steps = parse(text)
            number = next_number(steps)
            commits = list(resolved)
            if auto is not None and not _cites(steps, auto.hash) \
                    and auto.hash not in {c.hash for c in commits}:
                commits.append(auto)
            if commits:
                value: str | None = commit_value(commits, urls=_urls(ws, handle, commits))
            elif draft.commit_text and not revisions:
                value = draft.commit_text
            else:
                value = "N/A"
            level = steps[-1].level if steps and steps[-1].level in (2, 3) else 2
            block = render_step(number=number, draft=draft, commit_value=value, level=level)
            updated, _ = insert_step(text, block, steps=steps)
            updated = refresh_index(updated)
            if front_matter.split(updated) is not None:
                updated = front_matter.update_fields(updated, {"LastUpdated": ws.clock.now()},
                                                     path=ws.rel(diary))
            atomic_write(diary, updated)
        related: list[Path] = []
        if relate and commits and handle is not None:
            related = _relate(ws, diary, handle, commits, number)
            if related:  # RelatedFiles grew: the step moved down
                updated = read_text(diary)
        heading = block.split("\n", 1)[0]
        at = updated.rfind("\n" + heading) + 1  # the new step is the last one
        line = updated.count("\n", 0, at) + 1
        log_path = None
        if changelog:
            log_path = _changelog(ws, diary, number, draft.title, commits)
        return StepAdded(diary=diary, number=number, title=draft.title, line=line,
                         commits=tuple(commits), related=tuple(related), changelog=log_path)
    finally:
        if handle is not None:
            handle.close()


def _short_list(commits: Sequence[Commit]) -> str:
    return ", ".join(c.short for c in commits)


def _relate(ws: Workspace, diary: Path, handle: Repository, commits: Sequence[Commit],
            number: int) -> list[Path]:
    from docmgr import paths, relate

    by_file: dict[Path, list[Commit]] = {}
    for commit in commits:
        for path in handle.changed_files(commit.hash):
            if paths.is_inside(ws.root, path):
                continue  # the ticket's own paperwork is not "related code"
            by_file.setdefault(path, []).append(commit)
    if not by_file:
        return []
    notes = [(str(path), f"Step {number} (commit {_short_list(cs)})")
             for path, cs in sorted(by_file.items())]
    relate.relate(ws, diary, file_notes=notes)
    return sorted(by_file)


def _changelog(ws: Workspace, diary: Path, number: int, title: str,
               commits: Sequence[Commit]) -> Path:
    from docmgr.changelog import append_entry

    folder = ticket_dir_of(ws, diary) or diary.parent
    entry = f"Step {number}: {title}"
    if commits:
        entry += f" (commit {_short_list(commits)})"
    path = folder / "changelog.md"
    append_entry(path, date=ws.clock.now().strftime("%Y-%m-%d"), entry=entry)
    return path


# --------------------------------------------------------------------------- link, renumber


@dataclass(frozen=True, slots=True, kw_only=True)
class Linked:
    diary: Path
    step: str
    line: int
    commits: tuple[Commit, ...]


def link_step(ws: Workspace, diary: Path, *, step: str, revisions: Sequence[str],
              repo: str = "") -> Linked:
    """Rewrite the commit line of one step (insert one when the step has none)."""
    from docmgr.fsio import atomic_write, file_lock, read_text

    if not revisions:
        raise UsageProblem("no commit given", "pass --commit REV")
    handle = _open_repo(ws, repo)
    try:
        commits: list[Commit] = []
        for rev in revisions:
            commit = handle.resolve("HEAD" if rev.strip().lower() == "auto" else rev)
            if commit.hash not in {c.hash for c in commits}:
                commits.append(commit)
        new_line = f"**Commit (code):** {commit_value(commits, urls=_urls(ws, handle, commits))}"
        with file_lock(diary):
            text = read_text(diary)
            scan = _scan(text)
            target = find_step(_parse(text, scan), step, diary=ws.rel(diary))
            nl = _newline_of(text)
            index = _commit_line_index(scan, target)
            if index is not None:
                start = scan.offsets[index]
                end = start + len(_strip_nl(scan.lines[index]))
                updated = text[:start] + new_line + text[end:]
                line = index + 1
            else:
                at = _commit_insert_index(scan, target)
                if at is not None:  # before the first canonical sub-section
                    start = scan.offsets[at]
                    updated = text[:start] + new_line + nl + nl + text[start:]
                    line = at + 1
                else:  # after the step's last non-blank line
                    last = target.end_line - 1
                    start = scan.offsets[last] + len(_strip_nl(scan.lines[last]))
                    updated = text[:start] + nl + nl + new_line + text[start:]
                    line = target.end_line + 2
            updated = refresh_index(updated)
            atomic_write(diary, updated)
        return Linked(diary=diary, step=target.label, line=line, commits=tuple(commits))
    finally:
        handle.close()


def _commit_line_index(scan: _Scan, step: DiaryStep) -> int | None:
    candidates = []
    for line_no in step.commit_lines:
        raw = _strip_nl(scan.lines[line_no - 1])
        match = _BOLD_COMMIT.match(raw) or _LIST_COMMIT.match(raw)
        if match:
            candidates.append((line_no - 1, (match.group("label") or "").strip().lower()))
    for index, label in candidates:
        if label == "code":
            return index
    return candidates[0][0] if candidates else None


def _commit_insert_index(scan: _Scan, step: DiaryStep) -> int | None:
    first_body = step.line  # 0-based index of the line after the heading
    for heading in scan.headings:
        if heading.index < first_body or heading.index >= step.end_line:
            continue
        if heading.text.lower() in _SECTION_BY_HEADING:
            return heading.index
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Renumbered:
    line: int
    old: str
    new: str


def renumber(ws: Workspace, diary: Path) -> list[Renumbered]:
    """Number the steps 1, 2, 3 … in file order; only the numbers in headings change."""
    from docmgr.fsio import atomic_write, file_lock, read_text

    with file_lock(diary):
        text = read_text(diary)
        steps = parse(text)
        changes = [Renumbered(line=s.line, old=s.label, new=str(i))
                   for i, s in enumerate(steps, start=1) if s.label != str(i)]
        if not changes:
            return []
        updated = text
        for step, new in reversed([(s, str(i)) for i, s in enumerate(steps, start=1)]):
            if step.label != new:
                updated = updated[: step.label_start] + new + updated[step.label_end :]
        updated = refresh_index(updated)
        atomic_write(diary, updated)
    return changes


# --------------------------------------------------------------------------- verify


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One audited commit reference (or a step without one)."""

    diary: str  # relative to the docs root
    step: str  # as written
    commit: str  # as written
    status: str  # one of STATUSES
    proposed: str | None = None
    match: str = ""  # "patch-id" | "subject" when proposed
    note: str = ""  # numbering problems: duplicate / missing step numbers
    line: int = 0
    path: Path | None = None

    def row(self) -> dict[str, object]:
        return {"diary": self.diary, "step": self.step, "commit": self.commit,
                "status": self.status, "proposed": self.proposed, "note": self.note}


@dataclass(frozen=True, slots=True, kw_only=True)
class Fixed:
    diary: str
    step: str
    old: str
    new: str
    line: int


@dataclass(slots=True)
class Audit:
    findings: list[Finding] = field(default_factory=list)
    fixed: list[Fixed] = field(default_factory=list)


def _numbering_notes(steps: Sequence[DiaryStep]) -> dict[int, str]:
    notes: dict[int, list[str]] = {}
    seen: dict[str, int] = {}
    for i, step in enumerate(steps):
        seen[step.label.lower()] = seen.get(step.label.lower(), 0) + 1
    for i, step in enumerate(steps):
        if seen[step.label.lower()] > 1:
            notes.setdefault(i, []).append(f"duplicate step number {step.label}")
    covered: set[int] = set()
    for step in steps:
        covered.update(range(step.number, step.last + 1))
    highest = max(covered, default=0)
    missing = [n for n in range(1, highest + 1) if n not in covered]
    for n in missing:
        after = next((i for i, s in enumerate(steps) if s.number > n), None)
        if after is not None:
            notes.setdefault(after, []).append(f"step {n} missing")
    return {i: "; ".join(v) for i, v in notes.items()}


class _Auditor:
    def __init__(self, ws: Workspace, *, rev: str, repo: str) -> None:
        self.ws = ws
        self.rev = rev
        self.repo_arg = repo
        self.handle: Repository | None = None

    def repo(self) -> Repository:
        if self.handle is None:
            self.handle = _open_repo(self.ws, self.repo_arg)
            self.handle.resolve(self.rev)  # an unknown --rev fails once, clearly
        return self.handle

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()

    def audit_text(self, text: str, *, rel: str, path: Path) -> list[_Checked]:
        steps = parse(text)
        notes = _numbering_notes(steps)
        out: list[_Checked] = []
        for i, step in enumerate(steps):
            def finding(*, commit: str, status: str, line: int, proposal: Proposal | None = None,
                        step: DiaryStep = step, note: str = notes.get(i, "")) -> Finding:
                return Finding(diary=rel, step=step.label, commit=commit, status=status,
                               proposed=proposal.commit.hash if proposal else None,
                               match=proposal.match if proposal else "", note=note, line=line,
                               path=path)

            if not step.refs:
                out.append(_Checked(finding(commit="", status="none", line=step.line)))
                continue
            for ref in step.refs:
                if ref.kind != "hash":
                    out.append(_Checked(finding(commit=ref.written, status=ref.kind,
                                                line=ref.line), ref))
                    continue
                status, proposal = self._check(ref)
                out.append(_Checked(finding(commit=ref.written, status=status, line=ref.line,
                                            proposal=proposal), ref,
                                    proposal.commit if proposal else None))
        return out

    def _check(self, ref: CommitRef) -> tuple[str, Proposal | None]:
        handle = self.repo()
        found = handle.lookup(ref.hash)
        if found is not None and handle.is_reachable(found.hash, self.rev):
            return "ok", None
        status = "missing" if found is None else "unreachable"
        return status, handle.find_rewritten(old=found, subject=ref.subject, rev=self.rev)


class _Checked:
    __slots__ = ("finding", "ref", "replacement")

    def __init__(self, finding: Finding, ref: CommitRef | None = None,
                 replacement: Commit | None = None) -> None:
        self.finding = finding
        self.ref = ref
        self.replacement = replacement


def verify(ws: Workspace, diaries: Sequence[Path], *, rev: str = "HEAD", repo: str = "",
           fix: bool = False) -> Audit:
    """Audit every step's commit: exists, reachable from ``rev``, N/A, pending or absent.

    Lost or unreachable commits get a proposal (same patch-id on ``rev``, else same
    subject). With ``fix``, proposals are written into the commit lines under the diary's
    lock and the diary is audited again, so the findings describe the repaired file.
    """
    from docmgr.fsio import atomic_write, file_lock, read_text

    auditor = _Auditor(ws, rev=rev, repo=repo)
    audit = Audit()
    try:
        for path in diaries:
            rel = ws.rel(path)
            if not fix:
                text = read_text(path)
                checked = auditor.audit_text(text, rel=rel, path=path)
                audit.findings.extend(c.finding for c in checked)
                continue
            with file_lock(path):
                text = read_text(path)
                results = auditor.audit_text(text, rel=rel, path=path)
                edits = [(c.ref, c.replacement, c.finding) for c in results
                         if c.ref is not None and c.replacement is not None]
                updated = text
                for ref, new, finding in sorted(edits, key=lambda e: e[0].start, reverse=True):
                    urls = _urls(ws, auditor.handle, [new])
                    rendered = render_commit_ref(new, url=urls.get(new.hash))
                    updated = updated[: ref.start] + rendered + updated[ref.end :]
                    audit.fixed.append(Fixed(diary=rel, step=finding.step, old=ref.written,
                                             new=new.hash, line=ref.line))
                if edits:
                    updated = refresh_index(updated)
                    atomic_write(path, updated)
                    results = auditor.audit_text(updated, rel=rel, path=path)
                audit.findings.extend(c.finding for c in results)
    finally:
        auditor.close()
    audit.fixed.reverse()
    return audit


def failing(findings: Sequence[Finding], fail_on: Iterable[str]) -> list[Finding]:
    """Select the findings whose status (or note: ``duplicate``, ``gap``) is in ``fail_on``."""
    wanted = {w.strip().lower() for w in fail_on if w.strip()}
    out = []
    for finding in findings:
        if finding.status in wanted:
            out.append(finding)
        elif "duplicate" in wanted and "duplicate" in finding.note:
            out.append(finding)
        elif "gap" in wanted and "missing" in finding.note:
            out.append(finding)
    return out
