"""Copy the pages of docs/ into docmgr/help/, the package data an installed docmgr reads.

``docmgr help <topic>`` prints these pages and ``export-sqlite`` stores them in its ``README``
table, so an installed docmgr (which has no docs/ folder) carries its own manual. Run
``python docs/sync_help.py`` after editing a page (``python docs/gen_cli.py`` runs it too);
``tests/test_help.py`` fails when the copies differ from docs/.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "docmgr" / "help"


def sync() -> list[str]:
    """Make docmgr/help/*.md equal to docs/*.md; return the names that changed."""
    TARGET.mkdir(exist_ok=True)
    wanted = {p.name: p.read_bytes() for p in sorted(HERE.glob("*.md"))}
    changed = []
    for stale in TARGET.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
            changed.append(stale.name)
    for name, data in wanted.items():
        target = TARGET / name
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
            changed.append(name)
    return changed


def main() -> int:
    changed = sync()
    names = f": {', '.join(changed)}" if changed else ""
    print(f"synced {len(changed)} page(s) into {TARGET}{names}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
