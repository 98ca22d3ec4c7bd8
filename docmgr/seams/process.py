"""Running another program: the only place docmgr starts a subprocess of a user's choosing.

Used by skills' ``binary-help`` sources (``<binary> help <topic>``). The argument list goes
straight to ``exec`` (never a shell, so nothing in a plan is interpreted), stdin is closed,
and a timeout kills the program.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docmgr.errors import ProgramNotFound, ProgramTimedOut


@dataclass(frozen=True, slots=True)
class Ran:
    """What a finished program printed (stdout and stderr interleaved) and its exit code."""

    output: bytes
    returncode: int


def run(argv: Sequence[str], *, timeout: float, cwd: Path | None = None) -> Ran:
    """Run ``argv`` without a shell; raise ProgramNotFound or ProgramTimedOut."""
    try:
        done = subprocess.run(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(os.environ),
            timeout=timeout,
            check=False,
        )
    except (FileNotFoundError, PermissionError, NotADirectoryError):
        raise ProgramNotFound(f"program not found: {argv[0]}") from None
    except subprocess.TimeoutExpired:
        raise ProgramTimedOut(f"program timed out after {timeout}s: {argv[0]}") from None
    return Ran(done.stdout, done.returncode)
