"""Ending a ``docmgr`` process without tearing the interpreter down.

When a verb has finished, Python's own exit clears every module and frees every object one
by one: about 21 million instructions (~6 ms, a tenth of ``docmgr --help``) that change
nothing a user can see. ``finish`` keeps what that exit does for the user, the exit hooks
(``atexit``: coverage data, ``tempfile``'s clean-up, ``logging``'s flush) and the flushed
standard streams, and then ends the process with ``os._exit``.

It steps aside, and lets ``sys.exit`` do the full exit, whenever the teardown may matter:
another thread still runs (Python waits for non-daemon threads), a profiler or tracer is
attached (it writes its report after the program), or the exit code is not an int.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def finish(code: str | int | None) -> NoReturn:
    """End the process with ``code`` (a ``SystemExit`` code: None, an int or a message)."""
    if code is not None and not isinstance(code, int):
        sys.exit(code)  # a message: printed to stderr by Python's own exit
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    status = code or 0
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe or a closed stream: output was lost
            status = status or 1
    os._exit(status & 0xFF)
