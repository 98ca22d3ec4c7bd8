"""How the index tells its caller what it is doing: callbacks, because the library never prints.

The CLI installs them (a progress bar on a terminal, one line on stderr for a notice); a
library caller that installs nothing hears nothing.
"""

from __future__ import annotations

from collections.abc import Callable

# (label, done, total) while many files are parsed (a first build, a rebuild)
progress_hook: Callable[[str, int, int], None] | None = None

# one human sentence about something the user should know but need not act on
# (e.g. "the index cache was damaged and has been rebuilt")
notice_hook: Callable[[str], None] | None = None


PROGRESS_THRESHOLD = 300  # parse this many files or more → report progress


def progress_for(total: int) -> Callable[[str, int, int], None] | None:
    """The progress callback to use for a refresh that parses ``total`` files (or None)."""
    return progress_hook if total >= PROGRESS_THRESHOLD else None


def notice(message: str) -> None:
    """Pass one notice to the installed callback (dropped when there is none)."""
    if notice_hook is not None:
        notice_hook(message)
