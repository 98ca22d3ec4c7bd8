"""``docmgr hooks install``: the post-rewrite hook and the merge driver, in and out.

- ``post-rewrite`` (in the folder git runs hooks from, ``core.hooksPath`` honoured) hands
  git's old→new commit map to ``docmgr hooks run post-rewrite``. A hook already there is
  kept as ``post-rewrite.docmgr-chained`` and still runs, with the same input.
- ``merge.docmgr`` in the repository's config runs ``docmgr merge-driver``, and a marked
  block in ``.gitattributes`` routes the docs root's diaries, ``tasks.md`` and
  ``changelog.md`` to it.

Both call docmgr through the absolute path of the Python interpreter that installed them,
so they work when ``docmgr`` is not on PATH. Installing twice changes nothing; uninstalling
restores what was there.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docmgr.errors import DocmgrError
from docmgr.seams import paths
from docmgr.seams.fsio import atomic_write, file_lock, read_text
from docmgr.store.diaries import open_repo

if TYPE_CHECKING:
    from docmgr.seams.gitlink import Repository
    from docmgr.store.workspace import Workspace


HOOK = "post-rewrite"
CHAINED_SUFFIX = ".docmgr-chained"
MARK = "# docmgr post-rewrite hook"
DRIVER = "docmgr"
ATTR_BEGIN = "# >>> docmgr merge driver (docmgr hooks install) >>>"
ATTR_END = "# <<< docmgr merge driver <<<"


@dataclass(slots=True)
class HooksReport:
    """What install or uninstall did, one line per action."""

    hooks_dir: Path
    actions: list[str] = field(default_factory=list)


def docmgr_command(python: str | None = None) -> str:
    """The shell words that run this docmgr: ``'<python>' -m docmgr``."""
    return f"{shlex.quote(os.path.abspath(python or sys.executable))} -m docmgr"


def hook_script(command: str, chained: Path) -> str:
    """The post-rewrite hook: docmgr first, then the chained hook with the same input."""
    quoted = shlex.quote(str(chained))
    return (
        "#!/bin/sh\n"
        f"{MARK} (installed by 'docmgr hooks install', which also removes it).\n"
        "# Rewrites the commit hashes the docs mention after an amend or a rebase.\n"
        "map=$(cat)\n"
        f'printf \'%s\\n\' "$map" | {command} hooks run post-rewrite "$@" '
        "|| echo \"docmgr: the post-rewrite hook failed; 'docmgr diary verify' finds the stale "
        'commits" >&2\n'
        f"if [ -x {quoted} ]; then\n"
        f'    printf \'%s\\n\' "$map" | {quoted} "$@"\n'
        "fi\n"
    )


def _is_ours(path: Path) -> bool:
    try:
        return MARK in read_text(path)
    except (OSError, DocmgrError):
        return False


def _attribute_lines(ws: Workspace, repo_root: Path) -> list[str]:
    root = Path(os.path.abspath(ws.root))
    if not paths.is_inside(repo_root, root):
        raise DocmgrError(
            f"the docs root {root} is outside the repository {repo_root}",
            "run 'docmgr hooks install' in the repository that holds the docs",
        )
    rel = root.relative_to(repo_root).as_posix()
    prefix = "" if rel in ("", ".") else rel + "/"
    return [
        f"{prefix}**/{pattern} merge={DRIVER}"
        for pattern in ("tasks.md", "changelog.md", "*diary*.md")
    ]


def _without_block(text: str) -> str:
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    inside = False
    for line in lines:
        if line.strip() == ATTR_BEGIN:
            inside = True
            continue
        if inside:
            if line.strip() == ATTR_END:
                inside = False
            continue
        out.append(line)
    return "".join(out)


def install(ws: Workspace, *, repo: str = "", python: str | None = None) -> HooksReport:
    """Install (or refresh) the post-rewrite hook and the merge driver; idempotent."""
    handle = open_repo(ws, repo)
    try:
        return _install(ws, handle, docmgr_command(python))
    finally:
        handle.close()


def _install(ws: Workspace, handle: Repository, command: str) -> HooksReport:
    hooks = handle.hooks_dir()
    report = HooksReport(hooks)
    hooks.mkdir(parents=True, exist_ok=True)
    hook = hooks / HOOK
    chained = hooks / (HOOK + CHAINED_SUFFIX)
    with file_lock(hook):
        if hook.exists() and not _is_ours(hook):
            if chained.exists():
                raise DocmgrError(
                    f"both {hook} and {chained} exist and neither is docmgr's",
                    f"merge them into {chained} by hand, remove {hook}, and install again",
                )
            os.replace(hook, chained)
            report.actions.append(f"kept the existing hook as {chained}")
        script = hook_script(command, chained)
        if not hook.exists() or read_text(hook) != script:
            atomic_write(hook, script)
            report.actions.append(f"wrote {hook}")
        mode = os.stat(hook).st_mode
        os.chmod(hook, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    driver = f"{command} merge-driver %O %A %B %L %P"
    for key, value in (
        (f"merge.{DRIVER}.name", "docmgr: diaries, tasks.md and changelog.md"),
        (f"merge.{DRIVER}.driver", driver),
    ):
        if handle.config_value(key) != value:
            handle.set_config(key, value)
            report.actions.append(f"set {key} in the repository config")
    attributes = handle.root / ".gitattributes"
    block = "".join(
        line + "\n" for line in [ATTR_BEGIN, *_attribute_lines(ws, handle.root), ATTR_END]
    )
    with file_lock(attributes):
        current = read_text(attributes) if attributes.exists() else ""
        kept = _without_block(current)
        if kept and not kept.endswith("\n"):
            kept += "\n"
        updated = kept + block
        if updated != current:
            atomic_write(attributes, updated)
            report.actions.append(
                f"routed diaries, tasks.md and changelog.md to the merge driver in {attributes}"
            )
    if not report.actions:
        report.actions.append("already installed")
    return report


def uninstall(ws: Workspace, *, repo: str = "") -> HooksReport:
    """Remove the hook (restoring a chained one), the driver config and the attributes block."""
    handle = open_repo(ws, repo)
    try:
        hooks = handle.hooks_dir()
        report = HooksReport(hooks)
        hook = hooks / HOOK
        chained = hooks / (HOOK + CHAINED_SUFFIX)
        with file_lock(hook) if hooks.is_dir() else contextlib.nullcontext():
            if hook.exists() and _is_ours(hook):
                os.unlink(hook)
                report.actions.append(f"removed {hook}")
                if chained.exists():
                    os.replace(chained, hook)
                    report.actions.append(f"restored the earlier hook {hook}")
        if handle.remove_config_section(f"merge.{DRIVER}"):
            report.actions.append(f"removed merge.{DRIVER} from the repository config")
        attributes = handle.root / ".gitattributes"
        if attributes.exists():
            with file_lock(attributes):
                current = read_text(attributes)
                kept = _without_block(current)
                if kept != current:
                    if kept.strip():
                        atomic_write(attributes, kept)
                    else:
                        os.unlink(attributes)
                    report.actions.append(f"removed the merge driver block from {attributes}")
        if not report.actions:
            report.actions.append("nothing to remove")
        return report
    finally:
        handle.close()
