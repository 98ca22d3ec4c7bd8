"""A real headless Chromium on the real server: what a person sees on the home page, a ticket
page and a diary page of a repository with real commits.

Set ``DOCMGR_SCREENSHOT=docs/img/auditor-diary.png`` to also save the diary page as a
screenshot (how docs/auditors.md's picture is made)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pytest
from webkit import (
    T1,
    Built,
    build_in,
    chromium,
    dump_dom,
    running_server,
    screenshot,
    visible_text,
)

BROWSER = chromium()
pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="no chromium binary on PATH (Debian: apt-get install -y chromium; .ci/run installs it)",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_in(tmp_path_factory.mktemp("web-browser"))


def test_a_person_sees_tickets_tasks_and_checked_diary_steps(built: Built, tmp_path: Path) -> None:
    assert BROWSER is not None
    profile = tmp_path / "profile"
    diary_rel = built.diary.relative_to(built.root).as_posix()
    with running_server(built.cwd) as (url, _proc):
        home = visible_text(dump_dom(BROWSER, profile, url + "/"))
        assert "3 tickets 2 active 1 in review" in home
        assert "Recently updated tickets" in home and "Audit trail for widgets" in home

        ticket = visible_text(dump_dom(BROWSER, profile, f"{url}/ticket/{T1}"))
        for seen in (
            "Audit trail for widgets",
            "Tasks 0/3",
            "Write the audit log",
            "Add task",
            "Decided on an append-only log",
            "repo://src/app.py",
        ):
            assert seen in ticket, seen

        diary_url = f"{url}/doc?path={quote(diary_rel)}"
        diary = visible_text(dump_dom(BROWSER, profile, diary_url))
        assert "Diary: 5 steps" in diary
        assert f"verified {built.code_commit[:7]} Add the audit log writer" in diary
        assert f"unreachable {built.rewritten_old[:7]}" in diary
        assert "proposed replacement" in diary and built.rewritten_new[:7] in diary
        assert f"missing {built.lost[:7]}" in diary
        assert "pending commit pending" in diary and "N/A" in diary
        assert "2 files changed · 1 related to the ticket" in diary

        target = os.environ.get("DOCMGR_SCREENSHOT", "")
        shot = Path(target) if target else tmp_path / "diary.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        screenshot(BROWSER, profile, diary_url, shot, "1100,1500")
        assert shot.stat().st_size > 10_000  # a rendered page, not a blank one
