"""task verbs: stable ids, positions, sections, lossless edits, output forms and errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitRepo, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from docmgr.errors import DocmgrError
from docmgr.formats import tasks as tasks_format

SAMPLE = (
    "# Tasks\n\n## TODO\n\n"
    "- [Index](./index.md)\n"
    "- [ ] Write the parser <!-- t:aaaa -->\n"
    "    * [X] nested sub-task\n"
    "```\n- [ ] not a task, in a fence\n```\n"
    "Some prose line   with  odd   spacing\n"
    "\n## Done later\n\n"
    "+ [ ] plus bullet without id\n"
)


@pytest.fixture
def ws(invoke: Callable[..., Result], git_repo: GitRepo) -> Path:
    invoke(["init"], cwd=git_repo.path)
    invoke(["ticket", "create", "--ticket", "TSK-1", "--title", "Tasks"], cwd=git_repo.path)
    return git_repo.path


def _file(cwd: Path) -> Path:
    return next((cwd / "ttmp").rglob("tasks.md"))


def _seed(cwd: Path, text: str = SAMPLE) -> Path:
    path = _file(cwd)
    path.write_text(text)
    return path


def test_parse_counts_only_real_checkboxes() -> None:
    items = tasks_format.parse(SAMPLE)
    assert [(t.display_id, t.checked, t.text) for t in items] == [
        ("aaaa", False, "Write the parser"),
        ("2", True, "nested sub-task"),
        ("3", False, "plus bullet without id"),
    ]


def test_add_appends_with_stable_id(invoke: Callable[..., Result], ws: Path) -> None:
    out = invoke(["task", "add", "--ticket", "TSK-1", "--text", "First thing"], cwd=ws)
    items = tasks_format.parse(_file(ws).read_text())
    assert len(items) == 1 and len(items[0].stable_id) == 4
    assert out.stdout == f"Task {items[0].stable_id} added to {_file(ws).relative_to(ws)}\n"
    assert (
        _file(ws).read_text()
        == f"# Tasks\n\n## TODO\n\n- [ ] First thing <!-- t:{items[0].stable_id} -->\n"
    )
    row = json.loads(
        invoke(
            ["tasks", "add", "--ticket", "TSK-1", "--text", "Second", "--output", "json"], cwd=ws
        ).stdout
    )[0]
    assert list(row) == ["ticket", "tasks_file", "id", "index", "text", "status"]
    assert (row["ticket"], row["index"], row["text"], row["status"]) == (
        "TSK-1",
        2,
        "Second",
        "added",
    )


def test_add_after_and_section_keep_other_lines(invoke: Callable[..., Result], ws: Path) -> None:
    path = _seed(ws)
    invoke(["task", "add", "--ticket", "TSK-1", "--text", "sibling", "--after", "2"], cwd=ws)
    invoke(
        ["task", "add", "--ticket", "TSK-1", "--text", "later one", "--section", "done later"],
        cwd=ws,
    )
    invoke(
        ["task", "add", "--ticket", "TSK-1", "--text", "brand new", "--section", "Ideas"], cwd=ws
    )
    text = path.read_text()
    lines = text.splitlines()
    assert lines[lines.index("    * [X] nested sub-task") + 1].startswith(
        "    - [ ] sibling <!-- t:"
    )
    assert lines[lines.index("+ [ ] plus bullet without id") + 1].startswith(
        "- [ ] later one <!-- t:"
    )
    assert text.endswith("\n## Ideas\n\n" + lines[-1] + "\n") and "brand new" in lines[-1]
    for original in SAMPLE.splitlines():
        assert original in lines


def test_check_uncheck_several_ids_and_match(invoke: Callable[..., Result], ws: Path) -> None:
    path = _seed(ws)
    out = invoke(["task", "check", "--ticket", "TSK-1", "--id", "aaaa,3"], cwd=ws)
    assert out.stdout.startswith("Tasks checked: aaaa,3 (file=")
    assert (
        "All tasks complete! Consider closing the ticket: docmgr ticket close --ticket TSK-1"
        in out.stdout
    )
    text = path.read_text()
    assert (
        "- [x] Write the parser <!-- t:aaaa -->\n" in text
        and "+ [x] plus bullet without id\n" in text
    )
    assert text.replace("[x]", "[ ]", 2) == SAMPLE.replace("[X]", "[X]")
    row = json.loads(
        invoke(
            ["task", "uncheck", "--ticket", "TSK-1", "--match", "NESTED", "--output", "json"],
            cwd=ws,
        ).stdout
    )[0]
    assert row == {
        "ticket": "TSK-1",
        "tasks_file": str(path),
        "open_tasks": 1,
        "done_tasks": 2,
        "total_tasks": 3,
        "unchecked_ids": ["2"],
    }
    assert "    * [ ] nested sub-task\n" in path.read_text()
    row = json.loads(
        invoke(
            ["task", "check", "--ticket", "TSK-1", "--id", "2", "--id", "2", "--output", "json"],
            cwd=ws,
        ).stdout
    )[0]
    assert row["checked_ids"] == ["2"] and row["all_tasks_done"] is True


def test_unknown_id_prints_the_task_table(invoke: Callable[..., Result], ws: Path) -> None:
    path = _seed(ws)
    out = invoke(["task", "check", "--ticket", "TSK-1", "--id", "zzzz"], cwd=ws, expect=1)
    assert out.stderr.startswith("Error: task id(s) not found: zzzz in ")
    assert (
        "  [aaaa] [ ] Write the parser\n  [2] [x] nested sub-task\n  [3] [ ] plus bullet without id"
        in out.stderr
    )
    assert path.read_text() == SAMPLE
    out = invoke(["task", "remove", "--ticket", "TSK-1", "--id", "9,aaaa,F2.5"], cwd=ws, expect=1)
    assert "task id(s) not found: 9, F2.5 in" in out.stderr
    assert "[aaaa] [ ] Write the parser" in out.stderr
    out = invoke(["task", "check", "--ticket", "TSK-1"], cwd=ws, expect=2)
    assert "no target task specified" in out.stderr


def test_edit_keeps_state_indent_and_id(invoke: Callable[..., Result], ws: Path) -> None:
    path = _seed(ws)
    out = invoke(
        ["task", "edit", "--ticket", "TSK-1", "--id", "2", "--text", "renamed sub"], cwd=ws
    )
    assert out.stdout.startswith("Task 2 updated in ")
    invoke(["task", "edit", "--ticket", "TSK-1", "--id", "aaaa", "--text", "Parser v2"], cwd=ws)
    text = path.read_text()
    assert "    * [X] renamed sub\n" in text and "- [ ] Parser v2 <!-- t:aaaa -->\n" in text
    row = json.loads(
        invoke(
            ["task", "edit", "--ticket", "TSK-1", "--id", "3", "--text", "x", "--output", "json"],
            cwd=ws,
        ).stdout
    )[0]
    assert row == {"file": str(path), "status": "task edited", "id": "3"}


def test_remove_and_migrate(invoke: Callable[..., Result], ws: Path) -> None:
    path = _seed(ws)
    row = json.loads(
        invoke(
            [
                "task",
                "remove",
                "--ticket",
                "TSK-1",
                "--id",
                "aaaa",
                "--id",
                "3",
                "--output",
                "json",
            ],
            cwd=ws,
        ).stdout
    )[0]
    assert (
        row["removed_ids"] == ["aaaa", "3"]
        and row["total_tasks"] == 1
        and row["status"] == "removed"
    )
    assert "Write the parser" not in path.read_text() and "plus bullet" not in path.read_text()
    out = invoke(["task", "migrate", "--ticket", "TSK-1"], cwd=ws)
    assert out.stdout.startswith("Stamped stable IDs onto 1 task(s)")
    before = path.read_text()
    out = invoke(["task", "migrate", "--ticket", "TSK-1", "--output", "json"], cwd=ws)
    assert json.loads(out.stdout)[0]["stamped"] == 0
    assert path.read_text() == before
    assert invoke(["task", "migrate", "--ticket", "TSK-1"], cwd=ws).stdout.startswith(
        "All 1 task(s) already have stable IDs"
    )


def test_list_human_json_and_empty(invoke: Callable[..., Result], ws: Path) -> None:
    out = invoke(["task", "list", "--ticket", "TSK-1"], cwd=ws)
    assert (
        out.stdout.startswith("No tasks yet (")
        and 'docmgr task add --ticket TSK-1 --text "..."' in out.stdout
    )
    _seed(ws)
    out = invoke(["task", "list", "--ticket", "TSK-1"], cwd=ws)
    assert (
        out.stdout
        == "[aaaa] [ ] Write the parser\n[2] [x] nested sub-task\n[3] [ ] plus bullet without id\n"
    )
    rows = json.loads(
        invoke(["task", "list", "--ticket", "TSK-1", "--output", "json"], cwd=ws).stdout
    )
    assert rows[1] == {"id": "2", "index": 2, "checked": True, "text": "nested sub-task"}


def test_tasks_file_and_ticket_errors(
    invoke: Callable[..., Result], ws: Path, tmp_path: Path
) -> None:
    other = ws / "ttmp" / "mine.md"  # any file inside the docs root
    other.write_text("- [ ] a\n")
    out = invoke(["task", "list", "--tasks-file", str(other)], cwd=ws)
    assert out.stdout == "[1] [ ] a\n"
    out = invoke(["task", "list"], cwd=ws, expect=2)
    assert "must specify --ticket when --tasks-file is not set" in out.stderr
    out = invoke(["task", "list", "--ticket", "NOPE-1"], cwd=ws, expect=1)
    assert 'ticket not found: "NOPE-1"' in out.stderr
    missing = ws / "ttmp" / "missing.md"
    out = invoke(["task", "list", "--tasks-file", str(missing)], cwd=ws, expect=1)
    assert "tasks file not found" in out.stderr
    out = invoke(["task", "add", "--ticket", "TSK-1", "--text", "  "], cwd=ws, expect=2)
    assert "task text is empty" in out.stderr


def test_crlf_file_stays_crlf() -> None:
    text = "# Tasks\r\n\r\n- [ ] a\r\n"
    new, task = tasks_format.add(text, task_text="b")
    assert new == text + f"- [ ] b <!-- t:{task.stable_id} -->\r\n"
    assert tasks_format.set_checked(new, tasks_format.parse(new)[:1], checked=True).startswith(
        "# Tasks\r\n\r\n- [x] a\r\n"
    )


def test_new_id_avoids_existing() -> None:
    seen: set[str] = set()
    for _ in range(300):
        seen.add(tasks_format.new_id(seen))
    assert len(seen) == 300


def test_human_forms_of_uncheck_remove_and_edit_errors(
    invoke: Callable[..., Result], ws: Path
) -> None:
    path = _seed(ws)
    rel = path.relative_to(ws)
    out = invoke(["task", "uncheck", "--ticket", "TSK-1", "--id", "2", "--verbose"], cwd=ws)
    assert out.stdout.startswith(f"Task unchecked: 2 (file={rel})\nReminder: update the changelog")
    out = invoke(["task", "remove", "--ticket", "TSK-1", "--id", "3"], cwd=ws)
    assert out.stdout == f"Task removed: 3 (file={rel})\n"
    before = path.read_text()
    out = invoke(
        ["task", "edit", "--ticket", "TSK-1", "--id", "nope", "--text", "x"], cwd=ws, expect=1
    )
    assert (
        "task id(s) not found: nope" in out.stderr and "[aaaa] [ ] Write the parser" in out.stderr
    )
    assert path.read_text() == before


_LINES = st.sampled_from(
    [
        "# Tasks",
        "",
        "## TODO",
        "- [Index](./index.md)",
        "prose with  spaces ",
        "```",
        "- [ ] in or out of a fence",
        "  * [x] nested done <!-- t:ab12 -->",
        "\t+ [X] tabbed",
        "- [ ] open",
        "## Later",
    ]
)


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(_LINES, max_size=14), crlf=st.booleans(), pick=st.integers(0, 20))
def test_edits_keep_every_other_line_byte_identical(
    lines: list[str], crlf: bool, pick: int
) -> None:
    newline = "\r\n" if crlf and lines else "\n"
    text = newline.join(lines) + (newline if lines else "")
    items = tasks_format.parse(text)
    if sum(1 for line in lines if line == "```") % 2:
        with pytest.raises(DocmgrError):
            tasks_format.add(text, task_text="new task")
    else:
        added, task = tasks_format.add(text, task_text="new task")
        expected = f"- [ ] new task <!-- t:{task.stable_id} -->{newline}"
        assert added.splitlines(keepends=True).count(expected) == 1
        assert added.startswith(text)
        assert [t.text for t in tasks_format.parse(added)].count("new task") == 1
    if not items:
        return
    chosen = [items[pick % len(items)]]
    for changed in (
        tasks_format.set_checked(text, chosen, checked=True),
        tasks_format.set_checked(text, chosen, checked=False),
        tasks_format.edit(text, chosen[0], new_text="renamed"),
        tasks_format.migrate(text)[0],
    ):
        before = text.splitlines(keepends=True)
        after = changed.splitlines(keepends=True)
        assert len(before) == len(after)
        task_lines = {t.line for t in items}
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            if index == chosen[0].line or (old != new and index in task_lines):
                continue
            assert old == new
        assert len(tasks_format.parse(changed)) == len(items)
    removed = tasks_format.remove(text, chosen)
    assert len(tasks_format.parse(removed)) == len(items) - 1


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "- [ ] a",
                "- [x] b",
                "* [X]",
                "+ [ ]",
                "-\t[ ]\t",
                "- [y]",
                "- [ ]x",
                "  - [x] c",
                "- [ ] t <!-- t:ab12 -->",
                "```",
                "~~~",
                " ```",
                "\n",
                "\r\n",
                "\r",
                "\u2028",
                "x",
            ]
        ),
        max_size=16,
    ).map("".join)
)
def test_counts_are_the_parsed_tasks(text: str) -> None:
    items = tasks_format.parse(text)
    done = sum(1 for t in items if t.checked)
    assert tasks_format.counts(text) == (len(items) - done, done)
