"""Every commit-line variant found in real diaries is read exactly (one test per variant).

The fixtures are small synthetic diaries; the last test reads every diary of the Go tool's
real workspace and checks that no commit-looking hash in a step's commit area is dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docmgr.formats import diary as diary_format
from docmgr.model import CommitRef

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "docmgr-ttmp" / "ttmp"

A = "4bfd56288b02b68d336f98641e1e067958dcd9ca"
B = "0f820401c0ffee15deadbeef0123456789abcdef"
C = "87886a0"


def refs_of(body: str, *, heading: str = "## Step 1: Work") -> list[CommitRef]:
    """Parse one step whose body is ``body``; return its commit references."""
    steps = diary_format.parse(f"# Diary\n\n{heading}\n\nProse.\n\n{body}\n\n### What I did\n- x\n")
    assert len(steps) == 1
    return list(steps[0].refs)


def hashes(refs: list[CommitRef]) -> list[str]:
    return [r.hash for r in refs if r.kind == "hash"]


def subjects(refs: list[CommitRef]) -> list[str]:
    return [r.subject for r in refs if r.kind == "hash"]


def test_label_followed_by_a_bullet_list() -> None:
    refs = refs_of(f'**Commit (code):**\n- {A} — "First change"\n- `{B}` — "Second change"')
    assert hashes(refs) == [A, B]
    assert subjects(refs) == ["First change", "Second change"]
    assert {r.label for r in refs} == {"code"}


def test_label_then_blank_line_then_a_numbered_list() -> None:
    refs = refs_of(f"**Commits (code):**\n\n1. {A[:7]} — First change\n2. {B[:9]} Second change")
    assert hashes(refs) == [A[:7], B[:9]]
    assert subjects(refs)[0] == "First change"


def test_label_list_with_continuation_lines_and_a_pending_item() -> None:
    refs = refs_of(f"**Commit (code):**\n- {A}\n  (the API part)\n- pending — the docs part")
    assert [r.kind for r in refs] == ["hash", "pending"]


def test_several_hashes_separated_by_commas_and_and() -> None:
    assert hashes(refs_of(f"**Commit (code):** {A[:7]}, {B[:7]} and {C}")) == [
        A[:7],
        B[:7],
        C,
    ]


def test_several_hashes_with_quoted_subjects_separated_by_commas() -> None:
    refs = refs_of(f'**Commit (code):** {A[:7]} — "One, two", {B[:7]} — "Three"')
    assert hashes(refs) == [A[:7], B[:7]]
    assert subjects(refs) == ["One, two", "Three"]


def test_several_hashes_with_parenthesised_subjects() -> None:
    refs = refs_of(f'- Commit: `{A[:7]}` ("Add schema"), `{B[:7]}` ("Wire it")')
    assert subjects(refs) == ["Add schema", "Wire it"]


def test_several_hashes_with_plain_subjects_separated_by_semicolons() -> None:
    refs = refs_of(f"**Commit (code):** {A[:7]} — Add schema; {B[:7]} — Wire it")
    assert hashes(refs) == [A[:7], B[:7]]
    assert subjects(refs) == ["Add schema", "Wire it"]


def test_a_hash_inside_a_plain_subject_is_part_of_the_subject() -> None:
    refs = refs_of(f"**Commit (code):** {A[:7]} — Revert {B[:7]}")
    assert hashes(refs) == [A[:7]] and subjects(refs) == [f"Revert {B[:7]}"]


@pytest.mark.parametrize(
    "line",
    [
        f"**Commits:** {A[:7]}, {B[:7]}",
        f"**Commits (code):** {A[:7]}; {B[:7]}",
        f"**Commits**: {A[:7]} {B[:7]}",
        f"- Commits: {A[:7]}, {B[:7]}",
        f"Commits: {A[:7]}, {B[:7]}",
        f"__Commits:__ {A[:7]}, {B[:7]}",
        f"- **Commits:** {A[:7]}, {B[:7]}",
    ],
)
def test_commits_forms(line: str) -> None:
    assert hashes(refs_of(line)) == [A[:7], B[:7]]


@pytest.mark.parametrize(
    "line",
    [
        f'**Commit (code):** `{A}` — "Subject"',
        f'**Commit (code):** [{A[:7]}](https://github.com/o/r/commit/{A}) — "Subject"',
        f'**Commit (code):** [`{A[:7]}`](https://github.com/o/r/commit/{A}) — "Subject"',
        f'**Commit (code):** [commit](https://github.com/o/r/commit/{A[:7]}) — "Subject"',
        f'**Commit (code):** https://gitlab.com/o/r/-/commit/{A[:7]} — "Subject"',
        f'**Commit (code):** <https://github.com/o/r/commit/{A[:7]}> — "Subject"',
        f"**Commit (code):** {A[:7]} — “Subject”",
        f"**Commit (code):** {A[:7]} — `Subject`",
    ],
)
def test_backticked_and_linked_hashes(line: str) -> None:
    refs = refs_of(line)
    assert len(hashes(refs)) == 1 and A.startswith(hashes(refs)[0])
    assert subjects(refs) == ["Subject"]


@pytest.mark.parametrize("sep", ["..", "..."])
def test_a_range_of_commits_names_both_ends(sep: str) -> None:
    assert hashes(refs_of(f"**Commit (code):** `{A[:7]}{sep}{B[:7]}`")) == [A[:7], B[:7]]
    assert hashes(refs_of(f"**Commit (code):** {A[:7]}{sep}{B[:7]}")) == [A[:7], B[:7]]


@pytest.mark.parametrize(
    ("heading", "label", "last"),
    [
        ("## Step 3-5: Three steps at once", "3-5", 5),
        ("## Steps 3–5: Three steps at once", "3–5", 5),
        ("## Steps 3-5 — Three steps at once", "3-5", 5),
    ],
)
def test_a_range_of_steps_with_one_commit_per_step(heading: str, label: str, last: int) -> None:
    body = f"**Commits:**\n- Step 3: {A[:7]}\n- Step 4: {B[:7]}\n- Step 5: {C}"
    text = f"# Diary\n\n{heading}\n\n{body}\n"
    (step,) = diary_format.parse(text)
    assert (step.label, step.number, step.last) == (label, 3, last)
    assert step.title == "Three steps at once"
    assert hashes(list(step.refs)) == [A[:7], B[:7], C]
    assert diary_format.next_number([step]) == last + 1


@pytest.mark.parametrize("heading", ["### Commits", "### Commits (code)", "### Git commit"])
def test_commit_sections_with_a_list(heading: str) -> None:
    refs = refs_of(f"{heading}\n- `{A[:7]}` — First change\n- {B} — Second change")
    assert hashes(refs) == [A[:7], B]
    assert subjects(refs) == ["First change", "Second change"]


def test_a_prefixed_label_with_a_hash_is_a_commit_line() -> None:
    assert hashes(refs_of(f"- Code migration commit: `{A}`")) == [A]
    assert hashes(refs_of(f"**Docs commit:** {A[:7]}")) == [A[:7]]


def test_a_prefixed_label_without_a_hash_is_prose() -> None:
    refs = refs_of(f"**Commit (code):** {A[:7]}\n\n- Validation before commit: `go test ./...`")
    assert [r.kind for r in refs] == ["hash"]


def test_a_hash_in_a_file_name_or_a_path_is_not_a_commit() -> None:
    refs = refs_of(f"**Commit (code):** {A[:7]} (see build/{B[:7]} and v1.{C})")
    assert hashes(refs) == [A[:7]]


def test_link_step_replaces_the_whole_list_under_a_bare_label() -> None:
    text = (
        f"# Diary\n\n## Step 1: Work\n\n**Commit (code):**\n- {A[:7]} — x\n- {B[:7]} — y\n"
        "\n### What I did\n- z\n"
    )
    scan = diary_format.scan_text(text)
    (step,) = diary_format.parse_scan(text, scan)
    index = step.commit_lines[0] - 1
    assert diary_format.commit_block_end(scan, index) == index + 3


# --------------------------------------------------------------------------- the real diaries

_HEX = re.compile(r"(?<![\w/-])[0-9a-f]{7,40}(?![\w])")
_LABELLED = re.compile(r"(?i)\bcommits?\b[^:\n]{0,30}:")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def _commit_area(lines: list[str], first: int, stop: int, fenced: list[bool]) -> list[int]:
    """Independent of the parser: label lines whose label comes before any hash, the list
    under a label that names no hash, and the lines of a "Commits"/"Git commit" section."""
    out: list[int] = []
    in_section = False
    i = first
    while i < stop:
        raw = lines[i].rstrip("\n")
        if fenced[i]:
            i += 1
            continue
        if raw.startswith("#"):
            title = raw.lstrip("#").strip().lower()
            in_section = bool(re.match(r"(git\s+)?commits?\b", title))
            i += 1
            continue
        if in_section:
            out.append(i)
            i += 1
            continue
        label = _LABELLED.search(raw)
        first_hex = _HEX.search(raw)
        starts = re.match(r"^\s*(?:[-*+]\s+|\d+[.)]\s+)?(?:\*\*|__)?commits?\b", raw, re.I)
        if label and starts and (not first_hex or label.start() < first_hex.start()):
            out.append(i)
            if not _HEX.search(raw[label.end() :]):
                j = i + 1
                if j < stop and not lines[j].strip():
                    j += 1
                while j < stop and (
                    _ITEM.match(lines[j]) or lines[j][:1] in " \t" and lines[j].strip()
                ):
                    out.append(j)
                    j += 1
        i += 1
    return out


def _looks_like_hash(token: str) -> bool:
    return bool(re.search(r"[a-f]", token) and re.search(r"[0-9]", token))


def test_every_real_diary_keeps_every_commit_in_its_commit_area() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the Go tool's workspace is not here: {CORPUS}")
    diaries = sorted(p for p in CORPUS.rglob("*.md") if "diary" in p.name.lower())
    assert diaries
    checked = 0
    for path in diaries:
        text = path.read_text(encoding="utf-8")
        scan = diary_format.scan_text(text)
        for step in diary_format.parse_scan(text, scan):
            cited = [r.hash for r in step.refs if r.kind == "hash"]
            said = " ".join(r.subject for r in step.refs)
            for index in _commit_area(scan.lines, step.line, step.end_line, scan.fenced):
                for token in _HEX.findall(scan.lines[index]):
                    if not _looks_like_hash(token) or token in said:
                        continue
                    checked += 1
                    assert token in cited, (
                        f"{path.relative_to(CORPUS)} step {step.label} line {index + 1}: "
                        f"{token} dropped from {scan.lines[index].strip()!r}"
                    )
    assert checked > 50
