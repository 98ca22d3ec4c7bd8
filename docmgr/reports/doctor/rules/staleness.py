"""stale: no document of the ticket updated within ``--stale-after`` days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from docmgr.model import Doc, Finding, Severity


def stale(
    docs: Sequence[Doc], ticket: str, path: str, *, now: datetime, stale_after: float
) -> Finding | None:
    """A warning when the newest LastUpdated is more than ``stale_after`` days before ``now``."""
    stamps = [d.meta.last_updated for d in docs if d.meta is not None and d.meta.last_updated]
    if not stamps:
        return None
    newest = max(stamps)
    age = (now - newest).total_seconds() / 86400
    if age <= stale_after:
        return None
    return Finding(
        ticket=ticket,
        issue="stale",
        severity=Severity.WARNING,
        message=f"no document updated in {int(age)} days (threshold: {int(stale_after)} days)",
        path=path,
        extra={"last_updated": newest.strftime("%Y-%m-%d")},
    )
