"""The diary grammar: numbered steps, sections, commit lines and the step index; no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from docmgr.errors import DocmgrError, Param, UsageProblem
from docmgr.formats.front_matter import split
from docmgr.model import CommitRef, DiaryStep

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
# fenced code, "Step" or "step", a label (3, 2a, 3-5), then the end of the line or an
# optional separator (: . - – —) and a title. The Go tool's diaries write "## Step N: title";
# the wider rule reads hand-written diaries whose steps are "### Step N" or "## step N".
_STEP = re.compile(
    r"^(?P<hashes>#{1,3})[ \t]+[Ss]tep[ \t]+"
    r"(?P<label>(?P<num>\d+)(?P<suffix>[a-z])?(?:-(?P<last>\d+))?)(?![\w])"
    r"[ \t]*(?:[:.—–-][ \t]*)?(?P<title>.*?)(?:[ \t]+#+)?[ \t]*$"
)


BOLD_COMMIT = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?\*\*Commits?(?:[ \t]*\((?P<label>[^)]*)\))?[ \t]*(?::\*\*|\*\*[ \t]*:)"
    r"(?P<value>.*)$"
)


LIST_COMMIT = re.compile(
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
_STEP_PROBE = re.compile(r"#[ \t]+[Ss]tep[ \t]+\d")


def _step_headings(scan: Scan) -> list[tuple[int, _Heading, re.Match[str]]]:
    """(position among headings, heading, match) of every step heading outside code fences."""
    found: list[tuple[int, _Heading, re.Match[str]]] = []
    for pos, heading in enumerate(scan.headings):
        match = _STEP.match(strip_nl(scan.lines[heading.index]))
        if match:
            found.append((pos, heading, match))
    return found


def step_labels(text: str) -> list[str]:
    """The labels of the step headings (``"3"``, ``"2a"``, ``"3-5"``) in file order.

    The same rule as ``parse`` without building the steps: what doctor and the index use
    to count steps and spot duplicate numbers.
    """
    if _STEP_PROBE.search(text) is None:
        return []
    return [match.group("label") for _pos, _heading, match in _step_headings(scan_text(text))]


def parse_scan(text: str, scan: Scan) -> list[DiaryStep]:
    found = _step_headings(scan)
    steps: list[DiaryStep] = []
    for pos, heading, match in found:
        end_index = len(scan.lines)
        for later in scan.headings[pos + 1 :]:
            if later.level <= heading.level or _STEP.match(strip_nl(scan.lines[later.index])):
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


def _refs_in(scan: Scan, first: int, stop: int) -> tuple[list[CommitRef], list[int]]:
    refs: list[CommitRef] = []
    lines: list[int] = []
    in_commits_section = False
    for i in range(first, stop):
        if scan.fenced[i]:
            continue
        raw = strip_nl(scan.lines[i])
        heading = _HEADING.match(raw) if raw.startswith("#") else None
        if heading:
            in_commits_section = bool(_COMMITS_SECTION.match((heading.group(2) or "").strip()))
            continue
        if "ommit" not in raw and not in_commits_section:
            continue
        match = BOLD_COMMIT.match(raw) or LIST_COMMIT.match(raw)
        if match:
            lines.append(i + 1)
            refs.extend(
                _parse_value(
                    raw,
                    match.start("value"),
                    scan.offsets[i],
                    i + 1,
                    (match.group("label") or "").strip().lower(),
                )
            )
            continue
        if in_commits_section:
            item = _LIST_ITEM.match(raw)
            if item:
                found = _parse_value(
                    raw, item.start("value"), scan.offsets[i], i + 1, "code", plain_subject=True
                )
                if found and found[0].kind == "hash":
                    lines.append(i + 1)
                    refs.extend(found)
    return refs, lines


def _parse_value(
    raw: str,
    value_at: int,
    line_offset: int,
    line_no: int,
    label: str,
    *,
    plain_subject: bool = False,
) -> list[CommitRef]:
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
        subject = next(
            (match.group(g) for g in ("dq", "dq2", "bq", "pq") if match.group(g) is not None), ""
        )
        end = match.end()
        if plain_subject and not subject:
            tail = _PLAIN_SUBJECT.match(value[end:])
            if tail:
                subject = tail.group("subject")
                end = len(value)
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
    return StepDraft(
        title=_one_line_title(title),
        intro=intro.strip(),
        prompt_context="\n\n".join(context),
        sections=sections,
    )


def _one_line_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise UsageProblem("step title is empty", ("pass ", Param("title", '"What this step did"')))
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
            lines[0],
        )
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
        elif (
            fence is not None
            and fmatch
            and fmatch.group(1)[0] == fence[0]
            and not fmatch.group(2).strip()
        ):
            fence = None
        section = re.match(r"^###[ \t]+(.+?)[ \t]*$", line) if fence is None else None
        if section:
            chunks.append((section.group(1), []))
        else:
            chunks[-1][1].append(line)
    intro_lines: list[str] = []
    commit_text = ""
    for line in chunks[0][1]:
        match = BOLD_COMMIT.match(line)
        if match and not commit_text:
            commit_text = match.group("value").strip()
        else:
            intro_lines.append(line)
    sections: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    context = ""
    for heading, content in chunks[1:]:
        text = "\n".join(content).strip("\n").rstrip()
        key = SECTION_BY_HEADING.get(heading.strip().lower())
        if heading.strip().lower() == "prompt context":
            kept = []
            for line in text.split("\n"):
                match = BOLD_COMMIT.match(line)
                if match and not commit_text:
                    commit_text = match.group("value").strip()
                else:
                    kept.append(line)
            context = "\n".join(kept).strip()
        elif key is not None:
            sections[key] = text if text.strip() not in ("", "N/A") else ""
        else:
            extra.append((heading.strip(), text))
    return StepDraft(
        title=_one_line_title(title),
        intro="\n".join(intro_lines).strip(),
        prompt_context=context,
        sections=tuple((key, sections.get(key, "")) for key, _ in SECTIONS),
        extra=tuple(extra),
        commit_text=commit_text,
    )


def skeleton(draft: StepDraft, *, with_commit_line: bool) -> str:
    """Render a prefilled step for ``--edit`` (the number is assigned when it is written)."""
    filled = (
        draft
        if draft.intro
        else replace(
            draft, intro="<!-- One or two paragraphs: what this step did and what it unlocked. -->"
        )
    )
    commit = "N/A" if with_commit_line else None
    return render_step(number=0, draft=filled, commit_value=commit).replace(
        "## Step 0:", "## Step N:", 1
    )


def render_commit_ref(commit: Commit, *, url: str | None = None) -> str:
    """Render ``<hash> — "<subject>"`` (the hash becomes a link when ``url`` is given)."""
    shown = f"[{commit.hash}]({url})" if url else commit.hash
    return f'{shown} — "{commit.subject}"'


def commit_value(commits: Sequence[Commit], *, urls: dict[str, str] | None = None) -> str:
    """Render the value of a ``**Commit (code):**`` line: refs joined with ``; ``, or ``N/A``."""
    if not commits:
        return "N/A"
    return "; ".join(render_commit_ref(c, url=(urls or {}).get(c.hash)) for c in commits)


def render_step(*, number: int, draft: StepDraft, commit_value: str | None, level: int = 2) -> str:
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
    nl = newline_of(text)
    block = block.replace("\n", nl) if nl != "\n" else block
    pos = steps[-1].end if steps else len(text)
    head, tail = text[:pos], text[pos:]
    if not tail:
        fence = scan_text(text).open_fence
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
