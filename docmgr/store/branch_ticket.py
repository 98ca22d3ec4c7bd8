"""The ticket a git branch is named after: ``VM-004-…``, ``feature/VM-004``, ``vm-004-fix``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docmgr.errors import GitLinkError, Param, TicketAmbiguous
from docmgr.model import Ticket
from docmgr.store.diaries import open_repo
from docmgr.store.index import load_docs
from docmgr.store.lookup import tickets_from_docs
from docmgr.tuples import NamedTuple

if TYPE_CHECKING:
    from docmgr.store.workspace import Workspace


_KEY = re.compile(r"^([A-Z][A-Z0-9]*-\d+)(?![0-9])")


class BranchTicket(NamedTuple):
    ticket: str
    branch: str


def _key(name: str) -> str:
    match = _KEY.match(name.upper())
    return match.group(1) if match else ""


def match_branch(branch: str, tickets: list[Ticket]) -> Ticket | None:
    """Pick the ticket a branch names; None when it names none.

    Each ``/`` segment of the branch is tried, last first: a segment equal to a ticket id,
    starting with an id and a separator (``VM-004-fix``), or sharing the id's key
    (``VM-004`` for ``VM-004-EXPAND-E2E``). Several tickets with one key are narrowed by the
    rest of the segment; if that leaves more than one, the branch is ambiguous.
    """
    for segment in reversed([s for s in branch.split("/") if s]):
        upper = segment.upper()
        exact = [t for t in tickets if t.id.upper() == upper]
        if exact:
            return exact[0]
        prefixed = [t for t in tickets if upper.startswith(t.id.upper() + "-")]
        prefixed += [t for t in tickets if upper.startswith(t.id.upper() + "_")]
        if prefixed:
            return max(prefixed, key=lambda t: len(t.id))
        key = _key(segment)
        if not key:
            continue
        keyed = [t for t in tickets if _key(t.id) == key]
        if len(keyed) > 1:
            narrowed = [t for t in keyed if t.id.upper().startswith(upper)]
            keyed = narrowed or keyed
        if len(keyed) == 1:
            return keyed[0]
        if keyed:
            ids = ", ".join(sorted(t.id for t in keyed))
            raise TicketAmbiguous(
                f'branch "{branch}" matches several tickets: {ids}',
                ("pass ", Param("ticket", "<ID>")),
            )
    return None


def from_branch(ws: Workspace, repo: str = "") -> BranchTicket | None:
    """The ticket the checked-out branch is named after (None: no repo, detached, no match)."""
    try:
        handle = open_repo(ws, repo)
    except GitLinkError:
        return None
    try:
        branch = handle.current_branch()
    finally:
        handle.close()
    if not branch:
        return None
    ticket = match_branch(branch, tickets_from_docs(load_docs(ws)))
    return BranchTicket(ticket.id, branch) if ticket is not None else None
