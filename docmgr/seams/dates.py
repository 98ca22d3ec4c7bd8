"""Date phrases accepted by search filters (spec §6.6): keywords, "N units ago", absolute dates."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from docmgr.seams.clock import parse_last_updated

_AGO = re.compile(r"^(\d+)\s*(day|days|week|weeks|month|months|year|years)\s+ago$")


_LOCAL_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def _midnight(at: datetime) -> datetime:
    return at.replace(hour=0, minute=0, second=0, microsecond=0)


def _shift(at: datetime, *, months: int = 0, years: int = 0) -> datetime:
    """Subtract calendar months/years (pendulum clamps day-of-month: Mar 31 - 1 month = Feb 28)."""
    import pendulum

    moved = pendulum.instance(at).subtract(months=months, years=years)
    return datetime(
        moved.year,
        moved.month,
        moved.day,
        at.hour,
        at.minute,
        at.second,
        at.microsecond,
        tzinfo=at.tzinfo,
    )


def parse(text: str, now: datetime) -> datetime:
    """Turn a date phrase into an aware instant relative to ``now``; raise ValueError if unknown."""
    raw = text.strip()
    phrase = " ".join(raw.lower().split())
    compact = phrase.replace(" ", "")
    today = _midnight(now)
    keywords = {
        "today": lambda: today,
        "yesterday": lambda: today - timedelta(days=1),
        "thisweek": lambda: today - timedelta(days=today.weekday()),
        "lastweek": lambda: today - timedelta(days=today.weekday() + 7),
        "thismonth": lambda: today.replace(day=1),
        "lastmonth": lambda: _shift(today.replace(day=1), months=1),
        "thisyear": lambda: today.replace(month=1, day=1),
        "lastyear": lambda: today.replace(year=today.year - 1, month=1, day=1),
    }
    if compact in keywords:
        return keywords[compact]()
    match = _AGO.match(phrase)
    if match:
        count, unit = int(match.group(1)), match.group(2).rstrip("s")
        if unit == "day":
            return today - timedelta(days=count)
        if unit == "week":
            return today - timedelta(weeks=count)
        if unit == "month":
            return _shift(today, months=count)
        return _shift(today, years=count)
    for fmt in _LOCAL_FORMATS:
        try:
            return datetime.strptime(raw, fmt).replace(tzinfo=now.tzinfo)
        except ValueError:
            continue
    if "T" in raw.upper() and (raw.upper().endswith("Z") or re.search(r"[+-]\d{2}:?\d{2}$", raw)):
        stamp = parse_last_updated(raw)
        if stamp is not None:
            return stamp
    raise ValueError(
        f"unrecognised date {text!r} (try 'today', '2 weeks ago', 'last month', "
        "2026-01-31 or an RFC 3339 timestamp)"
    )
