"""gitlink: revisions, changed files, reachability, rewritten-commit search (real git)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import GitRepo

from docmgr.errors import GitLinkError
from docmgr.seams.gitlink import Repository, identity_at, open_repository, subject_of


@pytest.fixture
def repo(git_repo: GitRepo) -> Iterator[Repository]:
    handle = open_repository(git_repo.path / "README.md")  # any path inside the work tree
    yield handle
    handle.close()


def test_resolve_any_revision(git_repo: GitRepo, repo: Repository) -> None:
    first = git_repo.git("rev-parse", "HEAD")
    second = git_repo.commit("Second: add a file", {"src/a.py": "x = 1\n"})
    git_repo.git("tag", "v1", first)
    assert repo.resolve("HEAD").hash == second
    assert repo.resolve("HEAD").subject == "Second: add a file"
    assert repo.resolve(second[:7]).hash == second
    assert repo.resolve("HEAD~1").hash == first
    assert repo.resolve("v1").hash == first
    assert repo.resolve("main").hash == second
    assert repo.root == git_repo.path


def test_unknown_revision_names_revision_and_repository(
    git_repo: GitRepo, repo: Repository
) -> None:
    with pytest.raises(GitLinkError) as caught:
        repo.resolve("nope-nope")
    assert str(caught.value).startswith(
        f"unknown revision 'nope-nope' in repository {git_repo.path}"
    )
    with pytest.raises(GitLinkError):
        repo.resolve("--output=/tmp/x")


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitLinkError) as caught:
        open_repository(tmp_path)
    assert caught.value.message == f"not a git repository: {tmp_path}"
    assert "\n" not in str(caught.value)


def test_changed_files_are_absolute(git_repo: GitRepo, repo: Repository) -> None:
    h = git_repo.commit("Two files", {"src/a.py": "a\n", "docs/b.md": "b\n"})
    assert repo.changed_files(h) == [git_repo.path / "docs/b.md", git_repo.path / "src/a.py"]
    root = git_repo.git("rev-list", "--max-parents=0", "HEAD")
    assert repo.changed_files(root) == [git_repo.path / "README.md"]


def test_lookup_and_reachability(git_repo: GitRepo, repo: Repository) -> None:
    main_head = git_repo.git("rev-parse", "HEAD")
    git_repo.git("checkout", "-q", "-b", "feature")
    feature = git_repo.commit("Feature work", {"f.txt": "f\n"})
    git_repo.git("checkout", "-q", "main")
    found = repo.lookup(feature[:8])
    assert found is not None and found.hash == feature
    assert repo.lookup("deadbeef") is None
    assert repo.lookup("not-hex") is None
    assert repo.is_reachable(main_head, "main")
    assert not repo.is_reachable(feature, "main")
    assert repo.is_reachable(feature, "feature")


def test_rewritten_commit_found_by_patch_id_then_subject(
    git_repo: GitRepo, repo: Repository
) -> None:
    old = git_repo.commit("Add the parser", {"p.py": "parse = 1\n"})
    git_repo.git("commit", "-q", "--amend", "-m", "Parser: add it")  # same patch, new subject
    amended = git_repo.git("rev-parse", "HEAD")
    found = repo.find_rewritten(old=repo.lookup(old), subject="Add the parser", rev="HEAD")
    assert found is not None and (found.commit.hash, found.match) == (amended, "patch-id")

    changed = git_repo.commit("Tune the parser", {"p.py": "parse = 2\n"})
    (git_repo.path / "p.py").write_text("parse = 3\n", encoding="utf-8")
    git_repo.git("commit", "-q", "-a", "--amend", "--no-edit")  # new patch, same subject
    retuned = git_repo.git("rev-parse", "HEAD")
    repo = open_repository(git_repo.path)  # a handle is a snapshot of one run: reopen
    found = repo.find_rewritten(old=repo.lookup(changed), subject="", rev="HEAD")
    assert found is not None and (found.commit.hash, found.match) == (retuned, "subject")

    gone = repo.find_rewritten(old=None, subject="Parser: add it", rev="HEAD")
    assert gone is not None and (gone.commit.hash, gone.match) == (amended, "subject")
    assert repo.find_rewritten(old=None, subject="Never written", rev="HEAD") is None
    repo.close()


def test_subject_of_matches_git_format() -> None:
    assert subject_of("Title line\n\nBody\n") == "Title line"
    assert subject_of("Two line\nsubject\n\nBody") == "Two line subject"


def test_commit_urls_from_origin(git_repo: GitRepo, repo: Repository) -> None:
    assert repo.commit_url("abc") is None
    git_repo.git("remote", "add", "origin", "https://gitlab.com/g/p.git")
    fresh = open_repository(git_repo.path)
    try:
        assert fresh.commit_url("abc1234") == "https://gitlab.com/g/p/-/commit/abc1234"
    finally:
        fresh.close()


def test_cli_import_does_not_load_gitpython() -> None:
    import subprocess

    code = (
        "import sys, docmgr.cli, docmgr.ops.diary, docmgr.reports.diary_verify;"
        " print('git' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_subject_read_from_the_object_matches_git(git_repo: GitRepo, repo: Repository) -> None:
    """resolve reads the raw commit through cat-file: its subject is what ``%s`` shows."""
    git_repo.commit("First line\nsecond line of the subject\n\nbody text")
    shown = git_repo.git("show", "-s", "--format=%s", "HEAD")
    assert repo.resolve("HEAD").subject == shown == "First line second line of the subject"
    (git_repo.path / "msg.txt").write_bytes("Caf\xe9 latin-1 subject\n".encode("latin-1"))
    git_repo.git(
        "-c", "i18n.commitEncoding=ISO-8859-1", "commit", "-q", "--allow-empty", "-F", "msg.txt"
    )
    assert repo.resolve("HEAD").subject == "Café latin-1 subject"
    with pytest.raises(GitLinkError):
        repo.resolve("HEAD\nHEAD")


def test_identity_from_config_and_environment(
    git_repo: GitRepo, repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GIT_AUTHOR_NAME", raising=False)
    for key in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM"):
        monkeypatch.delenv(key, raising=False)
    assert repo.identity() == "Test User"
    git_repo.git("config", "author.name", "Author Name")
    repo.close()  # a handle reads the config once; close() forgets it
    assert repo.identity() == "Author Name"
    monkeypatch.setenv("GIT_AUTHOR_NAME", "From Env")
    assert repo.identity() == "From Env"
    monkeypatch.delenv("GIT_AUTHOR_NAME")
    # config steered by variables GitPython does not read: git itself answers
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(os.devnull))
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "author.name")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "Counted Name")
    repo.close()
    assert repo.identity() == "Counted Name"


def test_identity_without_gitpython_answers_as_the_handle_does(
    git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``identity_at`` (git processes, for steps without --commit) equals ``identity``."""
    for key in ("GIT_AUTHOR_NAME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM"):
        monkeypatch.delenv(key, raising=False)
    sub = git_repo.path / "deep" / "folder"
    sub.mkdir(parents=True)

    def both() -> tuple[str, str]:
        handle = open_repository(sub)
        try:
            return identity_at(sub), handle.identity()
        finally:
            handle.close()

    assert both() == ("Test User", "Test User")
    git_repo.git("config", "author.name", "Author Name")
    assert both() == ("Author Name", "Author Name")
    git_repo.git("config", "--add", "author.name", "Second Author")  # the last one counts
    assert both() == ("Second Author", "Second Author")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "From Env")
    assert both() == ("From Env", "From Env")
    monkeypatch.delenv("GIT_AUTHOR_NAME")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(os.devnull))
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "author.name")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "Counted Name")
    assert both() == ("Counted Name", "Counted Name")
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Nobody's")
    assert identity_at(outside) == ""  # outside a repository, as open_repository refuses it
    assert identity_at(tmp_path / "missing") == ""


def test_one_repository_handle_per_workspace(git_repo: GitRepo) -> None:
    from docmgr.store.diaries import open_repo
    from docmgr.store.workspace import Workspace

    ws = Workspace.open(str(git_repo.path / "ttmp"), cwd=git_repo.path)
    first = open_repo(ws, "")
    first.close()
    again = open_repo(ws, "")
    assert again is first
    assert again.resolve("HEAD").hash == git_repo.git("rev-parse", "HEAD")
    assert (
        open_repo(Workspace.open(str(git_repo.path / "ttmp"), cwd=git_repo.path), "") is not first
    )
