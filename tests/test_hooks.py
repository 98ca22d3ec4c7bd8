"""``docmgr hooks install``: the post-rewrite hook and the merge driver in real repositories.

git runs the hooks in a subprocess with a PATH that does not hold docmgr: they must call
the interpreter that installed them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitRepo, Result
from test_diary_cli import DIARY_REL, TICKET, make_ticket

Invoke = Callable[..., Result]
TICKET_DIR = DIARY_REL.rsplit("/reference/", 1)[0]
BARE_PATH = os.pathsep.join(p for p in ("/usr/bin", "/bin") if Path(p).is_dir())


def git(
    cwd: Path, *args: str, check: bool = True, **extra: str
) -> subprocess.CompletedProcess[str]:
    """Run git as a user would, but with docmgr off PATH and no user config."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_SYSTEM": os.devnull,
        "PATH": BARE_PATH,
        **extra,
    }
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def commit(cwd: Path, message: str, files: dict[str, str], *, day: int = 8) -> str:
    for name, content in files.items():
        (cwd / name).parent.mkdir(parents=True, exist_ok=True)
        (cwd / name).write_text(content, encoding="utf-8")
        git(cwd, "add", name)
    when = f"2026-02-{day:02d}T09:00:00+00:00"
    git(cwd, "commit", "-q", "-m", message, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    return git(cwd, "rev-parse", "HEAD").stdout.strip()


def docs(cwd: Path) -> dict[str, str]:
    return {
        str(p.relative_to(cwd)): p.read_text(encoding="utf-8")
        for p in sorted((cwd / "ttmp").rglob("*.md"))
    }


def step(invoke: Invoke, cwd: Path, title: str, *extra: str) -> None:
    invoke(
        ["diary", "step", "add", "--ticket", TICKET, "--title", title, "--did", title, *extra],
        cwd=cwd,
    )


# ----------------------------------------------------------------------------- install


def test_install_is_idempotent_and_uninstall_restores(invoke: Invoke, git_repo: GitRepo) -> None:
    cwd = git_repo.path
    make_ticket(invoke, cwd)
    out = invoke(["hooks", "install"], cwd=cwd).stdout
    hook = cwd / ".git" / "hooks" / "post-rewrite"
    assert f"wrote {hook}" in out
    script = hook.read_text(encoding="utf-8")
    assert os.access(hook, os.X_OK)
    assert f"{os.path.abspath(sys.executable)} -m docmgr hooks run post-rewrite" in script
    driver = git(cwd, "config", "merge.docmgr.driver").stdout.strip()
    assert driver == f"{os.path.abspath(sys.executable)} -m docmgr merge-driver %O %A %B %L %P"
    attributes = (cwd / ".gitattributes").read_text(encoding="utf-8")
    assert "ttmp/**/tasks.md merge=docmgr\n" in attributes
    assert "ttmp/**/changelog.md merge=docmgr\n" in attributes
    assert "ttmp/**/*diary*.md merge=docmgr\n" in attributes
    check = git(cwd, "check-attr", "merge", "--", f"ttmp/{DIARY_REL}").stdout
    assert check.strip().endswith("merge: docmgr")

    assert invoke(["hooks", "install"], cwd=cwd).stdout == "already installed\n"
    assert hook.read_text(encoding="utf-8") == script
    assert (cwd / ".gitattributes").read_text(encoding="utf-8") == attributes

    invoke(["hooks", "install", "--uninstall"], cwd=cwd)
    assert not hook.exists() and not (cwd / ".gitattributes").exists()
    assert git(cwd, "config", "merge.docmgr.driver", check=False).returncode == 1
    assert invoke(["hooks", "install", "--uninstall"], cwd=cwd).stdout == "nothing to remove\n"


def test_hooks_path_is_honoured_and_an_existing_hook_is_chained(
    invoke: Invoke, git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    git(cwd, "config", "core.hooksPath", ".githooks")
    hooks = cwd / ".githooks"
    hooks.mkdir()
    mine = hooks / "post-rewrite"
    original = f'#!/bin/sh\ncat > {cwd / "chained.txt"}\necho "$1" >> {cwd / "chained.txt"}\n'
    mine.write_text(original, encoding="utf-8")
    mine.chmod(0o755)
    (cwd / ".gitattributes").write_text("*.png binary\n", encoding="utf-8")
    invoke(["hooks", "install"], cwd=cwd)
    assert (hooks / "post-rewrite.docmgr-chained").read_text(encoding="utf-8") == original
    assert (cwd / ".gitattributes").read_text(encoding="utf-8").startswith("*.png binary\n# >>>")

    old = git_repo.commit("Feature: x", {"x.py": "x\n"})
    step(invoke, cwd, "X", "--commit", "HEAD")
    git(cwd, "commit", "-q", "--amend", "-m", "Feature: x, reworded")
    new = git(cwd, "rev-parse", "HEAD").stdout.strip()
    assert (cwd / "chained.txt").read_text(encoding="utf-8") == f"{old} {new}\namend\n"
    assert f'{new} — "Feature: x, reworded"' in diary.read_text(encoding="utf-8")

    invoke(["hooks", "install", "--uninstall"], cwd=cwd)
    assert mine.read_text(encoding="utf-8") == original
    assert not (hooks / "post-rewrite.docmgr-chained").exists()
    assert (cwd / ".gitattributes").read_text(encoding="utf-8") == "*.png binary\n"


# ----------------------------------------------------------------------------- post-rewrite


def test_amend_rewrites_every_mention_and_nothing_else(invoke: Invoke, git_repo: GitRepo) -> None:
    cwd = git_repo.path
    make_ticket(invoke, cwd)
    old = git_repo.commit("Feature: retries", {"src/retry.py": "x\n"})
    step(invoke, cwd, "Retries", "--commit", "HEAD", "--relate", "--changelog")
    with (cwd / "ttmp" / TICKET_DIR / "tasks.md").open("a", encoding="utf-8") as handle:
        handle.write(f"- [x] Ship retries ({old}) <!-- t:ab12 -->\n")
    invoke(["hooks", "install"], cwd=cwd)
    before = docs(cwd)
    git(cwd, "commit", "-q", "--amend", "-m", "Feature: retries, reworded")
    new = git(cwd, "rev-parse", "HEAD").stdout.strip()
    assert new != old
    after = docs(cwd)
    expected = {
        name: text.replace('"Feature: retries"', '"Feature: retries, reworded"')
        .replace(old, new)
        .replace(old[:7], new[:7])
        for name, text in before.items()
    }
    assert after == expected
    diary = after[f"ttmp/{DIARY_REL}"]
    assert f'**Commit (code):** {new} — "Feature: retries, reworded"' in diary
    assert f"Note: Step 1 (commit {new[:7]})" in diary
    assert f"- [Step 1: Retries](#step-1-retries) — `{new[:7]}`" in diary
    assert f"Step 1: Retries (commit {new[:7]})" in after[f"ttmp/{TICKET_DIR}/changelog.md"]
    assert f"({new})" in after[f"ttmp/{TICKET_DIR}/tasks.md"]
    rows = json.loads(
        invoke(["diary", "verify", "--ticket", TICKET, "--output", "json"], cwd=cwd).stdout
    )
    assert [r["status"] for r in rows] == ["ok"]


def test_rebase_reword_fixup_reorder_drop(
    invoke: Invoke, git_repo: GitRepo, tmp_path: Path
) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    base = commit(cwd, "Docs: ticket", {}) if False else None  # noqa: F841 - placeholder
    git(cwd, "add", "ttmp")
    git(cwd, "commit", "-q", "-m", "Docs: ticket")
    onto = git(cwd, "rev-parse", "HEAD").stdout.strip()
    hashes = {}
    for letter, day in zip("abcde", range(1, 6), strict=True):
        hashes[letter] = commit(cwd, f"Code {letter}", {f"{letter}.py": f"{letter}\n"}, day=day)
        step(invoke, cwd, f"Step {letter}", "--commit", hashes[letter], "--relate", "--changelog")
    git(cwd, "add", "ttmp")
    git(cwd, "commit", "-q", "-m", "Docs: diary steps")
    docs_commit = git(cwd, "rev-parse", "HEAD").stdout.strip()
    invoke(["hooks", "install"], cwd=cwd)
    before = diary.read_text(encoding="utf-8")

    todo = tmp_path / "todo.txt"
    todo.write_text(
        f"pick {hashes['b']} Code b\npick {hashes['a']} Code a\nreword {hashes['c']} Code c\n"
        f"fixup {hashes['d']} Code d\ndrop {hashes['e']} Code e\npick {docs_commit} Docs\n",
        encoding="utf-8",
    )
    sequence = tmp_path / "sequence.sh"
    sequence.write_text(f'#!/bin/sh\ncat {todo} > "$1"\n', encoding="utf-8")
    reword = tmp_path / "reword.sh"
    reword.write_text("#!/bin/sh\nprintf 'Code c, reworded\\n' > \"$1\"\n", encoding="utf-8")
    for script in (sequence, reword):
        script.chmod(0o755)
    git(cwd, "rebase", "-q", "-i", onto, GIT_SEQUENCE_EDITOR=str(sequence), GIT_EDITOR=str(reword))

    log = git(cwd, "log", "--format=%H %s", f"{onto}..HEAD").stdout.splitlines()
    subjects = {line.split(" ", 1)[1]: line.split(" ", 1)[0] for line in log}
    assert list(subjects) == ["Docs: diary steps", "Code c, reworded", "Code a", "Code b"]
    new_a, new_b, new_c = subjects["Code a"], subjects["Code b"], subjects["Code c, reworded"]
    text = diary.read_text(encoding="utf-8")
    commits = [line for line in text.splitlines() if line.startswith("**Commit (code):**")]
    assert commits == [
        f'**Commit (code):** {new_a} — "Code a"',
        f'**Commit (code):** {new_b} — "Code b"',
        f'**Commit (code):** {new_c} — "Code c, reworded"',
        f'**Commit (code):** {new_c} — "Code c, reworded"',  # fixed up into c
        f'**Commit (code):** {hashes["e"]} — "Code e"',  # dropped: left for verify
    ]
    for letter, new in (("a", new_a), ("b", new_b), ("c", new_c), ("d", new_c)):
        assert f"Note: Step {'abcd'.index(letter) + 1} (commit {new[:7]})" in text
    old_notes = before.count(f"(commit {hashes['e'][:7]})")
    assert text.count(f"(commit {hashes['e'][:7]})") == old_notes
    rows = json.loads(
        invoke(
            ["diary", "verify", "--ticket", TICKET, "--output", "json", "--fail-on", ""], cwd=cwd
        ).stdout
    )
    assert [r["status"] for r in rows] == ["ok", "ok", "ok", "ok", "unreachable"]
    changelog = (cwd / "ttmp" / TICKET_DIR / "changelog.md").read_text(encoding="utf-8")
    assert f"Step 3: Step c (commit {new_c[:7]})" in changelog
    assert hashes["a"][:7] not in changelog and hashes["e"][:7] in changelog


def test_cherry_pick_leaves_the_docs_to_verify(invoke: Invoke, git_repo: GitRepo) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    invoke(["hooks", "install"], cwd=cwd)
    git(cwd, "checkout", "-q", "-b", "topic")
    picked = git_repo.commit("Feature: picked", {"p.py": "p\n"})
    step(invoke, cwd, "Picked", "--commit", "HEAD")
    git(cwd, "checkout", "-q", "main")
    git_repo.commit("Other work on main", {"o.py": "o\n"})
    before = diary.read_text(encoding="utf-8")
    git(cwd, "cherry-pick", picked)
    copy = git(cwd, "rev-parse", "HEAD").stdout.strip()
    assert diary.read_text(encoding="utf-8") == before  # git runs no post-rewrite here
    rows = json.loads(
        invoke(
            ["diary", "verify", "--ticket", TICKET, "--output", "json", "--fail-on", ""], cwd=cwd
        ).stdout
    )
    assert (rows[0]["status"], rows[0]["proposed"]) == ("unreachable", copy)
    invoke(["diary", "verify", "--ticket", TICKET, "--fix"], cwd=cwd)
    assert f'{copy} — "Feature: picked"' in diary.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- merge driver


def two_branches(invoke: Invoke, git_repo: GitRepo, *, install: bool = True) -> Path:
    """main: a ticket whose diary has Step 1; branches a and b each add a step, a task and a
    changelog entry (b's code commit is older than a's)."""
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    step(invoke, cwd, "Setup")
    invoke(["task", "add", "--ticket", TICKET, "--text", "Base task"], cwd=cwd)
    if install:
        invoke(["hooks", "install"], cwd=cwd)
    git(cwd, "add", "-A")
    git(cwd, "commit", "-q", "-m", "Docs: ticket")
    for branch, day in (("a", 5), ("b", 3)):
        git(cwd, "checkout", "-q", "-b", branch, "main")
        commit(cwd, f"Code {branch}", {f"src/{branch}.py": f"{branch}\n"}, day=day)
        step(invoke, cwd, f"Work {branch}", "--commit", "HEAD", "--relate", "--changelog")
        invoke(["task", "add", "--ticket", TICKET, "--text", f"Task {branch}"], cwd=cwd)
        git(cwd, "add", "-A")
        git(cwd, "commit", "-q", "-m", f"Docs: step on {branch}")
    git(cwd, "checkout", "-q", "a")
    return diary


def test_a_merge_of_two_branches_that_each_added_steps_tasks_and_entries(
    invoke: Invoke, git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    diary = two_branches(invoke, git_repo)
    code_a = git(cwd, "rev-parse", "a~1").stdout.strip()
    code_b = git(cwd, "rev-parse", "b~1").stdout.strip()
    done = git(cwd, "merge", "--no-edit", "b", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    text = diary.read_text(encoding="utf-8")
    assert "<<<<<<<" not in text
    rows = json.loads(
        invoke(["diary", "step", "list", "--ticket", TICKET, "--output", "json"], cwd=cwd).stdout
    )
    assert [(r["step"], r["title"]) for r in rows] == [
        ("1", "Setup"),
        ("2", "Work b"),  # b's commit is older
        ("3", "Work a"),
    ]
    assert f"Note: Step 3 (commit {code_a[:7]})" in text
    assert f"Note: Step 2 (commit {code_b[:7]})" in text
    assert f"- [Step 3: Work a](#step-3-work-a) — `{code_a[:7]}`" in text
    tasks = json.loads(
        invoke(["task", "list", "--ticket", TICKET, "--output", "json"], cwd=cwd).stdout
    )
    assert [t["text"] for t in tasks] == ["Base task", "Task a", "Task b"]
    changelog = (cwd / "ttmp" / TICKET_DIR / "changelog.md").read_text(encoding="utf-8")
    assert "Step 2: Work a" in changelog and "Step 2: Work b" in changelog
    assert "<<<<<<<" not in changelog
    report = json.loads(invoke(["doctor", "--ticket", TICKET, "--output", "json"], cwd=cwd).stdout)
    assert [f["issue"] for f in report] == ["none"]
    invoke(["doctor", "--ticket", TICKET, "--fail-on", "warning"], cwd=cwd)
    assert git(cwd, "status", "--porcelain").stdout == ""
    verified = json.loads(
        invoke(["diary", "verify", "--ticket", TICKET, "--output", "json"], cwd=cwd).stdout
    )
    assert [r["status"] for r in verified] == ["na", "ok", "ok"]


def test_a_real_conflicting_edit_still_conflicts(invoke: Invoke, git_repo: GitRepo) -> None:
    cwd = git_repo.path
    diary = make_ticket(invoke, cwd)
    step(invoke, cwd, "Setup")
    invoke(["hooks", "install"], cwd=cwd)
    git(cwd, "add", "-A")
    git(cwd, "commit", "-q", "-m", "Docs: ticket")
    for branch in ("a", "b"):
        git(cwd, "checkout", "-q", "-b", branch, "main")
        invoke(
            ["diary", "step", "edit", "1", "--ticket", TICKET, "--did", f"Setup on {branch}"],
            cwd=cwd,
        )
        git(cwd, "commit", "-q", "-am", f"Docs: edit on {branch}")
    done = git(cwd, "merge", "--no-edit", "a", check=False)
    assert done.returncode != 0
    text = diary.read_text(encoding="utf-8")
    assert "<<<<<<< ours\n- Setup on b\n=======\n- Setup on a\n>>>>>>> theirs\n" in text
    assert f"ttmp/{DIARY_REL}" in git(cwd, "diff", "--name-only", "--diff-filter=U").stdout


def test_without_the_driver_the_same_merge_conflicts_as_before(
    invoke: Invoke, git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    diary = two_branches(invoke, git_repo, install=False)
    done = git(cwd, "merge", "--no-edit", "b", check=False)
    assert done.returncode != 0
    assert "<<<<<<<" in diary.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["tasks.md", "changelog.md", "01-notes.md"])
def test_the_driver_command_merges_files_directly(
    invoke: Invoke, git_repo: GitRepo, tmp_path: Path, name: str
) -> None:
    base, ours, theirs = (tmp_path / f"{n}.md" for n in ("base", "ours", "theirs"))
    base.write_text("# T\n\n- [ ] a <!-- t:aaaa -->\n", encoding="utf-8")
    ours.write_text("# T\n\n- [ ] a <!-- t:aaaa -->\n- [ ] b <!-- t:bbbb -->\n", encoding="utf-8")
    theirs.write_text("# T\n\n- [ ] a <!-- t:aaaa -->\n- [ ] c <!-- t:cccc -->\n", encoding="utf-8")
    args = ["merge-driver", str(base), str(ours), str(theirs), "7", f"ttmp/x/{name}"]
    expect = 1 if name == "01-notes.md" else 0  # other files get git's plain line merge
    invoke(args, cwd=git_repo.path, expect=expect)
    merged = ours.read_text(encoding="utf-8")
    assert ("<<<<<<<" in merged) == (expect == 1)
