"""Golden files: exactly what ``ticket create`` and ``doc add`` write (fixed clock).

Regenerate on purpose with ``DOCMGR_UPDATE_GOLDENS=1 python -m pytest tests/test_golden_create.py``
and review every diff by eye before committing.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

FROZEN = datetime(2026, 2, 8, 10, 47, 0, tzinfo=timezone(timedelta(hours=-5)))
GOLDEN = Path(__file__).parent / "golden" / "test_golden_create"
TICKET = "VM-004-EXPAND-E2E-COVERAGE"
FOLDER = f"2026/02/08/{TICKET}--expand-vm-system-daemon-api-e2e-and-integration-coverage"
CASES = {
    "index.md": "index.md",
    "README.md": "README.md",
    "tasks.md": "tasks.md",
    "changelog.md": "changelog.md",
    "design-doc.md": "design-doc/01-daemon-api-test-coverage-matrix-and-expansion-plan.md",
    "reference.md": "reference/01-diary.md",
    "analysis-no-template.md": "analysis/01-open-questions-colon-risk.md",
}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from docmgr.cli import cli
    from docmgr.cli._common import App
    from docmgr.seams.clock import FixedClock

    work = tmp_path_factory.mktemp("golden")
    (work / ".git").mkdir()
    runs = [
        ["init"],
        ["configure", "--owners", "manuel", "--force"],
        [
            "ticket",
            "create-ticket",
            "--ticket",
            TICKET,
            "--title",
            "Expand vm-system daemon API e2e and integration coverage",
            "--topics",
            "backend,testing",
        ],
        ["doc", "add", "--ticket", TICKET, "--doc-type", "reference", "--title", "Diary"],
        [
            "doc",
            "add",
            "--ticket",
            "VM-004",
            "--doc-type",
            "design-doc",
            "--title",
            "Daemon API test coverage matrix and expansion plan",
            "--summary",
            "Which endpoints: covered",
            "--related-files",
            "cmd/daemon/main.go",
        ],
        [
            "doc",
            "add",
            "--ticket",
            "VM-004",
            "--doc-type",
            "analysis",
            "--title",
            "Open questions: colon risk",
            "--owners",
            "alice",
            "--external-sources",
            "https://example.com/a",
        ],
    ]
    for args in runs:
        result = CliRunner().invoke(
            cli,
            args,
            obj=App(clock=FixedClock(FROZEN), cwd=work),
            env={"DOCMGR_CONFIG": "", "DOCMGR_CACHE_DIR": str(work / "cache")},
            catch_exceptions=False,
        )
        assert result.exit_code == 0, (args, result.output)
    return work / "ttmp" / FOLDER


@pytest.mark.parametrize("golden", sorted(CASES))
def test_golden(written: Path, golden: str) -> None:
    actual = (written / CASES[golden]).read_bytes()
    target = GOLDEN / golden
    if os.environ.get("DOCMGR_UPDATE_GOLDENS") == "1":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(actual)
    assert target.is_file(), f"missing golden {target}; run with DOCMGR_UPDATE_GOLDENS=1"
    assert actual == target.read_bytes(), (
        f"{CASES[golden]} differs from {target}; if the change is intended, rerun with "
        "DOCMGR_UPDATE_GOLDENS=1 and review the diff"
    )


def test_goldens_are_all_used() -> None:
    assert sorted(p.name for p in GOLDEN.glob("*.md")) == sorted(CASES)
