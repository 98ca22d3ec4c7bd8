"""Ticket-level edits: close (status + changelog), rename (id + folder), move (new folder)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docmgr import paths
from docmgr.errors import DocmgrError, UsageProblem
from docmgr.workspace import Workspace


def set_fields(path: Path, updates: dict[str, object]) -> bool:
    """Under the file's lock, set front-matter keys (only their lines change); True if written."""
    from docmgr import front_matter
    from docmgr.fsio import atomic_write, file_lock, read_text

    with file_lock(path):
        text = read_text(path)
        updated = front_matter.update_fields(text, updates, path=str(path))
        if updated == text:
            return False
        atomic_write(path, updated)
        return True


# --------------------------------------------------------------------------- close


@dataclass(frozen=True, slots=True)
class Closed:
    ticket: str
    index: Path
    changelog: Path
    open_tasks: int
    done_tasks: int
    old_status: str
    status: str
    old_intent: str
    intent: str
    intent_updated: bool

    @property
    def all_tasks_done(self) -> bool:
        return self.open_tasks == 0 and self.done_tasks > 0


def close(
    ws: Workspace,
    ref: str,
    *,
    status: str = "complete",
    intent: str = "",
    entry: str = "Ticket closed",
) -> Closed:
    """Set Status (and Intent when given) plus LastUpdated on index.md; append a changelog entry.

    Open tasks do not stop the close; the caller warns about them.
    """
    from docmgr import changelog
    from docmgr import ticket as ticketmod

    if not status.strip():
        raise UsageProblem("status is empty", "pass --status complete (or another status)")
    found = ticketmod.find(ws, ref)
    open_, done = ticketmod.task_counts(found.dir)
    meta = found.doc.meta
    old_status = meta.status if meta else ""
    old_intent = meta.intent if meta else ""
    now = ws.clock.now()
    updates: dict[str, object] = {"Status": status, "LastUpdated": now}
    if intent:
        updates["Intent"] = intent
    set_fields(found.doc.path, updates)
    log = found.dir / "changelog.md"
    changelog.append_entry(log, date=now.strftime("%Y-%m-%d"), entry=entry or "Ticket closed")
    return Closed(
        found.id,
        found.doc.path,
        log,
        open_,
        done,
        old_status,
        status,
        old_intent,
        intent or old_intent,
        bool(intent) and intent != old_intent,
    )


# --------------------------------------------------------------------------- rename


@dataclass(frozen=True, slots=True)
class Renamed:
    old: str
    new: str
    source: Path
    dest: Path
    updated_docs: list[Path] = field(default_factory=list)
    dry_run: bool = False


def _walk_md(folder: Path) -> list[Path]:
    found: list[Path] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("_"))
        found.extend(Path(current) / f for f in sorted(files) if f.lower().endswith(".md"))
    return found


def rename(ws: Workspace, ref: str, *, new_ticket: str, dry_run: bool = False) -> Renamed:
    """Give a ticket a new id: rewrite ``Ticket`` in its docs and rename its folder.

    The destination folder is checked before anything is rewritten, so a clash leaves the
    ticket untouched (the Go tool rewrote the docs first and then failed).
    """
    from docmgr import front_matter
    from docmgr import ticket as ticketmod

    if ref == new_ticket:
        raise UsageProblem(
            "new ticket is identical to current ticket", "pass a different --new-ticket"
        )
    paths.validate_ticket_id(new_ticket)
    found = ticketmod.find(ws, ref)
    base = found.dir.name
    if base.startswith(found.id):
        rest = base[len(found.id) :]
    else:
        rest = "--" + base.split("--", 1)[1] if "--" in base else ""
    dest = found.dir.parent / (new_ticket + rest)
    if dest.exists():
        raise DocmgrError(
            f"target directory already exists: {dest}", "pick another id or move that folder away"
        )
    if dry_run:
        return Renamed(found.id, new_ticket, found.dir, dest, [], True)
    now = ws.clock.now()
    updated: list[Path] = []
    for path in _walk_md(found.dir):
        try:
            text = path.read_text(encoding="utf-8")
            front_matter.read(text, path=str(path))
        except (OSError, UnicodeDecodeError, DocmgrError):
            continue  # control files and broken headers are left alone
        if set_fields(path, {"Ticket": new_ticket, "LastUpdated": now}):
            updated.append(dest / path.relative_to(found.dir))
    os.rename(found.dir, dest)
    return Renamed(found.id, new_ticket, found.dir, dest, updated, False)


# --------------------------------------------------------------------------- move


@dataclass(frozen=True, slots=True)
class Moved:
    ticket: str
    source: Path
    dest: Path
    time: datetime


def move(ws: Workspace, ref: str, *, path_template: str = "", overwrite: bool = False) -> Moved:
    """Move a ticket folder to where the path template puts it today ({{TICKET}} = canonical id)."""
    from docmgr import ticket as ticketmod

    found = ticketmod.find(ws, ref)
    now = ws.clock.now()
    title = found.title or found.id
    rel = paths.render_path_template(
        path_template or paths.DEFAULT_PATH_TEMPLATE,
        ticket=found.id,
        title=title,
        slug=paths.ticket_slug(found.id, title),
        when=now,
    )
    dest = paths.resolve_inside(ws.root, rel)
    source = Path(os.path.abspath(found.dir))
    if dest == source:
        raise DocmgrError(f"ticket {found.id} is already at {dest}", "pass another --path-template")
    if paths.is_inside(source, dest):
        raise DocmgrError(
            "destination cannot be nested inside source", "pick a path template outside the ticket"
        )
    if dest.exists():
        if not overwrite:
            raise DocmgrError(
                f"destination already exists (use --overwrite to replace): {dest}",
                "pass --overwrite or another --path-template",
            )
        if not dest.is_dir() or any(dest.iterdir()):
            raise DocmgrError(
                f"destination is not an empty folder: {dest}",
                "remove it first; --overwrite never deletes documents",
            )
        dest.rmdir()
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.rename(source, dest)
    index = dest / found.doc.path.name
    try:
        set_fields(index, {"LastUpdated": now})
    except (OSError, DocmgrError):
        pass  # best effort, like the Go tool: the move itself succeeded
    return Moved(found.id, source, dest, now)
