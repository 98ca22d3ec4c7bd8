"""ticket_id_mismatch: a ticket whose folder or documents name another id than its index.md."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docmgr.model import Doc, Finding, Severity


def _owned(docs: Sequence[Doc], ticket_dir: str) -> list[Doc]:
    """The docs whose nearest index.md is the ticket's own (not a nested one's)."""
    nested = {
        d.rel.rsplit("/", 1)[0]
        for d in docs
        if d.path.name == "index.md" and d.rel != f"{ticket_dir}/index.md"
    }
    return [
        d
        for d in docs
        if not any(d.rel.startswith(folder + "/") for folder in nested)
        and d.rel != f"{ticket_dir}/index.md"
    ]


def _folder_id(name: str, tid: str, candidates: Sequence[str]) -> str:
    """The id a ``<ID>--<slug>`` folder name is named for (ids may contain ``--`` too).

    ``tid`` when the name is the id or starts with ``<id>--``; else the docs' other id that
    the name starts with; else the part before the first ``--``. Names without ``--`` (the
    Go tool's older ``<ID>-slug`` layout) carry no id to compare: ``tid``.
    """
    if "--" not in name or name == tid or name.startswith(tid + "--"):
        return tid
    for other in sorted(set(candidates), key=len, reverse=True):
        if name == other or name.startswith(other + "--"):
            return other
    return name.split("--", 1)[0]


def ticket_id_mismatch(docs: Sequence[Doc], ticket_dir: str, root: Path) -> Finding | None:
    """An error when the folder name's id or a document's ``Ticket`` differs from index.md's.

    Typical cause: a ``ticket rename`` that stopped half-way (index.md rewritten, the folder
    and the other docs still on the old id). The message names the commands that repair it.
    """
    index = next((d for d in docs if d.rel == f"{ticket_dir}/index.md"), None)
    if index is None or index.meta is None or not index.meta.ticket.strip():
        return None
    tid = index.meta.ticket
    name = ticket_dir.rsplit("/", 1)[-1]
    others = [
        d
        for d in _owned(docs, ticket_dir)
        if d.meta is not None and d.meta.ticket.strip() and d.meta.ticket != tid
    ]
    folder_id = _folder_id(name, tid, [d.meta.ticket for d in others if d.meta is not None])
    folder_disagrees = folder_id != tid
    if not folder_disagrees and not others:
        return None

    def rel(doc: Doc) -> str:
        return doc.rel[len(ticket_dir) + 1 :]

    listed = ", ".join(f"{rel(d)} ({d.meta.ticket if d.meta else ''})" for d in others[:5]) + (
        f", … ({len(others) - 5} more)" if len(others) > 5 else ""
    )
    folder = root / ticket_dir
    if folder_disagrees and any(d.meta is not None and d.meta.ticket == folder_id for d in others):
        message = (
            f"index.md says Ticket {tid} but the folder and {len(others)} doc(s) say "
            f"{folder_id}: {listed}; a rename stopped half-way: run 'docmgr meta update "
            f"--ticket {tid} --field Ticket --value {folder_id}', then 'docmgr ticket rename "
            f"--ticket {folder_id} --new-ticket {tid}'"
        )
    elif folder_disagrees:
        message = (
            f"index.md says Ticket {tid} but the folder is named for {folder_id}; rename the "
            f"folder: mv {folder} {folder.parent / (tid + name[len(folder_id) :])}"
        )
        if others:
            message += (
                f"; {len(others)} doc(s) name other ids: {listed}; set each with 'docmgr meta "
                f"update --doc <path> --field Ticket --value {tid}'"
            )
    else:
        message = (
            f"{len(others)} doc(s) name another Ticket than index.md ({tid}): {listed}; set "
            f"each with 'docmgr meta update --doc <path> --field Ticket --value {tid}'"
        )
    return Finding(
        ticket=tid,
        issue="ticket_id_mismatch",
        severity=Severity.ERROR,
        message=message,
        path=str(folder),
        extra={"docs": [str(d.path) for d in others]},
    )
