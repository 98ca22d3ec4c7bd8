"""The one source of "now": a system clock, a fixed clock for tests, and timestamp formatting."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current time, timezone-aware, in the local zone."""
        ...


class SystemClock:
    """Wall-clock time in the local zone.

    The stdlib gives the local offset directly; pendulum is kept for parsing date phrases
    (see ``dates.py``) so that commands which only stamp a time do not pay its import.
    """

    def now(self) -> datetime:
        return datetime.now().astimezone()


@dataclass(frozen=True, slots=True)
class FixedClock:
    """A clock frozen at one instant (tests, reproducible runs)."""

    at: datetime

    def now(self) -> datetime:
        return self.at


def from_env() -> Clock:
    """Return the clock for this process: ``DOCMGR_NOW`` (RFC 3339) freezes it, else the system."""
    frozen = os.environ.get("DOCMGR_NOW", "").strip()
    if frozen:
        from docmgr.front_matter import parse_last_updated

        at = parse_last_updated(frozen)
        if at is not None:
            return FixedClock(at if at.tzinfo else at.astimezone())
    return SystemClock()


def format_rfc3339(at: datetime) -> str:
    """Format like Go's RFC3339Nano: fraction trimmed of zeros, ``Z`` for UTC, else ``±hh:mm``."""
    if at.tzinfo is None:
        at = at.astimezone()
    text = at.strftime("%Y-%m-%dT%H:%M:%S")
    if at.microsecond:
        text += "." + f"{at.microsecond:06d}".rstrip("0")
    offset = at.utcoffset() or timedelta(0)
    if offset == timedelta(0):
        return text + "Z"
    sign = "+" if offset > timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def utc_minute(at: datetime | None) -> str:
    """Format an instant as ``YYYY-MM-DD HH:MM`` in UTC (how listings show times)."""
    if at is None:
        return ""
    return at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")
