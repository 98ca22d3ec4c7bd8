"""The three-way merges of diaries, tasks.md and changelog.md (text in, text out)."""

from __future__ import annotations

from datetime import UTC, datetime

from docmgr.formats import diary as diary_format
from docmgr.formats import merge
from docmgr.formats import tasks as tasks_format

HEAD = """\
---
Title: Diary
Ticket: T-1
RelatedFiles: []
LastUpdated: 2026-02-01T10:00:00Z
---

# Diary

## Goal

Goal.

<!-- docmgr:steps -->
- [Step 1: Setup](#step-1-setup) — N/A
<!-- /docmgr:steps -->

## Step 1: Setup

**Date:** 2026-02-01 10:00 +00:00

**Commit (code):** N/A

### What I did
- setup
"""


def with_step(text: str, number: int, title: str, day: int, commit: str, *, when: str) -> str:
    related = text.replace(
        "RelatedFiles: []",
        f"RelatedFiles:\n    - Path: repo://{title}.go\n"
        f"      Note: Step {number} (commit {commit[:7]})",
    ).replace("LastUpdated: 2026-02-01T10:00:00Z", f"LastUpdated: 2026-02-0{day}T10:00:00Z")
    step = (
        f"\n## Step {number}: {title}\n\n**Date:** {when}\n\n"
        f'**Commit (code):** {commit} — "{title}"\n\n### What I did\n- {title}\n'
    )
    return diary_format.refresh_index(related + step)


A = "a" * 40
B = "b" * 40


def test_steps_added_on_both_sides_are_kept_in_date_order_and_numbered_once() -> None:
    ours = with_step(HEAD, 2, "Ours", 5, A, when="2026-02-05 10:00 +00:00")
    theirs = with_step(HEAD, 2, "Theirs", 3, B, when="2026-02-03 10:00 +00:00")
    result = merge.merge_diary(HEAD, ours, theirs)
    assert result.conflicts == 0
    steps = diary_format.parse(result.text)
    assert [(s.label, s.title) for s in steps] == [("1", "Setup"), ("2", "Theirs"), ("3", "Ours")]
    assert "LastUpdated: 2026-02-05T10:00:00Z" in result.text
    assert "Note: Step 3 (commit aaaaaaa)" in result.text
    assert "Note: Step 2 (commit bbbbbbb)" in result.text
    assert "- [Step 3: Ours](#step-3-ours) — `aaaaaaa`" in result.text
    assert "<<<<<<<" not in result.text


def test_commit_dates_win_over_the_stamp() -> None:
    ours = with_step(HEAD, 2, "Ours", 5, A, when="2026-02-05 10:00 +00:00")
    theirs = with_step(HEAD, 2, "Theirs", 3, B, when="2026-02-03 10:00 +00:00")
    dates = {
        A: datetime(2026, 1, 1, tzinfo=UTC),
        B: datetime(2026, 1, 2, tzinfo=UTC),
    }
    result = merge.merge_diary(HEAD, ours, theirs, date_of=lambda s, _t: dates[s.commits[0].hash])
    titles = [s.title for s in diary_format.parse(result.text)]
    assert titles == ["Setup", "Ours", "Theirs"]


def test_a_conflicting_edit_of_the_same_line_still_conflicts() -> None:
    ours = HEAD.replace("- setup\n", "- setup, ours\n")
    theirs = HEAD.replace("- setup\n", "- setup, theirs\n")
    result = merge.merge_diary(HEAD, ours, theirs)
    assert result.conflicts == 1
    assert "<<<<<<< ours\n- setup, ours\n=======\n- setup, theirs\n>>>>>>> theirs\n" in result.text


def test_one_side_only_is_taken_as_is() -> None:
    ours = with_step(HEAD, 2, "Ours", 5, A, when="2026-02-05 10:00 +00:00")
    assert merge.merge_diary(HEAD, ours, HEAD).text == ours
    assert merge.merge_diary(HEAD, HEAD, ours).text == ours


def test_tasks_keep_their_ids_and_a_colliding_id_is_renewed() -> None:
    base = "# Tasks\n\n## TODO\n\n- [ ] one <!-- t:aaaa -->\n"
    ours = base.replace("- [ ] one", "- [x] one") + "- [ ] two <!-- t:bbbb -->\n"
    theirs = base + "- [ ] three <!-- t:bbbb -->\n- [ ] four <!-- t:dddd -->\n"
    result = merge.merge_tasks(base, ours, theirs)
    assert result.conflicts == 0
    tasks = tasks_format.parse(result.text)
    assert [(t.text, t.checked) for t in tasks] == [
        ("one", True),
        ("two", False),
        ("three", False),
        ("four", False),
    ]
    ids = [t.stable_id for t in tasks]
    assert ids[:2] == ["aaaa", "bbbb"] and ids[3] == "dddd"
    assert ids[2] not in ("aaaa", "bbbb", "dddd") and len(set(ids)) == 4


def test_tasks_in_an_empty_list_and_in_sections() -> None:
    base = "# Tasks\n\n## TODO\n\n## Later\n\n- [ ] l <!-- t:llll -->\n"
    ours = base.replace("## TODO\n\n", "## TODO\n\n- [ ] a <!-- t:aaaa -->\n\n")
    theirs = (
        base.replace("## TODO\n\n", "## TODO\n\n- [ ] b <!-- t:bbbb -->\n\n")
        + "- [ ] m <!-- t:mmmm -->\n"
    )
    result = merge.merge_tasks(base, ours, theirs)
    assert result.text == (
        "# Tasks\n\n## TODO\n\n- [ ] a <!-- t:aaaa -->\n- [ ] b <!-- t:bbbb -->\n\n"
        "## Later\n\n- [ ] l <!-- t:llll -->\n- [ ] m <!-- t:mmmm -->\n"
    )


def test_a_task_changed_differently_on_both_sides_conflicts() -> None:
    base = "# Tasks\n\n- [ ] one <!-- t:aaaa -->\n"
    result = merge.merge_tasks(
        base, base.replace("one", "one, ours"), base.replace("one", "one, theirs")
    )
    assert result.conflicts == 1 and "<<<<<<< ours" in result.text


def test_changelog_entries_appended_on_both_sides() -> None:
    base = "# Changelog\n\n## 2026-02-01\n\n- Initial workspace created\n\n"
    ours = base + "\n## 2026-02-08\n\nStep 2: A\n\n"
    theirs = base + "\n## 2026-02-08\n\nStep 2: B\n\n"
    result = merge.merge_changelog(base, ours, theirs)
    assert result.conflicts == 0
    assert result.text == ours + "\n## 2026-02-08\n\nStep 2: B\n\n"


def test_kind_of() -> None:
    assert merge.kind_of("ttmp/x/tasks.md", "") == "tasks"
    assert merge.kind_of("ttmp/x/changelog.md", "") == "changelog"
    assert merge.kind_of("ttmp/x/reference/01-diary.md", "") == "diary"
    assert (
        merge.kind_of("ttmp/x/reference/01-log.md", "---\nTitle: Implementation diary\n---\n")
        == "diary"
    )
    assert merge.kind_of("ttmp/x/design/01-plan.md", "---\nTitle: Plan\n---\n") == "text"
