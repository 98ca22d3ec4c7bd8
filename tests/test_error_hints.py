"""Every hint names a command that helps: a table of error scenarios, each hint's command run.

For each scenario the failing command is run, the ``'docmgr …'`` command its hint suggests is
extracted and run, and then either the failing command's outcome changed (the hint fixed
it) or the suggested command was a read-only explanation (exit 0, no file changed, and it
printed something). Also: the messages a newcomer met on main (doc relate's doubled hint
with a literal ``<file>``, validate's circular "run with --suggest-fixes", a duplicate key
that validate and doctor passed, click's unrelated "Did you mean" guesses).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import Result

HINTED = re.compile(r"'(docmgr [^']*)'")
DUP_DOC = "---\nTitle: first\nTitle: second\nTicket: T-1\nDocType: design-doc\n---\nbody\n"


@pytest.fixture
def work(invoke: Callable[..., Result], tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    invoke(["init"], cwd=tmp_path)
    invoke(["ticket", "create", "--ticket", "T-1", "--title", "First"], cwd=tmp_path)
    invoke(["diary", "create", "--ticket", "T-1"], cwd=tmp_path)
    invoke(["ticket", "create", "--ticket", "N-1", "--title", "No diary"], cwd=tmp_path)
    return tmp_path


def _ticket_dir(work: Path, ticket: str = "T-1") -> Path:
    return next((work / "ttmp").glob(f"*/*/*/{ticket}--*"))


def _write(work: Path, rel: str, text: str) -> str:
    path = _ticket_dir(work) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and "cache" not in p.relative_to(root).parts
    }


@dataclass(frozen=True)
class Scenario:
    name: str
    setup: Callable[[Path], list[str]]  # prepares the workspace, returns the failing argv


SCENARIOS = [
    Scenario(
        "meta update on a duplicate key",
        lambda w: [
            "meta",
            "update",
            "--doc",
            _write(w, "design-doc/01-dup.md", DUP_DOC),
            "--field",
            "Status",
            "--value",
            "review",
        ],
    ),
    Scenario(
        "validate a duplicate key",
        lambda w: ["validate", "frontmatter", "--doc", _write(w, "design-doc/01-dup.md", DUP_DOC)],
    ),
    Scenario(
        "validate --suggest-fixes a duplicate key",
        lambda w: [
            "validate",
            "frontmatter",
            "--suggest-fixes",
            "--doc",
            _write(w, "design-doc/01-dup.md", DUP_DOC),
        ],
    ),
    Scenario(
        "relate to a broken document",
        lambda w: [
            "doc",
            "relate",
            "--doc",
            _write(w, "design-doc/02-broken.md", "---\nTitle: [x\n---\n"),
            "--file-note",
            "a.go:why",
        ],
    ),
    Scenario(
        "a step for a ticket without a diary",
        lambda w: ["diary", "step", "add", "--ticket", "N-1", "--title", "x", "--did", "y"],
    ),
    Scenario("an unknown ticket", lambda w: ["ticket", "show", "T-2"]),
    Scenario("an unknown ticket in a filter", lambda w: ["doc", "list", "--ticket", "ZZZ"]),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_the_hint_of_each_error_helps(
    run: Callable[..., Result], work: Path, scenario: Scenario
) -> None:
    argv = scenario.setup(work)
    failed = run(argv, cwd=work)
    assert failed.exit_code != 0, failed
    line = failed.stderr.strip().splitlines()[-1]
    assert line.startswith("Error: ") and " — " in line
    assert "<file>" not in line and line.count(" — ") == 1, line
    found = HINTED.search(line)
    assert found is not None, f"the hint names no command: {line}"
    before = _snapshot(work)
    hinted = run(shlex.split(found.group(1))[1:], cwd=work)
    if _snapshot(work) == before:  # a read-only explanation: it succeeds and says something
        assert hinted.exit_code in (0, 1) and (hinted.stdout + hinted.stderr).strip()
        assert "Traceback" not in hinted.stderr
        if hinted.exit_code == 1:  # explaining a broken file, e.g. validate --suggest-fixes
            assert "Suggested fixes" in hinted.stderr or "File:" in hinted.stderr, hinted
    else:  # a fix: the failing command now has another outcome
        assert hinted.exit_code == 0, hinted
        again = run(argv, cwd=work)
        assert (again.exit_code, again.stderr) != (failed.exit_code, failed.stderr)


def test_following_the_hints_repairs_a_duplicate_key(
    run: Callable[..., Result], work: Path
) -> None:
    doc = _write(work, "design-doc/01-dup.md", DUP_DOC)
    update = ["meta", "update", "--doc", doc, "--field", "Status", "--value", "review"]
    for _ in range(3):  # meta update → validate --suggest-fixes → validate --auto-fix
        failed = run(update, cwd=work)
        if failed.exit_code == 0:
            break
        step = HINTED.search(failed.stderr.splitlines()[-1])
        assert step is not None
        argv = shlex.split(step.group(1))[1:]
        explained = run(argv, cwd=work)
        follow = HINTED.search(explained.stderr.splitlines()[-1]) if explained.exit_code else None
        if follow is not None:
            assert run(shlex.split(follow.group(1))[1:], cwd=work).exit_code == 0
    assert run(update, cwd=work).exit_code == 0
    text = Path(doc).read_text(encoding="utf-8")
    assert "Title: second" in text and "Title: first" not in text and "Status: review" in text


def test_a_duplicate_key_fails_validate_and_doctor(run: Callable[..., Result], work: Path) -> None:
    doc = _write(work, "design-doc/01-dup.md", DUP_DOC)
    validated = run(["validate", "frontmatter", "--doc", doc], cwd=work)
    assert validated.exit_code == 1 and "duplicate key 'Title'" in validated.stderr
    doctor = run(["doctor", "--ticket", "T-1"], cwd=work)
    assert "duplicate key 'Title'" in doctor.stdout


def test_relate_prints_one_hint_naming_the_file(run: Callable[..., Result], work: Path) -> None:
    doc = _write(work, "design-doc/02-broken.md", "---\nTitle: [x\n---\n")
    failed = run(["doc", "relate", "--doc", doc, "--file-note", "a.go:why"], cwd=work)
    assert failed.exit_code == 1
    assert failed.stderr.count(" — ") == 1 and "<file>" not in failed.stderr
    assert "02-broken.md --suggest-fixes'" in failed.stderr


def test_validate_hints_are_not_circular(run: Callable[..., Result], work: Path) -> None:
    fixable = _write(work, "design-doc/01-dup.md", DUP_DOC)
    plain = run(["validate", "frontmatter", "--doc", fixable], cwd=work).stderr
    assert "--suggest-fixes'" in plain
    suggested = run(["validate", "frontmatter", "--doc", fixable, "--suggest-fixes"], cwd=work)
    assert "--suggest-fixes" not in suggested.stderr.splitlines()[-1]
    assert "--auto-fix'" in suggested.stderr
    hopeless = _write(work, "design-doc/03-none.md", "no front matter at all\n")
    none = run(["validate", "frontmatter", "--doc", hopeless, "--suggest-fixes"], cwd=work)
    last = none.stderr.splitlines()[-1]
    assert "no automatic repair" in last and "--suggest-fixes" not in last


@pytest.mark.parametrize(
    ("argv", "suggestion"),
    [
        (["translate"], None),  # click's difflib guess was 'relate'
        (["emplate"], "template"),
        (["frobnicate"], None),
        (["tikcet", "list"], "ticket"),
        (["serch"], "search"),
        (["ticket", "shw"], "show"),
        (["diary", "stp"], "step"),
    ],
)
def test_unknown_verbs_suggest_only_plausible_typos(
    run: Callable[..., Result], work: Path, argv: list[str], suggestion: str | None
) -> None:
    failed = run(argv, cwd=work)
    assert failed.exit_code == 2
    if suggestion is None:
        assert "Did you mean" not in failed.stderr
    else:
        assert f"Did you mean '{suggestion}'?" in failed.stderr


@pytest.fixture
def run(invoke: Callable[..., Result]) -> Callable[..., Result]:
    """``invoke`` without an expected exit code (the tests look at it)."""
    from click.testing import CliRunner

    from docmgr.cli import cli
    from docmgr.cli._common import App
    from docmgr.seams.clock import FixedClock

    def go(argv: list[str], *, cwd: Path) -> Result:
        import conftest

        outcome = CliRunner().invoke(
            cli,
            argv,
            obj=App(clock=FixedClock(conftest.FROZEN), cwd=cwd),
            env={"DOCMGR_CONFIG": "", "DOCMGR_NOW": ""},
            catch_exceptions=False,
        )
        return conftest.Result(outcome.exit_code, outcome.stdout, outcome.stderr)

    return go
