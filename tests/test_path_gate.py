"""Gate 2, path confinement: every path a user passes stays inside the docs root.

The table below lists every path option of every verb; a test walks the click tree and fails
when a path-like option is neither in the table nor exempted with a reason. Each option is
tried with an absolute path outside the root, a ``../`` path, an inside symlink to an outside
file and a path through an inside symlinked folder: each is refused (exit 1, or 2 for a
usage error) and the outside folder is byte-identical afterwards, mtimes included.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from conftest import leaf_commands

from docmgr.errors import SymlinkWrite, UnsafePath
from docmgr.seams import fsio, paths
from docmgr.store import workspace as workspace_mod
from docmgr.store.ignore import Matcher

OUTSIDE_FILES = {
    "tasks.md": "# Tasks\n\n## TODO\n\n- [ ] outside task\n",
    "changelog.md": "# Changelog\n",
    "doc.md": "---\nTitle: Outside\nTicket: OK-1\nDocType: reference\nStatus: active\n"
    "Topics: []\n---\n\nbody\n",
    "broken.md": "---\nTitle: Broken\nTicket: OK-1\nDocType: reference\n\nbody\n",
    "diary.md": "---\nTitle: Diary\nTicket: OK-1\nDocType: reference\n---\n\n# Diary\n\n"
    "## Step 1: outside\n\n**Commit (code):** N/A\n\n### What I did\n\nx\n",
}

Invoke = Callable[..., Any]  # the conftest fixture that runs the CLI in-process


VARIANTS = ("absolute", "dotdot", "file-link", "folder-link")


@dataclass
class Gate:
    work: Path  # the repository; cwd of every command
    root: Path  # the docs root (work/ttmp)
    outside: Path  # a folder next to the repository that nothing may touch
    ticket: Path  # OK-1's folder
    other: Path  # OK-2's folder


@pytest.fixture
def gate(invoke: Invoke, git_repo: Any, tmp_path: Path) -> Gate:
    work = git_repo.path
    invoke(["init"], cwd=work)
    invoke(["ticket", "create", "--ticket", "OK-1", "--title", "Fine"], cwd=work)
    invoke(["ticket", "create", "--ticket", "OK-2", "--title", "Other"], cwd=work)
    invoke(["diary", "create", "--ticket", "OK-1"], cwd=work)
    invoke(["diary", "step", "add", "--ticket", "OK-1", "--title", "inside"], cwd=work)
    outside = tmp_path / "outside"
    outside.mkdir()
    for name, text in OUTSIDE_FILES.items():
        (outside / name).write_text(text, encoding="utf-8")
    root = work / "ttmp"
    return Gate(
        work, root, outside, next(root.rglob("OK-1--fine")), next(root.rglob("OK-2--other"))
    )


def snapshot(folder: Path) -> dict[str, tuple[bytes, int] | str]:
    """Every entry below ``folder``: bytes and mtime_ns of files, link targets, folders."""
    out: dict[str, tuple[bytes, int] | str] = {}
    for current, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(current) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                out[rel] = "-> " + os.readlink(path)
            elif path.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = (path.read_bytes(), path.stat().st_mtime_ns)
    return out


def file_variant(variant: str, g: Gate, name: str) -> str:
    """The command-line value that points at ``outside/<name>`` in the given way."""
    target = g.outside / name
    if variant == "absolute":
        return str(target)
    if variant == "dotdot":
        return os.path.relpath(target, g.work)
    if variant == "file-link":
        links = g.root / "links"
        links.mkdir(exist_ok=True)
        (links / name).symlink_to(target)
        return f"ttmp/links/{name}"
    (g.root / "out-link").symlink_to(g.outside, target_is_directory=True)
    return f"ttmp/out-link/{name}"


Value = Callable[[str, Gate], str]


def outside_file(name: str) -> Value:
    return lambda variant, g: file_variant(variant, g, name)


def path_template(variant: str, g: Gate) -> str:
    if variant == "absolute":  # spec §2.6: a leading "/" is stripped, so this lands inside
        return str(g.outside) + "/{{TICKET}}"
    if variant == "dotdot":
        return "../../{{TICKET}}"
    link = g.root / "out-link"
    link.symlink_to(g.outside, target_is_directory=True)
    return "out-link/{{TICKET}}" if variant == "folder-link" else "out-link"


def dest_dir(variant: str, g: Gate) -> str:
    if variant == "absolute":  # stripped to a folder inside the destination ticket
        return str(g.outside)
    if variant == "dotdot":
        return os.path.relpath(g.outside, g.other)
    (g.other / "linked").symlink_to(g.outside, target_is_directory=True)
    return "linked"


def import_name(variant: str, g: Gate) -> str:
    if variant == "absolute":
        return str(g.outside / "doc")
    if variant == "dotdot":
        return "../../doc"
    local = g.ticket / "sources" / "local"
    local.mkdir(parents=True, exist_ok=True)
    if variant == "file-link":
        (local / "doc.md").symlink_to(g.outside / "doc.md")
        return "doc"
    local.rmdir()
    local.symlink_to(g.outside, target_is_directory=True)
    return "doc"


@dataclass(frozen=True)
class Case:
    verb: str
    flag: str
    value: Value
    args: tuple[str, ...] = ()
    absolute_lands_inside: bool = False  # the spec folds an absolute value into the root
    usage: tuple[str, ...] = ()  # variants refused as a usage error (exit 2)


CASES = [
    Case("template validate", "--path", outside_file("doc.md")),
    *(
        Case(f"task {verb}", "--tasks-file", outside_file("tasks.md"), args)
        for verb, args in (
            ("list", ()),
            ("add", ("--text", "new")),
            ("check", ("--id", "1")),
            ("uncheck", ("--id", "1")),
            ("edit", ("--id", "1", "--text", "changed")),
            ("remove", ("--id", "1")),
            ("migrate", ()),
        )
    ),
    Case("changelog update", "--changelog-file", outside_file("changelog.md"), ("--entry", "x")),
    Case("doc relate", "--doc", outside_file("doc.md"), ("--file-note", "a.go:why")),
    Case("meta update", "--doc", outside_file("doc.md"), ("--field", "Status", "--value", "x")),
    Case("validate frontmatter", "--doc", outside_file("broken.md"), ("--auto-fix",)),
    Case("doctor", "--doc", outside_file("broken.md")),
    Case("doc move", "--doc", outside_file("doc.md"), ("--dest-ticket", "OK-2")),
    Case(
        "doc move",
        "--dest-dir",
        dest_dir,
        ("--doc", "reference/01-diary.md", "--dest-ticket", "OK-2"),
        absolute_lands_inside=True,
        usage=("dotdot",),
    ),
    Case("diary step add", "--diary", outside_file("diary.md"), ("--title", "t")),
    Case("diary step list", "--diary", outside_file("diary.md")),
    Case("diary step show", "--diary", outside_file("diary.md"), ("1",)),
    Case(
        "diary step link", "--diary", outside_file("diary.md"), ("--step", "1", "--commit", "HEAD")
    ),
    Case("diary step edit", "--diary", outside_file("diary.md"), ("1", "--did", "x")),
    Case("diary renumber", "--diary", outside_file("diary.md")),
    Case("diary verify", "--diary", outside_file("diary.md"), ("--fix",)),
    Case("import file", "--name", import_name, ("--ticket", "OK-1", "--file", "src.md")),
    Case(
        "ticket create",
        "--path-template",
        path_template,
        ("--ticket", "T-9", "--title", "x"),
        absolute_lands_inside=True,
    ),
    Case(
        "ticket move",
        "--path-template",
        path_template,
        ("--ticket", "OK-2"),
        absolute_lands_inside=True,
    ),
]

# Path-like options that are not a path into the docs root, and why.
EXEMPT = {
    ("import file", "--file"): "the source is read from anywhere; its target is --name",
    ("export-sqlite", "--out"): "the export is written where the user asks (documented)",
    ("site build", "--out"): "the site is written where the user asks, never inside the docs "
    "root, and replaces only an empty folder or an earlier site (test_web_site)",
    ("diary step add", "--intro-file"): "input text read from anywhere, nothing written there",
    ("diary step add", "--from-file"): "input text read from anywhere, nothing written there",
    ("diary step edit", "--intro-file"): "input text read from anywhere, nothing written there",
    ("diary step edit", "--from-file"): "input text read from anywhere, nothing written there",
    ("diary coverage", "--path"): "pathspecs that filter git history; no file is opened",
    ("merge-driver", "pathname"): "git's name for the merged file, only picks the format",
    ("ignore explain", "path"): "only matched against ignore rules; no file is opened",
    ("doc search", "--file"): "a RelatedFiles reverse lookup: compared as text",
    ("doc search", "--dir"): "a RelatedFiles reverse lookup: compared as text",
    ("doctor", "--ignore-dir"): "folder names to skip, not paths",
    ("changelog update", "--file-note"): "RelatedFiles-style references stored as text",
    ("doc relate", "--file-note"): "RelatedFiles references stored as text",
    ("doc relate", "--remove-files"): "RelatedFiles references stored as text",
    ("doc add", "--related-files"): "RelatedFiles references stored as text",
    ("doc add", "--doc-type"): "a single folder name (validate_segment; test_cli_errors)",
    ("doc list", "--doc-type"): "a filter value",
    ("doc search", "--doc-type"): "a filter value",
    ("doc guidelines", "--doc-type"): "a template name looked up in the root",
    ("meta update", "--doc-type"): "a filter value",
    ("ticket graph", "--direction"): "not a path: up, down or both",
    ("skill list", "--file"): "a filter on plans' file sources: compared as paths",
    ("skill list", "--dir"): "a filter on plans' file sources: compared as paths",
    ("skill export", "--out-dir"): "the export is written where the user asks (documented)",
    ("skill export", "--output-skill"): "the .skill zip is written where the user asks",
}

PATH_WORDS = ("file", "doc", "diary", "path", "dir", "out")


def _commands() -> dict[Callable[..., object], tuple[set[str], click.Command]]:
    """callback -> (every spelling of the verb, the command), over the whole tree."""
    found: dict[Callable[..., object], tuple[set[str], click.Command]] = {}
    for path, cmd in leaf_commands():
        if cmd.callback is not None:
            names, _ = found.setdefault(cmd.callback, (set(), cmd))
            names.add(path)
    return found


def _spelling(param: click.Parameter) -> str:
    """``--long-flag`` of an option, the name of an argument."""
    if isinstance(param, click.Option):
        return next((o for o in param.opts if o.startswith("--")), param.opts[0])
    return param.name or ""


def test_every_path_option_is_in_the_table() -> None:
    covered = {(c.verb, c.flag) for c in CASES}
    missing = []
    for names, command in _commands().values():
        for param in command.params:
            name = _spelling(param)
            if isinstance(param, click.Option) and (param.is_flag or name == "--output"):
                continue
            if not any(word in name for word in PATH_WORDS):
                continue
            keys = {(verb, name) for verb in names}
            if not keys & (covered | set(EXEMPT)):
                missing.append(f"{sorted(names)[0]} {name}")
    assert missing == [], "path options neither confined in CASES nor exempted: " + ", ".join(
        missing
    )


def test_table_names_real_options() -> None:
    commands = _commands().values()
    for verb, flag in [(c.verb, c.flag) for c in CASES]:
        matches = [cmd for names, cmd in commands if verb in names]
        assert matches, verb
        assert any(flag in p.opts for p in matches[0].params), (verb, flag)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.verb} {c.flag}")
def test_outside_paths_are_refused(invoke: Invoke, gate: Gate, case: Case, variant: str) -> None:
    (gate.work / "src.md").write_text("# imported\n", encoding="utf-8")
    value = case.value(variant, gate)
    before_outside = snapshot(gate.outside)
    before_root = snapshot(gate.root)
    args = [*case.verb.split(), case.flag, value, *case.args]
    if variant == "absolute" and case.absolute_lands_inside:
        invoke(args, cwd=gate.work)
    else:
        out = invoke(args, cwd=gate.work, expect=2 if variant in case.usage else 1)
        assert out.stderr.startswith("Error: ") and "Traceback" not in out.stderr, out
        assert snapshot(gate.root) == before_root  # refused before anything was written
    assert snapshot(gate.outside) == before_outside


def test_a_doc_symlinked_outside_is_not_indexed_edited_or_hidden(
    invoke: Invoke, gate: Gate
) -> None:
    listed = invoke(["doc", "list", "--ticket", "OK-1", "--output", "json"], cwd=gate.work)
    assert "linked" not in listed.stdout  # the index exists before the link appears
    link = gate.ticket / "reference" / "02-linked.md"
    link.symlink_to(gate.outside / "doc.md")
    before = snapshot(gate.outside)
    listed = invoke(["doc", "list", "--ticket", "OK-1", "--output", "json"], cwd=gate.work)
    assert "02-linked" not in listed.stdout
    found = invoke(["search", "--query", "body", "--output", "json"], cwd=gate.work)
    assert "02-linked" not in found.stdout
    out = invoke(
        ["meta", "update", "--doc", str(link), "--field", "Status", "--value", "x"],
        cwd=gate.work,
        expect=1,
    )
    assert "leaves the docs root" in out.stderr
    assert link.is_symlink()
    report = invoke(["doctor", "--all", "--fail-on", "none", "--output", "json"], cwd=gate.work)
    rows = [r for r in json.loads(report.stdout) if r["issue"] == "symlink_outside_root"]
    assert [(r["path"], r["ticket"], r["severity"]) for r in rows] == [
        (str(link), "OK-1", "warning")
    ]
    assert "document is a symlink leaving the docs root" in rows[0]["message"]
    scoped = invoke(
        ["doctor", "--ticket", "OK-2", "--fail-on", "none", "--output", "json"], cwd=gate.work
    )
    assert "symlink_outside_root" not in scoped.stdout
    assert snapshot(gate.outside) == before


def test_a_control_file_symlinked_outside_is_reported_and_never_written(
    invoke: Invoke, gate: Gate
) -> None:
    tasks = gate.ticket / "tasks.md"
    tasks.unlink()
    tasks.symlink_to(gate.outside / "tasks.md")
    before = snapshot(gate.outside)
    out = invoke(["task", "add", "--ticket", "OK-1", "--text", "x"], cwd=gate.work, expect=1)
    assert "leaves the docs root" in out.stderr
    invoke(["task", "list", "--ticket", "OK-1"], cwd=gate.work, expect=1)
    report = invoke(
        ["doctor", "--ticket", "OK-1", "--fail-on", "none", "--output", "json"], cwd=gate.work
    )
    rows = [r for r in json.loads(report.stdout) if r["issue"] == "symlink_outside_root"]
    assert len(rows) == 1 and rows[0]["message"].startswith("control file")
    assert snapshot(gate.outside) == before
    assert tasks.is_symlink()


def test_a_symlink_that_stays_inside_is_read_but_never_written_through(
    invoke: Invoke, gate: Gate
) -> None:
    diary = gate.ticket / "reference" / "01-diary.md"
    alias = gate.ticket / "reference" / "02-alias.md"
    alias.symlink_to(diary)
    listed = invoke(["doc", "list", "--ticket", "OK-1", "--output", "json"], cwd=gate.work)
    assert "02-alias" in listed.stdout
    before = diary.read_bytes()
    out = invoke(
        ["meta", "update", "--doc", str(alias), "--field", "Status", "--value", "x"],
        cwd=gate.work,
        expect=1,
    )
    assert "through a symlink" in out.stderr
    assert diary.read_bytes() == before and alias.is_symlink()
    shown = invoke(["diary", "step", "list", "--diary", str(alias)], cwd=gate.work)
    assert "inside" in shown.stdout


def test_import_does_not_write_through_a_linked_meta_folder(invoke: Invoke, gate: Gate) -> None:
    (gate.outside / "meta").mkdir()
    shutil.rmtree(gate.ticket / ".meta", ignore_errors=True)
    (gate.ticket / ".meta").symlink_to(gate.outside / "meta", target_is_directory=True)
    (gate.work / "src.md").write_text("# imported\n", encoding="utf-8")
    before = snapshot(gate.outside)
    index_before = (gate.ticket / "index.md").read_bytes()
    out = invoke(
        ["import", "file", "--ticket", "OK-1", "--file", "src.md"], cwd=gate.work, expect=1
    )
    assert ".meta" in out.stderr
    assert snapshot(gate.outside) == before
    assert not (gate.ticket / "sources" / "local" / "src.md").exists()  # nothing half-done
    assert (gate.ticket / "index.md").read_bytes() == index_before


@pytest.mark.parametrize("verb", [["doc", "list"], ["status"], ["search", "--query", "x"]])
def test_root_of_the_file_system_is_refused(
    invoke: Invoke, tmp_path: Path, verb: list[str]
) -> None:
    out = invoke([*verb, "--root", "/"], cwd=tmp_path, expect=1)
    assert out.stderr.splitlines() == [
        "Error: docs root / is the file-system root — pass --root <docs folder>, e.g. ttmp"
    ]
    assert not (tmp_path / "cache").exists()  # no index was built


def test_home_folder_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.md").write_text("# mine\n", encoding="utf-8")
    out = invoke(
        ["doc", "list", "--root", str(home)], cwd=tmp_path, expect=1, env={"HOME": str(home)}
    )
    assert f"docs root {home} is the home folder" in out.stderr
    out = invoke(["init", "--root", str(home)], cwd=tmp_path, expect=1, env={"HOME": str(home)})
    assert "is the home folder" in out.stderr
    assert sorted(p.name for p in home.iterdir()) == ["notes.md"]


def test_a_big_folder_without_a_ticket_is_refused(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workspace_mod, "ROOT_SCAN_LIMIT", 40)  # the real bound is 5,000
    big = tmp_path / "big"
    for n in range(5):
        folder = big / f"d{n}"
        folder.mkdir(parents=True)
        for m in range(10):
            (folder / f"f{m}.md").write_text("# x\n", encoding="utf-8")
    out = invoke(["doc", "list", "--root", str(big)], cwd=tmp_path, expect=1)
    assert out.stderr.splitlines() == [
        f"Error: docs root {big} holds more than 40 files and folders but no ticket"
        " — pass --root <docs folder>, e.g. ttmp"
    ]
    ticket = big / "a-ticket"  # the depth-first scan meets it first, within the bound
    ticket.mkdir()
    (ticket / "index.md").write_text(
        "---\nTitle: b\nTicket: B-1\nDocType: index\n---\n", encoding="utf-8"
    )
    listed = invoke(["ticket", "list", "--root", str(big), "--output", "json"], cwd=tmp_path)
    assert "B-1" in listed.stdout


def test_init_into_a_new_or_empty_folder_still_works(invoke: Invoke, tmp_path: Path) -> None:
    invoke(["init", "--root", str(tmp_path / "new" / "docs")], cwd=tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    invoke(["init", "--root", str(empty)], cwd=tmp_path)
    assert (empty / ".docmgrignore").is_file()
    invoke(["doc", "list", "--root", str(empty)], cwd=tmp_path)


def test_atomic_write_and_update_file_refuse_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "target.md"
    target.write_text("original\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    stamp = target.stat().st_mtime_ns
    with pytest.raises(SymlinkWrite, match="link.md is a symlink") as caught:
        fsio.atomic_write(link, "new\n")
    assert "replace the link by the real file" in str(caught.value)
    with pytest.raises(SymlinkWrite):
        fsio.update_file(link, lambda text: text + "more\n")
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "original\n"
    assert target.stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir() if "docmgr-tmp" in p.name] == []


def test_walk_skips_links_leading_out_and_lists_them(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "t").mkdir(parents=True)
    (root / "t" / "index.md").write_text("---\nDocType: index\n---\n", encoding="utf-8")
    (tmp_path / "out.md").write_text("x\n", encoding="utf-8")
    (root / "t" / "away.md").symlink_to(tmp_path / "out.md")
    (root / "t" / "near.md").symlink_to(root / "t" / "index.md")
    (root / "t" / "tasks.md").symlink_to(tmp_path / "out.md")
    walked = [
        rel
        for _p, rel, _st, _c in workspace_mod.walk_markdown(root, Matcher.for_root(root, tmp_path))
    ]
    assert walked == ["t/index.md", "t/near.md"]
    links = workspace_mod.outside_links(root, Matcher.for_root(root, tmp_path))
    assert [(rel, control) for _p, rel, control in links] == [
        ("t/away.md", False),
        ("t/tasks.md", True),
    ]


@pytest.mark.parametrize(
    ("given", "purpose", "problem"),
    [
        ("../x.md", "read", "outside the docs root"),
        ("/etc/passwd", "read", "outside the docs root"),
        ("away/x.md", "read", "leaves the docs root"),
        ("near/x.md", "write", "through a symlink"),
        ("near", "write", "through a symlink"),
        ("file.md", "write", "through a symlink"),
    ],
)
def test_confine_refuses(tmp_path: Path, given: str, purpose: str, problem: str) -> None:
    root = tmp_path / "root"
    (root / "real").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "away").symlink_to(tmp_path / "outside", target_is_directory=True)
    (root / "near").symlink_to(root / "real", target_is_directory=True)
    (root / "real" / "doc.md").write_text("x\n", encoding="utf-8")
    (root / "file.md").symlink_to(root / "real" / "doc.md")
    with pytest.raises(UnsafePath, match=problem):
        paths.confine(root, given, cwd=root, purpose=purpose)  # type: ignore[arg-type]


def test_confine_accepts_and_normalises(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "real").mkdir(parents=True)
    (root / "near").symlink_to(root / "real", target_is_directory=True)
    assert paths.confine(root, "ttmp-x/../real/a.md", cwd=root) == root / "real" / "a.md"
    assert paths.confine(root, "root/real", cwd=tmp_path, purpose="write") == root / "real"
    assert paths.confine(root, "near/a.md", cwd=root, purpose="read") == root / "near" / "a.md"
    real_root = Path(os.path.realpath(root))
    assert paths.confine(root, real_root / "real", cwd=root) == root / "real"
