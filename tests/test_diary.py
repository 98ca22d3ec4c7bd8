"""Diary library: heading and commit-line variants, rendering (golden files), index, insertion.

Regenerate the golden files on purpose with
``DOCMGR_UPDATE_GOLDENS=1 python -m pytest tests/test_diary.py`` and review every diff.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from docmgr.formats import diary as diary_format
from docmgr.reports import diary_verify
from docmgr.seams.gitlink import Commit, commit_url_for

GOLDEN = Path(__file__).parent / "golden" / "test_diary"
HASH_A = "4bfd56288b02b68d336f98641e1e067958dcd9ca"
HASH_B = "0f820401c0ffee15deadbeef0123456789abcdef"


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("DOCMGR_UPDATE_GOLDENS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
    assert path.is_file(), f"golden file missing: {path} (run with DOCMGR_UPDATE_GOLDENS=1)"
    assert actual == path.read_text(encoding="utf-8"), f"rendering differs from {path}"


VARIANTS = """\
---
Title: Diary
---

# Diary

## Goal

Variants.

## Step 1: Colon form

text

## Step 2 - Hyphen form

## Step 2a: Lettered step

### Step 4: Third-level heading

## Step 5 — Em dash form

## Step 6 – En dash form

## Step 7-9: A range

```markdown
## Step 99: inside a fence
```

~~~
## Step 98: inside a tilde fence
~~~

## Step N: [Descriptive Step Name]

## Step-by-Step Guide

### Step structure

## Step 10

# Step 11: level one counts too
"""


def test_every_heading_variant_is_a_step() -> None:
    steps = diary_format.parse(VARIANTS)
    assert [(s.label, s.title, s.level) for s in steps] == [
        ("1", "Colon form", 2),
        ("2", "Hyphen form", 2),
        ("2a", "Lettered step", 2),
        ("4", "Third-level heading", 3),
        ("5", "Em dash form", 2),
        ("6", "En dash form", 2),
        ("7-9", "A range", 2),
        ("10", "", 2),
        ("11", "level one counts too", 1),
    ]
    assert diary_format.next_number(steps) == 12
    assert [s.number for s in steps][:3] == [1, 2, 2]
    assert steps[6].last == 9


def test_step_sections_end_at_the_next_step_or_a_higher_heading() -> None:
    text = "# D\n\n## Step 1: a\n\nx\n\n### What I did\n- y\n\n## Notes\n\nz\n"
    (step,) = diary_format.parse(text)
    assert text[step.start : step.end] == "## Step 1: a\n\nx\n\n### What I did\n- y\n\n"
    assert (step.line, step.end_line) == (3, 8)


COMMIT_LINES = """\
## Step 1: plain
**Commit (code):** 8692e86 — "CLI: refresh help examples"

## Step 2: backticks, hyphen
**Commit (code):** `f61606c` - "Cleanup: migrate status to QueryDocs"

## Step 3: several lines and labels
**Commit (code):** 8be000a — "UI: add global toast system"  
**Commit (docs):** fc60503 — "UI: use ToastHost in doc/file viewers"

## Step 4: bare bold
**Commit**: `5f1681b1f3ac5ed7ffa36fb4b2357b54ebaf6695`

## Step 5: list item with parenthesised subject
- Commit: `5b72f4ec08faad89c1219030daf4c96ca5456db0` (":sparkles: Add initial sqlite_schema")

## Step 6: not applicable
**Commit (code):** N/A — this step created documentation only.

## Step 7: pending
**Commit (code):** pending — this step will be committed after validation.

## Step 8: pending in a list
- Commit: (pending — waiting for the task checkpoint commit hash)

## Step 9: placeholder
**Commit (code):** <hash> — "Build: run atlas via go run"

## Step 10: nothing at all

## Step 11: joined, one a link
@JOINED@

## Step 12: a Commits section
### Commits (code)
- d889527 — Skills: show ticket title for ticket-scoped skills
- e6bd5a7 — Skill show: hide non-active ticket skills by default

### What worked
- 1234567 is not a commit here
""".replace(
    "@JOINED@",
    f'**Commit (code):** {HASH_A} — "Add b; and c"; '
    f'[{HASH_B}](https://github.com/o/r/commit/{HASH_B}) — "Say "hi""',
)


def test_every_commit_line_variant() -> None:
    steps = {s.label: s for s in diary_format.parse(COMMIT_LINES)}
    refs = {k: [(r.kind, r.hash, r.subject, r.label) for r in s.refs] for k, s in steps.items()}
    assert refs["1"] == [("hash", "8692e86", "CLI: refresh help examples", "code")]
    assert refs["2"] == [("hash", "f61606c", "Cleanup: migrate status to QueryDocs", "code")]
    assert refs["3"] == [
        ("hash", "8be000a", "UI: add global toast system", "code"),
        ("hash", "fc60503", "UI: use ToastHost in doc/file viewers", "docs"),
    ]
    assert refs["4"] == [("hash", "5f1681b1f3ac5ed7ffa36fb4b2357b54ebaf6695", "", "")]
    assert refs["5"] == [
        (
            "hash",
            "5b72f4ec08faad89c1219030daf4c96ca5456db0",
            ":sparkles: Add initial sqlite_schema",
            "",
        )
    ]
    assert [r[0] for r in refs["6"]] == ["na"]
    assert [r[0] for r in refs["7"]] == ["pending"]
    assert [r[0] for r in refs["8"]] == ["pending"]
    assert [r[0] for r in refs["9"]] == ["none"]
    assert refs["10"] == []
    assert refs["11"] == [
        ("hash", HASH_A, "Add b; and c", "code"),
        ("hash", HASH_B, 'Say "hi"', "code"),
    ]
    assert refs["12"] == [
        ("hash", "d889527", "Skills: show ticket title for ticket-scoped skills", "code"),
        ("hash", "e6bd5a7", "Skill show: hide non-active ticket skills by default", "code"),
    ]
    line = COMMIT_LINES.splitlines()[steps["6"].refs[0].line - 1]
    assert line.startswith("**Commit (code):** N/A")
    assert steps["7"].refs[0].written == "pending — this step will be committed after validation."


def test_reference_spans_cover_hash_and_subject() -> None:
    steps = diary_format.parse(COMMIT_LINES)
    first = steps[0].refs[0]
    assert COMMIT_LINES[first.start : first.end] == '8692e86 — "CLI: refresh help examples"'


# --------------------------------------------------------------------------- rendering (golden)


def full_draft() -> diary_format.StepDraft:
    return diary_format.draft_from_options(
        title="Add daemon API e2e tests",
        intro="Covered the start and stop endpoints end to end.\n\nThe suite now runs in CI.",
        prompt="Expand the e2e coverage of the daemon API.",
        interpretation="Write e2e tests for every endpoint.",
        intent="Catch API regressions before release.",
        entries={
            "did": ["Added tests/e2e/test_daemon.py", "Wired the suite into CI"],
            "why": ["The API had no e2e coverage"],
            "didnt_work": ["First run timed out:\n`pytest -x` hung on /v1/exec"],
            "technical": ["Run with `make e2e`"],
        },
    )


def test_golden_minimal_step() -> None:
    draft = diary_format.draft_from_options(title="Ticket setup")
    check_golden("minimal.md", diary_format.render_step(number=1, draft=draft, commit_value="N/A"))


def test_golden_full_step() -> None:
    value = diary_format.commit_value([Commit(hash=HASH_A, subject="Add daemon API e2e tests")])
    check_golden(
        "full.md", diary_format.render_step(number=2, draft=full_draft(), commit_value=value)
    )


def test_golden_two_commits_one_linked() -> None:
    commits = [Commit(hash=HASH_A, subject="First"), Commit(hash=HASH_B, subject="Second")]
    value = diary_format.commit_value(
        commits, urls={HASH_B: f"https://github.com/o/r/commit/{HASH_B}"}
    )
    draft = diary_format.draft_from_options(title="Two commits", entries={"did": ["Both"]})
    check_golden(
        "two-commits.md", diary_format.render_step(number=3, draft=draft, commit_value=value)
    )


FROM_FILE = """\
## Step 9: Title from the body

Opening prose.

**Commit (code):** pending — after review

### What I did
- wrote it

### Why

N/A

### What I'd do differently next time
- start earlier

### Technical details
```bash
### not a heading
```
"""


def test_golden_step_from_markdown() -> None:
    draft = diary_format.draft_from_markdown(FROM_FILE)
    assert draft.title == "Title from the body"
    assert draft.commit_text == "pending — after review"
    rendered = diary_format.render_step(number=4, draft=draft, commit_value=draft.commit_text)
    check_golden("from-markdown.md", rendered)


def test_rendered_step_parses_back() -> None:
    value = diary_format.commit_value([Commit(hash=HASH_A, subject='Quote "inside"; and more')])
    text = "# Diary\n\n" + diary_format.render_step(
        number=7, draft=full_draft(), commit_value=value
    )
    (step,) = diary_format.parse(text)
    assert (step.label, step.title) == ("7", "Add daemon API e2e tests")
    assert [(r.hash, r.subject) for r in step.refs] == [(HASH_A, 'Quote "inside"; and more')]
    headings = re.findall(r"^### (.+)$", text, flags=re.M)
    assert headings[1:] == [h for _, h in diary_format.SECTIONS]


titles = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="#"),
    min_size=1,
    max_size=40,
).filter(lambda t: t.strip())
subjects = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\n\r"
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(
    number=st.integers(min_value=1, max_value=999),
    title=titles,
    subject=subjects,
    hashes=st.lists(
        st.text(alphabet="0123456789abcdef", min_size=40, max_size=40),
        min_size=0,
        max_size=3,
        unique=True,
    ),
)
def test_render_parse_round_trip(number: int, title: str, subject: str, hashes: list[str]) -> None:
    draft = diary_format.draft_from_options(title=title)
    commits = [Commit(hash=h, subject=subject.strip()) for h in hashes]
    text = "# Diary\n\n" + diary_format.render_step(
        number=number, draft=draft, commit_value=diary_format.commit_value(commits)
    )
    (step,) = diary_format.parse(text)
    assert step.number == number
    assert step.title == " ".join(title.split())
    if hashes:
        assert [r.hash for r in step.refs] == hashes
    else:
        assert [r.kind for r in step.refs] == ["na"]


# --------------------------------------------------------------------------- insertion and index


def test_insert_keeps_every_other_byte_and_goes_after_the_last_step() -> None:
    text = "---\nTitle: D\n---\n\n# Diary\n\n## Step 1: a\n\nbody\n\n\n## Notes\n\nkeep me\n"
    steps = diary_format.parse(text)
    updated, at = diary_format.insert_step(text, "## Step 2: b\n\nnew\n", steps=steps)
    assert updated == (
        "---\nTitle: D\n---\n\n# Diary\n\n## Step 1: a\n\nbody\n\n\n"
        "## Step 2: b\n\nnew\n\n## Notes\n\nkeep me\n"
    )
    assert updated[at:].startswith("## Step 2: b")


def test_insert_into_a_file_without_final_newline_and_crlf() -> None:
    updated, _ = diary_format.insert_step("# Diary", "## Step 1: a\n", steps=[])
    assert updated == "# Diary\n\n## Step 1: a\n"
    crlf = "# Diary\r\n\r\n## Step 1: a\r\n\r\nx\r\n"
    updated, _ = diary_format.insert_step(
        crlf, "## Step 2: b\n\ny\n", steps=diary_format.parse(crlf)
    )
    assert updated == crlf + "\r\n## Step 2: b\r\n\r\ny\r\n"


def test_insert_never_goes_into_a_code_block_left_open() -> None:
    text = "# Diary\n\n## Step 1: a\n\n```bash\nmake test\n"
    steps = diary_format.parse(text)
    expected = text + "```\n\n## Step 2: b\n"
    scan = diary_format.scan_text(text)
    for passed in (None, scan):  # the caller's scan of the text, or none
        updated, _ = diary_format.insert_step(text, "## Step 2: b\n", steps=steps, scan=passed)
        assert updated == expected
    assert [step.number for step in diary_format.parse(expected)] == [1, 2]


def test_a_diary_without_index_markers_comes_back_as_it_was() -> None:
    text = "# Diary\n\n## Step 1: a\n\n<!-- docmgr:steps --> inline, not a marker line\n"
    assert diary_format.refresh_index(text) is text
    assert diary_format.refresh_index("# Diary\n\n## Step 1: a\n") == "# Diary\n\n## Step 1: a\n"


def test_index_between_markers_only() -> None:
    body = (
        "# Diary\n\n## Goal\n\nG\n\n"
        "<!-- docmgr:steps -->\nstale line\n<!-- /docmgr:steps -->\n\n"
        "## Step 1: Set up — and go\n**Commit (code):** N/A\n\n### What I did\n- x\n\n"
        f'## Step 2: Build\n**Commit (code):** {HASH_A} — "b"\n\n### What I did\n- y\n\n'
        "## Step 3: Build\n**Commit (code):** pending\n"
    )
    refreshed = diary_format.refresh_index(body)
    assert refreshed.split("<!-- docmgr:steps -->\n", 1)[1].split("<!-- /", 1)[0] == (
        "- [Step 1: Set up — and go](#step-1-set-up--and-go) — N/A\n"
        "- [Step 2: Build](#step-2-build) — `4bfd562`\n"
        "- [Step 3: Build](#step-3-build) — pending\n"
    )
    assert (
        refreshed.replace(
            refreshed.split("<!-- docmgr:steps -->\n", 1)[1].split("<!-- /")[0], "stale line\n"
        )
        == body
    )
    no_markers = body.replace("<!-- docmgr:steps -->\n", "")
    assert diary_format.refresh_index(no_markers) == no_markers


def test_github_anchors() -> None:
    assert (
        diary_format.github_anchor("Step 5 — Em dash: `code` & more!")
        == "step-5--em-dash-code--more"
    )
    assert diary_format.github_anchor("Step 2a: Use snake_case") == "step-2a-use-snake_case"


def test_numbering_notes_report_duplicates_and_gaps() -> None:
    text = "## Step 1: a\n\n## Step 2: b\n\n## Step 2: c\n\n## Step 5: d\n"
    notes = diary_verify._numbering_notes(diary_format.parse(text))
    assert notes == {
        1: "duplicate step number 2",
        2: "duplicate step number 2",
        3: "step 3 missing; step 4 missing",
    }


def test_commit_urls_for_github_and_gitlab() -> None:
    h = HASH_A
    assert (
        commit_url_for("git@github.com:go-go-golems/docmgr.git", h)
        == f"https://github.com/go-go-golems/docmgr/commit/{h}"
    )
    assert (
        commit_url_for("https://github.com/go-go-golems/docmgr", h)
        == f"https://github.com/go-go-golems/docmgr/commit/{h}"
    )
    assert (
        commit_url_for("ssh://git@gitlab.com:2222/group/sub/proj.git", h)
        == f"https://gitlab.com/group/sub/proj/-/commit/{h}"
    )
    assert (
        commit_url_for("https://gitlab.example.org/a/b.git", h)
        == f"https://gitlab.example.org/a/b/-/commit/{h}"
    )
    assert commit_url_for("/srv/git/repo.git", h) is None


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_title_is_a_usage_problem(value: str) -> None:
    from docmgr.errors import UsageProblem

    with pytest.raises(UsageProblem):
        diary_format.draft_from_options(title=value)


line_kinds = st.sampled_from(
    [
        "## Step {n}: t{n}",
        "### What I did",
        "- item",
        "",
        "prose",
        "```",
        "## Notes",
        "**Commit (code):** N/A",
        "# Title",
    ]
)


@settings(max_examples=80, deadline=None)
@given(
    lines=st.lists(st.tuples(line_kinds, st.integers(min_value=1, max_value=30)), max_size=25),
    final_newline=st.booleans(),
    crlf=st.booleans(),
)
def test_insert_only_adds_bytes(
    lines: list[tuple[str, int]], final_newline: bool, crlf: bool
) -> None:
    nl = "\r\n" if crlf else "\n"
    text = nl.join(kind.format(n=n) for kind, n in lines) + (nl if final_newline and lines else "")
    steps = diary_format.parse(text)
    number = diary_format.next_number(steps)
    block = diary_format.render_step(
        number=number, draft=diary_format.draft_from_options(title="new"), commit_value="N/A"
    )
    updated, at = diary_format.insert_step(text, block, steps=steps)
    pos = steps[-1].end if steps else len(text)
    assert updated.startswith(text[:pos]) and updated.endswith(text[pos:])
    assert updated[at:].startswith(f"## Step {number}: new")
    after = diary_format.parse(updated)
    labels = [s.label for s in after]
    assert labels.count(str(number)) == 1 + [s.label for s in steps].count(str(number))
    assert str(number) in labels


def test_golden_whole_diary_after_two_steps(invoke: Callable[..., Result], tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / ".git").mkdir()
    invoke(["init"], cwd=work)
    invoke(
        [
            "ticket",
            "create",
            "--ticket",
            "VM-004-EXPAND-E2E-COVERAGE",
            "--title",
            "Expand e2e coverage",
            "--topics",
            "backend",
        ],
        cwd=work,
    )
    out = invoke(
        [
            "diary",
            "create",
            "--ticket",
            "VM-004",
            "--goal",
            "Track the e2e work.",
            "--output",
            "json",
        ],
        cwd=work,
    )
    path = Path(json.loads(out.stdout)[0]["path"])
    invoke(
        [
            "diary",
            "step",
            "add",
            "--ticket",
            "VM-004",
            "--title",
            "Ticket setup",
            "--intro",
            "Created the ticket and this diary.",
            "--did",
            "Ran docmgr ticket create",
        ],
        cwd=work,
    )
    invoke(
        [
            "diary",
            "step",
            "add",
            "--ticket",
            "VM-004",
            "--title",
            "Plan — the matrix",
            "--prompt",
            "(same as Step 1)",
            "--why",
            "Coverage gaps",
        ],
        cwd=work,
    )
    check_golden("whole-diary.md", path.read_text(encoding="utf-8"))
