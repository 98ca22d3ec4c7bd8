"""Docs-root resolution (spec §2.1), ``config show``, ``configure``, ``init`` and ``vocab``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitRepo, Result

from docmgr.store import config as configmod
from docmgr.store.workspace import Workspace


def root_of(cwd: Path, flag: str | None = None, env: dict[str, str] | None = None) -> Path:
    return Workspace.open(
        flag, cwd=cwd, env={"DOCMGR_CACHE_DIR": os.environ["DOCMGR_CACHE_DIR"], **(env or {})}
    ).root


# --------------------------------------------------------------------------- resolution order


def test_root_flag_absolute_and_relative(tmp_path: Path) -> None:
    (tmp_path / ".ttmp.yaml").write_text("root: from-config\n", encoding="utf-8")
    assert root_of(tmp_path, str(tmp_path / "abs")) == tmp_path / "abs"
    assert root_of(tmp_path / "", "rel/docs") == tmp_path / "rel/docs"


def test_root_flag_ttmp_means_not_given(tmp_path: Path) -> None:
    (tmp_path / ".ttmp.yaml").write_text("root: from-config\n", encoding="utf-8")
    assert root_of(tmp_path, "ttmp") == tmp_path / "from-config"


def test_docmgr_config_env_wins_over_nearest_file(tmp_path: Path) -> None:
    (tmp_path / ".ttmp.yaml").write_text("root: near\n", encoding="utf-8")
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "cfg.yaml").write_text("root: far\n", encoding="utf-8")
    assert root_of(tmp_path, env={"DOCMGR_CONFIG": str(other / "cfg.yaml")}) == other / "far"
    assert root_of(tmp_path, env={"DOCMGR_CONFIG": "elsewhere/cfg.yaml"}) == other / "far"
    # a DOCMGR_CONFIG that does not exist is ignored
    assert root_of(tmp_path, env={"DOCMGR_CONFIG": str(other / "nope.yaml")}) == tmp_path / "near"


def test_nearest_config_walking_up_relative_to_its_folder(tmp_path: Path) -> None:
    (tmp_path / ".ttmp.yaml").write_text("root: docs/tickets\n", encoding="utf-8")
    deep = tmp_path / "a/b/c"
    deep.mkdir(parents=True)
    assert root_of(deep) == tmp_path / "docs/tickets"
    (tmp_path / "a/.ttmp.yaml").write_text("root: /abs/root\n", encoding="utf-8")
    assert root_of(deep) == Path("/abs/root")


def test_config_without_root_falls_through_to_git(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".ttmp.yaml").write_text("defaults:\n    intent: x\n", encoding="utf-8")
    ws = Workspace.open(
        None, cwd=tmp_path, env={"DOCMGR_CACHE_DIR": os.environ["DOCMGR_CACHE_DIR"]}
    )
    assert ws.root == tmp_path / "ttmp"
    assert ws.config is not None and ws.config.intent == "x"


def test_malformed_config_warns_and_falls_through(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".ttmp.yaml").write_text("root: [broken\n", encoding="utf-8")
    ws = Workspace.open(
        None, cwd=tmp_path, env={"DOCMGR_CACHE_DIR": os.environ["DOCMGR_CACHE_DIR"]}
    )
    assert ws.root == tmp_path / "ttmp"
    assert ws.resolution.warnings and ws.resolution.warnings[0].startswith(
        "Warning: failed to parse config file"
    )


def test_git_root(git_repo: GitRepo) -> None:
    sub = git_repo.path / "pkg/deep"
    sub.mkdir(parents=True)
    ws = Workspace.open(None, cwd=sub, env={"DOCMGR_CACHE_DIR": os.environ["DOCMGR_CACHE_DIR"]})
    assert ws.root == git_repo.path / "ttmp"
    assert ws.repo_root == git_repo.path


def test_git_worktree_file(git_repo: GitRepo, tmp_path: Path) -> None:
    worktree = tmp_path / "wt"
    git_repo.git("worktree", "add", "-q", str(worktree), "-b", "side")
    assert (worktree / ".git").is_file()
    assert root_of(worktree / "") == worktree / "ttmp"


def test_git_file_pointing_nowhere_is_ignored(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    inner = outer / "inner"
    inner.mkdir(parents=True)
    (outer / ".git").mkdir()
    (inner / ".git").write_text("gitdir: /does/not/exist\n", encoding="utf-8")
    assert root_of(inner) == outer / "ttmp"


def test_cwd_fallback(tmp_path: Path) -> None:
    assert configmod.find_git_root(tmp_path) is None, "tmp_path must not be inside a repository"
    assert root_of(tmp_path) == tmp_path / "ttmp"


def test_root_flag_before_and_on_the_verb(invoke: Callable[..., Result], tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    invoke(
        ["ticket", "create", "--ticket", "A-1", "--title", "x", "--root", str(docs)], cwd=tmp_path
    )
    before = invoke(["--root", str(docs), "ticket", "list", "--output", "json"], cwd=tmp_path)
    on_verb = invoke(["ticket", "list", "--root", str(docs), "--output", "json"], cwd=tmp_path)
    assert [r["ticket"] for r in json.loads(before.stdout)] == ["A-1"]
    assert before.stdout == on_verb.stdout


def test_env_config_through_cli(invoke: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "cfg.yaml").write_text("root: viaenv\n", encoding="utf-8")
    out = invoke(
        ["config", "show"], cwd=tmp_path, env={"DOCMGR_CONFIG": str(tmp_path / "cfg.yaml")}
    )
    assert f"  root: {tmp_path / 'viaenv'}" in out.stdout.splitlines()
    assert "✓ DOCMGR_CONFIG env var" in out.stdout


def test_missing_root_is_an_error_for_readers(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    out = invoke(["ticket", "list", "--root", str(tmp_path / "nope")], cwd=tmp_path, expect=1)
    assert out.stderr == (
        f"Error: root directory does not exist: {tmp_path / 'nope'} — run "
        "'docmgr init' or pass --root\n"
    )


# --------------------------------------------------------------------------- config show


def test_config_show(invoke: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / ".ttmp.yaml").write_text(
        "root: ttmp\ndefaults:\n    owners: [manuel, alex]\n    intent: long-term\n",
        encoding="utf-8",
    )
    out = invoke(["config", "show"], cwd=tmp_path).stdout.splitlines()
    assert out[:3] == [
        "Configuration sources (in precedence order):",
        "  1.   --root flag: <not applicable>",
        "  2. ✓ .ttmp.yaml: .ttmp.yaml (current dir)",
    ]
    assert f"  root: {tmp_path / 'ttmp'}" in out
    assert "  defaults.owners: [manuel alex]" in out
    assert "  defaults.intent: long-term" in out
    rows = json.loads(invoke(["config", "show", "--output", "json"], cwd=tmp_path).stdout)
    assert rows[0] == {"section": "Configuration Sources (in precedence order)"}
    assert rows[1] == {"step": 1, "source": "--root flag", "status": "", "path": "<not applicable>"}
    assert rows[2]["status"] == "✓ used"
    assert {"section": "Active Configuration"} in rows
    assert {"setting": "root", "value": str(tmp_path / "ttmp"), "source": ".ttmp.yaml"} in rows


def test_config_show_git_and_cwd_steps(
    invoke: Callable[..., Result], tmp_path: Path, git_repo: GitRepo
) -> None:
    out = invoke(["config", "show"], cwd=git_repo.path).stdout
    assert f"✓ Git repository root: {git_repo.path / 'ttmp'}" in out
    plain = tmp_path / "plain"
    plain.mkdir()
    out = invoke(["config", "show"], cwd=plain).stdout
    assert f"✓ Default (current directory): {plain / 'ttmp'}" in out


# --------------------------------------------------------------------------- configure / init


def test_configure_writes_and_keeps(invoke: Callable[..., Result], git_repo: GitRepo) -> None:
    cwd = git_repo.path
    out = invoke(["configure", "--owners", "manuel", "--intent", "long-term"], cwd=cwd)
    assert out.stdout.splitlines() == [
        f"Configuration file: {cwd / '.ttmp.yaml'}",
        "- Root: ttmp",
        "- Vocabulary: ttmp/vocabulary.yaml",
        "- Status: written",
    ]
    assert (cwd / ".ttmp.yaml").read_text(encoding="utf-8") == (
        "root: ttmp\ndefaults:\n    owners:\n        - manuel\n    intent: long-term\n"
        'filenamePrefixPolicy: ""\nvocabulary: ttmp/vocabulary.yaml\n'
    )
    row = json.loads(
        invoke(["workspace", "configure", "--root", "docs", "--output", "json"], cwd=cwd).stdout
    )[0]
    assert row == {
        "config": str(cwd / ".ttmp.yaml"),
        "root": "docs",
        "vocabulary": "docs/vocabulary.yaml",
        "status": "exists",
    }
    invoke(["configure", "--root", "docs", "--force"], cwd=cwd)
    assert (cwd / ".ttmp.yaml").read_text(encoding="utf-8") == (
        'root: docs\ndefaults:\n    owners: []\n    intent: long-term\nfilenamePrefixPolicy: ""\n'
        "vocabulary: docs/vocabulary.yaml\n"
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and ".git/" not in p.as_posix()
        and not p.relative_to(folder).as_posix().startswith(".git")
    }


def test_init_creates_root_and_is_idempotent(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    out = invoke(["init"], cwd=cwd)
    root = cwd / "ttmp"
    assert out.stdout.splitlines() == [
        f"Docs root initialized at {root}",
        f"- Vocabulary: {root / 'vocabulary.yaml'}",
        f"- .docmgrignore: {root / '.docmgrignore'}",
        f"- Config: {cwd / '.ttmp.yaml'}",
        "- Status: initialized",
    ]
    assert (root / ".docmgrignore").read_text(encoding="utf-8") == (
        "# Default ignores for docmgr\n.git/\n_templates/\n_guidelines/\n"
    )
    for name in ("design-doc", "index", "reference", "playbook"):
        assert (root / "_templates" / f"{name}.md").is_file()
        assert (root / "_guidelines" / f"{name}.md").is_file()
    assert (cwd / ".ttmp.yaml").read_text(encoding="utf-8") == (
        'root: ttmp\ndefaults:\n    owners: []\n    intent: ""\nfilenamePrefixPolicy: ""\n'
        "vocabulary: ttmp/vocabulary.yaml\n"
    )
    vocab = (root / "vocabulary.yaml").read_text(encoding="utf-8")
    assert vocab.startswith(
        "topics:\n    - slug: chat\n      description: Chat backend and frontend surfaces\n"
    )
    before = snapshot(cwd)
    invoke(["workspace", "init"], cwd=cwd)
    assert snapshot(cwd) == before


def test_init_force_keeps_custom_vocabulary_and_rewrites_templates(
    invoke: Callable[..., Result], git_repo: GitRepo
) -> None:
    cwd = git_repo.path
    invoke(["init"], cwd=cwd)
    invoke(
        ["vocab", "add", "--category", "topics", "--slug", "Infra", "--description", "CI"], cwd=cwd
    )
    template = cwd / "ttmp/_templates/design-doc.md"
    original = template.read_text(encoding="utf-8")
    template.write_text("mine\n", encoding="utf-8")
    invoke(["init", "--force"], cwd=cwd)
    assert "- slug: infra\n      description: CI\n" in (cwd / "ttmp/vocabulary.yaml").read_text(
        encoding="utf-8"
    )
    assert template.read_text(encoding="utf-8") == original


def test_init_without_seed(invoke: Callable[..., Result], tmp_path: Path) -> None:
    invoke(["init", "--root", str(tmp_path / "r"), "--no-seed-vocabulary"], cwd=tmp_path)
    assert (tmp_path / "r/vocabulary.yaml").read_text(encoding="utf-8") == (
        "topics: []\ndocTypes: []\nintent: []\n"
    )


# --------------------------------------------------------------------------- vocab


def test_vocab_list_and_add(invoke: Callable[..., Result], git_repo: GitRepo) -> None:
    cwd = git_repo.path
    invoke(["init"], cwd=cwd)
    rows = json.loads(
        invoke(["vocab", "list", "--category", "topics", "--output", "json"], cwd=cwd).stdout
    )
    assert rows == [
        {"category": "topics", "slug": "chat", "description": "Chat backend and frontend surfaces"},
        {"category": "topics", "slug": "backend", "description": "Backend services"},
        {"category": "topics", "slug": "websocket", "description": "WebSocket lifecycle & events"},
    ]
    out = invoke(
        [
            "vocab",
            "add",
            "--category",
            "doctypes",
            "--slug",
            "til",
            "--description",
            "Today I learned",
        ],
        cwd=cwd,
    )
    assert out.stdout == "vocabulary entry added: doctypes/til (Today I learned)\n"
    rows = json.loads(invoke(["vocab", "list", "--output", "json"], cwd=cwd).stdout)
    assert {"category": "docTypes", "slug": "til", "description": "Today I learned"} in rows
    assert {r["category"] for r in rows} == {"topics", "docTypes", "intent", "status"}
    err = invoke(
        ["vocab", "add", "--category", "topics", "--slug", "chat", "--description", "x"],
        cwd=cwd,
        expect=1,
    ).stderr
    assert err.startswith("Error: slug 'chat' already exists in category 'topics'")
    err = invoke(["vocab", "list", "--category", "colors"], cwd=cwd, expect=2).stderr
    assert err.startswith("Error: invalid category: colors")


def test_malformed_vocabulary_is_an_error(invoke: Callable[..., Result], git_repo: GitRepo) -> None:
    cwd = git_repo.path
    (cwd / "ttmp").mkdir()
    (cwd / "ttmp/vocabulary.yaml").write_text("topics: [x\n", encoding="utf-8")
    err = invoke(["vocab", "list"], cwd=cwd, expect=1).stderr
    assert err.startswith("Error: failed to load vocabulary: failed to parse vocabulary file:")
    assert "Traceback" not in err


@pytest.mark.parametrize("content", ["root: x\n", "{}\n", ""])
def test_load_config_accepts_partial_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / ".ttmp.yaml"
    path.write_text(content, encoding="utf-8")
    cfg = configmod.load_config(path)
    assert cfg.owners == [] and cfg.folder == str(tmp_path)


def test_init_subprocess_from_git_subfolder(tmp_path: Path) -> None:
    # the real console script, run from a sub-folder of a repository, writes at the repo root
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(
        [sys.executable, "-m", "docmgr", "init"],
        cwd=repo / "sub",
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert (repo / "ttmp/vocabulary.yaml").is_file()
    assert (repo / ".ttmp.yaml").is_file()


# --------------------------------------------------------------------------- string paths


@pytest.mark.parametrize(
    "text", ["/a/b", "/a//b/", "/a/./b/.", "rel/./x//y/", "./", ".", "/", "a/../b", "/a/b/.."]
)
def test_root_flag_step_spells_paths_as_pathlib_does(text: str) -> None:
    """Roots are strings now (no pathlib on the warm path); ``config show`` prints the same."""
    assert configmod._shown(text) == str(Path(text))


def test_display_is_relative_only_below_the_cwd(tmp_path: Path) -> None:
    ws = Workspace.open(str(tmp_path / "ttmp"), cwd=tmp_path / "proj", env={})
    assert ws.display(tmp_path / "proj") == "."
    assert ws.display(tmp_path / "proj" / "a" / "b.md") == "a/b.md"
    assert ws.display(str(tmp_path / "proj" / "c.md")) == "c.md"
    # a sibling whose name starts like the cwd's is not below it
    assert ws.display(tmp_path / "project" / "d.md") == str(tmp_path / "project" / "d.md")


def test_repo_root_is_worked_out_on_first_use(tmp_path: Path) -> None:
    """Without git, the repository root is the nearest folder holding go.mod (or doc)."""
    (tmp_path / "go.mod").write_text("module x\n", encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    ws = Workspace.open(None, cwd=deep, env={})
    assert ws.root == deep / "ttmp"
    assert ws.repo_root == tmp_path
    assert ws.repo_root_str == str(tmp_path)
    (tmp_path / "go.mod").unlink()
    assert Workspace.open(None, cwd=deep, env={}).repo_root == deep  # nothing found: the cwd
