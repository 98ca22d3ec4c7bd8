"""Which paths this process changed: a set the writers fill and the search index reads.

While an index watcher runs, a command that changed files applies exactly these paths to the
index itself (and bumps the watcher's generation stamp) instead of trusting the watcher to
have seen them already. A module of its own so the read path can import it for nothing.
"""

from __future__ import annotations

import os

paths: set[str] = set()
"""Absolute paths this process wrote, renamed, created or removed (files and folders)."""


def note(path: os.PathLike[str] | str) -> None:
    """Record that this process changed ``path``."""
    paths.add(os.path.abspath(path))
