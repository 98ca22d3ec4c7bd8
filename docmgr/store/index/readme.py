"""The ``README`` table of an exported SQLite file: pages that explain the file to its reader."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping


def fill_readme(con: sqlite3.Connection, pages: Mapping[str, str]) -> None:
    """Create ``README(name PRIMARY KEY, content)`` if needed and store ``pages`` in it."""
    con.execute("CREATE TABLE IF NOT EXISTS README(name TEXT PRIMARY KEY, content TEXT)")
    con.executemany(
        "INSERT OR REPLACE INTO README(name, content) VALUES(?, ?)", sorted(pages.items())
    )
