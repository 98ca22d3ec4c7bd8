"""The one source of "now": a system clock, a fixed clock for tests, and timestamp formatting."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta, timezone
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


class FixedClock:
    """A clock frozen at one instant (tests, reproducible runs)."""

    __slots__ = ("at",)

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __repr__(self) -> str:
        return f"FixedClock({self.at!r})"

    def now(self) -> datetime:
        return self.at


def from_env() -> Clock:
    """Return the clock for this process: ``DOCMGR_NOW`` (RFC 3339) freezes it, else the system."""
    frozen = os.environ.get("DOCMGR_NOW", "").strip()
    if frozen:
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
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


# compiled on first use, by ``re``'s own cache: every command imports this module, few
# parse a date
_TS = (
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[Tt ]+(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"[ \t]*(Z|z|[+-]\d{1,2}(?::?\d{2})?)?)?$"
)


# the shape docmgr and the Go tool write (a "T", seconds, up to nine fraction digits, "Z" or
# an offset of hours and minutes; not 24 o'clock): ``datetime.fromisoformat`` reads it as the
# rule above does, in a sixth of the time (a build reads one in every header). What it
# refuses (a field out of range) is left to the rule.
_COMMON_TS = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?!24)[0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"(?:\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)


def parse_last_updated(text: str) -> datetime | None:
    """Parse a YAML timestamp (RFC 3339, 1–9 fraction digits, or a bare date)."""
    text = text.strip()
    if re.fullmatch(_COMMON_TS, text) is not None:
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    return _by_rule(text)


def _by_rule(text: str) -> datetime | None:
    """``parse_last_updated`` of a stripped text, by the timestamp rule (``_TS``)."""
    match = re.match(_TS, text)
    if not match:
        return None
    y, mo, d, h, mi, s, frac, tz = match.groups()
    try:
        if h is None:
            return datetime(int(y), int(mo), int(d), tzinfo=UTC)
        micro = int((frac or "0")[:6].ljust(6, "0"))
        zone: timezone = UTC
        if tz and tz not in ("Z", "z"):
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            hours = int(digits[:-2] if len(digits) > 2 else digits)
            minutes = int(digits[-2:]) if len(digits) > 2 else 0
            zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=zone)
    except ValueError:
        return None
