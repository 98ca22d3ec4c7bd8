"""Writing steps: --from-file and --edit, `step edit N`, the date/author line, verify's
hints, and the ticket chosen from the branch. Real git repositories, real editor scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitRepo, Result
from test_diary_cli import DIARY_REL, STAMP, TICKET, make_ticket

from docmgr.store.branch_ticket import match_branch

Invoke = Callable[..., Result]


def write_editor(tmp_path: Path, body: str, *, name: str = "editor.py") -> str:
    """An $EDITOR that saves the skeleton it was given next to itself, then runs ``body``."""
    script = tmp_path / name
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "t = p.read_text()\n"
        f"pathlib.Path({str(tmp_path / 'seen.md')!r}).write_text(t)\n" + body,
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


def add(
    invoke: Invoke, cwd: Path, *args: str, expect: int = 0, env: dict[str, str] | None = None
) -> Result:
    return invoke(
        ["diary", "step", "add", "--ticket", TICKET, *args], cwd=cwd, expect=expect, env=env
    )


# ----------------------------------------------------------------------------- --from-file


def test_from_file_without_a_step_heading_keeps_its_sections(
    invoke: Invoke, git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    body = tmp_path / "body.md"
    body.write_text(
        "### What I did\n- Wrote the parser\n\n### Why\n- It dropped commits\n\n"
        "### What I'd do differently next time\n- Start with the corpus\n",
        encoding="utf-8",
    )
    add(invoke, cwd, "--title", "Parser", "--from-file", str(body))
    text = diary.read_text(encoding="utf-8")
    assert (
        f"## Step 1: Parser\n\n{STAMP}\n\n**Commit (code):** N/A\n\n"
        "### What I did\n- Wrote the parser\n\n### Why\n- It dropped commits\n"
    ) in text
    assert text.endswith("### What I'd do differently next time\n- Start with the corpus\n")
    assert "What I did\nN/A" not in text


def test_from_file_with_a_level_four_body_and_a_commit_list(
    invoke: Invoke, git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    head = git_repo.git("rev-parse", "HEAD")
    body = tmp_path / "body.md"
    body.write_text(
        f"Prose.\n\n**Commits (code):**\n- {head[:7]} — Initial commit\n\n#### What I did\n- x\n",
        encoding="utf-8",
    )
    add(invoke, cwd, "--title", "Listed", "--from-file", str(body))
    text = diary.read_text(encoding="utf-8")
    assert (
        f"Prose.\n\n**Commits (code):**\n- {head[:7]} — Initial commit\n\n### What I did\n- x\n"
        in text
    )
    rows = json.loads(
        invoke(["diary", "step", "list", "--ticket", TICKET, "--output", "json"], cwd=cwd).stdout
    )
    assert rows[0]["commits"] == [{"hash": head[:7], "subject": "Initial commit"}]


# ----------------------------------------------------------------------------- --edit


def test_edit_without_an_editor_or_a_terminal_refuses_in_one_line(
    invoke: Invoke, git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    before = diary.read_text(encoding="utf-8")
    out = add(invoke, cwd, "--title", "x", "--edit", expect=1, env={"EDITOR": "", "VISUAL": ""})
    assert out.stderr.count("\n") == 1
    assert out.stderr.startswith("Error: --edit needs an editor") and "--from-file" in out.stderr
    assert diary.read_text(encoding="utf-8") == before


def test_edit_with_an_editor_that_cannot_run_refuses_in_one_line(
    invoke: Invoke, git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    before = diary.read_text(encoding="utf-8")
    env = {"EDITOR": "/nonexistent/editor-binary", "VISUAL": ""}
    out = add(invoke, cwd, "--title", "x", "--edit", expect=1, env=env)
    assert out.stderr.startswith("Error: the editor '/nonexistent/editor-binary' could not run")
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert diary.read_text(encoding="utf-8") == before


def test_the_skeleton_shows_every_section_and_the_commit_line(
    invoke: Invoke, git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    head = git_repo.git("rev-parse", "HEAD")
    editor = write_editor(tmp_path, "p.write_text(t.replace('### Why\\nN/A', '### Why\\n- so'))\n")
    add(
        invoke,
        cwd,
        "--title",
        "Edited",
        "--did",
        "a",
        "--edit",
        "--commit",
        "HEAD",
        env={"EDITOR": editor, "VISUAL": ""},
    )
    seen = (tmp_path / "seen.md").read_text(encoding="utf-8")
    assert seen.startswith("## Step N: Edited\n")
    assert "### Prompt Context\n\n**User prompt (verbatim):**" in seen
    assert f'**Commit (code):** {head} — "Initial commit"' in seen
    for heading in ("What I did", "Why", "Technical details"):
        assert f"### {heading}\n" in seen
    text = diary.read_text(encoding="utf-8")
    assert "### Prompt Context" not in text  # placeholders left as they were are dropped
    assert "<!--" not in text.split("## Step 1", 1)[1]
    assert (
        f'**Commit (code):** {head} — "Initial commit"\n\n### What I did\n- a\n\n### Why\n- so\n'
        in text
    )


def test_an_edited_commit_line_wins(invoke: Invoke, git_repo: GitRepo, tmp_path: Path) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    editor = write_editor(
        tmp_path,
        "p.write_text(t.replace('**Commit (code):** N/A', '**Commit (code):** pending — CI'))\n",
    )
    add(invoke, cwd, "--title", "Pending", "--edit", env={"EDITOR": editor, "VISUAL": ""})
    assert "**Commit (code):** pending — CI\n" in diary.read_text(encoding="utf-8")


@pytest.mark.parametrize("content", ["", "\n\n  \n", "<!-- nothing -->\n"])
def test_an_emptied_file_aborts_with_exit_1(
    invoke: Invoke, git_repo: GitRepo, tmp_path: Path, content: str
) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    before = diary.read_text(encoding="utf-8")
    editor = write_editor(tmp_path, f"p.write_text({content!r})\n")
    out = add(invoke, cwd, "--title", "x", "--edit", expect=1, env={"EDITOR": editor, "VISUAL": ""})
    assert out.stderr.startswith("Error: the edited step is empty; nothing written")
    assert diary.read_text(encoding="utf-8") == before


def test_an_editor_closed_without_saving_writes_nothing(
    invoke: Invoke, git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    before = diary.read_text(encoding="utf-8")
    editor = write_editor(tmp_path, "")
    out = add(invoke, cwd, "--title", "x", "--edit", expect=1, env={"EDITOR": editor, "VISUAL": ""})
    assert "closed without saving" in out.stderr
    assert diary.read_text(encoding="utf-8") == before


# ----------------------------------------------------------------------------- step edit N


def three_steps(invoke: Invoke, git_repo: GitRepo) -> Path:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    add(invoke, cwd, "--title", "One", "--did", "first")
    git_repo.commit("Feature: two", {"two.txt": "2\n"})
    add(invoke, cwd, "--title", "Two", "--did", "second", "--why", "because", "--commit", "HEAD")
    add(invoke, cwd, "--title", "Three", "--did", "third")
    return diary


def test_step_edit_with_section_options_changes_only_those_sections(
    invoke: Invoke, git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    diary = three_steps(invoke, git_repo)
    head = git_repo.git("rev-parse", "HEAD")
    before = diary.read_text(encoding="utf-8")
    out = invoke(
        [
            "diary",
            "step",
            "edit",
            "2",
            "--ticket",
            TICKET,
            "--did",
            "second, done",
            "--did",
            "more",
        ],
        cwd=cwd,
    )
    assert out.stdout.startswith("edited Step 2 of ")
    after = diary.read_text(encoding="utf-8")
    assert after == before.replace(
        "### What I did\n- second\n", "### What I did\n- second, done\n- more\n"
    )
    assert f'**Commit (code):** {head} — "Feature: two"' in after


def test_step_edit_with_nothing_changed_leaves_the_file(invoke: Invoke, git_repo: GitRepo) -> None:
    cwd = git_repo.path
    diary = three_steps(invoke, git_repo)
    before = diary.read_text(encoding="utf-8")
    out = invoke(["diary", "step", "edit", "2", "--ticket", TICKET, "--title", "Two"], cwd=cwd)
    assert out.stdout.startswith("unchanged: Step 2")
    assert diary.read_text(encoding="utf-8") == before
    invoke(["diary", "step", "edit", "2", "--ticket", TICKET], cwd=cwd, expect=2)


def test_step_edit_from_file_keeps_number_stamp_and_commit(
    invoke: Invoke, git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = git_repo.path
    diary = three_steps(invoke, git_repo)
    head = git_repo.git("rev-parse", "HEAD")
    body = tmp_path / "two.md"
    body.write_text(
        "## Step 9: Two, rewritten\n\nNew prose.\n\n### Why\n- clearer\n", encoding="utf-8"
    )
    invoke(["diary", "step", "edit", "2", "--ticket", TICKET, "--from-file", str(body)], cwd=cwd)
    text = diary.read_text(encoding="utf-8")
    assert (
        f"## Step 2: Two, rewritten\n\n{STAMP}\n\nNew prose.\n\n"
        f'**Commit (code):** {head} — "Feature: two"\n\n### What I did\nN/A\n\n### Why\n- clearer\n'
    ) in text
    assert "- [Step 2: Two, rewritten](#step-2-two-rewritten)" in text
    assert (
        text.index("## Step 1: One") < text.index("## Step 2: Two") < text.index("## Step 3: Three")
    )


def test_step_edit_with_the_editor_and_a_new_commit(
    invoke: Invoke, git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = git_repo.path
    diary = three_steps(invoke, git_repo)
    first = git_repo.git("rev-parse", "HEAD~1")
    editor = write_editor(tmp_path, "p.write_text(t.replace('- third', '- third, edited'))\n")
    invoke(
        ["diary", "step", "edit", "3", "--ticket", TICKET, "--edit", "--commit", "HEAD~1"],
        cwd=cwd,
        env={"EDITOR": editor, "VISUAL": ""},
    )
    seen = (tmp_path / "seen.md").read_text(encoding="utf-8")
    assert seen.startswith(f"## Step 3: Three\n\n{STAMP}\n")
    text = diary.read_text(encoding="utf-8")
    assert "- third, edited\n" in text
    assert f'**Commit (code):** {first} — "Initial commit"' in text.split("## Step 3")[1]


def test_step_edit_emptied_in_the_editor_aborts(
    invoke: Invoke, git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = git_repo.path
    diary = three_steps(invoke, git_repo)
    before = diary.read_text(encoding="utf-8")
    editor = write_editor(tmp_path, "p.write_text('')\n")
    invoke(
        ["diary", "step", "edit", "3", "--ticket", TICKET, "--edit"],
        cwd=cwd,
        expect=1,
        env={"EDITOR": editor, "VISUAL": ""},
    )
    assert diary.read_text(encoding="utf-8") == before


# ----------------------------------------------------------------------------- date and author


def test_the_stamp_comes_from_the_clock_and_the_git_identity(
    invoke: Invoke, git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    make_ticket(invoke, cwd)
    git_repo.git("config", "user.name", "Ada Lovelace")
    out = add(invoke, cwd, "--title", "Stamped", "--output", "json")
    (row,) = json.loads(out.stdout)
    assert (row["date"], row["author"]) == ("2026-02-08 10:47 -05:00", "Ada Lovelace")
    text = (cwd / "ttmp" / DIARY_REL).read_text(encoding="utf-8")
    assert (
        "## Step 1: Stamped\n\n**Date:** 2026-02-08 10:47 -05:00 · **Author:** Ada Lovelace\n"
        in text
    )
    (shown,) = json.loads(
        invoke(
            ["diary", "step", "show", "1", "--ticket", TICKET, "--output", "json"], cwd=cwd
        ).stdout
    )
    assert (shown["date"], shown["author"]) == ("2026-02-08 10:47 -05:00", "Ada Lovelace")


def test_outside_git_the_stamp_has_only_the_date(invoke: Invoke, tmp_path: Path) -> None:
    cwd = tmp_path / "plain"
    cwd.mkdir()
    diary = make_ticket(invoke, cwd)
    add(invoke, cwd, "--title", "Plain")
    assert "## Step 1: Plain\n\n**Date:** 2026-02-08 10:47 -05:00\n\n" in diary.read_text(
        encoding="utf-8"
    )
    rows = json.loads(
        invoke(["diary", "step", "list", "--ticket", TICKET, "--output", "json"], cwd=cwd).stdout
    )
    assert (rows[0]["date"], rows[0]["author"]) == ("2026-02-08 10:47 -05:00", "")


def test_a_step_without_a_stamp_lists_empty_date_and_author(invoke: Invoke, tmp_path: Path) -> None:
    cwd = tmp_path / "plain"
    cwd.mkdir()
    diary = make_ticket(invoke, cwd)
    with diary.open("a", encoding="utf-8") as handle:
        handle.write("\n## Step 1: Old\n\n**Commit (code):** N/A\n")
    rows = json.loads(
        invoke(["diary", "step", "list", "--ticket", TICKET, "--output", "json"], cwd=cwd).stdout
    )
    assert (rows[0]["date"], rows[0]["author"]) == ("", "")


# ----------------------------------------------------------------------------- verify hints


def test_each_verify_status_names_the_command_that_fixes_it(
    invoke: Invoke, git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    target = git_repo.commit("Feature: retry", {"a.go": "package a\n"})
    with diary.open("a", encoding="utf-8") as handle:
        handle.write(
            '\n## Step 1: Lost\n\n**Commit (code):** deadbee — "Feature: retry"\n'
            "\n## Step 2: Gone\n\n**Commit (code):** `abcdef1`\n"
            "\n## Step 2: Twice\n\n**Commit (code):** pending — later\n"
            f"\n## Step 3: Fine\n\n**Commit (code):** {target}\n"
        )
    rows = json.loads(
        invoke(
            ["diary", "verify", "--ticket", TICKET, "--output", "json", "--fail-on", ""], cwd=cwd
        ).stdout
    )
    fix = f"run 'docmgr diary verify --ticket {TICKET} --fix'"
    renumber = f"run 'docmgr diary renumber --ticket {TICKET}'"
    link = f"run 'docmgr diary step link --ticket {TICKET} --step 2 --commit <REV>'"
    assert [(r["status"], r["hint"]) for r in rows] == [
        ("missing", fix),
        ("missing", f"{renumber}; {link}"),
        ("pending", f"{renumber}; {link}"),
        ("ok", ""),
    ]
    out = invoke(["diary", "verify", "--ticket", TICKET], cwd=cwd, expect=1)
    assert out.stderr.count("\n") == 1
    assert fix in out.stderr and link in out.stderr and renumber not in out.stderr
    out = invoke(
        ["diary", "verify", "--ticket", TICKET, "--fail-on", "duplicate"], cwd=cwd, expect=1
    )
    assert renumber in out.stderr and "--fix" not in out.stderr
    # after --fix the proposal is written: what is left cannot be fixed by --fix again
    out = invoke(["diary", "verify", "--ticket", TICKET, "--fix"], cwd=cwd, expect=1)
    assert "--fix'" not in out.stderr and link in out.stderr


# ----------------------------------------------------------------------------- ticket from branch


@pytest.mark.parametrize(
    "branch",
    [
        "VM-004-EXPAND-E2E-COVERAGE",
        "VM-004-fix-retries",
        "feature/VM-004",
        "feature/vm-004-more",
        "agent/claude/VM-004",
    ],
)
def test_the_branch_names_the_ticket(invoke: Invoke, git_repo: GitRepo, branch: str) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    git_repo.git("checkout", "-q", "-b", branch)
    out = invoke(["diary", "step", "add", "--title", "From the branch"], cwd=cwd)
    assert out.stderr == f"Using ticket {TICKET} (from branch {branch})\n"
    assert "## Step 1: From the branch" in diary.read_text(encoding="utf-8")
    invoke(["diary", "verify"], cwd=cwd)
    listed = invoke(["diary", "step", "list", "--output", "json"], cwd=cwd).stdout
    assert json.loads(listed)[0]["title"] == "From the branch"


def test_a_branch_that_names_no_ticket_still_needs_ticket(
    invoke: Invoke, git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    make_ticket(invoke, cwd)
    out = invoke(["diary", "step", "add", "--title", "x"], cwd=cwd, expect=2)
    assert out.stderr.startswith("Error: no diary given")


def test_matching_branches_to_tickets() -> None:
    from docmgr.errors import TicketAmbiguous
    from docmgr.model import Ticket

    def ticket(tid: str) -> Ticket:
        return Ticket(tid, None)  # type: ignore[arg-type]

    def picked(branch: str, among: list[Ticket]) -> str | None:
        found = match_branch(branch, among)
        return found.id if found is not None else None

    tickets = [ticket("VM-004-EXPAND"), ticket("VM-005"), ticket("006-SKILL-CREATE")]
    assert picked("feature/VM-004", tickets) == "VM-004-EXPAND"
    assert picked("vm-005-x", tickets) == "VM-005"
    assert picked("006-SKILL-CREATE-more", tickets) == "006-SKILL-CREATE"
    assert match_branch("main", tickets) is None
    assert match_branch("VM-0045", tickets) is None
    with pytest.raises(TicketAmbiguous):
        match_branch("VM-004", [ticket("VM-004-A"), ticket("VM-004-B")])
    assert picked("VM-004-B-fix", [ticket("VM-004-A"), ticket("VM-004-B")]) == "VM-004-B"
