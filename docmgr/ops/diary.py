"""Diary verbs: create a diary, add, link and renumber steps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from docmgr.errors import DocmgrError, Param, UsageProblem
from docmgr.formats import diary as diary_format
from docmgr.formats import front_matter
from docmgr.model import DiaryStep
from docmgr.seams import paths
from docmgr.seams.fsio import atomic_write, file_lock, read_text
from docmgr.seams.gitlink import identity_at
from docmgr.store import lookup
from docmgr.store.diaries import commit_urls, diaries_in, open_repo, repo_path, ticket_dir_of
from docmgr.tuples import NamedTuple

if TYPE_CHECKING:
    from docmgr.seams.gitlink import Commit, Repository
    from docmgr.store.workspace import Workspace


def create(
    ws: Workspace, *, ticket: str, title: str = "Diary", goal: str = "", another: bool = False
) -> Path:
    """Create ``reference/NN-<slug>.md``: ``# Diary``, ``## Goal`` and an empty step index.

    A ticket keeps one diary: an existing one is an error unless ``another`` is set.
    """

    found = lookup.resolve_ticket(ws, ticket)
    existing = diaries_in(found.dir)
    if existing and not another:
        raise DocmgrError(
            f"ticket {found.id} already has a diary: {ws.rel(existing[0])}",
            ("add steps to it, or pass ", Param("another"), " to start a second diary"),
        )
    goal_text = goal.strip() or "<!-- What this diary captures: the work, its scope, its goal. -->"
    markers = f"{diary_format.INDEX_START}\n{diary_format.INDEX_END}\n"
    body = f"# Diary\n\n## Goal\n\n{goal_text}\n\n{markers}"
    from docmgr.ops import document as document_ops  # diary create only

    return document_ops.add(ws, found, doc_type="reference", title=title, body=body).path


class StepAdded(NamedTuple):
    diary: Path
    number: int
    title: str
    line: int
    commits: tuple[Commit, ...]
    related: tuple[Path, ...] = ()
    changelog: Path | None = None
    date: str = ""
    author: str = ""


def _cites(steps: Sequence[DiaryStep], full: str) -> bool:
    return any(full.startswith(r.hash) for s in steps for r in s.refs if r.kind == "hash")


def _resolve_revisions(
    handle: Repository, revisions: Sequence[str]
) -> tuple[list[Commit], Commit | None]:
    """Resolve the revisions; ``auto`` is returned apart (it depends on the diary's steps)."""
    resolved: list[Commit] = []
    auto: Commit | None = None
    for rev in revisions:
        if rev.strip().lower() == "auto":
            auto = handle.resolve("HEAD")
        else:
            commit = handle.resolve(rev)
            if commit.hash not in {c.hash for c in resolved}:
                resolved.append(commit)
    return resolved, auto


def _with_auto(
    steps: Sequence[DiaryStep], resolved: Sequence[Commit], auto: Commit | None
) -> list[Commit]:
    commits = list(resolved)
    if (
        auto is not None
        and not _cites(steps, auto.hash)
        and auto.hash not in {c.hash for c in commits}
    ):
        commits.append(auto)
    return commits


def author_name(ws: Workspace, repo: str = "", handle: Repository | None = None) -> str:
    """The git identity's name for the stamp of a new step ("" outside a repository)."""
    if handle is not None:
        return handle.identity()
    where = repo_path(ws, repo)
    opened: Repository | None = ws.repos.get(where)  # a handle this command already holds
    if opened is not None:
        return opened.identity()
    return identity_at(where)  # no GitPython for a step that links no commit


def preview_commit_value(
    ws: Workspace, diary: Path, *, revisions: Sequence[str], repo: str = ""
) -> str:
    """The commit value ``add_step`` would write now (what the ``--edit`` skeleton shows)."""
    if not revisions:
        return "N/A"
    handle = open_repo(ws, repo)
    try:
        resolved, auto = _resolve_revisions(handle, revisions)
        commits = _with_auto(diary_format.parse(read_text(diary)), resolved, auto)
        if not commits:
            return "N/A"
        return diary_format.commit_value(commits, urls=commit_urls(ws, handle, commits))
    finally:
        handle.close()


def add_step(
    ws: Workspace,
    diary: Path,
    *,
    draft: diary_format.StepDraft,
    revisions: Sequence[str] = (),
    repo: str = "",
    relate: bool = False,
    changelog: bool = False,
    author: str | None = None,
) -> StepAdded:
    """Append the next numbered step to ``diary`` under its lock, linked to ``revisions``.

    ``auto`` among the revisions means HEAD unless an earlier step already cites it. The
    commit line is ``N/A`` without revisions (or the draft's own commit line, if it has one).
    Under the heading goes the stamp: the clock's date and ``author`` (default: the git
    identity of the repository, omitted outside one).
    """

    handle: Repository | None = None
    resolved: list[Commit] = []
    auto: Commit | None = None
    try:
        if revisions:
            handle = open_repo(ws, repo)
            resolved, auto = _resolve_revisions(handle, revisions)
        who = author_name(ws, repo, handle) if author is None else author
        now = ws.clock.now()
        draft = draft._replace(stamp=diary_format.render_stamp(now, who))
        with file_lock(diary):
            text = read_text(diary)
            scan = diary_format.scan_text(text)  # once: the steps, then where the new one goes
            steps = diary_format.parse_scan(text, scan)
            number = diary_format.next_number(steps)
            commits = _with_auto(steps, resolved, auto)
            if commits:
                value: str | None = diary_format.commit_value(
                    commits, urls=commit_urls(ws, handle, commits)
                )
            elif draft.commit_block and not revisions:
                value = None  # the body's own commit line, as written
            else:
                value = "N/A"
            level = steps[-1].level if steps and steps[-1].level in (2, 3) else 2
            block = diary_format.render_step(
                number=number, draft=draft, commit_value=value, level=level
            )
            updated, _ = diary_format.insert_step(text, block, steps=steps, scan=scan)
            updated = diary_format.refresh_index(updated)
            if front_matter.split(updated) is not None:
                updated = front_matter.update_fields(
                    updated, {"LastUpdated": now}, path=ws.rel(diary)
                )
            atomic_write(diary, updated)
        related: list[Path] = []
        if relate and commits and handle is not None:
            related = _relate(ws, diary, handle, commits, number)
            if related:  # RelatedFiles grew: the step moved down
                updated = read_text(diary)
        heading = block.split("\n", 1)[0]
        at = updated.rfind("\n" + heading) + 1  # the new step is the last one
        line = updated.count("\n", 0, at) + 1
        log_path = None
        if changelog:
            log_path = _changelog(ws, diary, number, draft.title, commits)
        match = diary_format.STAMP.match(draft.stamp)
        return StepAdded(
            diary=diary,
            number=number,
            title=draft.title,
            line=line,
            commits=tuple(commits),
            related=tuple(related),
            changelog=log_path,
            date=match.group("date") if match else "",
            author=who,
        )
    finally:
        if handle is not None:
            handle.close()


class StepEdited(NamedTuple):
    diary: Path
    step: str
    line: int
    changed: bool
    commits: tuple[Commit, ...] = ()


def edit_step(
    ws: Workspace,
    diary: Path,
    *,
    step: str,
    body: str | None = None,
    change: Callable[[diary_format.StepDraft], diary_format.StepDraft] | None = None,
    revisions: Sequence[str] = (),
    no_commit: bool = False,
    repo: str = "",
) -> StepEdited:
    """Rewrite one step in place under the diary's lock, keeping its number and stamp.

    ``body`` (a Markdown step, as ``--from-file``/``--edit`` give it) replaces the step;
    ``change`` then maps the draft (the step's current one without ``body``) to the new one
    (the section options).
    The commit line stays as written unless ``revisions`` (or ``no_commit``) say otherwise,
    or ``body`` brings its own. Every other step, and every byte outside this one, stays.
    """

    handle: Repository | None = None
    resolved: list[Commit] = []
    auto: Commit | None = None
    try:
        if revisions:
            handle = open_repo(ws, repo)
            resolved, auto = _resolve_revisions(handle, revisions)
        with file_lock(diary):
            text = read_text(diary)
            steps = diary_format.parse(text)
            target = diary_format.find_step(steps, step, diary=ws.rel(diary))
            old = text[target.start : target.end]
            base = diary_format.draft_from_markdown(old, heading_wins=True)
            if body is not None:
                new = diary_format.draft_from_markdown(body, title=base.title, heading_wins=True)
                new = new._replace(
                    stamp=new.stamp or base.stamp,
                    commit_block=new.commit_block or base.commit_block,
                )
            else:
                new = base
            if change is not None:
                new = change(new)
            others = [s for s in steps if s is not target]
            commits = _with_auto(others, resolved, auto)
            value: str | None = None
            if commits:
                value = diary_format.commit_value(commits, urls=commit_urls(ws, handle, commits))
            elif no_commit or revisions:
                value = "N/A"
            rendered = diary_format.render_step(
                number=target.label, draft=new, commit_value=value, level=target.level
            )
            nl = diary_format.newline_of(text)
            if nl != "\n":
                rendered = rendered.replace("\n", nl)
            kept = old[len(old.rstrip()) :]  # the blank lines before the next heading
            updated = text[: target.start] + rendered.rstrip() + (kept or nl) + text[target.end :]
            changed = updated != text
            if changed:
                updated = diary_format.refresh_index(updated)
                if front_matter.split(updated) is not None:
                    updated = front_matter.update_fields(
                        updated, {"LastUpdated": ws.clock.now()}, path=ws.rel(diary)
                    )
                atomic_write(diary, updated)
        return StepEdited(
            diary=diary,
            step=target.label,
            line=target.line,
            changed=changed,
            commits=tuple(commits),
        )
    finally:
        if handle is not None:
            handle.close()


def _short_list(commits: Sequence[Commit]) -> str:
    return ", ".join(c.short for c in commits)


def _relate(
    ws: Workspace, diary: Path, handle: Repository, commits: Sequence[Commit], number: int
) -> list[Path]:

    by_file: dict[Path, list[Commit]] = {}
    for commit in commits:
        for path in handle.changed_files(commit.hash):
            if paths.is_inside(ws.root, path):
                continue  # the ticket's own paperwork is not "related code"
            by_file.setdefault(path, []).append(commit)
    if not by_file:
        return []
    notes = [
        (str(path), f"Step {number} (commit {_short_list(cs)})")
        for path, cs in sorted(by_file.items())
    ]
    from docmgr.ops import relate  # step add --relate only

    relate.relate(ws, diary, file_notes=notes)
    return sorted(by_file)


def _changelog(
    ws: Workspace, diary: Path, number: int, title: str, commits: Sequence[Commit]
) -> Path:

    folder = ticket_dir_of(ws, diary) or diary.parent
    entry = f"Step {number}: {title}"
    if commits:
        entry += f" (commit {_short_list(commits)})"
    path = folder / "changelog.md"
    from docmgr.ops.changelog import append_entry  # step add --changelog only

    append_entry(path, date=ws.clock.now().strftime("%Y-%m-%d"), entry=entry)
    return path


class Linked(NamedTuple):
    diary: Path
    step: str
    line: int
    commits: tuple[Commit, ...]


def link_step(
    ws: Workspace, diary: Path, *, step: str, revisions: Sequence[str], repo: str = ""
) -> Linked:
    """Rewrite the commit line of one step (insert one when the step has none)."""

    if not revisions:
        raise UsageProblem("no commit given", ("pass ", Param("commit", "REV")))
    handle = open_repo(ws, repo)
    try:
        commits: list[Commit] = []
        for rev in revisions:
            commit = handle.resolve("HEAD" if rev.strip().lower() == "auto" else rev)
            if commit.hash not in {c.hash for c in commits}:
                commits.append(commit)
        value = diary_format.commit_value(commits, urls=commit_urls(ws, handle, commits))
        new_line = f"**Commit (code):** {value}"
        with file_lock(diary):
            text = read_text(diary)
            scan = diary_format.scan_text(text)
            target = diary_format.find_step(
                diary_format.parse_scan(text, scan), step, diary=ws.rel(diary)
            )
            nl = diary_format.newline_of(text)
            index = _commit_line_index(scan, target)
            if index is not None:
                start = scan.offsets[index]
                last = (
                    diary_format.commit_block_end(scan, index) - 1
                )  # a bare label's list goes too
                end = scan.offsets[last] + len(diary_format.strip_nl(scan.lines[last]))
                updated = text[:start] + new_line + text[end:]
                line = index + 1
            else:
                at = _commit_insert_index(scan, target)
                if at is not None:  # before the first canonical sub-section
                    start = scan.offsets[at]
                    updated = text[:start] + new_line + nl + nl + text[start:]
                    line = at + 1
                else:  # after the step's last non-blank line
                    last = target.end_line - 1
                    start = scan.offsets[last] + len(diary_format.strip_nl(scan.lines[last]))
                    updated = text[:start] + nl + nl + new_line + text[start:]
                    line = target.end_line + 2
            updated = diary_format.refresh_index(updated)
            atomic_write(diary, updated)
        return Linked(diary=diary, step=target.label, line=line, commits=tuple(commits))
    finally:
        handle.close()


def _commit_line_index(scan: diary_format.Scan, step: DiaryStep) -> int | None:
    candidates = []
    for line_no in step.commit_lines:
        raw = diary_format.strip_nl(scan.lines[line_no - 1])
        match = diary_format.commit_label_match(raw)
        if match:
            candidates.append((line_no - 1, (match.group("label") or "").strip().lower()))
    for index, label in candidates:
        if label == "code":
            return index
    return candidates[0][0] if candidates else None


def _commit_insert_index(scan: diary_format.Scan, step: DiaryStep) -> int | None:
    first_body = step.line  # 0-based index of the line after the heading
    for heading in scan.headings:
        if heading.index < first_body or heading.index >= step.end_line:
            continue
        if heading.text.lower() in diary_format.SECTION_BY_HEADING:
            return heading.index
    return None


class Renumbered(NamedTuple):
    line: int
    old: str
    new: str


def renumber(ws: Workspace, diary: Path) -> list[Renumbered]:
    """Number the steps 1, 2, 3 … in file order; only the numbers in headings change."""

    with file_lock(diary):
        text = read_text(diary)
        steps = diary_format.parse(text)
        changes = [
            Renumbered(line=s.line, old=s.label, new=str(i))
            for i, s in enumerate(steps, start=1)
            if s.label != str(i)
        ]
        if not changes:
            return []
        updated = text
        for step, new in reversed([(s, str(i)) for i, s in enumerate(steps, start=1)]):
            if step.label != new:
                updated = updated[: step.label_start] + new + updated[step.label_end :]
        updated = diary_format.refresh_index(updated)
        atomic_write(diary, updated)
    return changes
